"""The web app in headless Chromium: the page runs an analysis from a link with no console errors."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from browser_utils import CHROMIUM, CONSOLE, SKIP_REASON, chromium  # noqa: E402

from detente.web.app import app  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)


@pytest.fixture(scope="module")
def server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_page_analyses_an_example_from_a_link(server, tmp_path):
    proc = chromium(f"{server}/?example=prisoners-dilemma.yaml&run=analyze", tmp_path / "profile",
                    "--virtual-time-budget=10000", "--dump-dom")
    bad = [line for line in proc.stderr.splitlines() if CONSOLE.search(line)]
    assert not bad, bad
    dom = proc.stdout
    assert "<h3>Equilibria</h3>" in dom
    assert re.search(r"<b>NASH</b>: 1</li>", dom)
    assert 'data-state="4"' in dom


def test_page_shows_the_briefing(server, tmp_path):
    proc = chromium(f"{server}/?example=ukraine-ceasefire.yaml&run=brief", tmp_path / "profile",
                    "--virtual-time-budget=20000", "--dump-dom")
    assert "russia does not take" in proc.stdout
