"""Scenario files (YAML or JSON) to :class:`~detente.model.Conflict` and back.

>>> c = loads_scenario('''
... name: PD
... decision_makers:
...   - {name: alice, options: [cooperate], preferences: {prioritization: [bob.cooperate, not alice.cooperate]}}
...   - {name: bob, options: [cooperate], preferences: {prioritization: [alice.cooperate, not bob.cooperate]}}
... ''')
>>> [o.key for o in c.options]
['alice.cooperate', 'bob.cooperate']
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

import yaml

from ..errors import DetenteError, FileFormatError
from ..model import (Belief, Conflict, MapSpec, Parameter, DecisionMaker, Feasibility, GraphForm, Option, Payoff, Perception, Perspective,
                     Prioritization, Ranking, SweepSpec)
from ..model.preferences import Preference
from ._parse import check_document_size, parse_json, parse_yaml
from ._shape import quick_spec
from .validate import validate_conflict

if TYPE_CHECKING:  # pragma: no cover - the pydantic models are imported only when a file needs them
    from pydantic import BaseModel, ValidationError

    from .schema import DecisionMakerSpec, PerceptionSpec, PreferencesSpec, ScenarioSpec

SCENARIO_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


# -- reading ---------------------------------------------------------------------------------------
def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a FileFormatError saying why it cannot be read."""
    p = Path(path)
    try:
        check_document_size(p.stat().st_size, str(path))
        raw = p.read_bytes()
    except FileNotFoundError:
        raise FileFormatError("file not found", source=str(path)) from None
    except IsADirectoryError:
        raise FileFormatError("is a directory, not a file", source=str(path)) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None
    try:
        check_document_size(len(raw), str(path))
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"not a UTF-8 text file (byte {exc.start} cannot be decoded)",
                              source=str(path)) from None


# -- pydantic errors -> field paths -----------------------------------------------------------------
_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "finite_number": "a finite number", "bool_type": "true or false", "bool_parsing": "true or false", "list_type": "a list",
    "tuple_type": "a list", "dict_type": "a mapping (key: value)", "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)", "literal_error": None,
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) < 40 else "text"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:30]}... ({len(text):,} characters)"


def _is_tag(seg: Any) -> bool:
    """A loc segment pydantic adds for a union branch (not a key of the file)."""
    if not isinstance(seg, str):
        return False
    return (seg in {"str", "int", "float", "bool", "list", "dict", "tuple"} or "[" in seg
            or (seg[:1].isupper() and seg.endswith("Spec")) or seg == "SweepSpecModel")


def _path(segments) -> str:
    out = ""
    for seg in segments:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += ("." if out else "") + str(seg)
    return out


def _flatten(tp) -> list:
    origin = get_origin(tp)
    if origin is Union:
        return [x for a in get_args(tp) for x in _flatten(a)]
    if str(origin) == "typing.Annotated" or (origin is not None and getattr(tp, "__metadata__", None)):
        return _flatten(get_args(tp)[0])
    return [tp]


def _models_at(segments) -> list[type[BaseModel]]:
    """The schema models that can sit at a (tag-free) location of the file."""
    from pydantic import BaseModel

    from .schema import ScenarioSpec

    types: list = [ScenarioSpec]
    for seg in segments:
        nxt: list = []
        for t in types:
            for u in _flatten(t):
                origin = get_origin(u)
                if isinstance(u, type) and issubclass(u, BaseModel) and isinstance(seg, str):
                    for fname, finfo in u.model_fields.items():
                        if seg in (fname, finfo.alias):
                            nxt.append(finfo.annotation)
                elif origin in (list, tuple) and isinstance(seg, int):
                    args = get_args(u)
                    nxt.extend(a for a in args if a is not Ellipsis)
                elif origin is dict and isinstance(seg, str):
                    nxt.append(get_args(u)[1])
        types = nxt
    return [u for t in types for u in _flatten(t) if isinstance(u, type) and issubclass(u, BaseModel)]


def _allowed_keys(segments) -> list[str]:
    keys: list[str] = []
    for model in _models_at(segments):
        for fname, finfo in model.model_fields.items():
            k = finfo.alias or fname
            if k not in keys:
                keys.append(k)
    return keys


def translate_validation_error(exc: ValidationError, source: str) -> FileFormatError:
    """One FileFormatError listing every schema problem with its field path."""
    raw = exc.errors(include_url=False)
    items: list[dict[str, Any]] = []
    for e in raw:
        loc = list(e["loc"])
        tagged = any(_is_tag(s) for s in loc)
        clean = [s for s in loc if not _is_tag(s)]
        at_branch_root = bool(loc) and _is_tag(loc[-1])
        items.append({"e": e, "clean": clean, "tagged": tagged, "root": at_branch_root})

    problems: list[tuple[str, str]] = []
    merged: dict[tuple, list] = {}
    for it in items:
        if it["root"]:
            key = tuple(it["clean"])
            deeper = [o for o in items if not o["root"] and tuple(o["clean"][:len(key)]) == key]
            if deeper:
                continue  # the value matched another form of this field, whose errors are reported
            merged.setdefault(key, []).append(it["e"])
            continue
        e, clean = it["e"], it["clean"]
        kind = e["type"]
        if kind == "extra_forbidden":
            bad_key = clean[-1]
            allowed = _allowed_keys(clean[:-1])
            close = difflib.get_close_matches(str(bad_key), allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            reason = f"unknown key '{bad_key}'{hint} (allowed here: {', '.join(allowed)})" if allowed \
                else f"unknown key '{bad_key}'"
            problems.append((_path(clean), reason))
        elif kind == "missing":
            problems.append((_path(clean), "required, but missing"))
        elif kind in ("value_error", "assertion_error"):
            msg = re.sub(r"^(Value|Assertion) error, ", "", e["msg"])
            problems.append((_path(clean), msg))
        elif kind == "literal_error":
            problems.append((_path(clean), f"{e['msg'].replace('Input should be', 'expected')}, "
                                           f"got {_describe(e.get('input'))}"))
        elif kind in ("too_long", "too_short"):
            msg = re.sub(r"^\w+ should have", "expected", e["msg"]).replace(" after validation", "")
            problems.append((_path(clean), msg))
        elif kind in _TYPE_WORDS:
            problems.append((_path(clean), f"expected {_TYPE_WORDS[kind]}, got {_describe(e.get('input'))}"))
        else:
            problems.append((_path(clean), f"{e['msg']} (got {_describe(e.get('input'))})"))
    for key, errs in merged.items():
        wants = []
        for e in errs:
            word = _TYPE_WORDS.get(e["type"]) or e["msg"].replace("Input should be ", "")
            if word not in wants:
                wants.append(word)
        got = _describe(errs[0].get("input"))
        wanted = wants[0] if len(wants) == 1 else ", ".join(wants[:-1]) + " or " + wants[-1]
        problems.append((_path(list(key)), f"expected {wanted}, got {got}"))
    unique: list[tuple[str, str]] = []
    for p in problems:
        if p not in unique:
            unique.append(p)
    if len(unique) == 1:
        field, reason = unique[0]
        return FileFormatError(reason, field=field or None, source=source)
    lines = "\n".join(f"  - field '{f}': {r}" if f else f"  - {r}" for f, r in unique)
    err = FileFormatError(f"{len(unique)} problems:\n{lines}", source=source)
    err.problems = unique  # type: ignore[attr-defined]
    return err


# -- spec -> model ----------------------------------------------------------------------------------
_ARROW = re.compile(r"->|=>|\bimplies\b", re.IGNORECASE)


def split_implication(text: str) -> tuple[str, str] | None:
    """``"p -> q"`` split at its top-level arrow (the first one: arrows are right-associative)."""
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            m = _ARROW.match(text, i)
            if m and (m.group(0) in ("->", "=>") or (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "._"))):
                p, q = text[:i].strip(), text[m.end():].strip()
                if p and q:
                    return p, q
        i += 1
    return None


def _preference(spec: PreferencesSpec) -> Preference:
    if spec.prioritization is not None:
        return Prioritization([s.strip() if isinstance(s, str) else s for s in spec.prioritization])
    if spec.ranking is not None:
        return Ranking([list(x) if isinstance(x, list) else [x] for x in spec.ranking])
    payoff = spec.payoff
    if payoff is not None and not isinstance(payoff, str):      # {formula, parameters}
        return Payoff(payoff.formula.strip(), {k: float(v) for k, v in payoff.parameters.items()})
    return Payoff(str(payoff).strip())


def _yes(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("y", "yes"))


def _perception(dm: str, spec: PerceptionSpec) -> Perception:
    return Perception(
        dm=dm,
        preferences={k: _preference(v) for k, v in spec.preferences.items()},
        parameters={k: float(v) for k, v in spec.parameters.items()},
        unaware_options=list(spec.unaware_options),
        unaware_states=list(spec.unaware_states),
        of_others={k: _perception(k, v) for k, v in spec.of_others.items()},
        description=spec.description,
    )


