"""Coalition analysis: Inohara & Hipel coalition stability and merged-DM (GMCR+) structures.

Checked three ways: against a brute-force implementation written straight from the definitions
(coalition reach by the rules with possible last movers, every clause of each concept checked
state by state); against the usual concepts, which singletons must reproduce; and on the
published Elmira conflict, where the Ministry of the Environment and Uniroyal together break the
equilibrium the local government's insistence creates (Inohara & Hipel 2008; Kilgour, Hipel,
Fang & Peng 2001).
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

import detente
import elmira_models
from detente.analysis.coalitions import coalition_stability, merged_analysis
from detente.analysis.common import coalition_list
from dense_reach import adjacency, legal_reach
from detente.analysis.compile import Compiled, compile_conflict
from detente.analysis.inverse import levels_to_ranking
from detente.engine import reference
from detente.engine.moves import OptionMoves
from detente.engine.stability import Game, stability
from detente.engine.states import StateSpace
from detente.errors import DetenteError, ModelError
from detente.model import (Conflict, DecisionMaker, Feasibility, GraphForm, Option, Ranking)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONCEPTS = ("nash", "gmr", "smr", "seq")


# -- the published Elmira model, built in code ------------------------------------------------------
def elmira_option() -> Conflict:
    return elmira_models.elmira_option(status_quo=1)

def elmira_graph() -> Conflict:
    return elmira_models.elmira_graph(status_quo=1)

# -- random conflicts ---------------------------------------------------------------------------------
def random_levels(rng, n, m):
    kind = rng.integers(3)
    if kind == 0:
        return np.stack([rng.permutation(m) for _ in range(n)]).astype(np.int32)
    top = int(rng.integers(1, m + 1)) if kind == 1 else 3
    return rng.integers(0, top, (n, m)).astype(np.int32)


def random_graph_conflict(seed: int, n=None, m=None) -> Conflict:
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(2, 5))
    m = m or int(rng.integers(3, 9))
    density = rng.choice([0.15, 0.3, 0.5])
    moves = {}
    for i in range(n):
        arcs = [(s, q) for s in range(1, m + 1) for q in range(1, m + 1) if s != q and rng.random() < density]
        moves[f"d{i}"] = arcs
    levels = random_levels(rng, n, m)
    dms = [DecisionMaker(f"d{i}", preference=levels_to_ranking(levels[i])) for i in range(n)]
    return Conflict(f"random {seed}", dms, graph=GraphForm([f"s{k}" for k in range(1, m + 1)], moves))


def _option_compiled(rng, counts: list[int], modes: list[str], codes: np.ndarray, name: str) -> Compiled:
    """An option-form game: DM i holds the next ``counts[i]`` options; random preference levels."""
    bits, b = [], 0
    for c in counts:
        bits.append(list(range(b, b + c)))
        b += c
    n = len(counts)
    levels = random_levels(rng, n, codes.size)
    names = [f"d{i}" for i in range(n)]
    game = Game(names, levels, OptionMoves(codes, bits, modes), StateSpace(sum(counts), codes), bits)
    stub = Conflict(name, [DecisionMaker(x) for x in names])
    return Compiled(stub, game, game.space, {})


def random_option_compiled(seed: int) -> Compiled:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    counts = [int(rng.integers(1, 3)) for _ in range(n)]
    k = sum(counts)
    modes = [str(rng.choice(["both", "both", "forward", "backward"])) for _ in range(k)]
    codes = np.arange(1 << k)
    codes = codes[rng.random(codes.size) > 0.3]
    if codes.size < 2:
        codes = np.arange(1 << k)
    return _option_compiled(rng, counts, modes, codes, f"random option {seed}")


def reference_moves(game: Game) -> list[list[set[int]]]:
    return [[set(game.moves.targets(j, s).tolist()) for s in range(game.n_states)] for j in range(game.n_dms)]


def brute_coalition_stable(R, levels, H, s, concept) -> bool:
    """Coalition stability of s for H, clause by clause from the definitions."""
    n = len(R)
    others = [j for j in range(n) if j not in H]
    better = lambda a, b: all(levels[j][a] > levels[j][b] for j in H)  # noqa: E731  (a ≻_H b)
    reach_h = reference.coalition_reach(R, H, s) if len(H) > 1 else set(R[H[0]][s])
    imps = [q for q in reach_h if better(q, s)]
    if concept == "nash":
        return not imps

    def opp(x, improving):
        if not others:
            return set()
        if len(others) == 1:
            j = others[0]
            return {q for q in R[j][x] if not improving or levels[j][q] > levels[j][x]}
        return reference.coalition_reach(R, others, x, levels if improving else None)

    for s1 in imps:
        ok = False
        for s2 in opp(s1, concept == "seq"):
            if better(s2, s):
                continue
            if concept == "smr":
                esc = reference.coalition_reach(R, H, s2) if len(H) > 1 else R[H[0]][s2]
                if any(better(s3, s) for s3 in esc):
                    continue
            ok = True
            break
        if not ok:
            return False
    return True


# -- reachability -------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(12))
def test_legal_reach_matches_the_definition(seed):
    comp = compile_conflict(random_graph_conflict(seed)) if seed % 2 else random_option_compiled(seed)
    game = comp.game
    R = reference_moves(game)
    adj = [adjacency(game, j) for j in range(game.n_dms)]
    for size in (2, 3):
        for H in combinations(range(game.n_dms), size):
            mat = legal_reach([adj[j] for j in H])
            for s in range(game.n_states):
                assert set(np.flatnonzero(mat[s]).tolist()) == reference.coalition_reach(R, list(H), s)


def test_no_dm_moves_twice_in_succession():
    # a: 1 -> 2 -> 3 (two moves), b: none; alone a cannot chain its moves in graph form
    c = Conflict("chain", [DecisionMaker("a", preference=Ranking([[3], [2], [1]])),
                           DecisionMaker("b", preference=Ranking([[1], [2], [3]])),
                           DecisionMaker("c", preference=Ranking([[1], [2], [3]]))],
                 graph=GraphForm(["x", "y", "z"], {"a": [(1, 2), (2, 3)], "b": [], "c": [(2, 2)]}))
    game = compile_conflict(c).game
    mat = legal_reach([adjacency(game, 0), adjacency(game, 1)])
    assert np.flatnonzero(mat[0]).tolist() == [1]


# -- coalition stability ------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(16))
def test_coalition_stability_matches_brute_force(seed):
    comp = random_option_compiled(seed) if seed % 2 else compile_conflict(random_graph_conflict(seed))
    game = comp.game
    res = coalition_stability(comp, coalitions=[list(h) for k in range(1, game.n_dms + 1)
                                      for h in combinations(range(game.n_dms), k)], concepts=CONCEPTS)
    R = reference_moves(game)
    lv = game.levels.tolist()
    for c in CONCEPTS:
        for h in res.coalitions:
            expected = [brute_coalition_stable(R, lv, list(h), s, c) for s in range(game.n_states)]
            assert res.stable[c][h].tolist() == expected, (c, h)


@pytest.mark.parametrize("seed", range(10))
def test_singletons_reproduce_the_usual_concepts_and_properties_hold(seed):
    comp = random_option_compiled(100 + seed) if seed % 2 else compile_conflict(random_graph_conflict(100 + seed))
    game = comp.game
    res = coalition_stability(comp, coalitions=[[i] for i in range(game.n_dms)] + [[0, 1]], concepts=CONCEPTS)
    usual = stability(game, CONCEPTS)
    for c in CONCEPTS:
        for i in range(game.n_dms):
            assert np.array_equal(res.stable[c][(i,)], usual[c][i])
    h = (0, 1)
    st = res.stable
    assert np.all(st["nash"][h] <= st["smr"][h]) and np.all(st["smr"][h] <= st["gmr"][h])
    assert np.all(st["nash"][h] <= st["seq"][h]) and np.all(st["seq"][h] <= st["gmr"][h])


def test_breakers_have_real_witnesses():
    for seed in range(8):
        comp = compile_conflict(random_graph_conflict(200 + seed, n=3))
        game = comp.game
        res = coalition_stability(comp, coalitions=None, concepts=CONCEPTS)
        for c in CONCEPTS:
            for s in range(1, game.n_states + 1):
                for b in res.breakers(s, c):
                    h = [game.dm_names.index(x) for x in b["coalition"]]
                    q = b["improvement"] - 1
                    assert all(game.levels[j, q] > game.levels[j, s - 1] for j in h)
                    prev, last = s - 1, None
                    for step in b["path"]:
                        mover = game.dm_names.index(step["mover"])
                        assert mover in h and mover != last
                        assert step["state"] - 1 in game.moves.targets(mover, prev).tolist()
                        prev, last = step["state"] - 1, mover
                    assert prev == q


# -- Elmira ------------------------------------------------------------------------------------------
def test_elmira_moe_and_uniroyal_break_the_local_governments_equilibrium():
    res = coalition_stability(elmira_option(), concepts=CONCEPTS)
    # usual equilibria (published, book numbering: Nash/SEQ 5, 8, 9; GMR/SMR 1, 4, 5, 8, 9)
    assert res.equilibria["nash"] == [5, 6, 7, 10, 11, 12]
    assert res.equilibria["gmr"] == [1, 4, 5, 6, 7, 10, 11, 12]
    for c in CONCEPTS:
        # state 7 (book 5: Uniroyal delays, the local government insists) is broken, and only
        # by the MoE and Uniroyal together, who move jointly to state 10 (book 8, history)
        assert res.broken[c][7] == [["MoE", "Uniroyal"]]
        assert 7 not in res.coalition_equilibria[c]
        assert 10 in res.coalition_equilibria[c]
        (b,) = res.breakers(7, c)
        assert b["improvement"] == 10
        assert b["path"] == [{"mover": "MoE", "state": 8}, {"mover": "Uniroyal", "state": 10}]
    assert res.coalition_equilibria["nash"] == [5, 6, 10, 11, 12]
    assert res.coalitional_improvements(["MoE", "Uniroyal"], 7) == [10]
    json.dumps(res.to_dict())
    assert "state 7 is broken by MoE + Uniroyal" in res.summary()


def test_elmira_book_graph_same_story():
    res = coalition_stability(elmira_graph(), coalitions=[["MoE", "Uniroyal"]], concepts=CONCEPTS)
    assert res.equilibria["nash"] == [5, 8, 9]
    assert res.equilibria["gmr"] == [1, 4, 5, 8, 9]
    for c in CONCEPTS:
        assert res.broken[c][5] == [["MoE", "Uniroyal"]]
        assert res.breakers(5, c)[0]["improvement"] == 8
    assert res.coalition_equilibria["nash"] == [8, 9]


def test_elmira_scenario_file():
    conflict = detente.load(EXAMPLES / "elmira.yaml")
    res = coalition_stability(conflict, concepts=["nash", "gmr"])
    assert res.coalitions == [(0, 1)]             # the declared coalition: moe + uniroyal
    assert res.broken["gmr"][7] == [["moe", "uniroyal"]]


# -- merged DMs ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
def test_merged_singletons_equal_usual_analysis(seed):
    comp = random_option_compiled(300 + seed) if seed % 2 else compile_conflict(random_graph_conflict(300 + seed))
    res = merged_analysis(comp, structure=[], concepts=CONCEPTS)
    usual = stability(comp.game, CONCEPTS)
    for c in CONCEPTS:
        assert np.array_equal(res.stable[c], usual[c])


def test_merged_block_moves_and_pareto():
    pd = detente.examples.prisoners_dilemma()
    res = merged_analysis(pd, structure=[["alice", "bob"]], concepts=CONCEPTS)
    assert res.unit_names == ["alice + bob"]
    # one block alone: stable exactly where no state is better for both (Pareto optimal)
    assert res.equilibria == {c: [2, 3, 4] for c in CONCEPTS}
    # Elmira: MoE + Uniroyal merged leave the local government's equilibrium (7) unstable
    el = merged_analysis(elmira_option(), structure=[["MoE", "Uniroyal"]], concepts=CONCEPTS)
    for c in CONCEPTS:
        assert 7 not in el.equilibria[c] and 10 in el.equilibria[c]
    lg_alone = stability(compile_conflict(elmira_option()).game, ["nash"])["nash"][2]
    assert el.stable_states(["LG"], "nash") == (np.flatnonzero(lg_alone) + 1).tolist()
    json.dumps(el.to_dict())


def test_merged_option_block_can_change_options_simultaneously():
    # Feasibility forbids the intermediate states, so only a joint change (GMCR+ view) gets from
    # "neither" to "both"; as a coalition of separate movers the pair cannot.
    c = Conflict("joint", [
        DecisionMaker("a", [Option("x", "a")], Ranking([[2], [1]])),
        DecisionMaker("b", [Option("y", "b")], Ranking([[2], [1]])),
    ], feasibility=Feasibility(infeasible=["a.x and not b.y", "b.y and not a.x"]))
    # feasible: 1 = NN, 2 = YY
    merged = merged_analysis(c, structure=[["a", "b"]], concepts=["nash"])
    assert merged.equilibria["nash"] == [2]
    coal = coalition_stability(c, coalitions=[["a", "b"]], concepts=["nash"])
    assert coal.stable["nash"][(0, 1)].tolist() == [True, True]


def test_errors_are_detente_errors():
    pd = detente.examples.prisoners_dilemma()
    with pytest.raises(ModelError, match="unknown decision maker"):
        coalition_stability(pd, coalitions=[["alice", "carol"]])
    with pytest.raises(ModelError, match="more than one block"):
        merged_analysis(pd, structure=[["alice", "bob"], ["bob"]])
    with pytest.raises(DetenteError, match="not SIM"):
        coalition_stability(pd, concepts=["sim"])
    with pytest.raises(ModelError, match="at least 2"):
        coalition_list(compile_conflict(pd), [["alice"]])
    with pytest.raises(ModelError, match="not one name"):
        coalition_list(compile_conflict(pd), ["alice"])
    with pytest.raises(ModelError, match="not a block"):
        merged_analysis(pd, structure=[["alice", "bob"]]).stable_states(["alice"], "nash")


def test_cli_coalitions(tmp_path):
    from typer.testing import CliRunner

    from detente.cli import app

    path = tmp_path / "pd.yaml"
    path.write_text("""\
