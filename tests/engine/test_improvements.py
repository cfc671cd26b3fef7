"""Coalitional improvements without states × states tables (:mod:`detente.engine.improvements`)
against the brute-force coalition reach of the reference, on seeded random games: option form
(irreversible options both ways, infeasible states) and graph form (where the no-member-twice
rule matters); levels with many ties. Both query methods (rank grid, 64-bit masks) are forced
and must agree with each other and with the brute force. Also the move primitives the search
uses, :meth:`expand`, against the moves one state at a time.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from detente.engine import reference
from detente.engine.coalition import reach_dag
from detente.engine.improvements import CoalitionImprovements, level_ranks
from detente.engine.moves import GraphMoves, OptionMoves


def random_option_moves(rng: np.random.Generator) -> tuple[OptionMoves, int, int]:
    d = int(rng.integers(2, 5))
    counts = rng.integers(1, 4, size=d)
    while counts.sum() > 6:
        counts[int(np.argmax(counts))] -= 1
    n = int(counts.sum())
    codes = np.arange(1 << n, dtype=np.int64)
    codes = codes[rng.random(codes.size) < rng.choice([1.0, 0.8, 0.6])]
    if not codes.size:
        codes = np.array([0], dtype=np.int64)
    bits, k = [], 0
    for c in counts:
        bits.append(list(range(k, k + int(c))))
        k += int(c)
    modes = [str(x) for x in rng.choice(["both", "forward", "backward"], size=n, p=[0.5, 0.25, 0.25])]
    return OptionMoves(codes, bits, modes), d, int(codes.size)


def random_graph_moves(rng: np.random.Generator) -> tuple[GraphMoves, int, int]:
    d = int(rng.integers(2, 5))
    m = int(rng.integers(2, 12))
    arcs = [np.array([(a, b) for a in range(m) for b in range(m) if a != b and rng.random() < 0.25],
                     dtype=np.int64).reshape(-1, 2) for _ in range(d)]
    return GraphMoves(m, arcs), d, m


def brute_improvements(moves, levels: np.ndarray, members: tuple[int, ...]) -> list[set[int]]:
    m = moves.n_states
    R = [[set(moves.targets(j, s).tolist()) for s in range(m)] for j in range(levels.shape[0])]
    return [{q for q in reference.coalition_reach(R, members, s)
             if q != s and all(levels[j, q] > levels[j, s] for j in members)} for s in range(m)]


@pytest.mark.parametrize("seed", range(60))
def test_first_and_exists_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    moves, d, m = (random_option_moves if seed % 3 else random_graph_moves)(rng)
    levels = rng.integers(0, int(rng.integers(1, m + 2)), size=(d, m))
    ranks = level_ranks(levels)
    for size in range(2, d + 1):
        for members in itertools.combinations(range(d), size):
            ci = CoalitionImprovements(reach_dag(moves, members), members, levels, ranks)
            better = brute_improvements(moves, levels, members)
            expected_exists = np.array([bool(b) for b in better])
            starts = rng.permutation(m)[: int(rng.integers(1, m + 1))]
            targets = rng.permutation(m)[: int(rng.integers(1, m + 1))]
            expected_first = np.array([next((i for i, s in enumerate(starts.tolist()) if q in better[s]), -1)
                                       for q in targets.tolist()])
            for method in (None, "grid", "masks"):
                assert np.array_equal(ci.exists(method=method), expected_exists), (members, method)
                sub = targets[: max(1, targets.size // 2)]
                assert np.array_equal(ci.exists(sub, method=method), expected_exists[sub]), (members, method)
                assert np.array_equal(ci.first(starts, targets, method=method), expected_first), (members, method)


def test_masks_handle_more_than_64_starts():
    rng = np.random.default_rng(5)
    codes = np.arange(1 << 8, dtype=np.int64)
    moves = OptionMoves(codes, [[0, 1, 2], [3, 4, 5], [6, 7]], ["both", "forward", "both", "backward",
                                                              "both", "both", "both", "forward"])
    levels = rng.integers(0, 40, size=(3, codes.size))
    members = (0, 1, 2)
    ci = CoalitionImprovements(reach_dag(moves, members), members, levels)
    better = brute_improvements(moves, levels, members)
    starts = rng.permutation(codes.size)[:200]
    expected = np.array([next((i for i, s in enumerate(starts.tolist()) if q in better[s]), -1)
                         for q in range(codes.size)])
    for method in ("grid", "masks"):
        assert np.array_equal(ci.first(starts, np.arange(codes.size), method=method), expected)
    assert (expected > 63).any()                    # some answers come from a later chunk of 64


@pytest.mark.parametrize("seed", range(30))
def test_expand_matches_targets(seed):
    rng = np.random.default_rng(100 + seed)
    moves, d, m = (random_option_moves if seed % 3 else random_graph_moves)(rng)
    states = rng.integers(0, m, size=int(rng.integers(1, 2 * m + 1)))
    for j in range(d):
        rows, tg = moves.expand(j, states)
        for r, s in enumerate(states.tolist()):
            assert sorted(tg[rows == r].tolist()) == sorted(moves.targets(j, s).tolist())
