"""Hypergames: each decision maker (DM) acts on the game as *it* perceives it.

A first-level hypergame (Bennett 1977; Wang, Hipel & Fraser 1988-89) gives every DM k its own
*perceived game* G_k: k's own true preferences, k's perception of the other DMs' preferences
(or of the parameters their payoffs use), and only the states k is aware of. This module:

1. builds and analyses each G_k (a :class:`PerceivedAnalysis`, numbered like the true game);
2. lets each DM choose its own options from the equilibria it perceives (the *choice rule*);
3. combines the choices into *hypergame outcomes* and checks each against reality, labelling it
   ``steady``, ``unsteady``, ``stealthy`` (after Aljefri, Fang & Hipel 2014; Aljefri et al.
   2018/2020), ``unforeseen``, ``unstable`` or ``infeasible``;
4. at the second level, analyses the game as k believes another DM j perceives it
   (``Perception.of_others[j]``) to predict j's choice, and says whether the prediction is right.

The exact definitions, with their sources, are in ``docs/hypergames.md``. In short, with
V_k the states DM k perceives (no option it is unaware of is taken, and the state is not in its
``unaware_states``):

- G_k: all DMs' moves restricted to V_k (k imagines no move to or from a state it does not
  perceive); levels: k's own true ones, the others' as k perceives them. States outside V_k are
  never stable in G_k.
- Reality-with-awareness G_A: true preferences; DM j's moves restricted to V_j (a DM cannot
  move to or from a state it does not perceive).
- Reality G: the true game, every DM aware of everything.

Choice rule, with concept c (default SEQ): DM k takes the equilibria of G_k under c and keeps
those it likes most by its true preferences (ties: all of them). With no perceived equilibrium,
k takes its own most preferred state among those stable *for k* in G_k. A hypergame outcome
takes each DM's own options from its chosen state (option form); every combination of tied
choices is an outcome.

Labels of a state s (A = s is a c-equilibrium of G_A, R = of G, P_k = of G_k):
``steady``: A, R and every P_k; ``stealthy``: A but not R (only unawareness keeps it);
``unforeseen``: A and R but some P_k false; ``unsteady``: not A, some P_k true;
``unstable``: not A, no P_k true; ``infeasible``: the choices combine into no feasible state.
The same labels are given to every state some DM perceives as an equilibrium
(``perceived_equilibria``). ``hypergame_equilibria`` lists the states stable for every DM in its
own perceived game (Takahashi, Fraser & Hipel 1984).

>>> from detente.model import Conflict, DecisionMaker, Option, Perception, Prioritization
>>> deterrence = Conflict("deterrence", [
...     DecisionMaker("challenger", [Option("advance", "challenger")],
...                   Prioritization(["not defender.retaliate", "challenger.advance"])),
...     DecisionMaker("defender", [Option("retaliate", "defender")],
...                   Prioritization(["defender.retaliate iff challenger.advance", "not challenger.advance"])),
... ], perceptions={"challenger": Perception("challenger",
...                 preferences={"defender": Prioritization(["not defender.retaliate"])})})
>>> h = analyze_hypergame(deterrence, concepts=["seq"])
>>> [(o.states, o.label) for o in h.outcomes]      # it advances; the defender retaliates
[([2], 'unsteady')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal, get_args

import numpy as np

from .. import limits
from ..engine.moves import GraphMoves
from ..engine.stability import Game, normalize_concepts, stability
from ..engine.states import StateSpace
from ..errors import DetenteError, ModelError
from ..model import Conflict, Perception
from .common import option_values_changed
from .compile import Compiled, compile_conflict
from .equilibria import DEFAULT_CONCEPTS, Analysis

MAX_OUTCOMES = 1000
"""At most this many combinations of tied choices are reported (``truncated`` says so)."""



# -- the perceived game as an analysis ---------------------------------------------------------
@dataclass(frozen=True)
class PerceivedSpace(StateSpace):
    """The true state space (same numbering) in which only ``visible`` states exist for lookups.

    Codes, patterns and option values are those of the true model; :meth:`index_of` answers −1
    (infeasible) for a state the perceiving DM does not perceive, so simultaneous sanctions
    (SIM) never land on one.
    """

    visible: np.ndarray | None = None

    def index_of(self, codes):  # noqa: D102 - see class docstring
        idx = super().index_of(codes)
        if self.visible is None:
            return idx
        ok = (idx >= 0) & self.visible[np.where(idx >= 0, idx, 0)]
        return np.where(ok, idx, -1)


@dataclass
class PerceivedAnalysis(Analysis):
    """An :class:`Analysis` of the game as one DM perceives it, numbered like the true game.

    States the DM does not perceive (``visible`` False) are never stable here, have no verdict,
    and are left out of named outcomes.
    """

    visible: np.ndarray | None = None
    perceiver: str = ""

    def is_perceived(self, state: int) -> bool:
        """Whether the perceiving DM is aware of ``state`` (1-based)."""
        return bool(self.visible is None or self.visible[self._index(state)])

    @property
    def perceived_states(self) -> list[int]:
        if self.visible is None:
            return list(range(1, self.n_states + 1))
        return (np.flatnonzero(self.visible) + 1).tolist()

    def verdict(self, state: int, dm: str, concept: str):
        if not self.is_perceived(state):
            raise DetenteError(f"{self.perceiver} does not perceive state {state}, so its perceived game has "
                               f"no verdict there", field="state")
        return super().verdict(state, dm, concept)

    def state_info(self, state: int) -> dict[str, Any]:
        info = super().state_info(state)
        info["perceived"] = self.is_perceived(state)
        return info

    def to_dict(self, include_states: bool | None = None,  # type: ignore[override]
                include_witnesses: bool | None = None) -> dict[str, Any]:
        out = super().to_dict(include_states, include_witnesses=False)
        out["perceiver"] = self.perceiver
        out["perceived_states"] = self.perceived_states
        if include_witnesses is None:
            include_witnesses = self.n_states <= 64
        if include_witnesses:
            out["witnesses"] = {str(s): self.witnesses(s) for s in self.perceived_states}
        return out


# -- results -----------------------------------------------------------------------------------
Label = Literal["steady", "unsteady", "stealthy", "unforeseen", "unstable", "infeasible"]
"""The label of a state or hypergame outcome (see the module docstring)."""

LABELS: tuple[str, ...] = get_args(Label)
"""Every label, in the order of the module docstring."""

Basis = Literal["perceived equilibria", "own stability (no perceived equilibrium)", "most preferred perceived state"]
"""Why a DM chose its states: its perceived equilibria; with none, the states stable for it alone."""

BY_PERCEIVED_EQUILIBRIA: Basis = "perceived equilibria"
BY_OWN_STABILITY: Basis = "own stability (no perceived equilibrium)"
BY_PREFERENCE: Basis = "most preferred perceived state"


@dataclass(frozen=True)
class Choice:
    """What one DM chooses in the game as it perceives it.

    ``states`` are the chosen (tied) states, 1-based in the true model's numbering; ``basis``
    says what the choice rests on; ``settings`` are the distinct settings of the DM's own options
    among ``states`` (option form; empty in graph form).
    """

    dm: str
    states: list[int]
    basis: Basis
    settings: list[dict[str, bool]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"states", "basis", "options"}``."""
        return {"states": list(self.states), "basis": self.basis, "options": [dict(x) for x in self.settings]}

    def summary(self) -> str:
        """The choice in one sentence."""
        from .narrative import choice_text

        return choice_text(self)


@dataclass(frozen=True)
class ParameterMisperception:
    """A parameter a DM perceives at another value (``true`` is None when the model has none)."""

    true: float | None
    perceived: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"true", "perceived"}``."""
        return {"true": self.true, "perceived": self.perceived}

    def summary(self) -> str:
        """``"0 (true 0.1)"``."""
        return f"{self.perceived:g}" + ("" if self.true is None else f" (true {self.true:g})")


@dataclass(frozen=True)
class PerceptionDifferences:
    """How a DM's perceived game differs from the true one.

    ``preferences``: the other DMs whose perceived ranking of the states differs from their
    true one; ``parameters``: the parameters perceived at other values; ``unaware_options`` and
    ``unaware_states``: what the DM does not perceive.
    """

    preferences: list[str] = field(default_factory=list)
    parameters: dict[str, ParameterMisperception] = field(default_factory=dict)
    unaware_options: list[str] = field(default_factory=list)
    unaware_states: list[int] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """Whether the perceived game differs from the true one at all."""
        return bool(self.preferences or self.parameters or self.unaware_options or self.unaware_states)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"preferences", "parameters" {name: {"true", "perceived"}}, "unaware_options",
        "unaware_states"}``."""
        return {"preferences": list(self.preferences),
                "parameters": {k: v.to_dict() for k, v in self.parameters.items()},
                "unaware_options": list(self.unaware_options), "unaware_states": list(self.unaware_states)}

    def summary(self) -> str:
        """The differences in words, or ``"the true game"``."""
        from .narrative import perception_text

        return perception_text(self) or "the true game"


@dataclass(frozen=True)
class Departure:
    """Why a state is not an equilibrium: ``dm`` can improve from ``state`` to ``to`` and no
    sanction (for Nash: nothing) deters it.

    ``options_changed`` maps each option the move changes to its new value (option form);
    ``perceives_state``/``perceives_target`` say whether ``dm`` perceives the two states, which
    explains a move that only full awareness allows.
    """

    dm: str
    state: int
    to: int
    concept: str
    options_changed: dict[str, bool]
    perceives_state: bool = True
    perceives_target: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data (field names as keys)."""
        return {"dm": self.dm, "state": self.state, "to": self.to, "concept": self.concept,
                "options_changed": dict(self.options_changed), "perceives_state": self.perceives_state,
                "perceives_target": self.perceives_target}

    def summary(self) -> str:
        """``"b would move to state 3 (b.y N→Y) and nothing stops it."``"""
        from .narrative import departure_text

        return departure_text(self)


@dataclass(frozen=True, kw_only=True)
class Labelled:
    """A label (see the module docstring) and the facts behind it.

    ``stable_in_reality``/``stable_with_awareness``: {concept: is the state an equilibrium of the
    true game / of reality with awareness limits}; ``perceived_stable``: {dm: does the DM
    perceive it as a ``concept`` equilibrium}; ``unaware``: the DMs that do not perceive the
    state; ``departure``: for a state that is not a ``concept`` equilibrium of reality with
    awareness limits (of the true game, for ``stealthy``), the first DM's undeterred move.
    """

    label: Label
    concept: str
    stable_in_reality: dict[str, bool]
    stable_with_awareness: dict[str, bool]
    perceived_stable: dict[str, bool]
    unaware: list[str] = field(default_factory=list)
    departure: Departure | None = None

    def _label_dict(self) -> dict[str, Any]:
        return {"label": self.label, "stable_in_reality": dict(self.stable_in_reality),
                "stable_with_awareness": dict(self.stable_with_awareness),
                "perceived_stable": dict(self.perceived_stable)}


@dataclass(frozen=True, kw_only=True)
class PerceivedEquilibrium(Labelled):
    """A state some DM perceives as an equilibrium (``perceived_by``), labelled like an outcome."""

    state: int
    perceived_by: list[str]

    def explain(self) -> str:
        """Why the state has its label, in words (the ``explanation`` of :meth:`to_dict`)."""
        from .narrative import label_explanation

        return label_explanation(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"state", "perceived_by", "label", "stable_in_reality",
        "stable_with_awareness", "perceived_stable", "explanation"}``."""
        return {"state": self.state, "perceived_by": list(self.perceived_by), **self._label_dict(),
                "explanation": self.explain()}

    def summary(self) -> str:
        """The label and why, in words."""
        return f"State {self.state}: {self.label.upper()}. {self.explain()}"


@dataclass(frozen=True, kw_only=True)
class HypergameOutcome(Labelled):
    """One hypergame outcome: the DMs' choices combined, and its label.

    ``states``: the resulting state (``[]`` when the choices combine into no feasible state);
    ``chosen_by``: {dm: the states it takes its options from}; ``options``: {option: taken} of
    the combination (option form; None in graph form).
    """

    states: list[int]
    chosen_by: dict[str, list[int]]
    options: dict[str, bool] | None = None

    def explain(self) -> str:
        """Who takes its options from where, what they combine into, and why the outcome has its
        label, in words (the ``explanation`` of :meth:`to_dict`)."""
        from .narrative import outcome_explanation

        return outcome_explanation(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"states", "chosen_by", "options" (option form), "label",
        "stable_in_reality", "stable_with_awareness", "perceived_stable", "explanation"}``."""
        out: dict[str, Any] = {"states": list(self.states), "chosen_by": {k: list(v) for k, v in self.chosen_by.items()}}
        if self.options is not None:
            out["options"] = dict(self.options)
        out.update(self._label_dict())
        out["explanation"] = self.explain()
        return out

    def summary(self) -> str:
        """The outcome, its label and why, in words."""
        from .narrative import outcome_line

        return outcome_line(self)


@dataclass(frozen=True)
class PerceivedView:
    """One DM's view of the game: what it perceives and what it chooses.

    ``concept`` drives its choice; ``equilibria``: {concept: states} of its perceived game; ``perceives_truth``: whether its
    perceived game is the true one; ``n_perceived_states``: how many states it perceives;
    ``description``: the perception's own description.
    """

    dm: str
    concept: str
    equilibria: dict[str, list[int]]
    perceives_truth: bool
    differences: PerceptionDifferences
    n_perceived_states: int
    choice: Choice
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"equilibria", "perceives_truth", "differences", "unaware_options",
        "unaware_states", "n_perceived_states", "choice", "description"}``."""
        return {"equilibria": {c: list(v) for c, v in self.equilibria.items()},
                "perceives_truth": self.perceives_truth, "differences": self.differences.to_dict(),
                "unaware_options": list(self.differences.unaware_options),
                "unaware_states": list(self.differences.unaware_states),
                "n_perceived_states": self.n_perceived_states, "choice": self.choice.to_dict(),
                "description": self.description}

    def summary(self) -> str:
        """What the DM perceives and chooses, in one sentence."""
        from .narrative import view_line

        return view_line(self)