name: PD
decision_makers:
  - {name: alice, options: [cooperate], preferences: {prioritization: [bob.cooperate, not alice.cooperate]}}
  - {name: bob, options: [cooperate], preferences: {prioritization: [alice.cooperate, not bob.cooperate]}}
""")
    runner = CliRunner()
    res = runner.invoke(app, ["coalitions", str(path), "--format", "json", "-c", "nash", "--merge", "alice,bob"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["equilibria"]["nash"] == [1] and data["coalition_equilibria"]["nash"] == []
    assert data["broken"]["nash"]["1"][0]["coalition"] == ["alice", "bob"]
    assert data["broken"]["nash"]["1"][0]["improvement"] == 4
    assert data["merged"]["equilibria"]["nash"] == [2, 3, 4]
    text = runner.invoke(app, ["coalitions", str(path), "-c", "gmr"])
    assert text.exit_code == 0 and "state 1 is broken by alice + bob" in text.stdout
    bad = runner.invoke(app, ["coalitions", str(path), "--merge", "alice,carol"])
    assert bad.exit_code == 2 and "--merge" in bad.output


def test_default_coalitions_are_groups_of_two_or_more():
    # as documented: without declared or named coalitions, every group of two or more DMs
    for n in (2, 3):
        comp = compile_conflict(random_graph_conflict(300 + n, n=n))
        res = coalition_stability(comp, coalitions=None, concepts=["nash"])
        expected = [h for k in range(2, n + 1) for h in combinations(range(n), k)]
        assert res.coalitions == expected
        assert all(len(h) >= 2 for h in coalition_list(comp))
    # a single DM may still be named explicitly
    comp = compile_conflict(random_graph_conflict(310, n=3))
    assert coalition_stability(comp, coalitions=[["d0"]], concepts=["nash"]).coalitions == [(0,)]


def _benchmark(n_options):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import conflict_gen

    return conflict_gen.benchmark_conflict(conflict_gen.option_counts(n_options))


def test_coalition_analyses_refuse_work_they_cannot_finish_quickly(monkeypatch):
    from detente import limits

    # linear work now: every coalition of a 4-DM, 55,800-state model is fine, 57 coalitions of a
    # 6-DM model with 2^20 states is not
    limits.check_coalition_analysis(55_800, 11)
    with pytest.raises(DetenteError, match="coalition analysis .*DETENTE_MAX_RUN_WORK"):
        limits.check_coalition_analysis(1 << 20, 57)
    c = _benchmark(10)                                      # 872 states, 11 coalitions
    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "5000")
    with pytest.raises(DetenteError, match="coalition analysis .*DETENTE_MAX_RUN_WORK"):
        coalition_stability(c)
    # the engine's dominance queries are checked again once their size is known
    from detente.engine.coalition import CoalitionReach

    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "1")
    with pytest.raises(DetenteError, match="dominance query"):
        CoalitionReach(compile_conflict(c).game).stable([0, 1], ["nash"])
    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "5000")
    with pytest.raises(DetenteError, match="merged coalition analysis .*DETENTE_MAX_RUN_WORK"):
        merged_analysis(c, structure=[c.dm_names[:2], c.dm_names[2:3], c.dm_names[3:]])
    monkeypatch.delenv("DETENTE_MAX_RUN_WORK")
    # a block's improving moves are listed only as far as they are affordable
    limits.check_coalition_analysis(55_800, 3, merged=True, joint_moves=55_800 * 256.0)
    with pytest.raises(DetenteError, match="merged coalition analysis"):
        limits.check_coalition_analysis(1 << 20, 3, merged=True, joint_moves=float(1 << 20) * (1 << 16))


def test_coalition_stability_beyond_the_old_table_limit():
    # 13,950 states: refused before (states x states tables, 4,096-state cap)
    c = _benchmark(14)
    comp = compile_conflict(c)
    res = coalition_stability(comp, coalitions=[[0, 1], [1, 2, 3], [0, 1, 2, 3]], concepts=CONCEPTS)
    game = comp.game
    for h in res.coalitions:
        st = res.stable
        assert np.all(st["nash"][h] <= st["smr"][h]) and np.all(st["smr"][h] <= st["gmr"][h])
        assert np.all(st["nash"][h] <= st["seq"][h]) and np.all(st["seq"][h] <= st["gmr"][h])
    # spot checks against the definitions, state by state (coalition reach by search)
    rng = np.random.default_rng(0)
    for h in res.coalitions:
        lv = game.levels[list(h)]
        for t in rng.choice(game.n_states, 4, replace=False).tolist():
            imps = res.coalitional_improvements(list(h), t + 1)
            assert res.stable["nash"][h][t] == (not imps)
            assert all((lv[:, q - 1] > lv[:, t]).all() for q in imps)


# -- the engine's coalition graphs and dominance queries ---------------------------------------------
def random_option_compiled_wide(seed: int) -> Compiled:
    """Up to 4 DMs with 1-3 options each, many irreversible options, a third of states infeasible."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    counts = [int(rng.integers(1, 4)) for _ in range(n)]
    while sum(counts) > 8:
        counts[int(np.argmax(counts))] -= 1
    k = sum(counts)
    modes = [str(rng.choice(["both", "forward", "backward"])) for _ in range(k)]
    codes = np.arange(1 << k)
    codes = codes[rng.random(codes.size) > rng.choice([0.0, 0.2, 0.5])]
    if codes.size < 2:
        codes = np.arange(1 << k)
    return _option_compiled(rng, counts, modes, codes, f"random wide option {seed}")


