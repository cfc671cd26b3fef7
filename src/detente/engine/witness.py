"""The move and sanction behind every verdict.

For DM i at state s under a concept, a :class:`Verdict` lists each unilateral improvement (UI)
s1 ∈ R_i^+(s) with the sanction that deters it: the state s2 the others can reach from s1 (by a
legal sequence, shown step by step with the mover of each step) where i is no better off than
at s. An unstable verdict names the UI that no sanction answers. Searches are breadth-first,
so each sanction path is a shortest one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np

from .reach import Reach
from .stability import Game


@dataclass
class Sanction:
    """One UI ``improvement`` of the DM and how the others answer it (``sanction`` None: they can't).

    ``path`` lists (mover, state) steps from the improvement to the sanction; for SIM concepts it
    lists each responder's simultaneous move (mover, state it would move to on its own).
    """

    improvement: int
    sanction: int | None
    path: list[tuple[int, int]] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.sanction is not None


@dataclass
class Verdict:
    """Stability of one state for one DM under one concept, with the reasons."""

    state: int
    dm: int
    concept: str
    stable: bool
    sanctions: list[Sanction]

    @property
    def improvements(self) -> list[int]:
        return [s.improvement for s in self.sanctions]

    @property
    def unanswered(self) -> Sanction | None:
        """The first UI that no sanction answers (None when stable)."""
        return next((s for s in self.sanctions if not s.answered), None)


def improvements(game: Game, i: int, s: int) -> np.ndarray:
    """R_i^+(s): DM i's unilateral improvements from s, best first."""
    t = game.moves.targets(i, s)
    u = game.levels[i]
    t = t[u[t] > u[s]]
    return t[np.argsort(-u[t], kind="stable")]


def verdict(game: Game, i: int, s: int, concept: str, all_improvements: bool = True) -> Verdict:
    """Explain DM i's stability at state s (0-based indices) under ``concept``.

    With ``all_improvements`` False, stops at the first unanswered UI.
    """
    out: list[Sanction] = []
    for s1 in improvements(game, i, s).tolist():
        sanc = _sanction(game, i, s, s1, concept)
        out.append(sanc)
        if not sanc.answered and not all_improvements:
            break
    stable = all(x.answered for x in out)
    return Verdict(s, i, concept, stable, out)


def _sanction(game: Game, i: int, s: int, s1: int, concept: str) -> Sanction:
    u = game.levels[i]
    if concept == "nash":
        return Sanction(s1, None)
    if concept in ("sim", "seqsim"):
        return _simultaneous_sanction(game, i, s, s1, concept == "seqsim")
    others = game.others(i)
    reach = Reach(game.moves, others, s1, improving=game.levels if concept == "seq" else None)
    for s2 in reach.states_in_order():
        if u[s2] > u[s]:
            continue
        if concept == "smr":
            escapes = game.moves.targets(i, s2)
            if escapes.size and (u[escapes] > u[s]).any():
                continue
        return Sanction(s1, s2, reach.path(s2))
    return Sanction(s1, None)


def _simultaneous_sanction(game: Game, i: int, s: int, s1: int, improving_only: bool) -> Sanction:
    space = game.space
    u = game.levels[i]
    others = game.others(i)
    masks = [sum(1 << b for b in bits) for bits in game.dm_bits]
    choices = []
    for j in others:
        t = game.moves.targets(j, s)
        if improving_only:
            t = t[game.levels[j][t] > game.levels[j][s]]
        choices.append([None] + t.tolist())
    for combo in product(*choices):
        if all(c is None for c in combo):
            continue
        code = int(space.codes[s1])
        for j, q in zip(others, combo):
            if q is not None:
                code = (code & ~masks[j]) | (int(space.codes[q]) & masks[j])
        idx = int(space.index_of(code))
        if idx >= 0 and u[idx] <= u[s]:
            return Sanction(s1, idx, [(j, q) for j, q in zip(others, combo) if q is not None])
    return Sanction(s1, None)
