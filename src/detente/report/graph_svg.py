"""State-transition graphs drawn as self-contained SVG (no JavaScript, no fonts, no system tools).

Two graphs are drawn with the same renderer:

- the *transition graph* of an analysis (:func:`transition_graph`): nodes are states (number and
  Y/N pattern), arcs are the decision makers' (DMs') unilateral moves coloured by DM; a move that
  is a unilateral improvement (UI) of its mover is drawn bold and solid, any other move faint and
  dashed; equilibria under one chosen concept get a double border and the status quo a yellow
  fill. Big models are *filtered*: the status quo, the equilibria, the named outcomes' states and
  their one-move neighbourhoods are kept, up to ``max_nodes`` states, and the graph's ``note``
  says what was left out.
- the *evolution diagram* (:func:`evolution_graph`): the shortest legal paths from the status quo
  to the equilibria it can reach, one column per step.

The layout is a simple layered one: states are put in columns (option form: by the number of
options taken, so a move that takes or drops one option goes to a neighbouring column; graph form
or evolution: by the distance in moves from the status quo), and each column is ordered by the
barycentre heuristic to reduce crossings. Arcs are gentle curves, so the two directions of a
reversible move are told apart.

>>> import detente
>>> a = detente.analyze(detente.examples.prisoners_dilemma())
>>> spec = transition_graph(a, concept="nash")
>>> [n.id for n in spec.nodes if n.equilibrium]
[1]
>>> svg = render_svg(spec)
>>> svg.startswith("<svg") and svg.count('data-state=') == 4
True
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.stability import CONCEPT_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis

# Okabe & Ito's colour-blind-safe palette (yellow left out: too faint on white), then greys.
DM_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A5C00", "#555555"]
COALITION_COLOR = "#222222"
MAX_NODES = 60
MAX_ARCS = 200
MAX_LABEL = 20


def dm_color(i: int) -> str:
    """The colour of DM ``i``'s arcs (cycles for more than eight DMs)."""
    return COALITION_COLOR if i < 0 else DM_COLORS[i % len(DM_COLORS)]


@dataclass
class Node:
    """One state in a drawing: ``lines`` are its label lines, ``title`` its tooltip."""

    id: int
    lines: list[str]
    layer: int = 0
    equilibrium: bool = False
    status_quo: bool = False
    title: str = ""


@dataclass
class Arc:
    """A move from ``src`` to ``dst`` (state numbers) by DM ``dm`` (−1: a coalition)."""

    src: int
    dst: int
    dm: int
    improvement: bool
    label: str = ""


@dataclass
class GraphSpec:
    """Everything the renderer needs; ``note`` says what was filtered out."""

    nodes: list[Node]
    arcs: list[Arc]
    dm_names: list[str]
    title: str = ""
    note: str = ""
    concept: str | None = None
    layer_titles: dict[int, str] = field(default_factory=dict)
    id_prefix: str = "g"
    show_faint_legend: bool = True
    total_states: int = 0
    total_arcs_left_out: int = 0


