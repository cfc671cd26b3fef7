"""Unilateral moves R_i(s) and the reductions the stability kernels need.

Two representations with the same interface:

- :class:`OptionMoves` (option form). DM i's moves never change options it does not control,
  so the states sharing those options form a *block*; inside a block, q ∈ R_i(s) iff q ≠ s is
  feasible and every option of i changes only in a permitted direction. The relation is a
  product of per-option relations, so "min/max over R_i(s)" for every s at once is a
  sum-over-subsets sweep: k passes over a (blocks × 2^k) table. Moves restricted to unilateral
  improvements (R_i^+) need the full (blocks × 2^k × 2^k) comparison, done in chunks.
- :class:`GraphMoves` (graph form): each DM's arcs in CSR; reductions are segment reductions.

Values are int32 preference levels (higher = better). ``reduce`` returns, for every state, the
min or max of ``values`` over R_j(s) (or over R_j^+(s) when ``improving`` levels are given),
and ``fill`` where that set is empty.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

INT_FILL_MIN = np.iinfo(np.int32).max   # neutral element for min
INT_FILL_MAX = np.iinfo(np.int32).min   # neutral element for max
CHUNK_ELEMENTS = 1 << 22


def neutral(op: str) -> int:
    return INT_FILL_MIN if op == "min" else INT_FILL_MAX


@dataclass
class _Blocks:
    """One DM's block table: ``index[b, a]`` is the state in block b with local code a (−1: none)."""

    bits: np.ndarray          # global bit positions of the DM's options, local bit p -> bits[p]
    modes: list[str]          # per local bit: "both" | "forward" | "backward"
    block_of: np.ndarray      # per state: its block
    local_of: np.ndarray      # per state: its local code
    index: np.ndarray         # (B, K) int32
    allowed: np.ndarray       # (K, K) bool: a -> b permitted by directions, a != b
    ui_mask: np.ndarray | None = None   # cached (B, K, K) improvement mask, if small enough
    ui_levels_key: bytes = b""

    @property
    def k(self) -> int:
        return int(self.bits.size)

    @property
    def K(self) -> int:
        return 1 << self.k