@dataclass(frozen=True)
class SecondLevelView:
    """DM ``dm``'s model of how DM ``about`` perceives the game, and its prediction.

    ``equilibria``: {concept: states} of the game as ``dm`` believes ``about`` perceives it;
    ``predicted``: the choice that game gives ``about``; ``actual``: ``about``'s first-level
    choice; ``correct``: the prediction names the same own-option settings (graph form: the
    same states).
    """

    dm: str
    about: str
    concept: str
    equilibria: dict[str, list[int]]
    predicted: Choice
    actual: Choice
    correct: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"dm", "about", "equilibria", "predicted_choice", "actual_choice", "correct",
        "explanation"}``."""
        from .narrative import second_level_text

        return {"dm": self.dm, "about": self.about, "equilibria": {c: list(v) for c, v in self.equilibria.items()},
                "predicted_choice": self.predicted.to_dict(), "actual_choice": self.actual.to_dict(),
                "correct": self.correct, "explanation": second_level_text(self)}

    def summary(self) -> str:
        """The prediction and whether it is right, in one sentence."""
        from .narrative import second_level_text

        return second_level_text(self)


@dataclass
class HypergameAnalysis:
    """The result of :func:`analyze_hypergame`; see the module docstring for the definitions.

    - ``reality``: the true game; ``aware``: reality with each DM's awareness limits;
    - ``perceived[dm]``: the analysis of the game as ``dm`` perceives it;
    - ``views[dm]``: what ``dm`` perceives and chooses (:class:`PerceivedView`);
    - ``choices[dm]``: the states ``dm`` chooses its options from (:class:`Choice`);
    - ``differences[dm]``: how ``dm``'s perceived game differs from the true one;
    - ``outcomes``: the hypergame outcomes (:class:`HypergameOutcome`), each labelled;
    - ``perceived_equilibria``: every state some DM perceives as an equilibrium, labelled alike
      (:class:`PerceivedEquilibrium`);
    - ``hypergame_equilibria`` (also ``equilibria``): {concept: states stable for each DM in its
      own perceived game};
    - ``second_level``: each DM's model of another DM's view (:class:`SecondLevelView`).

    Every state number is the true model's (1-based). :meth:`summary` tells the story in words
    (see :mod:`detente.analysis.narrative`).
    """

    conflict: Conflict
    concepts: list[str]
    concept: str
    reality: Analysis
    aware: Analysis
    perceived: dict[str, Analysis]
    visible: dict[str, np.ndarray]
    choices: dict[str, Choice]
    outcomes: list[HypergameOutcome] = field(default_factory=list)
    second_level: list[SecondLevelView] = field(default_factory=list)
    truncated: bool = False
    differences: dict[str, PerceptionDifferences] = field(default_factory=dict)
    hypergame_equilibria: dict[str, list[int]] = field(default_factory=dict)
    perceived_equilibria: list[PerceivedEquilibrium] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """The label of every outcome, in order."""
        return [o.label for o in self.outcomes]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """{concept: the hypergame equilibria}: states stable for every DM in its own perceived game."""
        return self.hypergame_equilibria

    @property
    def views(self) -> dict[str, PerceivedView]:
        """{dm: what it perceives and chooses}, in the model's order of DMs."""
        out = {}
        for dm in self.reality.dm_names:
            p = self.conflict.perceptions.get(dm)
            diff = self.differences.get(dm) or PerceptionDifferences()
            out[dm] = PerceivedView(dm, self.concept, self.perceived[dm].equilibria, p is None or not diff.differs, diff,
                                    int(self.visible[dm].sum()), self.choices[dm],
                                    p.description.strip() if p else "")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON; every state number is the true model's (1-based)."""
        return {
            "concept": self.concept,
            "concepts": list(self.concepts),
            "reality": {"equilibria": self.reality.equilibria},
            "reality_with_awareness": {"equilibria": self.aware.equilibria},
            "perceived": {dm: v.to_dict() for dm, v in self.views.items()},
            "outcomes": [o.to_dict() for o in self.outcomes],
            "hypergame_equilibria": {c: list(v) for c, v in self.hypergame_equilibria.items()},
            "perceived_equilibria": [x.to_dict() for x in self.perceived_equilibria],
            "truncated": self.truncated,
            "second_level": [x.to_dict() for x in self.second_level],
        }

    def summary(self) -> str:
        """A short plain-text account: who perceives what, who chooses what, and the verdicts."""
        from .narrative import hypergame_summary

        return hypergame_summary(self)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.summary()


# -- building blocks -------------------------------------------------------------------------
def _relocated(exc: DetenteError, field_path: str, source: str) -> DetenteError:
    exc.field = field_path
    if not exc.source:
        exc.source = source
    return exc


def _perceived_conflict(base: Conflict, p: Perception, own: str, where: str) -> Conflict:
    """``base`` with the perception's parameter values and others' preferences put in."""
    out = base
    if p.parameters:
        try:
            out = out.with_parameters(dict(p.parameters))
        except DetenteError as exc:
            raise _relocated(exc, f"{where}.parameters", base.source) from None
    if p.preferences:
        prefs = {}
        for name, pref in p.preferences.items():
            try:
                dm = base.dm(name).name
            except DetenteError as exc:
                raise _relocated(exc, f"{where}.preferences.{name}", base.source) from None
            if dm == own:
                raise ModelError(f"a perception holds what {own} believes of the others; its own preferences "
                                 f"are its true ones and cannot be replaced here",
                                 field=f"{where}.preferences.{name}", source=base.source)
            prefs[dm] = pref
        out = out.with_preferences(prefs)
    return out


