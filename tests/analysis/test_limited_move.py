"""Limited-move stability L_h and non-myopic stability (Kilgour 1985; Fang, Hipel & Kilgour 1993).

The hand-worked case is Chicken, where the verdict changes with the horizon (Nash states lose
their stability at h = 2, mutual swerving gains it at h = 3). The vectorised computation is also
checked against the recursive definition written out literally, and against the known facts
L_1 = Nash and L_2 ⇒ SEQ for two DMs.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pytest

import detente
from detente.analysis.compile import compile_conflict
from detente.analysis.inverse import levels_to_ranking
from detente.analysis.limited_move import limited_move
from detente.engine.stability import stability
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, GraphForm, Ranking


# -- Chicken by hand --------------------------------------------------------------------------------
# detente.examples.chicken(): option "swerve" for a and b. States: 1 = both straight (crash),
# 2 = a swerves, 3 = b swerves, 4 = both swerve. Rankings (from its prioritization):
#   a: 3 > 4 > 2 > 1        b: 2 > 4 > 3 > 1
# Moves: a toggles 1<->2 and 3<->4; b toggles 1<->3 and 2<->4.
#
# h = 1 (G_1: move to the best improvement, else stay)
#   a: G(1)=2 (2 > 1), G(2)=2, G(3)=3, G(4)=3 (3 > 4)       -> a stable at 2, 3
#   b: G(1)=3, G(2)=2, G(3)=3, G(4)=2                      -> b stable at 2, 3; L_1 eq: 2, 3 (Nash)
# h = 2 (a's move k, then b's G_1 from k)
#   a at 1: k=2, G_1(b,2)=2, better than 1 -> 2        a at 2: k=1, G_1(b,1)=3 > 2 -> 3 (unstable)
#   a at 3: k=4, G_1(b,4)=2, worse than 3 -> stay 3    a at 4: k=3, G_1(b,3)=3 > 4 -> 3
#   b at 1: k=3, G_1(a,3)=3 > 1 -> 3                   b at 2: k=4, G_1(a,4)=3, worse -> stay 2
#   b at 3: k=1, G_1(a,1)=2 > 3 -> 2 (unstable)        b at 4: k=2, G_1(a,2)=2 > 4 -> 2
#   L_2: a stable only at 3, b only at 2: no equilibrium.
# h = 3 (a's move k, then b's G_2 from k)
#   a at 1: k=2, G_2(b,2)=2 > 1 -> 2                   a at 2: k=1, G_2(b,1)=3 > 2 -> 3
#   a at 3: k=4, G_2(b,4)=2 < 3 -> stay 3              a at 4: k=3, G_2(b,3)=2 < 4 -> stay 4
#   b at 1: k=3, G_2(a,3)=3 > 1 -> 3                   b at 2: k=4, G_2(a,4)=3 < 2 -> stay 2
#   b at 3: k=1, G_2(a,1)=2 > 3 -> 2                   b at 4: k=2, G_2(a,2)=3 < 4 -> stay 4
#   L_3: a stable at 3, 4; b at 2, 4: equilibrium 4 (both swerve).
CHICKEN_G = {
    1: {"a": [2, 2, 3, 3], "b": [3, 2, 3, 2]},
    2: {"a": [2, 3, 3, 3], "b": [3, 2, 2, 2]},
    3: {"a": [2, 3, 3, 4], "b": [3, 2, 2, 4]},
}


def test_chicken_by_hand():
    lm = limited_move(detente.examples.chicken(), horizons=[1, 2, 3])
    for h, table in CHICKEN_G.items():
        for dm, row in table.items():
            assert [lm.anticipated_state(dm, s, h) for s in range(1, 5)] == row, (h, dm)
    assert lm.equilibria == {"L1": [2, 3], "L2": [], "L3": [4], "nonmyopic": [4]}
    assert lm.stable_states("a", 3) == [3, 4] and lm.stable_states("b", 3) == [2, 4]
    # the line behind a's verdict at 2 with h = 2: a goes straight (to 1), b swerves (to 3)
    assert lm.line("a", 2, 2) == [("a", 1), ("b", 3)]
    assert lm.line("a", 4, 3) == []
    assert lm.ambiguous == []
    json.dumps(lm.to_dict())


def test_chicken_nonmyopic():
    lm = limited_move(detente.examples.chicken(), horizons=8)
    assert all(lm.equilibria[f"L{h}"] == [4] for h in range(3, 9))
    assert lm.nonmyopic_equilibria == [4]
    assert lm.cycle_length == 1


def test_prisoners_dilemma_by_hand():
    # alice: 3 > 4 > 1 > 2, bob: 2 > 4 > 1 > 3. h = 1: only mutual defection (1) is stable.
    # h = 2, alice at 4: her move to 3 is met by bob's G_1(bob, 3) = 1, worse for her than 4: stay.
    lm = limited_move(detente.examples.prisoners_dilemma(), horizons=[1, 2, 3])
    assert lm.equilibria == {"L1": [1], "L2": [1, 4], "L3": [1, 4], "nonmyopic": [1, 4]}
    assert lm.anticipated_state("alice", 4, 1) == 3
    assert lm.anticipated_state("alice", 4, 2) == 4
    assert lm.line("bob", 3, 2) == [("bob", 1)]
    assert lm.nonmyopic_equilibria == [1, 4]


# -- against the definition -------------------------------------------------------------------------
def random_two_dm(seed: int, strict: bool) -> Conflict:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(3, 9))
    moves = {d: [(s, q) for s in range(1, m + 1) for q in range(1, m + 1) if s != q and rng.random() < 0.35]
             for d in ("p", "q")}
    if strict:
        levels = np.stack([rng.permutation(m), rng.permutation(m)])
    else:
        levels = rng.integers(0, 3, (2, m))
    return Conflict(f"r{seed}", [DecisionMaker(d, preference=levels_to_ranking(levels[k]))
                                 for k, d in enumerate(("p", "q"))],
                    graph=GraphForm([f"s{k}" for k in range(m)], moves))


def literal_G(game):
    """G_h(i, s) exactly as the recursive definition reads (ties: smallest outcome state)."""
    u = game.levels

    @lru_cache(maxsize=None)
    def G(h, i, s):
        if h == 0:
            return s
        j = 1 - i
        best = None
        for k in sorted(game.moves.targets(i, s).tolist()):
            o = G(h - 1, j, k)
            if u[i][o] > u[i][s] and (best is None or u[i][o] > u[i][best] or (u[i][o] == u[i][best] and o < best)):
                best = o
        return s if best is None else best
    return G


@pytest.mark.parametrize("seed", range(16))
def test_matches_the_recursive_definition(seed):
    c = random_two_dm(seed, strict=seed % 2 == 0)
    game = compile_conflict(c).game
    G = literal_G(game)
    lm = limited_move(c, horizons=6)
    for h in range(1, 7):
        for i, dm in enumerate(("p", "q")):
            assert [lm.anticipated_state(dm, s + 1, h) - 1 for s in range(game.n_states)] == \
                [G(h, i, s) for s in range(game.n_states)]
    if seed % 2 == 0:
        assert lm.ambiguous == []


@pytest.mark.parametrize("seed", range(16))
def test_known_relations(seed):
    c = random_two_dm(50 + seed, strict=seed % 3 == 0)
    game = compile_conflict(c).game
    usual = stability(game, ["nash", "seq"])
    lm = limited_move(c, horizons=[1, 2])
    assert np.array_equal(lm.stable[1], usual["nash"])          # L_1 = Nash
    assert np.all(lm.stable[2] <= usual["seq"])                 # L_2 ⇒ SEQ (two DMs)


@pytest.mark.parametrize("seed", range(8))
def test_nonmyopic_is_the_limit(seed):
    c = random_two_dm(90 + seed, strict=True)
    lm = limited_move(c, horizons=[1])
    start, period = lm.cycle_start, lm.cycle_length
    far = limited_move(c, horizons=range(start, start + 2 * period + 1), nonmyopic=False)
    agree = np.ones_like(lm.nonmyopic)
    for h in far.horizons:
        agree &= far.stable[h]
    assert np.array_equal(agree, lm.nonmyopic)


def test_ties_are_flagged():
    # p at 1 can go to 2 or 3, which p likes equally and q never leaves: the outcome is open
    c = Conflict("tie", [DecisionMaker("p", preference=Ranking([[2, 3], [1]])),
                         DecisionMaker("q", preference=Ranking([[1], [2, 3]]))],
                 graph=GraphForm(["a", "b", "c"], {"p": [(1, 2), (1, 3)], "q": []}))
    lm = limited_move(c, horizons=[1])
    assert lm.anticipated_state("p", 1, 1) == 2
    assert (1, "p", 1) in lm.ambiguous


def test_errors():
    three = Conflict("three", [DecisionMaker(d, preference=Ranking([[1], [2]])) for d in "xyz"],
                     graph=GraphForm(["a", "b"], {"x": [(1, 2)]}))
    with pytest.raises(DetenteError, match="two decision makers"):
        limited_move(three)
    with pytest.raises(DetenteError, match="≥ 1"):
        limited_move(detente.examples.chicken(), horizons=[0])
    lm = limited_move(detente.examples.chicken(), horizons=[1])
    with pytest.raises(DetenteError, match="not computed"):
        lm.anticipated_state("a", 1, 5)


def test_limited_move_refuses_models_it_cannot_finish_quickly():
    import random

    from detente.analysis.limited_move import limited_move
    from detente.errors import DetenteError
    from detente.model import Conflict, DecisionMaker, Option, Prioritization

    rng = random.Random(1)
    dms = []
    for d in "ab":
        stm = [f"{rng.choice(['', 'not '])}{rng.choice('ab')}.o{rng.randrange(8)}" for _ in range(4)]
        dms.append(DecisionMaker(d, [Option(f"o{i}", d) for i in range(8)], Prioritization(stm)))
    with pytest.raises(DetenteError, match="limited-move analysis .*DETENTE_MAX_RUN_WORK"):
        limited_move(Conflict("big", dms))          # 65,536 states
