"""User-written text in Markdown output is inert, as in the HTML report (names may be any text)."""

from __future__ import annotations

import json
import re

import markdown
import pytest
from typer.testing import CliRunner

import detente
from detente.cli import app
from detente import build_report
from detente.report.markdown import render_markdown
from detente.report.safe_markdown import safe_markdown

EVIL_DM = "<script>alert('dm')</script>"
EVIL_OPTION = "<img src=x onerror=alert('option')>"
EVIL_OUTCOME = "[click](javascript:alert('outcome'))"


def hostile() -> detente.Conflict:
    return detente.conflict(
        "<b onmouseover=alert('title')>Evil</b>",
        {EVIL_DM: [EVIL_OPTION], "b`<svg onload=alert(1)>`": ["go"]},
        preferences={EVIL_DM: ["not script_alert_dm_script.img_src_x_onerror_alert_option"],
                     "b`<svg onload=alert(1)>`": ["b_svg_onload_alert_1.go"]},
        outcomes={EVIL_OUTCOME: "b_svg_onload_alert_1.go"},
        description="<iframe src=javascript:alert('description')></iframe>",
    )


def rendered(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=["tables", "fenced_code"])


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for tag in ("<script", "<iframe", "<svg", "<b "):
        assert tag not in lowered, f"{tag} survives in the rendered Markdown"
    for tag in re.findall(r"<[^>]*>", lowered):
        assert not re.search(r"\bon\w+\s*=|javascript:", tag), f"active content in {tag}"
        if tag.startswith("<img"):
            assert re.fullmatch(r'<img alt="[^"]*" src="r_[\w.]+\.svg" />', tag), tag   # the report's own drawings


def test_report_markdown_escapes_names_descriptions_and_outcomes():
    text, _ = render_markdown(build_report(hostile()), stem="r")
    assert_inert(rendered(text))
    # the names are still there, readable
    html = rendered(text)
    assert "&lt;script&gt;alert('dm')&lt;/script&gt;" in html or "&lt;script>alert('dm')&lt;/script>" in html


@pytest.mark.parametrize("args", [["analyze", "--format", "markdown"], ["brief"]])
def test_cli_markdown_escapes_names(tmp_path, args):
    path = tmp_path / "evil.yaml"
    detente.save(hostile(), path)
    if args == ["brief"]:
        result = CliRunner().invoke(app, ["brief", str(path), "--outcome", EVIL_OUTCOME])
    else:
        result = CliRunner().invoke(app, [args[0], str(path), *args[1:]])
    assert result.exit_code == 0, result.output
    assert_inert(rendered(result.stdout))


def test_code_spans_and_fences_are_left_as_written():
    text = "a `x<y` b\n```text\n<kept>\n```\n<gone>"
    assert safe_markdown(text) == "a `x<y` b\n```text\n<kept>\n```\n&lt;gone>"
    assert safe_markdown("``a ` <b> ``") == "``a ` <b> ``"
    assert safe_markdown("`unclosed <b>") == "`unclosed &lt;b>"


def test_json_output_keeps_names_as_written(tmp_path):
    path = tmp_path / "evil.yaml"
    detente.save(hostile(), path)
    data = json.loads(CliRunner().invoke(app, ["analyze", str(path), "--format", "json"]).stdout)
    assert data["decision_makers"][0] == EVIL_DM
