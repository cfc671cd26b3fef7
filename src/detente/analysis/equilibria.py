"""Stability analysis of a whole conflict: :func:`analyze` and its :class:`Analysis` result.

>>> import detente
>>> conflict = detente.examples.prisoners_dilemma()
>>> result = detente.analyze(conflict)
>>> result.equilibria["nash"]
[1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.stability import CONCEPT_LABELS, normalize_concepts, stability
from ..engine.witness import Verdict, verdict
from ..errors import DetenteError, ModelError
from ..model import Conflict
from ..model.levels import dense_rank
from .common import DEFAULT_CONCEPTS, Progress, state_list
from .compile import Compiled, compile_conflict, require_conflict


@dataclass
class Analysis:
    """The stability of every state for every DM under each concept, with explanations.

    State numbers in every public field are 1-based (the literature's numbering).
    """

    compiled: Compiled
    concepts: list[str]
    stable: dict[str, np.ndarray]          # concept -> (n_dms, m) bool
    perspective: str | None = None
    _verdicts: dict[tuple[int, int, str], Verdict] = field(default_factory=dict, repr=False)

    # -- basic facts --------------------------------------------------------------------
    @property
    def conflict(self) -> Conflict:
        return self.compiled.conflict

    @property
    def dm_names(self) -> list[str]:
        return self.compiled.game.dm_names

    @property
    def n_states(self) -> int:
        return self.compiled.n_states

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """Concept -> state numbers stable for every DM."""
        return {c: (np.flatnonzero(self.stable[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    def stable_states(self, dm: str, concept: str) -> list[int]:
        """State numbers stable for ``dm`` under ``concept``.

        >>> import detente
        >>> detente.analyze(detente.examples.prisoners_dilemma()).stable_states("alice", "nash")
        [1, 3]
        """
        c = normalize_concepts([concept])[0]
        i = self.conflict.dm_index(dm)
        return (np.flatnonzero(self.stable[c][i]) + 1).tolist()

    def is_stable(self, state: int, dm: str, concept: str) -> bool:
        c = normalize_concepts([concept])[0]
        return bool(self.stable[c][self.conflict.dm_index(dm), self._index(state)])

    def moves(self, state: int, dm: str) -> list[int]:
        """The states ``dm`` reaches from ``state`` by one unilateral move (1-based, ascending).

        >>> import detente
        >>> detente.analyze(detente.examples.prisoners_dilemma()).moves(4, "alice")
        [3]
        """
        i = self.conflict.dm_index(dm)
        return (np.sort(self.compiled.game.moves.targets(i, self._index(state))) + 1).tolist()

    def improvements(self, state: int, dm: str) -> list[int]:
        """The unilateral improvements of ``dm`` from ``state``: its moves to states it strictly
        prefers (1-based, ascending).

        >>> import detente
        >>> detente.analyze(detente.examples.prisoners_dilemma()).improvements(4, "alice")
        [3]
        """
        i = self.conflict.dm_index(dm)
        t = self._index(state)
        game = self.compiled.game
        q = game.moves.targets(i, t)
        return (np.sort(q[game.levels[i][q] > game.levels[i][t]]) + 1).tolist()

    def preference_ranks(self, dm: str) -> list[int]:
        """Each state's place in ``dm``'s preference order, state by state: 1 for its most preferred
        states, 2 for the next, ...; equally preferred states share a place.

        >>> import detente
        >>> detente.analyze(detente.examples.prisoners_dilemma()).preference_ranks("alice")
        [3, 4, 1, 2]
        """
        distinct, rank = dense_rank(self.compiled.game.levels[self.conflict.dm_index(dm)])
        return (distinct.size - rank).tolist()

    def _index(self, state: int) -> int:
        if isinstance(state, bool) or not isinstance(state, (int, np.integer)):
            if not (isinstance(state, str) and state.strip().isdigit()):
                raise DetenteError(f"expected a state number (1..{self.n_states}), got {state!r:.40}", field="state")
        if not 1 <= int(state) <= self.n_states:
            raise DetenteError(f"state {state} does not exist: the model has states 1..{self.n_states}",
                               field="state")
        return int(state) - 1

    def state_info(self, state: int) -> dict[str, Any]:
        """The state's number, code, Y/N pattern, option values and the named outcomes it belongs to."""
        t = self._index(state)
        info: dict[str, Any] = {"id": int(state)}
        space = self.compiled.space
        if space is not None:
            code = int(space.codes[t])
            info["code"] = code
            info["pattern"] = space.pattern(t)
            info["options"] = {o.qualified_name: bool((code >> k) & 1) for k, o in enumerate(self.conflict.options)}
        else:
            info["name"] = self.conflict.graph.states[t]  # type: ignore[union-attr]
        info["outcomes"] = [name for name, mask in self.compiled.outcomes.items() if mask[t]]
        return info

    # -- named outcomes -------------------------------------------------------------------
    def outcome(self, name: str) -> dict[str, Any]:
        """A named outcome's states, whether any of them is an equilibrium, and per-DM stability."""
        if name not in self.compiled.outcomes:
            raise ModelError(f"unknown outcome '{name}' (known: {', '.join(self.compiled.outcomes) or 'none'})",
                             field="outcomes")
        mask = self.compiled.outcomes[name]
        states = np.flatnonzero(mask)
        res: dict[str, Any] = {"states": (states + 1).tolist(), "equilibrium": {}, "equilibrium_states": {},
                               "stable_for": {}}
        for c in self.concepts:
            eq = states[self.stable[c][:, states].all(axis=0)]
            res["equilibrium"][c] = bool(eq.size)
            res["equilibrium_states"][c] = (eq + 1).tolist()
            res["stable_for"][c] = {dm: (states[self.stable[c][i, states]] + 1).tolist()
                                    for i, dm in enumerate(self.dm_names)}
        return res

    @property
    def outcomes(self) -> dict[str, dict[str, Any]]:
        return {name: self.outcome(name) for name in self.compiled.outcomes}

    # -- explanations ---------------------------------------------------------------------
    def verdict(self, state: int, dm: str, concept: str) -> Verdict:
        """Why ``state`` is (un)stable for ``dm`` under ``concept``: each UI and its sanction."""
        c = normalize_concepts([concept])[0]
        i = self.conflict.dm_index(dm)
        t = self._index(state)
        key = (t, i, c)
        if key not in self._verdicts:
            v = verdict(self.compiled.game, i, t, c)
            if c in self.stable and v.stable != bool(self.stable[c][i, t]):
                raise AssertionError(f"witness disagrees with engine at state {state}, {dm}, {c}")  # pragma: no cover
            self._verdicts[key] = v
        return self._verdicts[key]

    def witnesses(self, state: int) -> dict[str, dict[str, dict[str, Any]]]:
        """{concept: {dm: verdict as plain data}} for one state (state numbers 1-based)."""
        return {c: {dm: verdict_to_dict(self.verdict(state, dm, c), self.dm_names)
                    for dm in self.dm_names} for c in self.concepts}

    def explain(self, state: int) -> str:
        """A plain-language account of the state's stability for every DM and concept."""
        from .narrative import explain_state

        return explain_state(self, state)

    # -- views ------------------------------------------------------------------------------
    def summary(self) -> str:
        """A few lines of plain text: the model's size and the equilibria under each concept.

        >>> import detente
        >>> print(detente.analyze(detente.examples.prisoners_dilemma(), concepts=["nash", "seq"]).summary())
        Prisoner's Dilemma: 4 states, 2 decision makers (alice, bob)
          Nash equilibria: 1
          SEQ equilibria: 1, 4
        """
        view = f" (perspective {self.perspective})" if self.perspective else ""
        lines = [f"{self.conflict.name}{view}: {self.n_states} states, {len(self.dm_names)} decision makers "
                 f"({', '.join(self.dm_names)})"]
        lines += [f"  {CONCEPT_LABELS[c]} equilibria: {state_list(eq)}" for c, eq in self.equilibria.items()]
        return "\n".join(lines)

    def to_frame(self):
        """A pandas DataFrame: one row per state; option columns, then ``<concept>:<dm>`` and
        ``<concept>:eq`` stability columns."""
        import pandas as pd

        data: dict[str, Any] = {"state": np.arange(1, self.n_states + 1)}
        space = self.compiled.space
        if space is not None:
            data["pattern"] = [space.pattern(t) for t in range(self.n_states)]
            for k, o in enumerate(self.conflict.options):
                data[o.qualified_name] = space.bits(k)
        else:
            data["name"] = list(self.conflict.graph.states)  # type: ignore[union-attr]
        for i, dm in enumerate(self.dm_names):
            data[f"level:{dm}"] = self.compiled.game.levels[i]
        for c in self.concepts:
            for i, dm in enumerate(self.dm_names):
                data[f"{c}:{dm}"] = self.stable[c][i]
            data[f"{c}:eq"] = self.stable[c].all(axis=0)
        return pd.DataFrame(data).set_index("state")

    def to_dict(self, include_states: bool | None = None, include_witnesses: bool | None = None,
                arrays: bool = False) -> dict[str, Any]:
        """Plain data for JSON: states, equilibria, per-DM stability, named outcomes (state ids 1-based).

        ``arrays``: the per-DM stable-state lists as numpy integer arrays (for fast writers).
        """
        m = self.n_states
        if include_states is None:
            include_states = m <= 100_000
        if include_witnesses is None:
            include_witnesses = m <= 64
        out: dict[str, Any] = {
            "conflict": self.conflict.name,
            "perspective": self.perspective,
            "decision_makers": self.dm_names,
            "options": [{"name": o.name, "id": o.key, "dm": o.dm, "reversibility": o.reversibility}
                        for o in self.conflict.options],
            "parameters": dict(self.compiled.parameters),
            "n_states": m,
            "concepts": list(self.concepts),
            "equilibria": self.equilibria,
            "stability": {c: {dm: _state_ids(self.stable[c][i], arrays)
                              for i, dm in enumerate(self.dm_names)} for c in self.concepts},
            "outcomes": self.outcomes,
        }
        if include_states:
            levels = self.compiled.game.levels
            states = []
            for t in range(m):
                info = self.state_info(t + 1)
                info["levels"] = {dm: int(levels[i, t]) for i, dm in enumerate(self.dm_names)}
                states.append(info)
            out["states"] = states
        if include_witnesses:
            out["witnesses"] = {str(s): self.witnesses(s) for s in range(1, m + 1)}
        return out


def _state_ids(mask: np.ndarray, arrays: bool):
    ids = np.flatnonzero(mask) + 1
    return ids if arrays else ids.tolist()


def verdict_to_dict(v: Verdict, dm_names: list[str]) -> dict[str, Any]:
    """A verdict as plain data with 1-based state numbers and DM names."""
    return {
        "stable": v.stable,
        "improvements": [
            {"to": s.improvement + 1,
             "sanction": None if s.sanction is None else s.sanction + 1,
             "path": [{"mover": dm_names[mv], "state": st + 1} for mv, st in s.path]}
            for s in v.sanctions],
    }


def analyze(conflict: Conflict, *, concepts: Iterable[str] = DEFAULT_CONCEPTS,
            parameters: Mapping[str, float] | None = None, perspective: str | None = None,
            progress: Progress | None = None) -> Analysis:
    """Analyse the stability of every state of ``conflict`` for every DM.

    Parameters
    ----------
    conflict : Conflict
        The model (from :func:`detente.load` or built in code).
    concepts : iterable of str, optional
        Any of "nash", "gmr", "smr", "seq", "sim", "seqsim" (default: Nash, GMR, SMR, SEQ).
    parameters : mapping, optional
        Values replacing the scenario's named parameters.
    perspective : str, optional
        Analyse the conflict as this named perspective sees it.
    progress : callable, optional
        Called as ``progress(done, total)`` while feasible states are enumerated.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import detente
    >>> analyze(detente.examples.prisoners_dilemma(), concepts=["nash", "seq"]).equilibria
    {'nash': [1], 'seq': [1, 4]}
    """
    concepts = normalize_concepts(concepts)
    require_conflict(conflict)
    base = conflict.with_perspective(perspective) if perspective else conflict
    compiled = compile_conflict(base, parameters, progress)
    stable = stability(compiled.game, concepts)
    return Analysis(compiled, concepts, stable, perspective)


__all__ = ["Analysis", "analyze", "verdict_to_dict", "DEFAULT_CONCEPTS", "CONCEPT_LABELS"]
