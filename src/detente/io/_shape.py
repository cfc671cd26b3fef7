"""The scenario schema's quick path: well-formed files read without pydantic.

Building the pydantic models of :mod:`detente.io.schema` costs about as much as the rest of
``import detente`` (the models' validators are generated when the module is imported), and most
files are well formed. :func:`quick_spec` checks a parsed file against the same schema with
plain Python and returns the same values pydantic would (numbers as floats, defaults filled in,
``reversible`` spellings normalised), as light objects with the models' attribute names. It
answers ``None`` — "ask pydantic" — for anything it is not sure of: a wrong type, an unknown or
missing key, a value pydantic would coerce (``"1.5"`` for a number), a failed model check. The
caller then validates with pydantic, which gives the precise error (or the coerced value), so
the quick path never changes an answer or an error message; ``tests/io/test_shape.py`` checks
both paths give the same conflict on every bundled file and checks the tables below against the
models' fields.

>>> spec = quick_spec({"decision_makers": [{"name": "a", "options": ["x"],
...                                         "preferences": {"prioritization": ["x"]}}]})
>>> spec.decision_makers[0].options, spec.feasibility.infeasible, spec.parameters
(['x'], [], {})
>>> quick_spec({"decision_makers": [], "colour": "red"}) is None      # unknown key: pydantic says so
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

REVERSIBLE_ALIASES: dict[str, str] = {
    "both": "both", "reversible": "both",
    "forward": "forward", "fwd": "forward", "irreversible": "forward", "n->y": "forward",
    "backward": "backward", "back": "backward", "y->n": "backward",
}
"""Spellings accepted for ``reversible`` (case-insensitive), mapped to the model's values."""


class _Unsure(Exception):
    """The quick path cannot vouch for this value: let pydantic validate the file."""


class Shape:
    """A validated part of a scenario file: one attribute per field of the matching schema model."""

    __slots__ = ("__dict__", "_model")

    def __init__(self, model: str, values: dict[str, Any]):
        self._model = model
        self.__dict__.update(values)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{self._model}({fields})"


Check = Callable[[Any], Any]


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Unsure
    return value


def _number(value: Any) -> float:
    if type(value) not in (int, float):
        raise _Unsure
    try:
        out = float(value)
    except OverflowError:
        raise _Unsure from None
    if not math.isfinite(out):
        raise _Unsure
    return out


def _whole(value: Any) -> int:
    if type(value) is not int:
        raise _Unsure
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Unsure
    return value


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _list(check: Check) -> Check:
    def run(value: Any) -> list:
        if type(value) is not list:
            raise _Unsure
        return [check(v) for v in value]
    return run


def _pair(check: Check) -> Check:
    def run(value: Any) -> tuple:
        if type(value) is not list or len(value) != 2:
            raise _Unsure
        return (check(value[0]), check(value[1]))
    return run


def _mapping(check: Check) -> Check:
    def run(value: Any) -> dict:
        if type(value) is not dict:
            raise _Unsure
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _Unsure
            out[k] = check(v)
        return out
    return run


def _either(*checks: Check) -> Check:
    """The first check that vouches for the value (each branch takes distinct Python types, so
    the order cannot change the answer)."""
    def run(value: Any) -> Any:
        for check in checks:
            try:
                return check(value)
            except _Unsure:
                continue
        raise _Unsure
    return run


def _choice(*allowed: str) -> Check:
    def run(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise _Unsure
        return value
    return run


REQUIRED = object()
"""Marks a field without a default."""

# model name -> {field: (key in the file, check, default)}; defaults that are callables make a
# fresh value (lists, dicts, nested models). Kept equal to the pydantic models by a test.
MODELS: dict[str, dict[str, tuple[str, Check, Any]]] = {}


def _model(name: str) -> Check:
    def run(value: Any) -> Shape:
        if type(value) is not dict:
            raise _Unsure
        fields = MODELS[name]
        keys = {key: field for field, (key, _, _) in fields.items()}
        out: dict[str, Any] = {}
        for key, item in value.items():
            field = keys.get(key) if type(key) is str else None
            if field is None:
                raise _Unsure                        # unknown key, or a field's Python name
            out[field] = fields[field][1](item)
        for field, (_, _, default) in fields.items():
            if field not in out:
                if default is REQUIRED:
                    raise _Unsure
                out[field] = default() if callable(default) else default
        if name in CHECKS:
            CHECKS[name](out)
        return Shape(name, out)
    return run


def _reversible(value: Any) -> str:
    if isinstance(value, bool):
        return "both" if value else "forward"
    if type(value) is str:
        key = value.strip().lower().replace(" ", "")
        if key in REVERSIBLE_ALIASES:
            return REVERSIBLE_ALIASES[key]
    raise _Unsure


def _exactly_one(values: dict[str, Any]) -> None:
    if sum(values[k] is not None for k in ("prioritization", "ranking", "payoff")) != 1:
        raise _Unsure


def _range_holds_value(values: dict[str, Any]) -> None:
    if values["range"] is not None:
        lo, hi = values["range"]
        if not lo < hi or not lo <= values["value"] <= hi:
            raise _Unsure


def _range_ok(values: dict[str, Any]) -> None:
    if values["range"] is not None:
        lo, hi = values["range"]
        if not lo < hi:
            raise _Unsure


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "PreferencesSpec": _exactly_one, "ParameterSpec": _range_holds_value, "BeliefSpec": _range_ok}
"""The models' own checks (their ``model_validator``): a failure means "ask pydantic"."""

_str_list = _list(_text)
_ints = _list(_whole)
_yes_no = _either(_flag, _choice("Y", "N", "y", "n", "yes", "no", "Yes", "No"))