class OptionMoves:
    """Moves of every DM in an option-form conflict (see the module docstring).

    ``codes``: sorted decimal codes of the feasible states; ``dm_bits[i]``: the (0-based)
    options DM i controls; ``modes[o]``: "both", "forward" (only N→Y) or "backward" (only Y→N).
    """

    composes = True

    def __init__(self, codes: np.ndarray, dm_bits: list[list[int]], modes: list[str],
                 ui_cache_bytes: int = 1 << 28):
        self.codes = np.asarray(codes, dtype=np.int64)
        self.n_states = int(self.codes.size)
        self.n_dms = len(dm_bits)
        self.ui_cache_bytes = ui_cache_bytes
        self._blocks = [self._build(np.asarray(b, dtype=np.int64), [modes[o] for o in b]) for b in dm_bits]

    def _build(self, bits: np.ndarray, modes: list[str]) -> _Blocks:
        k = bits.size
        K = 1 << k
        local = np.zeros(self.n_states, dtype=np.int64)
        mask = 0
        for p, bit in enumerate(bits.tolist()):
            local |= ((self.codes >> bit) & 1) << p
            mask |= 1 << bit
        keys = self.codes & ~np.int64(mask)
        uniq, block_of = np.unique(keys, return_inverse=True)
        index = np.full((uniq.size, K), -1, dtype=np.int32)
        index[block_of, local] = np.arange(self.n_states, dtype=np.int32)
        a = np.arange(K)[:, None]
        b = np.arange(K)[None, :]
        allowed = a != b
        for p, mode in enumerate(modes):
            ab, bb = (a >> p) & 1, (b >> p) & 1
            if mode == "forward":
                allowed &= bb >= ab
            elif mode == "backward":
                allowed &= bb <= ab
        return _Blocks(bits, modes, block_of.astype(np.int64), local, index, allowed)

    # -- explicit moves (for witnesses, paths, references) ----------------------------
    def targets(self, j: int, s: int) -> np.ndarray:
        """R_j(s) as an array of state indices."""
        bl = self._blocks[j]
        row = bl.index[bl.block_of[s]]
        cand = row[bl.allowed[bl.local_of[s]]]
        return cand[cand >= 0].astype(np.int64)

    def controlled_bits(self, j: int) -> list[int]:
        return self._blocks[j].bits.tolist()

    # -- reductions ----------------------------------------------------------------------
    def reduce(self, j: int, values: np.ndarray, op: str = "min", improving: np.ndarray | None = None,
               states: np.ndarray | None = None) -> np.ndarray:
        """min/max of ``values`` over R_j(s) (or R_j^+(s) by ``improving`` levels) for every s.

        With ``states`` given, only the blocks of those states are recomputed and the result is
        returned for all states of those blocks as ``(state_indices, result)``.
        """
        bl = self._blocks[j]
        fill = neutral(op)
        blocks = None if states is None else np.unique(bl.block_of[states])
        table = bl.index if blocks is None else bl.index[blocks]
        ext = np.append(values.astype(np.int32, copy=False), np.int32(fill))
        V = ext[table]  # (B', K); index −1 picks the fill
        if improving is None:
            R = self._sweep(bl, V, op, fill)
        else:
            lev = np.append(improving.astype(np.int32, copy=False), np.int32(INT_FILL_MAX))
            R = self._pairwise(bl, V, lev[table], op, fill, blocks, improving)
        if blocks is None:
            return R[bl.block_of, bl.local_of]
        valid = table >= 0
        return table[valid].astype(np.int64), R[valid]

    @staticmethod
    def _sweep(bl: _Blocks, V: np.ndarray, op: str, fill: int) -> np.ndarray:
        """Sum-over-subsets: F(a) = op over {b : a ⇝ b or b = a}, then exclude a itself."""
        k, B = bl.k, V.shape[0]
        fn = np.minimum if op == "min" else np.maximum
        F = V.reshape((B,) + (2,) * k).copy()
        # local bit p is axis k - p (axis 0 is the block; C order puts bit 0 last)
        for p, mode in enumerate(bl.modes):
            ax = k - p
            lo = np.take(F, 0, axis=ax)
            hi = np.take(F, 1, axis=ax)
            both = fn(lo, hi)
            if mode == "both":
                new_lo, new_hi = both, both
            elif mode == "forward":      # from 0 may go to 1; from 1 must stay
                new_lo, new_hi = both, hi
            else:                        # backward: from 1 may go to 0
                new_lo, new_hi = lo, both
            F = np.stack([new_lo, new_hi], axis=ax)
        out = np.full(F.shape, fill, dtype=np.int32)
        for p, mode in enumerate(bl.modes):
            ax = k - p
            flipped = np.flip(F, axis=ax)
            if mode == "both":
                out = fn(out, flipped)
            else:
                sel = [slice(None)] * F.ndim
                sel[ax] = 0 if mode == "forward" else 1   # where flipping is permitted
                sel_t = tuple(sel)
                out[sel_t] = fn(out[sel_t], flipped[sel_t])
        return out.reshape(B, -1)

    def _pairwise(self, bl: _Blocks, V: np.ndarray, L: np.ndarray, op: str, fill: int,
                  blocks: np.ndarray | None, improving: np.ndarray) -> np.ndarray:
        """op over b with allowed(a, b), b feasible and L[b] > L[a], chunked over blocks."""
        B, K = V.shape
        out = np.empty((B, K), dtype=np.int32)
        mask_cache = self._ui_cache(bl, improving) if blocks is None else None
        step = max(1, CHUNK_ELEMENTS // (K * K))
        reducer = np.min if op == "min" else np.max
        for lo in range(0, B, step):
            hi = min(lo + step, B)
            if mask_cache is not None:
                mask = mask_cache[lo:hi]
            else:
                Lc = L[lo:hi]
                mask = bl.allowed[None, :, :] & (Lc[:, None, :] > Lc[:, :, None])
            vals = np.where(mask, V[lo:hi, None, :], np.int32(fill))
            out[lo:hi] = reducer(vals, axis=2)
        return out

    def _ui_cache(self, bl: _Blocks, improving: np.ndarray) -> np.ndarray | None:
        """Improvement mask for all blocks, cached while the same levels array is used."""
        B, K = bl.index.shape
        if B * K * K > self.ui_cache_bytes:
            return None
        key = hashlib.blake2b(np.ascontiguousarray(improving, dtype=np.int32).tobytes(), digest_size=16).digest()
        if bl.ui_mask is not None and bl.ui_levels_key == key:
            return bl.ui_mask
        lev = np.append(improving.astype(np.int32, copy=False), np.int32(INT_FILL_MAX))
        L = lev[bl.index]
        mask = np.empty((B, K, K), dtype=bool)
        step = max(1, CHUNK_ELEMENTS // (K * K))
        for lo in range(0, B, step):
            hi = min(lo + step, B)
            Lc = L[lo:hi]
            mask[lo:hi] = bl.allowed[None, :, :] & (Lc[:, None, :] > Lc[:, :, None])
        bl.ui_mask, bl.ui_levels_key = mask, key
        return mask

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

    def reduce(self, j: int, values: np.ndarray, op: str = "min", improving: np.ndarray | None = None,
               states: np.ndarray | None = None) -> np.ndarray:
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

    def block_members(self, j: int, states: np.ndarray) -> np.ndarray:
        """States with a move (of DM j) into any of ``states``."""
        indptr, dst, src = self._rev[j]
        s = np.unique(states)
        pieces = [dst[indptr[x]:indptr[x + 1]] for x in s.tolist()]
        return np.unique(np.concatenate(pieces)) if pieces else np.zeros(0, np.int64)