def _some_compiled(seed):
    kind = seed % 3
    if kind == 0:
        return compile_conflict(random_graph_conflict(seed))
    return random_option_compiled(seed) if kind == 1 else random_option_compiled_wide(seed)


@pytest.mark.parametrize("seed", range(24))
def test_reach_graph_closure_is_the_coalition_reach(seed, monkeypatch):
    from detente.engine import coalition as engine

    if seed % 4 == 3:       # the graph search that takes over from label propagation
        monkeypatch.setattr(engine, "MAX_LABEL_ROUNDS", 0)
    comp = _some_compiled(seed)
    game = comp.game
    R = reference_moves(game)
    for size in range(0, game.n_dms + 1):
        for H in combinations(range(game.n_dms), size):
            dag = engine.reach_dag(game.moves, H)
            for s in range(game.n_states):
                if size == 0:
                    expected = set()
                elif size == 1:
                    expected = set(R[H[0]][s])
                else:
                    expected = reference.coalition_reach(R, list(H), s)
                assert set(dag.reach(s).tolist()) == expected | {s}, (H, s)


@pytest.mark.parametrize("seed", range(24))
def test_dominance_kernels_match_brute_force(seed):
    from detente.engine.coalition import dominated, reach_dag

    comp = _some_compiled(500 + seed)
    game = comp.game
    rng = np.random.default_rng(seed)
    m = game.n_states
    for size in (1, 2, 3):
        if size > game.n_dms:
            break
        H = sorted(rng.choice(game.n_dms, size, replace=False).tolist())
        dag = reach_dag(game.moves, H)
        L = game.levels[H]
        Y = L - rng.integers(0, 2, L.shape)        # values at most the levels, as sanctions give
        query = rng.random(m) < 0.7
        closed = [set(dag.reach(s).tolist()) for s in range(m)]
        expected = [bool(query[s]) and any((Y[:, q] > L[:, s]).all() for q in closed[s]) for s in range(m)]
        for method in ("words", "table", "auto"):
            assert dominated(dag, Y, L, query, method=method).tolist() == expected, (H, method)


