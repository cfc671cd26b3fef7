"""Feasible-state enumeration for file validation, on the model's shared evaluation helpers.

Numbering follows the literature and GMCR+: option k (1-based, in ``Conflict.options`` order) is
bit k-1 of a state's decimal code; feasible states are numbered 1..m by increasing code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..engine.states import StateSpace
from ..errors import DetenteError
from ..model import Conflict
from ..model.evaluation import as_mask, feasibility_test, state_env
from ..model.expressions import Node, builtin_functions, check_names, parse

# Above this many options the loader does not enumerate states (the engine checks them).
MAX_VALIDATION_OPTIONS = 24


def expression_functions() -> dict[str, Callable]:
    """Functions usable in expressions: the analysis layer's set when available, else the builtins."""
    try:
        from ..analysis.compile import expression_functions as analysis_functions
    except Exception:  # pragma: no cover - analysis layer broken or absent
        return builtin_functions()
    return analysis_functions()


def feasible_codes(conflict: Conflict, functions: Mapping[str, Callable] | None = None) -> np.ndarray:
    """Decimal codes of the feasible states of an option-form conflict, increasing.

    State number s (1-based) is ``feasible_codes(...)[s - 1]``. Raises :class:`ModelError` when no
    state is feasible.
    """
    test = feasibility_test(conflict, functions or expression_functions())
    return StateSpace.from_mask_function(len(conflict.options), test).codes


def check_expression(text, known, where: str, functions: Mapping[str, Callable] | None = None) -> Node:
    """Parse ``text`` and check its variable names; errors carry ``where`` as their field.

    Function names are checked only when ``functions`` is given: the analysis layer owns the
    set of callable functions, which may grow.
    """
    try:
        node = parse(text)
        check_names(node, known, functions.keys() if functions is not None else node.functions())
    except DetenteError as exc:
        raise exc.located(field_prefix=where) from None
    return node


__all__ = ["MAX_VALIDATION_OPTIONS", "as_mask", "check_expression", "expression_functions", "feasible_codes",
           "state_env"]