def _dm(spec: DecisionMakerSpec) -> DecisionMaker:
    options = []
    for o in spec.options:
        if not isinstance(o, str):                               # {name, reversible, ...}
            options.append(Option(o.name, spec.name, o.reversible, o.label, o.description,  # type: ignore[arg-type]
                                  id=o.id))
        else:
            options.append(Option(o, spec.name))
    return DecisionMaker(spec.name, options, _preference(spec.preferences), spec.label, spec.description,
                         id=spec.id)


def spec_to_conflict(spec: ScenarioSpec, source: str = "<api>") -> Conflict:
    """The Conflict a validated ScenarioSpec describes (names are not checked here)."""
    implications: list[tuple[str, str]] = []
    problems: list[DetenteError] = []
    for k, item in enumerate(spec.feasibility.implications):
        if not isinstance(item, str):                            # {if: p, then: q}
            implications.append((item.if_.strip(), item.then.strip()))
        else:
            pq = split_implication(item)
            if pq is None:
                problems.append(FileFormatError(
                    f"an implication reads 'p -> q' (or {{if: p, then: q}}); no '->' found in {item!r}",
                    field=f"feasibility.implications[{k}]"))
            else:
                implications.append(pq)
    if problems:
        from .validate import combine
        raise combine(problems, source)
    f = spec.feasibility
    feasibility = Feasibility(
        infeasible=[t.strip() for t in f.infeasible],
        patterns=[{k.strip(): _yes(v) for k, v in p.items()} for p in f.patterns],
        mutually_exclusive=[[x.strip() for x in g] for g in f.mutually_exclusive],
        at_least_one=[[x.strip() for x in g] for g in f.at_least_one],
        implications=implications,
    )
    graph = None
    if spec.graph is not None:
        graph = GraphForm(list(spec.graph.states),
                          {k: [(int(a), int(b)) for a, b in v] for k, v in spec.graph.moves.items()})
    outcomes: dict = {}
    for oname, v in spec.outcomes.items():
        outcomes[oname] = [v] if isinstance(v, int) else (list(v) if isinstance(v, list) else v.strip())
    status_quo = spec.status_quo
    if isinstance(status_quo, str):
        status_quo = status_quo.strip()
    elif isinstance(status_quo, list):
        status_quo = list(status_quo)
    name = spec.name or (Path(source).stem if source and not source.startswith("<") else "")
    return Conflict(
        name=name,
        description=spec.description.strip(),
        decision_makers=[_dm(d) for d in spec.decision_makers],
        feasibility=feasibility,
        outcomes=outcomes,
        parameters={k: float(v if isinstance(v, float) else v.value) for k, v in spec.parameters.items()},
        parameter_info={**{k: Parameter(k, tuple(v.range) if v.range else None, v.unit, v.period,  # type: ignore[arg-type]
                                        v.label, v.source, v.description.strip())
                           for k, v in spec.parameters.items() if not isinstance(v, float)},
                        **{k: Parameter(k, tuple(b.range) if b.range else None, b.unit, b.period,  # type: ignore[arg-type]
                                        b.label, b.source, b.description.strip())
                           for k, b in spec.beliefs.items()
                           if b.range or b.unit or b.period or b.label or b.source}},
        beliefs={k: Belief(k, b.about, dict(b.types), b.walks_away.strip(), b.at.strip(), b.rate,
                           b.description.strip()) for k, b in spec.beliefs.items()},
        graph=graph,
        status_quo=status_quo,
        perspectives={k: Perspective(k, v.description.strip(), {d: _preference(p) for d, p in v.preferences.items()},
                                     {p: float(x) for p, x in v.parameters.items()})
                      for k, v in spec.perspectives.items()},
        perceptions={k: _perception(k, v) for k, v in spec.perceptions.items()},
        coalitions=[list(g) for g in spec.coalitions],
        sweeps=[SweepSpec(s.parameter, s.lo, s.hi, s.steps, s.perspective, s.precision) for s in spec.sweeps],
        maps=[MapSpec((mp.x.parameter, mp.x.lo, mp.x.hi, mp.x.steps), (mp.y.parameter, mp.y.lo, mp.y.hi, mp.y.steps),
                      mp.outcome, list(mp.dms), mp.concept) for mp in spec.maps],
        definitions={k: v.strip() for k, v in spec.definitions.items()},
        source=source,
    )