@pytest.mark.parametrize("seed", range(30))
def test_engine_coalition_stability_matches_brute_force_both_kernels(seed):
    from detente.engine.coalition import CoalitionReach, coalitional_improvements

    comp = _some_compiled(700 + seed)
    game = comp.game
    R = reference_moves(game)
    lv = game.levels.tolist()
    for method in ("words", "table"):
        engine = CoalitionReach(game, method=method)
        for k in range(1, game.n_dms + 1):
            for h in combinations(range(game.n_dms), k):
                got = engine.stable(h, CONCEPTS)
                for c in CONCEPTS:
                    expected = [brute_coalition_stable(R, lv, list(h), s, c) for s in range(game.n_states)]
                    assert got[c].tolist() == expected, (method, h, c)
    h = tuple(range(min(2, game.n_dms)))
    for s in range(game.n_states):
        reach = reference.coalition_reach(R, list(h), s) if len(h) > 1 else R[h[0]][s]
        expected = sorted(q for q in reach if all(lv[j][q] > lv[j][s] for j in h))
        assert coalitional_improvements(game, h, s).tolist() == expected


# -- merged DMs against the former dense implementation ----------------------------------------------
def dense_merged(comp: Compiled, units, concepts):
    """Merged-DM stability with (states x states) tables, as detente computed it before: each
    unit's moves and improvements as boolean matrices, sanctions by legal-sequence reach."""
    game = comp.game
    m = game.n_states

    def better_all(members):
        L = game.levels[list(members)]
        return np.all(L[:, None, :] > L[:, :, None], axis=0)

    if isinstance(game.moves, OptionMoves):
        from detente.engine.coalition import merged_moves

        merged = merged_moves(game.moves, units)
        unit_moves = []
        for k in range(len(units)):
            A = np.zeros((m, m), dtype=bool)
            for s in range(m):
                A[s, merged.targets(k, s)] = True
            unit_moves.append(A)
    else:
        unit_moves = [legal_reach([adjacency(game, j) for j in u]) if len(u) > 1 else adjacency(game, u[0])
                      for u in units]
    better = [better_all(u) for u in units]
    unit_plus = [A & b for A, b in zip(unit_moves, better)]
    out = {}
    for c in concepts:
        rows = []
        for k in range(len(units)):
            imp, deter = unit_plus[k], ~better[k]
            others = [x for x in range(len(units)) if x != k]
            if c == "nash":
                rows.append(~imp.any(axis=1))
                continue
            opp = legal_reach([(unit_plus if c == "seq" else unit_moves)[x] for x in others], m)
            ok = deter.T.copy()
            if c == "smr":
                bad = (unit_moves[k].astype(np.float32) @ (~deter).T.astype(np.float32)) > 0.5
                ok &= ~bad
            answered = (opp.astype(np.float32) @ ok.astype(np.float32)) > 0.5
            rows.append(~(imp & ~answered.T).any(axis=1))
        out[c] = np.stack(rows)
    return out


