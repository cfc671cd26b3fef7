"""Coalitional improvements R_H^{++}(s) for many start states at once, with no states × states table.

A coalition H's joint moves from s are the states R_H(s) it reaches by a legal sequence of its
members' unilateral moves (no member twice in succession); its *coalitional improvements* are
R_H^{++}(s) = {q ∈ R_H(s) : q ≻_j s for every j ∈ H} (Inohara & Hipel, "Coalition analysis in
the graph model for conflict resolution", Systems Engineering 11(4), 2008).

The coalition's reach comes condensed as a DAG (:func:`detente.engine.coalition.reach_dag`:
the strongly connected components of its moves, few per block of its non-members' options), so
q ∈ R_H(s) (q ≠ s) iff one of q's nodes lies below s's start node. What remains is a dominance
question: among start states in priority order, the first s with u_j(s) < u_j(q) for every
member j whose start node reaches q. :meth:`CoalitionImprovements.first` answers it for many q
at once, in one of two exact ways, whichever its cost estimate finds cheaper:

- **rank grid**: per DAG node, the first start state at each cell of the grid of the members'
  preference ranks (only the ranks the start states use), turned into a prefix minimum along
  every member's ranks and carried down the DAG; a target reads the cell just below its ranks.
  Cost: nodes × cells;
- **64-bit masks**: start states 64 at a time in priority order, one bit each; reach masks
  carried down the DAG, and per member the OR of the bits of the start states ranked below
  each rank; the lowest bit common to all is the first start. Cost: (starts / 64) × targets.

:meth:`CoalitionImprovements.exists` asks whether R_H^{++}(s) is empty (every start state at
once), the same way with the DAG walked upwards.

>>> import numpy as np
>>> from detente.engine.coalition import reach_dag
>>> from detente.engine.moves import GraphMoves
>>> moves = GraphMoves(3, [np.array([[0, 1]]), np.array([[1, 2]])])   # a: 0 -> 1, b: 1 -> 2
>>> levels = np.array([[0, 1, 2], [0, 0, 1]])                        # 2 is better for both
>>> ci = CoalitionImprovements(reach_dag(moves, [0, 1]), [0, 1], levels)
>>> ci.first(np.array([0, 1]), np.array([1, 2])).tolist()            # 2 from start 0
[-1, 0]
>>> ci.exists().tolist()                                              # from 0 and from 1
[True, True, False]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model.levels import dense_rank
from .coalition import ReachDAG

GRID_CELLS = 1 << 24
"""The grid method is used only while its table (nodes × cells, int32) stays under this size."""

_NONE = np.iinfo(np.int32).max


def _layers(n: int, tail: np.ndarray, head: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """A DAG's arcs grouped by the depth of their tail (Kahn's algorithm, one vector step per
    depth), shallowest first: carrying values along them in this order visits every node after
    all its predecessors."""
    depth = np.full(n, -1, dtype=np.int64)
    indeg = np.bincount(head, minlength=n)
    order = np.argsort(tail, kind="stable")
    tail, head = tail[order], head[order]
    first = np.searchsorted(tail, np.arange(n + 1))
    current = np.flatnonzero(indeg == 0)
    level = 0
    while current.size:
        depth[current] = level
        counts = first[current + 1] - first[current]
        idx = np.repeat(first[current] - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        hit = head[idx]
        np.subtract.at(indeg, hit, 1)
        nxt = np.unique(hit)
        current = nxt[indeg[nxt] == 0]
        level += 1
    by = depth[tail]
    out = []
    for d in range(level):
        sel = by == d
        if sel.any():
            out.append((tail[sel], head[sel]))
    return out


def level_ranks(levels: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Per DM, each state's rank among the DM's distinct levels (0 = worst) and how many there are.

    >>> [(r.tolist(), n) for r, n in level_ranks(np.array([[5, 2, 5, 9]]))]
    [([1, 0, 1, 2], 3)]
    """
    out = []
    for row in np.asarray(levels):
        uniq, rank = dense_rank(row)
        out.append((rank, int(uniq.size)))
    return out


