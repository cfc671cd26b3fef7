"""Inverse analysis: which preferences would make a desired state an equilibrium?

Given a state s* (or a named outcome) and a solution concept, :func:`inverse` finds

1. the **conditions** on each DM's ranking under which s* is stable for that DM, and
2. a **smallest change** of the current preferences that makes s* an equilibrium, verified by
   re-running the stability analysis on the changed conflict.

Conditions (after Kinsara, Kilgour & Hipel 2015 and the stability definitions of Fang, Hipel &
Kilgour 1993). Write B_i = {x : s* ≿_i x} for the states DM i does not prefer to s* (s* ∈ B_i).
s* is stable for i iff every unilateral move q ∈ R_i(s*) satisfies its *clause*:

- Nash: q ∈ B_i;
- GMR: q ∈ B_i, or some s2 ∈ R_{N−i}(q) is in B_i;
- SMR: q ∈ B_i, or some s2 ∈ R_{N−i}(q) has s2 ∈ B_i and R_i(s2) ⊆ B_i;
- SEQ: q ∈ B_i, or some s2 ∈ R^+_{N−i}(q) is in B_i; R^+ depends on the *other* DMs'
  preferences, so under SEQ the DMs' conditions are coupled.

Nash, GMR and SMR clauses involve only DM i's own ranking, and only through B_i.

**Distance.** A change is measured by the Kendall tau distance between the current and the new
ranking of each DM, summed over DMs: the number of unordered pairs of states whose relation
(better, equal, worse) differs.

**The smallest change, exactly (Nash, GMR, SMR).** Each clause offers *options*, sets of
states that must all end up in B_i: {q} itself, or a sanction's set. Options are monotone: a
larger B_i only helps. Let U = {x : x ≻_i s*} now, let h(o) be the highest current level of
the states of option o in U (an option with no state in U already holds, and so does its clause),
and let H* = max over clauses of min over options of h(o). Then:

- *Lower bound.* Any new ranking puts some set L ⊆ U into B_i, and L must contain a whole option
  of every clause, so L contains a state b at level ≥ H*. Every x ∈ U with x ≾_i b changes its
  relation to s* (if x ∈ L) or to b (if not), and s*'s former ties change their relation to s*
  or to b: at least #{x ∈ U : level ≤ H*} + #{x ≠ s* : x ∼_i s*} pairs change.
- *Achieved.* Raising s* to just above level H* (everything else in place) changes exactly
  those pairs and puts every state at level ≤ H* into B_i, meeting every clause.

So the minimum is found in closed form, in time linear in the size of the clauses: "rank s* at
least as high as state X", with X a state at level H*. It never enumerates rankings (a model
with m states has more than m! of them). The exhaustive tests compare it with a search over
every ranking with ties on small models.

**SEQ** is solved by search, over the position of s* in each free DM's ranking. First each DM's
SEQ height is computed in closed form as above against the others' current candidate rankings,
round after round until the heights settle; then profiles of positions are tried best first
(cheapest total distance first, each checked with the SEQ kernel) for anything cheaper, within a
budget; if nothing is found, each DM's Nash height is used (Nash stability implies SEQ stability
whatever the others prefer). The minimum GMR distance is a lower bound (SEQ stability implies GMR
stability). A cheaper SEQ answer may exist that reorders other states in a free DM's ranking
(turning its moves into improvements that sanction another DM), so when the search does not meet
the lower bound on a small model (at most ``EXHAUSTIVE_MAX_STATES`` states) every ranking with
ties of the free DMs is tried, cheapest first, and the answer is exact: the smallest change, or
proven impossible. On larger models a failed search reports "not found within the search" with
the lower bound, and "impossible" only when proven: some DM whose preferences are fixed keeps an
unanswered improvement even with every move of the free DMs counted as an improvement.

Every answer carries ``verified``: the changed conflict re-analysed with :func:`analyze`.

>>> import detente
>>> inv = inverse(detente.examples.prisoners_dilemma(), state=4, concept="nash")   # make cooperation Nash
>>> inv.verified, inv.distance, inv.changes["alice"].at_least_as_good_as
(True, 2, 3)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.reach import Reach
from ..engine.stability import CONCEPT_LABELS, Game, normalize_concepts, stable_for
from ..errors import DetenteError
from ..model import Conflict, Ranking
from .common import as_compiled, dm_indices, resolve_states
from .compile import Compiled

INVERSE_CONCEPTS = ("nash", "gmr", "smr", "seq")
DEFAULT_MAX_EVALUATIONS = 2000


@dataclass
class Clause:
    """For DM i and a move q ∈ R_i(s*): s* stays stable against q iff q is not above s* for i,
    or, for some sanction, every state of that alternative is not above s* for i."""

    improvement: int                       # q, 1-based
    alternatives: list[list[int]]          # each: states that must all be ≾_i s* (1-based)
    holds_now: bool
    sanctions: list[int] = field(default_factory=list)   # the sanction state s2 of each alternative

    def to_dict(self) -> dict[str, Any]:
        return {"improvement": self.improvement, "holds_now": self.holds_now,
                "alternatives": [{"sanction": s2, "requires": alt}
                                 for s2, alt in zip(self.sanctions, self.alternatives)]}


@dataclass
class DMChange:
    """One DM's conditions and its smallest change (state numbers 1-based)."""

    dm: str
    _conditions: list[Clause] | Callable[[], list[Clause]]   # listed on first use (they may be long)
    at_least_as_good_as: int | None        # s* must be ranked at least as high as this state
    demoted: list[int]                     # states that were above s* and no longer are
    distance: int                          # Kendall tau distance from the current ranking
    levels: np.ndarray                     # new preference levels (higher = better), 0-based states
    changeable: bool = True

    @property
    def conditions(self) -> list[Clause]:
        """One :class:`Clause` per move of the DM from s*."""
        if callable(self._conditions):
            self._conditions = self._conditions()
        return self._conditions

    @property
    def changed(self) -> bool:
        return self.distance > 0

    @property
    def holds_now(self) -> bool:
        return all(c.holds_now for c in self.conditions)

    def ranking(self) -> Ranking:
        """The new preference as a :class:`Ranking` (best first, ties grouped)."""
        return levels_to_ranking(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "changeable": self.changeable, "holds_now": self.holds_now,
                "at_least_as_good_as": self.at_least_as_good_as, "demoted": list(self.demoted),
                "distance": self.distance, "ranking": self.ranking().order if self.changed else None,
                "conditions": [c.to_dict() for c in self.conditions]}