# -- choosing what to draw ----------------------------------------------------------------------
def select_states(analysis: "Analysis", concept: str, status_quo: int | None = None,
                  max_nodes: int = MAX_NODES, focus: Iterable[int] = ()) -> tuple[list[int], str]:
    """The states to draw (1-based, sorted) and a note saying what was left out ("" if nothing).

    Priority: ``focus`` states, the status quo, the equilibria under ``concept``, the named
    outcomes' equilibria and (for outcomes of few states) all their states, the
    equilibria under the other concepts, then the neighbours of those states: first the states
    their UIs lead to, then any state one move away.

    >>> import detente
    >>> a = detente.analyze(detente.examples.chicken())
    >>> select_states(a, "nash")
    ([1, 2, 3, 4], '')
    """
    m = analysis.n_states
    if m <= max_nodes:
        return list(range(1, m + 1)), ""
    chosen: dict[int, None] = {}

    def add(states: Iterable[int]) -> None:
        for s in states:
            if len(chosen) >= max_nodes:
                return
            chosen.setdefault(int(s), None)

    add(focus)
    if status_quo is not None:
        add([status_quo])
    eq = analysis.equilibria
    add(eq.get(concept, []))
    outcomes = analysis.outcomes
    for o in outcomes.values():
        add(o["equilibrium_states"].get(concept, []))
    small = max(4, max_nodes // 8)
    for o in outcomes.values():
        if len(o["states"]) <= small:
            add(o["states"])
    for c in analysis.concepts:
        add(eq[c])
    core = list(chosen)
    for s in core:
        add(q for dm in analysis.dm_names for q in analysis.improvements(s, dm))
    for s in core:
        add(q for dm in analysis.dm_names for q in analysis.moves(s, dm))
    states = sorted(chosen)
    n_eq = len(eq.get(concept, []))
    shown_eq = sum(1 for s in eq.get(concept, []) if s in chosen)
    parts = [f"The model has {m} states; {len(states)} are drawn"]
    kept = ["the status quo"] if status_quo is not None else []
    kept.append(f"{'all ' if shown_eq == n_eq else f'{shown_eq} of '}{n_eq} {CONCEPT_LABELS.get(concept, concept)} "
                "equilibria")
    kept.append("the named outcomes' equilibria (and all states of small outcomes)")
    parts.append(": " + ", ".join(kept) + ", and their neighbours one move away, "
                 f"up to {max_nodes} states. Moves to states not drawn are left out.")
    return states, "".join(parts)


def _state_lines(analysis: "Analysis", s: int) -> tuple[list[str], str]:
    info = analysis.state_info(s)
    label = info.get("pattern") or info.get("name") or ""
    full = label
    if len(label) > MAX_LABEL:
        label = label[:MAX_LABEL - 1] + "…"
    return [str(s), label], full


def _option_layers(analysis: "Analysis", states: list[int]) -> tuple[dict[int, int], dict[int, str]]:
    space = analysis.compiled.space
    assert space is not None
    layer = {s: int(bin(int(space.codes[s - 1])).count("1")) for s in states}
    titles = {k: f"{k} option{'s' if k != 1 else ''} taken" for k in set(layer.values())}
    return layer, titles


def _distance_layers(states: list[int], arcs: list[Arc], start: int | None) -> tuple[dict[int, int], dict[int, str]]:
    adj: dict[int, set[int]] = {s: set() for s in states}
    for a in arcs:
        adj[a.src].add(a.dst)
        adj[a.dst].add(a.src)
    layer: dict[int, int] = {}
    roots = ([start] if start in adj else []) + states
    offset = 0
    for root in roots:
        if root in layer:
            continue
        layer[root] = offset
        queue = deque([root])
        while queue:
            u = queue.popleft()
            for v in sorted(adj[u]):
                if v not in layer:
                    layer[v] = layer[u] + 1
                    queue.append(v)
        offset = max(layer.values()) + 1
    titles = {}
    if start in layer:
        titles = {k: ("status quo" if k == 0 else f"{k} move{'s' if k != 1 else ''} away")
                  for k in set(layer.values())}
    return layer, titles


def transition_graph(analysis: "Analysis", concept: str | None = None, status_quo: int | None = None,
                     max_nodes: int = MAX_NODES, max_arcs: int = MAX_ARCS, focus: Iterable[int] = (),
                     id_prefix: str = "tg") -> GraphSpec:
    """The state-transition graph of ``analysis`` (filtered to ``max_nodes`` states), ready to draw.

    ``concept`` picks the equilibria drawn with a double border (default: SEQ if analysed, else
    the last concept analysed); ``status_quo`` (1-based) is filled yellow.
    """
    if concept is None:
        concept = "seq" if "seq" in analysis.concepts else analysis.concepts[-1]
    states, note = select_states(analysis, concept, status_quo, max_nodes, focus)
    shown = set(states)
    eq = set(analysis.equilibria.get(concept, []))
    all_eq = {c: set(v) for c, v in analysis.equilibria.items()}
    ui_arcs: list[Arc] = []
    other_arcs: list[Arc] = []
    for s in states:
        for i, dm in enumerate(analysis.dm_names):
            better = set(analysis.improvements(s, dm))
            for q in analysis.moves(s, dm):
                if q in shown:
                    (ui_arcs if q in better else other_arcs).append(Arc(s, q, i, q in better))
    arcs = ui_arcs + other_arcs
    left_out = 0
    if len(arcs) > max_arcs:
        left_out = len(other_arcs)
        arcs = ui_arcs
        extra = (f" Only unilateral improvements are drawn: the {left_out} other moves among these states "
                 "are left out to keep the drawing readable.")
        note = (note + extra).strip()
    nodes = []
    for s in states:
        lines, full = _state_lines(analysis, s)
        info = analysis.state_info(s)
        tip = [f"state {s}: {full}"]
        if info["outcomes"]:
            tip.append("outcomes: " + ", ".join(info["outcomes"]))
        eq_under = [CONCEPT_LABELS[c] for c in analysis.concepts if s in all_eq[c]]
        tip.append("equilibrium under " + (", ".join(eq_under) if eq_under else "no concept analysed"))
        if s == status_quo:
            tip.append("status quo")
        nodes.append(Node(s, lines, 0, s in eq, s == status_quo, "\n".join(tip)))
    if analysis.compiled.space is not None:
        layer, titles = _option_layers(analysis, states)
    else:
        layer, titles = _distance_layers(states, arcs, status_quo if status_quo is not None else states[0])
    for n in nodes:
        n.layer = layer[n.id]
    return GraphSpec(nodes, arcs, list(analysis.dm_names), f"State transitions ({len(states)} of "
                     f"{analysis.n_states} states)", note, concept, titles, id_prefix, True,
                     analysis.n_states, left_out)


def evolution_graph(evolution: Any, mode: str, concept: str | None = None, max_nodes: int = MAX_NODES,
                    id_prefix: str = "ev") -> GraphSpec:
    """The evolution diagram for one mode of a :class:`~detente.analysis.evolution.Evolution`:
    the union of the shortest legal paths from the status quo to every equilibrium it reaches
    (under any concept traced) and to every state where the evolution stops."""
    concepts = list(evolution.concepts)
    if concept is None:
        concept = "seq" if "seq" in concepts else concepts[-1]
    names = list(evolution.dm_names)
    reached = evolution.reached[mode]
    to_equilibria = evolution.paths[mode]          # a computed property: read it once
    targets = list(to_equilibria) + [s for s in evolution.stops[mode] if s not in to_equilibria]
    targets.sort(key=lambda s: (len(reached[s]), s))
    sq = evolution.status_quo
    nodes_ids: dict[int, None] = {sq: None}
    arcs: dict[tuple[int, int, int], Arc] = {}
    dropped = 0
    for target in targets:
        path = reached[target]
        new = {st.end for st in path} - set(nodes_ids)
        if len(nodes_ids) + len(new) > max_nodes:
            dropped += 1
            continue
        for st in path:
            nodes_ids.setdefault(st.end, None)
            mover = st.mover[0] if len(st.mover) == 1 else -1
            label = " + ".join(st.mover_names) if len(st.mover) > 1 else ""
            arcs.setdefault((st.start, st.end, mover), Arc(st.start, st.end, mover, mode != "moves", label))
    stable = evolution.stable
    analysis_like = evolution.compiled
    eq = {c: set((np.flatnonzero(stable[c].all(axis=0)) + 1).tolist()) for c in concepts}
    nodes = []
    for s in nodes_ids:
        label = analysis_like.state_label(s - 1)
        full = label
        if len(label) > MAX_LABEL:
            label = label[:MAX_LABEL - 1] + "…"
        eq_under = [CONCEPT_LABELS[c] for c in concepts if s in eq[c]]
        tip = [f"state {s}: {full}", f"{len(reached[s])} step(s) from the status quo",
               "equilibrium under " + (", ".join(eq_under) if eq_under else "no concept analysed")]
        if s in evolution.stops[mode]:
            tip.append("the evolution stops here")
        nodes.append(Node(s, [str(s), label], len(reached[s]), s in eq[concept], s == sq, "\n".join(tip)))
    depth = {n.layer for n in nodes}
    titles = {k: ("status quo" if k == 0 else f"step {k}") for k in depth}
    note = ""
    if dropped:
        note = f"{dropped} path(s) left out to keep the diagram to {max_nodes} states."
    return GraphSpec(nodes, list(arcs.values()), names, "", note, concept, titles, id_prefix, False,
                     evolution.compiled.n_states)


# -- layout -------------------------------------------------------------------------------------
def layered_layout(spec: GraphSpec, sweeps: int = 8) -> tuple[dict[int, int], list[list[int]]]:
    """Columns of node ids, each ordered by the barycentre heuristic; returns (column of id, columns)."""
    layers = sorted({n.layer for n in spec.nodes})
    col_of_layer = {k: c for c, k in enumerate(layers)}
    col = {n.id: col_of_layer[n.layer] for n in spec.nodes}
    columns: list[list[int]] = [[] for _ in layers]
    for n in sorted(spec.nodes, key=lambda n: n.id):
        columns[col[n.id]].append(n.id)
    nbrs: dict[int, list[int]] = {n.id: [] for n in spec.nodes}
    for a in spec.arcs:
        if a.src != a.dst:
            nbrs[a.src].append(a.dst)
            nbrs[a.dst].append(a.src)
    pos = {u: float(k) for column in columns for k, u in enumerate(column)}
    order = list(range(len(columns)))
    for sweep in range(sweeps):
        seq = order[1:] if sweep % 2 == 0 else list(reversed(order[:-1]))
        for c in seq:
            ref = c - 1 if sweep % 2 == 0 else c + 1

            def bary(u: int, ref: int = ref) -> float:
                ps = [pos[v] for v in nbrs[u] if col[v] == ref]
                if not ps:
                    ps = [pos[v] for v in nbrs[u] if col[v] != col[u]]
                return sum(ps) / len(ps) if ps else pos[u]

            columns[c].sort(key=lambda u: (bary(u), pos[u], u))
            for k, u in enumerate(columns[c]):
                pos[u] = float(k)
    return col, columns


# -- drawing ------------------------------------------------------------------------------------
CHAR_W = 7.0
LINE_H = 15.0


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _clip(cx: float, cy: float, hw: float, hh: float, dx: float, dy: float) -> tuple[float, float]:
    """The point where a ray from the box centre in direction (dx, dy) leaves the box."""
    if dx == 0 and dy == 0:
        return cx, cy
    tx = hw / abs(dx) if dx else math.inf
    ty = hh / abs(dy) if dy else math.inf
    t = min(tx, ty)
    return cx + t * dx, cy + t * dy


def render_svg(spec: GraphSpec) -> str:
    """The graph as one ``<svg>`` element (inline styles, arrow markers, tooltips as ``<title>``)."""
    p = escape(spec.id_prefix)
    if not spec.nodes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="detente-graph" id="{p}" width="320" height="40" '
                f'role="img" aria-label="empty graph"><text x="10" y="24" font-size="13">(no states to draw)</text>'
                '</svg>')
    col, columns = layered_layout(spec)
    width_chars = max(len(line) for n in spec.nodes for line in n.lines)
    n_lines = max(len(n.lines) for n in spec.nodes)
    bw = max(44.0, width_chars * CHAR_W + 16)
    bh = n_lines * LINE_H + 10
    gap_x = 110.0 if len(spec.arcs) > 40 else 86.0
    longest_label = max((len(a.label) for a in spec.arcs), default=0)
    if longest_label:
        gap_x = max(gap_x, longest_label * 6.5 + 36)
    gap_y = 26.0
    legend_h = 50.0
    head_h = 24.0 if spec.layer_titles else 6.0
    margin = 30.0
    tallest = max(len(c) for c in columns)
    total_h = tallest * (bh + gap_y)
    xy: dict[int, tuple[float, float]] = {}
    for c, column in enumerate(columns):
        h = len(column) * (bh + gap_y)
        y0 = legend_h + head_h + margin + (total_h - h) / 2
        for k, u in enumerate(column):
            xy[u] = (margin + bw / 2 + c * (bw + gap_x), y0 + k * (bh + gap_y) + bh / 2)
    legend, legend_w = _legend(spec, margin)
    first_row = margin + sum(40 + CHAR_W * len(name) for name in spec.dm_names) + 100
    width = max(2 * margin + len(columns) * bw + (len(columns) - 1) * gap_x, legend_w + margin, first_row, 320.0)
    height = legend_h + head_h + 2 * margin + total_h
    node_by_id = {n.id: n for n in spec.nodes}
    out: list[str] = []
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" class="detente-graph" id="{p}" '
               f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" width="{_fmt(width)}" height="{_fmt(height)}" '
               f'role="img" aria-label="{escape(spec.title or "state graph")}" '
               'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">')
    if spec.title:
        out.append(f"<title>{escape(spec.title)}</title>")
    # arrow markers: one per colour and style
    out.append("<defs>")
    used = sorted({(a.dm, a.improvement) for a in spec.arcs})
    for dm, imp in used:
        mid = f"{p}-arr-{'c' if dm < 0 else dm}-{'u' if imp else 'm'}"
        opacity = "1" if imp else "0.55"
        size = 7 if imp else 6
        out.append(f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" '
                   f'markerHeight="{size}" orient="auto-start-reverse" markerUnits="userSpaceOnUse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{dm_color(dm)}" fill-opacity="{opacity}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{_fmt(width)}" height="{_fmt(height)}" fill="#ffffff"/>')
    # legend
    out.extend(legend)
    # column headings
    if spec.layer_titles:
        layers = sorted({n.layer for n in spec.nodes})
        for c, k in enumerate(layers):
            x = margin + bw / 2 + c * (bw + gap_x)
            title = spec.layer_titles.get(k, "")
            out.append(f'<text x="{_fmt(x)}" y="{_fmt(legend_h + margin + 4)}" text-anchor="middle" '
                       f'font-size="11" fill="#666">{escape(title)}</text>')
    # arcs (faint first, so bold ones are on top)
    pair_count: dict[tuple[int, int], int] = {}
    arcs_sorted = sorted(spec.arcs, key=lambda a: (a.improvement, a.dm, a.src, a.dst))
    out.append('<g class="arcs" fill="none">')
    for a in arcs_sorted:
        if a.src not in xy or a.dst not in xy or a.src == a.dst:
            continue
        key = (a.src, a.dst)
        k = pair_count.get(key, 0)
        pair_count[key] = k + 1
        (x1, y1), (x2, y2) = xy[a.src], xy[a.dst]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / dist, dx / dist          # left of the direction of travel
        same_col = col[a.src] == col[a.dst]
        bend = (18.0 + 0.22 * dist if same_col else 12.0 + 0.06 * dist) + 9.0 * k
        cx, cy = (x1 + x2) / 2 + nx * bend, (y1 + y2) / 2 + ny * bend
        pad = 3.5 if node_by_id[a.dst].equilibrium else 0.5
        sx, sy = _clip(x1, y1, bw / 2 + 1, bh / 2 + 1, cx - x1, cy - y1)
        ex, ey = _clip(x2, y2, bw / 2 + pad + 1, bh / 2 + pad + 1, cx - x2, cy - y2)
        color = dm_color(a.dm)
        mid = f"{p}-arr-{'c' if a.dm < 0 else a.dm}-{'u' if a.improvement else 'm'}"
        who = a.label or (spec.dm_names[a.dm] if 0 <= a.dm < len(spec.dm_names) else "coalition")
        kind = "unilateral improvement" if a.improvement else "move (not an improvement)"
        if a.dm < 0 and a.improvement:
            kind = "coalitional improvement"
        cls = f"arc {'ui' if a.improvement else 'move'} dm-{'c' if a.dm < 0 else a.dm}"
        style = ('stroke-width="2.2"' if a.improvement
                 else 'stroke-width="1" stroke-dasharray="4 3" stroke-opacity="0.45"')
        out.append(f'<path class="{cls}" d="M{_fmt(sx)},{_fmt(sy)} Q{_fmt(cx)},{_fmt(cy)} {_fmt(ex)},{_fmt(ey)}" '
                   f'stroke="{color}" {style} marker-end="url(#{mid})">'
                   f'<title>{escape(who)}: {a.src} → {a.dst} ({kind})</title></path>')
        if a.label:
            lx, ly = 0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2
            out.append(f'<text x="{_fmt(lx)}" y="{_fmt(ly - 5)}" text-anchor="middle" font-size="10" '
                       f'fill="{color}" stroke="#fff" stroke-width="3" paint-order="stroke">{escape(a.label)}</text>')
    out.append("</g>")
    # nodes
    out.append('<g class="nodes">')
    for n in spec.nodes:
        x, y = xy[n.id]
        fill = "#fff3b0" if n.status_quo else ("#e3f4e3" if n.equilibrium else "#ffffff")
        cls = "node" + (" equilibrium" if n.equilibrium else "") + (" status-quo" if n.status_quo else "")
        out.append(f'<g class="{cls}" data-state="{n.id}"><title>{escape(n.title)}</title>')
        if n.equilibrium:
            out.append(f'<rect x="{_fmt(x - bw / 2 - 3.5)}" y="{_fmt(y - bh / 2 - 3.5)}" width="{_fmt(bw + 7)}" '
                       f'height="{_fmt(bh + 7)}" rx="8" fill="none" stroke="#1b5e20" stroke-width="1.6"/>')
        stroke = "#1b5e20" if n.equilibrium else "#444"
        out.append(f'<rect x="{_fmt(x - bw / 2)}" y="{_fmt(y - bh / 2)}" width="{_fmt(bw)}" height="{_fmt(bh)}" '
                   f'rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.4"/>')
        top = y - (len(n.lines) * LINE_H) / 2 + LINE_H - 3
        for k, line in enumerate(n.lines):
            weight = ' font-weight="bold"' if k == 0 else ""
            family = ' font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"' if k > 0 else ""
            out.append(f'<text x="{_fmt(x)}" y="{_fmt(top + k * LINE_H)}" text-anchor="middle" '
                       f'font-size="{12 if k == 0 else 11}"{weight}{family} fill="#111">{escape(line)}</text>')
        out.append("</g>")
    out.append("</g></svg>")
    return "".join(out)


