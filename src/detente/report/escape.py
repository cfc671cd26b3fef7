"""Escaping user-written text for Markdown output (names, labels, descriptions).

Markdown viewers render inline HTML, so ``<``, ``>`` and ``&`` become entities; backticks and
square brackets are backslash-escaped so user text cannot open code spans or links.

>>> md_escape('<script>alert(1)</script> [x](y) `z`')
'&lt;script&gt;alert(1)&lt;/script&gt; \\\\[x\\\\](y) \\\\`z\\\\`'
"""

from __future__ import annotations

_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "\\`", "[": "\\[", "]": "\\]"})


def md_escape(text: object) -> str:
    """``text`` safe to place in Markdown prose."""
    return str(text).translate(_TABLE)


__all__ = ["md_escape"]