def _visible(base: Conflict, compiled: Compiled, p: Perception | None, where: str) -> np.ndarray:
    """States the perception is aware of (boolean mask over the true states)."""
    m = compiled.n_states
    vis = np.ones(m, dtype=bool)
    if p is None:
        return vis
    if p.unaware_options:
        if compiled.space is None:
            raise ModelError("unaware_options needs an option-form model; in graph form list unaware_states",
                             field=f"{where}.unaware_options", source=base.source)
        for k, name in enumerate(p.unaware_options):
            try:
                idx = base.option_index(name)
            except DetenteError as exc:
                raise _relocated(exc, f"{where}.unaware_options[{k}]", base.source) from None
            vis &= ~compiled.space.bits(idx)
    for k, s in enumerate(p.unaware_states):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 1 <= int(s) <= m:
            raise ModelError(f"unaware state {s!r} does not exist: the model has states 1..{m}",
                             field=f"{where}.unaware_states[{k}]", source=base.source)
        vis[int(s) - 1] = False
    if not vis.any():
        raise ModelError("this perception leaves no state the DM is aware of", field=where, source=base.source)
    return vis


def _restricted_moves(moves, n_dms: int, m: int, visible_by_dm: list[np.ndarray], composes: bool):
    """Moves with DM j's arcs kept only between states in ``visible_by_dm[j]``.

    In option form, two consecutive moves of one DM inside its visible set still compose into one
    of its moves (both ends are visible, and directions and improvements compose), so the fast
    reachability that relies on it stays valid.
    """
    arcs = []
    for j in range(n_dms):
        vis = visible_by_dm[j]
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        for s in np.flatnonzero(vis).tolist():
            t = moves.targets(j, s)
            t = t[vis[t]]
            if t.size:
                src.append(np.full(t.size, s, dtype=np.int64))
                dst.append(t.astype(np.int64))
        if src:
            arcs.append(np.stack([np.concatenate(src), np.concatenate(dst)], axis=1))
        else:
            arcs.append(np.zeros((0, 2), dtype=np.int64))
    restricted = GraphMoves(m, arcs)
    restricted.composes = composes
    return restricted


def _analysis_of(compiled: Compiled, levels: np.ndarray, visible_by_dm: list[np.ndarray],
                 concepts: list[str], label: str, perceiver: str | None = None,
                 view: np.ndarray | None = None) -> Analysis:
    """Analyse a variant of ``compiled``: new levels and moves restricted per DM.

    With ``view`` (the perceiver's visible states) the result is a :class:`PerceivedAnalysis`
    whose states outside ``view`` do not exist.
    """
    game0 = compiled.game
    m = compiled.n_states
    restrict = any(not v.all() for v in visible_by_dm)
    moves = (_restricted_moves(game0.moves, game0.n_dms, m, visible_by_dm, bool(game0.moves.composes))
             if restrict else game0.moves)
    space = compiled.space
    if view is not None and space is not None and not view.all():
        space = PerceivedSpace(space.n_options, space.codes, view)
    game = Game(list(game0.dm_names), np.ascontiguousarray(levels, dtype=np.int32), moves, space,
                [list(b) for b in game0.dm_bits])
    outcomes = dict(compiled.outcomes)
    if view is not None:
        outcomes = {k: v & view for k, v in outcomes.items()}
    comp = Compiled(compiled.conflict, game, space, compiled.env, outcomes, dict(compiled.parameters))
    stable = stability(game, concepts)
    if view is None:
        return Analysis(comp, concepts, stable, label)
    for c in stable:
        stable[c][:, ~view] = False
    return PerceivedAnalysis(comp, concepts, stable, label, visible=view, perceiver=perceiver or "")


def _compile_checked(conflict: Conflict, reference: Compiled, where: str,
                     replaced: Iterable[str] = ()) -> Compiled:
    """Compile a perceived variant; it must keep the true states. Errors in preferences the
    perception supplies (``replaced``) point at the perception's field."""
    try:
        compiled = compile_conflict(conflict)
    except DetenteError as exc:
        hit = re.match(r"decision_makers\[(\d+)\]\.preferences(.*)$", exc.field or "")
        if hit:
            name = conflict.decision_makers[int(hit.group(1))].name
            if name in set(replaced):
                exc.field = f"{where}.preferences.{name}{hit.group(2)}"
        raise
    same = (compiled.n_states == reference.n_states and
            (reference.space is None or compiled.space is None
             or np.array_equal(compiled.space.codes, reference.space.codes)))
    if not same:
        raise ModelError("this perception changes which states are feasible (a parameter used in the "
                         "feasibility constraints); perceptions may change preferences and parameters "
                         "of preferences only", field=where, source=conflict.source)
    return compiled


def _choose(analysis: Analysis, dm_index: int, levels: np.ndarray, concept: str,
            view: np.ndarray) -> tuple[np.ndarray, Basis]:
    """The choice rule: the perceived equilibria the DM likes most (by ``levels``), ties kept."""
    st = analysis.stable[concept]
    cand = np.flatnonzero(st.all(axis=0) & view)
    basis = BY_PERCEIVED_EQUILIBRIA
    if cand.size == 0:
        cand = np.flatnonzero(st[dm_index] & view)
        basis = BY_OWN_STABILITY
    if cand.size == 0:  # pragma: no cover - the DM's best perceived state is always stable for it
        cand = np.flatnonzero(view)
        basis = BY_PREFERENCE
    best = cand[levels[cand] == levels[cand].max()]
    return best, basis


