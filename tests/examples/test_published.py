"""The bundled examples give the published answers, and agree with the brute-force reference.

Sources of the published results:

- Prisoner's Dilemma and Chicken: the standard 2×2 results of the graph model (Fang, Hipel &
  Kilgour, *Interactive Decision Making: The Graph Model for Conflict Resolution*, Wiley 1993);
  each is also derived by hand in the comments of the example files.
- Elmira: Fang, Hipel & Kilgour (1993) and Hipel, Kilgour, Fang & Peng, "The decision support
  system GMCR in environmental conflict management", Applied Mathematics and Computation 83
  (1997): in the book's 9-state numbering, Nash and SEQ equilibria 5, 8, 9; GMR and SMR
  equilibria 1, 4, 5, 8, 9; state 8 is the historical outcome, reached from 5 only by the
  coalition of the Ministry and Uniroyal. The option-form files (elmira.yaml, elmira.gmcr)
  number the same model's states as GMCR+ does (12 states); BOOK maps them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import detente
from detente.engine import reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEQUENTIAL = ("nash", "gmr", "smr", "seq")
ALL = SEQUENTIAL + ("sim", "seqsim")

# option-form state (GMCR+ numbering, 12 states) -> the book's state (9 states)
BOOK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 9, 6: 9, 7: 5, 8: 6, 9: 7, 10: 8, 11: 9, 12: 9}
# published (book numbering), per concept
ELMIRA_PUBLISHED = {"nash": [5, 8, 9], "gmr": [1, 4, 5, 8, 9], "smr": [1, 4, 5, 8, 9], "seq": [5, 8, 9]}
# the published rankings (book numbering), best first, one per DM: MoE, Uniroyal, local government
ELMIRA_RANKINGS = [[7, 3, 4, 8, 5, 1, 2, 6, 9], [1, 4, 8, 5, 9, 2, 3, 7, 6], [7, 3, 5, 1, 8, 6, 4, 2, 9]]


def load(name: str):
    return detente.load(EXAMPLES / name)


def brute_force(result: detente.Analysis, concepts) -> dict[str, np.ndarray]:
    """Per-DM stability by the reference, from the model itself (not from the engine's moves)."""
    compiled, conflict = result.compiled, result.conflict
    levels = compiled.game.levels.tolist()
    if conflict.graph is None:
        codes = compiled.space.codes.tolist()
        dm_bits = compiled.game.dm_bits
        R = reference.option_form_moves(codes, dm_bits, [o.reversibility for o in conflict.options])
    else:
        codes = dm_bits = None
        m = len(conflict.graph.states)
        R = [[set() for _ in range(m)] for _ in conflict.decision_makers]
        for i, dm in enumerate(conflict.decision_makers):
            for s, q in conflict.graph.moves.get(dm.name, []):
                if s != q:
                    R[i][s - 1].add(q - 1)
    table = reference.stability_table(R, levels, concepts, codes, dm_bits)
    return {c: np.asarray(v, dtype=bool) for c, v in table.items()}


def assert_matches_brute_force(result: detente.Analysis) -> None:
    expected = brute_force(result, result.concepts)
    for c in result.concepts:
        assert np.array_equal(result.stable[c], expected[c]), f"{c}: engine and brute force disagree"


def dense_rank(x) -> np.ndarray:
    return np.unique(np.asarray(x), return_inverse=True)[1].reshape(-1)


# -- the two-by-two classics ------------------------------------------------------------------------
def test_prisoners_dilemma():
    result = detente.analyze(load("prisoners-dilemma.yaml"))
    assert result.equilibria == {"nash": [1], "gmr": [1, 4], "smr": [1, 4], "seq": [1, 4]}
    assert result.outcome("mutual_cooperation")["states"] == [4]
    assert result.outcome("mutual_cooperation")["equilibrium"] == {"nash": False, "gmr": True, "smr": True,
                                                                   "seq": True}
    assert_matches_brute_force(result)
    built_in = detente.analyze(detente.examples.prisoners_dilemma())
    assert built_in.equilibria == result.equilibria


def test_prisoners_dilemma_numbering_follows_the_literature():
    result = detente.analyze(load("prisoners-dilemma.yaml"))
    assert [result.state_info(s)["pattern"] for s in (1, 2, 3, 4)] == ["NN", "YN", "NY", "YY"]


def test_chicken():
    result = detente.analyze(load("chicken.yaml"), concepts=ALL)
    eq = result.equilibria
    assert eq["nash"] == [2, 3]
    assert eq["gmr"] == [2, 3, 4] and eq["smr"] == [2, 3, 4]
    assert eq["seq"] == [2, 3]           # punishing by crashing is not credible
    assert_matches_brute_force(result)
    # the deterrent behind GMR stability of mutual swerving is the other driver going straight
    v = result.verdict(4, "a", "gmr")
    assert v.stable and [s.sanction + 1 for s in v.sanctions] == [1]


# -- Elmira -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def elmira():
    return detente.analyze(load("elmira.yaml"))


@pytest.fixture(scope="module")
def elmira_gmcr():
    return detente.analyze(load("elmira.gmcr"))


@pytest.fixture(scope="module")
def elmira_graph():
    return detente.analyze(load("elmira-graph.yaml"))


def to_book(states) -> list[int]:
    return sorted({BOOK[s] for s in states})


def test_elmira_has_the_twelve_states_of_gmcr_plus(elmira):
    patterns = [elmira.state_info(s)["pattern"] for s in range(1, 13)]
    assert elmira.n_states == 12
    assert patterns == ["NYNNN", "YYNNN", "NNYNN", "YNYNN", "NNNYN", "YNNYN",
                        "NYNNY", "YYNNY", "NNYNY", "YNYNY", "NNNYY", "YNNYY"]
    assert elmira.outcome("historical")["states"] == [10]
    assert elmira.outcome("abandonment")["states"] == [5, 6, 11, 12]


def test_elmira_prioritization_reproduces_the_published_rankings(elmira):
    for i, ranking in enumerate(ELMIRA_RANKINGS):
        book_level = {s: len(ranking) - k for k, s in enumerate(ranking)}
        expected = dense_rank([book_level[BOOK[s]] for s in range(1, 13)])
        assert np.array_equal(dense_rank(elmira.compiled.game.levels[i]), expected), elmira.dm_names[i]


def test_elmira_published_equilibria(elmira):
    # Fang, Hipel & Kilgour (1993); Hipel, Kilgour, Fang & Peng (1997): see the module docstring
    for c, published in ELMIRA_PUBLISHED.items():
        assert to_book(elmira.equilibria[c]) == published, c
    assert elmira.equilibria["nash"] == [5, 6, 7, 10, 11, 12]
    assert elmira.equilibria["gmr"] == [1, 4, 5, 6, 7, 10, 11, 12]
    assert_matches_brute_force(elmira)


def test_elmira_gmcr_file_is_the_same_model(elmira, elmira_gmcr):
    assert elmira_gmcr.n_states == elmira.n_states
    for s in range(1, elmira.n_states + 1):
        assert elmira_gmcr.state_info(s)["code"] == elmira.state_info(s)["code"]
    for i in range(3):
        assert np.array_equal(dense_rank(elmira_gmcr.compiled.game.levels[i]),
                              dense_rank(elmira.compiled.game.levels[i]))
    for c in SEQUENTIAL:
        assert np.array_equal(elmira_gmcr.stable[c], elmira.stable[c]), c
    assert elmira_gmcr.equilibria == elmira.equilibria


def test_elmira_gmcr_statements_give_the_manual_ranking(tmp_path, elmira):
    # the file carries both the statements and the manual ranking; read it through the statements
    data = json.loads((EXAMPLES / "elmira.gmcr").read_text())
    data["useManualPreferenceRanking"] = False
    for dm in data["decisionMakers"]:
        dm.pop("preferenceRanking")
    path = tmp_path / "elmira-statements.gmcr"
    path.write_text(json.dumps(data))
    result = detente.analyze(detente.load(path))
    for i in range(3):
        assert np.array_equal(dense_rank(result.compiled.game.levels[i]), dense_rank(elmira.compiled.game.levels[i]))
    assert result.equilibria == elmira.equilibria


def test_elmira_graph_form_published_equilibria(elmira_graph):
    assert elmira_graph.n_states == 9
    assert elmira_graph.equilibria == ELMIRA_PUBLISHED
    assert elmira_graph.outcome("historical")["states"] == [8]
    assert_matches_brute_force(elmira_graph)


def test_elmira_option_and_graph_forms_agree_for_every_dm(elmira, elmira_graph):
    for c in SEQUENTIAL:
        for i in range(3):
            option_form = to_book(np.flatnonzero(elmira.stable[c][i]) + 1)
            graph_form = (np.flatnonzero(elmira_graph.stable[c][i]) + 1).tolist()
            assert option_form == graph_form, (c, elmira.dm_names[i])


def test_elmira_story_from_status_quo_to_history(elmira_graph):
    """Book numbering: from 1 the local government insists (5); from 5 neither the Ministry nor
    Uniroyal improves alone, but together they reach 8, which both prefer."""
    g = elmira_graph.compiled.game
    moe, uniroyal, local = 0, 1, 2
    lv = g.levels
    assert 4 in g.moves.targets(local, 0) and lv[local, 4] > lv[local, 0]
    for j in (moe, uniroyal):
        assert not any(lv[j, q] > lv[j, 4] for q in g.moves.targets(j, 4))
    R = [[set(g.moves.targets(j, s).tolist()) for s in range(9)] for j in range(3)]
    assert 7 in reference.coalition_reach(R, [moe, uniroyal], 4)
    assert lv[moe, 7] > lv[moe, 4] and lv[uniroyal, 7] > lv[uniroyal, 4]


# -- four decision makers ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def river():
    return detente.analyze(load("river-basin.yaml"), concepts=ALL)


def test_river_basin_matches_brute_force(river):
    assert river.n_states == 96
    assert len(river.dm_names) == 4
    assert_matches_brute_force(river)


def test_river_basin_claims_in_the_file(river):
    g = river.compiled.game
    up, down, _, donor = range(4)
    # Nash: only the unilateral fast fill, with the midstream state buying power
    assert river.equilibria["nash"] == [32]
    info = river.state_info(32)["options"]
    assert info["upstream.fill_fast"] and info["midstream.buy_power"]
    assert not (info["upstream.sign"] or info["downstream.sign"] or info["donor.fund"])
    # the funded basin agreement is stable under GMR, SMR and SEQ, not Nash
    assert river.outcome("agreement")["equilibrium_states"] == {
        "nash": [], "gmr": [45, 93], "smr": [93], "seq": [45, 93], "sim": [45, 93], "seqsim": []}
    agreement = river.state_info(93)["options"]
    assert agreement["donor.fund"] and agreement["upstream.sign"] and not agreement["upstream.fill_fast"]
    # upstream's temptation at 93 is to drop the agreement and fill fast (92); the downstream
    # state walking out to threaten, and the lender withdrawing, both answer it credibly
    codes = river.compiled.space.codes
    bit = {o.key: k for k, o in enumerate(river.conflict.options)}

    def changed(state: int, changes: dict[str, bool]) -> int:
        """The state number with some options set (1-based in, 1-based out)."""
        code = int(codes[state - 1])
        for key, taken in changes.items():
            code = (code | (1 << bit[key])) if taken else (code & ~(1 << bit[key]))
        return int(np.flatnonzero(codes == code)[0]) + 1

    v = river.verdict(93, "upstream", "seq")
    assert v.stable and [s.improvement + 1 for s in v.sanctions] == [92]
    assert changed(93, {"upstream.sign": False, "upstream.fill_fast": True}) == 92
    walk_out = changed(92, {"downstream.sign": False, "downstream.threaten": True})
    withdraw = changed(92, {"donor.fund": False})
    for who, answer in ((down, walk_out), (donor, withdraw)):
        assert answer - 1 in g.moves.targets(who, 92 - 1).tolist()
        assert g.levels[who, answer - 1] > g.levels[who, 92 - 1]      # a UI for the sanctioner
        assert g.levels[up, answer - 1] <= g.levels[up, 93 - 1]       # no better than 93 for upstream
    # crisis states: GMR and SMR equilibria, never SEQ
    crisis = river.outcome("crisis")["equilibrium_states"]
    assert crisis["gmr"] == crisis["smr"] == [37, 38, 39]
    assert crisis["seq"] == []
