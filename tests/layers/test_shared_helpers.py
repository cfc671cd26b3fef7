"""Helpers live once, in the lowest layer that needs them: lists of state numbers are written by
detente.model.text.state_list everywhere (model errors, io checks, analyses, report, CLI)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "detente"
HOME = PACKAGE / "model" / "text.py"
COPY = re.compile(r"""def _ids\b|def _short|\{len\([^)]*\)\} in all\)|\(" \.\.\." if|join\(map\(str, [^)]*\)\) or ["']none""")
"""What a copied short-list helper looks like: a private `_ids`, the "(N in all)" tail, a " ..." cap, or
a join that falls back to "none"."""


def copies() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HOME:
            continue
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COPY.search(line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{k}: {line.strip()}")
    return found


def test_state_lists_have_one_helper():
    assert copies() == []


def test_the_pattern_catches_the_copies_it_replaced():
    for line in ('def _ids(states: list[int]) -> str:',
                 'return text + (f", … ({len(states)} in all)" if len(states) > limit else "")',
                 'shown = ", ".join(map(str, missing[:20])) + (" ..." if len(missing) > 20 else "")',
                 """lines += [f"{', '.join(map(str, eq)) or 'none'}"]"""):
        assert COPY.search(line), line
    assert HOME.exists()
