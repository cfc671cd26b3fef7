"""The flagship's levers and map view in Debian's Chromium: which parameters decide the cease-fire,
and a 2-D map of where it holds."""

from __future__ import annotations

from playwright.sync_api import expect


def test_flagship_levers_and_map(page, live_server):
    page.goto(f"{live_server.url}/?example=ukraine-ceasefire.yaml")
    page.wait_for_selector("body[data-ready=yes]")
    page.wait_for_selector("body[data-valid=yes]")
    page.click("nav >> text=Explore")
    page.click("[data-run=levers]")
    page.wait_for_selector("#lv-outcome")
    assert page.input_value("#lv-outcome") == "ceasefire"
    page.click("#lv-run")
    page.wait_for_selector("#levers tr.lever", timeout=300_000)
    rows = page.locator("#levers tr.lever")
    assert rows.count() >= 5
    names = rows.locator("td:first-child").all_inner_texts()
    assert "lambda_r" in names
    # at least one parameter tips the cease-fire inside its range, with its threshold drawn
    thresholds = rows.locator("td:nth-child(4)").all_inner_texts()
    assert any(t != "none" for t in thresholds)
    assert page.locator("#levers line[stroke='#b3261e']").count() >= 1
    expect(page.locator("#levers-text")).to_contain_text("ceasefire")

    page.select_option("#map-x", "lambda_r")
    page.select_option("#map-y", "deal_x")
    page.fill("#map-n", "6")
    page.click("#map-run")
    page.wait_for_selector("#map rect", timeout=300_000)
    cells = page.locator("#map rect")
    assert cells.count() == 36
    holds = page.locator("#map rect[data-holds='1']").count()
    assert 0 < holds < 36          # the map shows where the cease-fire holds and where it does not
    expect(page.locator("#map-text")).to_contain_text(f"{holds} of 36 points")
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors
