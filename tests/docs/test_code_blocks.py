"""The README's and the docs' code runs: every ```python block is executed (the blocks of one page
in order, sharing their names, as a reader would type them), and every ``detente`` command in a
```bash block names a real command and real options."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)

SLOW_PAGES = {"scale-out.md"}
"""Pages whose examples start a Dask cluster: run them too, but marked slow."""


def blocks(page: Path, language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(page.read_text(encoding="utf-8")) if lang == language]


PYTHON_PAGES = [p for p in PAGES if blocks(p, "python")]


@pytest.mark.parametrize("page", [pytest.param(p, marks=pytest.mark.slow) if p.name in SLOW_PAGES else p
                                  for p in PYTHON_PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page, tmp_path, monkeypatch):
    (tmp_path / "examples").symlink_to(ROOT / "examples")     # paths as written in the docs
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__docs__"}
    for k, code in enumerate(blocks(page, "python")):
        try:
            exec(compile(code, f"{page.name}[python block {k + 1}]", "exec"), namespace)
        except Exception as exc:  # the test fails, naming the page and block
            raise AssertionError(f"{page.name}, python block {k + 1} fails: {type(exc).__name__}: {exc}") from exc


def commands(page: Path) -> list[list[str]]:
    out = []
    for body in blocks(page, "bash") + blocks(page, "sh") + blocks(page, "console"):
        for line in body.splitlines():
            line = line.split(" #")[0].strip().lstrip("$ ")
            for part in re.split(r"&&|\|", line):
                words = shlex.split(part.strip()) if part.strip() else []
                if words and Path(words[0]).name == "detente":
                    out.append(words[1:])
    return out


COMMAND_LINES = [(p, c) for p in PAGES for c in commands(p)]


@pytest.mark.parametrize("page, words", COMMAND_LINES,
                         ids=[f"{p.name}: detente {' '.join(w)[:50]}" for p, w in COMMAND_LINES])
def test_shell_commands_name_real_commands_and_options(page, words):
    assert words, f"{page.name}: 'detente' without a command"
    result = CliRunner().invoke(app, [words[0], "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, f"{page.name}: 'detente {words[0]}' is not a command: {result.output}"
    options = {w.split("=")[0] for w in words[1:] if w.startswith("--")}
    for option in options:
        assert option in result.output, f"{page.name}: 'detente {words[0]}' has no option {option}"
    for w in words[1:]:
        if w.startswith("examples/"):
            assert (ROOT / w).exists(), f"{page.name}: {w} does not exist"


def test_every_page_with_code_is_checked():
    assert PYTHON_PAGES and any(p.name == "README.md" for p in PYTHON_PAGES)
    assert any(p.name == "README.md" for p, _ in COMMAND_LINES)
    assert os.path.isdir(ROOT / "docs")


YAML_SCENARIOS = [(p, k, body) for p in PAGES for k, body in enumerate(blocks(p, "yaml"))
                  if "decision_makers:" in body and body.startswith("name:")]   # whole files, not fragments


@pytest.mark.parametrize("page, k, body", YAML_SCENARIOS, ids=[f"{p.name}[yaml {k + 1}]" for p, k, _ in YAML_SCENARIOS])
def test_yaml_scenarios_in_the_docs_load(page, k, body):
    from detente.io import loads

    conflict = loads(body, "yaml", source=f"{page.name}[yaml block {k + 1}]")
    assert conflict.decision_makers