def data_to_conflict(data: Any, source: str = "<api>", validate: bool = True) -> Conflict:
    """A Conflict from parsed YAML/JSON data: schema check, conversion, then semantic checks."""
    if data is None:
        raise FileFormatError("the file is empty", source=source)
    if not isinstance(data, dict):
        raise FileFormatError(f"the top level must be a mapping (name:, decision_makers:, ...), got "
                              f"{_describe(data)}", source=source)
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise FileFormatError(f"top-level keys must be text, got {bad_keys[0]!r}", source=source)
    spec: Any = quick_spec(data)     # well-formed files: no pydantic models to build (see _shape)
    if spec is None:
        from pydantic import ValidationError

        from .schema import ScenarioSpec

        try:
            spec = ScenarioSpec.model_validate(data)
        except ValidationError as exc:
            raise translate_validation_error(exc, source) from None
    conflict = spec_to_conflict(spec, source)
    if validate:
        validate_conflict(conflict, source)
    return conflict


# -- public API -------------------------------------------------------------------------------------
def loads_scenario(text: str, fmt: str = "yaml", source: str = "<string>", validate: bool = True) -> Conflict:
    """Read a scenario from text in ``fmt`` ("yaml" or "json"; JSON is also valid YAML)."""
    fmt = fmt.lower().lstrip(".")
    if fmt in ("yaml", "yml"):
        data = parse_yaml(text, source)
    elif fmt == "json":
        data = parse_json(text, source)
    else:
        raise FileFormatError(f"unknown scenario format '{fmt}' (use yaml or json)", source=source)
    return data_to_conflict(data, source, validate)


def load_scenario(path: str | os.PathLike[str], validate: bool = True) -> Conflict:
    """Read a ``.yaml``/``.yml``/``.json`` scenario file into a checked Conflict."""
    suffix = Path(path).suffix.lower()
    fmt = SCENARIO_SUFFIXES.get(suffix, "yaml")
    return loads_scenario(read_text(path), fmt, str(path), validate)


# -- model -> data ----------------------------------------------------------------------------------
def _pref_data(pref: Preference | None) -> dict:
    if isinstance(pref, Prioritization):
        return {"prioritization": list(pref.statements)}
    if isinstance(pref, Ranking):
        return {"ranking": [g[0] if len(g) == 1 else list(g) for g in pref.order]}
    if isinstance(pref, Payoff):
        if pref.parameters:
            return {"payoff": {"formula": pref.formula, "parameters": dict(pref.parameters)}}
        return {"payoff": pref.formula}
    return {}


def _perception_data(p: Perception) -> dict:
    out: dict = {}
    if p.description:
        out["description"] = p.description
    if p.preferences:
        out["preferences"] = {k: _pref_data(v) for k, v in p.preferences.items()}
    if p.parameters:
        out["parameters"] = dict(p.parameters)
    if p.unaware_options:
        out["unaware_options"] = list(p.unaware_options)
    if p.unaware_states:
        out["unaware_states"] = [int(s) for s in p.unaware_states]
    if p.of_others:
        out["of_others"] = {k: _perception_data(v) for k, v in p.of_others.items()}
    return out


def _parameter_data(conflict: Conflict, name: str) -> float | dict:
    value = float(conflict.parameters[name])
    info = conflict.parameter_info.get(name)
    if info is None:
        return value
    out: dict = {"value": value}
    if info.range is not None:
        out["range"] = [float(info.range[0]), float(info.range[1])]
    for key in ("unit", "period", "label", "source", "description"):
        if getattr(info, key):
            out[key] = getattr(info, key)
    return out


def _belief_data(conflict: Conflict, b: Belief) -> dict:
    out: dict = {"about": b.about, "types": dict(b.types), "walks_away": b.walks_away, "at": b.at}
    if b.rate != 1.0:
        out["rate"] = b.rate
    if b.description:
        out["description"] = b.description
    info = conflict.parameter_info.get(b.name)
    if info is not None:
        if info.range is not None:
            out["range"] = [float(info.range[0]), float(info.range[1])]
        for key in ("unit", "period", "label", "source"):
            if getattr(info, key):
                out[key] = getattr(info, key)
    return out


