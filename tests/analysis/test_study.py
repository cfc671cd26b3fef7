"""The batched :func:`~detente.analysis.study.study` gives exactly the answers of one
:func:`detente.analyze` per parameter vector (:func:`study_one_at_a_time`).

Random option-form conflicts (seeded) whose payoffs, prioritization statements, definitions,
feasibility and named outcomes use random parameters; parameter values drawn from a small set
(so payoffs tie often) mixed with continuous ones. Then the cases that must not go silently
wrong: parameters that change feasibility (directly or through a definition) or outcomes, DM-local
payoff parameters, perspectives and fixed parameters, chunking and Dask independence, errors.
"""

from __future__ import annotations

import numpy as np
from belief_models import ALLY
import pytest

import detente
from detente.analysis.study import Question, _plans, _columns, study, study_one_at_a_time
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, Feasibility, Option, Payoff, Prioritization

CONCEPTS = ["nash", "gmr", "smr", "seq"]
PARAMS = ["p0", "p1", "p2", "p3"]


def literal(rng, keys):
    k = keys[int(rng.integers(len(keys)))]
    return k if rng.random() < 0.6 else f"not {k}"


def condition(rng, keys):
    if rng.random() < 0.5:
        return literal(rng, keys)
    op = ["and", "or", "implies", "iff"][int(rng.integers(4))]
    return f"({literal(rng, keys)}) {op} ({literal(rng, keys)})"


def coefficient(rng):
    r = rng.random()
    if r < 0.45:
        return PARAMS[int(rng.integers(4))]
    if r < 0.6:
        return f"({PARAMS[int(rng.integers(4))]} * {PARAMS[int(rng.integers(4))]})"
    if r < 0.7:
        return f"max({PARAMS[int(rng.integers(4))]}, 0.25)"
    return str([0.5, 1, -1, 2, 0.25][int(rng.integers(5))])


def random_conflict(seed: int) -> tuple[Conflict, dict]:
    """A conflict and a dict of facts: which parameters touch the structure."""
    rng = np.random.default_rng(seed)
    n_dms = int(rng.integers(2, 4))
    counts = [int(rng.integers(1, 3)) for _ in range(n_dms)]
    keys, dms = [], []
    for i, c in enumerate(counts):
        for p in range(c):
            keys.append(f"d{i}.o{p}")
    definitions = {}
    if rng.random() < 0.4:
        definitions["both_on"] = f"({condition(rng, keys)}) and p2 > 0.1"
    structure = rng.random() < 0.35
    feas = Feasibility()
    if structure:
        where = rng.integers(3)
        if where == 0:
            feas = Feasibility(infeasible=[f"({literal(rng, keys)}) and ({literal(rng, keys)}) and p3 > 0.4"])
        elif where == 1 and definitions:
            feas = Feasibility(infeasible=[f"both_on and ({literal(rng, keys)})"])
        else:
            feas = Feasibility(implications=[(literal(rng, keys), f"({literal(rng, keys)}) or p1 < 0.3")])
    elif rng.random() < 0.5:
        feas = Feasibility(infeasible=[f"({literal(rng, keys)}) and ({literal(rng, keys)})"])
    for i, c in enumerate(counts):
        options = [Option(f"o{p}", f"d{i}", str(rng.choice(["both", "both", "forward", "backward"])))
                   for p in range(c)]
        kind = rng.random()
        if kind < 0.6:
            terms = [f"{coefficient(rng)} * ({condition(rng, keys)})" for _ in range(int(rng.integers(1, 4)))]
            if definitions and rng.random() < 0.5:
                terms.append(f"{coefficient(rng)} * both_on")
            if rng.random() < 0.3:
                terms.append(f"(p0 if {literal(rng, keys)} else 0.5 * p1)")
            pref = Payoff(" + ".join(terms))
            if rng.random() < 0.2:
                pref = Payoff(pref.formula + " + q * (" + literal(rng, keys) + ")", parameters={"q": 0.3})
        elif kind < 0.8:
            stmts = [condition(rng, keys) for _ in range(int(rng.integers(1, 4)))]
            if rng.random() < 0.5:
                stmts.insert(int(rng.integers(len(stmts) + 1)), f"({literal(rng, keys)}) and p0 > 0.2")
            pref = Prioritization(stmts)
        else:
            pref = Payoff(" + ".join(f"{w} * ({condition(rng, keys)})" for w in rng.integers(-2, 3, size=2)))
        dms.append(DecisionMaker(f"d{i}", options, pref))
    outcomes = {"target": condition(rng, keys), "other": literal(rng, keys)}
    if rng.random() < 0.2:
        outcomes["moving"] = f"({literal(rng, keys)}) and p3 > 0.5"
    conflict = Conflict(f"random-{seed}", dms, feasibility=feas, outcomes=outcomes,
                        parameters={p: 0.5 for p in PARAMS}, definitions=definitions)
    return conflict, {"structure": structure}


