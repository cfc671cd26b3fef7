"""A report as one self-contained HTML page: inline CSS, inline SVG, no scripts, no external URLs.

The page reads offline and prints well. It writes out the document of a
:class:`~detente.report.builder.Report` (:func:`~detente.report.document.report_document`, the
walk the Markdown report shares); every piece of user text is escaped here.

>>> import detente
>>> page = render_html(detente.build_report(detente.examples.chicken()))
>>> page.startswith("<!DOCTYPE html>") and "<script" not in page and 'class="node' in page
True
"""

from __future__ import annotations

from html import escape

from .builder import Report
from .document import (Block, Cell, Code, Details, Document, Figure, Group, Heading, Inlines, Item, ItemList,
                       MarkdownText, Paragraph, Table, report_document)
from .graph_svg import dm_color

CSS = """
:root { --ink:#1d2327; --muted:#5f6b73; --line:#d8dde1; --soft:#f5f7f8; --accent:#1f5f8b;
        --good:#1b7a3d; --goodbg:#e3f4e3; --bad:#b3261e; --badbg:#fbe4e2; --sbg:#e4eef8; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff;
       font-family: "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.2rem; padding-bottom: .6rem; }
h1 { font-size: 1.9rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .5rem; }
p.lede { font-size: 1.05rem; margin: .3rem 0 .6rem; }
p.meta, .note, .muted { color: var(--muted); font-size: .9rem; }
.note { background: var(--soft); border-left: 3px solid var(--line); padding: .45rem .7rem; margin: .6rem 0; }
nav.toc { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem;
          margin: 1rem 0; font-size: .92rem; }
nav.toc ol { margin: .2rem 0; padding-left: 1.3rem; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
ul.findings { padding-left: 1.2rem; }
ul.findings li { margin: .15rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.c, th.c { text-align: center; }
td.mono, span.mono, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .86rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.yn td { text-align: center; padding: .15rem .3rem; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.yn td.Y { background: var(--goodbg); }
.yn td.optname { text-align: left; white-space: nowrap; }
.yn td.changed { font-weight: 700; outline: 2px solid var(--accent); outline-offset: -2px; }
.mark { display: inline-block; min-width: 1.3em; text-align: center; border-radius: 3px; font-weight: 600;
        font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.mark.r { color: var(--good); background: var(--goodbg); }
.mark.s { color: var(--accent); background: var(--sbg); }
.mark.u { color: var(--bad); background: var(--badbg); }
.yes { color: var(--good); font-weight: 600; }
.no { color: #9aa3a8; }
tr.eq td { background: #f3faf3; }
.tag { display: inline-block; background: var(--sbg); color: var(--accent); border-radius: 3px; padding: 0 .35em;
       margin: 0 .15em .1em 0; font-size: .8rem; }
.dm-swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -.1em;
             margin-right: .3em; }
.params { display: flex; flex-wrap: wrap; gap: .3rem .5rem; margin: .4rem 0 1rem; }
.param { border: 1px solid var(--line); border-radius: 4px; padding: .1rem .45rem; font-size: .88rem;
         background: var(--soft); }
.tableaux { display: flex; flex-wrap: wrap; gap: 0 1.8rem; align-items: flex-start; }
.tableaux > div { flex: 0 0 auto; max-width: 100%; overflow-x: auto; }
figure.graph { margin: .6rem 0 1rem; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px;
               padding: .3rem; background: #fff; }
figure.graph svg { display: block; max-width: none; }
figure.chart svg, figure.map svg { max-width: 100%; height: auto; }
ol.pref, ul.pref { margin: .2rem 0 .8rem; }
figcaption { color: var(--muted); font-size: .88rem; margin: .3rem .3rem 0; }
pre.narrative { white-space: pre-wrap; background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
                padding: .6rem .8rem; font-size: .84rem; margin: .3rem 0 1rem; }
details { margin: .3rem 0; }
summary { cursor: pointer; font-weight: 600; }
.label-steady { color: var(--good); font-weight: 700; }
.label-unsteady, .label-unstable, .label-infeasible { color: var(--bad); font-weight: 700; }
.label-stealthy, .label-unforeseen { color: #8a5a00; font-weight: 700; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line);
         padding-top: .6rem; }
@media print { nav.toc { display: none; } h2 { break-after: avoid; } figure.graph { overflow: visible; } }
"""


def _e(x: object) -> str:
    return escape(str(x))


def render_html(report: Report) -> str:
    """The whole report as one HTML page (a string).

    Parameters
    ----------
    report : Report
        From :func:`~detente.report.builder.build_report`.

    Returns
    -------
    str
        The page: inline CSS and SVG, no scripts, nothing fetched.
    """
    return document_html(report_document(report))


