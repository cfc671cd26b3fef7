"""The scenario file format (YAML or JSON, one schema) as pydantic models.

These models check the *shape* of a scenario: keys, types, the shorthand forms people write
by hand. Meaning (names that exist, rankings that cover every state) is checked afterwards by
:mod:`detente.io.scenario`. ``scenario_json_schema()`` gives the JSON Schema published as
``schema/scenario.schema.json`` for editors.

A small scenario::

    name: Prisoner's Dilemma
    decision_makers:
      - name: alice
        options: [cooperate]
        preferences: {prioritization: [bob.cooperate, not alice.cooperate]}
      - name: bob
        options: [cooperate]
        preferences: {prioritization: [alice.cooperate, not bob.cooperate]}
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from ._shape import REVERSIBLE_ALIASES


ReversibleText = Literal["both", "forward", "backward", "irreversible", "fwd", "back", "N->Y", "Y->N"]


class _Spec(BaseModel):
    # Numbers must be finite everywhere (parameters, payoff parameters, sweep specs, perceptions).
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class OptionSpec(_Spec):
    """One yes/no option (a bare string ``"modify"`` is short for ``{name: modify}``)."""

    name: str = Field(description="the option's name, any text, kept as written (expressions use its "
                                  "identifier: 'Air Strike' -> air_strike)")
    id: str = Field("", description="optional: the identifier used in expressions, instead of the one derived "
                                    "from the name")
    label: str = Field("", description="optional longer display text")
    description: str = ""
    reversible: ReversibleText = Field(
        "both", description="both (default); forward = only N->Y (irreversible once taken); "
                            "backward = only Y->N. Aliases: irreversible/fwd/N->Y, back/Y->N")

    @field_validator("reversible", mode="before")
    @classmethod
    def _normalise_reversible(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "both" if value else "forward"
        if isinstance(value, str):
            key = value.strip().lower().replace(" ", "")
            if key in REVERSIBLE_ALIASES:
                return REVERSIBLE_ALIASES[key]
            raise ValueError(f"'{value}' is not a reversibility: use both, forward (only N->Y, alias "
                             f"irreversible) or backward (only Y->N)")
        return value


class PayoffSpec(_Spec):
    """A payoff formula with default values for parameters local to this DM."""

    formula: str
    parameters: dict[str, float] = Field(default_factory=dict)


RankEntry = Union[StrictInt, list[StrictInt]]


class PreferencesSpec(_Spec):
    """How a DM ranks states: exactly one of ``prioritization``, ``ranking`` or ``payoff``."""

    prioritization: Optional[list[str]] = Field(
        None, description="conditions, most important first (option prioritization)")
    ranking: Optional[list[RankEntry]] = Field(
        None, description="state numbers best first; a nested list is a group of equally preferred states")
    payoff: Optional[Union[str, PayoffSpec]] = Field(
        None, description="a formula over options and parameters; higher is better")

    @model_validator(mode="after")
    def _exactly_one(self) -> "PreferencesSpec":
        given = [k for k in ("prioritization", "ranking", "payoff") if getattr(self, k) is not None]
        if len(given) != 1:
            got = f"got {' and '.join(given)}" if given else "got none"
            raise ValueError(f"give exactly one of prioritization, ranking or payoff ({got})")
        return self


class DecisionMakerSpec(_Spec):
    name: str = Field(description="the decision maker's name, any text, kept as written (expressions use its "
                                  "identifier: 'Local Government' -> local_government)")
    id: str = Field("", description="optional: the identifier used in expressions, instead of the one derived "
                                    "from the name")
    label: str = Field("", description="optional longer display text")
    description: str = ""
    options: list[Union[str, OptionSpec]] = Field(default_factory=list)
    preferences: PreferencesSpec


class ImplicationSpec(_Spec):
    """``{if: p, then: q}``: whenever condition p holds, q must hold too."""

    if_: str = Field(alias="if")
    then: str


YesNo = Union[StrictBool, Literal["Y", "N", "y", "n", "yes", "no", "Yes", "No"]]


class FeasibilitySpec(_Spec):
    infeasible: list[str] = Field(default_factory=list, description="conditions describing impossible states")
    patterns: list[dict[str, YesNo]] = Field(
        default_factory=list, description="impossible partial assignments {option: Y/N}")
    mutually_exclusive: list[list[str]] = Field(default_factory=list,
                                                description="groups of options of which at most one is taken")
    at_least_one: list[list[str]] = Field(default_factory=list,
                                          description="groups of options of which one or more must be taken")
    implications: list[Union[str, ImplicationSpec]] = Field(
        default_factory=list, description='"p -> q" or {if: p, then: q}')


class GraphSpec(_Spec):
    """Graph form: explicit states (numbered 1..m in order) and each DM's moves."""

    states: list[str]
    moves: dict[str, list[tuple[StrictInt, StrictInt]]] = Field(default_factory=dict)


class PerspectiveSpec(_Spec):
    description: str = ""
    parameters: dict[str, float] = Field(default_factory=dict)
    preferences: dict[str, PreferencesSpec] = Field(default_factory=dict)


class PerceptionSpec(_Spec):
    description: str = ""
    preferences: dict[str, PreferencesSpec] = Field(default_factory=dict)
    parameters: dict[str, float] = Field(default_factory=dict)
    unaware_options: list[str] = Field(default_factory=list)
    unaware_states: list[StrictInt] = Field(default_factory=list)
    of_others: dict[str, "PerceptionSpec"] = Field(default_factory=dict)


