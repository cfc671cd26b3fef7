"""Draw a lever map: where a verdict holds over two parameters, with the boundary and today's point.

With several DMs the cells are coloured by who accepts (all, each one alone, none); with one
verdict, by yes/no. The boundary between regions is drawn as a line, and today's values as a star.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.levers import LeverMap

_NONE, _ALL = "#f2f2f2", "#74c476"
_SOME = ["#9ecae1", "#fdae6b", "#bcbddc", "#fdd0a2", "#c6dbef"]


def _categories(m: "LeverMap") -> tuple[np.ndarray, list[str]]:
    """Cell categories and their legend labels."""
    if not m.layers:
        return m.grid.astype(int), ["does not hold", "holds"]
    names = list(m.layers)
    stack = np.stack([m.layers[n] for n in names]).astype(int)  # (k, ny, nx)
    code = np.zeros(m.grid.shape, dtype=int)
    for k in range(len(names)):
        code |= stack[k] << k
    labels = []
    for c in range(1 << len(names)):
        who = [names[k] for k in range(len(names)) if (c >> k) & 1]
        labels.append("none" if not who else ("all: " if len(who) == len(names) and len(names) > 1 else "")
                      + " + ".join(who))
    return code, labels


def map_figure(m: "LeverMap", *, x_label: str = "", y_label: str = ""):
    """A matplotlib Figure of the map."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    code, labels = _categories(m)
    n_cat = len(labels)
    colours = [_NONE] + [_SOME[k % len(_SOME)] for k in range(n_cat - 2)] + [_ALL]
    x = np.asarray(m.x_values)
    y = np.asarray(m.y_values)
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.pcolormesh(_edges(x), _edges(y), code, cmap=ListedColormap(colours), vmin=-0.5, vmax=n_cat - 0.5,
                  shading="flat", rasterized=True)
    if m.grid.any() and not m.grid.all():
        ax.contour(x, y, m.grid.astype(float), levels=[0.5], colors="black", linewidths=1.8)
    for layer in m.layers.values():
        if layer.any() and not layer.all():
            ax.contour(x, y, layer.astype(float), levels=[0.5], colors="#555555", linewidths=0.8,
                       linestyles="dashed")
    if m.today is not None:
        ax.plot([m.today[0]], [m.today[1]], marker="*", markersize=16, color="#d62728",
                markeredgecolor="black", linestyle="none", label="today")
    present = sorted(set(np.unique(code).tolist()))
    handles: list[Any] = [Patch(facecolor=colours[c], edgecolor="#999999", label=labels[c]) for c in present]
    if m.today is not None:
        handles.append(ax.lines[-1])
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    ax.set_xlabel(x_label or m.x)
    ax.set_ylabel(y_label or m.y)
    ax.set_title(_wrap(m.subject), fontsize=10)
    fig.tight_layout()
    return fig


def _edges(v: np.ndarray) -> np.ndarray:
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _wrap(text: str, width: int = 90) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or " "


def save_map(m: "LeverMap", path: str | Path, *, x_label: str = "", y_label: str = "") -> Path:
    """Write the map as PNG or SVG (by the suffix; ``.png`` when there is none)."""
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        out = out.with_suffix(".png")
    fig = map_figure(m, x_label=x_label, y_label=y_label)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def map_svg(m: "LeverMap", *, x_label: str = "", y_label: str = "") -> str:
    """The map as SVG text (for self-contained reports)."""
    import io

    import matplotlib.pyplot as plt

    fig = map_figure(m, x_label=x_label, y_label=y_label)
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]


__all__ = ["map_figure", "save_map", "map_svg"]
