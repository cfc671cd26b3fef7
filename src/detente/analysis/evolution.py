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
shortest legal path. The *reachable equilibria* are the equilibria (under each solution concept
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

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.reach import Reach
from ..engine.stability import CONCEPT_LABELS, normalize_concepts, stability
from ..errors import DetenteError
from ..model import Conflict
from ..engine.joint_reach import MAX_MATRIX_STATES, arcs_of, legal_reach_arcs
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
    reached: dict[str, dict[int, list[Step]]]
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
            order = sorted(self.reached[mode], key=lambda s: (len(self.reached[mode][s]), s))
            out[mode] = {c: [s for s in order if self.stable[c][:, s - 1].all()] for c in self.concepts}
        return out

    @property
    def paths(self) -> dict[str, dict[int, list[Step]]]:
        """{mode: {equilibrium: shortest path}} for every equilibrium reached under any concept."""
        out: dict[str, dict[int, list[Step]]] = {}
        for mode, per in self.reachable_equilibria.items():
            states = sorted({s for lst in per.values() for s in lst},
                            key=lambda s: (len(self.reached[mode][s]), s))
            out[mode] = {s: self.reached[mode][s] for s in states}
        return out

    def reachable(self, mode: str = "coalitional") -> list[int]:
        """Every state reached under ``mode``, nearest first (the status quo first)."""
        self._check_mode(mode)
        return sorted(self.reached[mode], key=lambda s: (len(self.reached[mode][s]), s))

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
    if groups:
        from .. import limits

        limits.check_coalitional_evolution(compiled.n_states, len(groups), source=compiled.conflict.source)
    stable = stability(compiled.game, concepts)
    reached: dict[str, dict[int, list[Step]]] = {}
    stops: dict[str, list[int]] = {}
    for mode in modes:
        reached[mode], stops[mode] = _trace(compiled, s0, mode, groups)
    return Evolution(compiled, s0 + 1, concepts, modes, groups, stable, reached, stops)


def _trace(compiled: Compiled, s0: int, mode: str, groups: list[tuple[int, ...]]):
    game = compiled.game
    names = game.dm_names
    n, m = game.n_dms, game.n_states
    movers: list[tuple[int, ...]] = [(i,) for i in range(n)]
    if mode == "coalitional":
        movers += groups
    cache: dict[tuple[int, int], list[int]] = {}
    tables: dict[int, np.ndarray] = {}          # coalition k -> packed R_H rows (all states at once)
    arcs: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def joint_reach(k: int, s: int) -> np.ndarray:
        """R_H(s) for coalition k: from a table for all states, or one search on large models."""
        members = movers[k]
        if m <= MAX_MATRIX_STATES:
            if k not in tables:
                for j in members:
                    if j not in arcs:
                        arcs[j] = arcs_of(game, j)
                tables[k] = legal_reach_arcs(m, [arcs[j] for j in members], packed=True)
            return np.flatnonzero(np.unpackbits(tables[k][s], count=m))
        return np.asarray(sorted(Reach(game.moves, members, s).states), dtype=np.int64)

    def steps_from(k: int, s: int) -> list[int]:
        """Targets of mover k from s under the mode."""
        key = (k, s)
        if key in cache:
            return cache[key]
        members = movers[k]
        if len(members) == 1:
            i = members[0]
            t = game.moves.targets(i, s)
            if mode != "moves":
                t = t[game.levels[i][t] > game.levels[i][s]]
            out = np.sort(t).tolist()
        else:
            states = joint_reach(k, s)
            states = states[states != s]
            if states.size:
                lv = game.levels[list(members)]
                states = states[(lv[:, states] > lv[:, [s]]).all(axis=0)]
            out = states.tolist()
        cache[key] = out
        return out

    origin = (s0, -1)
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    first: dict[int, tuple[int, int]] = {s0: origin}
    seen = {origin}
    queue = deque([origin])
    while queue:
        s, last = queue.popleft()
        for k in range(len(movers)):
            if k == last:
                continue
            for q in steps_from(k, s):
                key = (q, k)
                if key in seen:
                    continue
                seen.add(key)
                parent[key] = (s, last)
                first.setdefault(q, key)
                queue.append(key)

    def via(k: int, a: int, b: int) -> Callable[[], list[tuple[str, int]]]:
        return lambda: [(names[mv], st + 1) for mv, st in Reach(game.moves, movers[k], a).path(b)]

    def path_to(q: int) -> list[Step]:
        key = first[q]
        steps: list[Step] = []
        while key != origin:
            prev = parent[key]
            k = key[1]
            steps.append(Step(movers[k], coalition_names(compiled, movers[k]), prev[0] + 1, key[0] + 1,
                              via(k, prev[0], key[0]) if len(movers[k]) > 1 else []))
            key = prev
        return list(reversed(steps))

    reached = {q + 1: path_to(q) for q in first}
    stops = sorted(q + 1 for q in first if all(not steps_from(k, q) for k in range(len(movers))))
    return reached, stops


__all__ = ["evolve", "Evolution", "Step", "MODES"]
