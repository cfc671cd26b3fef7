"""End to end: :func:`detente.analyze` on random :class:`~detente.model.Conflict` objects matches a
brute force built here, independently, from the model's own words.

What this checks beyond the engine tests: compiling a conflict.

- state numbering by the literature convention: option k (DMs in order, each DM's options in
  order) is bit k-1 of a state's decimal code, feasible states numbered 1..m by increasing code;
- feasibility written as conditions, patterns, mutually exclusive / at-least-one groups and
  implications;
- option prioritization: with K statements, statement j (0-based) weighs 2^(K-1-j); more
  weight = more preferred, equal sums tie; payoff formulas as numbers;
- irreversible options;
- named outcomes written as conditions.

Conditions are drawn as random formula trees rendered to text in the expression language (with
its spellings: ``not``, ``!``, ``and``, ``&``, ``or``, ``|``, ``implies``, ``->``, ``iff``,
``q if p``) and evaluated here in plain numpy, so the test does not share code with the parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.engine import reference
from detente.errors import ModelError
from detente.model import Conflict, DecisionMaker, Feasibility, Option, Payoff, Prioritization

Env = dict[int, np.ndarray]     # option index -> taken?, over all codes


@dataclass
class Expr:
    text: str
    fn: Callable[[Env], np.ndarray]


def profile(n: int):
    return settings(max_examples=n, derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def conditions(draw, names: list[tuple[str, int]], depth: int = 2) -> Expr:
    """A random condition over options; ``names`` are (spelling, option index) pairs."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.integers(0, 11))
        if kind == 0:
            value = draw(st.booleans())
            return Expr("true" if value else "false", lambda env, v=value: np.full(env[0].shape, v))
        name, k = draw(st.sampled_from(names))
        if kind <= 4:
            neg = draw(st.sampled_from(["not ", "!", "~"]))
            return Expr(f"{neg}{name}", lambda env, k=k: ~env[k])
        return Expr(name, lambda env, k=k: env[k])
    op = draw(st.sampled_from(["and", "&", "or", "|", "implies", "->", "iff", "if", "not"]))
    a = draw(conditions(names, depth - 1))
    if op == "not":
        return Expr(f"not ({a.text})", lambda env: ~a.fn(env))
    b = draw(conditions(names, depth - 1))
    text = f"({a.text}) {op} ({b.text})"
    if op in ("and", "&"):
        return Expr(text, lambda env: a.fn(env) & b.fn(env))
    if op in ("or", "|"):
        return Expr(text, lambda env: a.fn(env) | b.fn(env))
    if op in ("implies", "->"):
        return Expr(text, lambda env: ~a.fn(env) | b.fn(env))
    if op == "iff":
        return Expr(text, lambda env: a.fn(env) == b.fn(env))
    return Expr(text, lambda env: a.fn(env) | ~b.fn(env))      # "a if b": b implies a


@dataclass
class Drawn:
    """A random conflict together with what the brute force expects of it."""

    conflict: Conflict
    feasible: np.ndarray            # over all 2^n codes
    scores: list[np.ndarray]        # per DM, over all codes: higher = preferred
    dm_bits: list[list[int]]
    modes: list[str]
    outcome: np.ndarray             # the named outcome "target", over all codes


