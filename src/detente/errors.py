"""Errors detente raises for bad input.

Every error carries *where* (file and field) and *why*, so interfaces can print one clear
line instead of a traceback.
"""

from __future__ import annotations


class DetenteError(Exception):
    """Base class: a problem with the user's model or request, not a bug.

    ``source`` names the file (or "<api>"), ``field`` the dotted path inside it, and the
    message says the reason.
    """

    def __init__(self, message: str, *, field: str | None = None, source: str | None = None):
        super().__init__(message)
        self.reason = message
        self.field = field
        self.source = source

    def located(self, *, source: str | None = None, field_prefix: str | None = None) -> "DetenteError":
        """Return this error with a file name and/or an outer field path filled in."""
        if source and not self.source:
            self.source = source
        if field_prefix:
            self.field = f"{field_prefix}.{self.field}" if self.field else field_prefix
        return self

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.field:
            parts.append(f"field '{self.field}'")
        where = ", ".join(parts)
        return f"{where}: {self.reason}" if where else self.reason


class ExpressionError(DetenteError):
    """A condition or formula that does not parse, names something unknown, or misuses a type."""


class ModelError(DetenteError):
    """A conflict that is inconsistent: unknown names, no feasible state, bad rankings."""


class ModelTooLargeError(DetenteError):
    """A model whose arrays would not fit in the memory budget; raised before allocating."""


class FileFormatError(DetenteError):
    """A file that cannot be read or does not match its schema."""
