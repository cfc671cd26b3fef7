"""Perspectives side by side: the model and every named perspective, and where they disagree.

A perspective (``Conflict.perspectives``) replaces some decision makers' (DMs') preferences
and/or some parameter values: the US administration's view, the Kremlin's, the author's. This
module analyses the model as built (the view called ``model``) and each perspective with the
same concepts, then lists the differences an analyst asks about:

- for each named outcome and concept: in which views it holds an equilibrium, and which DMs'
  verdicts on its states differ between views;
- for each state that is an equilibrium in some view: which DM's verdict differs between views,
  and why in each view (its improving move and the sanction that deters it, or that nothing does),
  with what the perspective changed (parameters, preferences).

>>> import detente
>>> from detente.model import Perspective, Prioritization
>>> pd = detente.examples.prisoners_dilemma()
>>> pd.perspectives["trusting"] = Perspective("trusting",
...     preferences={"bob": Prioritization(["alice.cooperate", "bob.cooperate"])})
>>> cmp = analyze_perspectives(pd, concepts=["nash"])
>>> cmp.equilibria_by_view()["model"]["nash"], cmp.equilibria_by_view()["trusting"]["nash"]
([1], [3])
>>> d = cmp.differences().states[0]
>>> d.dm, d.stable
('bob', {'model': True, 'trusting': False})
>>> d.reasons["trusting"].move_to, d.why["trusting"]
(3, 'unstable: it can move to state 3 (bob.cooperate N→Y) and nothing stops it')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.stability import CONCEPT_LABELS, normalize_concepts
from ..errors import DetenteError
from ..model import Conflict
from .common import option_values_changed
from .equilibria import DEFAULT_CONCEPTS, Analysis, analyze

MAX_STATES = 200
"""At most this many states of interest are compared verdict by verdict."""


# -- results -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParameterChange:
    """A parameter a perspective sets: its value in the model (None if the model has none) and
    in the perspective."""

    model: float | None
    perspective: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"model", "perspective"}``."""
        return {"model": self.model, "perspective": self.perspective}

    def summary(self) -> str:
        """``"0 (model 0.1)"``."""
        return f"{self.perspective:g}" + ("" if self.model is None else f" (model {self.model:g})")


@dataclass(frozen=True)
class PerspectiveChange:
    """What a perspective replaces: parameter values and the preferences of some DMs."""

    parameters: dict[str, ParameterChange] = field(default_factory=dict)
    preferences: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.parameters or self.preferences)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"parameters": {name: {"model", "perspective"}}, "preferences": [dms]}``."""
        return {"parameters": {k: v.to_dict() for k, v in self.parameters.items()},
                "preferences": list(self.preferences)}

    def summary(self) -> str:
        """``"lambda_r=0 (model 0.1); preferences of russia"``, or ``"no change"``."""
        from .narrative import change_text

        return change_text(self) or "no change"


@dataclass(frozen=True)
class VerdictReason:
    """Why ``state`` is (un)stable for ``dm`` under ``concept`` in one view, from the verdict's witness.

    ``move_to``: the improving move explained (the undeterred one when unstable, else the first;
    None when the DM has none), with ``options_changed`` {option: new value}; for a stable DM,
    ``answered_by``: the sanction's steps [(dm, state)], ending at state ``ends_at``, and
    ``more_moves``: how many other improving moves are deterred as well.
    """

    dm: str
    state: int
    concept: str
    stable: bool
    move_to: int | None = None
    options_changed: dict[str, bool] = field(default_factory=dict)
    answered_by: list[tuple[str, int]] = field(default_factory=list)
    ends_at: int | None = None
    more_moves: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (field names as keys; ``answered_by`` as [[dm, state], ...])."""
        return {"dm": self.dm, "state": self.state, "concept": self.concept, "stable": self.stable,
                "move_to": self.move_to, "options_changed": dict(self.options_changed),
                "answered_by": [[dm, st] for dm, st in self.answered_by], "ends_at": self.ends_at,
                "more_moves": self.more_moves}

    def summary(self) -> str:
        """The reason in one sentence (see :func:`verdict_reason`)."""
        from .narrative import verdict_reason_text

        return verdict_reason_text(self)