def _own_settings(conflict: Conflict, compiled: Compiled, dm_index: int, states: np.ndarray
                  ) -> tuple[list[int], list[dict[str, bool]]]:
    """Distinct settings (as masked codes) of the DM's own options among ``states``."""
    if compiled.space is None:
        return [], []
    bits = compiled.game.dm_bits[dm_index]
    mask = sum(1 << b for b in bits)
    codes = sorted({int(compiled.space.codes[t]) & mask for t in states.tolist()})
    opts = conflict.options
    settings = [{opts[b].qualified_name: bool((code >> b) & 1) for b in bits} for code in codes]
    return codes, settings


# -- the analysis ----------------------------------------------------------------------------
def analyze_hypergame(conflict: Conflict, *, concept_for_choice: str = "seq",
                      concepts: Iterable[str] = DEFAULT_CONCEPTS,
                      parameters: Mapping[str, float] | None = None) -> HypergameAnalysis:
    """First- and second-level hypergame analysis of ``conflict`` using its ``perceptions``.

    ``concepts`` are analysed in every game; ``concept_for_choice`` (added to them if missing)
    drives the choice rule and the labels; ``parameters`` override the scenario's values in
    reality (a perception's own values still win in the perceiver's game).

    >>> import detente
    >>> pd = detente.examples.prisoners_dilemma()
    >>> h = analyze_hypergame(pd, concepts=["nash"], concept_for_choice="nash")      # no perceptions: everyone sees the truth
    >>> h.outcomes[0].states, h.outcomes[0].label
    ([1], 'steady')
    >>> h.equilibria["nash"], h.choices["alice"].states
    ([1], [1])
    """
    concepts = normalize_concepts(concepts)
    choice_c = normalize_concepts([concept_for_choice])[0]
    if choice_c not in concepts:
        concepts.append(choice_c)
    try:
        base = conflict.with_parameters(dict(parameters or {}))
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None
    true = compile_conflict(base)
    limits.check_hypergame(true.n_states, [len(b) for b in true.game.dm_bits], list(conflict.perceptions.values()),
                           source=conflict.source)
    names = true.game.dm_names
    n = len(names)
    perceptions: dict[str, Perception] = {}
    for key, p in conflict.perceptions.items():
        try:
            dm = conflict.dm(key).name
        except DetenteError as exc:
            raise _relocated(exc, f"perceptions.{key}", conflict.source) from None
        perceptions[dm] = p
    wheres = {dm: f"perceptions.{key}" for key in conflict.perceptions for dm in [conflict.dm(key).name]}

    visible = {dm: _visible(base, true, perceptions.get(dm), wheres.get(dm, "perceptions")) for dm in names}
    all_visible = np.ones(true.n_states, dtype=bool)
    reality = _analysis_of(true, true.game.levels, [all_visible] * n, concepts, "reality")
    if all(v.all() for v in visible.values()):
        aware = reality
    else:
        aware = _analysis_of(true, true.game.levels, [visible[dm] for dm in names], concepts,
                             "reality with awareness limits")

    perceived: dict[str, Analysis] = {}
    perceived_levels: dict[str, np.ndarray] = {}
    differences: dict[str, PerceptionDifferences] = {}
    for k, dm in enumerate(names):
        p_dm = perceptions.get(dm)
        if p_dm is None:
            perceived[dm] = reality
            perceived_levels[dm] = true.game.levels
            differences[dm] = PerceptionDifferences()
            continue
        where = wheres[dm]
        if p_dm.dm and (not _is_dm(conflict, p_dm.dm) or conflict.dm(p_dm.dm).name != dm):
            raise ModelError(f"perception listed under '{dm}' says it belongs to '{p_dm.dm}'", field=where,
                             source=conflict.source)
        ck = _perceived_conflict(base, p_dm, dm, where)
        comp_k = _compile_checked(ck, true, where, [base.dm(x).name for x in p_dm.preferences])
        levels = comp_k.game.levels.copy()
        levels[k] = true.game.levels[k]
        perceived_levels[dm] = levels
        comp_view = Compiled(ck, comp_k.game, comp_k.space, comp_k.env, comp_k.outcomes, comp_k.parameters)
        perceived[dm] = _analysis_of(comp_view, levels, [visible[dm]] * n, concepts, f"perceived by {dm}",
                                     perceiver=dm, view=visible[dm])
        differences[dm] = _differences(base, p_dm, true, levels, dm)

    choices: dict[str, Choice] = {}
    chosen_idx: dict[str, np.ndarray] = {}
    for k, dm in enumerate(names):
        states, basis = _choose(perceived[dm], k, true.game.levels[k], choice_c, visible[dm])
        chosen_idx[dm] = states
        _, settings = _own_settings(base, true, k, states)
        choices[dm] = Choice(dm, (states + 1).tolist(), basis, settings)

    outcomes, truncated = _combine(base, true, names, chosen_idx)
    result_outcomes = [_judge(base, reality, aware, perceived, visible, names, choice_c, combo)
                       for combo in outcomes]
    hyper_eq = {x: _hypergame_equilibria(perceived, visible, names, x) for x in concepts}
    perceived_eq = []
    eq_sets = {dm: set(perceived[dm].equilibria[choice_c]) for dm in names}  # once, not per state
    union = sorted(set().union(*eq_sets.values()))
    for s in union[:MAX_OUTCOMES]:
        facts = _label_state(reality, aware, perceived, visible, names, choice_c, s - 1)
        perceived_eq.append(PerceivedEquilibrium(state=s, perceived_by=[dm for dm in names if s in eq_sets[dm]],
                                                 **facts))
    second = _second_level(base, true, names, perceptions, wheres, visible, perceived_levels, choices,
                           concepts, choice_c)
    return HypergameAnalysis(conflict, concepts, choice_c, reality, aware, perceived, visible, choices,
                             result_outcomes, second, truncated, differences, hyper_eq, perceived_eq)


