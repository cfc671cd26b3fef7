"""One document walk, two backends: the HTML page and the Markdown file show the same sections,
in the same order (the answer first), the same drawings and the same user text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from report_helpers import toy

import detente
from detente.report.document import (Cell, Document, Figure, Item, ItemList, Paragraph, Row, Section, Table,
                                     report_document, strong, tag)
from detente.report.html import document_html, render_html
from detente.report.markdown import document_markdown, render_markdown


@pytest.fixture(scope="module")
def toy_report():
    return detente.build_report(toy())


def test_both_formats_have_the_same_sections_in_the_same_order(toy_report):
    doc = report_document(toy_report, stem="toy")
    html = render_html(toy_report)
    md, _ = render_markdown(toy_report, stem="toy")
    titles = [s.title for s in doc.sections]
    assert titles[0].startswith("The answer") and titles[1] == "Summary"
    assert [unescape(t) for t in re.findall(r"<h2>(.*?)</h2>", html)] == titles
    assert re.findall(r"^## (.*)$", md, re.M) == titles
    assert re.findall(r'<section id="([^"]+)">', html) == [s.id for s in doc.sections]
    assert doc.sections[0].id == "answer" and "<li><a href=\"#answer\">The answer</a></li>" in html


def test_every_drawing_is_inline_in_html_and_a_file_next_to_the_markdown(toy_report):
    doc = report_document(toy_report, stem="toy")
    figures = doc.figures()
    assert {f.file for f in figures} >= {"toy_graph.svg", "toy_perspectives.svg", "toy_sweep_1.svg"}
    html = render_html(toy_report)
    md, files = render_markdown(toy_report, stem="toy")
    assert set(files) == {f.file for f in figures}
    for f in figures:
        assert f.svg in html
        assert f"![{f.alt}]({f.file})" in md
        assert files[f.file].endswith(f.svg + "\n")


def test_the_answer_in_markdown_is_escaped_once():
    """The answer's Markdown escapes its user text itself; the report must not escape it again
    (a name with brackets read as '\\\\[' with a stray backslash)."""
    c = toy()
    c.outcomes = {"deal [draft]": "a.go"}
    rep = detente.build_report(c, include=["answer"])
    assert rep.answer is not None
    md, _ = render_markdown(rep)
    answer = md.split("## Summary")[0]
    assert "deal \\[draft\\]" in answer and "\\\\[" not in answer
    assert "## The answer: who takes 'deal \\[draft]'" in answer       # the title, made inert once
    html = render_html(rep)
    assert "The answer: who takes &#x27;deal [draft]&#x27;" in html and "\\[" not in html


def test_backends_write_any_document():
    """The backends know blocks, not report sections: a hand-made document renders in both."""
    doc = Document("T <1>", "", [("meta",)], [Section("s", "One", [
        Paragraph(("a ", strong("b|c"))),
        Table([Cell(("h1",)), Cell(("h2",)), Cell(("h3",))],
              [Row([Cell(("x",), rowspan=2), Cell(("y",), colspan=2)]), Row([Cell(("z",)), Cell(("w",))])]),
        ItemList([Item(("top",), [Item(("detail",))])], ordered=True),
        Figure("<svg xmlns='http://www.w3.org/2000/svg'></svg>", "t_fig.svg", "a figure", "its caption", "chart"),
        Paragraph(("v ", tag("set", md="(set)")), "note")])], "footer", "0")
    html = document_html(doc)
    assert "<h1>T &lt;1&gt;</h1>" in html and "<td rowspan='2'>x</td><td colspan='2'>y</td>" in html
    assert "<ol><li>top<ul><li>detail</li></ul></li></ol>" in html and "<span class='tag'>set</span>" in html
    md, files = document_markdown(doc)
    assert "| x | y |  |" in md and "| x | z | w |" in md                 # row span repeated, column span padded
    assert "1. top\n  - detail" in md and "> v (set)" in md and "a **b|c**" in md
    assert "# T &lt;1>" in md and files == {"t_fig.svg": '<?xml version="1.0" encoding="UTF-8"?>\n'
                                            "<svg xmlns='http://www.w3.org/2000/svg'></svg>\n"}


def test_code_spans_hold_backticks():
    from detente.report.document import code
    from detente.report.markdown import inline

    assert inline((code("a.x"),)) == "`a.x`"
    assert inline((code("a`b"),)) == "``a`b``"
    assert inline((code("`x`"),)) == "`` `x` ``"
