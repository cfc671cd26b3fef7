"""Evaluating a conflict's expressions over many states at once (pure numpy, no engine).

Shared by the file validator and the compiler: option columns for a batch of state codes,
parameters and named definitions as an environment, conditions as boolean masks, and the
feasibility test every candidate state must pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..errors import DetenteError, ExpressionError, ModelError
from .conflict import Conflict
from .expressions import Node, check_names, evaluate, parse


def option_columns(conflict: Conflict, codes: np.ndarray) -> dict[str, np.ndarray]:
    """Every name an expression may use for an option, mapped to 'taken?' for each code."""
    cache: dict[int, np.ndarray] = {}
    env: dict[str, np.ndarray] = {}
    for name, k in conflict.option_names().items():
        if k not in cache:
            cache[k] = ((codes >> k) & 1).astype(bool)
        env[name] = cache[k]
    return env


def as_mask(value, size: int, where: str) -> np.ndarray:
    """A condition's value as a boolean mask of ``size``; a number-valued formula is an error."""
    arr = np.asarray(value)
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1))):
            arr = arr.astype(bool)
        else:
            raise ModelError("expected a condition (true/false), got a number-valued formula", field=where)
    return np.broadcast_to(arr, (size,)).copy()


def split_definitions(conflict: Conflict) -> tuple[dict[str, str], dict[str, str]]:
    """The definitions that use no derived belief (directly or through another definition), and
    those that do (they can be evaluated only once the beliefs are known), in declaration order."""
    uses_belief = set(conflict.beliefs)
    early: dict[str, str] = {}
    late: dict[str, str] = {}
    for name, text in conflict.definitions.items():
        try:
            names = parse(text).names()
        except DetenteError:
            names = set()
        if names & uses_belief:
            late[name] = text
            uses_belief.add(name)
        else:
            early[name] = text
    return early, late


def add_definitions(conflict: Conflict, env: dict, size: int, functions: Mapping[str, Callable],
                    only: Mapping[str, str] | None = None) -> None:
    """Evaluate the scenario's named sub-expressions (or just ``only``), in order, into ``env``."""
    for name, text in (conflict.definitions if only is None else only).items():
        where = f"definitions.{name}"
        if name in env:
            raise ModelError(f"definition '{name}' clashes with an option or parameter of the same name",
                             field=where)
        try:
            value = evaluate(parse(text), env, functions)
        except ExpressionError as exc:
            raise exc.located(field_prefix=where) from None
        env[name] = np.broadcast_to(np.asarray(value), (size,)).copy() if np.ndim(value) else value


def state_env(conflict: Conflict, codes: np.ndarray, functions: Mapping[str, Callable],
              parameters: Mapping[str, float] | None = None) -> dict:
    """Options, parameters and the belief-free definitions evaluated over ``codes``."""
    env: dict = dict(option_columns(conflict, codes))
    env.update({k: float(v) for k, v in (parameters if parameters is not None else conflict.parameters).items()})
    add_definitions(conflict, env, codes.size, functions, only=split_definitions(conflict)[0])
    return env


def feasibility_test(conflict: Conflict, functions: Mapping[str, Callable],
                     parameters: Mapping[str, float] | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """A function codes -> 'feasible?' mask, after checking every constraint parses and names
    only known options, parameters and definitions (errors name the constraint's field)."""
    params = dict(parameters if parameters is not None else conflict.parameters)
    known = list(conflict.option_names()) + list(params) + list(split_definitions(conflict)[0])
    conds: list[tuple[str, Node]] = []
    for where, text in conflict.feasibility.sources():
        try:
            node = parse(text)
            check_names(node, known, functions.keys())
        except DetenteError as exc:
            raise exc.located(field_prefix=where) from None
        conds.append((where, node))

    def feasible(codes: np.ndarray) -> np.ndarray:
        ok = np.ones(codes.shape, dtype=bool)
        if not conds:
            return ok
        env = state_env(conflict, codes, functions, params)
        for where, node in conds:
            try:
                bad = evaluate(node, env, functions)
            except ExpressionError as exc:
                raise exc.located(field_prefix=where) from None
            ok &= ~as_mask(bad, codes.size, where)
        return ok

    return feasible