def draws(rng, n, names):
    out = {}
    for name in names:
        grid = np.array([0.0, 0.25, 0.5, 1.0])
        vals = grid[rng.integers(0, grid.size, n)]
        cont = rng.random(n) < 0.4
        vals[cont] = rng.uniform(-0.5, 1.5, int(cont.sum()))
        out[name] = vals
    return out


def questions_for(conflict: Conflict) -> list[Question]:
    qs = []
    for c in CONCEPTS:
        for o in conflict.outcomes:
            qs.append(Question(c, outcome=o))
            qs += [Question(c, outcome=o, dm=dm) for dm in conflict.dm_names]
        qs.append(Question(c, state=1))
        qs.append(Question(c, state=1, dm=conflict.dm_names[-1]))
    return qs


def analyzable(conflict, samples):
    """Drop rows whose single analysis fails (e.g. no feasible state left)."""
    cols, n = _columns(samples)
    keep = []
    for k in range(n):
        try:
            detente.analyze(conflict, concepts=["nash"], parameters={name: float(v[k]) for name, v in cols.items()})
            keep.append(k)
        except DetenteError:
            pass
    return {name: v[keep] for name, v in cols.items()}


@pytest.mark.parametrize("seed", range(200))
def test_random_conflicts_match_one_at_a_time(seed):
    conflict, _ = random_conflict(seed)
    rng = np.random.default_rng(10_000 + seed)
    names = list(rng.choice(PARAMS + ["q"], size=int(rng.integers(1, 4)), replace=False))
    if "q" in names and not any(isinstance(dm.preference, Payoff) and "q" in dm.preference.parameters
                                for dm in conflict.decision_makers):
        names.remove("q")
    samples = analyzable(conflict, draws(rng, 8, names or ["p0"]))
    qs = questions_for(conflict)
    expected = study_one_at_a_time(conflict, samples, qs)
    got = study(conflict, samples, qs, chunk_size=int(rng.integers(1, 9)))
    assert np.array_equal(got, expected)


def tipping_toy(feasibility=None, outcomes=None, definitions=None) -> Conflict:
    return Conflict("toy", [
        DecisionMaker("a", [Option("go", "a"), Option("wait", "a")], Payoff("a.go * (t - 0.5) + 0.1 * a.wait")),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go * (0.2 - t) + a.go * b.go")),
    ], parameters={"t": 0.0, "u": 0.0}, outcomes=outcomes or {"a_goes": "a.go", "b_goes": "b.go"},
        feasibility=feasibility or Feasibility(), definitions=definitions or {})


@pytest.mark.parametrize("make", [
    lambda: tipping_toy(feasibility=Feasibility(infeasible=["a.wait and b.go and u > 0.5"])),
    lambda: tipping_toy(feasibility=Feasibility(infeasible=["blocked and a.go"]),
                        definitions={"blocked": "b.go and u > 0.5"}),
    lambda: tipping_toy(outcomes={"a_goes": "a.go and u < 0.5", "b_goes": "b.go"}),
])
def test_structure_changing_parameters_are_grouped(make):
    conflict = make()
    rng = np.random.default_rng(5)
    samples = {"t": rng.uniform(0, 1, 40), "u": rng.uniform(0, 1, 40)}
    qs = [Question(c, outcome=o, dm=dm) for c in CONCEPTS for o in conflict.outcomes for dm in (None, "a", "b")]
    qs += [Question("nash", state=3)]
    plans = _plans(conflict, *_columns(samples), qs, perspective=None, parameters=None, concepts=CONCEPTS,
                   keep_equilibria=False)
    assert len(plans) == 2 and all(p.structural for p in plans)
    assert np.array_equal(study(conflict, samples, qs), study_one_at_a_time(conflict, samples, qs))
    # a parameter that only enters preferences keeps one structure
    one = _plans(conflict, *_columns({"t": samples["t"]}), qs, perspective=None, parameters=None,
                 concepts=CONCEPTS, keep_equilibria=False)
    assert len(one) == 1 and not one[0].structural


