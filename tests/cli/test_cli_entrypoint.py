"""The real entry points in a subprocess: `python -m detente` and the `detente` console script."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.pop("DETENTE_DEBUG", None)
    env["NO_COLOR"] = "1"
    return env


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "detente", *map(str, args)], capture_output=True, text=True,
                          env=_env(), timeout=60)


def test_python_m_detente(pd_file, tmp_path):
    proc = _run("analyze", pd_file, "--format", "json", "-c", "nash")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["equilibria"] == {"nash": [1]}
    missing = _run("validate", tmp_path / "missing.yaml")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'missing.yaml'}: file not found"
    assert "Traceback" not in missing.stderr and missing.stdout == ""
    usage = _run("analyze", pd_file, "--format", "xml")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_entry_point_declared_in_pyproject():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, attr = scripts["detente"].partition(":")
    assert callable(getattr(importlib.import_module(module), attr))


def test_installed_console_script(pd_file):
    script = shutil.which("detente", path=str(Path(sys.executable).parent)) or shutil.which("detente")
    assert script is not None, "the detente console script is not installed (pip install -e .)"
    proc = subprocess.run([script, "analyze", str(pd_file), "-f", "json"], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["equilibria"]["seq"] == [1, 4]


def test_a_small_analysis_imports_no_pydantic_lark_or_plotting(pd_file):
    """Start-up: the command line's small-analysis path imports neither pydantic (typer 0.29 and
    later route every option through it, about 70 ms per start; pyproject keeps typer below it),
    nor the expression parser's lark once its cache is warm, nor matplotlib or scipy."""
    code = ("import runpy, sys\n"
            "sys.argv = ['detente', 'analyze', sys.argv[1]]\n"
            "try:\n    runpy.run_module('detente', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = ('pydantic', 'pydantic_core', 'matplotlib', 'scipy', 'lark')\n"
            "print('IMPORTED', sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n")
    for _ in range(2):                      # the first run may fill the expression cache
        proc = subprocess.run([sys.executable, "-c", code, str(pd_file)], capture_output=True, text=True,
                              env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("IMPORTED")][-1]
    assert line == "IMPORTED []", line
