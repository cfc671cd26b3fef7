"""The functions callable inside conditions and payoff formulas: math builtins and the
bargaining formulas (:mod:`detente.model.bargaining`).

One registry for every layer: the compiler evaluates with it, and the file validator checks
function names against it.

>>> funcs = expression_functions()
>>> "max" in funcs and "value_of_fighting" in funcs
True
"""

from __future__ import annotations

from collections.abc import Callable

from .bargaining import EXPRESSION_FUNCTIONS
from .expressions import builtin_functions


def expression_functions() -> dict[str, Callable]:
    """Functions callable inside conditions and payoff formulas: math builtins and bargaining."""
    funcs = builtin_functions()
    funcs.update(EXPRESSION_FUNCTIONS)
    return funcs


__all__ = ["expression_functions"]
