"""`detente report FILE -o report.html|report.md`: one command, every option, clear errors."""

from __future__ import annotations

import re
import shutil

import pytest
from report_helpers import EXAMPLES, parse_svg, svg_nodes
from typer.testing import CliRunner

from detente.cli import app


@pytest.fixture
def invoke():
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, [str(a) for a in args])
    return run


def test_flagship_report_in_one_command(invoke, tmp_path):
    """The command the README documents: the flagship scenario's full report."""
    out = tmp_path / "report.html"
    result = invoke("report", EXAMPLES / "ukraine-ceasefire.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    html = out.read_text(encoding="utf-8")
    for sid in ("summary", "model", "equilibria", "outcomes", "graph", "tableaux", "evolution", "narratives",
                "perspectives", "hypergame", "sweeps"):
        assert f'<section id="{sid}">' in html, sid
    assert "ceasefire" in html and "unsteady" in html and "administration" in html
    graph = re.search(r'<svg[^>]*id="tg".*?</svg>', html, re.S).group(0)
    assert len(svg_nodes(parse_svg(graph))) == 24
    assert "<script" not in html


def test_markdown_output_with_options(invoke, tmp_path):
    out = tmp_path / "sub" / "elmira.md"
    result = invoke("report", EXAMPLES / "elmira.yaml", "-o", out, "--concept", "nash", "-c", "seq",
                    "--from", "historical")
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert (out.parent / "elmira_graph.svg").exists()
    assert "concepts: Nash, SEQ" in md and "GMR" not in md.split("## The model")[0]
    assert "From the status quo, state **10**" in md


def test_set_and_perspective(invoke, tmp_path):
    toy = tmp_path / "toy.yaml"
    toy.write_text("""\
name: toy
parameters: {t: 0}
decision_makers:
  - name: a
    options: [go]
    preferences: {payoff: "a.go * (t - 0.5) + b.go"}
  - name: b
    options: [go]
    preferences: {payoff: "b.go * (0.2 - a.go)"}
perspectives:
  hawk: {description: a likes going, parameters: {t: 1}}
""", encoding="utf-8")
    out = tmp_path / "toy.html"
    assert invoke("report", toy, "-o", out, "--set", "t=0.9").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "parameters set: t = 0.9" in html and "<span class='tag'>set</span>" in html
    assert invoke("report", toy, "-o", out, "--perspective", "hawk").exit_code == 0
    assert "perspective: <b>hawk</b>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, where", [
    (["-o", "r.pdf"], "--output"),
    (["-o", "r.html", "--set", "nope=1"], "--set"),
    (["-o", "r.html", "--perspective", "nope"], "--perspective"),
    (["-o", "r.html", "--concept", "nope"], "--concept"),
    (["-o", "r.html", "--from", "99"], "--from"),
    (["-o", "r.html", "--from", "abandonment"], "--from"),
])
def test_bad_options_give_one_clear_error(invoke, tmp_path, args, where):
    args = [str(tmp_path / a) if a.startswith("r.") else a for a in args]
    result = invoke("report", EXAMPLES / "elmira.yaml", *args)
    assert result.exit_code == 2, result.output
    assert f"option '{where}'" in result.output
    assert "Traceback" not in result.output
    assert not any(p.suffix in (".html", ".pdf") for p in tmp_path.iterdir())


def test_missing_scenario_and_unwritable_output(invoke, tmp_path):
    result = invoke("report", tmp_path / "none.yaml", "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and "none.yaml" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke("report", EXAMPLES / "chicken.yaml", "-o", blocker / "r.html")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_console_script_knows_the_command():
    """The README's command line works as `detente report ...` once installed."""
    import subprocess
    import sys
    from pathlib import Path

    beside = Path(sys.executable).parent / "detente"
    script = str(beside) if beside.exists() else shutil.which("detente")
    assert script is not None, "the detente console script is not installed (pip install -e .)"
    proc = subprocess.run([script, "report", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--output" in proc.stdout
