"""Status quo analysis: where can the conflict go from where it is now, and by which moves?

From a status quo state s0 the conflict evolves by a *legal sequence* of steps: each step is
made by one mover, and no mover makes two steps in succession (its two steps would be one
move). Three kinds of evolution are traced, as in Li, Kilgour & Hipel (2005) and Xu, Kilgour,
Hipel & Kemkes (2010):

- ``moves``: every step is a unilateral move, q ∈ R_i(s);
- ``improvements``: every step is a unilateral improvement (UI) of its mover, q ∈ R_i^+(s);
- ``coalitional``: every step is either a UI of one DM or a *coalitional improvement* of a
  coalition H of two or more DMs, q ∈ R_H^{++}(s) = {q ∈ R_H(s) : q ≻_j s for every j ∈ H},
  where R_H(s) holds the states H reaches by a legal sequence of its members' unilateral moves
  (the intermediate states need not please anyone; the end state must please every member,
  compared with the state where the joint move began).

A step's mover is a DM or a coalition; "no mover twice in succession" compares movers as
such (a coalition may follow one of its members and vice versa, but a coalition may not make
two joint moves in a row, which would be one joint move).

The search is breadth-first over (state, last mover) pairs, so each reachable state comes with a
shortest legal path. It runs a whole level of pairs at a time: unilateral steps expand the
frontier at once through the move tables, and a coalition's steps are found for every state at
once by :class:`~detente.engine.improvements.CoalitionImprovements` (the coalition's reach as a
small DAG of components, and "better for every member" as a query on the members' preference
ranks), so no states × states table is ever built. Ties are broken as a pair-by-pair search with
a queue would break them (movers in order, targets ascending), so the paths are the same. The *reachable equilibria* are the equilibria (under each solution concept
asked) among the states reached, the status quo included (reached by the empty sequence).
States where the evolution stops (no mover has a step of the given kind) are reported too.

>>> import detente
>>> ev = evolve(detente.examples.prisoners_dilemma(), status_quo=4, concepts=["nash"])
>>> ev.reachable_equilibria["improvements"]["nash"]      # from mutual cooperation, defection
[1]
>>> [(s.mover_names, s.start, s.end) for s in ev.paths["improvements"][1]]
[(['alice'], 4, 3), (['bob'], 3, 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.coalition import reach_dag
from ..engine.improvements import CoalitionImprovements, level_ranks
from ..engine.moves import INT_FILL_MAX
from ..engine.stability import CONCEPT_LABELS, normalize_concepts, stability
from ..errors import DetenteError
from ..model import Conflict
from .common import DEFAULT_CONCEPTS, as_compiled, coalition_list, coalition_names, resolve_state
from .compile import Compiled

MODES = ("moves", "improvements", "coalitional")
MODE_LABELS = {"moves": "unilateral moves", "improvements": "unilateral improvements",
               "coalitional": "unilateral and coalitional improvements"}


@dataclass
class Step:
    """One step of an evolution path: ``mover`` (DM indices: one DM, or a coalition) moves the
    conflict from ``start`` to ``end`` (1-based states). For a coalition, ``via`` lists the legal
    sequence of its members' unilateral moves as (DM name, state) pairs (found when first asked)."""

    mover: tuple[int, ...]
    mover_names: list[str]
    start: int
    end: int
    _via: list[tuple[str, int]] | Callable[[], list[tuple[str, int]]] = field(default_factory=list, repr=False)

    @property
    def via(self) -> list[tuple[str, int]]:
        if callable(self._via):
            self._via = self._via()
        return self._via

    @property
    def is_coalition(self) -> bool:
        return len(self.mover) > 1

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"mover": self.mover_names if self.is_coalition else self.mover_names[0],
                             "from": self.start, "to": self.end}
        if self.is_coalition:
            d["via"] = [{"mover": dm, "state": st} for dm, st in self.via]
        return d

    def __str__(self) -> str:
        who = " + ".join(self.mover_names)
        inner = f" (via {', '.join(f'{dm} → {st}' for dm, st in self.via)})" if self.via else ""
        return f"{who}: {self.start} → {self.end}{inner}"


