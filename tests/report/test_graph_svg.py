"""The state-transition graph and evolution diagram: content, styling, filtering, layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import EXAMPLES, parse_svg, svg_arcs, svg_nodes

import detente
from detente.analysis.evolution import evolve
from detente.model import Conflict, DecisionMaker, Option, Prioritization
from detente.report.graph_svg import (DM_COLORS, evolution_graph, layered_layout, render_svg, select_states,
                                      transition_graph)


def brute_force_arcs(analysis, states):
    """Every (dm, from, to, is_ui) among ``states``, straight from the moves and levels."""
    game = analysis.compiled.game
    shown = set(states)
    out = set()
    for s in states:
        for i in range(game.n_dms):
            for q in game.moves.targets(i, s - 1).tolist():
                if q + 1 in shown:
                    out.add((i, s, q + 1, bool(game.levels[i][q] > game.levels[i][s - 1])))
    return out


def drawn_arcs(root, names):
    out = set()
    for p in svg_arcs(root):
        cls = p.get("class").split()
        dm = int(cls[2].split("-")[1])
        title = p.find("{http://www.w3.org/2000/svg}title").text
        who, rest = title.split(": ", 1)
        a, b = rest.split(" (")[0].split(" → ")
        assert who == names[dm]
        out.add((dm, int(a), int(b), cls[1] == "ui"))
    return out


def test_small_graph_draws_every_state_and_move():
    a = detente.analyze(detente.examples.prisoners_dilemma())
    spec = transition_graph(a, concept="nash", status_quo=4)
    root = parse_svg(render_svg(spec))
    nodes = svg_nodes(root)
    assert sorted(nodes) == [1, 2, 3, 4]
    assert spec.note == ""
    # equilibria under the chosen concept get the double border (class + an extra outer rectangle)
    eq = {s for s, g in nodes.items() if "equilibrium" in g.get("class").split()}
    assert eq == set(a.equilibria["nash"]) == {1}
    assert len(nodes[1].findall("{http://www.w3.org/2000/svg}rect")) == 2
    assert len(nodes[2].findall("{http://www.w3.org/2000/svg}rect")) == 1
    assert "status-quo" in nodes[4].get("class")
    assert drawn_arcs(root, a.dm_names) == brute_force_arcs(a, [1, 2, 3, 4])


def test_arcs_are_coloured_by_dm_and_styled_by_improvement(elmira):
    a = detente.analyze(elmira)
    root = parse_svg(render_svg(transition_graph(a, status_quo=1)))
    arcs = svg_arcs(root)
    assert arcs
    for p in arcs:
        cls = p.get("class").split()
        dm = int(cls[2].split("-")[1])
        assert p.get("stroke") == DM_COLORS[dm]
        if cls[1] == "ui":
            assert p.get("stroke-dasharray") is None and float(p.get("stroke-width")) > 2
        else:
            assert p.get("stroke-dasharray") and float(p.get("stroke-width")) <= 1
        assert p.get("marker-end").startswith("url(#tg-arr-")
    assert drawn_arcs(root, a.dm_names) == brute_force_arcs(a, list(range(1, 13)))
    seq = set(a.equilibria["seq"])
    nodes = svg_nodes(root)
    assert {s for s, g in nodes.items() if "equilibrium" in g.get("class")} == seq


def test_concept_choice_changes_the_marked_equilibria(elmira):
    a = detente.analyze(elmira)
    for c in ("nash", "gmr"):
        nodes = svg_nodes(parse_svg(render_svg(transition_graph(a, concept=c))))
        assert {s for s, g in nodes.items() if "equilibrium" in g.get("class")} == set(a.equilibria[c])


def test_big_model_is_filtered_around_what_matters(river):
    a = detente.analyze(river)
    sq = 2
    spec = transition_graph(a, status_quo=sq, max_nodes=60)
    root = parse_svg(render_svg(spec))
    nodes = set(svg_nodes(root))
    assert len(nodes) == 60 < a.n_states
    assert sq in nodes
    assert set(a.equilibria["seq"]) <= nodes
    for o in a.outcomes.values():
        assert set(o["equilibrium_states"]["seq"]) <= nodes
    # every state drawn is a state of interest or one move away from one
    game = a.compiled.game
    core = {sq} | {s for c in a.concepts for s in a.equilibria[c]} | {
        s for o in a.outcomes.values() for c in a.concepts for s in o["equilibrium_states"][c]} | {
        s for o in a.outcomes.values() if len(o["states"]) <= 7 for s in o["states"]}
    near = {q + 1 for s in core for i in range(game.n_dms) for q in game.moves.targets(i, s - 1).tolist()}
    assert nodes <= core | near
    # arcs only between drawn states; the note says what was left out
    for dm, s, q, _ui in drawn_arcs(root, a.dm_names):
        assert s in nodes and q in nodes
    assert "96 states" in spec.note and "60 are drawn" in spec.note


def test_filtering_keeps_only_improvements_when_arcs_would_clutter(river):
    a = detente.analyze(river)
    spec = transition_graph(a, max_nodes=60, max_arcs=50)
    assert all(arc.improvement for arc in spec.arcs)
    expected = {x for x in brute_force_arcs(a, [n.id for n in spec.nodes]) if x[3]}
    assert {(x.dm, x.src, x.dst, True) for x in spec.arcs} == expected
    assert "Only unilateral improvements are drawn" in spec.note


def test_select_states_respects_the_cap_and_priorities(river):
    a = detente.analyze(river)
    states, note = select_states(a, "seq", status_quo=5, max_nodes=10)
    assert len(states) == 10 and 5 in states
    assert set(a.equilibria["seq"]) <= set(states)
    small, note_small = select_states(detente.analyze(detente.examples.chicken()), "nash")
    assert small == [1, 2, 3, 4] and note_small == ""


def test_graph_form_uses_state_names_and_distance_layers():
    a = detente.analyze(detente.load(EXAMPLES / "elmira-graph.yaml"))
    spec = transition_graph(a, status_quo=1)
    labels = {n.id: n.lines[1] for n in spec.nodes}
    assert labels[1] == "delay" and labels[9] == "abandon"
    layer = {n.id: n.layer for n in spec.nodes}
    assert layer[1] == 0
    assert all(layer[s] == 1 for s in (2, 3, 5, 9))      # one move from the status quo
    assert spec.layer_titles[0] == "status quo"
    parse_svg(render_svg(spec))


def test_evolution_diagram_shows_the_coalition_step(elmira):
    ev = evolve(elmira, status_quo=1)
    spec = evolution_graph(ev, "coalitional")
    assert sorted(n.id for n in spec.nodes) == [1, 7, 10]
    coalition = [a for a in spec.arcs if a.dm < 0]
    assert [(a.src, a.dst, a.label) for a in coalition] == [(7, 10, "moe + uniroyal")]
    svg = render_svg(spec)
    root = parse_svg(svg)
    assert "moe + uniroyal" in svg
    assert {n.id: n.layer for n in spec.nodes} == {1: 0, 7: 1, 10: 2}
    assert svg_nodes(root)[1].get("class") == "node status-quo"


def test_layout_puts_every_node_once_in_its_layer_column(elmira):
    a = detente.analyze(elmira)
    spec = transition_graph(a)
    col, columns = layered_layout(spec)
    flat = [u for c in columns for u in c]
    assert sorted(flat) == sorted(n.id for n in spec.nodes)
    layers = sorted({n.layer for n in spec.nodes})
    for n in spec.nodes:
        assert col[n.id] == layers.index(n.layer)
    assert layered_layout(spec) == (col, columns)        # deterministic


def test_empty_graph_renders():
    from detente.report.graph_svg import GraphSpec

    parse_svg(render_svg(GraphSpec([], [], ["a", "b"])))


@st.composite
def conflicts(draw):
    n_dms = draw(st.integers(2, 3))
    names = [f"d{i}" for i in range(n_dms)]
    counts = [draw(st.integers(1, 3)) for _ in names]
    keys = [f"{n}.o{j}" for n, k in zip(names, counts) for j in range(k)]
    dms = []
    for n, k in zip(names, counts):
        stmts = draw(st.lists(st.sampled_from(keys + [f"not {x}" for x in keys]), min_size=1, max_size=4))
        rev = [draw(st.sampled_from(["both", "forward", "backward"])) for _ in range(k)]
        dms.append(DecisionMaker(n, [Option(f"o{j}", n, rev[j]) for j in range(k)], Prioritization(stmts)))
    return Conflict("random", dms)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(), st.integers(4, 40))
def test_random_conflicts_draw_well_formed_graphs(conflict, cap):
    a = detente.analyze(conflict)
    spec = transition_graph(a, max_nodes=cap, status_quo=1)
    root = parse_svg(render_svg(spec))
    nodes = svg_nodes(root)
    assert 1 in nodes
    if a.n_states <= cap:
        assert len(nodes) == a.n_states
    else:
        # the status quo, the equilibria, then their neighbours one move away, up to the cap
        game = a.compiled.game
        core = {1} | {s for c in a.concepts for s in a.equilibria[c]}
        near = {q + 1 for s in core for i in range(game.n_dms) for q in game.moves.targets(i, s - 1).tolist()}
        assert set(nodes) <= core | near
        assert len(nodes) == min(cap, len(core | near))
    eq = set(a.equilibria["seq"])
    if len(eq) + 1 <= cap:
        assert eq <= set(nodes)
    arcs = drawn_arcs(root, a.dm_names)
    if spec.total_arcs_left_out == 0:
        assert arcs == brute_force_arcs(a, sorted(nodes))
    else:
        assert arcs == {x for x in brute_force_arcs(a, sorted(nodes)) if x[3]}
    assert bool(spec.note) == (a.n_states > cap or spec.total_arcs_left_out > 0)


def test_tooltips_name_outcomes_and_concepts(elmira):
    a = detente.analyze(elmira)
    spec = transition_graph(a, status_quo=1)
    node = next(n for n in spec.nodes if n.id == 10)
    assert "historical" in node.title and "Nash" in node.title
    first = next(n for n in spec.nodes if n.id == 1)
    assert "status quo" in first.title


@pytest.mark.parametrize("prefix", ["a", "b"])
def test_marker_ids_are_prefixed(prefix):
    a = detente.analyze(detente.examples.chicken())
    svg = render_svg(transition_graph(a, id_prefix=prefix))
    ids = set(__import__("re").findall(r'id="([^"]+)"', svg))
    assert ids and all(i == prefix or i.startswith(prefix + "-") for i in ids)
    assert np.all([ref[5:-1] in ids for ref in __import__("re").findall(r"url\(#[^)]+\)", svg)])
