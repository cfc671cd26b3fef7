"""The fast engine agrees with the brute-force reference on thousands of random conflicts.

:mod:`detente.engine.reference` is written straight from the definitions (every pair of states
compared, coalition reach by the two rules with possible last movers); the engine in
:mod:`detente.engine.stability` is the vectorised one users run. Here hypothesis draws random
conflicts and both must give the same verdict for every DM, state and solution concept:

- option form: 2-5 DMs with 1-3 options each (at most 8 options), irreversible options in both
  directions, random infeasible states, random preference levels with and without ties;
- graph form: explicit random arcs per DM (moves that do not compose, where the "no DM twice in
  succession" rule matters);
- the structural facts Nash ⊆ SMR ⊆ GMR and Nash ⊆ SEQ ⊆ GMR (and Nash ⊆ SEQ-SIM ⊆ SIM);
- witnesses: every verdict's sanctions are legal sequences that really deter.

Profiles are derandomized, so CI runs the same conflicts every time; random details inside a
conflict come from a drawn seed so that generating large level tables stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.engine import reference
from detente.engine.moves import GraphMoves, OptionMoves
from detente.engine.stability import Game, stability
from detente.engine.states import StateSpace
from detente.engine.witness import verdict
from detente.errors import DetenteError

SEQUENTIAL = ("nash", "gmr", "smr", "seq")
SIMULTANEOUS = ("sim", "seqsim")
MODES = ("both", "both", "forward", "backward")   # "both" first: hypothesis shrinks towards it


def profile(n: int):
    """Deterministic hypothesis settings running ``n`` examples."""
    return settings(max_examples=n, derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- random conflicts -----------------------------------------------------------------------------
@dataclass
class Case:
    """A random conflict as plain arrays, with the engine's game and the reference's moves."""

    game: Game
    R: list[list[set[int]]]
    levels: np.ndarray
    codes: np.ndarray | None = None          # option form only
    dm_bits: list[list[int]] | None = None
    modes: list[str] | None = None

    @property
    def n_dms(self) -> int:
        return self.game.n_dms

    @property
    def m(self) -> int:
        return self.game.n_states

    def reference_table(self, concepts) -> dict[str, np.ndarray]:
        codes = None if self.codes is None else self.codes.tolist()
        table = reference.stability_table(self.R, self.levels.tolist(), concepts, codes, self.dm_bits)
        return {c: np.asarray(v, dtype=bool).reshape(self.n_dms, self.m) for c, v in table.items()}


def random_levels(rng: np.random.Generator, n_dms: int, m: int, ties: str) -> np.ndarray:
    """Preference levels per DM: a strict order, a few tiers, or anything in between."""
    rows = []
    for _ in range(n_dms):
        if ties == "strict":
            rows.append(rng.permutation(m))
        elif ties == "few":
            rows.append(rng.integers(0, int(rng.integers(1, 4)), m))
        else:
            rows.append(rng.integers(0, int(rng.integers(1, m + 1)), m))
    return np.asarray(rows, dtype=np.int32).reshape(n_dms, m)


@st.composite
def option_cases(draw, max_dms: int = 5, max_options: int = 8, max_states: int = 64) -> Case:
    """A random option-form conflict (at most ``max_states`` feasible states, kept for speed)."""
    n_dms = draw(st.integers(2, max_dms))
    counts: list[int] = []
    for i in range(n_dms):
        room = max_options - sum(counts) - (n_dms - i - 1)
        counts.append(draw(st.integers(1, min(3, room))))
    n = sum(counts)
    modes = [draw(st.sampled_from(MODES)) for _ in range(n)]
    p_infeasible = draw(st.sampled_from([0.0, 0.25, 0.5, 0.75]))
    ties = draw(st.sampled_from(["strict", "few", "any"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    codes = np.arange(1 << n, dtype=np.int64)
    keep = rng.random(codes.size) >= p_infeasible
    keep[rng.integers(codes.size)] = True
    codes = codes[keep]
    if codes.size > max_states:
        codes = np.sort(rng.choice(codes, max_states, replace=False))
    dm_bits, k = [], 0
    for c in counts:
        dm_bits.append(list(range(k, k + c)))
        k += c
    levels = random_levels(rng, n_dms, codes.size, ties)
    moves = OptionMoves(codes, dm_bits, modes)
    game = Game([f"dm{i}" for i in range(n_dms)], levels, moves, StateSpace(n, codes), dm_bits)
    R = reference.option_form_moves(codes.tolist(), dm_bits, modes)
    return Case(game, R, levels, codes, dm_bits, modes)


@st.composite
def graph_cases(draw, max_dms: int = 5, max_states: int = 12) -> Case:
    """A random graph-form conflict: each DM gets random arcs (self-loops and repeats included,
    which the engine must ignore)."""
    n_dms = draw(st.integers(2, max_dms))
    m = draw(st.integers(2, max_states))
    density = draw(st.sampled_from([0.1, 0.25, 0.5, 0.8]))
    ties = draw(st.sampled_from(["strict", "few", "any"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arcs, R = [], []
    for _ in range(n_dms):
        n_arcs = int(rng.binomial(m * m, density))
        a = rng.integers(0, m, (n_arcs, 2))
        arcs.append(a)
        Rj = [set() for _ in range(m)]
        for s, q in a.tolist():
            if s != q:
                Rj[s].add(q)
        R.append(Rj)
    levels = random_levels(rng, n_dms, m, ties)
    game = Game([f"dm{i}" for i in range(n_dms)], levels, GraphMoves(m, arcs))
    return Case(game, R, levels)


# -- checks shared by the tests ---------------------------------------------------------------------
def assert_same_moves(case: Case) -> None:
    for j in range(case.n_dms):
        for s in range(case.m):
            got = case.game.moves.targets(j, s).tolist()
            assert sorted(got) == sorted(case.R[j][s]), f"R_{j}({s}): engine {sorted(got)} != {sorted(case.R[j][s])}"
            assert len(got) == len(set(got))


def assert_same_stability(case: Case, concepts) -> dict[str, np.ndarray]:
    engine = stability(case.game, concepts)
    expected = case.reference_table(concepts)
    for c in concepts:
        bad = np.argwhere(engine[c] != expected[c])
        assert bad.size == 0, (f"{c}: engine and reference disagree at (dm, state) {bad[:5].tolist()}; "
                               f"engine says {engine[c][tuple(bad[0])]}")
    return engine


def assert_subset(a: np.ndarray, b: np.ndarray, what: str) -> None:
    bad = np.argwhere(a & ~b)
    assert bad.size == 0, f"{what} fails at (dm, state) {bad[:5].tolist()}"


def assert_inclusions(st_: dict[str, np.ndarray]) -> None:
    if "smr" in st_:
        assert_subset(st_["nash"], st_["smr"], "Nash ⊆ SMR")
        assert_subset(st_["smr"], st_["gmr"], "SMR ⊆ GMR")
    if "seq" in st_:
        assert_subset(st_["nash"], st_["seq"], "Nash ⊆ SEQ")
        assert_subset(st_["seq"], st_["gmr"], "SEQ ⊆ GMR")
    if "sim" in st_:
        assert_subset(st_["nash"], st_["seqsim"], "Nash ⊆ SEQ-SIM")
        assert_subset(st_["seqsim"], st_["sim"], "SEQ-SIM ⊆ SIM")


def ui(case: Case, j: int, s: int) -> set[int]:
    lev = case.levels[j]
    return {q for q in case.R[j][s] if lev[q] > lev[s]}


def assert_witness(case: Case, i: int, s: int, concept: str, engine_stable: bool) -> None:
    """The verdict agrees with the engine, lists every UI once, and each sanction is legal."""
    v = verdict(case.game, i, s, concept)
    u = case.levels[i]
    assert v.stable == engine_stable, f"witness says {v.stable}, engine {engine_stable} (dm {i}, state {s}, {concept})"
    assert sorted(v.improvements) == sorted(ui(case, i, s))
    assert all(u[a] >= u[b] for a, b in zip(v.improvements, v.improvements[1:])), "UIs not best first"
    assert v.stable == all(x.answered for x in v.sanctions)
    others = [j for j in range(case.n_dms) if j != i]
    for sc in v.sanctions:
        s1 = sc.improvement
        if concept == "nash":
            assert not sc.answered
            continue
        if not sc.answered:
            assert_truly_unanswered(case, i, s, s1, concept, others)
            continue
        s2 = sc.sanction
        assert u[s2] <= u[s], "the sanction state is better for the DM than staying"
        if concept in SIMULTANEOUS:
            assert_simultaneous_path(case, i, s, s1, s2, sc.path, concept)
            continue
        assert sc.path, "a sanction needs at least one countermove"
        assert sc.path[-1][1] == s2
        prev, last = s1, None
        for mover, state in sc.path:
            assert mover in others, f"step by DM {mover}, not a sanctioner"
            assert mover != last, f"DM {mover} moves twice in succession"
            assert state in case.R[mover][prev], f"{prev}->{state} is not a move of DM {mover}"
            if concept == "seq":
                lev = case.levels[mover]
                assert lev[state] > lev[prev], f"step {prev}->{state} is not a UI for DM {mover}"
            prev, last = state, mover
        if concept == "smr":
            assert all(u[s3] <= u[s] for s3 in case.R[i][s2]), "the DM can escape the SMR sanction"


def assert_truly_unanswered(case: Case, i, s, s1, concept, others) -> None:
    """Independent check (by the reference) that no sanction answers the UI s -> s1."""
    u = case.levels[i]
    if concept in SIMULTANEOUS:
        return   # covered by the stability comparison against the reference
    reach = reference.coalition_reach(case.R, others, s1, case.levels.tolist() if concept == "seq" else None)
    for s2 in reach:
        ok = u[s2] <= u[s]
        if concept == "smr":
            ok = ok and all(u[s3] <= u[s] for s3 in case.R[i][s2])
        assert not ok, f"UI {s}->{s1} is called unanswered, but {s2} sanctions it"


def assert_simultaneous_path(case: Case, i, s, s1, s2, path, concept) -> None:
    """SIM witnesses: each responder moves from s (at once); the combined state is s2."""
    assert path, "a simultaneous sanction needs at least one responder"
    code = int(case.codes[s1])
    movers = [j for j, _ in path]
    assert len(set(movers)) == len(movers) and i not in movers
    for j, q in path:
        assert q in case.R[j][s], f"{s}->{q} is not a move of DM {j}"
        if concept == "seqsim":
            assert case.levels[j][q] > case.levels[j][s]
        for b in case.dm_bits[j]:
            code = (code & ~(1 << b)) | (int(case.codes[q]) & (1 << b))
    assert code == int(case.codes[s2])


# -- the tests -----------------------------------------------------------------------------------
@profile(1500)
@given(option_cases())
def test_option_form_engine_matches_reference(case):
    assert_same_moves(case)
    st_ = assert_same_stability(case, SEQUENTIAL)
    assert_inclusions(st_)


@profile(400)
@given(option_cases(max_dms=4, max_options=6, max_states=24))
def test_option_form_simultaneous_concepts_match_reference(case):
    st_ = assert_same_stability(case, SEQUENTIAL + SIMULTANEOUS)
    assert_inclusions(st_)


@profile(1200)
@given(graph_cases())
def test_graph_form_engine_matches_reference(case):
    assert_same_moves(case)
    st_ = assert_same_stability(case, SEQUENTIAL)
    assert_inclusions(st_)


@profile(400)
@given(option_cases(max_dms=4, max_options=6, max_states=20))
def test_option_form_witnesses_are_legal(case):
    concepts = SEQUENTIAL + SIMULTANEOUS
    engine = stability(case.game, concepts)
    for c in concepts:
        for i in range(case.n_dms):
            for s in range(case.m):
                assert_witness(case, i, s, c, bool(engine[c][i, s]))


@profile(500)
@given(graph_cases(max_dms=4, max_states=10))
def test_graph_form_witnesses_are_legal(case):
    engine = stability(case.game, SEQUENTIAL)
    for c in SEQUENTIAL:
        for i in range(case.n_dms):
            for s in range(case.m):
                assert_witness(case, i, s, c, bool(engine[c][i, s]))


# -- a few fixed cases that pin down the definitions ------------------------------------------------
def line_graph_case() -> Case:
    """Three DMs, graph form: from state 1 only the chain B: 1->2, C: 2->3, B: 3->4 reaches 4.

    A's UI 0 -> 1 is sanctioned at 4 only by a legal sequence in which B moves twice, with C in
    between (B, C, B). Implementations that let each sanctioner move at most once miss it.
    """
    m = 5
    arcs = [np.array([[0, 1]]), np.array([[1, 2], [3, 4]]), np.array([[2, 3]])]
    levels = np.array([[1, 2, 3, 3, 0],      # A: moving to 1 improves; 4 is worse than 0
                       [0, 0, 1, 2, 3],      # B: both its moves improve
                       [0, 0, 1, 2, 0]], dtype=np.int32)  # C: its move improves
    R = [[set() for _ in range(m)] for _ in range(3)]
    for j, a in enumerate(arcs):
        for s, q in a.tolist():
            R[j][s].add(q)
    return Case(Game(["a", "b", "c"], levels, GraphMoves(m, arcs)), R, levels)


def test_a_sanctioner_may_move_twice_if_not_in_succession():
    case = line_graph_case()
    engine = assert_same_stability(case, SEQUENTIAL)
    for c in ("gmr", "seq"):
        assert engine[c][0, 0], f"{c}: the B, C, B sanction should deter A"
        v = verdict(case.game, 0, 0, c)
        assert [mv for mv, _ in v.sanctions[0].path] == [1, 2, 1]
    assert not engine["nash"][0, 0]


def test_no_dm_moves_twice_in_succession_in_graph_form():
    # B alone: 1->2 and 2->3 are both B's moves; B cannot chain them (moves don't compose here)
    m = 4
    arcs = [np.array([[0, 1]]), np.array([[1, 2], [2, 3]])]
    levels = np.array([[1, 2, 2, 0], [0, 0, 1, 2]], dtype=np.int32)
    R = [[set() for _ in range(m)] for _ in range(2)]
    for j, a in enumerate(arcs):
        for s, q in a.tolist():
            R[j][s].add(q)
    case = Case(Game(["a", "b"], levels, GraphMoves(m, arcs)), R, levels)
    engine = assert_same_stability(case, SEQUENTIAL)
    assert not engine["gmr"][0, 0]


def test_simultaneous_concepts_need_option_form():
    case = line_graph_case()
    with pytest.raises(DetenteError):
        stability(case.game, ("sim",))
