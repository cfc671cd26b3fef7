"""Headless Chromium for the browser tests (reports and the web app).

Chromium's command line is used directly (``--dump-dom`` for the DOM after load, ``--screenshot``
for pixels); page console messages appear in its stderr log as ``CONSOLE`` lines. Set
``DETENTE_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path


def _find_chromium() -> str | None:
    env = os.environ.get("DETENTE_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _find_chromium()
SKIP_REASON = ("Chromium is not installed (Debian package 'chromium'; CI installs it); "
               "set DETENTE_CHROMIUM to use another")
"""Why a browser test cannot run: it fails with this message (browser tests never skip)."""

CONSOLE = re.compile(r"CONSOLE|Uncaught|net::ERR_", re.I)


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *extra, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc
