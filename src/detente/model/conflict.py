"""The conflict as people think of it: decision makers, options, preferences, named outcomes.

Pure data. A :class:`Conflict` is either in **option form** (each DM controls yes/no options;
states are the feasible combinations) or in **graph form** (explicit states and each DM's
moves). Nothing here computes stability; :func:`detente.analyze` does.

State numbering follows the literature (and GMCR+): option k (1-based, in declaration order,
DMs in order) is bit k-1 of a state's decimal code; feasible states are numbered 1..m by
increasing code.

>>> pd = Conflict(
...     name="Prisoner's Dilemma",
...     decision_makers=[
...         DecisionMaker("alice", [Option("cooperate")],
...                       preferences=["not bob.cooperate", "not alice.cooperate"]),
...         DecisionMaker("bob", ["cooperate"],
...                       preferences=["not alice.cooperate", "not bob.cooperate"]),
...     ],
... )
>>> [o.key for o in pd.options]
['alice.cooperate', 'bob.cooperate']

Names are kept as written; expressions use identifiers derived from them
(:mod:`detente.model.names`):

>>> dm = DecisionMaker("Local Government", ["Air Strike"], preferences=["Local_Government.air_strike"])
>>> dm.options[0].name, dm.options[0].dm, dm.options[0].key
('Air Strike', 'Local Government', 'local_government.air_strike')
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Union

from ..errors import ModelError
from .feasibility import Feasibility
from .names import IDENTIFIER, identifier
from .preferences import Payoff, Preference, Prioritization, Ranking

Reversibility = Literal["both", "forward", "backward"]
"""``both``: the option can be taken and dropped; ``forward``: only N→Y (irreversible once
taken, e.g. an attack); ``backward``: only Y→N."""


@dataclass
class Option:
    """A yes/no choice controlled by one decision maker.

    ``name`` is kept as written (any text). ``dm`` is the controlling decision maker's name; leave
    it out when the option is given to a :class:`DecisionMaker`, which fills it in. ``id``
    overrides the identifier derived from the name (:func:`~detente.model.names.identifier`).
    """

    name: str
    dm: str = ""
    reversibility: Reversibility = "both"
    label: str = ""
    description: str = ""
    id: str = ""
    dm_id: str = field(default="", repr=False, compare=False)
    """The controlling DM's explicit identifier, if it has one (set by :class:`DecisionMaker`)."""

    @property
    def ident(self) -> str:
        """The identifier expressions use for this option (without the DM)."""
        return self.id or identifier(self.name, "option")

    @property
    def key(self) -> str:
        """The fully qualified identifier, ``dm.option``, usable in every expression."""
        return f"{self.dm_id or identifier(self.dm, 'dm')}.{self.ident}"

    @property
    def qualified_name(self) -> str:
        """``DM.option`` with both names as written: the option's name in tables and JSON keys."""
        return f"{self.dm}.{self.name}"


def _preference_from(value: object, where: str) -> Preference | None:
    """A preference from the friendly shorthands: conditions (prioritization), state numbers
    (ranking) or a formula (payoff)."""
    if value is None or isinstance(value, (Prioritization, Ranking, Payoff)):
        return value
    if isinstance(value, str):
        return Payoff(value)
    if isinstance(value, Sequence):
        items = list(value)
        if all(isinstance(x, str) for x in items):
            return Prioritization([str(x) for x in items])
        if all(isinstance(x, int) or (isinstance(x, Sequence) and not isinstance(x, str)) for x in items):
            return Ranking([list(x) if isinstance(x, Sequence) else [x] for x in items])  # type: ignore[arg-type]
    raise ModelError("preferences must be a Prioritization, Ranking or Payoff, a list of conditions "
                     "(prioritization), a list of state numbers (ranking) or a formula (payoff); got "
                     f"{type(value).__name__}", field=where)


@dataclass(init=False)
class DecisionMaker:
    """A party to the conflict, its options and how it ranks states.

    ``options`` may be :class:`Option` objects or plain names; ``preferences`` (or its older
    spelling ``preference``) may be a :class:`Prioritization`, :class:`Ranking` or
    :class:`Payoff`, or a shorthand: a list of conditions (prioritization, most important first),
    a list of state numbers best first (ranking; a nested list is a tie) or a formula (payoff).

    >>> dm = DecisionMaker("USSR", ["Air Strike", "Blockade"], preferences=["not air_strike", "blockade"])
    >>> [o.key for o in dm.options], type(dm.preference).__name__
    (['ussr.air_strike', 'ussr.blockade'], 'Prioritization')
    """

    name: str
    options: list[Option]
    preference: Preference | None
    label: str
    description: str
    id: str

    def __init__(self, name: str, options: Iterable[Option | str] = (), preference: object = None,
                 label: str = "", description: str = "", *, preferences: object = None, id: str = ""):
        if preference is not None and preferences is not None:
            raise ModelError(f"decision maker '{name}': give preferences once (preferences= and preference= "
                             "are the same argument)", field="preferences")
        self.name = name
        self.label = label
        self.description = description
        self.id = id
        self.preference = _preference_from(preferences if preferences is not None else preference,
                                           f"decision_makers.{name}.preferences")
        self.options = []
        for o in options:
            opt = Option(o) if isinstance(o, str) else o
            if not opt.dm:
                opt.dm = name
            if opt.dm == name:
                opt.dm_id = id
            self.options.append(opt)

    @property
    def ident(self) -> str:
        """The identifier expressions use for this decision maker."""
        return self.id or identifier(self.name, "dm")


