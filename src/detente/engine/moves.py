"""Unilateral moves R_i(s) and the reductions the stability kernels need.

Two representations with the same interface:

- :class:`OptionMoves` (option form). DM i's moves never change options it does not control,
  so the states sharing those options form a *block*; inside a block, q ∈ R_i(s) iff q ≠ s is
  feasible and every option of i changes only in a permitted direction. The relation is a
  product of per-option relations, so "min/max over {s} ∪ R_i(s)" for every s at once is a
  sum-over-subsets sweep: k in-place passes over a (blocks × 2^k) table. Moves restricted to
  unilateral improvements (R_i^+) need the full (blocks × 2^k × 2^k) comparison; it is done
  in cache-sized chunks with a halving (tree) minimum.
- :class:`GraphMoves` (graph form): each DM's arcs in CSR; reductions are segment reductions.

Values are preference levels (higher = better). :meth:`OptionMoves.reduce` returns, for every
state, the min or max of ``values`` over R_j(s) (or over R_j^+(s) when ``improving`` levels are
given), and ``fill`` where that set is empty. :meth:`reduce_closed` includes s itself, which is
what every stability kernel needs and is cheaper. Internally values are held in the smallest
integer type that fits them (int8 or int16 for the usual handful of preference levels): the
sweeps are memory-bound, so a narrower type is directly faster.

>>> import numpy as np
>>> moves = OptionMoves(np.arange(4), [[0], [1]], ["both", "forward"])
>>> moves.reduce(1, np.array([5, 3, 7, 1]), "min").tolist()   # DM 1 may only take option 2
[7, 1, 2147483647, 2147483647]
>>> moves.reduce_closed(1, np.array([5, 3, 7, 1]), "min").tolist()
[5, 1, 7, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

INT_FILL_MIN = np.iinfo(np.int32).max   # neutral element for min
INT_FILL_MAX = np.iinfo(np.int32).min   # neutral element for max
CHUNK_ELEMENTS = 1 << 19                # elements of the (K × K × blocks) work buffer per chunk
PARTIAL_SHARE = 0.5                     # recompute only dirty blocks below this share of blocks
_DTYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))


def neutral(op: str) -> int:
    return INT_FILL_MIN if op == "min" else INT_FILL_MAX


def compact_dtype(lo: int, hi: int) -> np.dtype:
    """The narrowest signed integer type holding [lo, hi] with both extremes left free as fills.

    >>> compact_dtype(0, 40), compact_dtype(-5, 300)
    (dtype('int8'), dtype('int16'))
    """
    for dt in _DTYPES:
        info = np.iinfo(dt)
        if info.min < lo and hi < info.max:
            return dt
    raise OverflowError("values do not fit in int64 with room for fill values")


def _fn(op: str):
    return np.minimum if op == "min" else np.maximum


def _fill_of(dt: np.dtype, op: str):
    info = np.iinfo(dt)
    return dt.type(info.max if op == "min" else info.min)


@dataclass
class _Blocks:
    """One DM's block table, local-code-major: ``table[a, b]`` is the state in block b with
    local code a (m where there is none: index m is a fill slot in every value array).

    In this (K × B) order, bit p of the local code is the middle axis of
    ``reshape(-1, 2, 2^p · B)``, so every pass of a sweep is one contiguous vector operation
    over whole rows of blocks.
    """

    bits: np.ndarray          # global bit positions of the DM's options, local bit p -> bits[p]
    modes: list[str]          # per local bit: "both" | "forward" | "backward"
    block_of: np.ndarray      # per state: its block
    local_of: np.ndarray      # per state: its local code
    table: np.ndarray         # (K, B) intp
    pos: np.ndarray           # per state: its flat position local*B + block in table
    valid: np.ndarray         # (K, B) bool: a feasible state sits there
    allowed: np.ndarray       # (K, K) bool: a -> b permitted by directions, a != b
    allowed_t: np.ndarray     # (K_b, K_a, 1) bool: allowed transposed, for broadcasting
    # the levels (K × B, compact type) of the last levels array used for improvements
    ui_table: np.ndarray | None = None
    ui_levels: np.ndarray | None = None
    _index: np.ndarray | None = None

    @property
    def k(self) -> int:
        return int(self.bits.size)

    @property
    def K(self) -> int:
        return 1 << self.k

    @property
    def n_blocks(self) -> int:
        return int(self.table.shape[1])

    @property
    def has_irreversible(self) -> bool:
        return any(mode != "both" for mode in self.modes)

    @property
    def index(self) -> np.ndarray:
        """Block-major (B, K) int32 table, −1 where there is no state (built on first use)."""
        if self._index is None:
            self._index = np.ascontiguousarray(np.where(self.valid, self.table, -1).T.astype(np.int32))
        return self._index


def _contiguous(bits: list[int]) -> bool:
    return bool(bits) and bits == list(range(bits[0], bits[0] + len(bits)))


def _block_ids(codes: np.ndarray, bits: list[int]) -> tuple[np.ndarray, int]:
    """Block number per code (codes equal outside ``bits`` share a block), blocks in key order."""
    width = int(codes.max()).bit_length() if codes.size else 0
    inside = sorted(b for b in bits if b < width)
    free = width - len(inside)
    if codes.size and free <= 26 and (1 << free) <= 8 * codes.size + (1 << 16):
        # squeeze the DM's bits out of the code: a dense key space, no sort needed
        if _contiguous(inside):
            q0, k = inside[0], len(inside)
            ck = ((codes >> (q0 + k)) << q0) | (codes & ((1 << q0) - 1))
        else:
            ck = codes.copy()
            for bit in reversed(inside):
                ck = ((ck >> (bit + 1)) << bit) | (ck & ((1 << bit) - 1))
        present = np.zeros(1 << free, dtype=bool)
        present[ck] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return rank[ck], int(rank[-1]) + 1
    mask = 0
    for bit in bits:
        mask |= 1 << bit
    uniq, block_of = np.unique(codes & ~np.int64(mask), return_inverse=True)
    return block_of.reshape(-1).astype(np.int64), int(uniq.size)


def _halves(F: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of a (K × b) table: the rows with local bit p clear, and those with it set."""
    if not F.flags.c_contiguous:   # reshape would copy and in-place passes would be lost
        raise ValueError("block tables must be C-contiguous")
    v = F.reshape(F.shape[0] >> (p + 1), 2, (1 << p) * F.shape[1])
    return v[:, 0, :], v[:, 1, :]


