"""Coalition reach and coalition stability without (states × states) tables.

A coalition H reaches R_H(s) by legal sequences of its members' unilateral moves (no member
twice in succession). Everything coalition analysis asks about R_H is a question about the
*closure* of a small directed acyclic graph, :class:`ReachDAG`:

- **Option form.** Moves compose, so R_H(s) ∪ {s} is plain reachability in the union of the
  members' move graphs. Within one of member j's blocks (states equal outside j's options),
  all feasible states with the same values of j's *irreversible* options are one move apart in
  both directions; a move that changes an irreversible option can never be undone. So the
  strongly connected components of the union are the connected components of "same block and
  same irreversible options of some member j ∈ H" (one undirected labelling, no arcs listed),
  and the arcs between components are the changes of irreversible options, one per pair of
  permitted patterns and block. The graph is as deep as H has irreversible options.
- **Graph form.** Moves do not compose; the search runs over (state, last mover) pairs plus one
  start node per state, condensed into strongly connected components.

Either way ``dag.start[s]`` is a node whose closure (the node and everything below it) holds
exactly the states {s} ∪ R_H(s). Including s itself never changes a coalition verdict: s is
never strictly better than itself for anyone.

Coalitional improvements and sanctions are multi-criteria questions ("is some reachable q
strictly better than s for *every* member?"). They are answered for all states at once, never
state by state:

- the criteria commute with the sanction reach: every s2 reachable from s1 by the others leaves
  every member better off iff, for every member j, the *minimum* of u_j over that reach is above
  u_j(s). So coalition GMR and SEQ use the engine's one-criterion fixed points
  (:func:`~detente.engine.reach.reach_min`) once per member, and all four concepts end in one
  *dominance query* over the coalition's own closure: is some q ∈ {s} ∪ R_H(s) with
  Y_j(q) > u_j(s) for every member j (Y = u for Nash, the sanction minima for GMR/SEQ);
- a dominance query groups the states by their threshold vector (u_j(s))_j and answers up to
  64 thresholds per machine word: each state's row of "which thresholds does my value vector
  beat" is the AND of one lookup per member, and rows are OR-ed over nodes and then down the
  graph. When the graph is small (few irreversible options) a table "max of the last member's
  value given thresholds on the others" per node is cheaper and is used instead;
- coalition SMR (the coalition may escape a sanction by a further joint move) runs the same
  threshold words through three closures: OR over the coalition's closure ("a joint escape
  beats t"), AND over the others' closure ("every sanction can be escaped"), OR again.

Only states that can be unstable are queried: a state is CGMR/CSEQ-unstable only if it is
CNash-unstable, and CSMR needs work only where CNash says unstable and CGMR says stable.

>>> import numpy as np
>>> from detente.engine.moves import OptionMoves
>>> from detente.engine.stability import Game
>>> pd = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])            # Prisoner's Dilemma, state 0 = both defect
>>> game = Game(["a", "b"], pd, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
>>> coalition_stable(game, [0, 1], ["nash"])["nash"].tolist()   # the pair escapes mutual defection
[False, True, True, True]
>>> coalitional_improvements(game, [0, 1], 0).tolist()
[3]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model.levels import dense_rank
from .moves import OptionMoves
from .reach import reach_min

WORD_BUDGET = 1 << 21
"""Machine words (8 bytes) of one chunk of per-state threshold rows."""

TABLE_BUDGET = 1 << 23
"""Largest per-node table (elements) the dominance query builds instead of threshold words."""

_U64_ONE = np.uint64(1)


@dataclass
class ReachDAG:
    """The condensation of a coalition's moves: closure of ``start[s]`` = {s} ∪ R_H(s).

    ``item_node[x]`` and ``item_state[x]`` place each item (a state in option form; a start or
    a (state, last mover) pair in graph form) in a node; ``src``/``dst`` are the arcs between
    distinct nodes (no duplicates, acyclic).
    """

    n_nodes: int
    item_node: np.ndarray
    item_state: np.ndarray | None      # None: items are the states themselves
    start: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    _order: np.ndarray = field(init=False, repr=False)
    _bounds: np.ndarray = field(init=False, repr=False)
    _levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(init=False, repr=False)
    _sorted_states: np.ndarray | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        order = _stable_order(self.item_node, self.n_nodes)
        self._order = order
        self._bounds = np.flatnonzero(np.r_[True, np.diff(self.item_node[order]) != 0])
        self._levels = self._height_levels()

    @property
    def depth(self) -> int:
        """Longest path in the graph (0 when there are no arcs)."""
        return len(self._levels)

    def _height_levels(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Arcs grouped by the height of their source (sinks have height 0), lowest first; each
        group as (distinct sources, reduceat bounds, destinations sorted by source)."""
        n, src, dst = self.n_nodes, self.src, self.dst
        if src.size == 0:
            return []
        outdeg = np.bincount(src, minlength=n)
        by_dst = np.argsort(dst, kind="stable")
        dst_sorted = dst[by_dst]
        bounds = np.searchsorted(dst_sorted, np.arange(n + 1))
        height = np.full(n, -1, dtype=np.int64)
        current = np.flatnonzero(outdeg == 0)
        h = 0
        while current.size:
            height[current] = h
            lo, hi = bounds[current], bounds[current + 1]
            counts = hi - lo
            total = int(counts.sum())
            if total == 0:
                break
            idx = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
            preds = src[by_dst[idx]]
            outdeg -= np.bincount(preds, minlength=n)
            preds = dense_rank(preds)[0]
            current = preds[outdeg[preds] == 0]
            h += 1
        levels = []
        hs = height[src]
        for level in range(1, int(hs.max()) + 1):
            sel = np.flatnonzero(hs == level)
            if sel.size == 0:
                continue
            o = sel[np.argsort(src[sel], kind="stable")]
            s_sorted = src[o]
            starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
            levels.append((s_sorted[starts], starts, dst[o]))
        return levels

    @property
    def sorted_states(self) -> np.ndarray:
        """The state of each item, items grouped by node (rows given in this order need no
        gathering: see :meth:`reduce_sorted`)."""
        if self._sorted_states is None:
            self._sorted_states = self._order if self.item_state is None else self.item_state[self._order]
        return self._sorted_states

    def reduce_sorted(self, rows: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        """``ufunc`` of the rows of each node's items, rows given in :attr:`sorted_states` order."""
        return ufunc.reduceat(rows, self._bounds, axis=0)

    def node_reduce(self, rows: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        """``ufunc`` (np.maximum, np.minimum, np.bitwise_or, np.bitwise_and) of the rows of the
        states in each node: rows is (states, ...) and the result (nodes, ...)."""
        return self.reduce_sorted(rows[self.sorted_states], ufunc)

    def close(self, node_rows: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        """Combine every node's row with the rows of all nodes below it, in place (returned)."""
        for sources, starts, dsts in self._levels:
            below = ufunc.reduceat(node_rows[dsts], starts, axis=0)
            node_rows[sources] = ufunc(node_rows[sources], below)
        return node_rows

    def closure_of_states(self, rows: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        """For every state s, ``ufunc`` of ``rows`` over {s} ∪ R_H(s)."""
        return self.close(self.node_reduce(rows, ufunc), ufunc)[self.start]

    def reach(self, s: int) -> np.ndarray:
        """{s} ∪ R_H(s) as sorted state indices (one state's closure, by a search on the graph)."""
        seen = np.zeros(self.n_nodes, dtype=bool)
        frontier = np.array([self.start[s]])
        seen[frontier] = True
        adj_order = np.argsort(self.src, kind="stable")
        s_sorted = self.src[adj_order]
        while frontier.size:
            lo = np.searchsorted(s_sorted, frontier, "left")
            hi = np.searchsorted(s_sorted, frontier, "right")
            nxt = [self.dst[adj_order[a:b]] for a, b in zip(lo.tolist(), hi.tolist()) if b > a]
            if not nxt:
                break
            cand = np.unique(np.concatenate(nxt))
            frontier = cand[~seen[cand]]
            seen[frontier] = True
        items = np.flatnonzero(seen[self.item_node])
        states = items if self.item_state is None else self.item_state[items]
        return np.unique(states)


def reach_dag(moves, members: Sequence[int], classes: dict | None = None) -> ReachDAG:
    """The :class:`ReachDAG` of coalition ``members`` (any size, including one or none).

    ``classes`` (option form) is a dict the members' move classes are cached in, to share
    between the coalitions of one game.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> moves = OptionMoves(np.arange(4), [[0], [1]], ["forward", "both"])   # option 1: N→Y only
    >>> dag = reach_dag(moves, [0, 1])
    >>> [dag.reach(s).tolist() for s in range(4)]
    [[0, 1, 2, 3], [1, 3], [0, 1, 2, 3], [1, 3]]
    """
    members = list(members)
    if isinstance(moves, OptionMoves):
        return _option_dag(moves, members, classes)
    return _pair_dag(moves, members)


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """A stable sorting permutation of non-negative integer ``keys`` below ``bound`` (a radix sort
    on a 16-bit copy when it fits)."""
    if bound <= 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    return np.argsort(keys, kind="stable")


def _relabel(labels: np.ndarray) -> tuple[np.ndarray, int]:
    uniq, inv = dense_rank(labels)
    return inv, int(uniq.size)


def _dedupe_arcs(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    keep = src != dst
    key = np.unique(src[keep].astype(np.int64) * n + dst[keep])
    return key // n, key % n


@dataclass
class _Classes:
    """One member's move classes: states in the same block with the same irreversible options
    (a class is a clique of moves), and the permitted changes between classes of one block."""

    order: np.ndarray      # states grouped by class
    bounds: np.ndarray     # start of each class in ``order``
    class_of: np.ndarray   # per state, its class
    arc_a: np.ndarray      # class pairs a -> b: a move changing irreversible options
    arc_b: np.ndarray


def _member_classes(moves: OptionMoves, j: int) -> _Classes:
    bl = moves._blocks[j]
    m = moves.n_states
    irr = [p for p, mode in enumerate(bl.modes) if mode != "both"]
    codes = np.arange(bl.K)
    pattern = np.zeros(bl.K, dtype=np.int64)
    for t, p in enumerate(irr):
        pattern |= ((codes >> p) & 1) << t
    P = 1 << len(irr)
    perm = np.argsort(pattern, kind="stable")                      # local codes grouped by pattern
    valid = bl.valid[perm].T                                        # (blocks, K)
    order = bl.table[perm].T[valid].astype(np.int64)
    key = (np.arange(bl.n_blocks, dtype=np.int64)[:, None] * P + pattern[perm][None, :])[valid]
    first: np.ndarray = np.r_[True, key[1:] != key[:-1]] if key.size else np.zeros(0, bool)
    bounds = np.flatnonzero(first)
    class_of = np.empty(m, dtype=np.int64)
    class_of[order] = np.cumsum(first) - 1
    arc_a, arc_b = [], []
    if irr:
        flat = np.full(bl.n_blocks * P, -1, dtype=np.int64)
        flat[key[bounds]] = np.arange(bounds.size)
        table = flat.reshape(bl.n_blocks, P)
        modes = [bl.modes[p] for p in irr]
        for a in range(P):
            for b in range(P):
                if a != b and _permitted(a, b, modes):
                    ok = (table[:, a] >= 0) & (table[:, b] >= 0)
                    arc_a.append(table[ok, a])
                    arc_b.append(table[ok, b])
    empty = np.zeros(0, np.int64)
    return _Classes(order, bounds, class_of, np.concatenate(arc_a) if arc_a else empty,
                    np.concatenate(arc_b) if arc_b else empty)


MAX_LABEL_ROUNDS = 24
"""Rounds of minimum-label propagation before the components are found by a graph search."""


def _option_dag(moves: OptionMoves, members: list[int], classes: dict[int, _Classes] | None = None) -> ReachDAG:
    m = moves.n_states
    empty = np.zeros(0, np.int64)
    if not members or m == 0:
        node = np.arange(m, dtype=np.int64)
        return ReachDAG(m, node, None, node, empty, empty)
    cache = {} if classes is None else classes
    cls = []
    for j in members:
        if j not in cache:
            cache[j] = _member_classes(moves, j)
        cls.append(cache[j])
    # components of "same class of some member": each state takes the smallest label of its
    # classes until nothing changes (Gauss-Seidel over the members)
    label = np.arange(m, dtype=np.int64)
    quiet, rounds, k = 0, 0, 0
    while quiet < len(cls):
        c = cls[k]
        new = np.minimum.reduceat(label[c.order], c.bounds)[c.class_of]
        if np.array_equal(new, label):
            quiet += 1
        else:
            label, quiet = new, 1
        k = (k + 1) % len(cls)
        rounds += 1
        if rounds > MAX_LABEL_ROUNDS * len(cls):
            label = _components(m, cls)
            break
    node, n_nodes = _relabel(label)
    src, dst = [], []
    for c in cls:
        if c.arc_a.size:
            src.append(node[c.order[c.bounds[c.arc_a]]])
            dst.append(node[c.order[c.bounds[c.arc_b]]])
    s_arr = np.concatenate(src) if src else empty
    d_arr = np.concatenate(dst) if dst else empty
    s_arr, d_arr = _dedupe_arcs(s_arr, d_arr, n_nodes)
    return ReachDAG(n_nodes, node, None, node, s_arr, d_arr)


def _components(m: int, cls: list[_Classes]) -> np.ndarray:
    """Connected components of states and member classes (a state joins each of its classes)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    cols, offset = [], m
    for c in cls:
        cols.append(offset + c.class_of)
        offset += c.bounds.size
    k = len(cls)
    indices = np.stack(cols, axis=1).reshape(-1)
    indptr = np.r_[np.arange(0, k * m + 1, k, dtype=np.int64), np.full(offset - m, k * m, dtype=np.int64)]
    graph = csr_matrix((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(offset, offset))
    return connected_components(graph, directed=False)[1][:m].astype(np.int64)


def _permitted(a: int, b: int, modes: list[str]) -> bool:
    """Whether irreversible options may change from pattern a to pattern b."""
    for t, mode in enumerate(modes):
        x, y = (a >> t) & 1, (b >> t) & 1
        if (mode == "forward" and y < x) or (mode == "backward" and y > x):
            return False
    return True


def _member_arcs(moves, j: int) -> tuple[np.ndarray, np.ndarray]:
    csr = getattr(moves, "_csr", None)
    if csr is not None:
        indptr, dst, src = csr[j]
        return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    a, b = [], []
    for s in range(moves.n_states):
        t = np.asarray(moves.targets(j, s), dtype=np.int64)
        a.append(np.full(t.size, s, dtype=np.int64))
        b.append(t)
    empty = np.zeros(0, np.int64)
    return (np.concatenate(a) if a else empty), (np.concatenate(b) if b else empty)


def _pair_dag(moves, members: list[int]) -> ReachDAG:
    """Graph form: items are the start of each state (s, none) and the pairs (q, k) "at q, member
    k moved last"; arcs follow each member's moves, never by the member who moved last."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = moves.n_states
    k = len(members)
    n_items = m * (k + 1)
    es, ed = [], []
    for idx, j in enumerate(members):
        a, b = _member_arcs(moves, j)
        if not a.size:
            continue
        target = m + idx * m + b
        es.append(a)                      # from the start of a
        ed.append(target)
        for other in range(k):
            if other != idx:
                es.append(m + other * m + a)
                ed.append(target)
    if es:
        e_src, e_dst = np.concatenate(es), np.concatenate(ed)
    else:
        e_src = e_dst = np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(e_src.size, dtype=np.int8), (e_src, e_dst)), shape=(n_items, n_items)).tocsr()
    _, labels = connected_components(graph, directed=True, connection="strong")
    node, n_nodes = _relabel(labels)
    item_state = np.tile(np.arange(m, dtype=np.int64), k + 1)
    s_arr, d_arr = _dedupe_arcs(node[e_src], node[e_dst], n_nodes)
    return ReachDAG(n_nodes, node, item_state, node[:m], s_arr, d_arr)


# -- dominance queries -------------------------------------------------------------------------------
def _to_ranks(values: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Values and levels replaced, row by row, by their ranks among the row's distinct numbers
    (comparisons unchanged), and the number of ranks of each row."""
    vr = np.empty(values.shape, dtype=np.int64)
    lr = np.empty(levels.shape, dtype=np.int64)
    sizes = []
    m = values.shape[1]
    for j in range(values.shape[0]):
        u, inv = dense_rank(np.concatenate([values[j], levels[j]]))
        vr[j], lr[j] = inv[:m], inv[m:]
        sizes.append(int(u.size))
    return vr, lr, sizes


def _threshold_ids(levels: np.ndarray, states: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct threshold vectors levels[:, s] over ``states`` ((d × T), ranks below ``sizes``)
    and each state's index among them."""
    sub = levels[:, states]
    key = np.zeros(sub.shape[1], dtype=np.int64)
    for row, size in zip(sub, sizes):
        key = key * size + row
    uniq, inv = dense_rank(key)
    T = np.empty((sub.shape[0], uniq.size), dtype=np.int64)
    rest = uniq.astype(np.int64)
    for d in range(len(sizes) - 1, -1, -1):
        T[d] = rest % sizes[d]
        rest //= sizes[d]
    return T, inv


def _beats_words(V: np.ndarray, T: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """(states × words) uint64: bit b set where V[j, x] > T[j, b] for every row j (ranks)."""
    n_t = T.shape[1]
    words = -(-n_t // 64)
    out = None
    for j in range(V.shape[0]):
        gt = np.zeros((sizes[j], words * 64), dtype=bool)
        gt[:, :n_t] = np.arange(sizes[j])[:, None] > T[j][None, :]
        table = np.packbits(gt, axis=1, bitorder="little").view("<u8")
        rows = table[V[j]]
        out = rows if out is None else np.bitwise_and(out, rows, out=out)
    assert out is not None
    return out


def _bit_of(rows: np.ndarray, bit: np.ndarray) -> np.ndarray:
    """Bit ``bit[x]`` of row x of a (n × words) uint64 array, as booleans."""
    w = (bit // 64).astype(np.int64)
    word = rows[np.arange(rows.shape[0]), w]
    return ((word >> (bit % 64).astype(np.uint64)) & _U64_ONE).astype(bool)


def dominated(dag: ReachDAG, values: np.ndarray, levels: np.ndarray, states: np.ndarray | None = None,
              *, method: str = "auto", source: str | None = None,
              ranks: Sequence[int] | None = None) -> np.ndarray:
    """Whether some q ∈ {s} ∪ R_H(s) has ``values[j, q] > levels[j, s]`` for every row j.

    ``values`` and ``levels`` are (criteria × states) integer arrays; ``dag`` is the coalition's
    :class:`ReachDAG`. Only ``states`` (a boolean mask or indices; default: all) are answered;
    the result is False elsewhere. With ``ranks`` given, row j of both arrays already holds
    ranks 0 .. ranks[j] − 1 (as preference levels do once ranked), which saves ranking them.
    ``method`` picks the kernel ("words": 64 thresholds a machine word; "table": per node, the
    last criterion's maximum given thresholds on the others; "auto": the cheaper by an estimate
    of their work). Work beyond :func:`detente.limits.check_coalition_query` is refused before
    it starts (``source`` names the model in the error).

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> dag = reach_dag(OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]), [0, 1])
    >>> u = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])
    >>> dominated(dag, u, u).tolist()        # only state 0 has a state better for both in reach
    [True, False, False, False]
    """
    m = levels.shape[1]
    out = np.zeros(m, dtype=bool)
    if states is None:
        qs = np.arange(m)
    else:
        states = np.asarray(states)
        qs = np.flatnonzero(states) if states.dtype == bool else states.astype(np.int64)
    d = levels.shape[0]
    if qs.size == 0 or d == 0:
        return out
    if ranks is None:
        values, levels, sizes = _to_ranks(np.asarray(values), np.asarray(levels))
    else:
        sizes = [int(x) for x in ranks]
    last = int(np.argmax(sizes))
    table_size = dag.n_nodes * float(np.prod([sizes[j] for j in range(d) if j != last], dtype=np.float64))
    n_t_bound = min(float(qs.size), float(np.prod(np.asarray(sizes, dtype=np.float64))))
    word_work = float(m) * np.ceil(n_t_bound / 64) * (d + 2)
    table_work = table_size * (d + 1 + dag.depth) + 4.0 * m
    from .. import limits

    if method == "table" or (method == "auto" and table_size <= TABLE_BUDGET and table_work < word_work):
        limits.check_coalition_query(table_work, int(n_t_bound), m, source=source)
        out[qs] = _dominated_table(dag, values, levels, qs, last, sizes)
        return out
    T, tid = _threshold_ids(levels, qs, sizes)
    n_t = T.shape[1]
    limits.check_coalition_query(float(m) * (-(-n_t // 64)) * (d + 2), n_t, m, source=source)
    per_chunk = max(1, WORD_BUDGET // max(m, 1)) * 64
    in_order = values[:, dag.sorted_states]
    for lo in range(0, n_t, per_chunk):
        hi = min(n_t, lo + per_chunk)
        nodes = dag.close(dag.reduce_sorted(_beats_words(in_order, T[:, lo:hi], sizes), np.bitwise_or),
                          np.bitwise_or)
        sel = np.flatnonzero((tid >= lo) & (tid < hi))
        s = qs[sel]
        out[s] = _bit_of(nodes[dag.start[s]], tid[sel] - lo)
    return out


def _dominated_table(dag: ReachDAG, values: np.ndarray, levels: np.ndarray, qs: np.ndarray,
                     last: int, sizes: Sequence[int]) -> np.ndarray:
    """Per node, the max of the last criterion's rank among states beating given thresholds on
    the others (suffix maxima over each threshold axis), closed down the graph."""
    d = levels.shape[0]
    axes = [j for j in range(d) if j != last]
    shape = [dag.n_nodes] + [sizes[j] for j in axes]
    per_node = int(np.prod(shape[1:], dtype=np.int64))
    if dag.item_state is None:
        node, vals = dag.item_node, values
    else:
        node, vals = dag.item_node, values[:, dag.item_state]
    keep = np.ones(node.size, dtype=bool)
    stride = per_node
    flat = node * per_node
    for j in axes:                                        # the highest threshold rank beaten
        keep &= vals[j] >= 1
        stride //= sizes[j]
        flat = flat + np.maximum(vals[j] - 1, 0) * stride
    tab = np.full(dag.n_nodes * per_node, -1, dtype=np.int64)
    np.maximum.at(tab, flat[keep], vals[last][keep].astype(np.int64))
    tab = tab.reshape(shape)
    for ax in range(1, len(shape)):
        rev = np.flip(tab, axis=ax)
        np.maximum.accumulate(rev, axis=ax, out=rev)
    rows = dag.close(tab.reshape(dag.n_nodes, per_node), np.maximum)
    idx = np.zeros(qs.size, dtype=np.int64)
    stride = per_node
    for j in axes:
        stride //= sizes[j]
        idx = idx + levels[j, qs] * stride
    return rows[dag.start[qs], idx] > levels[last, qs]


def _smr_unstable(dag: ReachDAG, others_dag: ReachDAG, levels: np.ndarray, qs: np.ndarray,
                  source: str | None = None, ranks: Sequence[int] | None = None) -> np.ndarray:
    """Coalition SMR instability at states ``qs``: some s1 ∈ R_H^{++}(s) for which every s2 the
    others reach from s1 lets the coalition move on (jointly) to a state all members prefer to s."""
    from .. import limits

    if ranks is None:
        _, levels, sizes = _to_ranks(levels, levels)
    else:
        sizes = [int(x) for x in ranks]
    T, tid = _threshold_ids(levels, qs, sizes)
    n_t = T.shape[1]
    m = levels.shape[1]
    limits.check_coalition_query(float(m) * (-(-n_t // 64)) * (levels.shape[0] + 6), n_t, m, source=source)
    out = np.zeros(qs.size, dtype=bool)
    per_chunk = max(1, WORD_BUDGET // max(m, 1)) * 64
    h_order, o_order = dag.sorted_states, others_dag.sorted_states
    in_h = levels[:, h_order]
    start_o_in_h = others_dag.start[h_order]
    start_h_in_o = dag.start[o_order]
    for lo in range(0, n_t, per_chunk):
        hi = min(n_t, lo + per_chunk)
        beats = _beats_words(in_h, T[:, lo:hi], sizes)                # x beats threshold t (H's order)
        # a joint move from x beats t (per H node), then: every sanction from s1 can be escaped
        escape = dag.close(dag.reduce_sorted(beats, np.bitwise_or), np.bitwise_or)
        cornered = others_dag.close(others_dag.reduce_sorted(escape[start_h_in_o], np.bitwise_and),
                                    np.bitwise_and)
        rows = cornered[start_o_in_h]
        np.bitwise_and(rows, beats, out=rows)
        nodes = dag.close(dag.reduce_sorted(rows, np.bitwise_or), np.bitwise_or)
        sel = np.flatnonzero((tid >= lo) & (tid < hi))
        out[sel] = _bit_of(nodes[dag.start[qs[sel]]], tid[sel] - lo)
    return out


class CoalitionReach:
    """Coalition reach and stability for many coalitions of one game, sharing the work.

    Keeps each member's move classes, each coalition's :class:`ReachDAG` and each sanction
    minimum (min of a member's levels over what a group of others reaches), so that analysing
    every coalition builds each of them once. ``method`` is passed to :func:`dominated`;
    ``source`` names the model in a refusal.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> from detente.engine.stability import Game
    >>> pd = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])
    >>> game = Game(["a", "b"], pd, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
    >>> engine = CoalitionReach(game)
    >>> engine.improvements([0, 1], 0).tolist()
    [3]
    >>> engine.stable([0, 1], ["nash", "seq"])["seq"].tolist()
    [False, True, True, True]
    """

    def __init__(self, game, *, method: str = "auto", source: str | None = None):
        self.game = game
        self.method = method
        self.source = source
        self._classes: dict[int, _Classes] = {}
        self._dags: dict[tuple[int, ...], ReachDAG] = {}
        self._minima: dict[tuple[tuple[int, ...], int, bool], np.ndarray] = {}
        # each DM's levels as ranks 0 .. n_ranks - 1 (the dominance queries work on ranks)
        self._level_values: list[np.ndarray] = []
        ranks = []
        for lv in np.asarray(game.levels):
            u, r = dense_rank(lv)
            self._level_values.append(u)
            ranks.append(r.astype(np.int32))
        self.ranks = np.stack(ranks) if ranks else np.zeros((0, game.n_states), np.int32)
        self.n_ranks = [int(u.size) for u in self._level_values]

    def dag(self, members: Iterable[int]) -> ReachDAG:
        """The :class:`ReachDAG` of a coalition (cached)."""
        key = tuple(sorted(set(int(j) for j in members)))
        if key not in self._dags:
            self._dags[key] = reach_dag(self.game.moves, list(key), self._classes)
        return self._dags[key]

    def sanction_min(self, others: Sequence[int], j: int, improving: bool) -> np.ndarray:
        """min of u_j over {s} ∪ R_{others}(s) (R^+ with ``improving``) for every s (cached)."""
        return self._level_values[j][self._sanction_rank(others, j, improving)]

    def _sanction_rank(self, others: Sequence[int], j: int, improving: bool) -> np.ndarray:
        """:meth:`sanction_min` as DM j's level ranks (the minimum commutes with ranking)."""
        key = (tuple(others), j, improving)
        if key not in self._minima:
            game = self.game
            self._minima[key] = reach_min(game.moves, list(others), self.ranks[j],
                                          improving=game.levels if improving else None)
        return self._minima[key]

    def improvements(self, members: Sequence[int], state: int) -> np.ndarray:
        """R_H^{++}(state), sorted 0-based indices: see :func:`coalitional_improvements`."""
        H = list(members)
        states = self.dag(H).reach(int(state))
        lv = self.game.levels[H]
        return states[(lv[:, states] > lv[:, [int(state)]]).all(axis=0)]

    def stable(self, members: Sequence[int], concepts: Iterable[str]) -> dict[str, np.ndarray]:
        """{concept: stability of every state for the coalition}: see :func:`coalition_stable`."""
        concepts = list(concepts)
        game = self.game
        H = list(members)
        others = [j for j in range(game.n_dms) if j not in H]
        L = self.ranks[H]
        sizes = [self.n_ranks[j] for j in H]
        dag = self.dag(H)
        nash_unstable = dominated(dag, L, L, method=self.method, source=self.source, ranks=sizes)
        out: dict[str, np.ndarray] = {}
        if not others:            # nothing answers a joint move of the grand coalition
            return {c: ~nash_unstable for c in concepts}
        if "nash" in concepts:
            out["nash"] = ~nash_unstable
        unstable: dict[str, np.ndarray] = {}
        for c in ("gmr", "seq"):
            if c in concepts or (c == "gmr" and "smr" in concepts):
                Y = np.stack([self._sanction_rank(others, j, c == "seq") for j in H])
                unstable[c] = dominated(dag, Y, L, nash_unstable, method=self.method, source=self.source,
                                        ranks=sizes)
                if c in concepts:
                    out[c] = ~unstable[c]
        if "smr" in concepts:
            smr = unstable["gmr"].copy()
            qs = np.flatnonzero(nash_unstable & ~unstable["gmr"])
            if qs.size:
                smr[qs] = _smr_unstable(dag, self.dag(others), L, qs, self.source, sizes)
            out["smr"] = ~smr
        return {c: out[c] for c in concepts}


def coalition_stable(game, members: Sequence[int], concepts: Iterable[str], *,
                     method: str = "auto") -> dict[str, np.ndarray]:
    """Coalition Nash, GMR, SMR and SEQ (Inohara & Hipel 2008) of ``members`` at every state.

    Returns {concept: boolean array over states}. The definitions are those of
    :mod:`detente.analysis.coalitions`; for a single member they are the usual concepts. For
    many coalitions of one game use :class:`CoalitionReach`, which shares the work.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> from detente.engine.stability import Game
    >>> levels = np.array([[1, 3, 0, 2], [1, 0, 3, 2], [0, 0, 0, 1]])   # a, b: Prisoner's Dilemma
    >>> moves = OptionMoves(np.arange(4), [[0], [1], []], ["both", "both"])   # c has no options
    >>> game = Game(["a", "b", "c"], levels, moves)
    >>> {c: v.tolist() for c, v in coalition_stable(game, [0, 1], ["nash", "gmr"]).items()}
    {'nash': [False, True, True, True], 'gmr': [False, True, True, True]}
    """
    return CoalitionReach(game, method=method).stable(members, concepts)


def coalitional_improvements(game, members: Sequence[int], state: int) -> np.ndarray:
    """R_H^{++}(state): the states the coalition reaches by legal sequences of its members'
    moves that every member strictly prefers to ``state`` (sorted 0-based indices).

    For many states or coalitions of one game use :meth:`CoalitionReach.improvements`, which
    builds each coalition's graph once.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> from detente.engine.stability import Game
    >>> pd = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])
    >>> game = Game(["a", "b"], pd, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
    >>> coalitional_improvements(game, [0, 1], 0).tolist(), coalitional_improvements(game, [0, 1], 3).tolist()
    ([3], [])
    """
    return CoalitionReach(game).improvements(members, state)


# -- merged decision makers (the GMCR+ view) ---------------------------------------------------------
def merged_moves(moves: OptionMoves, units: Sequence[Sequence[int]]) -> OptionMoves:
    """Option-form moves with each unit (a block of DMs) as one mover: a unit's move changes any
    of its members' options at once (to a feasible state, in permitted directions).

    >>> import numpy as np
    >>> moves = OptionMoves(np.array([0, 3]), [[0], [1]], ["both", "both"])   # only NN and YY
    >>> merged_moves(moves, [[0, 1]]).targets(0, 0).tolist()     # together they reach YY
    [1]
    """
    modes = {}
    for bl in moves._blocks:
        for p, bit in enumerate(bl.bits.tolist()):
            modes[bit] = bl.modes[p]
    n_options = max(modes, default=-1) + 1
    bits = [[b for j in u for b in moves._blocks[j].bits.tolist()] for u in units]
    return OptionMoves(moves.codes, bits, [modes.get(o, "both") for o in range(n_options)])


IMPROVING_CHUNK = 1 << 22
"""Elements of one (codes × codes × blocks) work buffer of a merged unit's improving moves."""


def _unit_improving_min(M: OptionMoves, u: int, lv: np.ndarray, G: np.ndarray) -> np.ndarray:
    """For each row of ``G`` (values × states): min over {s} ∪ {q: a move of unit u from s to q
    that every member (levels ``lv``, members × states) strictly prefers}. The moves are not
    listed: within each block of u, a (from × to) mask is built a chunk of blocks at a time."""
    bl = M._blocks[u]
    K, B = bl.table.shape
    m = M.n_states
    big = np.iinfo(np.int32).max
    Gext = np.full((G.shape[0], m + 1), big, dtype=np.int32)
    Gext[:, :-1] = G
    Lext = np.empty((lv.shape[0], m + 1), dtype=np.int64)
    Lext[:, :-1] = lv
    Lext[:, -1] = np.iinfo(np.int64).min                 # a missing state is never an improvement
    out = Gext[:, bl.table]                               # (values, K, B)
    step = max(1, IMPROVING_CHUNK // (K * K))
    allowed = bl.allowed[:, :, None]                      # [from, to, 1]
    for lo in range(0, B, step):
        hi = min(B, lo + step)
        tab = bl.table[:, lo:hi]
        ok = np.broadcast_to(allowed, (K, K, hi - lo)).copy()
        for row in Lext:
            Lt = row[tab]
            ok &= Lt[None, :, :] > Lt[:, None, :]
        for c in range(out.shape[0]):
            best = np.where(ok, out[c][None, :, lo:hi], big).min(axis=1)
            np.minimum(out[c][:, lo:hi], best, out=out[c][:, lo:hi])
    return out.reshape(out.shape[0], -1)[:, bl.pos]


def _graph_unit_improving_arcs(engine: CoalitionReach, members: Sequence[int]) -> np.ndarray:
    """Graph form: (from, to) pairs q ∈ R_B(s) (legal sequences of the unit's members) that every
    member strictly prefers to s, as an (E × 2) array."""
    game = engine.game
    dag = engine.dag(members)
    lv = game.levels[list(members)]
    pieces = []
    for s in range(game.n_states):
        q = dag.reach(s)
        q = q[(lv[:, q] > lv[:, [s]]).all(axis=0)]
        pieces.append(np.stack([np.full(q.size, s, dtype=np.int64), q], axis=1))
    return np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int64)


def _improving_min_option(M: OptionMoves, unit_levels: list[np.ndarray], movers: list[int],
                          values: np.ndarray) -> np.ndarray:
    """For each row of ``values`` (values × states): the min over {s} ∪ what the ``movers`` (units
    of ``M``) reach by moves improving every member of the moving unit. Moves compose, so this
    is a plain fixed point: each unit in turn takes the minimum over its own improving moves
    (one step is enough: they are transitive) until no unit changes anything."""
    G = np.asarray(values, dtype=np.int32).copy()
    quiet, k = 0, 0
    while movers and quiet < len(movers):
        u = movers[k]
        lv = unit_levels[u]
        if lv.shape[0] == 1:
            new = np.stack([M.reduce_closed(u, row, "min", lv[0]) for row in G])
        else:
            new = _unit_improving_min(M, u, lv, G)
        if (new < G).any():
            G = np.minimum(G, new)
            quiet = 1
        else:
            quiet += 1
        k = (k + 1) % len(movers)
    return G


def merged_stable(game, units: Sequence[Sequence[int]], concepts: Iterable[str], *, method: str = "auto",
                  source: str | None = None) -> dict[str, np.ndarray]:
    """Stability when each unit (a block of DMs; every DM in exactly one unit) acts as one DM.

    A unit's moves: in option form, changing any of its members' options at once; in graph form,
    the legal sequences of its members' moves. It improves only when every member strictly
    gains; a state deters it when some member is no better off. Sanctions are legal sequences
    of the other units' moves (for SEQ each step improves every member of the unit making it);
    for SMR the unit may answer a sanction with a move of its own. Returns {concept:
    (units × states) booleans}, with no (states × states) table.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> from detente.engine.stability import Game
    >>> pd = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])
    >>> game = Game(["a", "b"], pd, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
    >>> merged_stable(game, [[0, 1]], ["nash"])["nash"].astype(int).tolist()   # Pareto optimal states
    [[0, 1, 1, 1]]
    """
    concepts = list(concepts)
    units = [list(u) for u in units]
    option = isinstance(game.moves, OptionMoves)
    engine = CoalitionReach(game, method=method, source=source)
    unit_levels = [game.levels[u] for u in units]
    n_units = len(units)
    if option:
        M = merged_moves(game.moves, units)
        unit_engine = CoalitionReach(_UnitGame(M, n_units, game.levels), method=method, source=source)
    seq_moves = None
    rows: dict[str, list[np.ndarray]] = {c: [] for c in concepts}
    for k, members in enumerate(units):
        others = [x for x in range(n_units) if x != k]
        other_dms = sorted(j for x in others for j in units[x])
        L = unit_levels[k]
        if option:
            dag = unit_engine.dag([k])
        else:
            dag = engine.dag(members)
        nash_unstable = dominated(dag, L, L, method=method, source=source)
        unstable: dict[str, np.ndarray] = {"nash": nash_unstable}
        if others:
            for c in ("gmr", "seq"):
                if not (c in concepts or (c == "gmr" and "smr" in concepts)):
                    continue
                Y = []
                joint_seq = c == "seq" and option and any(len(units[x]) > 1 for x in others)
                if joint_seq:
                    Y = list(_improving_min_option(M, unit_levels, others, game.levels[members]))
                for j in ([] if joint_seq else members):
                    if c == "gmr":
                        Y.append(unit_engine.sanction_min(others, j, False) if option
                                 else engine.sanction_min(other_dms, j, False))
                    elif all(len(units[x]) == 1 for x in others):
                        Y.append(engine.sanction_min(other_dms, j, True))
                    else:
                        if seq_moves is None:
                            from .moves import GraphMoves

                            seq_moves = GraphMoves(game.n_states, [_graph_unit_improving_arcs(engine, u) for u in units])
                        Y.append(reach_min(seq_moves, others, game.levels[j]))
                unstable[c] = dominated(dag, np.stack(Y), L, nash_unstable, method=method, source=source)
            if "smr" in concepts:
                smr = unstable["gmr"].copy()
                qs = np.flatnonzero(nash_unstable & ~unstable["gmr"])
                if qs.size:
                    others_dag = unit_engine.dag(others) if option else engine.dag(other_dms)
                    smr[qs] = _smr_unstable(dag, others_dag, L, qs, source)
                unstable["smr"] = smr
        for c in concepts:
            rows[c].append(~unstable.get(c, nash_unstable))
    return {c: np.stack(v) if v else np.zeros((0, game.n_states), bool) for c, v in rows.items()}


class _UnitGame:
    """The units of a merged structure as the movers of a game (for :class:`CoalitionReach`):
    merged moves, and the DMs' levels (sanction minima are taken of a DM's levels)."""

    def __init__(self, moves: OptionMoves, n_units: int, levels: np.ndarray | None = None):
        self.moves = moves
        self.n_dms = n_units
        self.levels = levels

    @property
    def n_states(self) -> int:
        return self.moves.n_states


# -- witnesses: breadth-first reach in the order of :class:`detente.engine.reach.Reach` ---------------
class LevelReach:
    """R_H(start) (or R_H^+(start)) by breadth-first search over (state, last mover) pairs, one
    whole level at a time.

    The same search as :class:`detente.engine.reach.Reach`, with the same discovery order and
    the same shortest paths (the queue is processed level by level; within a level, candidates
    come in queue order, then member order, then target order, and the first occurrence of a
    pair wins), but each level is a few array operations instead of a loop over states and
    moves, so it stays fast when the coalition reaches thousands of states.

    >>> import numpy as np
    >>> from detente.engine.moves import OptionMoves
    >>> reach = LevelReach(OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]), [0, 1], 0)
    >>> reach.states_in_order(), reach.path(3)
    ([1, 2, 3, 0], [(0, 1), (1, 3)])
    """

    def __init__(self, moves, members: Sequence[int], start: int,
                 improving: np.ndarray | Sequence[np.ndarray | None] | None = None):
        self.start = int(start)
        members = [int(j) for j in members]
        k = len(members)
        m = moves.n_states
        seen = np.zeros((m, max(k, 1)), dtype=bool)
        first = np.full(m, -1, dtype=np.int64)       # per state: its first pair (q * k + member position)
        order: list[np.ndarray] = []                 # states in order of first discovery
        parent: dict[int, int] = {}                  # pair -> parent pair (-1 - start for the start)
        f_state = np.array([self.start], dtype=np.int64)
        f_last = np.array([-1], dtype=np.int64)
        f_key = np.array([-1], dtype=np.int64)
        while f_state.size and k:
            pos, mem, tgt = [], [], []
            for jp, j in enumerate(members):
                p, q = _targets_of(moves, j, f_state)
                lev = None if improving is None else improving[j]
                keep = f_last[p] != jp
                if lev is not None:
                    keep &= np.asarray(lev)[q] > np.asarray(lev)[f_state[p]]
                pos.append(p[keep])
                mem.append(np.full(int(keep.sum()), jp, dtype=np.int64))
                tgt.append(q[keep])
            p_all, j_all, q_all = np.concatenate(pos), np.concatenate(mem), np.concatenate(tgt)
            if p_all.size == 0:
                break
            o = np.lexsort((j_all, p_all))            # queue order, then member order (targets stay in order)
            p_all, j_all, q_all = p_all[o], j_all[o], q_all[o]
            fresh = ~seen[q_all, j_all]
            p_all, j_all, q_all = p_all[fresh], j_all[fresh], q_all[fresh]
            keys = q_all * k + j_all
            _, idx = np.unique(keys, return_index=True)
            idx.sort()                                  # first occurrences, in candidate order
            p_all, j_all, q_all, keys = p_all[idx], j_all[idx], q_all[idx], keys[idx]
            seen[q_all, j_all] = True
            for key, par in zip(keys.tolist(), f_key[p_all].tolist()):
                parent[key] = par
            new_state = first[q_all] < 0
            qs_new = q_all[new_state]
            _, first_idx = np.unique(qs_new, return_index=True)
            first_idx.sort()
            discovered = qs_new[first_idx]
            first[discovered] = keys[new_state][first_idx]
            order.append(discovered)
            f_state, f_last, f_key = q_all, j_all, keys
        self._k = k
        self._members = members
        self._first = first
        self._order = np.concatenate(order) if order else np.zeros(0, np.int64)
        self._parent = parent

    @property
    def states(self) -> set[int]:
        return set(self._order.tolist())

    def states_in_order(self) -> list[int]:
        """The reachable states in order of discovery (nearest first)."""
        return self._order.tolist()

    def __contains__(self, q: int) -> bool:
        return bool(self._first[int(q)] >= 0)

    def path(self, q: int) -> list[tuple[int, int]]:
        """A shortest legal sequence of (mover, state) steps from the start to ``q``."""
        key = int(self._first[int(q)])
        steps: list[tuple[int, int]] = []
        while key >= 0:
            steps.append((self._members[key % self._k], key // self._k))
            key = self._parent[key]
        return list(reversed(steps))


def _targets_of(moves, j: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every move of DM j from each of ``states``: (position in ``states``, target), by position
    and, for each position, in the order ``moves.targets`` lists them."""
    if isinstance(moves, OptionMoves):
        bl = moves._blocks[j]
        rows = bl.index[bl.block_of[states]]                    # (F, K) states by local code
        ok = (rows >= 0) & bl.allowed[bl.local_of[states]]
        p, c = np.nonzero(ok)
        return p.astype(np.int64), rows[p, c].astype(np.int64)
    csr = getattr(moves, "_csr", None)
    if csr is not None:
        indptr, dst, _ = csr[j]
        lo, hi = indptr[states], indptr[states + 1]
        counts = hi - lo
        total = int(counts.sum())
        p = np.repeat(np.arange(states.size, dtype=np.int64), counts)
        idx = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
        return p, np.asarray(dst[idx], dtype=np.int64)
    ps, qs = [], []
    for i, s in enumerate(states.tolist()):
        t = np.asarray(moves.targets(j, s), dtype=np.int64)
        ps.append(np.full(t.size, i, dtype=np.int64))
        qs.append(t)
    empty = np.zeros(0, np.int64)
    return (np.concatenate(ps) if ps else empty), (np.concatenate(qs) if qs else empty)


__all__ = ["ReachDAG", "reach_dag", "dominated", "CoalitionReach", "coalition_stable", "coalitional_improvements",
           "merged_moves", "merged_stable", "LevelReach"]
