"""The shared error handler, option parsing helpers, --version and the app's structure."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import detente
from detente.cli import app, common
from detente.errors import DetenteError, ExpressionError


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"detente {detente.__version__}"


def test_commands_registered():
    import typer

    group = typer.main.get_command(app)
    names = set(group.list_commands(None))
    assert {"analyze", "explain", "validate", "convert", "schema"} <= names
    # commands are imported when asked for; each listed name resolves to a command
    assert all(group.get_command(None, name) is not None for name in names)
    assert group.get_command(None, "no-such-command") is None


def test_internal_error_is_one_line_exit_1(plain, invoke, pd_file, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(detente, "analyze", boom)
    monkeypatch.delenv(common.DEBUG_ENV, raising=False)
    result = invoke("analyze", pd_file)
    assert result.exit_code == 1
    err = plain(result.stderr)
    assert err.startswith("internal error: RuntimeError: boom") and "report" in err
    assert "second line" not in err and "Traceback" not in result.output


def test_debug_env_shows_the_exception(invoke, pd_file, monkeypatch):
    monkeypatch.setattr(detente, "analyze", lambda *a, **k: 1 / 0)
    monkeypatch.setenv(common.DEBUG_ENV, "1")
    result = invoke("analyze", pd_file)
    assert isinstance(result.exception, ZeroDivisionError)


def test_detente_error_from_anywhere_in_a_command(plain, invoke, pd_file, monkeypatch):
    def bad(*args, **kwargs):
        raise ExpressionError("unknown name 'x'", field="outcomes.peace", source="model.yaml")

    monkeypatch.setattr(detente, "analyze", bad)
    result = invoke("analyze", pd_file)
    assert result.exit_code == 2
    assert plain(result.stderr).strip() == "error: model.yaml, field 'outcomes.peace': unknown name 'x'"


@pytest.mark.parametrize("exc, text", [
    (DetenteError("why", field="a.b", source="f.yaml"), "f.yaml, field 'a.b': why"),
    (DetenteError("why", field="--set"), "option '--set': why"),
    (DetenteError("why", field="STATE"), "argument STATE: why"),
    (DetenteError("why"), "why"),
    (FileNotFoundError(2, "No such file or directory", "x.yaml"), "x.yaml: No such file or directory"),
    (ValueError("bad value"), "bad value"),
])
def test_format_error(exc, text):
    assert common.format_error(exc) == text


@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
                       st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=4))
def test_parse_overrides_round_trip(values):
    args = [f"{k}={v!r}" for k, v in values.items()]
    assert common.parse_overrides(args) == values
    assert common.parse_overrides([",".join(args)]) == values


@pytest.mark.parametrize("bad", ["x", "x=", "=1", "x=abc", "x=nan", "x=inf", "x=-1e999", "x:1"])
def test_parse_overrides_errors(bad):
    with pytest.raises(DetenteError) as info:
        common.parse_overrides([bad])
    assert info.value.field == "--set"


def test_to_jsonable_keeps_ids_int():
    import numpy as np

    data = common.to_jsonable({"ids": np.array([1, 2], dtype=np.int64), 3: (np.int32(4),),
                               "inf": math.inf, "flag": np.bool_(False)})
    assert data == {"ids": [1, 2], "3": [4], "inf": "Infinity", "flag": False}
    assert all(type(x) is int for x in data["ids"])