@dataclass
class InverseResult:
    """The answer of :func:`inverse` for one target state (1-based ``state``)."""

    compiled: Compiled
    state: int
    concept: str
    feasible: bool
    changes: dict[str, DMChange]
    distance: int
    lower_bound: int
    optimal: bool
    method: str
    _conflict: Conflict | Callable[[], Conflict] | None = None   # the conflict with the new preferences
    verified: bool = False
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    proven: bool = True                    # when not feasible: impossibility is proven (else: not found)

    @property
    def conflict(self) -> Conflict | None:
        """The conflict with the new preferences (built when first asked for), None if none found."""
        if callable(self._conflict):
            self._conflict = self._conflict()
        return self._conflict

    @conflict.setter
    def conflict(self, value: Conflict | None) -> None:
        self._conflict = value

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.compiled.conflict.name,
            "state": self.state,
            "concept": self.concept,
            "feasible": self.feasible,
            "impossible": (not self.feasible) and self.proven,
            "verified": self.verified,
            "optimal": self.optimal,
            "distance": self.distance,
            "lower_bound": self.lower_bound,
            "method": self.method,
            "reason": self.reason,
            "changes": {dm: ch.to_dict() for dm, ch in self.changes.items()},
            "candidates": list(self.candidates),
        }

    def summary(self, max_alternatives: int = 4) -> str:
        """The conditions and the change, in words."""
        label = CONCEPT_LABELS[self.concept]
        s = self.state
        head = f"Inverse analysis of {self.compiled.conflict.name}: make state {s} a {label} equilibrium"
        if not self.feasible:
            return f"{head}\n  {'impossible' if self.proven else 'not found within the search'}: {self.reason}"
        lines = [head, f"  smallest change found: {self.distance} pair(s) of states change order (Kendall tau)"
                 + (", proven minimal" if self.optimal else f"; lower bound {self.lower_bound}")
                 + (", verified by re-analysis" if self.verified else ", NOT verified")]
        for dm, ch in self.changes.items():
            if not ch.changed:
                lines.append(f"  {dm}: no change needed")
            elif ch.at_least_as_good_as is None:
                lines.append(f"  {dm}: new ranking {ch.ranking().order} (distance {ch.distance})")
            else:
                lines.append(f"  {dm}: rank state {s} at least as high as state {ch.at_least_as_good_as} "
                             f"(it passes {ch.demoted}; distance {ch.distance})")
            for cl in ch.conditions:
                alts = [f"{s} ≿ {{{', '.join(map(str, a))}}}" for a in cl.alternatives[:max_alternatives]]
                more = (f" or {len(cl.alternatives) - max_alternatives} more sanction(s)"
                        if len(cl.alternatives) > max_alternatives else "")
                text = " or ".join([f"{s} ≿ {cl.improvement}"] + alts) + more
                lines.append(f"    against its move to {cl.improvement}: {text}"
                             + ("  [holds now]" if cl.holds_now else ""))
        return "\n".join(lines)


