"""Limited-move stability L_h and non-myopic stability (two decision makers).

A DM with foresight h looks h moves ahead, alternating between itself and its opponent, each
mover choosing the move that leads to its best anticipated outcome and staying put when no move
leads to something strictly better than where it stands. Definitions (Kilgour 1985; Kilgour,
Hipel & Fang 1987; Fang, Hipel & Kilgour 1993, ch. 4), for DMs i and j (j the opponent of i)
and the anticipated state G_h(i, s) when i is to move at s with h moves left:

- G_0(i, s) = s;
- for h ≥ 1, with M_h(i, s) = {k ∈ R_i(s) : G_{h−1}(j, k) ≻_i s} (the moves that, after the
  opponent's best line with h − 1 moves left, leave i strictly better off than staying):
  G_h(i, s) = s if M_h(i, s) = ∅, otherwise G_h(i, s) = G_{h−1}(j, k*) for a k* ∈ M_h(i, s)
  whose anticipated outcome i likes best: G_{h−1}(j, k*) ≿_i G_{h−1}(j, k) for all k ∈ M_h(i, s).
- s is **L_h stable** for i iff G_h(i, s) = s. An L_h equilibrium is L_h stable for both DMs.
- s is **non-myopically stable** (NM, L_∞) for i iff G_h(i, s) = s for every sufficiently large
  h, i.e. the anticipated state converges, and converges to s, as the horizon grows.

L_1 is Nash stability. For two DMs, L_2 stability implies SEQ stability (the opponent's best
response is one of its UIs and must deter).

**Ties.** When i's best anticipated outcomes are different states that i likes equally, the
definition leaves G_h open ("On some properties of limited move stability...", Discrete Applied
Mathematics 2024, points this out).
detente then takes the outcome with the smallest state number, and records each such case in
:attr:`LimitedMove.ambiguous`, so results on models with ties can be read with that in mind.
With strict preferences nothing is ambiguous.

**Computing the limit exactly.** The table of all G_h(·, ·) depends only on the table for h − 1,
so the sequence of tables is eventually periodic. detente iterates until a table repeats; the
non-myopic verdict is then exact: s is NM stable for i iff G_h(i, s) = s at every h on the cycle.

>>> import detente
>>> lm = limited_move(detente.examples.prisoners_dilemma(), horizons=[1, 2, 3])
>>> lm.equilibria        # mutual cooperation becomes stable once each looks two moves ahead
{'L1': [1], 'L2': [1, 4], 'L3': [1, 4], 'nonmyopic': [1, 4]}
>>> lm.nonmyopic_equilibria
[1, 4]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError
from ..model import Conflict
from .common import as_compiled, dm_indices, resolve_state, state_list
from .compile import Compiled

DEFAULT_MAX_HORIZON = 2000


@dataclass
class LimitedMove:
    """L_h stability for each horizon asked, and non-myopic stability. States are 1-based in
    public results; ``anticipated[h]`` and ``choice[h]`` are (2 × m) arrays of 0-based indices
    (``choice`` −1 where the mover stays)."""

    compiled: Compiled
    horizons: list[int]
    anticipated: dict[int, np.ndarray]
    choice: dict[int, np.ndarray]
    nonmyopic: np.ndarray | None
    cycle_start: int | None
    cycle_length: int | None
    ambiguous: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def dm_names(self) -> list[str]:
        return self.compiled.game.dm_names

    @property
    def stable(self) -> dict[int, np.ndarray]:
        """{h: (2 × m) bool}: is each state L_h stable for each DM?"""
        m = self.compiled.n_states
        return {h: self.anticipated[h] == np.arange(m)[None, :] for h in self.horizons}

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """{"L1": L_1 equilibria, "L2": ..., "nonmyopic": ...} (1-based), keyed like every other
        result's equilibria: by the stability notion (here the horizon)."""
        out = {f"L{h}": (np.flatnonzero(st.all(axis=0)) + 1).tolist() for h, st in self.stable.items()}
        if self.nonmyopic is not None:
            out["nonmyopic"] = (np.flatnonzero(self.nonmyopic.all(axis=0)) + 1).tolist()
        return out

    def summary(self) -> str:
        """Plain text: the L_h and non-myopic equilibria."""
        lines = [f"{self.compiled.conflict.name}: limited-move stability ({', '.join(self.dm_names)})"]
        lines += [f"  {k} equilibria: {state_list(eq)}" for k, eq in self.equilibria.items()]
        return "\n".join(lines)

    @property
    def nonmyopic_equilibria(self) -> list[int] | None:
        """States non-myopically stable for both DMs (None if the limit was not computed)."""
        if self.nonmyopic is None:
            return None
        return (np.flatnonzero(self.nonmyopic.all(axis=0)) + 1).tolist()

    def stable_states(self, dm: str, h: int) -> list[int]:
        i = dm_indices(self.compiled, [dm], "dm")[0]
        return (np.flatnonzero(self.stable[self._h(h)][i]) + 1).tolist()

    def _h(self, h: int) -> int:
        if h not in self.anticipated:
            raise DetenteError(f"horizon {h} was not computed (computed: {self.horizons})", field="horizon")
        return h

    def anticipated_state(self, dm: str, state: int, h: int) -> int:
        """G_h(dm, state): the state ``dm`` anticipates if it is to move at ``state`` (1-based)."""
        i = dm_indices(self.compiled, [dm], "dm")[0]
        t = resolve_state(self.compiled, state)
        return int(self.anticipated[self._h(h)][i, t]) + 1

    def line(self, dm: str, state: int, h: int) -> list[tuple[str, int]]:
        """The anticipated line of play behind G_h(dm, state): (mover, state moved to) steps,
        alternating movers, ending where the next mover stays (or after h moves)."""
        i = dm_indices(self.compiled, [dm], "dm")[0]
        t = resolve_state(self.compiled, state)
        steps: list[tuple[str, int]] = []
        k = self._h(h)
        while k > 0:
            q = int(self.choice[k][i, t])
            if q < 0:
                break
            steps.append((self.dm_names[i], q + 1))
            i, t, k = 1 - i, q, k - 1
        return steps

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.compiled.conflict.name,
            "decision_makers": self.dm_names,
            "horizons": list(self.horizons),
            "equilibria": self.equilibria,
            "stability": {str(h): {dm: (np.flatnonzero(st[i]) + 1).tolist() for i, dm in enumerate(self.dm_names)}
                          for h, st in self.stable.items()},
            "anticipated": {str(h): {dm: (self.anticipated[h][i] + 1).tolist() for i, dm in enumerate(self.dm_names)}
                            for h in self.horizons},
            "nonmyopic_equilibria": self.nonmyopic_equilibria,
            "nonmyopic": None if self.nonmyopic is None else
            {dm: (np.flatnonzero(self.nonmyopic[i]) + 1).tolist() for i, dm in enumerate(self.dm_names)},
            "cycle": None if self.cycle_start is None else {"start": self.cycle_start, "length": self.cycle_length},
            "ambiguous": [{"horizon": h, "dm": dm, "state": s} for h, dm, s in self.ambiguous],
        }


def _arcs(compiled: Compiled) -> list[tuple[np.ndarray, np.ndarray]]:
    game = compiled.game
    out = []
    for i in range(2):
        src, dst = [], []
        for s in range(game.n_states):
            t = game.moves.targets(i, s)
            src.append(np.full(t.size, s, dtype=np.int64))
            dst.append(np.asarray(t, dtype=np.int64))
        out.append((np.concatenate(src) if src else np.zeros(0, np.int64),
                    np.concatenate(dst) if dst else np.zeros(0, np.int64)))
    return out


def _step(levels: np.ndarray, arcs, prev: np.ndarray, h: int, names: list[str],
          ambiguous: list | None) -> tuple[np.ndarray, np.ndarray]:
    """G_h and the chosen moves from G_{h−1} (both (2 × m))."""
    m = levels.shape[1]
    G = np.tile(np.arange(m), (2, 1))
    choice = np.full((2, m), -1, dtype=np.int64)
    for i in range(2):
        j = 1 - i
        src, dst = arcs[i]
        if src.size == 0:
            continue
        u = levels[i]
        out = prev[j][dst]                       # the outcome if i moves src -> dst
        val = u[out]
        ok = val > u[src]
        if not ok.any():
            continue
        s_, d_, o_, v_ = src[ok], dst[ok], out[ok], val[ok]
        order = np.lexsort((d_, o_, -v_, s_))    # per state: best value, then smallest outcome, then move
        s_, d_, o_, v_ = s_[order], d_[order], o_[order], v_[order]
        head = np.ones(s_.size, dtype=bool)
        head[1:] = s_[1:] != s_[:-1]
        G[i, s_[head]] = o_[head]
        choice[i, s_[head]] = d_[head]
        if ambiguous is not None:
            # another move with the same value but a different outcome state
            idx = np.flatnonzero(head)
            nxt = idx + 1
            valid = nxt < s_.size
            idx, nxt = idx[valid], nxt[valid]
            amb = (s_[nxt] == s_[idx]) & (v_[nxt] == v_[idx]) & (o_[nxt] != o_[idx])
            for s in s_[idx[amb]].tolist():
                ambiguous.append((h, names[i], s + 1))
    return G, choice