@dataclass
class GraphForm:
    """Explicit states and moves: ``moves[dm]`` lists (from, to) state numbers (1-based)."""

    states: list[str]
    moves: dict[str, list[tuple[int, int]]]


@dataclass
class Perspective:
    """A named view of the conflict: some DMs' preferences and/or parameter values replaced."""

    name: str
    description: str = ""
    preferences: dict[str, Preference] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)


@dataclass
class Perception:
    """How one DM perceives the game (first-level hypergame).

    ``preferences``/``parameters`` replace what the DM believes of others; ``unaware_options``
    lists options (qualified names) it does not know exist: states where any of them is taken
    are invisible to it. ``of_others`` holds its model of how another DM perceives the game
    (second-level hypergame).
    """

    dm: str
    preferences: dict[str, Preference] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    unaware_options: list[str] = field(default_factory=list)
    unaware_states: list[int] = field(default_factory=list)
    of_others: dict[str, "Perception"] = field(default_factory=dict)
    description: str = ""


OutcomeSpec = Union[str, list[int]]


@dataclass
class Parameter:
    """What a named number means: its plausible ``range`` (lo, hi), ``unit``, ``period`` (e.g.
    "per quarter"), a display ``label`` and its ``source`` (a citation, or "assumption").

    The value itself lives in :attr:`Conflict.parameters`; ranges drive levers and maps.

    >>> Parameter("deal_x", range=(0.5, 1.0), unit="share of the contested good").span
    0.5
    """

    name: str
    range: tuple[float, float] | None = None
    unit: str = ""
    period: str = ""
    label: str = ""
    source: str = ""
    description: str = ""

    @property
    def span(self) -> float:
        """hi - lo of the range (0 without a range)."""
        return float(self.range[1] - self.range[0]) if self.range else 0.0


@dataclass
class Belief:
    """A belief parameter derived from a prior over another DM's *types*.

    Each type is a perspective of the conflict (a variant of DM ``about``'s preferences or of
    parameter values) with a prior weight (a number or a parameter name). At the state(s) named
    by ``at``, a type *walks away* when its own best reply there satisfies ``walks_away``: the best
    state it can reach (or keep) satisfying ``walks_away`` is strictly better for it than every
    state it can reach or keep that does not. The belief is::

        name = rate * sum(weight[t] for walking types t) / sum(weight[t] for all types t)

    (``rate`` a number or parameter name, default 1: the per-period chance that a type minded to
    walk away actually does). Setting the belief's name as a parameter (``--set``, a perspective)
    overrides the derivation. See ``docs/levers.md``.
    """

    name: str
    about: str
    types: dict[str, str | float]
    walks_away: str
    at: str
    rate: str | float = 1.0
    description: str = ""


@dataclass
class SweepSpec:
    """A parameter sweep the scenario asks for: ``parameter`` from ``lo`` to ``hi``."""

    parameter: str
    lo: float
    hi: float
    steps: int = 21
    perspective: str | None = None
    precision: float | None = None


@dataclass
class MapSpec:
    """A 2-D lever map the scenario asks for: axes ``(parameter, lo, hi, steps)``, the outcome, whose
    verdict (``dms``; empty = equilibrium) and the concept."""

    x: tuple[str, float, float, int]
    y: tuple[str, float, float, int]
    outcome: str | None = None
    dms: list[str] = field(default_factory=list)
    concept: str = "seq"


