"""Status quo analysis: the equilibria reachable from the status quo, and the shortest paths.

The classic published case is Elmira (Fang, Hipel & Kilgour 1993; Li, Kilgour & Hipel 2005;
Inohara & Hipel 2008): from the status quo (Uniroyal delays) the local government's unilateral
improvement, insisting on the original order, reaches an equilibrium where individual
improvements stop; only a joint improvement by the Ministry of the Environment and Uniroyal (the
Ministry modifies the order, Uniroyal accepts it) moves on to the historical outcome. Reachable
sets are also checked against the brute-force coalition reach of the engine's reference.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import detente
import elmira_models
from detente.analysis.compile import compile_conflict
from detente.analysis.evolution import evolve
from detente.analysis.inverse import levels_to_ranking
from detente.engine import reference
from detente.errors import DetenteError, ModelError
from detente.model import Conflict, DecisionMaker, GraphForm, Ranking

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONCEPTS = ("nash", "gmr", "smr", "seq")


def elmira_option() -> Conflict:
    return elmira_models.elmira_option(
        outcomes={"status_quo": "delay and not modify and not insist", "historical": "modify and accept and insist"},
        status_quo="status_quo")

def elmira_graph() -> Conflict:
    return elmira_models.elmira_graph(status_quo=1)

def steps(path):
    return [(s.mover_names, s.start, s.end) for s in path]


# -- Elmira -----------------------------------------------------------------------------------------
def test_elmira_classic_story_option_form():
    ev = evolve(elmira_option())                     # the declared status quo: state 1
    assert ev.status_quo == 1
    # individual improvements: the local government insists (1 -> 7) and everything stops there
    assert ev.reachable("improvements") == [1, 7]
    assert ev.stops["improvements"] == [7]
    assert ev.reachable_equilibria["improvements"]["nash"] == [7]
    assert steps(ev.paths["improvements"][7]) == [(["LG"], 1, 7)]
    # with coalitions: the MoE and Uniroyal jointly improve 7 -> 10 (modify, then accept)
    assert ev.reachable_equilibria["coalitional"]["nash"] == [7, 10]
    path = ev.paths["coalitional"][10]
    assert steps(path) == [(["LG"], 1, 7), (["MoE", "Uniroyal"], 7, 10)]
    assert path[1].via == [("MoE", 8), ("Uniroyal", 10)]
    assert ev.stops["coalitional"] == [10]
    # the status quo itself is a GMR (not Nash) equilibrium, reached by the empty sequence
    assert ev.reachable_equilibria["improvements"]["gmr"] == [1, 7]
    assert ev.paths["improvements"][1] == []
    # by unilateral moves every state can be reached
    assert sorted(ev.reachable("moves")) == list(range(1, 13))


def test_elmira_classic_story_book_graph():
    ev = evolve(elmira_graph(), concepts=["nash", "seq"])
    assert ev.reachable_equilibria["improvements"] == {"nash": [5], "seq": [5]}
    assert steps(ev.paths["improvements"][5]) == [(["LG"], 1, 5)]
    assert ev.reachable_equilibria["coalitional"]["nash"] == [5, 8]
    assert steps(ev.paths["coalitional"][8]) == [(["LG"], 1, 5), (["MoE", "Uniroyal"], 5, 8)]
    assert ev.reachable_equilibria["moves"]["nash"] == [5, 9, 8]        # nearest first
    d = ev.to_dict()
    json.dumps(d)
    assert d["reachable_equilibria"]["coalitional"]["nash"] == [5, 8]
    assert d["paths"]["coalitional"]["8"] == [
        {"mover": "LG", "from": 1, "to": 5},
        {"mover": ["MoE", "Uniroyal"], "from": 5, "to": 8,
         "via": [{"mover": "MoE", "state": 6}, {"mover": "Uniroyal", "state": 8}]}]
    assert "MoE + Uniroyal: 5 → 8" in ev.summary()


def test_elmira_scenario_file():
    conflict = detente.load(EXAMPLES / "elmira.yaml")
    ev = evolve(conflict, concepts=["nash"])
    assert ev.reachable_equilibria["improvements"]["nash"] == [7]
    assert steps(ev.paths["coalitional"][10]) == [(["local"], 1, 7), (["moe", "uniroyal"], 7, 10)]


def test_status_quo_can_be_an_outcome_or_condition():
    c = elmira_option()
    a = evolve(c, status_quo="status_quo", modes=["improvements"], concepts=["nash"])
    b = evolve(c, status_quo="delay and not modify and not insist", modes=["improvements"], concepts=["nash"])
    d = evolve(c, status_quo=1, modes=["improvements"], concepts=["nash"])
    assert a.status_quo == b.status_quo == d.status_quo == 1
    assert a.reachable("improvements") == d.reachable("improvements")


# -- against the definitions ------------------------------------------------------------------------
def random_graph_conflict(seed: int) -> Conflict:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(3, 10))
    moves = {f"d{i}": [(s, q) for s in range(1, m + 1) for q in range(1, m + 1)
                       if s != q and rng.random() < 0.25] for i in range(n)}
    levels = rng.integers(0, int(rng.integers(2, m + 1)), (n, m))
    return Conflict(f"r{seed}", [DecisionMaker(f"d{i}", preference=levels_to_ranking(levels[i])) for i in range(n)],
                    graph=GraphForm([f"s{k}" for k in range(m)], moves))


@pytest.mark.parametrize("seed", range(20))
def test_reachable_sets_match_reference_coalition_reach(seed):
    c = random_graph_conflict(seed)
    game = compile_conflict(c).game
    R = [[set(game.moves.targets(j, s).tolist()) for s in range(game.n_states)] for j in range(game.n_dms)]
    everyone = list(range(game.n_dms))
    for s0 in range(game.n_states):
        ev = evolve(c, status_quo=s0 + 1, modes=["moves", "improvements"], concepts=["nash"])
        moves = {s0} | reference.coalition_reach(R, everyone, s0)
        improving = {s0} | reference.coalition_reach(R, everyone, s0, game.levels.tolist())
        assert set(ev.reached["moves"]) == {s + 1 for s in moves}
        assert set(ev.reached["improvements"]) == {s + 1 for s in improving}


@pytest.mark.parametrize("seed", range(12))
def test_paths_are_legal_and_made_of_the_right_steps(seed):
    c = random_graph_conflict(100 + seed)
    game = compile_conflict(c).game
    lv = game.levels
    ev = evolve(c, status_quo=1, concepts=["gmr"])
    for mode in ev.modes:
        for target, path in ev.reached[mode].items():
            here, last = 1, None
            for st in path:
                assert st.start == here and st.mover != last
                a, b = st.start - 1, st.end - 1
                if len(st.mover) == 1:
                    (i,) = st.mover
                    assert b in game.moves.targets(i, a).tolist()
                    if mode != "moves":
                        assert lv[i, b] > lv[i, a]
                else:
                    assert mode == "coalitional"
                    assert all(lv[j, b] > lv[j, a] for j in st.mover)
                    prev, prev_mover = a, None
                    for dm, state in st.via:
                        j = game.dm_names.index(dm)
                        assert j in st.mover and j != prev_mover
                        assert state - 1 in game.moves.targets(j, prev).tolist()
                        prev, prev_mover = state - 1, j
                    assert prev == b
                here, last = st.end, st.mover
            assert here == target
    # shortest: compare with a plain breadth-first search over (state, last mover) pairs
    for mode in ("moves", "improvements"):
        dist = {0: 0}
        frontier, seen, k = [(0, -1)], {(0, -1)}, 0
        while frontier:
            k += 1
            nxt = []
            for s, last in frontier:
                for i in range(game.n_dms):
                    if i == last:
                        continue
                    for q in game.moves.targets(i, s).tolist():
                        if mode == "improvements" and lv[i, q] <= lv[i, s]:
                            continue
                        if (q, i) not in seen:
                            seen.add((q, i))
                            dist.setdefault(q, k)
                            nxt.append((q, i))
            frontier = nxt
        assert {s + 1: d for s, d in dist.items()} == {s: len(p) for s, p in ev.reached[mode].items()}


def test_no_dm_moves_twice_in_succession():
    # a can go 1 -> 2 and 2 -> 3, but not twice in a row; b can only go 2 -> 4
    c = Conflict("chain", [DecisionMaker("a", preference=Ranking([[3], [2], [4], [1]])),
                           DecisionMaker("b", preference=Ranking([[4], [3], [2], [1]]))],
                 graph=GraphForm(["w", "x", "y", "z"], {"a": [(1, 2), (2, 3)], "b": [(2, 4)]}))
    ev = evolve(c, status_quo=1, modes=["moves"], concepts=["nash"])
    assert sorted(ev.reached["moves"]) == [1, 2, 4]


def test_errors_are_detente_errors():
    pd = detente.examples.prisoners_dilemma()
    with pytest.raises(ModelError, match="no status_quo"):
        evolve(pd)
    with pytest.raises(ModelError, match="names 2 states"):
        evolve(pd, status_quo="alice.cooperate")
    with pytest.raises(ModelError, match="out of range"):
        evolve(pd, status_quo=9)
    with pytest.raises(DetenteError, match="unknown evolution mode"):
        evolve(pd, status_quo=1, modes=["teleport"])
    ev = evolve(pd, status_quo=1, modes=["improvements"])
    with pytest.raises(DetenteError, match="was not traced"):
        ev.path(1, "moves")
    assert isinstance(ModelError("x"), DetenteError)


# -- command line --------------------------------------------------------------------------------------
ELMIRA_GRAPH_YAML = """\
name: Elmira (book graph)
graph:
  states: [delay, modify_delay, accept, modify_accept, delay_insist, modify_delay_insist,
           accept_insist, modify_accept_insist, abandon]
  moves:
    moe: [[1, 2], [3, 4], [5, 6], [7, 8]]
    uniroyal: [[1, 3], [2, 4], [5, 7], [6, 8], [1, 9], [2, 9], [3, 9], [4, 9], [5, 9], [6, 9], [7, 9], [8, 9]]
    local: [[1, 5], [5, 1], [2, 6], [6, 2], [3, 7], [7, 3], [4, 8], [8, 4]]
