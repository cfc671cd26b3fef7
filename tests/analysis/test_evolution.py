"""Status quo analysis: the equilibria reachable from the status quo, and the shortest paths.

The classic published case is Elmira (Fang, Hipel & Kilgour 1993; Li, Kilgour & Hipel 2005;
Inohara & Hipel 2008): from the status quo (Uniroyal delays) the local government's unilateral
improvement, insisting on the original order, reaches an equilibrium where individual
improvements stop; only a joint improvement by the Ministry of the Environment and Uniroyal (the
Ministry modifies the order, Uniroyal accepts it) moves on to the historical outcome. Reachable
sets are also checked against the brute-force coalition reach of the engine's reference.
"""

from __future__ import annotations

import itertools
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
from detente.engine.reach import Reach
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


def test_coalitional_evolution_checks_its_cost_before_the_work(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import conflict_gen

    c = conflict_gen.benchmark_conflict(conflict_gen.option_counts(14))     # 13,950 states, 11 coalitions
    compiled = compile_conflict(c)
    # the pairwise search refused this (about 134 million units of work); the frontier search takes
    # a fraction of a second and answers as the reference does on its first steps
    ev = evolve(compiled, status_quo=1, modes=["coalitional"], concepts=["nash"])
    assert len(ev.reached["coalitional"]) > 1000 and ev.stops["coalitional"]
    first = ev.path(ev.reachable("coalitional")[1], "coalitional")
    assert len(first) == 1 and first[0].start == 1
    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "1000")
    with pytest.raises(DetenteError, match="coalitional evolution .*DETENTE_MAX_RUN_WORK"):
        evolve(compiled, status_quo=1, modes=["coalitional"])
    evolve(compiled, status_quo=1, modes=["improvements"])     # the unilateral modes are not limited here


# -- the frontier search against a pair-by-pair search over the definitions --------------------------
def reference_evolution(game, s0: int, mode: str, groups) -> tuple[dict[int, list], list[int]]:
    """The search as the definitions read: a queue of (state, last mover) pairs, one pair at a
    time, movers in order, targets ascending; coalition steps from the brute-force R_H."""
    from collections import deque

    m, n = game.n_states, game.n_dms
    lv = game.levels
    R = [[set(game.moves.targets(j, s).tolist()) for s in range(m)] for j in range(n)]
    movers = [(i,) for i in range(n)] + (list(groups) if mode == "coalitional" else [])

    def steps(k: int, s: int) -> list[int]:
        h = movers[k]
        if len(h) == 1:
            (i,) = h
            return sorted(q for q in R[i][s] if mode == "moves" or lv[i, q] > lv[i, s])
        return sorted(q for q in reference.coalition_reach(R, h, s)
                      if q != s and all(lv[j, q] > lv[j, s] for j in h))

    origin = (s0, -1)
    parent: dict = {}
    first = {s0: origin}
    seen = {origin}
    queue = deque([origin])
    while queue:
        s, last = queue.popleft()
        for k in range(len(movers)):
            if k == last:
                continue
            for q in steps(k, s):
                if (q, k) not in seen:
                    seen.add((q, k))
                    parent[(q, k)] = (s, last)
                    first.setdefault(q, (q, k))
                    queue.append((q, k))
    paths = {}
    for q, key in first.items():
        path = []
        while key != origin:
            prev = parent[key]
            path.append((movers[key[1]], prev[0] + 1, key[0] + 1))
            key = prev
        paths[q + 1] = path[::-1]
    stops = sorted(q + 1 for q in first if not any(steps(k, q) for k in range(len(movers))))
    return paths, stops