@pytest.mark.parametrize("seed", range(30))
def test_merged_structures_match_the_dense_implementation(seed, monkeypatch):
    from detente.engine import coalition as engine

    if seed % 2:                  # one block per chunk of the joint-move comparisons
        monkeypatch.setattr(engine, "IMPROVING_CHUNK", 1)
    comp = _some_compiled(900 + seed)
    game = comp.game
    n = game.n_dms
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n).tolist()
    cut = sorted(rng.choice(range(1, n), size=int(rng.integers(0, n)), replace=False).tolist()) if n > 1 else []
    blocks, start = [], 0
    for c in cut + [n]:
        blocks.append(sorted(perm[start:c]))
        start = c
    res = merged_analysis(comp, structure=[b for b in blocks if b], concepts=CONCEPTS)
    expected = dense_merged(comp, res.units, CONCEPTS)
    for c in CONCEPTS:
        assert res.stable[c].tolist() == expected[c].tolist(), (c, res.units)


def test_merged_analysis_beyond_the_old_table_limit():
    c = _benchmark(14)                                       # 13,950 states: refused before
    comp = compile_conflict(c)
    res = merged_analysis(comp, structure=[[0, 1], [2, 3]], concepts=CONCEPTS)
    st = res.stable
    assert np.all(st["nash"] <= st["smr"]) and np.all(st["smr"] <= st["gmr"])
    assert np.all(st["nash"] <= st["seq"]) and np.all(st["seq"] <= st["gmr"])
    # a unit is Nash stable exactly where none of its joint moves improves both members
    from detente.engine.coalition import merged_moves

    moves = merged_moves(comp.game.moves, res.units)
    lv = comp.game.levels
    for t in np.random.default_rng(1).choice(comp.game.n_states, 30, replace=False).tolist():
        for k, u in enumerate(res.units):
            q = moves.targets(k, t)
            improves = bool((lv[list(u)][:, q] > lv[list(u)][:, [t]]).all(axis=0).any())
            assert st["nash"][k][t] == (not improves)


