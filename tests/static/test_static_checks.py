"""Static checks of the package, as tests: mypy is clean on src/ and ruff finds nothing in src/,
tests/ and benchmarks/ (both configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_mypy_is_clean_on_src():
    proc = run("mypy")                     # files and options from [tool.mypy]
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_ruff_is_clean():
    proc = run("ruff", "check", "src", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