def _legend(spec: GraphSpec, margin: float) -> tuple[list[str], float]:
    """The legend's SVG pieces and the x where its second row ends."""
    out = ['<g class="legend" font-size="11">']
    x = margin
    y = 18.0
    for i, name in enumerate(spec.dm_names):
        color = dm_color(i)
        out.append(f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(x + 22)}" y2="{_fmt(y)}" stroke="{color}" '
                   f'stroke-width="3"/><text x="{_fmt(x + 27)}" y="{_fmt(y + 4)}" fill="#222">{escape(name)}</text>')
        x += 40 + CHAR_W * len(name)
    if any(a.dm < 0 for a in spec.arcs):
        out.append(f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(x + 22)}" y2="{_fmt(y)}" stroke="{COALITION_COLOR}" '
                   f'stroke-width="3"/><text x="{_fmt(x + 27)}" y="{_fmt(y + 4)}" fill="#222">coalition</text>')
    y2 = 38.0
    x = margin
    items = ['<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#333" stroke-width="2.2"/>',
             "unilateral improvement"]
    parts = [items]
    if spec.show_faint_legend and any(not a.improvement for a in spec.arcs):
        parts.append(['<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#333" stroke-width="1" '
                      'stroke-dasharray="4 3" stroke-opacity="0.5"/>', "other move"])
    for shape, text in parts:
        out.append(shape.format(x0=_fmt(x), x1=_fmt(x + 22), y=_fmt(y2 - 4)))
        out.append(f'<text x="{_fmt(x + 27)}" y="{_fmt(y2)}" fill="#222">{escape(text)}</text>')
        x += 40 + CHAR_W * len(text)
    if spec.concept:
        out.append(f'<rect x="{_fmt(x)}" y="{_fmt(y2 - 11)}" width="18" height="12" rx="3" fill="#e3f4e3" '
                   f'stroke="#1b5e20"/><rect x="{_fmt(x - 2.5)}" y="{_fmt(y2 - 13.5)}" width="23" height="17" rx="4" '
                   f'fill="none" stroke="#1b5e20"/>')
        text = f"{CONCEPT_LABELS.get(spec.concept, spec.concept)} equilibrium"
        out.append(f'<text x="{_fmt(x + 27)}" y="{_fmt(y2)}" fill="#222">{escape(text)}</text>')
        x += 40 + CHAR_W * len(text)
    if any(n.status_quo for n in spec.nodes):
        out.append(f'<rect x="{_fmt(x)}" y="{_fmt(y2 - 11)}" width="18" height="12" rx="3" fill="#fff3b0" '
                   f'stroke="#444"/><text x="{_fmt(x + 27)}" y="{_fmt(y2)}" fill="#222">status quo</text>')
        x += 40 + CHAR_W * len("status quo")
    out.append("</g>")
    return out, x


def transition_graph_svg(analysis: "Analysis", **kwargs: Any) -> tuple[str, str]:
    """Shortcut: the drawn transition graph and its filtering note."""
    spec = transition_graph(analysis, **kwargs)
    return render_svg(spec), spec.note


def standalone(svg: str) -> str:
    """An SVG element as a standalone ``.svg`` file's text."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"


__all__ = ["GraphSpec", "Node", "Arc", "transition_graph", "evolution_graph", "select_states", "render_svg",
           "layered_layout", "transition_graph_svg", "standalone", "dm_color", "DM_COLORS", "MAX_NODES"]
