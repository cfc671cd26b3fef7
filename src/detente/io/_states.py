"""Feasible-state enumeration for file validation (the engine has its own, faster machinery).

Numbering follows the literature and GMCR+: option k (1-based, in ``Conflict.options`` order) is
bit k-1 of a state's decimal code; feasible states are numbered 1..m by increasing code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..errors import DetenteError, ExpressionError, ModelError
from ..model import Conflict
from ..model.expressions import Node, builtin_functions, check_names, evaluate, parse

# Above this many options the loader does not enumerate states (the engine checks them).
MAX_VALIDATION_OPTIONS = 24
_CHUNK = 1 << 20


def expression_functions() -> dict[str, Callable]:
    """Functions usable in expressions: the analysis layer's set when available, else the builtins."""
    try:
        from ..analysis.compile import expression_functions as analysis_functions
    except Exception:  # pragma: no cover - analysis layer broken or absent
        return builtin_functions()
    return analysis_functions()


def option_bits(conflict: Conflict, codes: np.ndarray) -> dict[str, np.ndarray]:
    """Every name an expression may use for an option, mapped to 'taken?' per code."""
    cache: dict[int, np.ndarray] = {}
    env: dict[str, np.ndarray] = {}
    for name, k in conflict.option_names().items():
        if k not in cache:
            cache[k] = ((codes >> k) & 1).astype(bool)
        env[name] = cache[k]
    return env


def state_env(conflict: Conflict, codes: np.ndarray, functions: Mapping[str, Callable] | None = None,
              parameters: Mapping[str, float] | None = None) -> dict:
    """Options, parameters and definitions evaluated over ``codes``."""
    funcs = functions or expression_functions()
    env: dict = {**option_bits(conflict, codes)}
    env.update({k: float(v) for k, v in (parameters if parameters is not None else conflict.parameters).items()})
    for name, text in conflict.definitions.items():
        try:
            value = evaluate(parse(text), env, funcs)
        except ExpressionError as exc:
            raise exc.located(field_prefix=f"definitions.{name}") from None
        env[name] = np.broadcast_to(np.asarray(value), codes.shape).copy() if np.ndim(value) else value
    return env


def as_mask(value, size: int, where: str) -> np.ndarray:
    """A condition's value as a boolean mask, or a ModelError if it is a number-valued formula."""
    arr = np.asarray(value)
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1))):
            arr = arr.astype(bool)
        else:
            raise ModelError("expected a condition (true/false), got a number-valued formula", field=where)
    return np.broadcast_to(arr, (size,)).copy()


def feasible_codes(conflict: Conflict, functions: Mapping[str, Callable] | None = None) -> np.ndarray:
    """Decimal codes of the feasible states of an option-form conflict, increasing.

    State number s (1-based) is ``feasible_codes(...)[s - 1]``. Raises :class:`ModelError` when no
    state is feasible, naming the constraints.
    """
    funcs = functions or expression_functions()
    n = len(conflict.options)
    conds: list[tuple[str, Node]] = []
    for where, text in conflict.feasibility.sources():
        try:
            conds.append((where, parse(text)))
        except DetenteError as exc:
            raise exc.located(field_prefix=where) from None
    total = 1 << n
    kept: list[np.ndarray] = []
    for start in range(0, total, _CHUNK):
        codes = np.arange(start, min(start + _CHUNK, total), dtype=np.int64)
        env = state_env(conflict, codes, funcs) if conds else {}
        ok = np.ones(codes.shape, dtype=bool)
        for where, node in conds:
            try:
                bad = evaluate(node, env, funcs)
            except ExpressionError as exc:
                raise exc.located(field_prefix=where) from None
            ok &= ~as_mask(bad, codes.size, where)
        kept.append(codes[ok])
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
