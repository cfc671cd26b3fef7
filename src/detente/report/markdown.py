"""A report as Markdown (GitHub-flavoured tables), with its drawings as SVG files beside it.

:func:`render_markdown` writes out the document of a :class:`~detente.report.builder.Report`
(:func:`~detente.report.document.report_document`, the walk the HTML report shares) and
returns the Markdown text and the files it refers to: for a report written as ``report.md``
those are ``report_graph.svg`` (the state-transition graph), ``report_evolution_<mode>.svg``
(evolution diagrams), the charts and the answer's maps, to be written in the same folder
(:func:`detente.report.builder.write_report` does it). User-written text is made inert the way
the HTML report escapes it (:func:`~detente.report.safe_markdown.safe_markdown`); the answer's
Markdown escapes its own (:func:`~detente.report.escape.md_escape`).

>>> import detente
>>> text, files = render_markdown(detente.build_report(detente.examples.chicken()), stem="report")
>>> "![State-transition graph](report_graph.svg)" in text, sorted(files)
(True, ['report_graph.svg'])
"""

from __future__ import annotations

import re

from .builder import Report
from .document import (Block, Cell, Code, Details, Document, Figure, Group, Heading, Inlines, Item, ItemList,
                       MarkdownText, Paragraph, Table, plain, report_document)
from .graph_svg import standalone
from .safe_markdown import safe_markdown


def render_markdown(report: Report, stem: str = "report") -> tuple[str, dict[str, str]]:
    """(Markdown text, {file name: SVG text}) for ``report``; file names start with ``stem``.

    Parameters
    ----------
    report : Report
        From :func:`~detente.report.builder.build_report`.
    stem : str
        The start of the drawings' file names (the report's file name without ``.md``).

    Returns
    -------
    tuple of (str, dict)
        The Markdown text and the SVG files it links to, by name.
    """
    return document_markdown(report_document(report, stem=stem))


def document_markdown(doc: Document) -> tuple[str, dict[str, str]]:
    """A :class:`~detente.report.document.Document` as Markdown and the SVG files it links to."""
    files: dict[str, str] = {}
    chunks: list[tuple[bool, list[str]]] = []        # (already escaped, lines)
    head = [f"# {doc.title}", ""]
    if doc.lede:
        head += [doc.lede, ""]
    head += ["*" + " · ".join(inline(m) for m in doc.meta) + "*", ""]
    chunks.append((False, head))
    for s in doc.sections:
        chunks.append((False, [f"## {s.title}", ""]))
        for b in s.blocks:
            _block(b, chunks, files)
    chunks.append((False, ["---", "", f"*{doc.footer}*", ""]))
    text = "\n".join("\n".join(lines) if trusted else safe_markdown("\n".join(lines)) for trusted, lines in chunks)
    return text, files


def inline(content: Inlines) -> str:
    """Inline content as Markdown (made inert later by :func:`safe_markdown`)."""
    out = []
    for part in content:
        if isinstance(part, str):
            out.append(part)
            continue
        k = part.kind
        inner = inline(part.content)
        if k == "strong":
            out.append(f"**{inner}**" if inner else "")
        elif k == "em":
            out.append(f"*{inner}*" if inner else "")
        elif k == "code":
            out.append(_code_span(plain(part.content)))
        elif k == "swatch":
            continue
        elif k in ("break", "tag"):
            out.append(part.arg)
        else:                                     # muted, mark, yes, no: their text
            out.append(inner)
    return "".join(out)


def _code_span(s: str) -> str:
    """``s`` as a code span whose backtick run is longer than any inside it."""
    if not s:
        return ""
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def _cell(x: str) -> str:
    """Text safe inside a Markdown table cell."""
    return x.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(t: Table) -> list[str]:
    def cells(row: list[Cell], carried: dict[int, tuple[str, int]]) -> list[str]:
        out: list[str] = []
        queue = list(row)
        col = 0
        while queue or col in carried:
            if col in carried:                          # a cell spanning rows from above: repeated
                text, left = carried.pop(col)
                out.append(text)
                if left > 1:
                    carried[col] = (text, left - 1)
                col += 1
                continue
            c = queue.pop(0)
            text = _cell(inline(c.content))
            if c.rowspan > 1:
                carried[col] = (text, c.rowspan - 1)
            out += [text] + [""] * (c.colspan - 1)
            col += c.colspan
        return out

    head = [_cell(inline(c.content)) for c in t.head]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    carried: dict[int, tuple[str, int]] = {}
    for row in t.rows:
        lines.append("| " + " | ".join(cells(row.cells, carried)) + " |")
    return lines + [""]


def _items(items: list[Item], ordered: bool, indent: str = "") -> list[str]:
    out = []
    for k, it in enumerate(items, 1):
        out.append(f"{indent}{f'{k}.' if ordered else '-'} {inline(it.content)}")
        out += _items(it.children, False, indent + "  ")
    return out


def _code_block(s: str) -> list[str]:
    fence = "```"
    while fence in s:
        fence += "`"
    return [fence + "text", s, fence, ""]


def _block(b: Block, chunks: list[tuple[bool, list[str]]], files: dict[str, str]) -> None:
    if isinstance(b, MarkdownText):
        chunks.append((True, [b.text, ""]))
    elif isinstance(b, (Details, Group)):
        if isinstance(b, Details):
            chunks.append((False, [f"### {b.summary}", ""]))
        for sub in b.blocks:
            _block(sub, chunks, files)
    else:
        chunks.append((False, _lines(b, files)))


def _lines(b: Block, files: dict[str, str]) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + inline(b.content).strip(), ""]
    if isinstance(b, Paragraph):
        body = inline(b.content)
        return [f"> {body}" if b.style == "note" else body, ""]
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, ItemList):
        return _items(b.items, b.ordered) + [""]
    if isinstance(b, Figure):
        files[b.file] = standalone(b.svg)
        out = [f"![{b.alt}]({b.file})", ""]
        return out + ([b.caption, ""] if b.caption else [])
    if isinstance(b, Code):
        return _code_block(b.text)
    raise TypeError(f"not a report block: {type(b).__name__}")


__all__ = ["render_markdown", "document_markdown"]