MODELS.update({
    "OptionSpec": {"name": ("name", _text, REQUIRED), "id": ("id", _text, ""), "label": ("label", _text, ""),
                   "description": ("description", _text, ""), "reversible": ("reversible", _reversible, "both")},
    "PayoffSpec": {"formula": ("formula", _text, REQUIRED), "parameters": ("parameters", _mapping(_number), dict)},
    "PreferencesSpec": {"prioritization": ("prioritization", _optional(_str_list), None),
                        "ranking": ("ranking", _optional(_list(_either(_whole, _ints))), None),
                        "payoff": ("payoff", _optional(_either(_text, _model("PayoffSpec"))), None)},
    "DecisionMakerSpec": {"name": ("name", _text, REQUIRED), "id": ("id", _text, ""), "label": ("label", _text, ""),
                          "description": ("description", _text, ""),
                          "options": ("options", _list(_either(_text, _model("OptionSpec"))), list),
                          "preferences": ("preferences", _model("PreferencesSpec"), REQUIRED)},
    "ImplicationSpec": {"if_": ("if", _text, REQUIRED), "then": ("then", _text, REQUIRED)},
    "FeasibilitySpec": {"infeasible": ("infeasible", _str_list, list),
                        "patterns": ("patterns", _list(_mapping(_yes_no)), list),
                        "mutually_exclusive": ("mutually_exclusive", _list(_str_list), list),
                        "at_least_one": ("at_least_one", _list(_str_list), list),
                        "implications": ("implications", _list(_either(_text, _model("ImplicationSpec"))), list)},
    "GraphSpec": {"states": ("states", _str_list, REQUIRED),
                  "moves": ("moves", _mapping(_list(_pair(_whole))), dict)},
    "PerspectiveSpec": {"description": ("description", _text, ""), "parameters": ("parameters", _mapping(_number), dict),
                        "preferences": ("preferences", _mapping(_model("PreferencesSpec")), dict)},
    "PerceptionSpec": {"description": ("description", _text, ""),
                       "preferences": ("preferences", _mapping(_model("PreferencesSpec")), dict),
                       "parameters": ("parameters", _mapping(_number), dict),
                       "unaware_options": ("unaware_options", _str_list, list),
                       "unaware_states": ("unaware_states", _ints, list),
                       "of_others": ("of_others", _mapping(lambda v: _model("PerceptionSpec")(v)), dict)},
    "ParameterSpec": {"value": ("value", _number, REQUIRED), "range": ("range", _optional(_pair(_number)), None),
                      "unit": ("unit", _text, ""), "period": ("period", _text, ""), "label": ("label", _text, ""),
                      "source": ("source", _text, ""), "description": ("description", _text, "")},
    "BeliefSpec": {"about": ("about", _text, REQUIRED), "types": ("types", _mapping(_either(_number, _text)), REQUIRED),
                   "walks_away": ("walks_away", _text, REQUIRED), "at": ("at", _text, REQUIRED),
                   "rate": ("rate", _either(_number, _text), 1.0), "range": ("range", _optional(_pair(_number)), None),
                   "unit": ("unit", _text, ""), "period": ("period", _text, ""), "label": ("label", _text, ""),
                   "source": ("source", _text, ""), "description": ("description", _text, "")},
    "AxisSpec": {"parameter": ("parameter", _text, REQUIRED), "lo": ("lo", _number, REQUIRED),
                 "hi": ("hi", _number, REQUIRED), "steps": ("steps", _whole, 101)},
    "MapSpecModel": {"x": ("x", _model("AxisSpec"), REQUIRED), "y": ("y", _model("AxisSpec"), REQUIRED),
                     "outcome": ("outcome", _optional(_text), None), "dms": ("dms", _str_list, list),
                     "concept": ("concept", _text, "seq")},
    "SweepSpecModel": {"parameter": ("parameter", _text, REQUIRED), "lo": ("lo", _number, REQUIRED),
                       "hi": ("hi", _number, REQUIRED), "steps": ("steps", _whole, 21),
                       "perspective": ("perspective", _optional(_text), None),
                       "precision": ("precision", _optional(_number), None)},
})
MODELS["ScenarioSpec"] = {
    "schema_": ("$schema", _optional(_text), None), "name": ("name", _text, ""),
    "description": ("description", _text, ""),
    "parameters": ("parameters", _mapping(_either(_number, _model("ParameterSpec"))), dict),
    "beliefs": ("beliefs", _mapping(_model("BeliefSpec")), dict),
    "definitions": ("definitions", _mapping(_text), dict),
    "decision_makers": ("decision_makers", _list(_model("DecisionMakerSpec")), REQUIRED),
    "feasibility": ("feasibility", _model("FeasibilitySpec"), lambda: _model("FeasibilitySpec")({})),
    "outcomes": ("outcomes", _mapping(_either(_text, _ints, _whole)), dict),
    "status_quo": ("status_quo", _optional(_either(_whole, _text, _ints)), None),
    "graph": ("graph", _optional(_model("GraphSpec")), None),
    "perspectives": ("perspectives", _mapping(_model("PerspectiveSpec")), dict),
    "perceptions": ("perceptions", _mapping(_model("PerceptionSpec")), dict),
    "coalitions": ("coalitions", _list(_str_list), list),
    "sweeps": ("sweeps", _list(_model("SweepSpecModel")), list),
    "maps": ("maps", _list(_model("MapSpecModel")), list),
}

_scenario = _model("ScenarioSpec")


def quick_spec(data: Any) -> Shape | None:
    """The validated scenario (as :class:`Shape` objects shaped like ``ScenarioSpec``), or None
    when pydantic must decide (an error to report, or a value to coerce)."""
    try:
        return _scenario(data)
    except _Unsure:
        return None


__all__ = ["quick_spec", "Shape", "MODELS", "REQUIRED"]