def levels_to_ranking(levels: np.ndarray) -> Ranking:
    """Levels (higher = better, 0-based states) as a :class:`Ranking` of 1-based states.

    >>> levels_to_ranking(np.array([0, 2, 2, 1])).order
    [[2, 3], [4], [1]]
    """
    levels = np.asarray(levels)
    if levels.size == 0:
        return Ranking([])
    idx = np.argsort(-levels.astype(np.int64), kind="stable")       # best first, states in order
    lv = levels[idx]
    cuts = np.flatnonzero(lv[1:] != lv[:-1]) + 1
    return Ranking([g.tolist() for g in np.split(idx + 1, cuts)])


def kendall_distance(u: np.ndarray, v: np.ndarray) -> int:
    """Unordered pairs of states whose relation (better, equal, worse) differs between u and v.

    >>> kendall_distance(np.array([0, 1, 2]), np.array([2, 1, 0])), kendall_distance(np.array([0, 1]), np.array([1, 1]))
    (3, 1)
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    total = 0
    for lo in range(0, u.size, 1024):   # blocks keep memory small for large models
        su = np.sign(u[lo:lo + 1024, None] - u[None, :])
        sv = np.sign(v[lo:lo + 1024, None] - v[None, :])
        total += int((su != sv).sum())
    return total // 2


def raised_levels(u: np.ndarray, t: int, height: int | None) -> np.ndarray:
    """DM levels with state t moved to just above every state at level ≤ ``height`` (and below
    every state above it); everything else keeps its order. ``None``: unchanged.

    >>> raised_levels(np.array([1, 3, 0, 2, 1]), 0, 2).tolist()    # 0 passes 3 and its tie-mate 4
    [3, 4, 0, 2, 1]
    """
    u = np.asarray(u)
    if height is None or height < u[t]:
        return u.copy()
    key = u.astype(np.int64) * 2
    key[t] = 2 * int(height) + 1
    key -= key.min()
    if int(key.max()) > 4 * key.size + (1 << 16):
        _, inv = np.unique(key, return_inverse=True)
        return inv.astype(np.int32).reshape(-1)
    present = np.zeros(int(key.max()) + 1, dtype=bool)
    present[key] = True
    rank = np.cumsum(present, dtype=np.int64) - 1       # dense ranks, no sort
    return rank[key].astype(np.int32)


def raise_cost(u: np.ndarray, t: int, height: int | None) -> int:
    """Kendall distance of :func:`raised_levels`: states passed plus former ties of t."""
    if height is None or height < u[t]:
        return 0
    ut = u[t]
    return int(((u > ut) & (u <= height)).sum()) + int((u == ut).sum()) - 1


# -- clauses ---------------------------------------------------------------------------------------
def _clauses(game: Game, i: int, t: int, concept: str,
             levels: np.ndarray) -> list[tuple[int, list[tuple[int, list[int]]]]]:
    """[(q, [(s2, states that must be ≾_i s*)])] for every q ∈ R_i(t) (0-based)."""
    out = []
    others = [j for j in range(game.n_dms) if j != i]
    for q in sorted(game.moves.targets(i, t).tolist()):
        alts: list[tuple[int, list[int]]] = []
        if concept != "nash" and others:
            reach = Reach(game.moves, others, q, improving=levels if concept == "seq" else None)
            for s2 in reach.states_in_order():
                if concept == "smr":
                    need = sorted({s2, *game.moves.targets(i, s2).tolist()})
                else:
                    need = [s2]
                alts.append((s2, need))
        out.append((q, alts))
    return out


def _clause_list(game: Game, i: int, t: int, concept: str, levels: np.ndarray, base: np.ndarray):
    """DM i's clauses as :class:`Clause` objects, listed when first asked for (a callable)."""
    def build() -> list[Clause]:
        below_now = base[i] <= base[i][t]
        return [Clause(q + 1, [[x + 1 for x in need] for _, need in alts], _holds((q, alts), below_now),
                       [s2 + 1 for s2, _ in alts]) for q, alts in _clauses(game, i, t, concept, levels)]
    return build


