"""Coalition analysis: which groups of decision makers can break an equilibrium by moving jointly.

Two views are offered, both used in practice:

- **Inohara & Hipel (2008) coalition stability** (:func:`coalition_stability`). A coalition H
  (two or more DMs) keeps its members as separate movers: its joint moves are the legal
  sequences of its members' unilateral moves (no DM twice in succession), R_H(s). Its
  *coalitional improvements* are

      R_H^{++}(s) = {q ∈ R_H(s) : q ≻_j s for every j ∈ H}.

  For a state s and a coalition H, with N−H the DMs outside H moving as individuals:

  ========  ================================================================================
  concept   s is stable for H iff
  ========  ================================================================================
  CNash     R_H^{++}(s) = ∅
  CGMR      every s1 ∈ R_H^{++}(s) has some s2 ∈ R_{N−H}(s1) with s ≿_j s2 for some j ∈ H
  CSMR      ... with s ≿_j s2 for some j ∈ H, and every s3 ∈ R_H(s2) has s ≿_k s3 for some k ∈ H
  CSEQ      ... some s2 ∈ R^+_{N−H}(s1) (each step a UI of its mover) with s ≿_j s2 for some j ∈ H
  ========  ================================================================================

  A sanction deters a joint move when, after it, not every member is better off than at s:
  the member who is not will not join. For |H| = 1 these are exactly Nash, GMR, SMR and SEQ.
  A state is a *coalitional equilibrium* under a concept when it is an equilibrium of the
  usual kind and stable for every coalition analysed.

- **Merged DMs, the GMCR+ view** (:func:`merged_analysis`). A coalition structure partitions
  the DMs; each block acts as one DM. In option form a block's move changes any of its
  members' options at once (feasibly, respecting irreversibility); in graph form it is a legal
  sequence of its members' moves. A block improves only when every member strictly gains, and a
  state is deterred for a block when some member is no better off. Stability then follows the
  usual definitions with blocks in place of DMs (sanctions are legal sequences of the other
  blocks' moves; for SEQ each step strictly improves every member of the block making it).

Sources: Inohara, T. & Hipel, K. W., "Coalition analysis in the graph model for conflict
resolution", Systems Engineering 11(4), 2008; Kilgour, Hipel, Fang & Peng, "Coalition analysis
in group decision support", Group Decision and Negotiation 10(2), 2001; the coalition
reachability rules of Xu, Hipel, Kilgour & Fang, *Conflict Resolution Using the Graph Model*
(Springer 2018).

>>> import detente
>>> from detente.analysis.coalitions import coalition_stability
>>> res = coalition_stability(detente.examples.prisoners_dilemma())
>>> res.equilibria["nash"], res.coalition_equilibria["nash"]     # both defecting; the pair can escape
([1], [])
>>> [b["coalition"] for b in res.breakers(1, "nash")]
[['alice', 'bob']]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from ..engine.moves import OptionMoves
from ..engine.reach import Reach
from ..engine.stability import CONCEPT_LABELS, Game, normalize_concepts, stability
from ..errors import DetenteError, ModelError, ModelTooLargeError
from ..model import Conflict
from .compile import Compiled, compile_conflict

DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq")
SEQUENTIAL_CONCEPTS = ("nash", "gmr", "smr", "seq")
MAX_MATRIX_STATES = 4096
"""Coalition analyses keep a few (states × states) boolean matrices; beyond this many states
they refuse with a clear error rather than exhaust memory."""


# -- shared helpers (also used by evolution, limited-move and inverse analysis) -------------------
def as_compiled(obj: Conflict | Compiled | Any, parameters: Mapping[str, float] | None = None,
                perspective: str | None = None) -> Compiled:
    """A :class:`Compiled` conflict from a Conflict, a Compiled one, or an Analysis."""
    from .equilibria import Analysis

    if isinstance(obj, Analysis):
        obj = obj.compiled
    if isinstance(obj, Compiled):
        if parameters or perspective:
            raise DetenteError("parameters and perspective apply to a Conflict, not to an analysed one",
                               field="parameters" if parameters else "perspective")
        return obj
    if isinstance(obj, Conflict):
        base = obj.with_perspective(perspective) if perspective else obj
        return compile_conflict(base, parameters)
    raise DetenteError(f"expected a Conflict, a compiled conflict or an Analysis, got {type(obj).__name__}")


def resolve_state(compiled: Compiled, spec: Any, where: str = "state") -> int:
    """The one state (0-based) named by a number, a named outcome or a condition.

    ``None`` means the conflict's declared status quo.
    """
    if spec is None:
        spec = compiled.conflict.status_quo
        where = "status_quo"
        if spec is None:
            raise ModelError("no state given and the conflict declares no status_quo", field="status_quo")
    if isinstance(spec, str) and spec.strip().lstrip("-").isdigit():
        spec = int(spec.strip())
    idx = compiled.states_of(spec, where)
    if idx.size == 0:
        raise ModelError(f"{spec!r} names no feasible state", field=where)
    if idx.size > 1:
        shown = ", ".join(str(t + 1) for t in idx[:12].tolist()) + (" ..." if idx.size > 12 else "")
        raise ModelError(f"{spec!r} names {idx.size} states ({shown}); give exactly one", field=where)
    return int(idx[0])


def resolve_states(compiled: Compiled, spec: Any, where: str = "state") -> np.ndarray:
    """All states (0-based) named by a number, a list, a named outcome or a condition."""
    if isinstance(spec, str) and spec.strip().isdigit():
        spec = int(spec.strip())
    idx = compiled.states_of(spec, where)
    if idx.size == 0:
        raise ModelError(f"{spec!r} names no feasible state", field=where)
    return idx


def dm_indices(compiled: Compiled, names: Iterable[str | int], where: str = "coalitions") -> tuple[int, ...]:
    """Sorted DM indices for names (or indices); unknown names are a :class:`ModelError`."""
    out: set[int] = set()
    n = compiled.game.n_dms
    for x in names:
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            if not 0 <= int(x) < n:
                raise ModelError(f"decision maker index {x} out of range 0..{n - 1}", field=where)
            out.add(int(x))
        else:
            try:
                out.add(compiled.conflict.dm_index(str(x)))
            except ModelError as exc:
                raise ModelError(exc.reason, field=where) from None
    return tuple(sorted(out))


def coalition_list(compiled: Compiled, coalitions: Iterable[Iterable[str | int]] | None = None,
                   min_size: int = 2, where: str = "coalitions") -> list[tuple[int, ...]]:
    """Coalitions as sorted index tuples: the given ones, else the conflict's declared ones, else
    every group of two or more DMs (``min_size`` is the smallest size accepted when coalitions
    are named; the default never includes single DMs, whose stability is the usual one)."""
    n = compiled.game.n_dms
    if coalitions is None and compiled.conflict.coalitions:
        coalitions = compiled.conflict.coalitions
    if coalitions is None:
        if n > 12:
            raise ModelTooLargeError(f"{n} DMs give {2 ** n - n - 1} coalitions; name the coalitions to analyse",
                                     field=where)
        return [c for k in range(max(min_size, 2), n + 1) for c in combinations(range(n), k)]
    out: list[tuple[int, ...]] = []
    for k, members in enumerate(coalitions):
        if isinstance(members, str):
            raise ModelError("a coalition is a list of decision makers, not one name", field=f"{where}[{k}]")
        h = dm_indices(compiled, members, f"{where}[{k}]")
        if len(h) < min_size:
            raise ModelError(f"a coalition needs at least {min_size} distinct decision makers",
                             field=f"{where}[{k}]")
        if h not in out:
            out.append(h)
    return out


def coalition_names(compiled: Compiled, members: Sequence[int]) -> list[str]:
    return [compiled.game.dm_names[i] for i in members]


def _check_size(m: int, what: str) -> None:
    if m > MAX_MATRIX_STATES:
        raise ModelTooLargeError(f"{what} keeps (states × states) tables and is limited to "
                                 f"{MAX_MATRIX_STATES} states; this model has {m}. Analyse a smaller "
                                 f"model or name fewer options.", field="decision_makers")


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


def arcs_of(game: Game, j: int, improving: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """DM j's moves as (from, to) index arrays (its UIs only, if ``improving``)."""
    src, dst = [], []
    for s in range(game.n_states):
        t = np.asarray(game.moves.targets(j, s), dtype=np.int64)
        src.append(np.full(t.size, s, dtype=np.int64))
        dst.append(t)
    a = np.concatenate(src) if src else np.zeros(0, np.int64)
    b = np.concatenate(dst) if dst else np.zeros(0, np.int64)
    if improving and a.size:
        lev = game.levels[j]
        keep = lev[b] > lev[a]
        a, b = a[keep], b[keep]
    return a, b


