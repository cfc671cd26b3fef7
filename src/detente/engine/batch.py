"""Batched stability: one set of moves, many preference-level vectors, one pass.

A parameter study asks the same conflict the same questions under many parameter values. When
the parameters only enter preferences, the states and moves stay the same and only the levels
change, so the kernels of :mod:`.stability` can run on a whole batch of level vectors at once:
every array gets a leading batch axis, and each reduction over the moves (a block sweep in
option form, a segment reduction in graph form) is one vector operation for the whole batch.

The definitions are those of :mod:`.stability` (Nash, GMR, SMR, SEQ; SIM and SEQ-SIM fall back
to the one-at-a-time kernel per distinct level vector). For DM i with levels u_i:

- Nash: max of u_i over {s} ∪ R_i(s) equals u_i(s);
- GMR/SMR/SEQ: X(s1) = min over {s1} ∪ R_{N−i}(s1) (R^+ for SEQ) of u_i (SMR: of i's best
  escape), and s is stable iff max over {s} ∪ R_i(s) of min(u_i, X) ≤ u_i(s).

Studies usually revisit the same level vectors many times (the answer only changes where two
payoffs cross), so :func:`unique_rows` finds the distinct ones first and only those are run.

>>> import numpy as np
>>> from .moves import OptionMoves
>>> from .stability import Game
>>> game = Game(["a", "b"], np.zeros((2, 4), int), OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
>>> pd = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])               # Prisoner's Dilemma
>>> harmony = np.array([[0, 1, 2, 3], [0, 2, 1, 3]])          # both prefer to cooperate
>>> out = batch_stability(game, np.stack([pd, harmony]), ["nash"])
>>> [np.flatnonzero(out["nash"][k].all(axis=0)).tolist() for k in range(2)]
[[3], [3]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .moves import OptionMoves, compact_dtype
from .reach import _reach_min_last_mover
from .stability import Game, normalize_concepts, stability

BATCH_ELEMENTS = 1 << 22
"""Work-buffer budget (array elements) for one chunk of the batch."""

CONDENSE_MIN_STATES = 1024
"""From this many states on, GMR's and SMR's coalition reach is condensed once per structure
(strongly connected components and the DAG between them) instead of iterated per batch; below
it the iteration is already cheap and the condensation (and importing SciPy) is not worth it."""

CONDENSE_MAX_EDGES = 4_000_000
"""...and only while the members' move graph has at most this many arcs (its arrays take about
40 bytes an arc while it is built)."""

CONDENSE_MIN_ROWS = 256
"""...and only for studies of at least this many level vectors: building the condensation costs
about as much as a few dozen iterated reaches (measured at 55,800 states: 0.4 s per DM)."""

SEQ_BATCH_MAX_STATES = 2048
"""Above this many states, SEQ runs the one-at-a-time kernel per level vector: its coalition
fixed point revisits only the blocks that changed, which beats recomputing whole batches once
the model is large (measured: equal speed near 3,500 states, batch 3x faster at 900)."""


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-D integer array: (index of each distinct row's first occurrence,
    inverse) so that ``rows[first][inverse]`` equals ``rows``.

    Each row is packed into as few 64-bit words as its values allow; one word is an exact key,
    longer rows are hashed to one word and the hash is then checked exactly (on a collision the
    whole rows are compared).

    >>> first, inv = unique_rows(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> first.tolist(), inv.tolist()
    ([0, 1], [0, 1, 0])
    """
    a = np.asarray(rows)
    n = a.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = a.reshape(n, -1)
    if a.shape[1] == 0:
        return np.zeros(1, np.int64), np.zeros(n, np.int64)
    lo, hi = int(a.min()), int(a.max())
    dt = next((np.dtype(t) for t, top in ((np.uint8, 255), (np.uint16, 65535), (np.uint32, 2**32 - 1))
               if lo >= 0 and hi <= top), np.dtype(np.int64))
    raw = np.ascontiguousarray(a, dtype=dt).view(np.uint8).reshape(n, -1)
    width = -(-raw.shape[1] // 8) * 8
    if width != raw.shape[1]:
        padded = np.zeros((n, width), dtype=np.uint8)
        padded[:, :raw.shape[1]] = raw
        raw = padded
    words = raw.view(np.int64)
    if words.shape[1] == 1:
        _, first, inverse = np.unique(words[:, 0], return_index=True, return_inverse=True)
        return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)
    weights = np.random.default_rng(0x5EED).integers(1, np.iinfo(np.int64).max, size=words.shape[1],
                                                     dtype=np.int64) | 1
    keys = np.zeros(n, dtype=np.int64)
    with np.errstate(over="ignore"):
        for k in range(words.shape[1]):
            keys += (words[:, k] ^ (words[:, k] >> 29)) * weights[k]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if np.array_equal(words[first][inverse], words):
        return first.astype(np.int64), inverse.astype(np.int64)
    # a hash collision: compare whole rows
    view = np.ascontiguousarray(words).view(np.dtype((np.void, 8 * words.shape[1])))
    _, first, inverse = np.unique(view.reshape(-1), return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _fill(dt: np.dtype, op: str):
    info = np.iinfo(dt)
    return dt.type(info.max if op == "min" else info.min)


class _OptionBatch:
    """Batched reductions over option-form moves (a leading batch axis on every table)."""

    composes = True

    def __init__(self, moves: OptionMoves, dt: np.dtype):
        self.moves = moves
        self.m = moves.n_states
        self.dt = dt

    def _ext(self, values: np.ndarray, fill) -> np.ndarray:
        n = values.shape[0]
        ext = np.empty((n, self.m + 1), dtype=self.dt)
        ext[:, :-1] = values
        ext[:, -1] = fill
        return ext

    @staticmethod
    def _sweep(bl, T: np.ndarray, op: str) -> None:
        """Batched sum-over-subsets in place on (n, K, B): T(a) becomes op over {a} ∪ R(a)."""
        fn = np.minimum if op == "min" else np.maximum
        n, K, B = T.shape
        for p, mode in enumerate(bl.modes):
            v = T.reshape(n, K >> (p + 1), 2, (1 << p) * B)
            lo, hi = v[:, :, 0, :], v[:, :, 1, :]
            if mode == "both":
                fn(lo, hi, out=lo)
                np.copyto(hi, lo)
            elif mode == "forward":
                fn(lo, hi, out=lo)
            else:
                fn(hi, lo, out=hi)

    def penalties(self, j: int, levels: np.ndarray) -> list[np.ndarray]:
        """For each local code b of DM j, an (n, K, B) table: the lowest value where moving from
        a to b is a unilateral improvement for j (permitted and ``levels`` higher at b), the
        highest elsewhere. ``max(V[b], P[b])`` is then V[b] exactly where b ∈ R_j^+(a)."""
        bl = self.moves._blocks[j]
        lowest, highest = np.iinfo(self.dt).min, np.iinfo(self.dt).max
        L = self._ext(levels, lowest)[:, bl.table]             # missing states never improve
        out = []
        for b in range(bl.K):
            better = L[:, b:b + 1, :] > L
            if bl.has_irreversible:
                better &= bl.allowed[:, b][None, :, None]
            out.append(np.where(better, self.dt.type(lowest), self.dt.type(highest)))
        return out

    def ui_min_closed(self, j: int, values: np.ndarray, pens: list[np.ndarray]) -> np.ndarray:
        """min of ``values`` (n, m) over {s} ∪ R_j^+(s), with :meth:`penalties` of j's levels."""
        bl = self.moves._blocks[j]
        n = values.shape[0]
        T = self._ext(values, _fill(self.dt, "min"))[:, bl.table]
        out = T.copy()
        tmp = np.empty_like(T)
        for b in range(bl.K):
            np.maximum(T[:, b:b + 1, :], pens[b], out=tmp)
            np.minimum(out, tmp, out=out)
        return out.reshape(n, -1)[:, bl.pos]

    def reduce_closed(self, j: int, values: np.ndarray, op: str,
                      improving: np.ndarray | None = None) -> np.ndarray:
        """op of ``values`` (n, m) over {s} ∪ R_j(s) (min over {s} ∪ R_j^+(s) with ``improving``)."""
        bl = self.moves._blocks[j]
        n = values.shape[0]
        T = self._ext(values, _fill(self.dt, op))[:, bl.table]
        if improving is None:
            self._sweep(bl, T, op)
            return T.reshape(n, -1)[:, bl.pos]
        if op != "min":
            raise ValueError("improvement-restricted reductions are minima")
        lowest = np.iinfo(self.dt).min
        L = self._ext(improving, lowest)[:, bl.table]          # missing states never improve
        out = T.copy()
        fill = _fill(self.dt, "min")
        cand = np.empty_like(T)
        better = np.empty(T.shape, dtype=bool)
        for b in range(bl.K):
            # a -> b is an improvement for j: permitted by directions and L[b] > L[a]
            np.greater(L[:, b:b + 1, :], L, out=better)
            if bl.has_irreversible:
                better &= bl.allowed[:, b][None, :, None]
            np.copyto(cand, fill)
            np.copyto(cand, np.broadcast_to(T[:, b:b + 1, :], T.shape), where=better)
            np.minimum(out, cand, out=out)
        return out.reshape(n, -1)[:, bl.pos]


class _GraphBatch:
    """Batched segment reductions over graph-form moves."""

    composes = False

    def __init__(self, moves, dt: np.dtype):
        self.moves = moves
        self.m = moves.n_states
        self.dt = dt
        self._segments = []
        for indptr, dst, src in moves._csr:
            starts = indptr[:-1]
            nonempty = np.flatnonzero(indptr[1:] > starts)
            self._segments.append((starts[nonempty], nonempty, dst, src))

    def reduce(self, j: int, values: np.ndarray, op: str, improving: np.ndarray | None = None) -> np.ndarray:
        """op of ``values`` (n, m) over R_j(s) (or R_j^+(s)); the fill where the set is empty."""
        starts, rows, dst, src = self._segments[j]
        fill = _fill(self.dt, op)
        out = np.full(values.shape, fill, dtype=self.dt)
        if dst.size:
            vals = values[:, dst]
            if improving is not None:
                vals = np.where(improving[:, dst] > improving[:, src], vals, fill)
            ufunc = np.minimum if op == "min" else np.maximum
            out[:, rows] = ufunc.reduceat(vals, starts, axis=1)
        return out

    def reduce_closed(self, j: int, values: np.ndarray, op: str,
                      improving: np.ndarray | None = None) -> np.ndarray:
        fn = np.minimum if op == "min" else np.maximum
        return fn(self.reduce(j, values, op, improving), values)


def _reach_min_option(mv: _OptionBatch, members: list[int], values: np.ndarray,
                      pens: dict[int, list[np.ndarray]] | None) -> np.ndarray:
    """Option form: the fixed point G = min(values, min_j closed_j(G)) by Gauss–Seidel cycles over
    the members, dropping the rows that came through a whole cycle unchanged (they are done) and
    compacting the working arrays when fewer than half the rows are still moving."""
    G = values.copy()
    rows = np.arange(values.shape[0])                 # rows of G still being worked on
    work = G
    wpens = pens
    while rows.size:
        before = work.copy()
        for j in members:
            if wpens is None:
                work = mv.reduce_closed(j, work, "min")
            else:
                work = mv.ui_min_closed(j, work, wpens[j])
        moving = (work != before).any(axis=1)
        G[rows] = work
        if not moving.any():
            break
        if moving.sum() * 2 <= rows.size:
            rows = rows[moving]
            work = work[moving]
            if wpens is not None:
                wpens = {j: [p[moving] for p in ps] for j, ps in wpens.items()}
    return G


class _Condensed:
    """Coalition reachability R_H of option-form moves, once per structure: the strongly connected
    components of the members' move graph and the DAG between them, in levels (a component's
    level is the longest path from it to a component without successors).

    Without the improvement restriction R_H does not depend on preferences, so "min of v over
    {s} ∪ R_H(s)" for a whole batch is: the min of v inside each component, then one pass up the
    DAG level by level (a component takes the min of its own and its successors' results).
    """

    def __init__(self, moves: OptionMoves, members: Sequence[int]):
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        m = moves.n_states
        src_parts, dst_parts = [], []
        for j in members:
            bl = moves._blocks[j]
            for a, b in zip(*np.nonzero(bl.allowed)):
                ok = bl.valid[a] & bl.valid[b]
                src_parts.append(bl.table[a][ok])
                dst_parts.append(bl.table[b][ok])
        src = np.concatenate(src_parts) if src_parts else np.zeros(0, np.intp)
        dst = np.concatenate(dst_parts) if dst_parts else np.zeros(0, np.intp)
        graph = csr_matrix((np.ones(src.size, np.int8), (src, dst)), shape=(m, m))
        n_comp, labels = connected_components(graph, directed=True, connection="strong")
        self.labels = labels.astype(np.intp)
        self.order = np.argsort(labels, kind="stable")
        sorted_labels = labels[self.order]
        self.starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
        cs, cd = labels[src].astype(np.int64), labels[dst].astype(np.int64)
        between = cs != cd
        keys = np.unique(cs[between] * n_comp + cd[between])       # sorted by source, then target
        pairs = np.stack([keys // n_comp, keys % n_comp], axis=1)
        level = np.zeros(n_comp, dtype=np.int64)
        while pairs.size:
            new = level.copy()
            np.maximum.at(new, pairs[:, 0], level[pairs[:, 1]] + 1)
            if np.array_equal(new, level):
                break
            level = new
        self.steps = []
        for lv in range(1, int(level.max(initial=0)) + 1):
            at = pairs[level[pairs[:, 0]] == lv]            # sorted by source (np.unique)
            if at.size == 0:
                continue
            first = np.flatnonzero(np.r_[True, at[1:, 0] != at[:-1, 0]])
            self.steps.append((at[first, 0], first, at[:, 1]))

    def reach_min(self, values: np.ndarray) -> np.ndarray:
        X = np.minimum.reduceat(values[:, self.order], self.starts, axis=1)
        for sources, first, targets in self.steps:
            best = np.minimum.reduceat(X[:, targets], first, axis=1)
            X[:, sources] = np.minimum(X[:, sources], best)
        return X[:, self.labels]


def _arcs(moves: OptionMoves, members: Sequence[int]) -> int:
    """An upper bound on the number of moves the members have (permitted pairs × blocks)."""
    return sum(int(moves._blocks[j].allowed.sum()) * moves._blocks[j].n_blocks for j in members)


def _condensed(moves: OptionMoves, members: Sequence[int]) -> _Condensed:
    cache = moves.__dict__.setdefault("_batch_condensed", {})
    key = tuple(sorted(members))
    if key not in cache:
        cache[key] = _Condensed(moves, key)
    return cache[key]


def _reach_min(mv, members: Sequence[int], values: np.ndarray, improving: np.ndarray | None,
               pens: dict[int, list[np.ndarray]] | None = None, rows: int = 0) -> np.ndarray:
    """Batched min of ``values`` over {s} ∪ R_H(s) (R_H^+ with ``improving``, shape (n, dms, m)).

    ``rows``: how many level vectors the whole study has (decides whether condensing pays)."""
    members = list(members)
    if not members:
        return values.copy()
    if isinstance(mv, _OptionBatch) and improving is None and mv.m >= CONDENSE_MIN_STATES and (
            tuple(sorted(members)) in mv.moves.__dict__.get("_batch_condensed", {})
            or (max(rows, values.shape[0]) >= CONDENSE_MIN_ROWS and _arcs(mv.moves, members) <= CONDENSE_MAX_EDGES)):
        return _condensed(mv.moves, members).reach_min(values)
    if isinstance(mv, _OptionBatch):
        if improving is not None and pens is None:
            pens = {j: mv.penalties(j, improving[:, j]) for j in members}
        return _reach_min_option(mv, members, values, None if improving is None else pens)
    if mv.composes:
        G = values.copy()
        quiet = 0
        while True:
            for j in members:
                lev = None if improving is None else improving[:, j]
                new = mv.reduce_closed(j, G, "min", lev)
                if (new < G).any():
                    G = new
                    quiet = 0
                else:
                    quiet += 1
                if quiet >= len(members):
                    return G
    # graph form: legal sequences (no DM twice in succession) over (state, last mover), the same
    # fixed point as the single-game engine; improving[:, j] (batch, m) is DM j's levels
    return _reach_min_last_mover(mv, members, values, None if improving is None else improving.transpose(1, 0, 2))


def _stable_chunk(game: Game, L: np.ndarray, concepts: list[str], dt: np.dtype,
                  rows: int = 0) -> dict[str, np.ndarray]:
    n, d, m = L.shape
    mv = _OptionBatch(game.moves, dt) if isinstance(game.moves, OptionMoves) else _GraphBatch(game.moves, dt)
    out = {c: np.zeros((n, d, m), dtype=bool) for c in concepts}
    pens: dict[int, list[np.ndarray]] | None = None
    one_at_a_time = [c for c in concepts if c in ("sim", "seqsim")
                     or (c == "seq" and isinstance(mv, _OptionBatch) and m > SEQ_BATCH_MAX_STATES)]
    if "seq" in concepts and "seq" not in one_at_a_time and isinstance(mv, _OptionBatch):
        # each DM's improvement tables serve the SEQ sanctions against every other DM
        pens = {j: mv.penalties(j, L[:, j]) for j in range(d)}
    for i in range(d):
        u = L[:, i]
        others = [j for j in range(d) if j != i]
        escape = mv.reduce_closed(i, u, "max") if {"nash", "smr"} & set(concepts) else None
        for c in concepts:
            if c == "nash":
                out[c][:, i] = escape <= u
                continue
            if c == "gmr":
                X = _reach_min(mv, others, u, None, rows=rows)
            elif c == "smr":
                assert escape is not None
                X = _reach_min(mv, others, escape, None, rows=rows)
            elif c == "seq" and c not in one_at_a_time:
                X = _reach_min(mv, others, u, L, pens)
            else:
                continue
            worst = mv.reduce_closed(i, np.minimum(u, X), "max")
            out[c][:, i] = worst <= u
    if one_at_a_time:
        for k in range(n):
            g = Game(game.dm_names, L[k].astype(np.int32), game.moves, game.space, game.dm_bits)
            for c, v in stability(g, one_at_a_time).items():
                out[c][k] = v
    return out


def batch_chunk_rows(game: Game, budget: int = BATCH_ELEMENTS) -> int:
    """How many level vectors one chunk holds so its work buffers stay near ``budget`` elements."""
    m = max(game.n_states, 1)
    widest = 1
    if isinstance(game.moves, OptionMoves):
        widest = max((bl.K * bl.n_blocks for bl in game.moves._blocks), default=m)
        widest = max(widest, m)
    else:
        widest = max(m, max((seg[2].size for seg in _GraphBatch(game.moves, np.dtype(np.int8))._segments),
                            default=0))
    return max(1, budget // (4 * widest))


def batch_stability(game: Game, levels: np.ndarray, concepts: Iterable[str] = ("nash", "gmr", "smr", "seq"),
                    *, chunk_rows: int | None = None, study_rows: int = 0) -> dict[str, np.ndarray]:
    """Stability of every state for every DM, for a batch of level vectors.

    ``game`` supplies the moves (its own ``levels`` are ignored); ``levels`` has shape
    ``(n, n_dms, n_states)`` (higher = better). Returns ``{concept: (n, n_dms, n_states) bool}``,
    row k equal to ``stability(game with levels[k])``. The batch is processed in chunks of
    ``chunk_rows`` (default: sized to :data:`BATCH_ELEMENTS`). ``study_rows``: how many level
    vectors the caller's whole study has, when this call is one chunk of it (work done once per
    structure pays off over all of them).
    """
    names = normalize_concepts(concepts)
    L = np.asarray(levels)
    if L.ndim != 3 or L.shape[1] != game.n_dms or L.shape[2] != game.n_states:
        raise ValueError(f"levels must have shape (n, {game.n_dms}, {game.n_states}), got {L.shape}")
    n = L.shape[0]
    if n == 0:
        return {c: np.zeros(L.shape, dtype=bool) for c in names}
    dt = compact_dtype(int(L.min()), int(L.max()))
    L = L.astype(dt, copy=False)
    step = chunk_rows or batch_chunk_rows(game)
    rows = max(study_rows, n)
    if step >= n:
        return _stable_chunk(game, L, names, dt, rows)
    out = {c: np.zeros(L.shape, dtype=bool) for c in names}
    for lo in range(0, n, step):
        part = _stable_chunk(game, L[lo:lo + step], names, dt, rows)
        for c in names:
            out[c][lo:lo + step] = part[c]
    return out


__all__ = ["BATCH_ELEMENTS", "batch_chunk_rows", "batch_stability", "unique_rows"]