def _holds(clause, below: np.ndarray) -> bool:
    q, alts = clause
    return bool(below[q]) or any(all(below[x] for x in need) for _, need in alts)


def _height(u: np.ndarray, t: int, clauses) -> int | None:
    """H*: the lowest level s* must be raised past so that every clause holds (None: none needed)."""
    ut = u[t]
    H = None
    for q, alts in clauses:
        if u[q] <= ut:
            continue
        best: int | None = int(u[q])
        for _, need in alts:
            top = max((int(u[x]) for x in need if u[x] > ut), default=None)
            if top is None:           # this sanction already deters: the clause holds
                best = None
                break
            best = top if best is None else min(best, top)
        if best is not None and (H is None or best > H):
            H = best
    return H


def _fast_height(game: Game, i: int, t: int, concept: str, levels: np.ndarray) -> int | None:
    """H* of :func:`_height` for every clause at once, without listing the sanctions.

    A clause against the move to q holds iff min(u_i(q), X(q)) ≤ u_i(t), where X(q) is the
    smallest value a sanction leaves: min of u_i (GMR), of i's best escape max_{{s} ∪ R_i} u_i
    (SMR), or of u_i over improving sequences (SEQ) reachable by the others from q, i.e. the
    engine's sanction values (one fixed point for every state); H* is the largest such min
    over the clauses that fail.
    """
    from ..engine.reach import reach_min

    u = levels[i]
    q = np.asarray(game.moves.targets(i, t), dtype=np.int64)
    if q.size == 0:
        return None
    others = game.others(i)
    if concept == "nash" or not others:
        w = u[q]
    else:
        if concept == "gmr":
            X = reach_min(game.moves, others, u)
        elif concept == "smr":
            X = reach_min(game.moves, others, game.moves.reduce_closed(i, u, "max"))
        else:
            X = reach_min(game.moves, others, u, improving=levels)
        w = np.minimum(u[q], X[q])
    w = w[w > u[t]]
    return int(w.max()) if w.size else None


# -- the driver ------------------------------------------------------------------------------------
def inverse(conflict: Conflict | Compiled | Any, *, state: Any, concept: str = "gmr",
            dms: Iterable[str] | None = None, max_evaluations: int = DEFAULT_MAX_EVALUATIONS,
            parameters: Mapping[str, float] | None = None, perspective: str | None = None) -> InverseResult:
    """Find the preference conditions and a smallest preference change making ``state`` (a state
    number, a named outcome or a condition) an equilibrium under ``concept`` (Nash, GMR, SMR or
    SEQ). Only the DMs in ``dms`` (default: all) may change their preferences. For an outcome
    with several states, the state needing the smallest change is chosen (all are listed in
    ``candidates``). ``max_evaluations`` bounds the SEQ search."""
    compiled = as_compiled(conflict, parameters, perspective)
    c = normalize_concepts([concept])[0]
    if c not in INVERSE_CONCEPTS:
        raise DetenteError(f"inverse analysis supports Nash, GMR, SMR and SEQ, not {CONCEPT_LABELS[c]}",
                           field="concept")
    game = compiled.game
    free = set(range(game.n_dms)) if dms is None else set(dm_indices(compiled, dms, "dms"))
    targets = resolve_states(compiled, state, "state")
    results = [_inverse_one(compiled, int(t), c, free, max_evaluations) for t in targets.tolist()]
    feasible = [r for r in results if r.feasible]
    best = min(feasible, key=lambda r: (r.distance, r.state)) if feasible else results[0]
    best.candidates = [{"state": r.state, "feasible": r.feasible, "distance": r.distance if r.feasible else None,
                        "verified": r.verified} for r in results]
    return best


