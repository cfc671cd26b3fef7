"""Charts for reports, drawn with matplotlib and returned as SVG text or PNG bytes.

Every function works headless (the ``Agg`` backend) and returns strings or bytes, so reports stay
single files: :func:`figure_svg` gives an ``<svg>`` element ready to inline in HTML (no XML
prolog, no metadata, element ids prefixed so that several charts can share one page),
:func:`figure_png` PNG bytes and :func:`png_data_uri` a ``data:`` URI for an ``<img>``.

>>> import detente
>>> from detente.analysis.equilibria import analyze
>>> fig = stability_figure(analyze(detente.examples.prisoners_dilemma()), "seq")
>>> svg = figure_svg(fig, id_prefix="demo")
>>> svg.startswith("<svg") and "<metadata" not in svg
True
"""

from __future__ import annotations

import base64
import io
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.stability import CONCEPT_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def figure_svg(fig: Any, id_prefix: str = "fig", close: bool = True) -> str:
    """The figure as one inline ``<svg>`` element: no prolog, DOCTYPE or metadata, ids prefixed."""
    plt = _pyplot()
    buf = io.StringIO()
    with _rc({"svg.hashsalt": "detente", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    if close:
        plt.close(fig)
    text = buf.getvalue()
    text = text[text.find("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    if ids:
        pattern = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(re.escape(i) for i in
                                                                    sorted(ids, key=len, reverse=True)) + r')(?=[")])')
        text = pattern.sub(lambda mt: f"{mt.group(1)}{id_prefix}-{mt.group(2)}", text)
    return text.strip()


class _rc:
    """Temporarily set matplotlib rcParams."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def __enter__(self):
        import matplotlib

        self.old = {k: matplotlib.rcParams[k] for k in self.values}
        matplotlib.rcParams.update(self.values)

    def __exit__(self, *exc):
        import matplotlib

        matplotlib.rcParams.update(self.old)


def figure_png(fig: Any, dpi: int = 110, close: bool = True) -> bytes:
    """The figure as PNG bytes."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if close:
        plt.close(fig)
    return buf.getvalue()


def png_data_uri(fig: Any, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,...`` URI (for an ``<img>`` in a single-file page)."""
    return "data:image/png;base64," + base64.b64encode(figure_png(fig, dpi)).decode("ascii")


def stability_figure(analysis: "Analysis", concept: str, max_states: int = 64):
    """A grid of who is stable where: one row per DM (and "equilibrium"), one column per state
    (the first ``max_states``); green = stable, red = unstable."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    st = analysis.stable[concept][:, :max_states]
    grid = np.vstack([st, np.asarray(st.all(axis=0))[None, :]]).astype(float)
    rows = list(analysis.dm_names) + ["equilibrium"]
    n = grid.shape[1]
    fig, ax = plt.subplots(figsize=(min(2.0 + 0.28 * n, 14), 0.9 + 0.34 * len(rows)))
    ax.imshow(grid, cmap=ListedColormap(["#f4c7c3", "#b7e1cd"]), vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=9)
    ax.set_xticks(range(n))
    ax.set_xticklabels([str(s) for s in range(1, n + 1)], fontsize=7)
    ax.set_xlabel("state")
    ax.set_title(f"{CONCEPT_LABELS[concept]} stability (green = stable)", fontsize=10)
    ax.set_xticks(np.arange(-0.5, n, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows), 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    fig.tight_layout()
    return fig


def perspectives_figure(comparison: Any, concept: str):
    """Named outcomes × views: filled where the outcome holds a ``concept`` equilibrium in that
    view (a :class:`~detente.analysis.perspectives.PerspectiveComparison`)."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    views = list(comparison.names)
    first = comparison.analyses[views[0]]
    outcomes = list(first.compiled.outcomes)
    grid = np.zeros((len(outcomes), len(views)))
    for j, v in enumerate(views):
        data = comparison.analyses[v].outcomes
        for i, o in enumerate(outcomes):
            grid[i, j] = 1.0 if o in data and data[o]["equilibrium"].get(concept) else 0.0
    fig, ax = plt.subplots(figsize=(1.6 + 1.15 * len(views), 0.9 + 0.42 * max(len(outcomes), 1)))
    ax.imshow(grid, cmap=ListedColormap(["#eeeeee", "#4c9a6a"]), vmin=0, vmax=1, aspect="auto")
    for i in range(len(outcomes)):
        for j in range(len(views)):
            ax.text(j, i, "yes" if grid[i, j] else "no", ha="center", va="center", fontsize=8,
                    color="white" if grid[i, j] else "#555")
    ax.set_xticks(range(len(views)))
    ax.set_xticklabels(views, rotation=30, ha="right", fontsize=9)
    ax.set_yticks(range(len(outcomes)))
    ax.set_yticklabels(outcomes, fontsize=9)
    ax.set_title(f"Does the outcome hold a {CONCEPT_LABELS[concept]} equilibrium?", fontsize=10)
    fig.tight_layout()
    return fig


def sweep_svg(result: Any, id_prefix: str = "sweep") -> str:
    """A parameter sweep (:class:`~detente.analysis.sweep.SweepResult`) drawn as inline SVG."""
    from .sweep_plot import sweep_figure

    _pyplot()
    return figure_svg(sweep_figure(result), id_prefix=id_prefix)


__all__ = ["figure_svg", "figure_png", "png_data_uri", "stability_figure", "perspectives_figure", "sweep_svg"]
