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
...         DecisionMaker("alice", [Option("cooperate", "alice")],
...                       Prioritization(["not bob.cooperate", "not alice.cooperate"])),
...         DecisionMaker("bob", [Option("cooperate", "bob")],
...                       Prioritization(["not alice.cooperate", "not bob.cooperate"])),
...     ],
... )
>>> [o.key for o in pd.options]
['alice.cooperate', 'bob.cooperate']
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Literal, Union

from ..errors import ModelError
from .feasibility import Feasibility
from .preferences import Payoff, Preference, Prioritization, Ranking

Reversibility = Literal["both", "forward", "backward"]
"""``both``: the option can be taken and dropped; ``forward``: only N→Y (irreversible once
taken, e.g. an attack); ``backward``: only Y→N."""

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Option:
    """A yes/no choice controlled by one decision maker."""

    name: str
    dm: str
    reversibility: Reversibility = "both"
    label: str = ""
    description: str = ""

    @property
    def key(self) -> str:
        """The fully qualified name, ``dm.option``, usable in every expression."""
        return f"{self.dm}.{self.name}"


@dataclass
class DecisionMaker:
    """A party to the conflict, its options and how it ranks states."""

    name: str
    options: list[Option] = field(default_factory=list)
    preference: Preference | None = None
    label: str = ""
    description: str = ""


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
    walk away actually does). See ``docs/levers.md``.
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
        for dm in self.decision_makers:
            if dm.name == name:
                return dm
        lowered = {dm.name.lower(): dm for dm in self.decision_makers}
        if name.lower() in lowered:
            return lowered[name.lower()]
        raise ModelError(f"unknown decision maker '{name}' (known: {', '.join(self.dm_names)})")

    def dm_index(self, name: str) -> int:
        return self.dm_names.index(self.dm(name).name)

    def option_names(self) -> dict[str, int]:
        """Every name an expression may use for an option, mapped to the option's index.

        Qualified names (``dm.option``) always work; a bare option name works when unique.
        """
        names: dict[str, int] = {}
        bare_count: dict[str, int] = {}
        for k, o in enumerate(self.options):
            names[o.key] = k
            bare_count[o.name] = bare_count.get(o.name, 0) + 1
        for k, o in enumerate(self.options):
            if bare_count[o.name] == 1 and o.name not in names:
                names[o.name] = k
        return names

    def option_index(self, name: str) -> int:
        names = self.option_names()
        if name in names:
            return names[name]
        lowered = {k.lower(): v for k, v in names.items()}
        if name.lower() in lowered:
            return lowered[name.lower()]
        ambiguous = [o.key for o in self.options if o.name == name]
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
    def with_parameters(self, overrides: dict[str, float] | None) -> "Conflict":
        """A copy with parameter values replaced; unknown names are an error."""
        if not overrides:
            return self
        known = set(self.parameters) | {p for dm in self.decision_makers
                                        if isinstance(dm.preference, Payoff) for p in dm.preference.parameters}
        derived = sorted(set(overrides) & set(self.beliefs))
        if derived:
            b = self.beliefs[derived[0]]
            raise ModelError(f"'{derived[0]}' is derived from a prior over {b.about}'s types "
                             f"({', '.join(b.types)}); set the prior weights or the types' parameters instead",
                             field="parameters")
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ModelError(f"unknown parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(known)) or 'none'})",
                             field="parameters")
        out = copy.deepcopy(self)
        for name, value in overrides.items():
            if name in out.parameters:
                out.parameters[name] = float(value)
            for dm in out.decision_makers:
                if isinstance(dm.preference, Payoff) and name in dm.preference.parameters:
                    dm.preference.parameters[name] = float(value)
        return out

    def with_preferences(self, preferences: dict[str, Preference]) -> "Conflict":
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
            if k not in out.parameters:
                raise ModelError(f"perspective '{name}' sets unknown parameter '{k}'",
                                 field=f"perspectives.{name}.parameters")
            out.parameters[k] = float(v)
        return out


__all__ = [
    "Parameter", "Belief", "Conflict", "DecisionMaker", "Option", "GraphForm", "Perspective", "Perception", "Feasibility", "SweepSpec",
    "Ranking", "Prioritization", "Payoff", "Preference", "Reversibility", "IDENTIFIER",
]
