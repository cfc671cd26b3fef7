"""Fixtures for the web tests: a real ``detente serve`` in a subprocess on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import Server


@pytest.fixture
def server_factory(tmp_path):
    servers: list[Server] = []

    def make(db: Path | None = None, *extra: str) -> Server:
        srv = Server(db or tmp_path / "models.db", *extra).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """One ``detente serve`` for a test module, with an empty database."""
    srv = Server(tmp_path_factory.mktemp("db") / "models.db").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright. Missing Chromium is a failure, not a skip: CI
    installs it (.ci/run)."""
    from browser_utils import CHROMIUM, SKIP_REASON
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, SKIP_REASON
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page (own storage) with console errors collected in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()