def random_option_conflict(seed: int) -> Conflict:
    """2-4 DMs with 1-3 options each (at most 7), irreversible options both ways, infeasible
    states, random rankings with ties."""
    from detente.model import Feasibility, Option, Payoff

    rng = np.random.default_rng(seed)
    d = int(rng.integers(2, 5))
    counts = rng.integers(1, 4, size=d)
    while counts.sum() > 7:
        counts[int(np.argmax(counts))] -= 1
    keys = [[f"d{i}.o{p}" for p in range(int(c))] for i, c in enumerate(counts)]
    flat = [k for ks in keys for k in ks]
    infeasible = []
    for _ in range(int(rng.integers(0, 3))):
        pick = rng.choice(len(flat), size=min(len(flat), int(rng.integers(2, 4))), replace=False)
        infeasible.append(" and ".join(flat[int(x)] if rng.random() < 0.6 else f"not {flat[int(x)]}" for x in pick))

    def build(prefs):
        dms = [DecisionMaker(f"d{i}", [Option(f"o{p}", f"d{i}", str(rng.choice(["both", "forward", "backward"],
                                                                              p=[0.6, 0.2, 0.2])))
                                       for p in range(int(c))], prefs[i]) for i, c in enumerate(counts)]
        return Conflict(f"r{seed}", dms, feasibility=Feasibility(infeasible=infeasible))

    state = rng.bit_generator.state
    m = compile_conflict(build([Payoff("0") for _ in range(d)])).n_states
    rng.bit_generator.state = state                      # the same reversibilities the second time
    levels = rng.integers(0, int(rng.integers(2, m + 2)), size=(d, m))
    rng.bit_generator.state = state
    return build([levels_to_ranking(levels[i]) for i in range(d)])


def check_against_reference(c: Conflict, seed: int) -> None:
    compiled = compile_conflict(c)
    game = compiled.game
    rng = np.random.default_rng(seed)
    s0 = int(rng.integers(game.n_states))
    everyone = [tuple(h) for h in itertools.chain.from_iterable(
        itertools.combinations(range(game.n_dms), k) for k in range(2, game.n_dms + 1))]
    groups = everyone if seed % 2 else [everyone[int(i)] for i in
                                        sorted(rng.choice(len(everyone), size=min(2, len(everyone)), replace=False))]
    names = [[game.dm_names[j] for j in h] for h in groups]
    ev = evolve(compiled, status_quo=s0 + 1, coalitions=names, concepts=["nash", "gmr"])
    for mode in ev.modes:
        paths, stops = reference_evolution(game, s0, mode, groups)
        got = ev.reached[mode]
        assert list(got) == list(paths), mode                       # same states, same discovery order
        for q, path in paths.items():
            assert [(st.mover, st.start, st.end) for st in got[q]] == path, (mode, q)
            assert got.distance(q) == len(path)
        assert ev.stops[mode] == stops, mode
        order = sorted(paths, key=lambda q: (len(paths[q]), q))
        assert ev.reachable(mode) == order
        for concept in ("nash", "gmr"):
            eq = [q for q in order if ev.stable[concept][:, q - 1].all()]
            assert ev.reachable_equilibria[mode][concept] == eq
        for q in list(paths)[:8]:                                    # a coalition's own moves, legal
            for st in got[q]:
                prev, last = st.start - 1, None
                for dm, state in st.via:
                    j = game.dm_names.index(dm)
                    assert j in st.mover and j != last and state - 1 in game.moves.targets(j, prev).tolist()
                    prev, last = state - 1, j
                assert not st.via or prev == st.end - 1
                if st.is_coalition:                                  # the search Reach does, same ties
                    expected = Reach(game.moves, st.mover, st.start - 1).path(st.end - 1)
                    assert st.via == [(game.dm_names[j], x + 1) for j, x in expected]


@pytest.mark.parametrize("seed", range(40))
def test_frontier_search_matches_the_reference_option_form(seed):
    check_against_reference(random_option_conflict(seed), seed)


@pytest.mark.parametrize("seed", range(30))
def test_frontier_search_matches_the_reference_graph_form(seed):
    check_against_reference(random_graph_conflict(300 + seed), seed)


def test_frontier_search_matches_the_reference_on_the_benchmark_conflict():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import conflict_gen

    c = conflict_gen.benchmark_conflict([2, 2, 2, 2])          # irreversible options, infeasible states
    check_against_reference(c, 1)
    check_against_reference(c, 2)
