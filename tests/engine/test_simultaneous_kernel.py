"""The vectorised SIM / SEQ-SIM kernel against the brute force written from the definitions.

Random option-form games with 2-4 DMs, irreversible options, random infeasibility and many
ties; one game in four has a DM with 7 options (128 local codes: the kernel's wide path).
The per-state enumeration kept for very large option counts is checked against the same
reference.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from detente.engine import reference
from detente.engine.moves import OptionMoves
from detente.engine.stability import Game, stability
from detente.engine.states import StateSpace

stab = importlib.import_module("detente.engine.stability")
MODES = ("both", "both", "forward", "backward")


def random_game(seed: int) -> tuple[Game, list[int], list[list[int]], list[str]]:
    rng = np.random.default_rng(seed)
    n_dms = int(rng.integers(2, 5))
    counts = [int(rng.integers(1, 3)) for _ in range(n_dms)]
    if seed % 4 == 0:
        counts = [7] + [1] * (n_dms - 1)
    n = sum(counts)
    dm_bits, k = [], 0
    for c in counts:
        dm_bits.append(list(range(k, k + c)))
        k += c
    modes = [str(rng.choice(MODES)) for _ in range(n)]
    codes = np.arange(1 << n, dtype=np.int64)
    keep = rng.random(codes.size) >= rng.choice([0.0, 0.25, 0.5])
    keep[int(rng.integers(codes.size))] = True
    codes = codes[keep]
    m = codes.size
    levels = rng.integers(0, int(rng.integers(2, m + 2)), size=(n_dms, m)).astype(np.int32)
    space = StateSpace(n, codes)
    game = Game([f"d{i}" for i in range(n_dms)], levels, OptionMoves(codes, dm_bits, modes), space, dm_bits)
    return game, codes.tolist(), dm_bits, modes


@pytest.mark.parametrize("seed", range(60))
def test_sim_kernels_match_reference(seed):
    game, codes, dm_bits, modes = random_game(seed)
    R = reference.option_form_moves(codes, dm_bits, modes)
    expected = reference.stability_table(R, game.levels.tolist(), ("sim", "seqsim"), codes, dm_bits)
    got = stability(game, ("sim", "seqsim"))
    for c in ("sim", "seqsim"):
        assert np.array_equal(got[c], np.asarray(expected[c], dtype=bool)), c
    if len(codes) <= 200:
        for i in range(game.n_dms):
            for c in ("sim", "seqsim"):
                slow = stab._simultaneous_enumerate(game, i, c == "seqsim")
                assert np.array_equal(slow, got[c][i]), (c, i)


def test_sim_on_a_blocked_sanction():
    # two DMs, one option each, "a.x and b.y" infeasible: b's only response is then not available
    codes = np.array([0, 1, 2])
    game = Game(["a", "b"], np.array([[0, 1, 0], [0, 0, 1]]),
                OptionMoves(codes, [[0], [1]], ["both", "both"]), StateSpace(2, codes), [[0], [1]])
    st = stability(game, ("sim",))["sim"]
    assert st[0].tolist() == [False, True, True]     # a's move 1 -> 2 cannot be answered by b
