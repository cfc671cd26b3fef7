"""`detente convert` between YAML, JSON and GMCR+, and `detente schema`."""

from __future__ import annotations

import json

import pytest


def _equilibria(invoke, path):
    result = invoke("analyze", path, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data["equilibria"], [o["name"] for o in data["options"]]


def test_round_trip_yaml_json_yaml(invoke, pd_file, tmp_path):
    as_json = tmp_path / "pd.json"
    back = tmp_path / "back.yml"
    r1 = invoke("convert", pd_file, as_json)
    assert r1.exit_code == 0, r1.output
    assert f"wrote {as_json}" in r1.stderr
    assert json.loads(as_json.read_text(encoding="utf-8"))["name"] == "Prisoner's Dilemma"
    assert invoke("convert", as_json, back).exit_code == 0
    assert _equilibria(invoke, back) == _equilibria(invoke, pd_file)
    assert json.loads(invoke("analyze", back, "-f", "json").stdout)["outcomes"].keys() == {
        "mutual_cooperation", "mutual_defection"}


def test_round_trip_through_gmcr(invoke, pd_file, tmp_path):
    gmcr = tmp_path / "pd.gmcr"
    again = tmp_path / "again.yaml"
    assert invoke("convert", pd_file, gmcr).exit_code == 0
    assert "decisionMakers" in json.loads(gmcr.read_text(encoding="utf-8"))
    assert invoke("convert", gmcr, again).exit_code == 0
    eq, options = _equilibria(invoke, again)
    assert eq == _equilibria(invoke, pd_file)[0] and len(options) == 2


def test_convert_keeps_payoff_parameters(invoke, payoff_file, tmp_path):
    out = tmp_path / "t.json"
    assert invoke("convert", payoff_file, out).exit_code == 0
    data = json.loads(invoke("analyze", out, "-f", "json", "-c", "nash", "--set", "t=-1").stdout)
    assert data["equilibria"]["nash"] == [4]


@pytest.mark.parametrize("name, reason", [("out.txt", "unknown file type '.txt'"), ("pd.yaml", "same file")])
def test_convert_errors(plain, invoke, pd_file, tmp_path, name, reason):
    result = invoke("convert", pd_file, tmp_path / name)
    assert result.exit_code == 2
    assert reason in plain(result.stderr) and "Traceback" not in result.output


def test_convert_missing_input(plain, invoke, tmp_path):
    result = invoke("convert", tmp_path / "none.gmcr", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "file not found" in plain(result.stderr)
    assert not (tmp_path / "out.yaml").exists()


def test_convert_unwritable_output(plain, invoke, pd_file, tmp_path):
    result = invoke("convert", pd_file, tmp_path / "no" / "such" / "dir.yaml")
    assert result.exit_code == 2
    assert "dir.yaml" in plain(result.stderr) and "Traceback" not in result.output


def test_schema(invoke):
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and "decision_makers" in schema["properties"]