@dataclass(frozen=True)
class DMOutcomeDifference:
    """A DM whose stable states inside a named outcome differ between views: {view: states}."""

    dm: str
    stable_for: dict[str, list[int]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"dm", "stable_for"}``."""
        return {"dm": self.dm, "stable_for": {v: list(x) for v, x in self.stable_for.items()}}

    def summary(self) -> str:
        """``"alice is stable at the outcome's states: model 4; trusting none."``"""
        from .narrative import dm_outcome_line

        return dm_outcome_line(self)


@dataclass(frozen=True)
class OutcomeDifference:
    """A named outcome and concept on which the views disagree.

    ``equilibrium``: {view: does the outcome hold an equilibrium}; ``equilibrium_states``: {view:
    its equilibrium states}; ``dms``: the DMs whose stable states inside the outcome differ.
    """

    outcome: str
    concept: str
    equilibrium: dict[str, bool]
    equilibrium_states: dict[str, list[int]]
    dms: list[DMOutcomeDifference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"outcome", "concept", "equilibrium", "equilibrium_states", "dms"}``."""
        return {"outcome": self.outcome, "concept": self.concept, "equilibrium": dict(self.equilibrium),
                "equilibrium_states": {v: list(x) for v, x in self.equilibrium_states.items()},
                "dms": [d.to_dict() for d in self.dms]}

    def summary(self) -> str:
        """Where the outcome holds an equilibrium and where not, in one line."""
        from .narrative import outcome_difference_line

        return outcome_difference_line(self.outcome, [self.concept], self.equilibrium)


@dataclass(frozen=True)
class StateDifference:
    """A state (an equilibrium in some view), a concept and a DM whose verdict differs between views.

    ``outcomes``: the named outcomes the state is in; ``stable``: {view: verdict};
    ``reasons``: {view: why} as data (:class:`VerdictReason`); ``why``: the same in words.
    """

    state: int
    outcomes: list[str]
    concept: str
    dm: str
    stable: dict[str, bool]
    reasons: dict[str, VerdictReason]

    @property
    def why(self) -> dict[str, str]:
        """{view: the reason in one sentence}."""
        from .narrative import verdict_reason_text

        return {v: verdict_reason_text(r) for v, r in self.reasons.items()}

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"state", "outcomes", "concept", "dm", "stable", "why" {view: text}}``."""
        return {"state": self.state, "outcomes": list(self.outcomes), "concept": self.concept, "dm": self.dm,
                "stable": dict(self.stable), "why": self.why}

    def summary(self) -> str:
        """Where the DM is stable and where not, in one line."""
        yes = [v for v, b in self.stable.items() if b]
        no = [v for v, b in self.stable.items() if not b]
        return (f"State {self.state}, {CONCEPT_LABELS[self.concept]}: {self.dm} is stable in {', '.join(yes)}; "
                f"unstable in {', '.join(no)}.")


@dataclass(frozen=True)
class PerspectiveDifferences:
    """Where the views disagree: on named outcomes, and DM by DM on the states of interest.

    ``changes``: {view: what it changes}, for the text.
    """

    outcomes: list[OutcomeDifference] = field(default_factory=list)
    states: list[StateDifference] = field(default_factory=list)
    changes: dict[str, PerspectiveChange] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.outcomes or self.states)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"outcomes": [...], "states": [...]}`` (see the module docstring)."""
        return {"outcomes": [d.to_dict() for d in self.outcomes], "states": [d.to_dict() for d in self.states]}

    def lines(self, outcome_details: bool = True) -> list[str]:
        """The differences in words, outcomes first; concepts that agree share a line."""
        from .narrative import difference_lines

        return difference_lines(self, outcome_details=outcome_details)

    def summary(self) -> str:
        """The differences in words."""
        return "\n".join(self.lines())


