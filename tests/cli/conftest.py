"""Scenario files and helpers shared by the command-line tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

PD_YAML = """\
name: Prisoner's Dilemma
decision_makers:
  - name: alice
    options: [cooperate]
    preferences: {prioritization: ["bob.cooperate", "not alice.cooperate"]}
  - name: bob
    options: [cooperate]
    preferences: {prioritization: ["alice.cooperate", "not bob.cooperate"]}
outcomes:
  mutual_cooperation: alice.cooperate and bob.cooperate
  mutual_defection: not alice.cooperate and not bob.cooperate
"""

# Each DM gains 2 when the other cooperates and `t` when it does not cooperate itself:
# t > 0 makes defection dominant (Nash: state 1), t < 0 makes cooperation dominant (state 4).
PAYOFF_YAML = """\
name: Temptation
parameters: {t: 1}
decision_makers:
  - name: alice
    options: [cooperate]
    preferences: {payoff: "(2 if bob.cooperate else 0) + (t if not alice.cooperate else 0)"}
  - name: bob
    options: [cooperate]
    preferences: {payoff: "(2 if alice.cooperate else 0) + (t if not bob.cooperate else 0)"}
outcomes:
  mutual_cooperation: alice.cooperate and bob.cooperate
"""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """Output without colour codes (in case the environment forces colour)."""
    return ANSI.sub("", text)


@pytest.fixture(name="plain")
def plain_fixture():
    """The :func:`plain` helper, for tests."""
    return plain


@pytest.fixture
def payoff_text() -> str:
    return PAYOFF_YAML


@pytest.fixture
def examples_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run the app with arguments; returns the click Result."""
    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])
    return run


@pytest.fixture
def pd_file(tmp_path: Path) -> Path:
    path = tmp_path / "pd.yaml"
    path.write_text(PD_YAML, encoding="utf-8")
    return path


@pytest.fixture
def payoff_file(tmp_path: Path) -> Path:
    path = tmp_path / "temptation.yaml"
    path.write_text(PAYOFF_YAML, encoding="utf-8")
    return path
