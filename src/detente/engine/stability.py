"""Stability kernels: Nash, GMR, SMR, SEQ (any number of DMs), SIM and SEQ-SIM (option form).

Definitions (Fang, Hipel & Kilgour 1993; Xu et al. 2018), for DM i, state s, with levels
u_i (higher = more preferred) and N−i the other DMs:

- Nash: R_i^+(s) = ∅.
- GMR: every UI s1 ∈ R_i^+(s) is answered by some s2 ∈ R_{N−i}(s1) with u_i(s2) ≤ u_i(s).
- SMR: ... by some s2 ∈ R_{N−i}(s1) with u_i(s2) ≤ u_i(s) and u_i(s3) ≤ u_i(s) for every
  s3 ∈ R_i(s2) (i cannot escape the sanction).
- SEQ: ... by some s2 ∈ R^+_{N−i}(s1) with u_i(s2) ≤ u_i(s) (sanctions the others gain from).
- SIM (simultaneous sanctioning): every UI of i from s is answered by some combination of
  simultaneous moves from s by the other DMs (each moving in R_j(s) or staying, at least one
  moving) such that the combined state, which takes i's options from s1 and each j's options
  from its move, is feasible and u_i(combined) ≤ u_i(s).
- SEQ-SIM: as SIM, with each moving DM j restricted to its UIs R_j^+(s).

Each of GMR, SMR, SEQ is "for every UI s1: min over a reachable set of some value ≤ u_i(s)".
With X(s1) that minimum, s is unstable iff some s1 ∈ R_i(s) has u_i(s1) > u_i(s) and
X(s1) > u_i(s), i.e. iff max over R_i(s) of min(u_i, X) exceeds u_i(s): one reduction over
R_i for every state at once. The reduction may include s itself (min(u_i, X)(s) ≤ u_i(s)
never decides anything), which is the cheaper "closed" form the engine uses; likewise Nash
compares max of u_i over {s} ∪ R_i(s) with u_i(s), and that same array is SMR's escape value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from .. import limits
from .moves import INT_FILL_MAX, OptionMoves
from .reach import reach_min

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim")
CONCEPT_LABELS = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM",
                  "seqsim": "SEQ-SIM"}


@dataclass
class Game:
    """Arrays the engine works on: levels (n_dms × m, int32, higher = better) and moves.

    ``space`` is the option-form :class:`~detente.engine.states.StateSpace` (or None for graph
    form) and ``dm_bits[i]`` the options DM i controls (needed for SIM).
    """

    dm_names: list[str]
    levels: np.ndarray
    moves: Any
    space: Any = None
    dm_bits: list[list[int]] = field(default_factory=list)

    @property
    def n_states(self) -> int:
        return int(self.levels.shape[1])

    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    def others(self, i: int) -> list[int]:
        return [j for j in range(self.n_dms) if j != i]


def normalize_concepts(concepts) -> list[str]:
    """Lower-case concept names, accepting common spellings ("SEQ-SIM", "r" for Nash)."""
    aliases = {"r": "nash", "nash": "nash", "gmr": "gmr", "smr": "smr", "seq": "seq", "sim": "sim",
               "seqsim": "seqsim", "seq-sim": "seqsim", "seq_sim": "seqsim"}
    out: list[str] = []
    if isinstance(concepts, str):
        concepts = [concepts]
    for c in concepts:
        key = str(c).strip().lower()
        if key not in aliases:
            from ..errors import DetenteError

            raise DetenteError(f"unknown solution concept '{c}' (known: {', '.join(CONCEPT_LABELS.values())})",
                               field="concepts")
        if aliases[key] not in out:
            out.append(aliases[key])
    return out


def sanction_values(game: Game, i: int, concept: str, best_escape: np.ndarray | None = None) -> np.ndarray:
    """X(s1) for every s1: the best sanction the others can impose on DM i after i moves to s1.

    ``best_escape`` (SMR only) is max of u_i over {s} ∪ R_i(s), if already computed.
    """
    u = game.levels[i]
    others = game.others(i)
    if concept == "gmr":
        return reach_min(game.moves, others, u)
    if concept == "smr":
        escape = best_escape if best_escape is not None else game.moves.reduce_closed(i, u, "max")
        return reach_min(game.moves, others, escape)
    if concept == "seq":
        return reach_min(game.moves, others, u, improving=game.levels)
    raise ValueError(concept)


def stable_for(game: Game, i: int, concept: str, best_escape: np.ndarray | None = None,
               cache: dict | None = None) -> np.ndarray:
    """Boolean array: is each state stable for DM i under ``concept``?

    ``best_escape``: max of u_i over {s} ∪ R_i(s), shared by Nash and SMR when given.
    """
    u = game.levels[i]
    if concept == "nash":
        best = best_escape if best_escape is not None else game.moves.reduce_closed(i, u, "max")
        return best <= u
    if concept in ("gmr", "smr", "seq"):
        X = sanction_values(game, i, concept, best_escape)
        worst = game.moves.reduce_closed(i, np.minimum(u, X), "max")
        return worst <= u
    if concept in ("sim", "seqsim"):
        return _simultaneous(game, i, improving_only=(concept == "seqsim"), cache=cache)
    raise ValueError(concept)


def stability(game: Game, concepts=("nash", "gmr", "smr", "seq")) -> dict[str, np.ndarray]:
    """{concept: (n_dms × m) boolean array of per-DM stability}.

    >>> from detente.engine.moves import OptionMoves
    >>> import numpy as np
    >>> levels = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])        # a 2x2 Prisoner's Dilemma
    >>> game = Game(["a", "b"], levels, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
    >>> equilibria(stability(game, ["nash"])["nash"]).tolist()
    [3]
    """
    names = normalize_concepts(concepts)
    if game.space is not None and ("sim" in names or "seqsim" in names):
        limits.check_sim(game.n_states, [len(b) for b in game.dm_bits])
    out: dict[str, list[np.ndarray]] = {c: [] for c in names}
    cache: dict = {}       # the others' choice sets, shared by every DM's SIM / SEQ-SIM test
    if hasattr(game.moves, "deterred"):
        # option form: one sweep in DM i's block layout gives Nash and SMR's escape values, and
        # each verdict is one more sweep there, on min(u_i, X)
        for i in range(game.n_dms):
            u = game.levels[i]
            escape, nash = game.moves.best_escape(i, u)
            for c in names:
                if c == "nash":
                    out[c].append(nash)
                elif c in ("gmr", "smr", "seq"):
                    out[c].append(game.moves.deterred(i, u, sanction_values(game, i, c, escape)))
                else:
                    out[c].append(stable_for(game, i, c, cache=cache))
        return {c: np.stack(v) for c, v in out.items()}
    for i in range(game.n_dms):
        escape = None
        if "nash" in names or "smr" in names:
            # max of u_i over {s} ∪ R_i(s): Nash's test and SMR's escape values, computed once
            escape = game.moves.reduce_closed(i, game.levels[i], "max")
        for c in names:
            out[c].append(stable_for(game, i, c, escape))
    return {c: np.stack(v) for c, v in out.items()}


def equilibria(stable: np.ndarray) -> np.ndarray:
    """0-based indices of the states stable for every DM."""
    return np.flatnonzero(stable.all(axis=0))


# -- simultaneous sanctioning ------------------------------------------------------------
DENSE_SIM_BITS = 26
"""SIM/SEQ-SIM use a dense array over all 2^n option combinations up to this many options."""
SIM_WORK_ELEMENTS = 1 << 22
"""Elements of one chunk of the keyed reductions in the SIM kernel."""


def _simultaneous(game: Game, i: int, improving_only: bool, cache: dict | None = None) -> np.ndarray:
    """SIM / SEQ-SIM for DM i (option form), for every state at once.

    A joint response from s is a product of per-DM choice sets: each other DM j either stays
    or takes one of its moves R_j(s) (its UIs R_j^+(s) for SEQ-SIM), i.e. chooses a local code
    of its own options in a set A_j(s). The combined state takes i's options from the UI s1
    and each j's options from its choice, so for i's local code a the best sanction is

        Q(s, a) = min { u_i(a, x_1, ..., x_r) : x_j ∈ A_j(s) }    (infeasible combinations: +∞)

    over the dense array of all option combinations (DM-major axes). It is reduced axis by
    axis: states are keyed by the distinct choice sets met so far, and each axis is reduced
    once per distinct key, not once per state. s is stable iff Q(s, a) ≤ u_i(s) for every UI.
    The all-stay combination is s1 itself, which never answers (u_i(s1) > u_i(s)), so the
    "at least one DM moves" rule of the definition needs no extra work.
    """
    space, moves = game.space, game.moves
    if space is None:
        from ..errors import DetenteError

        raise DetenteError("SIM and SEQ-SIM are defined for option-form conflicts only", field="concepts")
    total_bits = sum(len(b) for b in game.dm_bits)
    if total_bits > DENSE_SIM_BITS or not isinstance(moves, OptionMoves):
        return _simultaneous_enumerate(game, i, improving_only)
    return _simultaneous_dense(game, i, improving_only, cache)


def _key_dtype(K: int) -> np.dtype:
    for dt in (np.uint8, np.uint16, np.uint32, np.uint64):
        if K <= 8 * np.dtype(dt).itemsize:
            return np.dtype(dt)
    raise OverflowError("more than 64 local codes")


def _dense_ids(values: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values in increasing order, index of each value among them); values in [0, bound).

    A presence table and a running count when the range is small (no sort), else ``np.unique``.
    """
    if bound <= 4 * values.size + (1 << 16):
        present = np.zeros(bound, dtype=bool)
        present[values] = True
        uniq = np.flatnonzero(present)
        rank = np.cumsum(present, dtype=np.int64) - 1
        return uniq, rank[values]
    uniq, inv = np.unique(values, return_inverse=True)
    return uniq, inv.reshape(-1)


def _choice_keys(moves, j: int, levels: np.ndarray | None, stay: bool = True) -> np.ndarray:
    """For every state, the local codes DM j may choose from it as a bit set (bit c: code c):
    its own code (``stay``) and its moves, only the improving ones when ``levels`` are given."""
    from .moves import compact_dtype

    bl = moves._blocks[j]
    K = bl.K
    kdt = _key_dtype(K)
    key = np.zeros(bl.table.shape, dtype=kdt)
    if levels is not None:
        dt = compact_dtype(int(levels.min()), int(levels.max()))
        ext = np.empty(moves.n_states + 1, dtype=dt)
        ext[:-1] = levels
        ext[-1] = np.iinfo(dt).min
        L = ext[bl.table]
    if levels is None:
        # the feasible codes of each block, as one bit set per block, cut to each code's moves
        pattern = np.zeros(bl.n_blocks, dtype=kdt)
        for c in range(K):
            pattern |= bl.valid[c].astype(kdt) << kdt.type(c)
        weights = kdt.type(1) << np.arange(K, dtype=kdt)
        moves_of = (bl.allowed.astype(kdt) * weights[None, :]).sum(axis=1, dtype=kdt)
        key = pattern[None, :] & moves_of[:, None]
    else:
        bit = np.empty(bl.table.shape, dtype=bool)
        for c in range(K):
            np.greater(L[c][None, :], L, out=bit)
            bit &= bl.allowed[:, c][:, None]
            key |= bit.astype(kdt) << kdt.type(c)
    if stay:
        key |= (kdt.type(1) << np.arange(K, dtype=kdt))[:, None]
    return key.reshape(-1)[bl.pos]


def _key_rows(keys: np.ndarray, K: int) -> np.ndarray:
    """Bit sets as (len(keys) × K) boolean rows."""
    kdt = keys.dtype
    return ((keys[:, None] >> np.arange(K, dtype=kdt)[None, :]) & kdt.type(1)).astype(bool)


def _choice_bytes(moves, j: int, levels: np.ndarray | None, stay: bool = True) -> np.ndarray:
    """:func:`_choice_keys` as little-endian bit rows, (states × ceil(K/8)) uint8, any K."""
    bl = moves._blocks[j]
    K = bl.K
    if K <= 64:
        keys = _choice_keys(moves, j, levels, stay)
        return keys.astype(keys.dtype.newbyteorder("<")).view(np.uint8).reshape(keys.size, -1)
    ok = bl.valid.T[bl.block_of] & bl.allowed[bl.local_of]
    if levels is not None:
        ext = np.empty(moves.n_states + 1, dtype=np.int64)
        ext[:-1] = levels
        ext[-1] = np.iinfo(np.int64).min
        ok &= ext[bl.table].T[bl.block_of] > np.asarray(levels)[:, None]
    if stay:
        ok[np.arange(moves.n_states), bl.local_of] = True
    return np.packbits(ok, axis=1, bitorder="little")


def _row_ids(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(id of each byte row among the distinct rows, the distinct rows)."""
    W = rows.shape[1]
    if W <= 8:
        wide = np.zeros((rows.shape[0], 8), dtype=np.uint8)
        wide[:, :W] = rows
        keys = wide.view("<u8").reshape(-1)
        if W <= 2:
            uniq, ids = _dense_ids(keys.astype(np.int64), 1 << (8 * W))
        else:
            uniq, ids = np.unique(keys, return_inverse=True)
        return ids.reshape(-1), np.asarray(uniq, dtype="<u8").view(np.uint8).reshape(-1, 8)[:, :W]
    uniq, ids = np.unique(rows, axis=0, return_inverse=True)
    return ids.reshape(-1), uniq


def _simultaneous_dense(game: Game, i: int, improving_only: bool,
                        cache: dict | None = None) -> np.ndarray:
    from .moves import compact_dtype

    moves = game.moves
    m = game.n_states
    u = game.levels[i]
    stable = np.ones(m, dtype=bool)
    cache = {} if cache is None else cache
    # i's UIs from every state, as bit sets over i's local codes
    uk = ("ui", i)
    if uk not in cache:
        cache[uk] = _choice_bytes(moves, i, u, stay=False)
    ui_rows = cache[uk]
    active = np.flatnonzero(ui_rows.any(axis=1))
    if active.size == 0:
        return stable
    others = game.others(i)
    if not others:
        stable[active] = False
        return stable
    # the others' choice sets (the same for every i: cached), as ids of distinct sets
    ids, sets = [], []
    for j in others:
        ck = ("seqsim" if improving_only else "sim", j)
        if ck not in cache:
            idj, rows = _row_ids(_choice_bytes(moves, j, game.levels[j] if improving_only else None))
            K = moves._blocks[j].K
            cache[ck] = (idj, np.unpackbits(rows, axis=1, count=K, bitorder="little").astype(bool))
        idj, rows = cache[ck]
        ids.append(idj[active])
        sets.append(rows)
    # axes: the others, then i; the first axis is reduced first, on the largest array, so put
    # there the DM with the fewest distinct choice sets
    order = sorted(range(len(others)), key=lambda x: len(sets[x]))
    axes = [others[x] for x in order] + [i]
    sizes = [moves._blocks[d].K for d in axes]
    dt = compact_dtype(int(u.min()), int(u.max()))
    fill = dt.type(np.iinfo(dt).max)
    dense = np.full(int(np.prod(sizes)), fill, dtype=dt)
    fk = ("flat", tuple(axes))
    if fk not in cache:
        flat = np.zeros(m, dtype=np.int64)
        for d, K in zip(axes, sizes):
            flat = flat * K + moves._blocks[d].local_of
        cache[fk] = flat
    dense[cache[fk]] = u
    # reduce the leading axis, keyed by (its choice set, the key so far); T is keys-major
    T = dense.reshape(1, -1)                 # (keys, K_first × prod of the later axes)
    key = np.zeros(active.size, dtype=np.int64)
    n_keys = 1
    for pos, x in enumerate(order):
        K = sizes[pos]
        P = T.shape[1] // K
        uniq, key = _dense_ids(ids[x].astype(np.int64) * n_keys + key, len(sets[x]) * n_keys)
        set_of, prev = uniq // n_keys, uniq % n_keys
        out = np.empty((uniq.size, P), dtype=dt)
        T2 = T.reshape(n_keys * K, P)                                     # rows: (key, code of this axis)
        masks = sets[x][set_of]                                           # (new keys × K)
        size = masks.sum(axis=1)
        # keys grouped by the size of their choice set: gather exactly the chosen rows and take
        # their minimum (every set holds at least "stay", so no group is empty)
        for c in np.unique(size).tolist():
            ks = np.flatnonzero(size == c)
            codes = np.nonzero(masks[ks])[1].reshape(ks.size, c)
            src = prev[ks][:, None] * K + codes                           # (keys × c)
            step = max(1, SIM_WORK_ELEMENTS // max(c * P, 1))
            for lo in range(0, ks.size, step):
                hi = min(lo + step, ks.size)
                out[ks[lo:hi]] = T2[src[lo:hi]].min(axis=1)
        T = out
        n_keys = uniq.size
    # T: (keys × K_i); the best sanction for each active state and each local code of i
    Q = T[key]                             # (active × K_i)
    over = np.packbits(Q > u[active][:, None], axis=1, bitorder="little")   # bit a: Q(s, a) > u_i(s)
    stable[active] = ~(over & ui_rows[active]).any(axis=1)
    return stable


def _simultaneous_enumerate(game: Game, i: int, improving_only: bool) -> np.ndarray:
    """SIM / SEQ-SIM for DM i by enumerating the others' joint responses per state (used when
    the conflict has too many options for the dense kernel)."""
    space, moves = game.space, game.moves
    m = game.n_states
    u = game.levels[i]
    codes = space.codes
    stable = np.ones(m, dtype=bool)
    masks = [sum(1 << b for b in bits) for bits in game.dm_bits]
    others = game.others(i)
    for s in range(m):
        uis = moves.targets(i, s)
        uis = uis[u[uis] > u[s]]
        if uis.size == 0:
            continue
        choices = []
        for j in others:
            t = moves.targets(j, s)
            if improving_only:
                t = t[game.levels[j][t] > game.levels[j][s]]
            # each j contributes its own bits (code & mask_j) or stays
            choices.append([None] + [int(codes[q]) & masks[j] for q in t.tolist()])
        answered_all = True
        for s1 in uis.tolist():
            base = int(codes[s1])
            answered = False
            for combo in product(*choices):
                if all(c is None for c in combo):
                    continue
                code = base
                for j, part in zip(others, combo):
                    if part is not None:
                        code = (code & ~masks[j]) | part
                idx = int(space.index_of(code))
                if idx >= 0 and u[idx] <= u[s]:
                    answered = True
                    break
            if not answered:
                answered_all = False
                break
        stable[s] = answered_all
    return stable


__all__ = ["Game", "CONCEPTS", "CONCEPT_LABELS", "stability", "stable_for", "equilibria",
           "sanction_values", "normalize_concepts", "INT_FILL_MAX"]
