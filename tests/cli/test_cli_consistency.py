"""Every command takes its shared options the same way: one ``--format`` enum option, one
``--progress``, one ``--concept``; defaults equal the API's; nothing written unless asked; the
README's command lines run in the environment its Quick start makes."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import pytest
import typer

from detente.cli import COMMANDS, app, common, load_all

ROOT = Path(__file__).resolve().parents[2]


def _callbacks() -> dict[str, typing.Callable]:
    load_all()
    out = {}
    for info in app.registered_commands:
        assert info.callback is not None
        out[info.name or info.callback.__name__.replace("_", "-")] = info.callback
    assert set(COMMANDS) <= set(out), set(COMMANDS) - set(out)
    return out


def _options(callback) -> dict[str, tuple[str, typing.Any]]:
    """{flag: (parameter name, annotation with its typer metadata)} of a command function."""
    hints = typing.get_type_hints(callback, include_extras=True)
    out = {}
    for name, hint in hints.items():
        for meta in getattr(hint, "__metadata__", ()):
            if isinstance(meta, typer.models.OptionInfo):
                first = [meta.default] if isinstance(meta.default, str) and meta.default.startswith("-") else []
                for decl in [*first, *(meta.param_decls or ())]:
                    for flag in str(decl).split("/"):
                        out[flag] = (name, hint)
    return out


CALLBACKS = _callbacks()


def test_every_format_option_is_one_of_the_shared_enum_options():
    with_format = {name: _options(cb)["--format"] for name, cb in CALLBACKS.items() if "--format" in _options(cb)}
    assert len(with_format) >= 11, sorted(with_format)
    for name, (param, hint) in with_format.items():
        assert hint in (common.FormatOption, common.ReportFormatOption), f"{name}: --format declared by hand"
        assert hint.__metadata__[0] in (common.FormatOption.__metadata__[0],
                                        common.ReportFormatOption.__metadata__[0]), name
        default = inspect.signature(CALLBACKS[name]).parameters[param].default
        assert isinstance(default, (common.TextFormat, common.OutputFormat)), f"{name}: default {default!r}"
    assert with_format["analyze"][1] is common.ReportFormatOption
    for name in ("brief", "montecarlo", "sweep", "inverse", "levers"):
        assert with_format[name][1] is common.FormatOption, name


@pytest.mark.parametrize("name", ["brief", "montecarlo", "sweep", "explain", "inverse", "levers", "analyze"])
def test_an_unknown_format_is_refused_by_the_parser(invoke, pd_file, name):
    extra = {"explain": ["1"], "inverse": ["1"], "montecarlo": ["--param", "t=uniform:0:1"],
             "sweep": ["--param", "t=0:1:3"]}.get(name, [])
    res = invoke(name, pd_file, *extra, "--format", "yaml")
    assert res.exit_code == 2
    assert "Usage:" in res.output and "'--format'" in res.output, res.output   # the parser's, not a hand check


def test_progress_is_one_shared_option_with_help():
    with_progress = {name: _options(cb)["--progress"] for name, cb in CALLBACKS.items() if "--progress" in _options(cb)}
    assert {"montecarlo", "sweep"} <= set(with_progress)
    for name, (_, hint) in with_progress.items():
        assert hint is common.ProgressOption, f"{name}: --progress declared by hand"
    assert common.ProgressOption.__metadata__[0].help


def test_every_concept_option_is_shared():
    for name, cb in CALLBACKS.items():
        opts = _options(cb)
        if "--concept" in opts:
            assert opts["--concept"][1] in (common.Concepts, common.OneConcept), f"{name}: --concept declared by hand"
    assert _options(CALLBACKS["inverse"])["--concept"][1] is common.OneConcept


def test_montecarlo_samples_default_is_the_apis():
    from detente.analysis.montecarlo import DEFAULT_SAMPLES, monte_carlo

    api_default = inspect.signature(monte_carlo).parameters["n"].default
    param = _options(CALLBACKS["montecarlo"])["--samples"][0]
    cli_default = inspect.signature(CALLBACKS["montecarlo"]).parameters[param].default
    assert cli_default == api_default == DEFAULT_SAMPLES


def test_sweep_writes_no_file_unless_asked(invoke, payoff_file, tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    res = invoke("sweep", payoff_file, "--param", "t=-1:1:5")
    assert res.exit_code == 0, res.output
    assert "Sweep of t" in res.output
    assert sorted(p.name for p in work.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "temptation.yaml"]
    res = invoke("sweep", payoff_file, "--param", "t=-1:1:5", "--plot", "out/t")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (work / "out").iterdir()) == ["t.png", "t.svg"]


def _readme_bash_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M)
    return [line for body in blocks for line in body.splitlines() if line.strip()]


def test_readme_commands_run_in_the_quick_start_environment():
    lines = _readme_bash_lines()
    commands = [part.strip() for line in lines for part in line.split(" #")[0].split("&&")]
    detente_calls = [c for c in commands if re.match(r"^\S*detente\s", c)]
    assert len(detente_calls) >= 10
    for call in detente_calls:
        assert call.startswith(".venv/bin/detente "), f"not run from the Quick start's venv: {call}"
    pip_calls = [c for c in commands if "pip" in c.split()[0]]
    for call in pip_calls:
        assert call.startswith(".venv/bin/pip "), call
    # serve needs the web extra: the README installs it on the line that starts the app
    serve_lines = [line for line in lines if re.search(r"detente serve\b", line.split(" #")[0])]
    assert any("'.[web]'" in line for line in serve_lines), serve_lines


def test_readme_quick_start_report_is_the_promised_html_page():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text[text.index("## Quick start"):text.index("\n## ", text.index("## Quick start") + 5)]
    assert "one self-contained HTML page" in quick
    reports = re.findall(r"detente report \S+ -o (\S+)", quick)
    assert reports and all(r.endswith(".html") for r in reports), reports


def test_serve_dependencies_are_the_web_extra():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    web = {re.split(r"[<>=\[]", d)[0].lower() for d in project["optional-dependencies"]["web"]}
    assert {"fastapi", "uvicorn", "sqlalchemy"} <= web


def test_the_command_list_help_is_each_commands_own():
    for name, callback in CALLBACKS.items():
        first = inspect.cleandoc(callback.__doc__ or "").split("\n\n")[0].replace("\n", " ").strip()
        assert COMMANDS[name][-1] == first, f"{name}: COMMANDS help differs from the docstring"


def test_help_lists_every_command_without_importing_them():
    import json
    import os
    import subprocess
    import sys

    code = ("import io, json, sys, contextlib\n"
            "from detente.cli import main\n"
            "sys.argv = ['detente', '--help']\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n"
            "print(json.dumps({'help': out.getvalue(), 'modules': sorted(m for m in sys.modules "
            "if m.startswith('detente.cli.') and m.endswith('_cmd'))}))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "250", "TERM": "dumb"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["modules"] == []
    flat = re.sub(r"[\s│]+", " ", data["help"])
    for name, entry in COMMANDS.items():
        assert f" {name} {entry[-1]}" in flat, name
