"""Coalition reachability R_H(s) and "min over everything H can reach", for all states at once.

R_H(s) is the set of states reachable by a legal sequence of unilateral moves by members of H:
no DM moves twice in succession, but a DM may move several times (A, B, A). R_H^+(s) is the
same with every step a unilateral improvement (UI) for the DM who makes it.

:func:`reach_min` returns, for every start state s, min of ``values`` over {s} ∪ R_H(s). The
start state is included on purpose: every caller compares against a state s with
s1 ∈ R_i^+(s), where s1 itself can never be a sanction, so including it changes no verdict and
keeps the computation a plain fixed point.

- Option form: two consecutive moves by the same DM compose into one legal move of that DM
  (and an improvement stays an improvement), so the legal-sequence rule is automatically met
  and R_H is plain reachability in the union of the members' move graphs. The fixed point
  G(s) = min(v(s), min_{j∈H} min_{q∈R_j(s)} G(q)) is found by Gauss–Seidel sweeps that only
  revisit blocks whose values changed.
- Graph form: moves do not compose, so the search runs over (state, last mover) pairs:
  G_j(s) = min(v(s), min_{l∈H, l≠j} min_{q∈R_l(s)} G_l(q)), with the start having no last mover.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def reach_min(moves, members: Sequence[int], values: np.ndarray,
              improving: np.ndarray | Sequence[np.ndarray | None] | None = None) -> np.ndarray:
    """min of ``values`` over {s} ∪ R_H(s) for every s (R_H^+ when ``improving`` levels are given).

    ``improving[j]`` are DM j's preference levels (used only for members j).
    """
    members = list(members)
    values = np.asarray(values, dtype=np.int32)
    if not members:
        return values.copy()
    if moves.composes:
        return _reach_min_composing(moves, members, values, improving)
    return _reach_min_last_mover(moves, members, values, improving)


def _reach_min_composing(moves, members, values, improving):
    fast = getattr(moves, "reach_min", None)
    if fast is not None:
        return fast(members, values, improving)
    # generic Gauss–Seidel for any composing moves offering reduce_closed
    G = values.copy()
    quiet = 0
    while True:
        for j in members:
            lev = None if improving is None else improving[j]
            new = moves.reduce_closed(j, G, "min", lev)
            if (new < G).any():
                G = np.minimum(G, new)
                quiet = 0
            else:
                quiet += 1
            if quiet >= len(members):
                return G


def _reach_min_last_mover(moves, members, values, improving):
    # G[j]: min over {s} ∪ states reachable from s when DM j made the last move (j may not move next)
    G = {j: values.copy() for j in members}
    while True:
        best_by = {}
        for l in members:
            lev = None if improving is None else improving[l]
            best_by[l] = moves.reduce(l, G[l], "min", lev)   # l moves next, then l was last
        changed = False
        for j in members:
            new = values.copy()
            for l in members:
                if l != j:
                    np.minimum(new, best_by[l], out=new)
            if (new < G[j]).any():
                G[j] = np.minimum(G[j], new)
                changed = True
        if not changed:
            start = values.copy()
            for l in members:
                np.minimum(start, best_by[l], out=start)
            return start


class Reach:
    """R_H(start) (or R_H^+(start)) found by breadth-first search over (state, last mover) pairs.

    ``states`` is the reachable set (the start only if a legal sequence returns to it);
    :meth:`path` gives a shortest legal sequence of (mover, state) steps to a state.
    """

    def __init__(self, moves, members: Sequence[int], start: int,
                 improving: np.ndarray | Sequence[np.ndarray | None] | None = None):
        from collections import deque

        self.start = start
        self._parent: dict[tuple[int, int], tuple[int, int]] = {}
        self._first: dict[int, tuple[int, int]] = {}
        origin = (start, -1)
        seen = {origin}
        queue = deque([origin])
        while queue:
            s, last = queue.popleft()
            for j in members:
                if j == last:
                    continue
                targets = moves.targets(j, s)
                lev = None if improving is None else improving[j]
                if lev is not None:
                    targets = targets[lev[targets] > lev[s]]
                for q in targets.tolist():
                    key = (q, j)
                    if key in seen:
                        continue
                    seen.add(key)
                    self._parent[key] = (s, last)
                    self._first.setdefault(q, key)
                    queue.append(key)

    @property
    def states(self) -> set[int]:
        return set(self._first)

    def states_in_order(self) -> list[int]:
        """The reachable states in order of discovery (nearest first)."""
        return list(self._first)

    def __contains__(self, q: int) -> bool:
        return q in self._first

    def path(self, q: int) -> list[tuple[int, int]]:
        """A shortest legal sequence of (mover, state) steps from the start to ``q``."""
        key = self._first[q]
        steps: list[tuple[int, int]] = []
        while key[1] != -1:
            steps.append((key[1], key[0]))
            key = self._parent[key]
        return list(reversed(steps))


__all__ = ["reach_min", "Reach"]
