"""Every scenario file shipped in ``examples/`` loads, analyses, and explains itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import detente

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".gmcr"))


def test_the_examples_folder_has_the_documented_files():
    names = {p.name for p in FILES}
    assert {"prisoners-dilemma.yaml", "chicken.yaml", "elmira.yaml", "elmira.gmcr", "elmira-graph.yaml",
            "river-basin.yaml"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_example_loads_and_analyses(path):
    conflict = detente.load(path)
    assert len(conflict.decision_makers) >= 2
    result = detente.analyze(conflict)
    assert result.n_states >= 2
    for c in result.concepts:
        assert result.stable[c].shape == (len(conflict.decision_makers), result.n_states)
    assert result.explain(1)


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix in (".yaml", ".yml")],
                         ids=[p.name for p in FILES if p.suffix in (".yaml", ".yml")])
def test_yaml_examples_are_commented_for_newcomers(path):
    text = path.read_text()
    lines = text.splitlines()
    assert lines[0].startswith("#"), "start with a comment saying what the conflict is"
    assert sum(line.lstrip().startswith("#") for line in lines) >= 10
    assert "Run:" in text
    conflict = detente.load(path)
    assert conflict.name and conflict.description