def document_html(doc: Document) -> str:
    """A :class:`~detente.report.document.Document` as one HTML page."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="detente {_e(doc.version)}">',
           f"<title>{_e(doc.title)} — detente report</title>",
           f"<style>{CSS}</style></head><body><main>", '<header class="top">', f"<h1>{_e(doc.title)}</h1>"]
    if doc.lede:
        out.append(f'<p class="lede">{_e(doc.lede)}</p>')
    out.append(f'<p class="meta">{" · ".join(inline(m) for m in doc.meta)}</p></header>')
    out.append('<nav class="toc"><b>Contents</b><ol>')
    out.extend(f'<li><a href="#{s.id}">{_e(s.toc_title or s.title)}</a></li>' for s in doc.sections)
    out.append("</ol></nav>")
    for s in doc.sections:
        out.append(f'<section id="{s.id}"><h2>{_e(s.title)}</h2>{blocks(s.blocks)}</section>')
    out.append(f"<footer>{_e(doc.footer)}</footer>")
    out.append("</main></body></html>")
    return "\n".join(out)


_WRAP = {"strong": ("<b>", "</b>"), "em": ("<i>", "</i>"), "code": ("<code>", "</code>"),
         "muted": ("<span class='muted'>", "</span>"), "tag": ("<span class='tag'>", "</span>"),
         "yes": ('<span class="yes">', "</span>"), "no": ('<span class="no">', "</span>")}
"""Inline marks that wrap their content in a fixed pair of tags."""


def inline(content: Inlines) -> str:
    """Inline content as HTML, user text escaped."""
    out = []
    for part in content:
        if isinstance(part, str):
            out.append(_e(part))
            continue
        inner = inline(part.content)
        k = part.kind
        if k in _WRAP:
            opening, closing = _WRAP[k]
            out.append(f"{opening}{inner}{closing}")
        elif k == "mark":
            out.append(f"<span class='mark {_e(part.arg)}'>{inner}</span>")
        elif k == "swatch":
            out.append(f'<span class="dm-swatch" style="background:{dm_color(int(part.arg))}"></span>')
        elif k == "break":
            out.append("<br>")
        else:
            out.append(inner)
    return "".join(out)


def _cell(tag: str, c: Cell) -> str:
    classes = " ".join(x for x in ("c" if c.center else "", c.cls) if x)
    attrs = f" class='{_e(classes)}'" if classes else ""
    if c.colspan > 1:
        attrs += f" colspan='{c.colspan}'"
    if c.rowspan > 1:
        attrs += f" rowspan='{c.rowspan}'"
    return f"<{tag}{attrs}>{inline(c.content)}</{tag}>"


def _items(items: list[Item]) -> str:
    out = []
    for it in items:
        sub = f"<ul>{_items(it.children)}</ul>" if it.children else ""
        out.append(f"<li>{inline(it.content)}{sub}</li>")
    return "".join(out)


def block(b: Block) -> str:
    """One block of the document as HTML."""
    if isinstance(b, Heading):
        return f"<h{b.level}>{inline(b.content)}</h{b.level}>"
    if isinstance(b, Paragraph):
        cls = {"note": ' class="note"', "muted": " class='muted'"}.get(b.style, "")
        return f"<p{cls}>{inline(b.content)}</p>"
    if isinstance(b, Table):
        cls = f" class='{_e(b.cls)}'" if b.cls else ""
        rows = ["<tr>" + "".join(_cell("th", c) for c in b.head) + "</tr>"]
        for row in b.rows:
            rcls = f" class='{_e(row.cls)}'" if row.cls else ""
            rows.append(f"<tr{rcls}>" + "".join(_cell("td", c) for c in row.cells) + "</tr>")
        table = f"<table{cls}>{''.join(rows)}</table>"
        return f'<div class="scroll">{table}</div>' if b.scroll else table
    if isinstance(b, ItemList):
        tag = "ol" if b.ordered else "ul"
        cls = f" class='{_e(b.cls)}'" if b.cls else ""
        return f"<{tag}{cls}>{_items(b.items)}</{tag}>"
    if isinstance(b, Figure):
        caption = f"<figcaption>{_e(b.caption)}</figcaption>" if b.caption else ""
        return f'<figure class="{_e(b.cls)}">{b.svg}{caption}</figure>'
    if isinstance(b, Code):
        return f'<pre class="narrative">{_e(b.text)}</pre>'
    if isinstance(b, MarkdownText):
        from markdown_it import MarkdownIt

        return MarkdownIt("commonmark", {"html": False}).render(b.text)
    if isinstance(b, Details):
        opened = " open" if b.open else ""
        return f"<details{opened}><summary>{_e(b.summary)}</summary>{blocks(b.blocks)}</details>"
    if isinstance(b, Group):
        cls = f" class='{_e(b.cls)}'" if b.cls else ""
        return f"<div{cls}>{blocks(b.blocks)}</div>"
    raise TypeError(f"not a report block: {type(b).__name__}")


def blocks(bs: list[Block]) -> str:
    return "".join(block(b) for b in bs)


__all__ = ["render_html", "document_html", "CSS"]