def _stable_at(game: Game, levels: np.ndarray, i: int, t: int, concept: str) -> bool:
    g = Game(game.dm_names, levels, game.moves, game.space, game.dm_bits)
    return bool(stable_for(g, i, concept)[t])


def _inverse_one(compiled: Compiled, t: int, c: str, free: set[int], max_evaluations: int) -> InverseResult:
    game = compiled.game
    names = game.dm_names
    n = game.n_dms
    base = game.levels
    proven = True
    found = None
    if c != "seq":
        heights = {i: _fast_height(game, i, t, c, base) if i in free else None for i in range(n)}
        new = np.stack([raised_levels(base[i], t, heights[i]) for i in range(n)])
        lower = sum(raise_cost(base[i], t, heights[i]) for i in range(n))
        optimal, method = True, "exact (closed form)"
    else:
        new, heights, lower, method = _seq_search(game, t, free, max_evaluations)
        optimal = new is not None and sum(raise_cost(base[i], t, heights[i]) for i in range(n)) == lower
        if not optimal:
            found = _seq_exhaustive(game, t, free)
            if found is not None:       # every ranking of the free DMs was considered
                exact, dist = found
                proven = True
                if exact is not None:
                    new, optimal, lower = exact, True, dist
                    heights = {i: None for i in range(n)}
                    method = "exhaustive search over every ranking (with ties) of the DMs allowed to change"
                else:
                    new = None
                    method = "exhaustive search over every ranking (with ties) of the DMs allowed to change"
        if new is None:
            new = base.copy()
            if found is None:
                proven = _seq_impossible(game, t, free)
    assert new is not None
    bad = [names[i] for i in range(n) if not _stable_at(game, new, i, t, c)]
    changes = {}
    for i in range(n):
        cls = _clause_list(game, i, t, c, new if c == "seq" else base, base)
        h = heights[i]
        anchor = None
        if h is not None and h >= base[i][t]:
            anchor = int(np.flatnonzero(base[i] == h)[0]) + 1
        demoted = (np.flatnonzero((base[i] > base[i][t]) & (new[i] <= new[i][t])) + 1).tolist()
        if h is None and not np.array_equal(new[i], base[i]):    # a reordering found by exhaustive search
            dist = kendall_distance(base[i], new[i])
        else:
            dist = raise_cost(base[i], t, h)
        changes[names[i]] = DMChange(names[i], cls, anchor, demoted, dist, new[i], changeable=i in free)
    distance = sum(ch.distance for ch in changes.values())
    result = InverseResult(compiled, t + 1, c, not bad, changes, distance, lower, optimal and not bad, method)
    if bad:
        fixed = [x for x in bad if names.index(x) not in free]
        who = ", ".join(fixed or bad)
        result.proven = proven
        if proven:
            result.reason = (f"under the preferences allowed to change, state {t + 1} stays {CONCEPT_LABELS[c]}-"
                             f"unstable for {who}" + (" (whose preferences are held fixed)" if fixed else ""))
        else:
            result.reason = (f"no change of the preferences allowed to change was found that makes state {t + 1} "
                             f"{CONCEPT_LABELS[c]}-stable for {who} ({method}); any change needs a distance of at "
                             f"least {lower}. A change that reorders other states in a free DM's ranking, so that "
                             f"its moves become sanctions, may still exist.")
        return result
    prefs = {names[i]: changes[names[i]].ranking() for i in range(n) if changes[names[i]].changed}
    if compiled.n_states <= FULL_VERIFY_STATES:
        result.conflict = compiled.conflict.with_preferences(prefs) if prefs else compiled.conflict
        result.verified = _verify(result.conflict, t + 1, c)
    else:
        # large models: the new rankings, read back into levels, re-run through the stability
        # kernels on the compiled moves (recompiling the whole conflict would repeat the work)
        result._conflict = (lambda: compiled.conflict.with_preferences(prefs)) if prefs else compiled.conflict
        levels = np.stack([_ranking_to_levels(prefs[names[i]], compiled.n_states) if names[i] in prefs
                           else base[i] for i in range(n)])
        result.verified = all(_stable_at(game, levels, i, t, c) for i in range(n))
    return result