@dataclass
class Conflict:
    """A whole conflict model; see the module docstring.

    ``definitions`` name sub-expressions (``ceasefire: "ukraine.accept and russia.accept"``)
    usable in later definitions, conditions and formulas, evaluated in order.
    """

    name: str
    decision_makers: list[DecisionMaker]
    feasibility: Feasibility = field(default_factory=Feasibility)
    outcomes: dict[str, OutcomeSpec] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    graph: GraphForm | None = None
    status_quo: OutcomeSpec | int | None = None
    perspectives: dict[str, Perspective] = field(default_factory=dict)
    perceptions: dict[str, Perception] = field(default_factory=dict)
    coalitions: list[list[str]] = field(default_factory=list)
    sweeps: list[SweepSpec] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = "<api>"
    parameter_info: dict[str, Parameter] = field(default_factory=dict)
    beliefs: dict[str, Belief] = field(default_factory=dict)
    maps: list[MapSpec] = field(default_factory=list)

    # -- lookups -----------------------------------------------------------------
    @property
    def dm_names(self) -> list[str]:
        return [dm.name for dm in self.decision_makers]

    @property
    def options(self) -> list[Option]:
        """All options, in numbering order (DMs in order, each DM's options in order)."""
        return [o for dm in self.decision_makers for o in dm.options]

    @property
    def is_graph_form(self) -> bool:
        return self.graph is not None

    def dm(self, name: str) -> DecisionMaker:
        """The decision maker called ``name`` (as written, or its identifier; any case)."""
        for dm in self.decision_makers:
            if dm.name == name:
                return dm
        lowered = {dm.name.lower(): dm for dm in self.decision_makers}
        if name.lower() in lowered:
            return lowered[name.lower()]
        by_id = {dm.ident.lower(): dm for dm in self.decision_makers}
        for candidate in (name, identifier(name, "dm")):
            if candidate.lower() in by_id:
                return by_id[candidate.lower()]
        raise ModelError(f"unknown decision maker '{name}' (known: {', '.join(self.dm_names)})")

    def dm_index(self, name: str) -> int:
        return self.dm_names.index(self.dm(name).name)

    def option_names(self) -> dict[str, int]:
        """Every name an expression may use for an option, mapped to the option's index.

        These are identifiers (:mod:`detente.model.names`): qualified ones (``dm.option``) always
        work; a bare option identifier works when unique.
        """
        names: dict[str, int] = {}
        bare_count: dict[str, int] = {}
        for k, o in enumerate(self.options):
            names[o.key] = k
            bare_count[o.ident] = bare_count.get(o.ident, 0) + 1
        for k, o in enumerate(self.options):
            if bare_count[o.ident] == 1 and o.ident not in names:
                names[o.ident] = k
        return names

    def option_index(self, name: str) -> int:
        """The index of the option ``name`` names: an identifier (as in :meth:`option_names`) or
        the name as written (``Air Strike``, or qualified ``USSR.Air Strike``), in any case."""
        names = self.option_names()
        if name in names:
            return names[name]
        lowered = {k.lower(): v for k, v in names.items()}
        if name.lower() in lowered:
            return lowered[name.lower()]
        written = [k for k, o in enumerate(self.options) if name.lower() in (o.qualified_name.lower(),
                                                                           o.name.lower())]
        if len(written) == 1:
            return written[0]
        ambiguous = [o.key for o in self.options if name.lower() in (o.name.lower(), o.ident.lower())]
        if len(ambiguous) > 1:
            raise ModelError(f"option name '{name}' is ambiguous: write one of {', '.join(ambiguous)}")
        raise ModelError(f"unknown option '{name}'")

    def parameter(self, name: str) -> Parameter:
        """The meaning of parameter ``name`` (an empty :class:`Parameter` when none was declared)."""
        if name not in self.parameters and name not in self.beliefs:
            raise ModelError(f"unknown parameter '{name}' (known: {', '.join(self.parameters) or 'none'})",
                             field="parameters")
        return self.parameter_info.get(name) or Parameter(name)

    # -- variants --------------------------------------------------------------------
    def with_parameters(self, overrides: Mapping[str, float] | None) -> "Conflict":
        """A copy with parameter values replaced; unknown names are an error."""
        if not overrides:
            return self
        if not isinstance(overrides, Mapping):
            raise ModelError(f"expected a mapping of parameter names to numbers, got {type(overrides).__name__}",
                             field="parameters")
        for name, value in overrides.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ModelError(f"expected a finite number, got {value!r:.40}", field=f"parameters.{name}")
        known = set(self.parameters) | set(self.beliefs) | {
            p for dm in self.decision_makers if isinstance(dm.preference, Payoff) for p in dm.preference.parameters}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ModelError(f"unknown parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(known)) or 'none'})",
                             field="parameters")
        out = copy.deepcopy(self)
        for name, value in overrides.items():
            if name in out.parameters or name in out.beliefs:  # a belief set here overrides its derivation
                out.parameters[name] = float(value)
            for dm in out.decision_makers:
                if isinstance(dm.preference, Payoff) and name in dm.preference.parameters:
                    dm.preference.parameters[name] = float(value)
        return out

    def with_preferences(self, preferences: Mapping[str, Preference]) -> "Conflict":
        """A copy with some DMs' preferences replaced."""
        out = copy.deepcopy(self)
        for name, pref in preferences.items():
            out.dm(name).preference = copy.deepcopy(pref)
        return out

    def with_perspective(self, name: str) -> "Conflict":
        """The conflict as seen from a named perspective."""
        if name not in self.perspectives:
            raise ModelError(f"unknown perspective '{name}' (known: {', '.join(self.perspectives) or 'none'})",
                             field="perspectives")
        p = self.perspectives[name]
        out = self.with_preferences(p.preferences) if p.preferences else copy.deepcopy(self)
        for k, v in p.parameters.items():
            if k not in out.parameters and k not in out.beliefs:
                raise ModelError(f"perspective '{name}' sets unknown parameter '{k}'",
                                 field=f"perspectives.{name}.parameters")
            out.parameters[k] = float(v)
        return out


__all__ = [
    "Parameter", "Belief", "MapSpec", "Conflict", "DecisionMaker", "Option", "GraphForm", "Perspective", "Perception", "Feasibility", "SweepSpec",
    "Ranking", "Prioritization", "Payoff", "Preference", "Reversibility", "IDENTIFIER",
]