class CoalitionImprovements:
    """Coalitional improvements R_H^{++}(s) of one coalition under one preference profile.

    Parameters
    ----------
    dag : ReachDAG
        The coalition's reach (:func:`detente.engine.coalition.reach_dag`).
    members : sequence of int
        The coalition's DMs.
    levels : ndarray
        Preference levels of every DM, shape (n_dms, states); higher is better.
    ranks : list, optional
        :func:`level_ranks` of ``levels``, when already computed.

    Examples
    --------
    >>> from detente.engine.coalition import reach_dag
    >>> from detente.engine.moves import OptionMoves
    >>> moves = OptionMoves(np.arange(4), [[0], [1]], ["both", "both"])
    >>> lv = np.array([[0, 1, 1, 2], [0, 1, 1, 2]])
    >>> ci = CoalitionImprovements(reach_dag(moves, [0, 1]), [0, 1], lv)
    >>> ci.first(np.array([3, 1, 0]), np.arange(4)).tolist()   # 3 improves on 1 and 0; 1, 2 on 0
    [-1, 2, 2, 1]
    >>> ci.exists().tolist()
    [True, True, True, False]
    """

    def __init__(self, dag: ReachDAG, members: Sequence[int], levels: np.ndarray,
                 ranks: list[tuple[np.ndarray, int]] | None = None):
        self.dag = dag
        self.members = tuple(int(j) for j in members)
        self._layers = _layers(dag.n_nodes, dag.src, dag.dst)
        self._m = int(dag.start.size)
        ranks = level_ranks(np.asarray(levels)) if ranks is None else ranks
        self._ranks = [ranks[j] for j in self.members]
        sizes = [n for _, n in self._ranks]
        # every state's cell on the grid of all members' ranks, when that grid is small: a
        # query then places a target with two look-ups instead of one per member
        self._cell: np.ndarray | None = None
        if float(np.prod(sizes, dtype=np.float64)) <= 4 * self._m + 4096:
            cell = np.zeros(self._m, dtype=np.int64)
            for r, n in self._ranks:
                cell = cell * n + r
            self._cell = cell

    def first(self, starts: np.ndarray, targets: np.ndarray, *, method: str | None = None) -> np.ndarray:
        """For each target q, the first of ``starts`` (in the order given) with q ∈ R_H^{++}(s).

        Parameters
        ----------
        starts : ndarray
            Start states, in priority order.
        targets : ndarray
            The states asked about.
        method : {"grid", "masks"}, optional
            Force one method (both exact; the grid only where it fits in :data:`GRID_CELLS`);
            by default the cheaper by its cost estimate.

        Returns
        -------
        ndarray
            Per target, the index into ``starts`` of the first start it improves on for every
            member, or -1.
        """
        starts = np.asarray(starts, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        src = [(r[starts], n) for r, n in self._ranks]
        dag, m = self.dag, self._m
        if dag.item_state is None:                       # option form: a state is its own item
            return _dominated(self._layers, dag.n_nodes, src, dag.start[starts], targets,
                              dag.item_node[targets], self._target_ranks, self._cell, False, False, method)
        # graph form: q is reached at its items (q, last member t), after the m start items
        k = dag.item_node.size // m - 1
        items = (m + np.arange(k, dtype=np.int64)[:, None] * m + targets[None, :]).reshape(-1)
        found = _dominated(self._layers, dag.n_nodes, src, dag.start[starts], np.tile(targets, k),
                           dag.item_node[items], self._target_ranks, self._cell, False, False, method)
        best = np.full(targets.size, _NONE, dtype=np.int64)
        hit = found >= 0
        np.minimum.at(best, np.tile(np.arange(targets.size), k)[hit], found[hit])
        best[best == _NONE] = -1
        return best

    def _target_ranks(self, targets: np.ndarray) -> list[np.ndarray]:
        return [r[targets] for r, _ in self._ranks]

    def exists(self, states: np.ndarray | None = None, *, method: str | None = None) -> np.ndarray:
        """Whether R_H^{++}(s) is non-empty, for each of ``states`` (default: every state).

        Parameters
        ----------
        states : ndarray, optional
            The start states asked about.
        method : {"grid", "masks"}, optional
            Force one method (both exact).

        Returns
        -------
        ndarray of bool
        """
        dag = self.dag
        states = np.arange(self._m, dtype=np.int64) if states is None else np.asarray(states, dtype=np.int64)
        # q ∈ R_H(s) better for all  <=>  with ranks reversed, q below s, and s's start reaching
        # one of q's items
        item_state = np.arange(self._m, dtype=np.int64) if dag.item_state is None else dag.item_state
        src = [(n - 1 - r[item_state], n) for r, n in self._ranks]

        def reversed_ranks(t: np.ndarray) -> list[np.ndarray]:
            return [n - 1 - r[t] for r, n in self._ranks]

        found = _dominated(self._layers, dag.n_nodes, src, dag.item_node, states, dag.start[states],
                           reversed_ranks, None, True, True, method)
        return found >= 0


def _dominated(layers: list[tuple[np.ndarray, np.ndarray]], n_all: int, src: list[tuple[np.ndarray, int]],
               src_node: np.ndarray, targets: np.ndarray, tgt_node: np.ndarray, ranks_of,
               cell_of: np.ndarray | None, reverse: bool, exists: bool, method: str | None) -> np.ndarray:
    """Per target t, the first source s (by index) whose rank is below t's in every dimension
    and whose node reaches t's node (t's node reaches s's node if ``reverse``), or -1. With
    ``exists`` only whether there is one matters (any index ≥ 0 may come back).

    ``src``: per dimension, the sources' ranks and the number of ranks. Targets are states at
    nodes ``tgt_node``: ``ranks_of(t)`` gives their ranks per dimension, ``cell_of[t]`` (if
    given) their mixed-radix cell over all dimensions' ranks."""
    out = np.full(targets.size, -1, dtype=np.int64)
    n_src = src_node.size
    if n_src == 0 or targets.size == 0:
        return out
    # the nodes the sources reach (or that reach them): the only ones a target can be found at
    active = np.zeros(n_all, dtype=bool)
    active[src_node] = True
    arcs = _arcs_from(layers, active, reverse)
    keep = np.flatnonzero(active[tgt_node])
    if not keep.size:
        return out
    if keep.size < targets.size:
        targets, tgt_node = targets[keep], tgt_node[keep]
    n_tgt = targets.size
    n_nodes = int(np.count_nonzero(active))
    row = np.cumsum(active) - 1                          # node -> row of the active nodes' tables
    arcs = [(row[a], row[b]) for a, b in arcs]
    n_arcs = sum(a.size for a, _ in arcs)
    if exists and n_src > 64:
        # existence: the grid spans all dimensions but the widest, which becomes the value
        # compared at the end (the least rank there among the sources below in the others)
        widest = max(range(len(src)), key=lambda d: src[d][1])
        grid_dims = [d for d in range(len(src)) if d != widest]
    else:
        widest = -1
        grid_dims = list(range(len(src)))
    lt = []                                              # per dimension: # source ranks present below r
    for d in grid_dims:
        r, n = src[d]
        present = np.zeros(n, dtype=bool)
        present[r] = True
        lt.append(np.concatenate(([0], np.cumsum(present))))
    shape = tuple(int(t[-1]) + 1 for t in lt)
    cells = float(np.prod(shape, dtype=np.float64))
    grid_cost = n_nodes * cells * (len(shape) + 1) + n_arcs * cells + n_tgt * len(shape) + n_src
    mask_cost = (n_src / 64 + 1) * (n_tgt * (len(src) + 3) + n_nodes + 4 * n_arcs)
    if method not in (None, "grid", "masks"):
        raise ValueError(method)
    if n_nodes * cells > GRID_CELLS or (method is None and mask_cost < grid_cost):
        method = "masks"                                 # (a grid too large is never built)
    if method == "masks":
        found = _masks(n_nodes, arcs, src, row[src_node], ranks_of(targets), row[tgt_node])
    else:
        stride = np.cumprod((1,) + shape[:0:-1])[::-1]
        src_cell = np.zeros(n_src, dtype=np.int64)
        for t, d, st in zip(lt, grid_dims, stride):
            src_cell += (t[src[d][0]] + 1) * st
        tgt_ranks = None
        if cell_of is not None and widest < 0:
            # the compressed cell of every cell of the full rank grid, then one look-up per target
            table = np.zeros(1, dtype=np.int64)
            for t, d, st in zip(lt, grid_dims, stride):
                table = (table[:, None] + t[:src[d][1]][None, :] * st).reshape(-1)
            tgt_cell = table[cell_of[targets]]
        else:
            tgt_ranks = ranks_of(targets)
            tgt_cell = np.zeros(n_tgt, dtype=np.int64)
            for t, d, st in zip(lt, grid_dims, stride):
                tgt_cell += t[tgt_ranks[d]] * st
        values = src[widest][0] if widest >= 0 else np.arange(n_src, dtype=np.int64)
        found = _grid(n_nodes, arcs, shape, values, row[src_node], src_cell, row[tgt_node], tgt_cell)
        if widest >= 0:
            assert tgt_ranks is not None
            found = np.where(found < tgt_ranks[widest], 0, -1)
        else:
            found = np.where(found < n_src, found, -1)
    if keep.size < out.size:
        out[keep] = found
        return out
    return found


def _arcs_from(layers: list[tuple[np.ndarray, np.ndarray]], active: np.ndarray,
               reverse: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Mark every node reachable from ``active`` ones (reaching them if ``reverse``) as active,
    and return the arcs among active nodes as (from, to) pairs in an order to carry values."""
    out = []
    for tail, head in (reversed(layers) if reverse else layers):
        a, b = (head, tail) if reverse else (tail, head)
        sel = active[a]
        if sel.any():
            a, b = a[sel], b[sel]
            active[b] = True
            out.append((a, b))
    return out


def _carry(table: np.ndarray, arcs: list[tuple[np.ndarray, np.ndarray]], ufunc) -> None:
    """table[to] = ufunc(table[to], table[from]) along ``arcs``, in order (a node's value is
    final before it is carried on)."""
    for a, b in arcs:
        if b.size > 1:
            order = np.argsort(b, kind="stable")
            a, b = a[order], b[order]
            starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
            if starts.size < b.size:
                b = b[starts]
                table[b] = ufunc(table[b], ufunc.reduceat(table[a], starts, axis=0))
                continue
        table[b] = ufunc(table[b], table[a])


def _grid(n_nodes, arcs, shape, values, src_row, src_cell, tgt_row, tgt_cell):
    """Per node, the least value at each cell of the rank grid, made a prefix minimum along every
    dimension and carried along the arcs; each target reads its cell (sources strictly below)."""
    cells = int(np.prod(shape))
    dtype = np.int32 if values.size < _NONE else np.int64
    grid = np.full(n_nodes * cells, np.iinfo(dtype).max, dtype=dtype)
    np.minimum.at(grid, src_row * cells + src_cell, values.astype(dtype))
    grid = grid.reshape(n_nodes, cells)
    view = grid.reshape((n_nodes,) + shape)
    for axis in range(1, len(shape) + 1):
        w = np.moveaxis(view, axis, 1)
        for i in range(1, shape[axis - 1]):              # prefix minimum, one slice at a time
            np.minimum(w[:, i - 1], w[:, i], out=w[:, i])
    _carry(grid, arcs, np.minimum)
    return grid.reshape(-1)[tgt_row * cells + tgt_cell].astype(np.int64)


def _masks(n_nodes, arcs, src, src_row, tgt, tgt_row):
    """Sources in chunks of 64 by priority: a bit per source, reach masks carried along the arcs,
    per dimension the OR of the sources ranked below each rank; the lowest common bit wins."""
    n_src = src_row.size
    out = np.full(tgt_row.size, -1, dtype=np.int64)
    rest = np.arange(tgt_row.size, dtype=np.int64)
    for lo in range(0, n_src, 64):
        if not rest.size:
            break
        hi = min(lo + 64, n_src)
        bit = np.uint64(1) << np.arange(hi - lo, dtype=np.uint64)
        reach = np.zeros(n_nodes, dtype=np.uint64)
        np.bitwise_or.at(reach, src_row[lo:hi], bit)
        _carry(reach, arcs, np.bitwise_or)
        hit = reach[tgt_row[rest]]
        for (r, n), t in zip(src, tgt):
            below = np.zeros(n + 1, dtype=np.uint64)
            np.bitwise_or.at(below, r[lo:hi] + 1, bit)
            np.bitwise_or.accumulate(below, out=below)
            hit &= below[t[rest]]
        got = hit != 0
        if got.any():
            h = hit[got]
            low = h & (np.uint64(0) - h)                       # lowest set bit: the first source
            out[rest[got]] = lo + np.frexp(low.astype(np.float64))[1] - 1
            rest = rest[~got]
    return out


__all__ = ["CoalitionImprovements", "level_ranks", "GRID_CELLS"]