def legal_reach_arcs(m: int, movers: Sequence[tuple[np.ndarray, np.ndarray]], packed: bool = False) -> np.ndarray:
    """Reach[s, q]: q is reachable from s by a legal sequence of one or more moves, each a move of
    one of the movers (``movers[k]`` its (from, to) arcs), no mover moving twice in succession.

    The search runs over (state, last mover) pairs: strongly connected components of that graph
    are condensed, and reachable sets (bit rows) are OR-ed in reverse topological order, so the
    cost is about (pairs + arcs) × m / 8 bytes, for all start states at once. With ``packed``
    the rows come back as bits (``np.packbits`` along axis 1) to save memory.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    k = len(movers)
    out = np.zeros((m, m), dtype=bool)
    if k == 0 or m == 0 or k == 1:
        if k == 1:
            a, b = movers[0]
            out[a, b] = True
        return np.packbits(out, axis=1) if packed else out
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
    return rows if packed else np.unpackbits(rows, axis=1, count=m).astype(bool)


def legal_reach(adjs: Sequence[np.ndarray], m: int | None = None) -> np.ndarray:
    """:func:`legal_reach_arcs` for movers given as (m × m) boolean move matrices; with no mover
    (give ``m``, the number of states) nothing is reachable. With one mover this is its single
    moves (R_{j} for H = {j})."""
    if not adjs:
        size = 0 if m is None else m
        return np.zeros((size, size), dtype=bool)
    size = adjs[0].shape[0]
    return legal_reach_arcs(size, [tuple(np.nonzero(A)) for A in adjs])


def reach_matrix(game: Game, members: Sequence[int], improving: bool = False) -> np.ndarray:
    """R_H(s) (or R_H^+(s)) for every state s, as an (m × m) boolean matrix."""
    return legal_reach_arcs(game.n_states, [arcs_of(game, j, improving) for j in members])


def _strictly_better_all(levels: np.ndarray, members: Sequence[int]) -> np.ndarray:
    """B[s, t]: every member strictly prefers t to s."""
    L = levels[list(members)]
    return np.all(L[:, None, :] > L[:, :, None], axis=0)


def _unit_stable(imp: np.ndarray, deter: np.ndarray, concept: str, opp: np.ndarray | None,
                 escape: np.ndarray | None) -> np.ndarray:
    """Stability of every state for one mover (a DM, a coalition or a merged block).

    ``imp[s, s1]``: s1 is an improvement of the mover from s; ``deter[s, t]``: t is no
    improvement over s for the mover (some member is not strictly better off); ``opp[s1, s2]``:
    the others can reach s2 from s1 (improving steps only, for SEQ); ``escape[s2, s3]``: the
    mover's own moves from s2 (SMR).
    """
    if concept == "nash":
        return ~imp.any(axis=1)
    assert opp is not None
    if concept == "smr":
        assert escape is not None
        bad = (escape.astype(np.float32) @ (~deter).T.astype(np.float32)) > 0.5   # [s2, s]
        ok = deter.T & ~bad                                                         # [s2, s]
    else:
        ok = deter.T                                                                # [s2, s]
    answered = (opp.astype(np.float32) @ ok.astype(np.float32)) > 0.5              # [s1, s]
    return ~(imp & ~answered.T).any(axis=1)


# -- Inohara & Hipel coalition stability -----------------------------------------------------------
@dataclass
class CoalitionAnalysis:
    """Coalition stability (Inohara & Hipel 2008) for a set of coalitions; see the module docstring.

    ``stable[concept][H]`` is a boolean array over states (0-based) for coalition H (a tuple of
    DM indices); ``individual[concept]`` the usual per-DM stability. Public state numbers are 1-based.
    """

    compiled: Compiled
    concepts: list[str]
    coalitions: list[tuple[int, ...]]
    stable: dict[str, dict[tuple[int, ...], np.ndarray]]
    individual: dict[str, np.ndarray]
    _reach: dict[tuple[int, ...], np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def dm_names(self) -> list[str]:
        return self.compiled.game.dm_names

    def names(self, members: Sequence[int]) -> list[str]:
        return coalition_names(self.compiled, members)

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """The usual (non-cooperative) equilibria, per concept (1-based)."""
        return {c: (np.flatnonzero(self.individual[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    def _coalition_mask(self, c: str) -> np.ndarray:
        mask = self.individual[c].all(axis=0).copy()
        for h in self.coalitions:
            mask &= self.stable[c][h]
        return mask

    @property
    def coalition_equilibria(self) -> dict[str, list[int]]:
        """States stable for every DM and every analysed coalition, per concept (1-based)."""
        return {c: (np.flatnonzero(self._coalition_mask(c)) + 1).tolist() for c in self.concepts}

    def stable_states(self, coalition: Iterable[str | int], concept: str) -> list[int]:
        """State numbers stable for one analysed coalition."""
        c = normalize_concepts([concept])[0]
        h = dm_indices(self.compiled, coalition)
        if h not in self.stable.get(c, {}):
            raise ModelError(f"coalition {self.names(h)} was not analysed under {CONCEPT_LABELS[c]}",
                             field="coalitions")
        return (np.flatnonzero(self.stable[c][h]) + 1).tolist()

    def breakers(self, state: int, concept: str) -> list[dict[str, Any]]:
        """Coalitions for which ``state`` (1-based) is unstable, each with a coalitional
        improvement that no sanction deters and the joint legal sequence that reaches it."""
        c = normalize_concepts([concept])[0]
        t = _index(self.compiled, state)
        game = self.compiled.game
        out = []
        for h in self.coalitions:
            if self.stable[c][h][t]:
                continue
            witness = self._unanswered(h, t, c)
            reach = Reach(game.moves, h, t)
            steps = [{"mover": game.dm_names[mv], "state": st + 1} for mv, st in reach.path(witness)]
            out.append({
                "coalition": self.names(h),
                "improvement": witness + 1,
                "path": steps,
                "levels": {game.dm_names[i]: [int(game.levels[i, t]), int(game.levels[i, witness])] for i in h},
            })
        return out

    def _unanswered(self, h: tuple[int, ...], t: int, c: str) -> int:
        """A coalitional improvement of h from t that no sanction deters (h is unstable at t)."""
        game = self.compiled.game
        imp = self._imp_row(h, t)
        if c == "nash":
            return int(imp[0])
        others = [j for j in range(game.n_dms) if j not in h]
        lv = game.levels[list(h)]
        deter = lambda q: bool((lv[:, q] <= lv[:, t]).any())  # noqa: E731
        for s1 in imp.tolist():
            reach = Reach(game.moves, others, s1, improving=game.levels if c == "seq" else None) if others else None
            answered = False
            for s2 in (reach.states_in_order() if reach is not None else []):
                if not deter(s2):
                    continue
                if c == "smr":
                    esc = Reach(game.moves, h, s2).states
                    if any(not deter(q) for q in esc):
                        continue
                answered = True
                break
            if not answered:
                return s1
        raise AssertionError("no unanswered coalitional improvement")  # pragma: no cover

    def _imp_row(self, h: tuple[int, ...], t: int) -> np.ndarray:
        game = self.compiled.game
        reach = Reach(game.moves, h, t)
        lv = game.levels[list(h)]
        states = np.asarray(reach.states_in_order(), dtype=np.int64)
        if states.size == 0:
            return states
        return states[(lv[:, states] > lv[:, [t]]).all(axis=0)]

    def coalitional_improvements(self, coalition: Iterable[str | int], state: int) -> list[int]:
        """R_H^{++}(state): the states every member strictly prefers that H can reach jointly."""
        h = dm_indices(self.compiled, coalition)
        return (self._imp_row(h, _index(self.compiled, state)) + 1).tolist()

    @property
    def broken(self) -> dict[str, dict[int, list[list[str]]]]:
        """{concept: {equilibrium: [coalitions that break it]}} for every usual equilibrium."""
        out: dict[str, dict[int, list[list[str]]]] = {}
        for c in self.concepts:
            out[c] = {}
            for s in np.flatnonzero(self.individual[c].all(axis=0)).tolist():
                out[c][s + 1] = [self.names(h) for h in self.coalitions if not self.stable[c][h][s]]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (1-based states; coalitions as lists of DM names)."""
        return {
            "conflict": self.compiled.conflict.name,
            "decision_makers": self.dm_names,
            "concepts": list(self.concepts),
            "coalitions": [self.names(h) for h in self.coalitions],
            "equilibria": self.equilibria,
            "coalition_equilibria": self.coalition_equilibria,
            "stability": {c: [{"coalition": self.names(h),
                               "stable_states": (np.flatnonzero(self.stable[c][h]) + 1).tolist()}
                              for h in self.coalitions] for c in self.concepts},
            "broken": {c: {str(s): [{"coalition": b["coalition"], "improvement": b["improvement"],
                                     "path": b["path"]} for b in self.breakers(s, c)]
                           for s in self.broken[c]} for c in self.concepts},
        }

    def summary(self) -> str:
        """A short plain-language account: which coalitions break which equilibria."""
        lines = [f"Coalition analysis of {self.compiled.conflict.name} "
                 f"({len(self.coalitions)} coalition(s) analysed)"]
        for c in self.concepts:
            label = CONCEPT_LABELS[c]
            eq = self.equilibria[c]
            lines.append(f"{label}: equilibria {eq or 'none'}; coalitional equilibria "
                         f"{self.coalition_equilibria[c] or 'none'}")
            for s, groups in self.broken[c].items():
                for b in self.breakers(s, c):
                    who = " + ".join(b["coalition"])
                    seq = ", ".join(f"{st['mover']} → {st['state']}" for st in b["path"])
                    lines.append(f"  state {s} is broken by {who}: jointly to state {b['improvement']} ({seq}), "
                                 f"which every member prefers and no sanction deters")
        return "\n".join(lines)