FULL_VERIFY_STATES = 4096
"""Up to this many states an answer is verified by compiling and analysing the changed conflict."""


def _ranking_to_levels(ranking: Ranking, m: int) -> np.ndarray:
    """Levels (higher = better) of a :class:`Ranking` over states 1..m."""
    levels = np.full(m, -1, dtype=np.int32)
    top = len(ranking.order) - 1
    for k, group in enumerate(ranking.order):
        levels[np.asarray(group, dtype=np.int64) - 1] = top - k
    if (levels < 0).any():
        raise ValueError("ranking misses states")
    return levels


def _verify(conflict: Conflict, state: int, concept: str) -> bool:
    from .equilibria import analyze

    return state in analyze(conflict, concepts=[concept]).equilibria[concept]


def _seq_search(game: Game, t: int, free: set[int], max_evaluations: int, max_rounds: int = 20):
    """Search over the positions of s* in the free DMs' rankings (see the module docstring).

    First each free DM's SEQ height is computed in closed form against the others' current
    candidate rankings, round after round until the heights settle; then profiles of positions
    are tried best first (cheapest total distance first) for anything cheaper, within
    ``max_evaluations`` checks. Returns (levels or None, heights, lower bound, method)."""
    base = game.levels
    n = game.n_dms

    def build(heights) -> np.ndarray:
        return np.stack([raised_levels(base[i], t, heights[i]) for i in range(n)])

    def works(levels) -> bool:
        return all(_stable_at(game, levels, i, t, "seq") for i in range(n))

    def cost(heights) -> int:
        return sum(raise_cost(base[i], t, heights[i]) for i in range(n))

    options: list[list[tuple[int, int | None]]] = []
    lower = 0
    for i in range(n):
        u = base[i]
        if i not in free:
            options.append([(0, None)])
            continue
        g = _fast_height(game, i, t, "gmr", base)
        top = _fast_height(game, i, t, "nash", base)
        cands: list[int | None] = [None] if g is None else []
        if top is not None:
            cands += [lv for lv in sorted(set(u[u > u[t]].tolist())) if (g is None or lv >= g) and lv <= top]
        opts = sorted({(raise_cost(u, t, h), h) for h in cands}, key=lambda x: (x[0], -1 if x[1] is None else x[1]))
        options.append(opts)
        lower += opts[0][0]
    if lower == 0 and not works(base):
        lower = 1
    best: tuple[int, dict] | None = None
    # 1. each DM's own SEQ height against the others, until the heights settle
    heights: dict[int, int | None] = {i: None for i in range(n)}
    for _ in range(max_rounds):
        levels = build(heights)
        new = dict(heights)
        for i in free:
            h = _fast_height(game, i, t, "seq", levels)
            current = new[i]
            if h is not None and (current is None or h > current):
                new[i] = h
        if new == heights:
            break
        heights = new
    if works(build(heights)):
        best = (cost(heights), heights)
    # 2. best first over positions, for anything cheaper
    evaluations = 0
    if best is None or best[0] > lower:
        start = tuple(0 for _ in range(n))
        heap = [(sum(options[i][0][0] for i in range(n)), start)]
        seen = {start}
        while heap and evaluations < max_evaluations:
            total, idx = heapq.heappop(heap)
            if best is not None and total >= best[0]:
                break
            hs = {i: options[i][k][1] for i, k in enumerate(idx)}
            evaluations += 1
            if works(build(hs)):
                best = (total, hs)
                break
            for i in range(n):
                if idx[i] + 1 < len(options[i]):
                    nxt = idx[:i] + (idx[i] + 1,) + idx[i + 1:]
                    if nxt not in seen:
                        seen.add(nxt)
                        heapq.heappush(heap, (total - options[i][idx[i]][0] + options[i][idx[i] + 1][0], nxt))
    if best is not None:
        return build(best[1]), best[1], lower, f"search over positions ({evaluations} profile(s) tried best first)"
    # 3. Nash heights for the free DMs (Nash implies SEQ, whatever the others do)
    hs = {i: (options[i][-1][1] if i in free else None) for i in range(n)}
    if works(build(hs)):
        return build(hs), hs, lower, "Nash positions (search budget exhausted; Nash implies SEQ)"
    return None, {i: None for i in range(n)}, lower, "search found no change of the DMs allowed to change"


