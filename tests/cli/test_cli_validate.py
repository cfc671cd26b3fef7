"""`detente validate`: a summary for good scenarios; file, field and reason for bad ones (exit 2)."""

from __future__ import annotations

import pytest

GOOD_HEAD = "name: PD\ndecision_makers:\n"
ALICE = """  - name: alice
    options: [cooperate]
    preferences: {prioritization: ["bob.cooperate", "not alice.cooperate"]}
"""
BOB = """  - name: bob
    options: [cooperate]
    preferences: {prioritization: ["alice.cooperate", "not bob.cooperate"]}
"""


def test_validate_ok(plain, invoke, pd_file):
    result = invoke("validate", pd_file)
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert out.startswith("ok ") and "Prisoner's Dilemma" in out
    assert "alice (1 option), bob (1 option)" in out
    assert "feasible states: 4 of 2^2 = 4" in out
    assert "mutual_cooperation (1 state)" in out
    assert "parameters: none" in out
    assert result.stderr == ""


def test_validate_lists_parameters_and_perspectives(plain, invoke, tmp_path, payoff_text):
    path = tmp_path / "p.yaml"
    path.write_text(payoff_text + "perspectives:\n  saints: {parameters: {t: -1}}\nstatus_quo: 1\n", encoding="utf-8")
    out = plain(invoke("validate", path).stdout)
    assert "parameters: t=1" in out and "perspectives: saints" in out and "status quo: 1" in out
    assert "preferences: payoff" in out


CASES = {
    "bad_expression": (GOOD_HEAD + ALICE.replace('"bob.cooperate"', '"bob.cooperate and"') + BOB,
                       "decision_makers[0].preferences.prioritization[0]", "cannot parse"),
    "unknown_option": (GOOD_HEAD + ALICE + BOB.replace('"alice.cooperate"', '"alice.defect"'),
                       "decision_makers[1].preferences.prioritization[0]", "alice.defect"),
    "unknown_key": (GOOD_HEAD + ALICE + BOB + "outcome:\n  x: alice.cooperate\n", "outcome", ""),
    "bad_outcome": (GOOD_HEAD + ALICE + BOB + "outcomes:\n  peace: alice.cooperate and bobby.cooperate\n",
                    "outcomes.peace", "bobby.cooperate"),
    "one_dm": (GOOD_HEAD + ALICE.replace('"bob.cooperate", ', ""), "decision_makers", ""),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_failures_name_file_and_field(plain, invoke, tmp_path, case):
    text, field, reason = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output
    err = plain(result.stderr)
    assert err.startswith(f"error: {path}")
    assert f"field '{field}" in err and reason in err
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_validate_malformed_yaml(plain, invoke, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: PD\ndecision_makers: [\n  - name: a\n", encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    err = plain(result.stderr)
    assert err.startswith(f"error: {path}: ") and "malformed YAML" in err and "line" in err
    assert "Traceback" not in result.output


def test_validate_missing_file(plain, invoke, tmp_path):
    path = tmp_path / "nowhere.yaml"
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert plain(result.stderr).strip() == f"error: {path}: file not found"


def test_validate_directory(invoke, tmp_path):
    result = invoke("validate", tmp_path)
    assert result.exit_code == 2 and "error:" in result.stderr and "Traceback" not in result.output


def test_validate_bad_perspective_formula(plain, invoke, tmp_path, payoff_text):
    text = payoff_text + ("perspectives:\n  odd:\n    preferences:\n"
                          "      alice: {payoff: \"2 if bob.cooperate else nonsense\"}\n")
    path = tmp_path / "persp.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    err = plain(result.stderr)
    assert str(path) in err and "nonsense" in err and "perspectives" in err