def limited_move(conflict: Conflict | Compiled | Any, *, horizons: Iterable[int] | int = (1, 2, 3, 4),
                 nonmyopic: bool = True, max_horizon: int = DEFAULT_MAX_HORIZON,
                 parameters: Mapping[str, float] | None = None, perspective: str | None = None) -> LimitedMove:
    """L_h stability for each horizon in ``horizons`` (an int h means 1..h) and, with
    ``nonmyopic``, the non-myopic (limit) verdicts. Two-DM conflicts only."""
    compiled = as_compiled(conflict, parameters, perspective)
    game = compiled.game
    if game.n_dms != 2:
        raise DetenteError(f"limited-move and non-myopic stability are defined for two decision makers; "
                           f"this conflict has {game.n_dms}", field="decision_makers")
    if isinstance(horizons, (int, np.integer)):
        horizons = range(1, int(horizons) + 1)
    hs = sorted({int(h) for h in horizons})
    if not hs or hs[0] < 1:
        raise DetenteError("horizons must be whole numbers ≥ 1", field="horizon")
    if hs[-1] > max_horizon:
        raise DetenteError(f"horizon {hs[-1]} exceeds the limit of {max_horizon}", field="horizon")
    from .. import limits

    # measured: about 16 s for 65,536 states (horizons 1-4 and the non-myopic limit) on 2 cores
    limits.RUN_WORK.check(1000.0 * game.n_states, subject=f"limited-move analysis ({game.n_states:,} states)",
                          field="decision_makers", source=compiled.conflict.source,
                          advice="Analyse a smaller model (fewer options, or more feasibility constraints).")
    arcs = _arcs(compiled)
    names = game.dm_names
    m = game.n_states
    prev = np.tile(np.arange(m), (2, 1))
    tables: dict[int, np.ndarray] = {}
    choices: dict[int, np.ndarray] = {}
    ambiguous: list[tuple[int, str, int]] = []
    seen: dict[bytes, int] = {}
    history: list[np.ndarray] = []
    cycle_start = cycle_length = None
    nm = None
    limit = max_horizon if nonmyopic else hs[-1]
    h = 0
    while h < limit:
        h += 1
        G, ch = _step(game.levels, arcs, prev, h, names, ambiguous if h <= hs[-1] else None)
        if h in hs:
            tables[h], choices[h] = G, ch
        if nonmyopic and cycle_start is None:
            key = G.astype(np.int64).tobytes()
            if key in seen:
                cycle_start, cycle_length = seen[key], h - seen[key]
                on_cycle = history[cycle_start - 1:]
                nm = np.ones((2, m), dtype=bool)
                for T in on_cycle:
                    nm &= T == np.arange(m)[None, :]
            else:
                seen[key] = h
                history.append(G)
        prev = G
        if h >= hs[-1] and (not nonmyopic or cycle_start is not None):
            break
    if nonmyopic and cycle_start is None:
        raise DetenteError(f"the anticipated states did not become periodic within {max_horizon} moves; "
                           f"raise max_horizon or ask for fixed horizons only", field="horizon")
    return LimitedMove(compiled, hs, tables, choices, nm, cycle_start, cycle_length, ambiguous)


__all__ = ["limited_move", "LimitedMove"]
