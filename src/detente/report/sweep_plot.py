"""Draw a parameter sweep: verdict strips per named outcome and DM, equilibrium counts, tipping points."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.sweep import SweepResult


def _rows(result: "SweepResult", max_rows: int) -> list[str]:
    """The boolean series worth drawing: those that change along the sweep first, then the rest."""
    keys = [k for k in result.signatures[0] if isinstance(result.signatures[0][k], bool)]
    changing = [k for k in keys if len(set(result.series(k))) > 1]
    steady = [k for k in keys if k not in changing and ": equilibrium" in k]
    return (changing + steady)[:max_rows]


def sweep_figure(result: "SweepResult", max_rows: int = 16):
    """A matplotlib Figure: one strip per watched verdict (filled = yes), equilibrium counts below."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = _rows(result, max_rows)
    x = np.asarray(result.values, dtype=float)
    height = 1.6 + 0.32 * max(len(rows), 1) + 1.8
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, height), sharex=True,
                                  gridspec_kw={"height_ratios": [max(len(rows), 1) * 0.32 + 0.6, 1.8]})
    step = (x[1] - x[0]) if x.size > 1 else 1.0
    edges = np.concatenate([x - step / 2, [x[-1] + step / 2]])
    for r, key in enumerate(rows):
        vals = np.asarray(result.series(key), dtype=bool)
        colors = np.where(vals, 1.0, 0.0)[None, :]
        ax.pcolormesh(edges, [r - 0.4, r + 0.4], colors, cmap="Greens", vmin=-0.2, vmax=1.2, shading="flat")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8)
    ax.set_ylim(-0.6, max(len(rows), 1) - 0.4)
    ax.invert_yaxis()
    ax.set_title(f"Sweep of {result.parameter}" + (f" (perspective: {result.perspective})" if result.perspective else "")
                 + " — dark = yes", fontsize=10)
    for c in result.concepts:
        counts = [len(v) for v in result.series(f"equilibria[{c}]")]
        ax2.step(x, counts, where="mid", label=c.upper())
    ax2.set_ylabel("# equilibria")
    ax2.set_xlabel(result.parameter)
    ax2.legend(fontsize=8, ncol=len(result.concepts))
    seen: set[float] = set()
    for t in result.tipping_points:
        v = round(t.value, 12)
        if v in seen:
            continue
        seen.add(v)
        for a in (ax, ax2):
            a.axvline(t.value, color="crimson", linestyle="--", linewidth=1)
        ax2.annotate(f"{t.value:.4g}", (t.value, ax2.get_ylim()[1]), color="crimson", fontsize=8,
                     rotation=90, va="top", ha="right")
    fig.tight_layout()
    return fig


def save_sweep_plot(result: "SweepResult", stem: str | Path) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg``; returns the paths."""
    import matplotlib.pyplot as plt

    stem = Path(stem)
    if stem.suffix in (".png", ".svg"):
        stem = stem.with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig = sweep_figure(result)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=120)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths


def sweep_svg(result: "SweepResult") -> str:
    """The sweep plot as an inline SVG string (for HTML reports)."""
    import io

    import matplotlib.pyplot as plt

    fig = sweep_figure(result)
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]
