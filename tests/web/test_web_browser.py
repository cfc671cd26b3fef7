"""The web app in Debian's Chromium (Playwright): build Elmira from scratch through the forms, get
the published equilibria, save, reload, change a preference, restore, export a .gmcr that
`detente analyze` reads with the same equilibria; a phone-width page with no horizontal scroll."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from web_helpers import SRC
from playwright.sync_api import expect

# Elmira (Fang, Hipel & Kilgour 1993) as a new user would enter it; see examples/elmira.yaml.
ELMIRA_DMS = [
    ("MoE", [("modify", "forward")]),
    ("Uniroyal", [("delay", "backward"), ("accept", "both"), ("abandon", "forward")]),
    ("Local", [("insist", "both")]),
]
STAYS = "not uniroyal.abandon"
ELMIRA_PRIORITIES = {
    0: ["uniroyal.accept", STAYS, f"{STAYS} and not moe.modify", f"{STAYS} and (moe.modify iff not local.insist)"],
    1: [f"{STAYS} and (uniroyal.accept iff moe.modify)", "uniroyal.abandon", f"{STAYS} and not local.insist",
        f"{STAYS} and (uniroyal.delay iff not local.insist)"],
    2: [STAYS, f"{STAYS} and not moe.modify", f"{STAYS} and (uniroyal.accept if not moe.modify)",
        f"{STAYS} and (local.insist if moe.modify)", f"{STAYS} and not uniroyal.delay", f"{STAYS} and local.insist"],
}
# Published equilibria in GMCR+ numbering (tests/elmira_models.py, examples/elmira.yaml).
PUBLISHED = {"NASH": "5, 6, 7, 10, 11, 12", "GMR": "1, 4, 5, 6, 7, 10, 11, 12",
             "SMR": "1, 4, 5, 6, 7, 10, 11, 12", "SEQ": "5, 6, 7, 10, 11, 12"}


def js_errors(page) -> list[str]:
    return [e for e in page.errors if "Failed to load resource" not in e]


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=yes]")


def wait_valid(page) -> None:
    page.wait_for_selector("body[data-valid=yes]")


def equilibria(page) -> dict[str, str]:
    page.click("nav >> text=Explore")
    page.click("[data-run=analyze]")
    page.wait_for_selector("#equilibria li")
    out = {}
    for li in page.locator("#equilibria li").all_inner_texts():
        k, v = li.split(":", 1)
        out[k.strip()] = v.strip()
    return out


def build_elmira(page) -> None:
    page.fill("#title", "Elmira groundwater contamination")
    for i, (dm, options) in enumerate(ELMIRA_DMS):
        page.click("#add-dm")
        card = page.locator("#dms .dm").nth(i)
        card.locator(".dm-name").fill(dm)
        for k, (opt, rev) in enumerate(options):
            card.locator(".add-option").click()
            card = page.locator("#dms .dm").nth(i)
            card.locator(".opt-name").nth(k).fill(opt)
            card.locator(".reversible").nth(k).select_option(rev)
    # Uniroyal does exactly one of delay, accept, abandon: the infeasible states go.
    for kind, index in (("mutex", 0), ("atleast", 1)):
        page.click(f"[data-add={kind}]")
        group = page.locator("#feasibility .group").nth(index)
        for key in ("uniroyal.delay", "uniroyal.accept", "uniroyal.abandon"):
            group.locator(f"input[data-key='{key}']").check()
    for i, statements in ELMIRA_PRIORITIES.items():
        for k, text in enumerate(statements):
            page.locator("#preferences .dm").nth(i).locator(".add-statement").click()
            page.locator("#preferences .dm").nth(i).locator(".statement").nth(k).fill(text)
    wait_valid(page)


def test_build_elmira_save_reload_change_restore_export(page, live_server, tmp_path):
    open_app(page, live_server.url)
    build_elmira(page)
    assert page.inner_text("#feasible-count") == "12 feasible states of 32"
    # the live ranking of the local government's statements is shown, best first
    ranking = page.locator("#preferences .dm").nth(2).locator(".live-ranking li").all_inner_texts()
    assert ranking[0].startswith("9 [NNYNY]")
    # an expression with a typo gets the CLI's message next to it, then is fixed
    stmt = page.locator("#preferences .dm").nth(0).locator(".statement").nth(0)
    stmt.fill("uniroyal.acept")
    page.wait_for_selector("body[data-valid=no]")
    msg = page.locator("#preferences .msg").first.inner_text()
    assert "uniroyal.acept" in msg
    stmt.fill("uniroyal.accept")
    wait_valid(page)

    assert equilibria(page) == PUBLISHED
    # a state's explanation names states by what they mean
    page.click("#stability tr[data-state='7']")
    page.wait_for_selector("#explanation pre")
    assert "Local: insist" in page.inner_text("#explanation")

    page.fill("#model-name", "elmira")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("revision 1", timeout=60_000)

    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    assert page.locator("#dms .dm").count() == 3
    assert page.locator("#dms .dm").nth(1).locator(".opt-name").nth(2).input_value() == "abandon"
    wait_valid(page)
    assert equilibria(page) == PUBLISHED

    # change a preference: Uniroyal now puts leaving first
    page.click("nav >> text=Build")
    page.locator("#preferences .dm").nth(1).locator("li").nth(0).locator("button[aria-label='move down']").click()
    wait_valid(page)
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("revision 2", timeout=60_000)
    changed = equilibria(page)
    assert changed["NASH"] == "5, 6, 11, 12"

    # restore the first revision
    page.click("nav >> text=Models & files")
    page.wait_for_selector("#revision-table tr[data-revision='1']")
    page.locator("#revision-table tr[data-revision='1'] button.compare").click()
    page.wait_for_selector("#diff:not([hidden])")
    assert "uniroyal.abandon" in page.inner_text("#diff")
    page.locator("#revision-table tr[data-revision='1'] button.restore").click()
    expect(page.locator("#save-status")).to_contain_text("restored revision 1", timeout=60_000)
    assert equilibria(page) == PUBLISHED

    # export a .gmcr and read it with the CLI
    page.click("nav >> text=Models & files")
    page.select_option("#export-format", "gmcr")
    with page.expect_download() as info:
        page.click("#export")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".gmcr"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.run([sys.executable, "-m", "detente", "analyze", str(path), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    eq = json.loads(proc.stdout)["equilibria"]
    assert {k.upper(): ", ".join(map(str, v)) for k, v in eq.items()} == PUBLISHED
    assert not js_errors(page), page.errors


def test_names_typed_by_users_are_shown_as_text(page, live_server):
    open_app(page, live_server.url)
    page.click("#add-dm")
    page.locator("#dms .dm-name").first.fill('<img src=x onerror="window.pwned=1">')
    page.click("#add-dm")
    page.locator("#dms .dm-name").nth(1).fill("<script>window.pwned=2</script>")
    page.locator("#dms .add-option").first.click()
    page.locator("#dms .opt-name").first.fill("<b>x</b>")
    page.wait_for_timeout(800)
    page.click("nav >> text=Build")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#preferences h3").first.inner_text() == '<img src=x onerror="window.pwned=1">'
    assert page.locator("#builder img").count() == 0 and page.locator("#builder b").count() == 0


def test_phone_width_has_no_horizontal_scroll(browser, live_server, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{live_server.url}/?example=elmira.yaml&run=analyze")
        page.wait_for_selector("body[data-ready=yes]")
        page.wait_for_selector("#stability")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert widths[0] <= 390 and widths[1] <= 390, widths
        shot = tmp_path / "phone.png"
        page.screenshot(path=str(shot), full_page=True)
        with open(shot, "rb") as f:
            header = f.read(24)
        width = int.from_bytes(header[16:20], "big")
        assert header[:8] == b"\x89PNG\r\n\x1a\n" and width == 390
        # every tab fits too
        for tab in ("Build", "YAML", "Models & files"):
            page.click(f"nav >> text={tab}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, tab
        out = Path(os.environ.get("DETENTE_SCREENSHOTS", tmp_path))
        out.mkdir(parents=True, exist_ok=True)
        page.click("nav >> text=Explore")
        page.screenshot(path=str(out / "phone-explore.png"), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("example", ["ukraine-ceasefire.yaml", "elmira-graph.yaml", "elmira.gmcr"])
def test_examples_load_into_the_forms_unchanged(page, live_server, example):
    # what the forms do not edit (beliefs, sweeps, a graph form, labels, units) is kept
    open_app(page, f"{live_server.url}/?example={example}")
    wait_valid(page)
    assert page.locator("#dms .dm").count() >= 2


def test_perspectives_view_says_what_each_view_changes_and_where_they_disagree(page, live_server):
    open_app(page, f"{live_server.url}/?example=ukraine-ceasefire.yaml")
    wait_valid(page)
    page.click("nav >> text=Explore")
    page.click("[data-run=perspectives]")
    page.wait_for_selector("#perspective-differences li")
    changes = page.locator("#perspective-changes").inner_text()
    assert "kremlin" in changes and "p_restrainers=0.6 (model 0.3)" in changes
    lines = page.locator("#perspective-differences li").all_inner_texts()
    assert "Outcome 'ceasefire' (SEQ): an equilibrium in credible_commitment; not in model, administration, author, " \
           "restrainers, kremlin." in lines
    assert js_errors(page) == []


def test_yaml_view_stays_in_sync(page, live_server):
    open_app(page, f"{live_server.url}/?example=elmira.yaml")
    wait_valid(page)
    page.fill("#title", "Elmira, edited in the form")
    wait_valid(page)
    page.click("nav >> text=YAML")
    expect(page.locator("#yaml")).to_have_value(re.compile("name: Elmira, edited in the form"))
    text = page.input_value("#yaml").replace("name: Elmira, edited in the form", "name: Elmira, edited as text")
    text = text.replace("name: insist", "name: insist on the order")
    page.fill("#yaml", text)
    page.click("nav >> text=Build")
    expect(page.locator("#title")).to_have_value("Elmira, edited as text")
    assert page.locator("#dms .dm").nth(2).locator(".opt-name").first.input_value() == "insist on the order"


def test_direct_ranking_by_moving_states(page, live_server):
    open_app(page, f"{live_server.url}/?example=prisoners-dilemma.yaml")
    wait_valid(page)
    prefs = page.locator("#preferences .dm").nth(0)
    prefs.locator(".pref-kind").select_option("ranking")
    wait_valid(page)
    items = page.locator("#preferences .dm").nth(0).locator("ul.drag li")
    assert [items.nth(i).get_attribute("data-state") for i in range(4)] == ["3", "4", "1", "2"]
    items.nth(0).locator("button[aria-label=down]").click()        # 4 above 3
    wait_valid(page)
    items = page.locator("#preferences .dm").nth(0).locator("ul.drag li")
    items.nth(1).locator("input[type=checkbox]").check()             # 3 tied with 4
    wait_valid(page)
    items = page.locator("#preferences .dm").nth(0).locator("ul.drag li")
    items.nth(3).drag_to(items.nth(2))                               # drag 2 above 1
    wait_valid(page)
    page.click("nav >> text=YAML")
    expect(page.locator("#yaml")).to_have_value(re.compile(r"ranking:\s*\n?\s*- \[4, 3\]\s*\n\s*- 2\s*\n\s*- 1|ranking: \[\[4, 3\], 2, 1\]"))


def test_a_long_computation_shows_progress_and_can_be_cancelled(page, live_server, tmp_path):
    from test_limits import heavy_model

    path = tmp_path / "heavy.yaml"
    path.write_text(heavy_model(), encoding="utf-8")
    open_app(page, live_server.url)
    page.click("nav >> text=Models & files")
    page.set_input_files("#import", str(path))
    wait_valid(page)
    page.click("nav >> text=Explore")
    page.click("[data-run=sweep]")
    page.fill("#sw-hi", "3")
    page.fill("#sw-steps", "20")
    page.click("#sw-run")
    expect(page.locator("#status")).to_be_visible()
    expect(page.locator("#status-text")).to_contain_text("Sweeping")
    page.click("#cancel")
    expect(page.locator("#sw-out .error")).to_contain_text("cancelled")
    expect(page.locator("#status")).to_be_hidden()