def _hypergame_equilibria(perceived: dict[str, Analysis], visible: dict[str, np.ndarray], names: list[str],
                          c: str) -> list[int]:
    """States stable for every DM k *in its own perceived game* (a DM cannot move from a state it
    does not perceive, so such a state counts as stable for it)."""
    ok = np.ones(len(visible[names[0]]) if names else 0, dtype=bool)
    for k, dm in enumerate(names):
        ok &= perceived[dm].stable[c][k] | ~visible[dm]
    return (np.flatnonzero(ok) + 1).tolist()


def _is_dm(conflict: Conflict, name: str) -> bool:
    try:
        conflict.dm(name)
        return True
    except DetenteError:
        return False


def _differences(base: Conflict, p: Perception, true: Compiled, levels: np.ndarray, dm: str
                 ) -> PerceptionDifferences:
    """What the perception changes: DMs whose perceived ranking differs, parameters, awareness."""
    prefs = [name for i, name in enumerate(true.game.dm_names)
             if name != dm and not _same_order(levels[i], true.game.levels[i])]
    params: dict[str, ParameterMisperception] = {}
    for k, v in p.parameters.items():
        old = base.parameters.get(k)
        if old is None:
            for d in base.decision_makers:
                pp = getattr(d.preference, "parameters", None)
                if isinstance(pp, dict) and k in pp:
                    old = pp[k]
                    break
        if old is None or float(old) != float(v):
            params[k] = ParameterMisperception(None if old is None else float(old), float(v))
    return PerceptionDifferences(prefs, params, list(p.unaware_options), sorted(set(int(s) for s in p.unaware_states)))