def _index(compiled: Compiled, state: int) -> int:
    if not 1 <= int(state) <= compiled.n_states:
        raise DetenteError(f"state {state} does not exist: the model has states 1..{compiled.n_states}",
                           field="state")
    return int(state) - 1


def coalition_stability(conflict: Conflict | Compiled | Any,
                        coalitions: Iterable[Iterable[str | int]] | None = None,
                        concepts: Iterable[str] = DEFAULT_CONCEPTS,
                        parameters: Mapping[str, float] | None = None,
                        perspective: str | None = None) -> CoalitionAnalysis:
    """Coalition Nash/GMR/SMR/SEQ (Inohara & Hipel 2008) for each coalition.

    ``coalitions``: lists of DM names; by default the conflict's declared coalitions, else every
    group of two or more DMs. Singletons may be given too (they reproduce the usual concepts).

    >>> import detente
    >>> res = coalition_stability(detente.examples.chicken(), [["a", "b"]], ["nash"])
    >>> res.stable_states(["a", "b"], "nash")     # only mutual swerving has no joint improvement
    [2, 3, 4]
    """
    compiled = as_compiled(conflict, parameters, perspective)
    concepts = normalize_concepts(concepts)
    bad = [c for c in concepts if c not in SEQUENTIAL_CONCEPTS]
    if bad:
        names = ", ".join(CONCEPT_LABELS[c] for c in bad)
        raise DetenteError(f"coalition analysis supports Nash, GMR, SMR and SEQ, not {names}", field="concepts")
    game = compiled.game
    m, n = game.n_states, game.n_dms
    _check_size(m, "coalition analysis")
    groups = coalition_list(compiled, coalitions, min_size=1)
    arcs = [arcs_of(game, j) for j in range(n)]
    arcs_plus = [arcs_of(game, j, improving=True) for j in range(n)] if "seq" in concepts else []
    reach_cache: dict[tuple[int, ...], np.ndarray] = {}

    def reach(members: tuple[int, ...], improving: bool = False) -> np.ndarray:
        key = members + ((-1,) if improving else ())
        if key not in reach_cache:
            reach_cache[key] = legal_reach_arcs(m, [(arcs_plus if improving else arcs)[j] for j in members])
        return reach_cache[key]

    stable: dict[str, dict[tuple[int, ...], np.ndarray]] = {c: {} for c in concepts}
    for h in groups:
        others = tuple(j for j in range(n) if j not in h)
        RH = reach(h)
        better = _strictly_better_all(game.levels, h)
        imp = RH & better
        deter = ~better
        for c in concepts:
            opp = None
            if c in ("gmr", "smr"):
                opp = reach(others)
            elif c == "seq":
                opp = reach(others, improving=True)
            stable[c][h] = _unit_stable(imp, deter, c, opp, RH if c == "smr" else None)
    individual = stability(game, concepts)
    return CoalitionAnalysis(compiled, concepts, groups, stable, individual, reach_cache)


