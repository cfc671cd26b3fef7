"""The documentation site builds (mkdocs, API reference from the docstrings), with no warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_site_builds_strictly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir",
                           str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    api = (tmp_path / "site" / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("detente.load", "analyze", "conflict", "identifier", "sweep", "DetenteError"):
        assert name in api, f"the API reference lacks {name}"
    assert (tmp_path / "site" / "tutorial" / "index.html").exists()