def test_only_dms_whose_preferences_use_the_parameter_are_reranked():
    conflict = tipping_toy()
    conflict.decision_makers[1].preference = Payoff("b.go * 0.3")
    plans = _plans(conflict, *_columns({"t": np.array([0.1, 0.9])}), [], perspective=None, parameters=None,
                   concepts=["nash"], keep_equilibria=False)
    assert [i for i, _ in plans[0].varying] == [0]


def test_local_payoff_parameters_and_shadowing():
    conflict = Conflict("local", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)", parameters={"t": 0.9})),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go * (t - 0.5)")),
    ], parameters={"t": 0.1}, outcomes={"a": "a.go", "b": "b.go"})
    qs = [Question("nash", outcome=o) for o in ("a", "b")]
    grid = {"t": np.linspace(0, 1, 11)}
    assert np.array_equal(study(conflict, grid, qs), study_one_at_a_time(conflict, grid, qs))
    # with the global t fixed and nothing sampled that a uses, a keeps its own t = 0.9
    res = study(conflict, {"t": np.array([0.0, 1.0])}, qs, parameters={})
    assert res[:, 0].tolist() == [False, True]


def test_perspective_and_fixed_parameters():
    c = detente.load("examples/ukraine-ceasefire.yaml")
    name = next(iter(c.perspectives))
    grid = {"lambda_r": np.linspace(0, 0.3, 13)}
    qs = [Question(cc, outcome="ceasefire", dm=dm) for cc in CONCEPTS for dm in (None, "russia")]
    fixed = {"delta": 0.85}
    assert np.array_equal(study(c, grid, qs, perspective=name, parameters=fixed),
                          study_one_at_a_time(c, grid, qs, perspective=name, parameters=fixed))


def test_flagship_grid_matches_and_chunking_is_invisible():
    c = detente.load("examples/ukraine-ceasefire.yaml")
    grid = {"lambda_r": np.linspace(0, 0.3, 61), "delta": np.repeat([0.85, 0.9, 0.95], 61)[::3]}
    qs = [Question(cc, outcome=o, dm=dm) for cc in CONCEPTS for o in c.outcomes for dm in (None, *c.dm_names)]
    expected = study_one_at_a_time(c, grid, qs)
    for chunk in (None, 1, 7, 1000):
        assert np.array_equal(study(c, grid, qs, chunk_size=chunk), expected)


def test_simultaneous_concepts():
    conflict, _ = random_conflict(3)
    rng = np.random.default_rng(3)
    samples = analyzable(conflict, draws(rng, 6, ["p0", "p1"]))
    qs = [Question(c, outcome="target", dm=dm) for c in ("sim", "seqsim") for dm in (None, "d0")]
    assert np.array_equal(study(conflict, samples, qs), study_one_at_a_time(conflict, samples, qs))


def test_graph_form_payoff_parameters():
    conflict = Conflict("graph", [
        DecisionMaker("a", [], Payoff("t * (state == 2) + (state == 3)")),
        DecisionMaker("b", [], Payoff("(state == 1) - t * (state == 3)")),
    ], parameters={"t": 0.0}, graph=detente.model.GraphForm(
        ["s1", "s2", "s3"], {"a": [(1, 2), (2, 3), (3, 1)], "b": [(2, 1), (3, 2), (1, 3)]}),
        outcomes={"second": "s2", "third": [3]})
    qs = [Question(c, outcome=o, dm=dm) for c in CONCEPTS for o in ("second", "third") for dm in (None, "a")]
    grid = {"t": np.linspace(-1, 2, 13)}
    assert np.array_equal(study(conflict, grid, qs), study_one_at_a_time(conflict, grid, qs))


def test_near_ties_rank_as_a_single_analysis_does():
    conflict = Conflict("ties", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t + 0.2) + (1 - a.go) * 0.3")),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
    ], parameters={"t": 0.0}, outcomes={"go": "a.go"})
    grid = {"t": 0.1 + np.array([-1e-9, -1e-11, 0.0, 1e-11, 1e-9, 2e-17])}
    qs = [Question("nash", outcome="go"), Question("seq", outcome="go", dm="a")]
    assert np.array_equal(study(conflict, grid, qs), study_one_at_a_time(conflict, grid, qs))


