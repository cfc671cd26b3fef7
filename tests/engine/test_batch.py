"""Batched kernels (:mod:`detente.engine.batch`) agree with the one-at-a-time engine and with the
brute-force reference written from the definitions, level vector by level vector.

Seeded random games: option form (1-3 options per DM, irreversible options both ways, random
infeasible states) and graph form (random arcs per DM, where the no-DM-twice rule matters);
levels drawn with many ties; every chunk size gives the same answer.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.engine import reference
from detente.engine.batch import batch_stability, unique_rows
from detente.engine.moves import GraphMoves, OptionMoves
from detente.engine.stability import Game, stability
from detente.engine.states import StateSpace

SEQUENTIAL = ["nash", "gmr", "smr", "seq"]


def random_option_game(rng: np.random.Generator):
    d = int(rng.integers(2, 5))
    counts = rng.integers(1, 4, size=d)
    while counts.sum() > 7:
        counts[int(np.argmax(counts))] -= 1
    n = int(counts.sum())
    codes = np.arange(1 << n, dtype=np.int64)
    keep = rng.random(codes.size) < 0.8
    keep[int(rng.integers(codes.size))] = True
    codes = codes[keep]
    bits, k = [], 0
    for c in counts:
        bits.append(list(range(k, k + int(c))))
        k += int(c)
    modes = [str(x) for x in rng.choice(["both", "forward", "backward"], size=n, p=[0.6, 0.2, 0.2])]
    space = StateSpace(n, codes)
    return Game([f"d{i}" for i in range(d)], np.zeros((d, codes.size), np.int32),
                OptionMoves(codes, bits, modes), space, bits), codes, bits, modes


def random_graph_game(rng: np.random.Generator):
    d = int(rng.integers(2, 4))
    m = int(rng.integers(2, 10))
    arcs = [np.array([(a, b) for a in range(m) for b in range(m) if a != b and rng.random() < 0.3],
                     dtype=np.int64).reshape(-1, 2) for _ in range(d)]
    return Game([f"d{i}" for i in range(d)], np.zeros((d, m), np.int32), GraphMoves(m, arcs)), arcs


def random_levels(rng, n, d, m):
    top = int(rng.integers(1, 6))
    return rng.integers(0, top + 1, size=(n, d, m))


@pytest.mark.parametrize("seed", range(60))
def test_option_form_matches_engine_and_reference(seed):
    rng = np.random.default_rng(seed)
    game, codes, bits, modes = random_option_game(rng)
    L = random_levels(rng, 12, game.n_dms, game.n_states)
    concepts = SEQUENTIAL + (["sim", "seqsim"] if seed % 4 == 0 else [])
    out = batch_stability(game, L, concepts, chunk_rows=int(rng.integers(1, 13)))
    R = reference.option_form_moves(codes.tolist(), bits, modes) if seed % 3 == 0 else None
    for r in range(L.shape[0]):
        g = Game(game.dm_names, L[r].astype(np.int32), game.moves, game.space, bits)
        expected = stability(g, concepts)
        for c in concepts:
            assert np.array_equal(out[c][r], expected[c]), (seed, r, c)
        if R is not None:
            table = reference.stability_table(R, L[r].tolist(), concepts, codes.tolist(), bits)
            for c in concepts:
                assert np.array_equal(out[c][r], np.asarray(table[c], dtype=bool)), (seed, r, c)


@pytest.mark.parametrize("seed", range(40))
def test_graph_form_matches_engine_and_reference(seed):
    rng = np.random.default_rng(1000 + seed)
    game, arcs = random_graph_game(rng)
    L = random_levels(rng, 10, game.n_dms, game.n_states)
    out = batch_stability(game, L, SEQUENTIAL)
    m = game.n_states
    R = [[set() for _ in range(m)] for _ in arcs]
    for j, a in enumerate(arcs):
        for s, q in a.tolist():
            R[j][s].add(q)
    for r in range(L.shape[0]):
        expected = stability(Game(game.dm_names, L[r].astype(np.int32), game.moves), SEQUENTIAL)
        table = reference.stability_table(R, L[r].tolist(), SEQUENTIAL)
        for c in SEQUENTIAL:
            assert np.array_equal(out[c][r], expected[c]), (seed, r, c)
            assert np.array_equal(out[c][r], np.asarray(table[c], dtype=bool)), (seed, r, c)


def test_chunking_does_not_change_answers():
    rng = np.random.default_rng(7)
    game, *_ = random_option_game(rng)
    L = random_levels(rng, 50, game.n_dms, game.n_states)
    whole = batch_stability(game, L, SEQUENTIAL)
    for rows in (1, 3, 17, 49, 50, 1000):
        part = batch_stability(game, L, SEQUENTIAL, chunk_rows=rows)
        for c in SEQUENTIAL:
            assert np.array_equal(whole[c], part[c])


def test_shape_is_checked():
    rng = np.random.default_rng(3)
    game, *_ = random_option_game(rng)
    with pytest.raises(ValueError, match="levels must have shape"):
        batch_stability(game, np.zeros((2, game.n_dms + 1, game.n_states), int))


@pytest.mark.parametrize("width", [1, 5, 8, 9, 40])
def test_unique_rows(width):
    rng = np.random.default_rng(width)
    base = rng.integers(0, 300 if width == 9 else 3, size=(7, width))
    rows = base[rng.integers(0, 7, size=200)]
    first, inverse = unique_rows(rows)
    assert np.array_equal(rows[first][inverse], rows)
    assert len({tuple(r) for r in rows[first].tolist()}) == first.size          # no duplicates kept
    assert first.size == len({tuple(r) for r in rows.tolist()})


def test_unique_rows_negative_and_empty():
    rows = np.array([[-1, 2], [-1, 2], [5, -7]])
    _, inverse = unique_rows(rows)
    assert inverse.tolist() == [0, 0, 1] or inverse.tolist() == [1, 1, 0]
    assert unique_rows(np.zeros((0, 3), int))[0].size == 0
    f, inv = unique_rows(np.zeros((4, 0), int))
    assert f.tolist() == [0] and inv.tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("seed", range(8))
def test_large_model_seq_path_matches(seed, monkeypatch):
    # above SEQ_BATCH_MAX_STATES, SEQ runs the one-at-a-time kernel per level vector
    import detente.engine.batch as batch

    rng = np.random.default_rng(500 + seed)
    game, *_ = random_option_game(rng)
    L = random_levels(rng, 6, game.n_dms, game.n_states)
    batched = batch_stability(game, L, SEQUENTIAL)
    monkeypatch.setattr(batch, "SEQ_BATCH_MAX_STATES", 0)
    per_row = batch_stability(game, L, SEQUENTIAL)
    for c in SEQUENTIAL:
        assert np.array_equal(batched[c], per_row[c])
    for r in range(L.shape[0]):
        expected = stability(Game(game.dm_names, L[r].astype(np.int32), game.moves, game.space, game.dm_bits),
                             ["seq"])
        assert np.array_equal(per_row["seq"][r], expected["seq"])


@pytest.mark.parametrize("seed", range(30))
def test_condensed_coalition_reach_matches(seed, monkeypatch):
    # from CONDENSE_MIN_STATES on, GMR/SMR reach goes through strongly connected components
    import detente.engine.batch as batch

    monkeypatch.setattr(batch, "CONDENSE_MIN_STATES", 0)
    monkeypatch.setattr(batch, "CONDENSE_MIN_ROWS", 0)
    rng = np.random.default_rng(700 + seed)
    game, codes, bits, modes = random_option_game(rng)
    L = random_levels(rng, 8, game.n_dms, game.n_states)
    out = batch_stability(game, L, ["nash", "gmr", "smr"])
    assert game.moves.__dict__.get("_batch_condensed")            # the condensed path ran
    R = reference.option_form_moves(codes.tolist(), bits, modes)
    for r in range(L.shape[0]):
        expected = stability(Game(game.dm_names, L[r].astype(np.int32), game.moves, game.space, bits),
                             ["gmr", "smr"])
        table = reference.stability_table(R, L[r].tolist(), ["gmr", "smr"], codes.tolist(), bits)
        for c in ("gmr", "smr"):
            assert np.array_equal(out[c][r], expected[c]), (seed, r, c)
            assert np.array_equal(out[c][r], np.asarray(table[c], dtype=bool)), (seed, r, c)
