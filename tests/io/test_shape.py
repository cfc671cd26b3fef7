"""The schema's quick path (detente.io._shape) answers exactly as the pydantic models do, or
defers to them: same fields and defaults, same conflict on every bundled and corpus file, and
on thousands of one-value mutations of them either the same validated values or "ask pydantic"
wherever pydantic refuses."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from detente.io import _shape
from detente.io._parse import parse_json, parse_yaml
from detente.io import schema
from detente.io.scenario import conflict_to_data, spec_to_conflict

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/fuzz/corpus/*.yaml"),
                *ROOT.glob("tests/fuzz/corpus/*.json")])


def _data(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = parse_json(text, str(path)) if path.suffix == ".json" else parse_yaml(text, str(path))
    except Exception:            # the corpus holds files the parser refuses: nothing to compare
        return None
    return data if isinstance(data, dict) and "decisionMakers" not in data else None


DATA = {p.relative_to(ROOT).as_posix(): d for p in FILES if (d := _data(p)) is not None}


def _plain(value):
    """Shapes and pydantic models as comparable plain data (model name kept)."""
    if isinstance(value, _shape.Shape):
        return (value._model, {k: _plain(v) for k, v in vars(value).items()})
    if isinstance(value, schema.BaseModel):
        return (type(value).__name__, {k: _plain(getattr(value, k)) for k in type(value).model_fields})
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


def _pydantic(data):
    try:
        return schema.ScenarioSpec.model_validate(data)
    except ValidationError:
        return None


def test_the_tables_match_the_models():
    models = {name: getattr(schema, name) for name in _shape.MODELS}
    all_models = {m.__name__ for m in vars(schema).values()
                  if isinstance(m, type) and issubclass(m, schema.BaseModel) and m.__module__ == schema.__name__
                  and not m.__name__.startswith("_")}
    assert set(_shape.MODELS) == all_models
    for name, model in models.items():
        table = _shape.MODELS[name]
        assert list(table) == list(model.model_fields), name
        for field, info in model.model_fields.items():
            key, _, default = table[field]
            assert key == (info.alias or field), (name, field)
            if info.is_required():
                assert default is _shape.REQUIRED, (name, field)
            elif info.default_factory is not None:
                made = default() if callable(default) else default
                assert _plain(made) == _plain(info.default_factory()), (name, field)
            else:
                assert default == info.default and type(default) is type(info.default), (name, field)


def test_every_bundled_file_takes_the_quick_path_with_the_same_conflict():
    examples = [k for k in DATA if k.startswith("examples/")]
    assert len(examples) >= 5
    for name in examples:
        quick = _shape.quick_spec(DATA[name])
        assert quick is not None, f"{name}: a bundled example needs pydantic"
        slow = schema.ScenarioSpec.model_validate(DATA[name])
        assert _plain(quick) == _plain(slow), name
        a, b = spec_to_conflict(quick, name), spec_to_conflict(slow, name)
        assert a == b and conflict_to_data(a) == conflict_to_data(b), name


@pytest.mark.parametrize("name", sorted(DATA))
def test_quick_path_agrees_or_defers(name):
    data = DATA[name]
    quick, slow = _shape.quick_spec(data), _pydantic(data)
    if quick is not None:
        assert slow is not None, f"{name}: quick path accepts what pydantic refuses"
        assert _plain(quick) == _plain(slow)


MUTATIONS = ["1.5", 1, 2.5, True, False, None, [], {}, "x", [1], ["a"], {"x": 1}, float("nan"), float("inf"),
             10 ** 400, "Y", "fwd", " both ", [0.0, 1.0], [1, 0], -3]


def _positions(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _positions(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _positions(v, (*path, i))


def _replace(data, path, new):
    out = copy.deepcopy(data)
    if not path:
        return new
    node = out
    for seg in path[:-1]:
        node = node[seg]
    node[path[-1]] = new
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["examples/prisoners-dilemma.yaml", "examples/ukraine-ceasefire.yaml",
                                  "examples/elmira-graph.yaml", "examples/chicken.yaml"])
def test_one_value_mutations_agree_or_defer(name):
    data = DATA[name]
    checked = quick_taken = 0
    for path in list(_positions(data)):
        variants = [_replace(data, path, m) for m in MUTATIONS]
        if path and isinstance(path[-1], str):          # and an unknown key next to it
            parent = copy.deepcopy(data)
            node = parent
            for seg in path[:-1]:
                node = node[seg]
            node[path[-1] + "_x"] = 1
            variants.append(parent)
        for variant in variants:
            quick, slow = _shape.quick_spec(variant), _pydantic(variant)
            checked += 1
            if quick is not None:
                quick_taken += 1
                assert slow is not None, (name, path, "quick path accepts what pydantic refuses")
                assert _plain(quick) == _plain(slow), (name, path)
    assert checked > 100 and quick_taken > 10, (checked, quick_taken)


def test_loading_a_well_formed_file_imports_no_pydantic():
    code = ("import sys, detente; c = detente.load('examples/prisoners-dilemma.yaml'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert json.loads(out.stdout.replace("'", '"')) == []


def test_a_malformed_file_still_gets_the_pydantic_message(tmp_path):
    import detente
    from detente.errors import DetenteError

    path = tmp_path / "bad.yaml"
    path.write_text("decision_makers:\n  - name: a\n    options: [x]\n    preferences: {ranking: [1, 2], "
                    "payoff: x}\n", encoding="utf-8")
    with pytest.raises(DetenteError) as info:
        detente.load(path)
    assert "exactly one of prioritization, ranking or payoff" in str(info.value)