class OptionMoves:
    """Moves of every DM in an option-form conflict (see the module docstring).

    ``codes``: sorted decimal codes of the feasible states; ``dm_bits[i]``: the (0-based)
    options DM i controls; ``modes[o]``: "both", "forward" (only N→Y) or "backward" (only Y→N).
    ``ui_cache_bytes`` is accepted for compatibility; no K × K table is kept between calls.
    """

    composes = True

    def __init__(self, codes: np.ndarray, dm_bits: list[list[int]], modes: Sequence[str],
                 ui_cache_bytes: int = 1 << 28):
        self.codes = np.asarray(codes, dtype=np.int64)
        self.n_states = int(self.codes.size)
        self.n_dms = len(dm_bits)
        self.ui_cache_bytes = ui_cache_bytes
        self._blocks = [self._build(np.asarray(b, dtype=np.int64), [modes[o] for o in b]) for b in dm_bits]

    def _build(self, bits: np.ndarray, modes: list[str]) -> _Blocks:
        k = bits.size
        K = 1 << k
        m = self.n_states
        if _contiguous(bits.tolist()):
            local = (self.codes >> int(bits[0])) & (K - 1)
        else:
            local = np.zeros(m, dtype=np.int64)
            for p, bit in enumerate(bits.tolist()):
                local |= ((self.codes >> bit) & 1) << p
        block_of, n_blocks = _block_ids(self.codes, bits.tolist())
        pos = local * n_blocks + block_of
        table: np.ndarray = np.full(K * n_blocks, m, dtype=np.intp)
        table[pos] = np.arange(m, dtype=np.intp)
        table = table.reshape(K, n_blocks)
        a = np.arange(K)[:, None]
        b = np.arange(K)[None, :]
        allowed = a != b
        for p, mode in enumerate(modes):
            ab, bb = (a >> p) & 1, (b >> p) & 1
            if mode == "forward":
                allowed &= bb >= ab
            elif mode == "backward":
                allowed &= bb <= ab
        return _Blocks(bits, modes, block_of, local, table, pos, table < m, allowed,
                       np.ascontiguousarray(allowed.T)[:, :, None])

    # -- explicit moves (for witnesses, paths, references) ----------------------------
    def targets(self, j: int, s: int) -> np.ndarray:
        """R_j(s) as an array of state indices."""
        bl = self._blocks[j]
        row = bl.index[bl.block_of[s]]
        cand = row[bl.allowed[bl.local_of[s]]]
        return cand[cand >= 0].astype(np.int64)

    def controlled_bits(self, j: int) -> list[int]:
        return self._blocks[j].bits.tolist()

    def expand(self, j: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every move of DM j from each of ``states`` at once, as (row, target) index arrays.

        ``row`` indexes ``states`` and comes in order (targets within a row in no set order).

        >>> OptionMoves(np.arange(4), [[0, 1]], ["both", "forward"]).expand(0, np.array([0, 3]))
        (array([0, 0, 0, 1]), array([1, 2, 3, 2]))
        """
        bl = self._blocks[j]
        states = np.asarray(states, dtype=np.int64)
        rows = bl.index[bl.block_of[states]]                 # (F, K) targets by local code
        ok = bl.allowed[bl.local_of[states]]
        ok &= rows >= 0
        r, c = np.nonzero(ok)
        return r.astype(np.int64), rows[r, c].astype(np.int64)

    # -- reductions ----------------------------------------------------------------------
    def _ext(self, values: np.ndarray, dt: np.dtype, op: str) -> np.ndarray:
        """``values`` in type ``dt`` with one extra fill slot at index m (where ``table`` points)."""
        ext = np.empty(self.n_states + 1, dtype=dt)
        ext[:-1] = values
        ext[-1] = _fill_of(dt, op)
        return ext

    def _ext_levels(self, levels: np.ndarray) -> np.ndarray:
        """Levels with the fill slot below every level (a missing state is never an improvement)."""
        dt = self._value_dtype(levels)
        lev = np.empty(self.n_states + 1, dtype=dt)
        lev[:-1] = levels
        lev[-1] = np.iinfo(dt).min
        return lev

    @staticmethod
    def _value_dtype(*arrays: np.ndarray) -> np.dtype:
        lo = min((int(a.min()) for a in arrays if a.size), default=0)
        hi = max((int(a.max()) for a in arrays if a.size), default=0)
        return compact_dtype(lo, hi)

    @staticmethod
    def _to_int32(out: np.ndarray, dt: np.dtype, op: str) -> np.ndarray:
        """Widen a result to int32, mapping the compact fill to the int32 fill."""
        if dt == np.int32:
            return out
        res = out.astype(np.int32)
        res[out == _fill_of(dt, op)] = neutral(op)
        return res

    def reduce(self, j: int, values: np.ndarray, op: str = "min", improving: np.ndarray | None = None,
               states: np.ndarray | None = None) -> "np.ndarray | tuple[np.ndarray, np.ndarray]":
        """min/max of ``values`` over R_j(s) (or R_j^+(s) by ``improving`` levels) for every s.

        s itself is excluded; where the set is empty the result is the int32 fill (max for
        "min", min for "max"). With ``states`` given, only the blocks of those states are
        recomputed and the result is returned for all states of those blocks as
        ``(state_indices, result)``.
        """
        bl = self._blocks[j]
        values = np.asarray(values)
        dt = self._value_dtype(values)
        blocks = None if states is None else np.unique(bl.block_of[np.asarray(states, dtype=np.int64)])
        table = bl.table if blocks is None else np.take(bl.table, blocks, axis=1)
        V = self._ext(values, dt, op)[table]
        if improving is None:
            R = self._exact_sweep(bl, V, op)
        else:
            R = self._pairwise_masked(bl, V, table, np.asarray(improving), op, closed=False)
        if blocks is None:
            return self._to_int32(R.reshape(-1)[bl.pos], dt, op)
        valid = np.take(bl.valid, blocks, axis=1)
        return table[valid].astype(np.int64), self._to_int32(R[valid], dt, op)

    def reduce_closed(self, j: int, values: np.ndarray, op: str = "min",
                      improving: np.ndarray | None = None) -> np.ndarray:
        """min/max of ``values`` over {s} ∪ R_j(s) (or {s} ∪ R_j^+(s)) for every s, as int32.

        Never empty, so no fill appears; this is the reduction the stability kernels use.
        """
        bl = self._blocks[j]
        values = np.asarray(values)
        dt = self._value_dtype(values)
        V = self._ext(values, dt, op)[bl.table]
        if improving is None:
            self.sweep_inplace(bl, V, op)
        elif op == "min":
            V = self._ui_min_closed(j, V, np.asarray(improving), None)
        else:
            V = self._pairwise_masked(bl, V, bl.table, np.asarray(improving), op, closed=True)
        return V.reshape(-1)[bl.pos].astype(np.int32)

    @staticmethod
    def sweep_inplace(bl: _Blocks, F: np.ndarray, op: str, skip: int = -1) -> None:
        """Sum-over-subsets in place on a (K × b) table: F(a) becomes op over {a} ∪ R(a).

        Each pass combines the two halves of one local bit on views, no copies. With ``skip``
        = p, bit p is left alone (F(a) becomes op over the b that agree with a on bit p and
        may follow a on the others).
        """
        fn = _fn(op)
        for p, mode in enumerate(bl.modes):
            if p == skip:
                continue
            lo, hi = _halves(F, p)
            if mode == "both":
                fn(lo, hi, out=lo)
                np.copyto(hi, lo)
            elif mode == "forward":      # from 0 may go to 1; from 1 must stay
                fn(lo, hi, out=lo)
            else:                        # backward: from 1 may go to 0
                fn(hi, lo, out=hi)

    def _exact_sweep(self, bl: _Blocks, V: np.ndarray, op: str) -> np.ndarray:
        """op over R(a) = {b ≠ a permitted}: the union over bits p that a may flip of the states
        with bit p flipped and the other bits permitted; one sweep without bit p per p."""
        fn = _fn(op)
        out = np.full(V.shape, _fill_of(V.dtype, op), dtype=V.dtype)
        for p, mode in enumerate(bl.modes):
            H = V.copy()
            self.sweep_inplace(bl, H, op, skip=p)
            h0, h1 = _halves(H, p)
            o0, o1 = _halves(out, p)
            if mode in ("both", "forward"):    # a_p = 0 may become 1
                fn(o0, h1, out=o0)
            if mode in ("both", "backward"):   # a_p = 1 may become 0
                fn(o1, h0, out=o1)
        return out

    @staticmethod
    def _chunk(K: int) -> int:
        """Blocks per chunk of a K × K × blocks work buffer: about CHUNK_ELEMENTS elements, but
        at least 256 blocks (long contiguous rows) while that stays under 16 M elements."""
        return max(1, CHUNK_ELEMENTS // (K * K), min(256, (1 << 24) // (K * K)))

    def _pairwise_masked(self, bl: _Blocks, V: np.ndarray, table: np.ndarray, improving: np.ndarray,
                         op: str, closed: bool) -> np.ndarray:
        """op over b with allowed(a, b), b feasible and L[b] > L[a] (plain, any op), chunked."""
        K, B = V.shape
        fill = _fill_of(V.dtype, op)
        L = self._ext_levels(improving)[table]
        out = np.empty((K, B), dtype=V.dtype)
        reducer = np.min if op == "min" else np.max
        step = self._chunk(K)
        for lo in range(0, B, step):
            hi = min(lo + step, B)
            Lc = L[:, lo:hi]
            ui = bl.allowed.T[:, :, None] & (Lc[:, None, :] > Lc[None, :, :])   # [b, a, blk]
            out[:, lo:hi] = reducer(np.where(ui, V[:, None, lo:hi], fill), axis=0)
        if closed:
            _fn(op)(out, V, out=out)
        return out

    # -- improvement-restricted minimum (SEQ's reach) ------------------------------------
    def _level_table(self, j: int, levels: np.ndarray) -> np.ndarray:
        """DM j's (K × B) table of ``levels`` in their compact type, fill slots below every level;
        kept for the last levels array seen (the same levels serve every coalition)."""
        bl = self._blocks[j]
        if bl.ui_levels is not None and bl.ui_levels.shape == levels.shape and np.array_equal(bl.ui_levels, levels) \
                and bl.ui_table is not None:
            return bl.ui_table
        bl.ui_table = self._ext_levels(levels)[bl.table]
        bl.ui_levels = np.array(levels, copy=True)
        return bl.ui_table

    @staticmethod
    def _penalty_chunk(bl: _Blocks, L: np.ndarray, out: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Fill ``out[b, a, blk]`` with dtype.min where b is a UI from a (levels ``L[:, blk]``,
        C-contiguous), dtype.max elsewhere; ``mask`` is a bool work buffer of out's shape."""
        np.greater(L[:, None, :], L[None, :, :], out=mask)
        if bl.has_irreversible:      # otherwise every b ≠ a is allowed, and b = a never improves
            mask &= bl.allowed_t
        # max + 1 wraps to min in two's complement: add the 0/1 mask to max as unsigned
        unsigned = np.dtype(f"u{out.dtype.itemsize}")
        np.add(mask.view(np.uint8), unsigned.type(np.iinfo(out.dtype).max), out=out.view(unsigned))
        return out

    def _ui_min_closed(self, j: int, V: np.ndarray, levels: np.ndarray,
                       blocks: np.ndarray | None) -> np.ndarray:
        """min over {a} ∪ R_j^+(a) of V (K × b) for the blocks ``blocks`` (None: all).

        The pairwise comparison runs in chunks of blocks small enough to stay in cache: the
        improvement mask of a chunk is rebuilt from the levels (cheaper than streaming a cached
        K × K × B mask from memory), applied to V, and reduced over b by halving.
        """
        bl = self._blocks[j]
        K, B = V.shape
        L = self._level_table(j, levels)
        if blocks is not None:
            L = np.take(L, blocks, axis=1)
        out = np.empty((K, B), dtype=V.dtype)
        step = min(self._chunk(K), B)
        buf = np.empty((K, K, step), dtype=V.dtype)
        mask = np.empty((K, K, step), dtype=bool)
        for lo in range(0, B, step):
            hi = min(lo + step, B)
            n = hi - lo
            t = buf if n == step else buf[:, :, :n]
            self._penalty_chunk(bl, np.ascontiguousarray(L[:, lo:hi]), t,
                                mask if n == step else mask[:, :, :n])
            np.maximum(t, V[:, None, lo:hi], out=t)
            # now t[b, a, blk] = V[b, blk] where b is a UI from a, the fill elsewhere
            h = K
            while h > 1:                               # halving minimum over b
                h //= 2
                np.minimum(t[:h], t[h:2 * h], out=t[:h])
            np.minimum(t[0], V[:, lo:hi], out=out[:, lo:hi])
        return out

    # -- the last step of every stability test ---------------------------------------
    def best_escape(self, i: int, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(max of u_i over {s} ∪ R_i(s), whether that max is u_i(s) itself) for every s.

        The first array is SMR's escape value, the second is Nash stability.
        """
        bl = self._blocks[i]
        U = self._level_table(i, levels)
        E = U.copy()
        self.sweep_inplace(bl, E, "max")
        nash = (E <= U).reshape(-1)[bl.pos]
        return E.reshape(-1)[bl.pos], nash

    def deterred(self, i: int, levels: np.ndarray, sanctions: np.ndarray) -> np.ndarray:
        """Whether max over {s} ∪ R_i(s) of min(u_i, X) ≤ u_i(s), for every s (X = ``sanctions``).

        True exactly where every UI s1 of DM i from s has X(s1) ≤ u_i(s). X is clipped into
        u_i's compact type first: above u_i it is cut by the min anyway, and every value below
        all levels compares the same.
        """
        bl = self._blocks[i]
        U = self._level_table(i, levels)
        info = np.iinfo(U.dtype)
        Xe = np.empty(self.n_states + 1, dtype=U.dtype)
        np.clip(sanctions, info.min + 1, info.max - 1, out=Xe[:-1], casting="unsafe")
        Xe[-1] = info.min
        W = Xe[bl.table]
        np.minimum(W, U, out=W)
        self.sweep_inplace(bl, W, "max")
        return (W <= U).reshape(-1)[bl.pos]

    # -- coalition fixed point --------------------------------------------------------
    def reach_min(self, members: list[int], values: np.ndarray,
                  improving=None) -> np.ndarray:
        """min of ``values`` over {s} ∪ R_H(s) (R_H^+ with ``improving``) for every s, as int32.

        Moves compose, so this is the least fixed point of G = min(values, min_j closed_j(G)).
        Gauss–Seidel over the members; each member recomputes only the blocks in which some
        state changed since it last looked (a boolean mask per member, no set operations).
        """
        values = np.asarray(values)
        m = self.n_states
        dt = self._value_dtype(values)
        ext = self._ext(values, dt, "min")
        dirty: dict[int, np.ndarray | None] = {j: None for j in members}   # None: every block
        lev = {j: (None if improving is None or improving[j] is None else np.asarray(improving[j]))
               for j in members}
        while True:
            progressed = False
            for j in members:
                d = dirty[j]
                bl = self._blocks[j]
                if d is None:
                    blocks = None
                else:
                    n_dirty = int(np.count_nonzero(d))
                    if n_dirty == 0:
                        continue
                    blocks = None if n_dirty > PARTIAL_SHARE * bl.n_blocks else np.flatnonzero(d)
                progressed = True
                if blocks is None:
                    table, valid = bl.table, bl.valid
                else:
                    table, valid = np.take(bl.table, blocks, axis=1), np.take(bl.valid, blocks, axis=1)
                old = ext[table]
                lev_j = lev[j]
                if lev_j is None:
                    new = old.copy()
                    self.sweep_inplace(bl, new, "min")
                else:
                    new = self._ui_min_closed(j, old, lev_j, blocks)
                better = new < old
                better &= valid
                dirty[j] = np.zeros(bl.n_blocks, dtype=bool)   # j's closure is idempotent
                where = np.flatnonzero(better)
                if where.size:
                    changed = np.take(table, where)
                    ext[changed] = np.take(new, where)
                    for l in members:
                        dirty_l = dirty[l]
                        if l == j or dirty_l is None:
                            continue
                        if lev[l] is None and where.size >= self._blocks[l].n_blocks:
                            dirty[l] = None      # so many changes: l's cheap sweep takes everything
                        else:
                            dirty_l[self._blocks[l].block_of[changed]] = True
            if not progressed:
                return ext[:m].astype(np.int32)

    def block_members(self, j: int, states: np.ndarray) -> np.ndarray:
        """All states sharing a block (for DM j) with any of ``states``: their possible movers-from."""
        bl = self._blocks[j]
        table = bl.index[np.unique(bl.block_of[states])]
        return table[table >= 0].astype(np.int64)


class GraphMoves:
    """Moves of every DM in graph form: ``arcs[i]`` is an (E, 2) array of (from, to) indices."""

    composes = False

    def __init__(self, n_states: int, arcs: list[np.ndarray]):
        self.n_states = n_states
        self.n_dms = len(arcs)
        self._csr = []
        self._rev = []
        for a in arcs:
            a = np.asarray(a, dtype=np.int64).reshape(-1, 2)
            a = np.unique(a, axis=0) if a.size else a
            a = a[a[:, 0] != a[:, 1]] if a.size else a
            self._csr.append(self._to_csr(a[:, 0] if a.size else np.zeros(0, np.int64),
                                          a[:, 1] if a.size else np.zeros(0, np.int64)))
            self._rev.append(self._to_csr(a[:, 1] if a.size else np.zeros(0, np.int64),
                                          a[:, 0] if a.size else np.zeros(0, np.int64)))

    def _to_csr(self, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.lexsort((dst, src))
        src, dst = src[order], dst[order]
        indptr = np.zeros(self.n_states + 1, dtype=np.int64)
        np.add.at(indptr, src + 1, 1)
        return np.cumsum(indptr), dst, src

    def targets(self, j: int, s: int) -> np.ndarray:
        indptr, dst, _ = self._csr[j]
        return dst[indptr[s]:indptr[s + 1]]

    def expand(self, j: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every move of DM j from each of ``states`` at once, as (row, target) index arrays.

        ``row`` indexes ``states`` and comes in order; within a row the targets ascend.
        """
        indptr, dst, _ = self._csr[j]
        states = np.asarray(states, dtype=np.int64)
        lo = indptr[states]
        counts = indptr[states + 1] - lo
        rows = np.repeat(np.arange(states.size, dtype=np.int64), counts)
        offset = np.cumsum(counts) - counts
        return rows, dst[lo[rows] + np.arange(rows.size, dtype=np.int64) - offset[rows]]

    def reduce(self, j: int, values: np.ndarray, op: str = "min", improving: np.ndarray | None = None,
               states: np.ndarray | None = None) -> "np.ndarray | tuple[np.ndarray, np.ndarray]":
        indptr, dst, src = self._csr[j]
        fill = neutral(op)
        out = np.full(self.n_states, fill, dtype=np.int32)
        if dst.size:
            vals = values.astype(np.int32, copy=False)[dst]
            if improving is not None:
                vals = np.where(improving[dst] > improving[src], vals, np.int32(fill))
            ufunc = np.minimum if op == "min" else np.maximum
            ufunc.at(out, src, vals)
        if states is None:
            return out
        rows = self.block_members(j, states)
        return rows, out[rows]

    def reduce_closed(self, j: int, values: np.ndarray, op: str = "min",
                      improving: np.ndarray | None = None) -> np.ndarray:
        """op over {s} ∪ R_j(s) (or {s} ∪ R_j^+(s)) for every s."""
        out = self.reduce(j, values, op, improving)
        return _fn(op)(out, np.asarray(values, dtype=np.int32))

    def block_members(self, j: int, states: np.ndarray) -> np.ndarray:
        """States with a move (of DM j) into any of ``states``."""
        indptr, dst, src = self._rev[j]
        s = np.unique(states)
        pieces = [dst[indptr[x]:indptr[x + 1]] for x in s.tolist()]
        return np.unique(np.concatenate(pieces)) if pieces else np.zeros(0, np.int64)