def _same_order(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two level vectors rank the states identically (levels are dense ranks)."""
    return bool(np.array_equal(a, b))


def _combine(base: Conflict, true: Compiled, names: list[str], chosen: dict[str, np.ndarray]
             ) -> tuple[list[dict[str, Any]], bool]:
    """Every combination of the DMs' own choices: [{index (0-based or −1), picks {dm: states}}]."""
    out: list[dict[str, Any]] = []
    if true.space is None:
        common = set(chosen[names[0]].tolist())
        for dm in names[1:]:
            common &= set(chosen[dm].tolist())
        if not common:
            return [{"index": -1, "code": None, "picks": {dm: chosen[dm] for dm in names}}], False
        return [{"index": t, "code": None, "picks": {dm: np.asarray([t]) for dm in names}}
                for t in sorted(common)][:MAX_OUTCOMES], len(common) > MAX_OUTCOMES
    per_dm = []
    for k, dm in enumerate(names):
        bits = true.game.dm_bits[k]
        mask = sum(1 << b for b in bits)
        groups: dict[int, list[int]] = {}
        for t in chosen[dm].tolist():
            groups.setdefault(int(true.space.codes[t]) & mask, []).append(t)
        per_dm.append(sorted(groups.items()))
    truncated = False
    for combo in product(*per_dm):
        if len(out) >= MAX_OUTCOMES:
            truncated = True
            break
        code = 0
        for part, _ in combo:
            code |= part
        idx = int(true.space.index_of(code))
        out.append({"index": idx, "code": code,
                    "picks": {dm: np.asarray(states) for dm, (_, states) in zip(names, combo)}})
    return out, truncated


def _judge(base: Conflict, reality: Analysis, aware: Analysis, perceived: dict[str, Analysis],
           visible: dict[str, np.ndarray], names: list[str], c: str, combo: dict[str, Any]) -> HypergameOutcome:
    """Label one hypergame outcome (a combination of choices), with the facts behind the label."""
    t = combo["index"]
    chosen_by = {dm: (np.asarray(combo["picks"][dm]) + 1).tolist() for dm in names}
    options = None
    if combo["code"] is not None:
        options = {o.qualified_name: bool((combo["code"] >> k) & 1) for k, o in enumerate(base.options)}
    if t < 0:
        return HypergameOutcome(states=[], chosen_by=chosen_by, options=options, label="infeasible", concept=c,
                                stable_in_reality={x: False for x in reality.concepts},
                                stable_with_awareness={x: False for x in reality.concepts},
                                perceived_stable={dm: False for dm in names})
    return HypergameOutcome(states=[t + 1], chosen_by=chosen_by, options=options,
                            **_label_state(reality, aware, perceived, visible, names, c, t))


def _label_state(reality: Analysis, aware: Analysis, perceived: dict[str, Analysis],
                 visible: dict[str, np.ndarray], names: list[str], c: str, t: int) -> dict[str, Any]:
    """The label of state index ``t`` (see the module docstring) and the facts behind it, as the
    fields of :class:`Labelled`."""
    s = t + 1
    R = {x: bool(reality.stable[x][:, t].all()) for x in reality.concepts}
    A = {x: bool(aware.stable[x][:, t].all()) for x in aware.concepts}
    P = {dm: bool(visible[dm][t] and perceived[dm].stable[c][:, t].all()) for dm in names}
    seen_by = [dm for dm in names if P[dm]]
    not_seen = [dm for dm in names if not P[dm]]
    departure = None
    label: Label
    if A[c] and R[c] and not not_seen:
        label = "steady"
    elif A[c] and not R[c]:
        label = "stealthy"
        departure = _departure(reality, visible, names, s, c)
    elif A[c]:
        label = "unforeseen"
    else:
        label = "unsteady" if seen_by else "unstable"
        departure = _departure(aware, visible, names, s, c)
    return {"label": label, "concept": c, "stable_in_reality": R, "stable_with_awareness": A, "perceived_stable": P,
            "unaware": [dm for dm in names if not visible[dm][t]], "departure": departure}


def _departure(analysis: Analysis, visible: dict[str, np.ndarray], names: list[str], s: int, c: str
               ) -> Departure | None:
    """Why state ``s`` is not a ``c`` equilibrium in ``analysis``: the first DM with an unanswered move."""
    t = s - 1
    for i, dm in enumerate(names):
        if analysis.stable[c][i, t]:
            continue
        bad = analysis.verdict(s, dm, c).unanswered
        if bad is None:  # pragma: no cover - an unstable verdict always names its move
            continue
        q = bad.improvement + 1
        return Departure(dm, s, q, c, option_values_changed(analysis, s, q), bool(visible[dm][t]),
                         bool(visible[dm][q - 1]))
    return None  # pragma: no cover


def _second_level(base: Conflict, true: Compiled, names: list[str], perceptions: dict[str, Perception],
                  wheres: dict[str, str], visible: dict[str, np.ndarray], perceived_levels: dict[str, np.ndarray],
                  choices: dict[str, Choice], concepts: list[str], c: str) -> list[SecondLevelView]:
    """For each ``of_others`` entry: the game as k believes j perceives it, and j's predicted choice."""
    out: list[SecondLevelView] = []
    n = len(names)
    for k_name, p in perceptions.items():
        if not p.of_others:
            continue
        ck = _perceived_conflict(base, p, k_name, wheres[k_name])
        for key, pkj in p.of_others.items():
            where = f"{wheres[k_name]}.of_others.{key}"
            try:
                j_name = base.dm(key).name
            except DetenteError as exc:
                raise _relocated(exc, where, base.source) from None
            if j_name == k_name:
                raise ModelError("of_others holds a DM's model of *another* DM's perception", field=where,
                                 source=base.source)
            if pkj.of_others:
                raise ModelError("hypergames beyond the second level are not supported: remove this of_others",
                                 field=f"{where}.of_others", source=base.source)
            j = names.index(j_name)
            ckj = _perceived_conflict(ck, pkj, j_name, where)
            comp = _compile_checked(ckj, true, where, [base.dm(x).name for x in pkj.preferences])
            levels = comp.game.levels.copy()
            levels[j] = perceived_levels[k_name][j]      # j's own preferences, as k believes them
            view = visible[k_name] & _visible(base, true, pkj, where)
            if not view.any():
                raise ModelError("k cannot imagine j perceiving no state", field=where, source=base.source)
            comp_view = Compiled(ckj, comp.game, comp.space, comp.env, comp.outcomes, comp.parameters)
            a = _analysis_of(comp_view, levels, [view] * n, concepts, f"{j_name} as {k_name} believes",
                             perceiver=j_name, view=view)
            states, basis = _choose(a, j, levels[j], c, view)
            _, settings = _own_settings(base, true, j, states)
            actual = choices[j_name]
            if true.space is not None:
                correct = sorted(map(_key, settings)) == sorted(map(_key, actual.settings))
            else:
                correct = sorted((states + 1).tolist()) == sorted(actual.states)
            out.append(SecondLevelView(k_name, j_name, c, a.equilibria, Choice(j_name, (states + 1).tolist(), basis, settings),
                                       actual, correct))
    return out


def _key(setting: dict[str, bool]) -> tuple:
    return tuple(sorted(setting.items()))


__all__ = ["analyze_hypergame", "HypergameAnalysis", "PerceivedAnalysis", "PerceivedSpace", "Choice",
           "PerceivedView", "PerceptionDifferences", "ParameterMisperception", "Departure", "Labelled",
           "HypergameOutcome", "PerceivedEquilibrium", "SecondLevelView", "Label", "Basis", "BY_PERCEIVED_EQUILIBRIA",
           "BY_OWN_STABILITY", "BY_PREFERENCE", "LABELS", "MAX_OUTCOMES"]
