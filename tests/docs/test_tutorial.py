"""The tutorial's three ways to one model agree: its scenario file and its Python code build the
same conflict, and what the text says about the answers is what the analyses give."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import detente
from detente.io import loads

PAGE = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(PAGE.read_text(encoding="utf-8")) if lang == language]


@pytest.fixture(scope="module")
def python_models(tmp_path_factory) -> dict:
    """Run the page's Python blocks as a reader would (in an empty folder), keeping their names."""
    import os

    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("tutorial"))
    namespace: dict = {"__name__": "__tutorial__"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for k, code in enumerate(blocks("python")):
                exec(compile(code, f"tutorial.md[python block {k + 1}]", "exec"), namespace)
                namespace[f"after_block_{k + 1}"] = dict(namespace)
    finally:
        os.chdir(here)
    return namespace


def scenario_text(with_beliefs: bool) -> str:
    yaml = blocks("yaml")
    assert yaml[0].startswith("name:") and yaml[1].startswith("perspectives:")
    return yaml[0] + (yaml[1] if with_beliefs else "")


def test_the_scenario_file_and_the_python_code_build_the_same_model(python_models):
    from_file = loads(scenario_text(False), "yaml", source="tutorial.md")
    from_code = python_models["after_block_1"]["standoff"]
    assert from_file.dm_names == from_code.dm_names == ["Government", "Rebels"]
    a, b = detente.analyze(from_file), detente.analyze(from_code)
    assert a.to_dict(include_states=True) == b.to_dict(include_states=True)


def test_what_the_text_says_about_the_peace_deal():
    a = detente.analyze(loads(scenario_text(False), "yaml", source="tutorial.md"))
    assert a.n_states == 6 and a.outcome("peace deal")["states"] == [6]
    assert a.outcome("peace deal")["equilibrium"] == {"nash": False, "gmr": True, "smr": True, "seq": False}
    assert a.verdict(6, "Rebels", "nash").stable is False       # once the government talks, they stay


def test_the_beliefs_in_the_file_and_in_python_agree_with_the_text(python_models):
    from_file = loads(scenario_text(True), "yaml", source="tutorial.md")
    from_code = python_models["standoff"]
    views = detente.analyze_perspectives(from_file, concepts=["seq"])
    assert views.equilibria_by_view() == {"model": {"seq": [3]}, "hardliners": {"seq": [2, 4, 6]}}
    assert views.differences().to_dict() == python_models["views"].differences().to_dict()
    h = detente.analyze_hypergame(from_file, concepts=["seq"])
    assert h.to_dict() == detente.analyze_hypergame(from_code, concepts=["seq"]).to_dict()
    assert [(o.states, o.label) for o in h.outcomes] == [([3], "unforeseen")]
    deal = next(x for x in h.perceived_equilibria if x.state == 6)
    assert (deal.label, deal.perceived_by, deal.departure.dm, deal.departure.to) == (
        "unsteady", ["Government"], "Rebels", 3)
