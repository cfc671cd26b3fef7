"""A dense reference for the coalition engine's tests: joint reach as (states x states) tables.

A group's joint moves are the *legal sequences* of its members' unilateral moves: one or more
moves, no member moving twice in succession (Inohara & Hipel 2008; Xu, Hipel, Kilgour & Fang,
*Conflict Resolution Using the Graph Model*, Springer 2018). The package itself keeps no such
table (see :mod:`detente.engine.coalition`); these are checked against the definition in
``tests/analysis/test_coalitions.py`` and then serve as the reference on models too large for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.engine.stability import Game


def adjacency(game: Game, j: int, improving: bool = False) -> np.ndarray:
    """DM j's moves as an (m × m) boolean matrix A[s, q] (q ∈ R_j(s), or R_j^+(s) if improving)."""
    m = game.n_states
    A = np.zeros((m, m), dtype=bool)
    for s in range(m):
        A[s, game.moves.targets(j, s)] = True
    if improving:
        lev = game.levels[j]
        A &= lev[None, :] > lev[:, None]
    return A


def legal_reach_arcs(m: int, movers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Reach[s, q]: q is reachable from s by a legal sequence of one or more moves, each a move of
    one of the movers (``movers[k]`` its (from, to) arcs), no mover moving twice in succession.

    The search runs over (state, last mover) pairs: strongly connected components of that graph
    are condensed, and reachable sets (bit rows) are OR-ed in reverse topological order, so the
    cost is about (pairs + arcs) × m / 8 bytes, for all start states at once.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    k = len(movers)
    out = np.zeros((m, m), dtype=bool)
    if k == 0 or m == 0 or k == 1:
        if k == 1:
            a, b = movers[0]
            out[a, b] = True
        return out
    # pair node (q, j) = j * m + q: "at q, j moved last"; edges (s, l) -> (q, j) for each arc s->q of j, l != j
    e_src, e_dst = [], []
    for j, (a, b) in enumerate(movers):
        for l in range(k):
            if l != j and a.size:
                e_src.append(l * m + a)
                e_dst.append(j * m + b)
    n_nodes = k * m
    if e_src:
        es, ed = np.concatenate(e_src), np.concatenate(e_dst)
    else:
        es = ed = np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(es.size, dtype=np.int8), (es, ed)), shape=(n_nodes, n_nodes)).tocsr()
    n_comp, label = connected_components(graph, directed=True, connection="strong")
    width = (m + 7) // 8
    own = np.zeros((n_comp, m), dtype=bool)
    own[label, np.tile(np.arange(m), k)] = True
    bits = np.packbits(own, axis=1)                                   # (n_comp, width)
    cs, cd = label[es], label[ed]
    cross = cs != cd
    cs, cd = cs[cross], cd[cross]
    succ: list[list[int]] = [[] for _ in range(n_comp)]
    indeg = np.zeros(n_comp, dtype=np.int64)
    pairs = np.unique(np.stack([cs, cd], axis=1), axis=0) if cs.size else np.zeros((0, 2), np.int64)
    for u, v in pairs.tolist():
        succ[u].append(v)
        indeg[v] += 1
    order = []                                                        # Kahn: a topological order
    stack = np.flatnonzero(indeg == 0).tolist()
    indeg = indeg.copy()
    while stack:
        u = stack.pop()
        order.append(u)
        for v in succ[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                stack.append(v)
    for u in reversed(order):                                         # reach incl. own states
        if succ[u]:
            bits[u] |= np.bitwise_or.reduce(bits[succ[u]], axis=0)
    # R(s) = union over first moves s -> q by j of reach_incl(label(q, j))
    rows = np.zeros((m, width), dtype=np.uint8)
    for j, (a, b) in enumerate(movers):
        if not a.size:
            continue
        order_a = np.argsort(a, kind="stable")
        a_s, comps = a[order_a], label[j * m + b[order_a]]
        starts = np.flatnonzero(np.r_[True, a_s[1:] != a_s[:-1]])
        rows[a_s[starts]] |= np.bitwise_or.reduceat(bits[comps], starts, axis=0)
    return np.unpackbits(rows, axis=1, count=m).astype(bool)


def legal_reach(adjs: Sequence[np.ndarray], m: int | None = None) -> np.ndarray:
    """:func:`legal_reach_arcs` for movers given as (m × m) boolean move matrices; with no mover
    (give ``m``, the number of states) nothing is reachable. With one mover this is its single
    moves (R_{j} for H = {j})."""
    if not adjs:
        size = 0 if m is None else m
        return np.zeros((size, size), dtype=bool)
    size = adjs[0].shape[0]
    return legal_reach_arcs(size, [(nz[0], nz[1]) for nz in map(np.nonzero, adjs)])