@dataclass
class Evolution:
    """The result of :func:`evolve`. State numbers are 1-based.

    ``reached[mode]`` maps every state reached to a shortest path (list of :class:`Step`);
    ``reachable_equilibria[mode][concept]`` lists the equilibria among them, and
    ``paths[mode][state]`` the path to each reachable equilibrium (any concept).
    """

    compiled: Compiled
    status_quo: int
    concepts: list[str]
    modes: list[str]
    coalitions: list[tuple[int, ...]]
    stable: dict[str, np.ndarray]
    reached: dict[str, Paths]
    stops: dict[str, list[int]]

    @property
    def dm_names(self) -> list[str]:
        return self.compiled.game.dm_names

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """All equilibria of the conflict, per concept (reachable or not)."""
        return {c: (np.flatnonzero(self.stable[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    @property
    def reachable_equilibria(self) -> dict[str, dict[str, list[int]]]:
        """{mode: {concept: equilibria reached from the status quo}}, ordered by path length."""
        out: dict[str, dict[str, list[int]]] = {}
        for mode in self.modes:
            order = self.reached[mode].nearest()
            everyone: dict[str, np.ndarray] = {c: np.asarray(self.stable[c].all(axis=0)) for c in self.concepts}
            out[mode] = {c: (order[everyone[c][order]] + 1).tolist() for c in self.concepts}
        return out

    @property
    def paths(self) -> dict[str, dict[int, list[Step]]]:
        """{mode: {equilibrium: shortest path}} for every equilibrium reached under any concept."""
        out: dict[str, dict[int, list[Step]]] = {}
        for mode, per in self.reachable_equilibria.items():
            paths = self.reached[mode]
            states = sorted({s for lst in per.values() for s in lst}, key=lambda s: (paths.distance(s), s))
            out[mode] = {s: paths[s] for s in states}
        return out

    def reachable(self, mode: str = "coalitional") -> list[int]:
        """Every state reached under ``mode``, nearest first (the status quo first)."""
        self._check_mode(mode)
        return (self.reached[mode].nearest() + 1).tolist()

    def path(self, state: int, mode: str = "coalitional") -> list[Step] | None:
        """A shortest legal path from the status quo to ``state`` (None if not reachable)."""
        self._check_mode(mode)
        return self.reached[mode].get(int(state))

    def _check_mode(self, mode: str) -> None:
        if mode not in self.modes:
            raise DetenteError(f"mode '{mode}' was not traced (traced: {', '.join(self.modes)})", field="modes")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: ``reachable_equilibria`` and ``paths`` per mode, and more."""
        return {
            "conflict": self.compiled.conflict.name,
            "status_quo": self.status_quo,
            "concepts": list(self.concepts),
            "modes": list(self.modes),
            "coalitions": [coalition_names(self.compiled, h) for h in self.coalitions],
            "equilibria": self.equilibria,
            "reachable_equilibria": self.reachable_equilibria,
            "paths": {mode: {str(s): [st.to_dict() for st in p] for s, p in per.items()}
                      for mode, per in self.paths.items()},
            "reachable_states": {mode: self.reachable(mode) for mode in self.modes},
            "stops": {mode: list(self.stops[mode]) for mode in self.modes},
        }

    def label(self, state: int) -> str:
        """'10 (historical)': a state number with the named outcomes it belongs to."""
        names = [name for name, mask in self.compiled.outcomes.items() if mask[state - 1]]
        return f"{state} ({', '.join(names)})" if names else str(state)

    def summary(self) -> str:
        """The story in words: per mode, the equilibria reached and how."""
        lines = [f"Evolution of {self.compiled.conflict.name} from status quo state {self.label(self.status_quo)}"]
        for mode in self.modes:
            stops = ", ".join(self.label(s) for s in self.stops[mode]) or "no state"
            lines.append(f"By {MODE_LABELS[mode]}: {len(self.reached[mode])} state(s) reachable; it stops at {stops}")
            for c in self.concepts:
                eq = self.reachable_equilibria[mode][c]
                lines.append(f"  {CONCEPT_LABELS[c]} equilibria reached: {eq or 'none'}")
            for s, p in self.paths[mode].items():
                steps = "; ".join(str(st) for st in p) if p else "it is the status quo"
                lines.append(f"  to {self.label(s)}: {steps}")
        return "\n".join(lines)


def evolve(conflict: Conflict | Compiled | Any, *, status_quo: Any = None, modes: Iterable[str] = MODES,
           coalitions: Iterable[Iterable[str]] | None = None, concepts: Iterable[str] = DEFAULT_CONCEPTS,
           parameters: Mapping[str, float] | None = None, perspective: str | None = None) -> Evolution:
    """Trace the conflict's evolution from ``status_quo`` (a state number, named outcome or
    condition naming one state; default: the conflict's declared status quo).

    ``modes``: any of "moves", "improvements", "coalitional"; ``coalitions``: the coalitions
    that may make joint improvements (lists of DM names; default the conflict's declared
    coalitions, else every group of two or more DMs).
    """
    compiled = as_compiled(conflict, parameters, perspective)
    concepts = normalize_concepts(concepts)
    modes = list(dict.fromkeys(str(m).strip().lower() for m in modes))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise DetenteError(f"unknown evolution mode(s) {unknown} (known: {', '.join(MODES)})", field="modes")
    s0 = resolve_state(compiled, status_quo, "status_quo")
    groups = coalition_list(compiled, coalitions) if "coalitional" in modes else []
    joint = _coalition_moves(compiled, groups) if groups else []
    stable = stability(compiled.game, concepts)
    reached: dict[str, Paths] = {}
    stops: dict[str, list[int]] = {}
    for mode in modes:
        trace = _trace(compiled, s0, mode, groups, joint)
        reached[mode], stops[mode] = Paths(trace, _step_maker(compiled, trace.movers)), trace.stops
    return Evolution(compiled, s0 + 1, concepts, modes, groups, stable, reached, stops)


def _joint_path(game: Any, members: tuple[int, ...], a: int, b: int) -> list[tuple[int, int]]:
    """A shortest legal sequence of the members' unilateral moves from a to b, as (DM, state)
    steps: the one :class:`~detente.engine.reach.Reach` finds (same search, same ties), by the
    level-at-a-time search stopped at b."""
    movers: list[tuple[int, ...]] = [(j,) for j in members]
    pair_state, pair_mover, pair_parent, first_pair, _, _ = _search(
        game.moves, game.levels, a, movers, False, [], [None] * len(movers), stop_at=b)
    steps: list[tuple[int, int]] = []
    key = int(first_pair[b])
    while key > 0:
        steps.append((members[int(pair_mover[key])], int(pair_state[key])))
        key = int(pair_parent[key])
    return steps[::-1]


def _step_maker(compiled: Compiled, movers: list[tuple[int, ...]]) -> Callable[[int, int, int], Step]:
    """Step(mover k, a → b) with 1-based states; a coalition's ``via`` is searched when first asked."""
    game = compiled.game
    names = game.dm_names

    def via(k: int, a: int, b: int) -> Callable[[], list[tuple[str, int]]]:
        return lambda: [(names[mv], st + 1) for mv, st in _joint_path(game, movers[k], a, b)]

    def step(k: int, a: int, b: int) -> Step:
        return Step(movers[k], coalition_names(compiled, movers[k]), a + 1, b + 1,
                    via(k, a, b) if len(movers[k]) > 1 else [])

    return step


_NO_POS = np.iinfo(np.int64).max


@dataclass
class _Trace:
    """The breadth-first search over (state, last mover) pairs of one mode, as arrays.

    Pair 0 is the status quo with no last mover; pair p is state ``pair_state[p]`` reached by
    mover ``pair_mover[p]`` from pair ``pair_parent[p]``. ``first_pair[q]`` is the pair by which
    state q was first reached (-1: never), ``depth[q]`` its distance, ``discovered`` the reached
    states in the order they were first reached.
    """

    movers: list[tuple[int, ...]]
    pair_state: np.ndarray
    pair_mover: np.ndarray
    pair_parent: np.ndarray
    first_pair: np.ndarray
    depth: np.ndarray
    discovered: np.ndarray
    stops: list[int]


class Paths(Mapping[int, list[Step]]):
    """Every state reached (1-based) → a shortest legal path to it, each path built when first asked.

    Iterates in the order the search first reached the states (the status quo first).
    """

    def __init__(self, trace: _Trace, step: Callable[[int, int, int], Step]):
        self._trace = trace
        self._step = step
        self._cache: dict[int, list[Step]] = {}

    def __getitem__(self, state: int) -> list[Step]:
        q = int(state) - 1
        if not 0 <= q < self._trace.first_pair.size or self._trace.first_pair[q] < 0:
            raise KeyError(state)
        if q not in self._cache:
            t = self._trace
            steps: list[Step] = []
            key = int(t.first_pair[q])
            while key > 0:
                prev = int(t.pair_parent[key])
                steps.append(self._step(int(t.pair_mover[key]), int(t.pair_state[prev]), int(t.pair_state[key])))
                key = prev
            self._cache[q] = steps[::-1]
        return self._cache[q]

    def __contains__(self, state: object) -> bool:
        if not isinstance(state, (int, np.integer)) or isinstance(state, bool):
            return False
        q = int(state) - 1
        return 0 <= q < self._trace.first_pair.size and bool(self._trace.first_pair[q] >= 0)

    def __iter__(self) -> Iterator[int]:
        return iter((self._trace.discovered + 1).tolist())

    def __len__(self) -> int:
        return int(self._trace.discovered.size)

    def distance(self, state: int) -> int:
        """The number of steps of a shortest path to ``state`` (1-based)."""
        if state not in self:
            raise KeyError(state)
        return int(self._trace.depth[int(state) - 1])

    def nearest(self) -> np.ndarray:
        """The reached states (0-based) ordered by (distance, state)."""
        d = self._trace.discovered
        return d[np.lexsort((d, self._trace.depth[d]))]


def _coalition_moves(compiled: Compiled, groups: list[tuple[int, ...]]) -> list[CoalitionImprovements]:
    """Each coalition's reach DAG and improvement queries, after checking the work they imply."""
    from .. import limits

    game = compiled.game
    ranks = level_ranks(game.levels)
    classes: dict = {}
    joint = [CoalitionImprovements(reach_dag(game.moves, h, classes), h, game.levels, ranks) for h in groups]
    sizes = [float(np.prod([ranks[j][1] + 1 for j in h], dtype=np.float64)) for h in groups]
    limits.check_coalitional_evolution(game.n_states, [(ci.dag.n_nodes, cells, len(h))
                                                       for ci, cells, h in zip(joint, sizes, groups)],
                                       source=compiled.conflict.source)
    return joint


def _search(moves: Any, levels: np.ndarray, s0: int, movers: list[tuple[int, ...]], improving: bool,
            joint: list[CoalitionImprovements], improves: list[np.ndarray | None], stop_at: int = -1):
    """Breadth-first search over (state, last mover) pairs, one whole level at a time.

    The order is that of a pair-by-pair search with a queue: within a level, pairs are taken
    in queue order, movers in order, targets ascending. So a new pair (q, k) gets as parent the
    first pair of the previous level (last mover ≠ k) from which k's step reaches q, and the new
    level is ordered by (parent's position, k, q). Unilateral steps expand the whole frontier at
    once; a coalition's steps (movers after the single DMs, ``joint[k - n_single]``) ask, for
    every state the coalition has not reached yet, for the first frontier state it is a
    coalitional improvement from. ``improves[k]`` caches which states have any. With
    ``stop_at``, the search ends with the level that first reaches that state.

    Returns (pair_state, pair_mover, pair_parent, first_pair, depth, discovered).
    """
    m = int(levels.shape[1])
    n_single = sum(1 for h in movers if len(h) == 1)

    def joint_of(k: int) -> CoalitionImprovements:
        return joint[k - n_single]

    seen = np.zeros((len(movers), m), dtype=bool)
    pair_state = [np.array([s0], dtype=np.int64)]
    pair_mover = [np.array([-1], dtype=np.int64)]
    pair_parent = [np.array([-1], dtype=np.int64)]
    first_pair = np.full(m, -1, dtype=np.int64)
    first_pair[s0] = 0
    depth = np.full(m, -1, dtype=np.int64)
    depth[s0] = 0
    discovered = [np.array([s0], dtype=np.int64)]
    f_state, f_last, f_base, n_pairs, level = pair_state[0], pair_mover[0], 0, 1, 0
    scratch = np.empty(m, dtype=np.int64)
    while f_state.size:
        level += 1
        # a state's first and second position in the frontier (its pairs have distinct last movers)
        n_f = f_state.size
        at = np.arange(n_f, dtype=np.int64)
        scratch.fill(n_f)
        np.minimum.at(scratch, f_state, at)
        first_at = scratch[f_state]
        is_first = first_at == at
        later = np.flatnonzero(~is_first)
        is_second = np.zeros(n_f, dtype=bool)
        if later.size:
            scratch.fill(n_f)
            np.minimum.at(scratch, f_state[later], later)
            is_second[later] = scratch[f_state[later]] == later
        last_of_first = f_last[first_at]
        got_q, got_k, got_pos = [], [], []
        for k, members in enumerate(movers):
            # per state, its first position with a last mover other than k, in position order
            pos = np.flatnonzero((is_first & (f_last != k)) | (is_second & (last_of_first == k)))
            if not pos.size:
                continue
            src = f_state[pos]
            if len(members) == 1:
                j = members[0]
                rows, tg = moves.expand(j, src)
                keep = ~seen[k, tg]
                if improving:
                    keep &= levels[j, tg] > levels[j, src[rows]]
                rows, tg = rows[keep], tg[keep]
                if not tg.size:
                    continue
                best = np.full(m, _NO_POS, dtype=np.int64)
                np.minimum.at(best, tg, pos[rows])
                q = np.flatnonzero(best != _NO_POS)
                p = best[q]
            else:
                some = improves[k]
                if some is None:
                    some = improves[k] = joint_of(k).exists()
                useful = some[src]                        # start states with some improvement at all
                if not useful.any():
                    continue
                src, pos = src[useful], pos[useful]
                cand = np.flatnonzero(~seen[k])
                idx = joint_of(k).first(src, cand)
                hit = idx >= 0
                q, p = cand[hit], pos[idx[hit]]
            seen[k, q] = True
            got_q.append(q)
            got_k.append(np.full(q.size, k, dtype=np.int64))
            got_pos.append(p)
        if not got_q:
            break
        q, kk, p = np.concatenate(got_q), np.concatenate(got_k), np.concatenate(got_pos)
        order = np.argsort((p * len(movers) + kk) * m + q)        # by (position, mover, state)
        q, kk, p = q[order], kk[order], p[order]
        ids = n_pairs + np.arange(q.size, dtype=np.int64)
        pair_state.append(q)
        pair_mover.append(kk)
        pair_parent.append(f_base + p)
        fresh = np.flatnonzero(first_pair[q] < 0)
        if fresh.size:
            scratch.fill(q.size)
            np.minimum.at(scratch, q[fresh], fresh)
            where = fresh[scratch[q[fresh]] == fresh]          # each new state's first pair, in order
            new = q[where]
            first_pair[new] = ids[where]
            depth[new] = level
            discovered.append(new)
        f_state, f_last, f_base, n_pairs = q, kk, n_pairs, n_pairs + q.size
        if stop_at >= 0 and first_pair[stop_at] >= 0:
            break

    return (np.concatenate(pair_state), np.concatenate(pair_mover), np.concatenate(pair_parent), first_pair, depth,
            np.concatenate(discovered))


def _trace(compiled: Compiled, s0: int, mode: str, groups: list[tuple[int, ...]],
           joint: list[CoalitionImprovements]) -> _Trace:
    """The search of one mode from s0, and the states where it stops."""
    game = compiled.game
    moves = game.moves
    levels = game.levels
    m = game.n_states
    movers: list[tuple[int, ...]] = [(i,) for i in range(game.n_dms)]
    if mode == "coalitional":
        movers += groups
    improving = mode != "moves"
    improves: list[np.ndarray | None] = [None] * len(movers)    # per coalition: R_H^{++}(s) ≠ ∅
    pair_state, pair_mover, pair_parent, first_pair, depth, reached = _search(
        moves, levels, s0, movers, improving, joint, improves)
    has_step = np.zeros(m, dtype=bool)
    for k, members in enumerate(movers):
        if len(members) == 1:
            j = members[0]
            if improving:
                has_step |= moves.reduce_closed(j, levels[j], "max") > levels[j]
            else:
                has_step |= moves.reduce(j, np.zeros(m, dtype=np.int32), "max") != INT_FILL_MAX
        else:
            done = improves[k]
            has_step[reached] |= done[reached] if done is not None else joint[k - game.n_dms].exists(reached)
    stops = sorted((reached[~has_step[reached]] + 1).tolist())
    return _Trace(movers, pair_state, pair_mover, pair_parent, first_pair, depth, reached, stops)


__all__ = ["evolve", "Evolution", "Step", "Paths", "MODES"]