def test_errors_name_the_parameter_values():
    conflict = tipping_toy()
    conflict.decision_makers[0].preference = Payoff("a.go * log(t)")
    with pytest.raises(DetenteError, match=r"non-finite.*t=-1"):
        study(conflict, {"t": np.array([0.5, -1.0, 2.0])}, [Question("nash", outcome="a_goes")])
    with pytest.raises(DetenteError, match="unknown parameter"):
        study(conflict, {"nope": np.array([0.5])}, [Question("nash", outcome="a_goes")])
    with pytest.raises(DetenteError, match="same number"):
        study(conflict, {"t": np.zeros(2), "u": np.zeros(3)}, [Question("nash", outcome="a_goes")])
    with pytest.raises(DetenteError, match="unknown outcome"):
        study(conflict, {"t": np.ones(2)}, [Question("nash", outcome="nothing")])
    with pytest.raises(DetenteError, match="does not exist"):
        study(conflict, {"t": np.ones(2)}, [Question("nash", state=99)])


def test_empty_and_no_samples():
    conflict = tipping_toy()
    qs = [Question("nash", outcome="a_goes")]
    assert study(conflict, {"t": np.zeros(0)}, qs).shape == (0, 1)
    assert study(conflict, {}, qs).tolist() == study_one_at_a_time(conflict, {}, qs).tolist()


def test_dask_local_cluster_gives_the_same_answers():
    import distributed
    conflict, _ = random_conflict(11)
    rng = np.random.default_rng(11)
    samples = analyzable(conflict, draws(rng, 30, ["p0", "p2"]))
    qs = questions_for(conflict)
    local = study(conflict, samples, qs)
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        remote = study(conflict, samples, qs, client=client, chunk_size=4)
    assert np.array_equal(local, remote)
    assert np.array_equal(local, study_one_at_a_time(conflict, samples, qs))


def test_derived_beliefs_follow_their_sampled_inputs():
    from detente.io.scenario import loads_scenario

    conflict = loads_scenario(ALLY)
    rng = np.random.default_rng(2)
    samples = {"relief": rng.choice([0.2, 0.5, 0.7], 40), "p_tired": rng.uniform(0, 1, 40),
               "rate": rng.choice([0.3, 0.6, 0.9], 40)}
    qs = [Question(c, outcome=o, dm=dm) for c in CONCEPTS for o in ("start", "settled") for dm in (None, "rival")]
    got = study(conflict, samples, qs, chunk_size=7)
    assert np.array_equal(got, study_one_at_a_time(conflict, samples, qs))
    assert 0 < got[:, qs.index(Question("nash", outcome="settled"))].mean() < 1    # the belief moves the answer


def reference_answers(conflict: Conflict, row: dict[str, float], questions: list[Question]) -> list[bool]:
    """Answers from the brute-force reference (engine/reference.py) on the compiled levels."""
    from detente.analysis.compile import compile_conflict
    from detente.engine import reference

    compiled = compile_conflict(conflict, row)
    codes = compiled.space.codes.tolist()
    bits = compiled.game.dm_bits
    modes = [o.reversibility for o in conflict.options]
    R = reference.option_form_moves(codes, bits, modes)
    concepts = sorted({q.concept for q in questions})
    table = reference.stability_table(R, compiled.game.levels.tolist(), concepts, codes, bits)
    out = []
    for q in questions:
        stable = np.asarray(table[q.concept], dtype=bool)
        states = (np.flatnonzero(compiled.outcomes[q.outcome]) if q.outcome is not None
                  else np.asarray([q.state - 1]))
        if q.dm is None:
            out.append(bool(stable[:, states].all(axis=0).any()))
        else:
            out.append(bool(stable[conflict.dm_index(q.dm), states].any()))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_conflicts_match_the_brute_force_reference(seed):
    conflict, _ = random_conflict(500 + seed)
    rng = np.random.default_rng(20_000 + seed)
    samples = analyzable(conflict, draws(rng, 4, ["p0", "p1", "p3"]))
    qs = questions_for(conflict)
    got = study(conflict, samples, qs)
    for k in range(got.shape[0]):
        row = {name: float(v[k]) for name, v in samples.items()}
        assert got[k].tolist() == reference_answers(conflict, row, qs), (seed, row)