@st.composite
def conflicts(draw, max_dms: int = 4, max_options: int = 6) -> Drawn:
    n_dms = draw(st.integers(2, max_dms))
    counts: list[int] = []
    for i in range(n_dms):
        room = max_options - sum(counts) - (n_dms - i - 1)
        counts.append(draw(st.integers(1, min(3, room))))
    n = sum(counts)
    codes = np.arange(1 << n, dtype=np.int64)
    env: Env = {k: ((codes >> k) & 1).astype(bool) for k in range(n)}

    dm_names = [f"d{i}" for i in range(n_dms)]
    options, dm_bits, names = [], [], []
    k = 0
    for i, c in enumerate(counts):
        bits = []
        for _ in range(c):
            mode = draw(st.sampled_from(["both", "both", "forward", "backward"]))
            options.append(Option(f"o{k}", dm_names[i], mode))
            names.append((f"{dm_names[i]}.o{k}", k))
            names.append((f"o{k}", k))          # bare names are unique here, so allowed
            bits.append(k)
            k += 1
        dm_bits.append(bits)
    modes = [o.reversibility for o in options]
    keys = [o.key for o in options]

    # feasibility: every form the model offers
    # (each constraint kept narrow enough that most drawn models keep some feasible states)
    infeasible = []
    for a, b in draw(st.lists(st.tuples(conditions(names, 1), conditions(names, 1)), max_size=2)):
        infeasible.append(Expr(f"({a.text}) and ({b.text})", lambda env, a=a, b=b: a.fn(env) & b.fn(env)))
    bad = np.zeros(codes.size, dtype=bool)
    for e in infeasible:
        bad |= e.fn(env)
    exclusive = draw(st.lists(st.lists(st.sampled_from(range(n)), min_size=2, max_size=3, unique=True), max_size=1))
    for g in exclusive:
        bad |= np.sum([env[x] for x in g], axis=0) >= 2
    at_least = draw(st.lists(st.lists(st.sampled_from(range(n)), min_size=2, max_size=3, unique=True), max_size=1))
    for g in at_least:
        bad |= ~np.any([env[x] for x in g], axis=0)
    implications = draw(st.lists(st.tuples(conditions(names, 1), conditions(names, 1)), max_size=1))
    for p, q in implications:
        bad |= p.fn(env) & ~q.fn(env)
    patterns = draw(st.lists(st.dictionaries(st.sampled_from(range(n)), st.booleans(), min_size=2, max_size=3),
                             max_size=1))
    for pat in patterns:
        match = np.ones(codes.size, dtype=bool)
        for x, v in pat.items():
            match &= env[x] == v
        bad |= match
    feas = Feasibility(
        infeasible=[e.text for e in infeasible],
        mutually_exclusive=[[keys[x] for x in g] for g in exclusive],
        at_least_one=[[keys[x] for x in g] for g in at_least],
        implications=[(p.text, q.text) for p, q in implications],
        patterns=[{keys[x]: v for x, v in pat.items()} for pat in patterns],
    )

    # preferences: mostly prioritization, sometimes a payoff formula
    dms, scores = [], []
    for i in range(n_dms):
        if draw(st.integers(0, 4)) == 0:
            weights = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
            formula = " + ".join(f"({w}) * {keys[x]}" for x, w in enumerate(weights))
            pref = Payoff(formula)
            score = np.sum([w * env[x].astype(np.int64) for x, w in enumerate(weights)], axis=0)
        else:
            stmts = draw(st.lists(conditions(names, 2), min_size=1, max_size=4))
            K = len(stmts)
            pref = Prioritization([s.text for s in stmts])
            score = np.zeros(codes.size, dtype=np.int64)
            for j, s in enumerate(stmts):
                score += s.fn(env).astype(np.int64) << (K - 1 - j)
        scores.append(score)
        dms.append(DecisionMaker(dm_names[i], [o for o in options if o.dm == dm_names[i]], pref))
    target = draw(conditions(names, 2))
    conflict = Conflict("random", dms, feasibility=feas, outcomes={"target": target.text})
    return Drawn(conflict, ~bad, scores, dm_bits, modes, target.fn(env))


def dense_rank(x: np.ndarray) -> np.ndarray:
    return np.unique(x, return_inverse=True)[1].reshape(-1)


def check(d: Drawn, concepts) -> None:
    feasible_codes = np.flatnonzero(d.feasible)
    if feasible_codes.size == 0:
        with pytest.raises(ModelError):
            detente.analyze(d.conflict, concepts=concepts)
        return
    result = detente.analyze(d.conflict, concepts=concepts)
    m = feasible_codes.size
    assert result.n_states == m
    for t in range(m):                                   # literature numbering
        info = result.state_info(t + 1)
        assert info["code"] == feasible_codes[t]
        assert info["pattern"] == "".join("Y" if (feasible_codes[t] >> k) & 1 else "N"
                                          for k in range(len(d.modes)))
    levels = [dense_rank(s[feasible_codes]) for s in d.scores]
    for i, lev in enumerate(levels):                     # prioritization weights and payoffs
        assert np.array_equal(dense_rank(result.compiled.game.levels[i]), lev), f"levels of DM {i}"
    R = reference.option_form_moves(feasible_codes.tolist(), d.dm_bits, d.modes)
    table = reference.stability_table(R, [lev.tolist() for lev in levels], concepts,
                                      feasible_codes.tolist(), d.dm_bits)
    for c in concepts:
        expected = np.asarray(table[c], dtype=bool)
        assert np.array_equal(result.stable[c], expected), f"{c}: analyze disagrees with the brute force"
        assert result.equilibria[c] == (np.flatnonzero(expected.all(axis=0)) + 1).tolist()
    assert result.outcome("target")["states"] == (np.flatnonzero(d.outcome[feasible_codes]) + 1).tolist()


@profile(300)
@given(conflicts())
def test_analyze_matches_brute_force_on_random_conflicts(d):
    check(d, ("nash", "gmr", "smr", "seq"))


@profile(100)
@given(conflicts(max_dms=3, max_options=5))
def test_analyze_simultaneous_concepts_match_brute_force(d):
    check(d, ("nash", "sim", "seqsim"))