@pytest.mark.parametrize("seed", range(24))
def test_level_reach_is_the_breadth_first_search_of_reach(seed):
    # same states, same order of discovery, same shortest legal paths as engine.reach.Reach
    from detente.engine.coalition import LevelReach
    from detente.engine.reach import Reach

    comp = _some_compiled(1100 + seed)
    game = comp.game
    for size in range(1, game.n_dms + 1):
        for H in combinations(range(game.n_dms), size):
            for improving in (None, game.levels):
                for s in range(game.n_states):
                    slow, fast = Reach(game.moves, H, s, improving), LevelReach(game.moves, H, s, improving)
                    assert fast.states_in_order() == slow.states_in_order()
                    assert fast.states == slow.states
                    for q in slow.states_in_order():
                        assert q in fast and fast.path(q) == slow.path(q)


def test_witnesses_at_scale_are_quick_and_real():
    comp = compile_conflict(_benchmark(12))                      # 3,480 states (22 s before)
    game = comp.game
    res = coalition_stability(comp, coalitions=[[0, 1], [1, 2, 3]], concepts=CONCEPTS)
    data = res.to_dict()
    seen = 0
    for c in CONCEPTS:
        for s, items in data["broken"][c].items():
            t = int(s) - 1
            for b in items:
                h = [game.dm_names.index(x) for x in b["coalition"]]
                q = b["improvement"] - 1
                assert all(game.levels[j, q] > game.levels[j, t] for j in h)
                prev, last = t, None
                for step in b["path"]:
                    mover = game.dm_names.index(step["mover"])
                    assert mover in h and mover != last
                    assert step["state"] - 1 in game.moves.targets(mover, prev).tolist()
                    prev, last = step["state"] - 1, mover
                assert prev == q
                seen += 1
    assert seen > 0


