"""Stability kernels: Nash, GMR, SMR, SEQ (any number of DMs), SIM and SEQ-SIM (option form).

Definitions (Fang, Hipel & Kilgour 1993; Xu et al. 2018), for DM i, state s, with levels
u_i (higher = more preferred) and N−i the other DMs:

- Nash: R_i^+(s) = ∅.
- GMR: every UI s1 ∈ R_i^+(s) is answered by some s2 ∈ R_{N−i}(s1) with u_i(s2) ≤ u_i(s).
- SMR: ... by some s2 ∈ R_{N−i}(s1) with u_i(s2) ≤ u_i(s) and u_i(s3) ≤ u_i(s) for every
  s3 ∈ R_i(s2) (i cannot escape the sanction).
- SEQ: ... by some s2 ∈ R^+_{N−i}(s1) with u_i(s2) ≤ u_i(s) (sanctions the others gain from).
- SIM (simultaneous sanctioning): every UI of i from s is answered by some combination of
  simultaneous moves from s by the other DMs (each moving in R_j(s) or staying, at least one
  moving) such that the combined state, which takes i's options from s1 and each j's options
  from its move, is feasible and u_i(combined) ≤ u_i(s).
- SEQ-SIM: as SIM, with each moving DM j restricted to its UIs R_j^+(s).

Each of GMR, SMR, SEQ is "for every UI s1: min over a reachable set of some value ≤ u_i(s)".
With X(s1) that minimum, s is unstable iff some s1 ∈ R_i(s) has u_i(s1) > u_i(s) and
X(s1) > u_i(s), i.e. iff max over R_i(s) of min(u_i, X) exceeds u_i(s): one reduction over
R_i for every state at once. The reduction may include s itself (min(u_i, X)(s) ≤ u_i(s)
never decides anything), which is the cheaper "closed" form the engine uses; likewise Nash
compares max of u_i over {s} ∪ R_i(s) with u_i(s), and that same array is SMR's escape value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from .moves import INT_FILL_MAX
from .reach import reach_min

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim")
CONCEPT_LABELS = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM",
                  "seqsim": "SEQ-SIM"}


@dataclass
class Game:
    """Arrays the engine works on: levels (n_dms × m, int32, higher = better) and moves.

    ``space`` is the option-form :class:`~detente.engine.states.StateSpace` (or None for graph
    form) and ``dm_bits[i]`` the options DM i controls (needed for SIM).
    """

    dm_names: list[str]
    levels: np.ndarray
    moves: Any
    space: Any = None
    dm_bits: list[list[int]] = field(default_factory=list)

    @property
    def n_states(self) -> int:
        return int(self.levels.shape[1])

    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    def others(self, i: int) -> list[int]:
        return [j for j in range(self.n_dms) if j != i]


def normalize_concepts(concepts) -> list[str]:
    """Lower-case concept names, accepting common spellings ("SEQ-SIM", "r" for Nash)."""
    aliases = {"r": "nash", "nash": "nash", "gmr": "gmr", "smr": "smr", "seq": "seq", "sim": "sim",
               "seqsim": "seqsim", "seq-sim": "seqsim", "seq_sim": "seqsim"}
    out: list[str] = []
    for c in concepts:
        key = str(c).strip().lower()
        if key not in aliases:
            from ..errors import DetenteError

            raise DetenteError(f"unknown solution concept '{c}' (known: {', '.join(CONCEPT_LABELS.values())})",
                               field="concepts")
        if aliases[key] not in out:
            out.append(aliases[key])
    return out


def sanction_values(game: Game, i: int, concept: str, best_escape: np.ndarray | None = None) -> np.ndarray:
    """X(s1) for every s1: the best sanction the others can impose on DM i after i moves to s1.

    ``best_escape`` (SMR only) is max of u_i over {s} ∪ R_i(s), if already computed.
    """
    u = game.levels[i]
    others = game.others(i)
    if concept == "gmr":
        return reach_min(game.moves, others, u)
    if concept == "smr":
        escape = best_escape if best_escape is not None else game.moves.reduce_closed(i, u, "max")
        return reach_min(game.moves, others, escape)
    if concept == "seq":
        return reach_min(game.moves, others, u, improving=game.levels)
    raise ValueError(concept)


def stable_for(game: Game, i: int, concept: str, best_escape: np.ndarray | None = None) -> np.ndarray:
    """Boolean array: is each state stable for DM i under ``concept``?

    ``best_escape``: max of u_i over {s} ∪ R_i(s), shared by Nash and SMR when given.
    """
    u = game.levels[i]
    if concept == "nash":
        best = best_escape if best_escape is not None else game.moves.reduce_closed(i, u, "max")
        return best <= u
    if concept in ("gmr", "smr", "seq"):
        X = sanction_values(game, i, concept, best_escape)
        worst = game.moves.reduce_closed(i, np.minimum(u, X), "max")
        return worst <= u
    if concept in ("sim", "seqsim"):
        return _simultaneous(game, i, improving_only=(concept == "seqsim"))
    raise ValueError(concept)


def stability(game: Game, concepts=("nash", "gmr", "smr", "seq")) -> dict[str, np.ndarray]:
    """{concept: (n_dms × m) boolean array of per-DM stability}.

    >>> from detente.engine.moves import OptionMoves
    >>> import numpy as np
    >>> levels = np.array([[1, 3, 0, 2], [1, 0, 3, 2]])        # a 2x2 Prisoner's Dilemma
    >>> game = Game(["a", "b"], levels, OptionMoves(np.arange(4), [[0], [1]], ["both", "both"]))
    >>> equilibria(stability(game, ["nash"])["nash"]).tolist()
    [3]
    """
    names = normalize_concepts(concepts)
    out: dict[str, list[np.ndarray]] = {c: [] for c in names}
    if hasattr(game.moves, "deterred"):
        # option form: one sweep in DM i's block layout gives Nash and SMR's escape values, and
        # each verdict is one more sweep there, on min(u_i, X)
        for i in range(game.n_dms):
            u = game.levels[i]
            escape, nash = game.moves.best_escape(i, u)
            for c in names:
                if c == "nash":
                    out[c].append(nash)
                elif c in ("gmr", "smr", "seq"):
                    out[c].append(game.moves.deterred(i, u, sanction_values(game, i, c, escape)))
                else:
                    out[c].append(stable_for(game, i, c))
        return {c: np.stack(v) for c, v in out.items()}
    for i in range(game.n_dms):
        escape = None
        if "nash" in names or "smr" in names:
            # max of u_i over {s} ∪ R_i(s): Nash's test and SMR's escape values, computed once
            escape = game.moves.reduce_closed(i, game.levels[i], "max")
        for c in names:
            out[c].append(stable_for(game, i, c, escape))
    return {c: np.stack(v) for c, v in out.items()}


def equilibria(stable: np.ndarray) -> np.ndarray:
    """0-based indices of the states stable for every DM."""
    return np.flatnonzero(stable.all(axis=0))


# -- simultaneous sanctioning ------------------------------------------------------------
def _simultaneous(game: Game, i: int, improving_only: bool) -> np.ndarray:
    """SIM / SEQ-SIM for DM i (option form), enumerating the others' joint responses per state."""
    space, moves = game.space, game.moves
    if space is None:
        from ..errors import DetenteError

        raise DetenteError("SIM and SEQ-SIM are defined for option-form conflicts only", field="concepts")
    m = game.n_states
    u = game.levels[i]
    codes = space.codes
    stable = np.ones(m, dtype=bool)
    masks = [sum(1 << b for b in bits) for bits in game.dm_bits]
    others = game.others(i)
    for s in range(m):
        uis = moves.targets(i, s)
        uis = uis[u[uis] > u[s]]
        if uis.size == 0:
            continue
        choices = []
        for j in others:
            t = moves.targets(j, s)
            if improving_only:
                t = t[game.levels[j][t] > game.levels[j][s]]
            # each j contributes its own bits (code & mask_j) or stays
            choices.append([None] + [int(codes[q]) & masks[j] for q in t.tolist()])
        answered_all = True
        for s1 in uis.tolist():
            base = int(codes[s1])
            answered = False
            for combo in product(*choices):
                if all(c is None for c in combo):
                    continue
                code = base
                for j, part in zip(others, combo):
                    if part is not None:
                        code = (code & ~masks[j]) | part
                idx = int(space.index_of(code))
                if idx >= 0 and u[idx] <= u[s]:
                    answered = True
                    break
            if not answered:
                answered_all = False
                break
        stable[s] = answered_all
    return stable


__all__ = ["Game", "CONCEPTS", "CONCEPT_LABELS", "stability", "stable_for", "equilibria",
           "sanction_values", "normalize_concepts", "INT_FILL_MAX"]
