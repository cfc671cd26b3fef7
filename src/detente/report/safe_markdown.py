"""Markdown that is safe to open in a viewer that renders HTML: user-written text stays text.

Names, descriptions and conditions come from scenario files; a name such as
``<img src=x onerror=alert(1)>`` copied into Markdown would run in any viewer that renders
inline HTML. The HTML report escapes every such string; for Markdown, :func:`safe_markdown`
neutralises a whole document after it is assembled, outside code spans and fenced blocks
(whose content a viewer shows literally):

- every ``<`` becomes ``&lt;``, so no tag (``<script>``, ``<img onerror=...>``) and no autolink
  can start;
- every ``[`` becomes ``\\[``, so user text cannot form a link or image (``[x](javascript:...)``);
  the report's own images, ``![title](file.svg)`` with a plain relative file name, are kept.

>>> safe_markdown("| <script>alert(1)</script> | [x](javascript:alert(1)) | `a<b` |")
'| &lt;script>alert(1)&lt;/script> | \\\\[x](javascript:alert(1)) | `a<b` |'
>>> safe_markdown("![State-transition graph](report_graph.svg)")
'![State-transition graph](report_graph.svg)'
"""

from __future__ import annotations

import re

_OWN_IMAGE = re.compile(r"!\[([^\[\]<>\n]*)\]\(([\w. -]+\.(?:svg|png))\)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _text(part: str) -> str:
    """Neutralise plain (non-code) Markdown text, keeping the report's own image references."""
    out = []
    pos = 0
    for m in _OWN_IMAGE.finditer(part):
        out.append(_escape(part[pos:m.start()]))
        out.append(m.group(0).replace("<", "&lt;"))
        pos = m.end()
    out.append(_escape(part[pos:]))
    return "".join(out)


def _escape(s: str) -> str:
    return s.replace("<", "&lt;").replace("[", "\\[")


def _line(line: str) -> str:
    """One line outside fences: code spans (a run of n backticks up to the next run of exactly n)
    are kept as they are; everything else is neutralised."""
    out = []
    i = 0
    text_start = 0
    while i < len(line):
        if line[i] == "`":
            j = i
            while j < len(line) and line[j] == "`":
                j += 1
            run = line[i:j]
            close = re.compile(r"(?<!`)" + run + r"(?!`)")
            m = close.search(line, j)
            if m is None:                       # no closing run: the backticks are literal text
                i = j
                continue
            out.append(_text(line[text_start:i]))
            out.append(line[i:m.end()])
            i = text_start = m.end()
        else:
            i += 1
    out.append(_text(line[text_start:]))
    return "".join(out)


def safe_markdown(text: str) -> str:
    """``text`` with user-written content made inert (see the module docstring)."""
    out = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):]:
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        out.append(_line(line))
    return "\n".join(out)


__all__ = ["safe_markdown"]