@pytest.mark.parametrize("seed", range(12))
def test_breakers_name_the_first_unanswered_improvement_in_search_order(seed):
    # the witness is the nearest coalitional improvement (breadth-first order) that no sanction
    # deters, with every clause checked by brute force
    from detente.engine.reach import Reach

    comp = _some_compiled(1300 + seed)
    game = comp.game
    R = reference_moves(game)
    lv = game.levels.tolist()
    res = coalition_stability(comp, coalitions=None, concepts=CONCEPTS)
    for c in CONCEPTS:
        for s in range(1, game.n_states + 1):
            for b in res.breakers(s, c):
                h = [game.dm_names.index(x) for x in b["coalition"]]
                t = s - 1
                others = [j for j in range(game.n_dms) if j not in h]
                better = lambda a: all(lv[j][a] > lv[j][t] for j in h)  # noqa: E731
                imps = [q for q in Reach(game.moves, h, t).states_in_order() if better(q)]

                def unanswered(s1):
                    if c == "nash" or not others:
                        return True
                    opp = reference.coalition_reach(R, others, s1, lv if c == "seq" else None) \
                        if len(others) > 1 else {q for q in R[others[0]][s1]
                                                 if c != "seq" or lv[others[0]][q] > lv[others[0]][s1]}
                    for s2 in opp:
                        if better(s2):
                            continue
                        if c == "smr":
                            esc = reference.coalition_reach(R, h, s2) if len(h) > 1 else R[h[0]][s2]
                            if any(better(s3) for s3 in esc):
                                continue
                        return False
                    return True

                assert b["improvement"] - 1 == next(q for q in imps if unanswered(q)), (c, s, h)
