"""HTML and Markdown reports: self-contained, complete, well-formed, same content."""

from __future__ import annotations

import re

import pytest
from report_helpers import check_balanced, parse_svg, svg_nodes, toy

import detente
from detente.model import Conflict, DecisionMaker, Option, Prioritization
from detente import build_report
from detente.report.builder import write_report
from detente.report.html import render_html
from detente.report.markdown import render_markdown

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|@import|<link\b""",
                      re.I)


@pytest.fixture(scope="module")
def elmira_report(elmira):
    return build_report(elmira)


def test_html_is_one_self_contained_page(elmira_report):
    html = render_html(elmira_report)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<style>" in html
    check_balanced(html)


def test_html_shows_every_section(elmira_report):
    html = render_html(elmira_report)
    for sid in ("summary", "model", "equilibria", "outcomes", "graph", "tableaux", "evolution", "narratives"):
        assert f'<section id="{sid}">' in html
        assert f'href="#{sid}"' in html
    # the graph, as inline SVG with every state
    graph = re.search(r'<svg[^>]*id="tg".*?</svg>', html, re.S).group(0)
    assert sorted(svg_nodes(parse_svg(graph))) == list(range(1, 13))
    # one tableau per DM, with verdict letters
    assert html.count("<span class='mark u'>u</span>") > 0
    assert html.count('<h3><span class="dm-swatch"') == 3
    # the option-form table and a narrative
    assert "<td class='optname'>local.insist</td>" in html
    assert "local: SEQ-UNSTABLE at state 1" in html.replace("&gt;", ">")


def test_html_escapes_user_text():
    c = Conflict('<b>Evil & "name"</b>', [
        DecisionMaker("a", [Option("x", "a", label="<script>alert(1)</script>")], Prioritization(["a.x"])),
        DecisionMaker("b", [Option("y", "b")], Prioritization(["not a.x"]))],
        outcomes={"odd": "a.x and b.y"}, description="1 < 2 & 3 > 2")
    html = render_html(build_report(c))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;Evil &amp; &quot;name&quot;&lt;/b&gt;" in html
    check_balanced(html)


def test_optional_sections_render(tmp_path):
    rep = build_report(toy())
    html = render_html(rep)
    for sid in ("perspectives", "hypergame", "sweeps"):
        assert f'<section id="{sid}">' in html
    assert "steady" in html and "hawk" in html
    assert not EXTERNAL.search(html)
    check_balanced(html)
    # every inline SVG parses, and element ids are unique across the page
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        parse_svg(svg)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_markdown_has_the_same_content_and_writes_svgs(tmp_path, elmira_report):
    paths = write_report(elmira_report, tmp_path / "report.md")
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    names = {p.name for p in paths}
    assert {"report.md", "report_graph.svg", "report_evolution_improvements.svg",
            "report_evolution_coalitional.svg"} == names
    for ref in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (tmp_path / ref).exists()
    graph = (tmp_path / "report_graph.svg").read_text(encoding="utf-8")
    assert graph.startswith("<?xml")
    assert sorted(svg_nodes(parse_svg(graph[graph.index("<svg"):]))) == list(range(1, 13))
    for heading in ("## Summary", "## The model", "## Equilibria", "## Named outcomes", "## State-transition graph",
                    "## Stability tableaux", "## Evolution from the status quo", "## Why: narratives"):
        assert heading in md
    for dm in ("moe", "uniroyal", "local"):
        assert f"### {dm}" in md
    for line in elmira_report.findings:
        assert f"- {line}" in md
    assert "local: SEQ-UNSTABLE at state 1" in md


def _table_widths(md: str) -> list[list[int]]:
    tables, current = [], []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(len(re.findall(r"(?<!\\)\|", line)))
        elif current:
            tables.append(current)
            current = []
    return tables


def test_markdown_tables_are_rectangular():
    text, files = render_markdown(build_report(toy()), stem="toy")
    widths = _table_widths(text)
    assert len(widths) >= 6
    for t in widths:
        assert len(set(t)) == 1, t
    assert {"toy_graph.svg", "toy_perspectives.svg", "toy_sweep_1.svg"} <= set(files)
    for name, svg in files.items():
        parse_svg(svg[svg.index("<svg"):])


def test_markdown_escapes_pipes_in_cells():
    c = Conflict("pipes", [
        DecisionMaker("a", [Option("x", "a", label="yes | no")], Prioritization(["a.x"])),
        DecisionMaker("b", [Option("y", "b")], Prioritization(["a.x or b.y"]))])
    text, _ = render_markdown(build_report(c))
    assert "yes \\| no" in text
    for t in _table_widths(text):
        assert len(set(t)) == 1


def test_filtered_graph_in_both_formats(river, tmp_path):
    rep = build_report(river)
    assert rep.graph is not None and rep.graph.n_nodes == 60
    html = render_html(rep)
    graph = re.search(r'<svg[^>]*id="tg".*?</svg>', html, re.S).group(0)
    assert len(svg_nodes(parse_svg(graph))) == 60
    assert "60 are drawn" in html
    write_report(rep, tmp_path / "river.md")
    md = (tmp_path / "river.md").read_text(encoding="utf-8")
    assert "60 are drawn" in md and "![State-transition graph](river_graph.svg)" in md
    assert "The model has 96 states: each tableau lists the 60 states of interest" not in md   # 96 <= 200


def test_summary_mode_renders_without_graph(river):
    rep = build_report(river, summary_threshold=50)
    html = render_html(rep)
    assert 'id="tg"' not in html and "No state-transition graph" in html and "No stability tableaux" in html
    check_balanced(html)
    text, files = render_markdown(rep)
    assert "report_graph.svg" not in files and "No state-transition graph" in text


def test_graph_form_report():
    from report_helpers import EXAMPLES

    rep = build_report(detente.load(EXAMPLES / "elmira-graph.yaml"))
    html = render_html(rep)
    assert "modify_accept_insist" in html and "moves given in graph form" in html
    check_balanced(html)
