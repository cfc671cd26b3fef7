"""Names as written, and the identifiers expressions use for them.

Every decision maker, option, outcome and parameter keeps its name exactly as written ("USSR",
"Local Government", "Air Strike") in every table, report and JSON key. Expressions (conditions,
prioritization statements, payoff formulas) refer to them by an **identifier derived from the
name**:

- accents are dropped, the text is lower-cased and every run of characters other than
  letters and digits becomes one ``_`` (none at either end): ``USSR`` → ``ussr``,
  ``Local Government`` → ``local_government``, ``Air Strike!`` → ``air_strike``,
  ``Élan vital`` → ``elan_vital``; a leading digit gets a ``_`` in front
  (``1st move`` → ``_1st_move``); an identifier already in lower case is its own;
- a reserved word of the expression language gets a trailing ``_`` (``not`` → ``not_``).

Identifiers are matched case-insensitively, so ``ussr.air_strike``, ``USSR.Air_Strike`` and
``ussr.AIR_STRIKE`` all name the same option. Where two names give the same identifier, give one
of them an explicit ``id`` (scenario files: ``id:`` next to ``name:``).

>>> identifier("Local Government"), identifier("USSR"), identifier("Air Strike")
('local_government', 'ussr', 'air_strike')
>>> identifier("1st move"), identifier("not"), identifier("Élan vital")
('_1st_move', 'not_', 'elan_vital')
"""

from __future__ import annotations

import re
import unicodedata

KEYWORDS = frozenset({"and", "or", "not", "if", "else", "iff", "implies", "true", "false"})
"""Reserved words of the expression language (case-insensitive)."""

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""What an identifier looks like: ASCII letters, digits and ``_``, not starting with a digit."""


def is_identifier(text: object) -> bool:
    """Whether ``text`` can be used as it is in an expression (and is not a reserved word).

    >>> is_identifier("air_strike"), is_identifier("Air Strike"), is_identifier("and")
    (True, False, False)
    """
    return isinstance(text, str) and bool(IDENTIFIER.match(text)) and text.lower() not in KEYWORDS


def identifier(text: str, fallback: str = "name") -> str:
    """The identifier expressions use for a name written as ``text`` (see the module docstring).

    ``fallback`` is used when nothing of ``text`` survives (e.g. a name of only punctuation).

    >>> identifier("Ministry of the Environment (MoE)")
    'ministry_of_the_environment_moe'
    >>> identifier("???", fallback="option")
    'option'
    """
    text = str(text)
    if IDENTIFIER.match(text) and text.islower() and text[0] != "_" and text[-1] != "_":
        return text + "_" if text in KEYWORDS else text
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    if not s:
        return fallback
    if s[0].isdigit():
        s = "_" + s
    if s in KEYWORDS:
        s += "_"
    return s


def same_identifier(a: str, b: str) -> bool:
    """Whether two identifiers name the same thing (identifiers are case-insensitive).

    >>> same_identifier("USSR", "ussr")
    True
    """
    return a.lower() == b.lower()


__all__ = ["KEYWORDS", "IDENTIFIER", "is_identifier", "identifier", "same_identifier"]