class ParameterSpec(_Spec):
    """A parameter with its meaning; a bare number is short for ``{value: number}``."""

    value: float = Field(description="the value used unless overridden")
    range: Optional[tuple[float, float]] = Field(
        None, description="[lo, hi]: the plausible interval (levers and maps vary the parameter across it)")
    unit: str = Field("", description='e.g. "share of the contested good", "probability"')
    period: str = Field("", description='e.g. "per quarter"')
    label: str = Field("", description="display name")
    source: str = Field("", description='where the number comes from, or "assumption"')
    description: str = ""

    @model_validator(mode="after")
    def _range_holds_value(self) -> "ParameterSpec":
        import math

        if not math.isfinite(self.value):
            raise ValueError(f"value must be a finite number, got {self.value}")
        if self.range is not None:
            lo, hi = self.range
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError(f"range must be finite numbers, got [{lo}, {hi}]")
            if not lo < hi:
                raise ValueError(f"range must read [lo, hi] with lo < hi, got [{lo}, {hi}]")
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} lies outside its range [{lo}, {hi}]")
        return self


class BeliefSpec(_Spec):
    """A belief parameter derived from a prior over another DM's types (see docs/levers.md)."""

    about: str = Field(description="the DM whose type is uncertain")
    types: dict[str, Union[float, str]] = Field(
        description="type name (a perspective) -> prior weight (a number or a parameter name)")
    walks_away: str = Field(description="condition met by the move the belief is about, e.g. us.leave_europe")
    at: str = Field(description="outcome name or condition: the state where each type's best reply is taken")
    rate: Union[float, str] = Field(1.0, description="per-period chance that a type minded to walk away does")
    range: Optional[tuple[float, float]] = Field(
        None, description="[lo, hi]: plausible values, so levers and maps can vary the belief directly")
    unit: str = ""
    period: str = ""
    label: str = ""
    source: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _range_ok(self) -> "BeliefSpec":
        import math

        if self.range is not None:
            lo, hi = self.range
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"range must be finite numbers with lo < hi, got [{lo}, {hi}]")
        return self


class AxisSpec(_Spec):
    parameter: str
    lo: float
    hi: float
    steps: StrictInt = 101


class MapSpecModel(_Spec):
    """A 2-D lever map to draw in briefs and reports."""

    x: AxisSpec
    y: AxisSpec
    outcome: Optional[str] = None
    dms: list[str] = Field(default_factory=list, description="whose verdicts (empty: the outcome is an equilibrium)")
    concept: str = "seq"


class SweepSpecModel(_Spec):
    parameter: str
    lo: float
    hi: float
    steps: StrictInt = 21
    perspective: Optional[str] = None
    precision: Optional[float] = None


OutcomeValue = Union[str, list[StrictInt], StrictInt]


class ScenarioSpec(_Spec):
    """A whole scenario file."""

    schema_: Optional[str] = Field(None, alias="$schema", description="optional: URL of this schema, for editors")
    name: str = ""
    description: str = ""
    parameters: dict[str, Union[float, ParameterSpec]] = Field(
        default_factory=dict, description="named numbers used in formulas: a number, or {value, range, unit, "
                                          "period, label, source}")
    beliefs: dict[str, BeliefSpec] = Field(
        default_factory=dict, description="belief parameters derived from a prior over another DM's types")
    definitions: dict[str, str] = Field(
        default_factory=dict, description="named sub-expressions, usable in later definitions and every expression")
    decision_makers: list[DecisionMakerSpec]
    feasibility: FeasibilitySpec = Field(default_factory=FeasibilitySpec)
    outcomes: dict[str, OutcomeValue] = Field(
        default_factory=dict, description="named outcomes: a condition, or explicit state numbers")
    status_quo: Optional[Union[StrictInt, str, list[StrictInt]]] = Field(
        None, description="a state number, an outcome name or a condition")
    graph: Optional[GraphSpec] = None
    perspectives: dict[str, PerspectiveSpec] = Field(default_factory=dict)
    perceptions: dict[str, PerceptionSpec] = Field(default_factory=dict)
    coalitions: list[list[str]] = Field(default_factory=list)
    sweeps: list[SweepSpecModel] = Field(default_factory=list)
    maps: list[MapSpecModel] = Field(default_factory=list, description="2-D lever maps briefs and reports draw")


PerceptionSpec.model_rebuild()
ScenarioSpec.model_rebuild()


def scenario_json_schema() -> dict:
    """The JSON Schema of scenario files (published as ``schema/scenario.schema.json``).

    Regenerate the published file with ``python -m detente.io.schema > schema/scenario.schema.json``.
    """
    schema = ScenarioSpec.model_json_schema(by_alias=True)
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "detente scenario",
           "description": "A conflict for detente (Graph Model for Conflict Resolution), in YAML or JSON."}
    out.update({k: v for k, v in schema.items() if k not in ("title", "description")})
    return out


def scenario_json_schema_text() -> str:
    """The JSON Schema as the text of ``schema/scenario.schema.json``."""
    import json

    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(scenario_json_schema_text())


__all__ = ["ScenarioSpec", "DecisionMakerSpec", "OptionSpec", "PreferencesSpec", "PayoffSpec",
           "FeasibilitySpec", "ImplicationSpec", "GraphSpec", "PerspectiveSpec", "PerceptionSpec",
           "SweepSpecModel", "MapSpecModel", "AxisSpec", "ParameterSpec", "BeliefSpec", "REVERSIBLE_ALIASES", "scenario_json_schema", "scenario_json_schema_text"]