def _option_modes(moves: OptionMoves, n_options: int) -> list[str]:
    """Each option's permitted direction, read back from the engine's move tables."""
    modes = ["both"] * n_options
    for bl in moves._blocks:
        for p, bit in enumerate(bl.bits.tolist()):
            modes[bit] = bl.modes[p]
    return modes


# -- merged DMs (GMCR+) ----------------------------------------------------------------------------
@dataclass
class MergedAnalysis:
    """Stability with a coalition structure whose blocks act as single DMs (the GMCR+ view).

    ``units`` are the blocks (tuples of DM indices, in structure order); ``stable[concept]`` is
    (n_units × m) boolean; state numbers in public results are 1-based.
    """

    compiled: Compiled
    concepts: list[str]
    units: list[tuple[int, ...]]
    stable: dict[str, np.ndarray]

    @property
    def unit_names(self) -> list[str]:
        return [" + ".join(coalition_names(self.compiled, u)) for u in self.units]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return {c: (np.flatnonzero(self.stable[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    def stable_states(self, unit: Iterable[str | int], concept: str) -> list[int]:
        c = normalize_concepts([concept])[0]
        h = dm_indices(self.compiled, unit)
        if h not in self.units:
            raise ModelError(f"{coalition_names(self.compiled, h)} is not a block of the coalition structure",
                             field="structure")
        return (np.flatnonzero(self.stable[c][self.units.index(h)]) + 1).tolist()

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.compiled.conflict.name,
            "structure": [coalition_names(self.compiled, u) for u in self.units],
            "concepts": list(self.concepts),
            "equilibria": self.equilibria,
            "stability": {c: {name: (np.flatnonzero(self.stable[c][k]) + 1).tolist()
                              for k, name in enumerate(self.unit_names)} for c in self.concepts},
        }


def merged_analysis(conflict: Conflict | Compiled | Any, structure: Iterable[Iterable[str | int]],
                    concepts: Iterable[str] = DEFAULT_CONCEPTS,
                    parameters: Mapping[str, float] | None = None,
                    perspective: str | None = None) -> MergedAnalysis:
    """Stability when each block of ``structure`` acts as one DM (DMs not named stay alone).

    >>> import detente
    >>> res = merged_analysis(detente.examples.prisoners_dilemma(), [["alice", "bob"]])
    >>> res.equilibria["nash"]            # merged, only the Pareto-optimal states remain
    [2, 3, 4]
    """
    compiled = as_compiled(conflict, parameters, perspective)
    concepts = normalize_concepts(concepts)
    bad = [c for c in concepts if c not in SEQUENTIAL_CONCEPTS]
    if bad:
        names = ", ".join(CONCEPT_LABELS[c] for c in bad)
        raise DetenteError(f"merged coalition analysis supports Nash, GMR, SMR and SEQ, not {names}",
                           field="concepts")
    game = compiled.game
    m, n = game.n_states, game.n_dms
    _check_size(m, "merged coalition analysis")
    blocks = coalition_list(compiled, structure, min_size=1, where="structure")
    seen: set[int] = set()
    for k, b in enumerate(blocks):
        if seen & set(b):
            raise ModelError(f"decision maker(s) {coalition_names(compiled, sorted(seen & set(b)))} appear in "
                             f"more than one block", field=f"structure[{k}]")
        seen |= set(b)
    units = blocks + [(j,) for j in range(n) if j not in seen]
    # each unit's moves, as a matrix
    if compiled.space is not None and isinstance(game.moves, OptionMoves):
        modes = _option_modes(game.moves, compiled.space.n_options)
        bits = [[b for j in u for b in game.dm_bits[j]] for u in units]
        merged = OptionMoves(compiled.space.codes, bits, modes)
        unit_moves = []
        for k in range(len(units)):
            A = np.zeros((m, m), dtype=bool)
            for s in range(m):
                A[s, merged.targets(k, s)] = True
            unit_moves.append(A)
    else:
        unit_moves = [reach_matrix(game, u) for u in units]
    better = [_strictly_better_all(game.levels, u) for u in units]
    unit_plus = [A & b for A, b in zip(unit_moves, better)]
    stable: dict[str, np.ndarray] = {}
    for c in concepts:
        rows = []
        for k, u in enumerate(units):
            others = [x for x in range(len(units)) if x != k]
            opp = None
            if c in ("gmr", "smr"):
                opp = legal_reach([unit_moves[x] for x in others], m)
            elif c == "seq":
                opp = legal_reach([unit_plus[x] for x in others], m)
            rows.append(_unit_stable(unit_plus[k], ~better[k], c, opp, unit_moves[k] if c == "smr" else None))
        stable[c] = np.stack(rows)
    return MergedAnalysis(compiled, concepts, units, stable)


__all__ = ["coalition_stability", "CoalitionAnalysis", "merged_analysis", "MergedAnalysis", "legal_reach",
           "legal_reach_arcs", "reach_matrix", "arcs_of", "adjacency", "as_compiled", "resolve_state",
           "resolve_states", "coalition_list", "dm_indices"]