EXHAUSTIVE_MAX_STATES = 6
EXHAUSTIVE_MAX_PROFILES = 20000


def _weak_orders(m: int) -> np.ndarray:
    """Every ranking with ties of m states as level vectors (rows; 0 = worst, consecutive levels)."""
    grid = np.stack(np.meshgrid(*[np.arange(m)] * m, indexing="ij"), axis=-1).reshape(-1, m)
    top = grid.max(axis=1)
    used = np.zeros(grid.shape[0], dtype=np.int64)
    for v in range(m):
        used += (grid == v).any(axis=1)
    return grid[used == top + 1]


def _kendall_rows(u: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Kendall distance (pairs whose relation differs) from ``u`` to each row of ``rows``."""
    su = np.sign(u[:, None].astype(np.int64) - u[None, :])
    sv = np.sign(rows[:, :, None] - rows[:, None, :])
    return (sv != su[None]).sum(axis=(1, 2)) // 2


def _seq_exhaustive(game: Game, t: int, free: set[int]):
    """The smallest change making t SEQ-stable for every DM, over every ranking of the free DMs.

    None when the model is too large to enumerate; else (levels or None if no ranking works,
    distance). Profiles are tried in order of total distance, so the first that works is optimal.
    """
    m, n = game.n_states, game.n_dms
    fr = sorted(free)
    if not fr or m > EXHAUSTIVE_MAX_STATES:
        return None
    orders = _weak_orders(m)
    if orders.shape[0] ** len(fr) > EXHAUSTIVE_MAX_PROFILES:
        return None
    dists = [_kendall_rows(game.levels[i], orders) for i in fr]
    grids = np.meshgrid(*[np.arange(orders.shape[0])] * len(fr), indexing="ij")
    combos = np.stack([g.reshape(-1) for g in grids], axis=1)
    total = np.zeros(len(combos), dtype=np.int64)
    for k, d in enumerate(dists):
        total += d[combos[:, k]]
    base = game.levels
    for row in np.argsort(total, kind="stable").tolist():
        levels = base.copy()
        for k, i in enumerate(fr):
            levels[i] = orders[combos[row, k]]
        if all(_stable_at(game, levels, i, t, "seq") for i in range(n)):
            return levels, int(total[row])
    return None, 0


def _seq_impossible(game: Game, t: int, free: set[int]) -> bool:
    """True when no preferences of the free DMs can make t SEQ-stable for every fixed DM: even
    with every move of a free DM counted as an improvement (a superset of any R^+), some fixed
    DM keeps an unanswered improvement. (Free DMs can always be made stable by ranking t first.)"""
    from ..engine.reach import reach_min

    improving = [None if j in free else game.levels[j] for j in range(game.n_dms)]
    for i in range(game.n_dms):
        if i in free:
            continue
        u = game.levels[i]
        X = reach_min(game.moves, game.others(i), u, improving=improving)
        q = np.asarray(game.moves.targets(i, t), dtype=np.int64)
        if q.size and bool(((u[q] > u[t]) & (X[q] > u[t])).any()):
            return True
    return False


__all__ = ["inverse", "InverseResult", "DMChange", "Clause", "kendall_distance", "raised_levels",
           "raise_cost", "levels_to_ranking"]
