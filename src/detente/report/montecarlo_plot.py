"""Draw a Monte Carlo run: the share of every watched answer with its confidence interval, and how
the answer most driven by the parameters depends on the two most influential ones."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.montecarlo import MonteCarloResult


def _ordered_keys(result: "MonteCarloResult", max_rows: int) -> list[str]:
    """Answers that vary first (by share), then those that always hold, then those that never do."""
    n = result.n
    keys = list(result.counts)
    varying = sorted((k for k in keys if 0 < result.counts[k] < n), key=lambda k: -result.counts[k])
    always = [k for k in keys if result.counts[k] == n]
    never = [k for k in keys if result.counts[k] == 0]
    return (varying + always + never)[:max_rows]


def montecarlo_figure(result: "MonteCarloResult", max_rows: int = 40):
    """A matplotlib Figure: shares with Wilson intervals (left), the joint distribution (right)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    keys = _ordered_keys(result, max_rows)
    height = max(3.5, 0.24 * len(keys) + 1.5)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14, height), gridspec_kw={"width_ratios": [1.5, 1]})
    shares = np.array([result.counts[k] / result.n for k in keys])
    intervals = np.array([result.interval(k) for k in keys]).reshape(-1, 2)
    y = np.arange(len(keys))
    ax.barh(y, shares, color="#4c8c4a", height=0.7)
    if len(keys):
        below = np.clip(shares - intervals[:, 0], 0, None)
        above = np.clip(intervals[:, 1] - shares, 0, None)
        ax.errorbar(shares, y, xerr=[below, above], fmt="none",
                    ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_yticks(y)
    ax.set_yticklabels(keys, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of {result.n:,} draws ({result.confidence:.0%} Wilson interval)")
    ax.set_title("How often each answer holds", fontsize=10)
    _joint(ax2, result)
    fig.tight_layout()
    return fig


def _joint(ax, result: "MonteCarloResult") -> None:
    top = [p for p in result.most_influential(2) if result.influence.get(p, 0) > 0] or result.most_influential(2)
    key = result.drives.get(top[0]) if top else None
    if not top or key is None:
        ax.text(0.5, 0.5, "no watched answer varies across the draws", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return
    held = result.answer(key).astype(float)
    x = np.asarray(result.samples[top[0]], dtype=float)
    bins = 40
    if len(top) == 1:
        edges = np.linspace(x.min(), x.max() if x.max() > x.min() else x.min() + 1, bins + 1)
        idx = np.clip(np.digitize(x, edges) - 1, 0, bins - 1)
        total = np.bincount(idx, minlength=bins)
        yes = np.bincount(idx, weights=held, minlength=bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = yes / total
        ax.step((edges[:-1] + edges[1:]) / 2, share, where="mid", color="#4c8c4a")
        ax.set_xlabel(top[0])
        ax.set_ylabel("share of draws where it holds")
        ax.set_ylim(-0.02, 1.02)
    else:
        yv = np.asarray(result.samples[top[1]], dtype=float)
        total, xe, ye = np.histogram2d(x, yv, bins=bins)
        yes, _, _ = np.histogram2d(x, yv, bins=[xe, ye], weights=held)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, yes / total, np.nan)
        mesh = ax.pcolormesh(xe, ye, share.T, cmap="Greens", vmin=0, vmax=1, shading="flat")
        ax.figure.colorbar(mesh, ax=ax, label="share of draws where it holds")
        ax.set_xlabel(f"{top[0]} (influence {result.influence[top[0]]:.2f})")
        ax.set_ylabel(f"{top[1]} (influence {result.influence[top[1]]:.2f})")
    ax.set_title(f"{key}\nby the most influential parameters", fontsize=9)


def save_montecarlo_plot(result: "MonteCarloResult", stem: str | Path) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg``; returns the paths."""
    import matplotlib.pyplot as plt

    stem = Path(stem)
    if stem.suffix in (".png", ".svg"):
        stem = stem.with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig = montecarlo_figure(result)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=120)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