def conflict_to_data(conflict: Conflict) -> dict:
    """The scenario-format data (plain dicts and lists) for ``conflict``; defaults are left out."""
    out: dict = {"name": conflict.name}
    if conflict.description:
        out["description"] = conflict.description
    if conflict.parameters:
        out["parameters"] = {k: _parameter_data(conflict, k) for k in conflict.parameters if k not in conflict.beliefs}
    if conflict.beliefs:
        out["beliefs"] = {k: _belief_data(conflict, b) for k, b in conflict.beliefs.items()}
    if conflict.definitions:
        out["definitions"] = dict(conflict.definitions)
    dms = []
    for dm in conflict.decision_makers:
        d: dict = {"name": dm.name}
        if dm.id:
            d["id"] = dm.id
        if dm.label:
            d["label"] = dm.label
        if dm.description:
            d["description"] = dm.description
        if conflict.graph is None or dm.options:
            opts: list[str | dict] = []
            for o in dm.options:
                if not (o.label or o.description or o.id) and o.reversibility == "both":
                    opts.append(o.name)
                    continue
                od: dict = {"name": o.name}
                if o.id:
                    od["id"] = o.id
                if o.label:
                    od["label"] = o.label
                if o.description:
                    od["description"] = o.description
                if o.reversibility != "both":
                    od["reversible"] = o.reversibility
                opts.append(od)
            d["options"] = opts
        d["preferences"] = _pref_data(dm.preference)
        dms.append(d)
    out["decision_makers"] = dms
    f = conflict.feasibility
    if not f.is_empty():
        fd: dict = {}
        if f.infeasible:
            fd["infeasible"] = list(f.infeasible)
        if f.patterns:
            fd["patterns"] = [{k: ("Y" if v else "N") for k, v in p.items()} for p in f.patterns]
        if f.mutually_exclusive:
            fd["mutually_exclusive"] = [list(g) for g in f.mutually_exclusive]
        if f.at_least_one:
            fd["at_least_one"] = [list(g) for g in f.at_least_one]
        if f.implications:
            fd["implications"] = [{"if": p, "then": q} for p, q in f.implications]
        out["feasibility"] = fd
    if conflict.outcomes:
        out["outcomes"] = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in conflict.outcomes.items()}
    if conflict.status_quo is not None:
        sq = conflict.status_quo
        out["status_quo"] = list(sq) if isinstance(sq, (list, tuple)) else sq
    if conflict.graph is not None:
        out["graph"] = {"states": list(conflict.graph.states),
                        "moves": {k: [[int(a), int(b)] for a, b in v] for k, v in conflict.graph.moves.items()}}
    if conflict.perspectives:
        ps = {}
        for k, p in conflict.perspectives.items():
            pd_: dict = {}
            if p.description:
                pd_["description"] = p.description
            if p.parameters:
                pd_["parameters"] = dict(p.parameters)
            if p.preferences:
                pd_["preferences"] = {d: _pref_data(v) for d, v in p.preferences.items()}
            ps[k] = pd_
        out["perspectives"] = ps
    if conflict.perceptions:
        out["perceptions"] = {k: _perception_data(v) for k, v in conflict.perceptions.items()}
    if conflict.coalitions:
        out["coalitions"] = [list(g) for g in conflict.coalitions]
    if conflict.sweeps:
        sw = []
        for s in conflict.sweeps:
            sd: dict = {"parameter": s.parameter, "lo": s.lo, "hi": s.hi, "steps": s.steps}
            if s.perspective is not None:
                sd["perspective"] = s.perspective
            if s.precision is not None:
                sd["precision"] = s.precision
            sw.append(sd)
        out["sweeps"] = sw
    if conflict.maps:
        def axis(a):
            return {"parameter": a[0], "lo": float(a[1]), "hi": float(a[2]), "steps": int(a[3])}

        out["maps"] = [{"x": axis(mp.x), "y": axis(mp.y), **({"outcome": mp.outcome} if mp.outcome else {}),
                        **({"dms": list(mp.dms)} if mp.dms else {}), "concept": mp.concept} for mp in conflict.maps]
    return out


def dumps_scenario(conflict: Conflict, fmt: str = "yaml") -> str:
    """The scenario as YAML or JSON text."""
    data = conflict_to_data(conflict)
    fmt = fmt.lower().lstrip(".")
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("yaml", "yml"):
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    raise FileFormatError(f"unknown scenario format '{fmt}' (use yaml or json)")


def dump_scenario(conflict: Conflict, path: str | os.PathLike[str]) -> None:
    """Write ``conflict`` to a ``.yaml``/``.yml``/``.json`` file (format from the extension)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        raise FileFormatError(f"unknown scenario extension '{suffix}' (use .yaml, .yml or .json)", source=str(path))
    text = dumps_scenario(conflict, SCENARIO_SUFFIXES[suffix])
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"cannot write the file: {exc.strerror or exc}", source=str(path)) from None


__all__ = ["load_scenario", "loads_scenario", "dump_scenario", "dumps_scenario", "conflict_to_data",
           "data_to_conflict", "spec_to_conflict", "split_implication", "read_text", "parse_yaml", "parse_json",
           "translate_validation_error"]
