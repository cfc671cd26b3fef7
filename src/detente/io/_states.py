"""Feasible-state enumeration for file validation, on the model's shared evaluation helpers.

Numbering follows the literature and GMCR+: option k (1-based, in ``Conflict.options`` order) is
bit k-1 of a state's decimal code; feasible states are numbered 1..m by increasing code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .. import limits
from ..errors import DetenteError, ModelError, ModelTooLargeError
from ..model import Conflict
from ..model.evaluation import as_mask, feasibility_test, state_env
from ..model.expressions import Node, check_names, parse
from ..model.functions import expression_functions

# Above this many options the loader does not enumerate states (the engine checks them).
MAX_VALIDATION_OPTIONS = 24
MAX_ENUMERATED_OPTIONS = 30
"""The most options whose 2^n combinations are enumerated (as in the engine)."""
CHUNK = 1 << 22
"""Codes tested per step (the engine's chunk, so that a model refused while its states are counted
is refused with the same count at load and at analysis); memory follows the feasible states."""


def feasible_codes(conflict: Conflict, functions: Mapping[str, Callable] | None = None) -> np.ndarray:
    """Decimal codes of the feasible states of an option-form conflict, increasing.

    State number s (1-based) is ``feasible_codes(...)[s - 1]``. Raises :class:`ModelError` when no
    state is feasible.
    """
    test = feasibility_test(conflict, functions or expression_functions())
    n = len(conflict.options)
    if n > MAX_ENUMERATED_OPTIONS:
        raise ModelTooLargeError(f"{n} options give 2^{n} candidate states; at most {MAX_ENUMERATED_OPTIONS} "
                                 "options are enumerated. Split the conflict, merge options, or use graph form.",
                                 field="decision_makers")
    limits.check_candidates(n)
    kept = []
    found = 0
    for start in range(0, 1 << n, CHUNK):
        codes = np.arange(start, min(start + CHUNK, 1 << n), dtype=np.int64)
        kept.append(codes[np.broadcast_to(np.asarray(test(codes), dtype=bool), codes.shape)])
        found += int(kept[-1].size)
        limits.check_states(found)  # stop as soon as the model is known to be too large
    out = np.concatenate(kept) if kept else np.zeros(0, np.int64)
    if out.size == 0:
        raise ModelError("the feasibility constraints leave no feasible state", field="feasibility")
    return out


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