decision_makers:
  - {name: moe, preferences: {ranking: [7, 3, 4, 8, 5, 1, 2, 6, 9]}}
  - {name: uniroyal, preferences: {ranking: [1, 4, 8, 5, 9, 2, 3, 7, 6]}}
  - {name: local, preferences: {ranking: [7, 3, 5, 1, 8, 6, 4, 2, 9]}}
outcomes:
  historical: modify_accept_insist
status_quo: 1
"""


def test_cli_evolve_json_and_errors(tmp_path):
    from typer.testing import CliRunner

    from detente.cli import app

    path = tmp_path / "elmira.yaml"
    path.write_text(ELMIRA_GRAPH_YAML)
    runner = CliRunner()
    res = runner.invoke(app, ["evolve", str(path), "--from", "delay", "--format", "json", "-c", "nash"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["reachable_equilibria"]["improvements"]["nash"] == [5]
    assert data["reachable_equilibria"]["coalitional"]["nash"] == [5, 8]
    assert [st["mover"] for st in data["paths"]["coalitional"]["8"]] == ["local", ["moe", "uniroyal"]]
    text = runner.invoke(app, ["evolve", str(path), "-m", "coalitional", "--coalition", "moe,uniroyal"])
    assert text.exit_code == 0 and "to 8 (historical): local: 1 → 5; moe + uniroyal: 5 → 8" in text.stdout
    bad = runner.invoke(app, ["evolve", str(path), "--coalition", "moe,nobody"])
    assert bad.exit_code == 2 and "unknown decision maker 'nobody'" in bad.output
    bad = runner.invoke(app, ["evolve", str(path), "--from", "99"])
    assert bad.exit_code == 2 and "--from" in bad.output


def test_coalitional_evolution_refuses_models_it_cannot_finish_quickly(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import conflict_gen

    from detente.analysis.evolution import evolve
    from detente.errors import DetenteError

    c = conflict_gen.benchmark_conflict(conflict_gen.option_counts(12))     # 3,480 states, 11 coalitions
    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "1000000")
    with pytest.raises(DetenteError, match="coalitional evolution .*DETENTE_MAX_RUN_WORK"):
        evolve(c, status_quo=1, modes=["coalitional"])
    evolve(c, status_quo=1, modes=["improvements"])            # the unilateral modes are not limited here
