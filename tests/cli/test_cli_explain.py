"""`detente explain`: narratives and witnesses for a state given by number, pattern, outcome or condition."""

from __future__ import annotations

import json

import pytest


def test_explain_number_text(plain, invoke, pd_file):
    result = invoke("explain", pd_file, "4")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "state 4 [YY] (mutual_cooperation)" in out
    assert "Equilibrium under: GMR, SMR, SEQ" in out
    assert "alice: Nash-UNSTABLE at state 4" in out
    assert "bob: SEQ-stable at state 4" in out
    assert "sanctioned by bob to 1" in out


@pytest.mark.parametrize("query, state", [("YY", 4), ("yn", 2), ("NY", 3), ("3", 3),
                                          ("bob.cooperate and not alice.cooperate", 3)])
def test_state_forms(invoke, pd_file, query, state):
    result = invoke("explain", pd_file, query, "-f", "json", "-c", "nash")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["states"]] == [state]
    assert data["query"] == query and data["outcome"] is None


def test_outcome_explains_each_state(plain, invoke, pd_file):
    result = invoke("explain", pd_file, "mutual_cooperation", "-c", "seq")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "Outcome mutual_cooperation: 1 state" in out and "state 4 [YY]" in out
    condition = invoke("explain", pd_file, "alice.cooperate", "-c", "nash")
    assert "state 2 [YN]" in plain(condition.stdout) and "state 4 [YY]" in plain(condition.stdout)


def test_explain_json_witnesses(invoke, pd_file):
    result = invoke("explain", pd_file, "4", "--format", "json", "-c", "nash", "-c", "seq")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (state,) = data["states"]
    assert state["id"] == 4 and state["pattern"] == "YY" and state["outcomes"] == ["mutual_cooperation"]
    assert state["equilibrium"] == {"nash": False, "seq": True}
    alice_seq = state["witnesses"]["seq"]["alice"]
    assert alice_seq["stable"] is True
    assert alice_seq["improvements"] == [{"to": 3, "sanction": 1, "path": [{"mover": "bob", "state": 1}]}]
    assert state["witnesses"]["nash"]["bob"] == {"stable": False,
                                                 "improvements": [{"to": 2, "sanction": None, "path": []}]}


def test_explain_with_override(invoke, payoff_file):
    data = json.loads(invoke("explain", payoff_file, "4", "-f", "json", "-c", "nash", "--set", "t=-1").stdout)
    assert data["states"][0]["equilibrium"] == {"nash": True} and data["parameters"] == {"t": -1.0}


@pytest.mark.parametrize("query, reason", [
    ("9", "state 9 does not exist: the model has states 1..4"),
    ("YYN", "has 3 letters but the model has 2 options"),
    ("peace", "is not a state number (1..4)"),
    ("alice.cooperate and not alice.cooperate", "no feasible state satisfies"),
])
def test_bad_state(plain, invoke, pd_file, query, reason):
    result = invoke("explain", pd_file, query)
    assert result.exit_code == 2
    err = plain(result.stderr)
    assert err.startswith("error: argument STATE: ") and reason in err
    assert "Traceback" not in result.output