@dataclass
class PerspectiveComparison:
    """The model and every named perspective, analysed alike (see the module docstring).

    ``analyses`` maps each view's name to its :class:`Analysis`, the model first under
    ``base_name`` (``"model"``, or ``"base"`` when a perspective is itself called ``model``).
    """

    conflict: Conflict
    concepts: list[str]
    analyses: dict[str, Analysis]
    base_name: str = "model"
    descriptions: dict[str, str] = field(default_factory=dict)
    changes: dict[str, PerspectiveChange] = field(default_factory=dict)
    _differences: PerspectiveDifferences | None = field(default=None, repr=False)

    @property
    def names(self) -> list[str]:
        """The views, the model first."""
        return list(self.analyses)

    @property
    def perspective_names(self) -> list[str]:
        """The named perspectives only."""
        return [n for n in self.analyses if n != self.base_name]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """{concept: equilibrium state numbers} of the model as built (the base view)."""
        return self.analyses[self.base_name].equilibria

    def equilibria_by_view(self) -> dict[str, dict[str, list[int]]]:
        """{view: {concept: equilibrium state numbers}}."""
        return {name: a.equilibria for name, a in self.analyses.items()}

    def outcomes(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{view: {outcome: {"states": [...], "equilibrium": {concept: bool}}}}."""
        return {name: {o: {"states": d["states"], "equilibrium": d["equilibrium"]} for o, d in a.outcomes.items()}
                for name, a in self.analyses.items()}

    def to_dict(self, include_base: bool = True) -> dict[str, dict[str, Any]]:
        """{view: the view's analysis as plain data (no per-state table, no witnesses), plus
        ``description`` and ``changes`` (what the perspective replaces)}."""
        out: dict[str, dict[str, Any]] = {}
        for name, a in self.analyses.items():
            if name == self.base_name and not include_base:
                continue
            d = a.to_dict(include_states=False, include_witnesses=False)
            d["description"] = self.descriptions.get(name, "")
            d["changes"] = self.changes.get(name, PerspectiveChange()).to_dict()
            out[name] = d
        return out

    # -- differences ---------------------------------------------------------------------------
    def differences(self) -> PerspectiveDifferences:
        """Where the views disagree (:class:`PerspectiveDifferences`; ``.to_dict()`` for plain data).

        ``outcomes``: every outcome and concept whose verdict differs (:class:`OutcomeDifference`);
        ``states``: for every state that is an equilibrium in some view, every DM whose verdict
        there differs, with the reason in each view (:class:`StateDifference`).
        """
        if self._differences is None:
            self._differences = PerspectiveDifferences(self._outcome_differences(), self._state_differences(),
                                                       dict(self.changes))
        return self._differences

    def _outcome_differences(self) -> list[OutcomeDifference]:
        out = []
        views = self.analyses
        first = next(iter(views.values()))
        for name in first.compiled.outcomes:
            per_view = {v: a.outcome(name) for v, a in views.items()}
            for c in self.concepts:
                eq = {v: d["equilibrium"][c] for v, d in per_view.items()}
                dms = []
                for dm in first.dm_names:
                    stable_for = {v: d["stable_for"][c][dm] for v, d in per_view.items()}
                    if len({tuple(x) for x in stable_for.values()}) > 1:
                        dms.append(DMOutcomeDifference(dm, stable_for))
                if len(set(eq.values())) > 1 or dms:
                    out.append(OutcomeDifference(name, c, eq, {v: d["equilibrium_states"][c] for v, d in per_view.items()},
                                                 dms))
        return out

    def states_of_interest(self) -> list[int]:
        """States that are an equilibrium under some concept in some view (at most MAX_STATES)."""
        states: set[int] = set()
        for a in self.comparable_views().values():
            for c in self.concepts:
                states.update(a.equilibria[c])
        return sorted(states)[:MAX_STATES]

    def comparable_views(self) -> dict[str, Analysis]:
        """The views whose states are the model's (a perspective that changes a parameter used
        in a feasibility condition may have other states; it is left out of state comparisons)."""
        base = self.analyses[self.base_name]
        out = {}
        for name, a in self.analyses.items():
            same = a.n_states == base.n_states and (
                base.compiled.space is None or a.compiled.space is None or
                bool((a.compiled.space.codes == base.compiled.space.codes).all()))
            if same:
                out[name] = a
        return out

    def _state_differences(self) -> list[StateDifference]:
        out = []
        views = self.comparable_views()
        first = next(iter(views.values()))
        for s in self.states_of_interest():
            tags = first.state_info(s)["outcomes"]
            for c in self.concepts:
                for dm in first.dm_names:
                    stable = {v: a.is_stable(s, dm, c) for v, a in views.items()}
                    if len(set(stable.values())) < 2:
                        continue
                    why = {v: reason_of(a, s, dm, c) for v, a in views.items()}
                    out.append(StateDifference(s, list(tags), c, dm, stable, why))
        return out

    def difference_lines(self, outcome_details: bool = True) -> list[str]:
        """The differences as plain-language lines, outcomes first; concepts that agree share a line.

        With ``outcome_details`` False, the per-DM lines under each outcome are left out.
        """
        return self.differences().lines(outcome_details)

    def summary(self) -> str:
        """Equilibria and named outcomes per view, then the differences, as text."""
        from .narrative import perspectives_summary

        return perspectives_summary(self)


def reason_of(analysis: Analysis, state: int, dm: str, concept: str) -> VerdictReason:
    """Why ``state`` is (un)stable for ``dm`` under ``concept`` in ``analysis``, as data.

    >>> import detente
    >>> a = detente.analyze(detente.examples.prisoners_dilemma(), concepts=["seq"])
    >>> r = reason_of(a, 4, "alice", "seq")
    >>> r.stable, r.move_to, r.options_changed, r.answered_by, r.ends_at
    (True, 3, {'alice.cooperate': False}, [('bob', 1)], 1)
    """
    v = analysis.verdict(state, dm, concept)
    name = analysis.dm_names[v.dm]
    if not v.sanctions:
        return VerdictReason(name, state, concept, bool(v.stable))
    if not v.stable:
        bad = v.unanswered
        q = bad.improvement + 1  # type: ignore[union-attr]
        return VerdictReason(name, state, concept, False, q, option_values_changed(analysis, state, q))
    first = v.sanctions[0]
    q = first.improvement + 1
    steps = [(analysis.dm_names[mv], st + 1) for mv, st in first.path]
    return VerdictReason(name, state, concept, True, q, option_values_changed(analysis, state, q), steps,
                         None if first.sanction is None else first.sanction + 1, len(v.sanctions) - 1)


def verdict_reason(analysis: Analysis, state: int, dm: str, concept: str) -> str:
    """One sentence: why ``state`` is (un)stable for ``dm`` under ``concept`` in ``analysis``.

    >>> import detente
    >>> a = detente.analyze(detente.examples.prisoners_dilemma(), concepts=["nash"])
    >>> verdict_reason(a, 4, "alice", "nash")
    'unstable: it can move to state 3 (alice.cooperate Y→N) and nothing stops it'
    """
    from .narrative import verdict_reason_text

    return verdict_reason_text(reason_of(analysis, state, dm, concept))


def perspective_changes(conflict: Conflict, name: str) -> PerspectiveChange:
    """What the perspective called ``name`` replaces: parameter values and DMs' preferences.

    >>> import detente
    >>> from detente.model import Perspective
    >>> c = detente.examples.chicken()
    >>> c.parameters["p"] = 0.5
    >>> c.perspectives["hawk"] = Perspective("hawk", parameters={"p": 0.9})
    >>> ch = perspective_changes(c, "hawk")
    >>> ch.parameters["p"].perspective, ch.to_dict(), ch.summary()
    (0.9, {'parameters': {'p': {'model': 0.5, 'perspective': 0.9}}, 'preferences': []}, 'p=0.9 (model 0.5)')
    """
    p = conflict.perspectives[name]
    params = {}
    for k, v in p.parameters.items():
        old = conflict.parameters.get(k)
        params[k] = ParameterChange(None if old is None else float(old), float(v))
    return PerspectiveChange(params, [conflict.dm(d).name for d in p.preferences])


def analyze_perspectives(conflict: Conflict, *, concepts: Iterable[str] = DEFAULT_CONCEPTS,
                         parameters: Mapping[str, float] | None = None) -> PerspectiveComparison:
    """Analyse the model and every named perspective of ``conflict`` with the same ``concepts``.

    ``parameters`` override the scenario's values in every view (as in :func:`analyze`).
    """
    concepts = normalize_concepts(concepts)
    base_name = "base" if "model" in conflict.perspectives else "model"
    analyses: dict[str, Analysis] = {base_name: analyze(conflict, concepts=concepts, parameters=parameters)}
    descriptions = {base_name: (conflict.description or "the model as built").strip()}
    changes: dict[str, PerspectiveChange] = {base_name: PerspectiveChange()}
    for name, p in conflict.perspectives.items():
        try:
            analyses[name] = analyze(conflict, concepts=concepts, parameters=parameters, perspective=name)
            changes[name] = perspective_changes(conflict, name)
        except DetenteError as exc:
            if not exc.field:
                exc.field = f"perspectives.{name}"
            raise exc.located(source=conflict.source) from None
        descriptions[name] = p.description.strip()
    return PerspectiveComparison(conflict, concepts, analyses, base_name, descriptions, changes)


__all__ = ["analyze_perspectives", "PerspectiveComparison", "PerspectiveDifferences", "OutcomeDifference",
           "DMOutcomeDifference", "StateDifference", "VerdictReason", "PerspectiveChange", "ParameterChange",
           "verdict_reason", "reason_of", "perspective_changes", "MAX_STATES"]
