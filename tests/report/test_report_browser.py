"""Reports rendered in headless Chromium: the page loads with no console messages and shows the graph.

The tests fail when no Chromium is installed (Debian: ``apt-get install chromium``; CI installs
it); see ``tests/browser_utils.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_utils import CHROMIUM, CONSOLE, SKIP_REASON, chromium
from report_helpers import EXAMPLES
from typer.testing import CliRunner

from detente.cli import app


@pytest.fixture(autouse=True)
def _chromium_installed():
    assert CHROMIUM is not None, SKIP_REASON


@pytest.fixture(scope="module")
def flagship_html(tmp_path_factory) -> Path:
    """The flagship report, made by the one command the README documents."""
    out = tmp_path_factory.mktemp("browser") / "report.html"
    result = CliRunner().invoke(app, ["report", str(EXAMPLES / "ukraine-ceasefire.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def graph_nodes(dom: str, svg_id: str = "tg") -> list[int]:
    m = re.search(rf'<svg[^>]*\bid="{svg_id}"[^>]*>(.*?)</svg>', dom, re.S)
    assert m, f"no <svg id={svg_id}> in the rendered page"
    return [int(x) for x in re.findall(r'<g class="node[^"]*" data-state="(\d+)"', m.group(1))]


def test_flagship_report_loads_without_console_errors_and_shows_the_graph(flagship_html, tmp_path):
    proc = chromium(flagship_html.as_uri(), tmp_path / "profile", "--dump-dom")
    dom = proc.stdout
    bad = [line for line in proc.stderr.splitlines() if CONSOLE.search(line)]
    assert not bad, bad
    assert "<h1>Russia–Ukraine cease-fire (2025)</h1>" in dom
    assert sorted(graph_nodes(dom)) == list(range(1, 25))
    assert re.search(r'<path class="arc ui dm-\d"', dom)
    for section in ("tableaux", "evolution", "perspectives", "hypergame", "sweeps"):
        assert f'<section id="{section}">' in dom


def test_flagship_report_screenshot_shows_the_coloured_graph(flagship_html, tmp_path):
    import numpy as np
    from PIL import Image

    shot = tmp_path / "report.png"
    chromium(flagship_html.as_uri(), tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,8000",
             "--hide-scrollbars")
    assert shot.exists()
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 8000)
    pixels = np.asarray(img, dtype=np.int16).reshape(-1, 3)
    assert len(np.unique(pixels[::5], axis=0)) > 200            # text, tables, a drawing: not a blank page
    # the DMs' arc colours (first two of the palette) and the status quo's yellow fill are painted
    for target in ((0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0xFF, 0xF3, 0xB0)):
        close = np.all(np.abs(pixels - np.asarray(target)) <= 30, axis=1)
        assert close.sum() > 100, target


def test_filtered_report_of_a_50_plus_state_model_in_the_browser(tmp_path):
    out = tmp_path / "river.html"
    result = CliRunner().invoke(app, ["report", str(EXAMPLES / "river-basin.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    proc = chromium(out.as_uri(), tmp_path / "profile", "--dump-dom")
    assert not [line for line in proc.stderr.splitlines() if CONSOLE.search(line)]
    nodes = graph_nodes(proc.stdout)
    assert len(nodes) == 60 and 2 in nodes                    # 96 states filtered; the status quo kept
    assert "60 are drawn" in proc.stdout


def test_the_console_check_catches_errors(tmp_path):
    """The harness itself: a page that logs an error and throws is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); missing();</script>"
                    "</body></html>", encoding="utf-8")
    proc = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    bad = [line for line in proc.stderr.splitlines() if CONSOLE.search(line)]
    assert any("boom" in line for line in bad) and any("Uncaught" in line for line in bad)
