"""Quick cross-check of the fast engine against the brute-force reference.

Run after every performance change to the engine::

    python benchmarks/check_against_reference.py            # 400 random games
    python benchmarks/check_against_reference.py --games 2000 --seed 3

Each game is small (at most 64 states, 96 with a wide DM) so that
:mod:`detente.engine.reference`, written straight from the definitions, can judge it. Games
cover:

- option form: 2-4 DMs with 1-3 options each (and, one game in eight, one DM with 5-7
  options, so blocks of 32-128 local codes), irreversible options in both directions,
  randomly infeasible states, preference levels with many ties, few ties, or none, and level
  ranges that need int8, int16 or int32 inside the engine;
- graph form: random arcs per DM (moves that do not compose);
- the engine's internal switch between recomputing only dirty blocks and whole tables
  (forced one way or the other, or left to the engine's threshold);
- options of a DM that are not numbered consecutively.

Verdicts for Nash, GMR, SMR, SEQ (and SIM, SEQ-SIM in option form) must be identical for every
DM and state; ``OptionMoves.reduce`` (whole and for some states' blocks) and
``reduce_closed`` are also checked against the explicit move lists. Exit status 1 on any
disagreement, with the game printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from detente.engine import moves as moves_module  # noqa: E402
from detente.engine import reference  # noqa: E402
from detente.engine.moves import GraphMoves, OptionMoves  # noqa: E402
from detente.engine.stability import Game, stability  # noqa: E402
from detente.engine.states import StateSpace  # noqa: E402

SEQUENTIAL = ("nash", "gmr", "smr", "seq")
MODES = ("both", "both", "forward", "backward")


def random_levels(rng: np.random.Generator, n_dms: int, m: int) -> np.ndarray:
    kind = rng.choice(["strict", "few", "any", "wide", "huge"])
    rows = []
    for _ in range(n_dms):
        if kind == "strict":
            row = rng.permutation(m)
        elif kind == "few":
            row = rng.integers(0, int(rng.integers(1, 4)), m)
        elif kind == "any":
            row = rng.integers(0, int(rng.integers(1, m + 1)), m)
        elif kind == "wide":          # int16 inside the engine
            row = rng.integers(-300, 300, m)
        else:                         # int32 inside the engine
            row = rng.integers(-10**6, 10**6, m)
        rows.append(row)
    return np.asarray(rows, dtype=np.int32).reshape(n_dms, m)


def option_game(rng: np.random.Generator, wide: bool = False):
    n_dms = int(rng.integers(2, 5))
    counts = [int(rng.integers(1, 4)) for _ in range(n_dms)]
    while sum(counts) > 8:
        counts[int(np.argmax(counts))] -= 1
    if wide:      # one DM with 5-7 options: 32-128 local codes per block
        n_dms = int(rng.integers(2, 4))
        counts = [int(rng.integers(5, 8))] + [1] * (n_dms - 1)
        rng.shuffle(counts)
    n = sum(counts)
    modes = [str(rng.choice(MODES)) for _ in range(n)]
    codes = np.arange(1 << n, dtype=np.int64)
    keep = rng.random(codes.size) >= rng.choice([0.0, 0.2, 0.5, 0.7])
    keep[rng.integers(codes.size)] = True
    codes = codes[keep]
    cap = 96 if wide else 64
    if codes.size > cap:
        codes = np.sort(rng.choice(codes, cap, replace=False))
    dm_bits, k = [], 0
    for c in counts:
        dm_bits.append(list(range(k, k + c)))
        k += c
    if rng.random() < 0.3:            # options not grouped by DM
        perm = rng.permutation(n)
        dm_bits = [[int(perm[b]) for b in bits] for bits in dm_bits]
        modes = [modes[int(np.flatnonzero(perm == o)[0])] for o in range(n)]
    levels = random_levels(rng, n_dms, codes.size)
    moves = OptionMoves(codes, dm_bits, modes)
    game = Game([f"dm{i}" for i in range(n_dms)], levels, moves, StateSpace(n, codes), dm_bits)
    R = reference.option_form_moves(codes.tolist(), dm_bits, modes)
    return game, R, levels, codes, dm_bits, dict(n=n, dm_bits=dm_bits, modes=modes, codes=codes.tolist())


def graph_game(rng: np.random.Generator):
    n_dms = int(rng.integers(2, 5))
    m = int(rng.integers(2, 13))
    density = float(rng.choice([0.1, 0.25, 0.5, 0.8]))
    arcs, R = [], []
    for _ in range(n_dms):
        a = rng.integers(0, m, (int(rng.binomial(m * m, density)), 2))
        arcs.append(a)
        Rj = [set() for _ in range(m)]
        for s, q in a.tolist():
            if s != q:
                Rj[s].add(q)
        R.append(Rj)
    levels = random_levels(rng, n_dms, m)
    game = Game([f"dm{i}" for i in range(n_dms)], levels, GraphMoves(m, arcs))
    return game, R, levels, None, None, dict(m=m, arcs=[x.tolist() for x in arcs])


def check_reductions(game: Game, R, levels: np.ndarray) -> str | None:
    """reduce (exact R_j) and reduce_closed ({s} ∪ R_j) against the explicit move sets."""
    m = game.n_states
    for j in range(game.n_dms):
        v = levels[(j + 1) % game.n_dms]
        for op, fn, fill in (("min", min, np.iinfo(np.int32).max), ("max", max, np.iinfo(np.int32).min)):
            for improving in (None, levels[j]):
                got = game.moves.reduce(j, v, op, improving)
                closed = game.moves.reduce_closed(j, v, op, improving)
                some = np.flatnonzero(np.random.default_rng(m + j).random(m) < 0.3)
                rows, part = game.moves.reduce(j, v, op, improving, states=some)
                if not set(some.tolist()) <= set(rows.tolist()) or not np.array_equal(part, got[rows]):
                    return f"reduce(j={j}, op={op}, improving={improving is not None}, states=...)"
                for s in range(m):
                    t = [q for q in R[j][s] if improving is None or improving[q] > improving[s]]
                    want = fn(int(v[q]) for q in t) if t else int(fill)
                    if int(got[s]) != want:
                        return f"reduce(j={j}, op={op}, improving={improving is not None}) at s={s}"
                    if int(closed[s]) != fn([int(v[s])] + [int(v[q]) for q in t]):
                        return f"reduce_closed(j={j}, op={op}, improving={improving is not None}) at s={s}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    counts = {"option": 0, "graph": 0}
    saved_share = moves_module.PARTIAL_SHARE
    try:
        for g in range(args.games):
            form = "graph" if g % 4 == 3 else "option"
            if form == "graph":
                game, R, levels, codes, dm_bits, desc = graph_game(rng)
            else:
                game, R, levels, codes, dm_bits, desc = option_game(rng, wide=(g % 8 == 5))
            moves_module.PARTIAL_SHARE = float(rng.choice([0.0, 0.3, 1.0]))
            concepts = SEQUENTIAL + (("sim", "seqsim") if form == "option" and rng.random() < 0.25 else ())
            got = stability(game, concepts)
            want = reference.stability_table(R, levels.tolist(), concepts,
                                             None if codes is None else codes.tolist(), dm_bits)
            for c in concepts:
                w = np.asarray(want[c], dtype=bool).reshape(game.n_dms, game.n_states)
                if not np.array_equal(got[c], w):
                    bad = np.argwhere(got[c] != w)[0].tolist()
                    print(f"MISMATCH game {g} ({form}) concept {c} at (dm, state) {bad}: engine "
                          f"{bool(got[c][tuple(bad)])}, reference {bool(w[tuple(bad)])}\n{desc}\nlevels={levels.tolist()}")
                    return 1
            if form == "option":
                problem = check_reductions(game, R, levels)
                if problem:
                    print(f"MISMATCH game {g}: {problem}\n{desc}\nlevels={levels.tolist()}")
                    return 1
            counts[form] += 1
    finally:
        moves_module.PARTIAL_SHARE = saved_share
    print(f"{counts['option']} option-form and {counts['graph']} graph-form games: engine and reference "
          f"agree on every verdict ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
