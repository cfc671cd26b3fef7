"""Beliefs derived from perceived types (the definition; see :mod:`detente.analysis.beliefs`).

Pure numpy over a conflict's states: the engine and the analysis layer supply the states and the
one-move replies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ExpressionError, ModelError
from .conflict import Belief, Conflict
from .evaluation import as_mask, split_definitions
from .expressions import evaluate, parse
from .levels import preference_levels
from .preferences import Payoff

Replies = Callable[[int, int], np.ndarray]
"""``replies(i, t)``: 0-based states DM ``i`` can move to in one move from state ``t``."""

TIE_RELATIVE = 1e-12
"""Payoffs closer than this (relative) count as a tie when deciding whether a type walks away."""


def option_replies(codes: np.ndarray, dm_bits: list[list[int]], modes: Sequence[str]) -> Replies:
    """One-move replies in option form, straight from the definition (only DM ``i``'s options
    change, the result is feasible, and no irreversible option goes the forbidden way)."""

    def replies(i: int, t: int) -> np.ndarray:
        mask = 0
        for b in dm_bits[i]:
            mask |= 1 << b
        s = int(codes[t])
        same_rest = (codes & ~np.int64(mask)) == (s & ~mask)
        ok = same_rest & (codes != s)
        for b in dm_bits[i]:
            bit = (codes >> b) & 1
            if modes[b] == "forward" and (s >> b) & 1:
                ok &= bit == 1
            elif modes[b] == "backward" and not (s >> b) & 1:
                ok &= bit == 0
        return np.flatnonzero(ok)

    return replies


def graph_replies(arcs: list[np.ndarray]) -> Replies:
    """One-move replies in graph form from each DM's (from, to) arcs (0-based)."""

    def replies(i: int, t: int) -> np.ndarray:
        a = arcs[i]
        return np.unique(a[a[:, 0] == t, 1]) if a.size else np.zeros(0, dtype=np.int64)

    return replies


def _weight(value: str | float, params: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str):
        if value not in params:
            raise ModelError(f"'{value}' is not a parameter", field=where)
        return params[value]
    return float(value)


def _column(v: Any) -> Any:
    """Sample arrays become columns (n, 1) so they broadcast against state arrays (m,)."""
    return np.asarray(v, dtype=np.float64).reshape(-1, 1) if np.ndim(v) else v


def derive_beliefs(conflict: Conflict, env: Mapping[str, Any], n_states: int, replies: Replies,
                   params: Mapping[str, Any], functions: Mapping[str, Callable]) -> dict[str, Any]:
    """Every belief of ``conflict``, from its types' best replies (see the module docstring).

    ``env`` holds option columns (shape ``(m,)``), without parameters or definitions;
    ``params`` are parameter values, floats or equal-length 1-D sample arrays; a belief already in
    ``params`` is an override and is not derived. Returns the derived beliefs: floats, or 1-D
    arrays of the sample length where any input is an array.
    """
    out: dict[str, Any] = {}
    for name, b in conflict.beliefs.items():
        if name in params:  # set explicitly: the override wins over the derivation
            continue
        out[name] = _derive_one(conflict, b, env, n_states, replies, params, functions, preference_levels)
    return out


def _derive_one(conflict: Conflict, b: Belief, env: Mapping[str, Any], m: int, replies: Replies,
                params: Mapping[str, Any], funcs: Mapping[str, Callable], preference_levels,
                detail: dict[str, Any] | None = None) -> Any:
    where = f"beliefs.{b.name}"
    i = conflict.dm_index(b.about)
    focal = _focal_state(conflict, b, env, m, funcs, where)
    reach = np.concatenate([[focal], replies(i, focal)]).astype(np.int64)
    walks_mask = _condition(b.walks_away, env, m, funcs, f"{where}.walks_away")[reach]
    total: Any = 0.0
    walking: Any = 0.0
    for t, w_spec in b.types.items():
        if t not in conflict.perspectives:
            raise ModelError(f"type '{t}' is not a perspective", field=f"{where}.types.{t}")
        p = conflict.perspectives[t]
        type_params = {**params, **{k: float(v) for k, v in p.parameters.items()}}
        pref = p.preferences.get(conflict.decision_makers[i].name, conflict.decision_makers[i].preference)
        type_env = _type_env(conflict, env, type_params, funcs, f"{where}.types.{t}")
        u = _payoffs(pref, type_env, m, funcs, preference_levels, f"{where}.types.{t}")
        u = u[..., reach]
        best_walk = np.where(walks_mask, u, -np.inf).max(axis=-1)
        best_keep = np.where(~walks_mask, u, -np.inf).max(axis=-1)
        scale = np.maximum(1.0, np.maximum(np.abs(np.where(np.isfinite(best_walk), best_walk, 0)),
                                           np.abs(np.where(np.isfinite(best_keep), best_keep, 0))))
        walks = best_walk > best_keep + TIE_RELATIVE * scale
        if detail is not None:
            detail[t] = walks
        w = _weight(w_spec, params, f"{where}.types.{t}")
        if np.any(np.asarray(w) < 0) or not np.all(np.isfinite(w)):
            raise ModelError(f"prior weight of type '{t}' must be a finite number ≥ 0", field=f"{where}.types.{t}")
        total = total + w
        walking = walking + np.asarray(w) * walks
    if np.any(np.asarray(total) <= 0):
        raise ModelError("the prior weights of the types add up to 0: give some type a positive weight",
                         field=f"{where}.types")
    rate = _weight(b.rate, params, f"{where}.rate")
    value = np.asarray(rate, dtype=np.float64) * np.asarray(walking, dtype=np.float64) / np.asarray(total)
    return float(value) if value.ndim == 0 else value.reshape(-1)


def _condition(text: str, env: Mapping[str, Any], m: int, funcs, where: str) -> np.ndarray:
    try:
        value = evaluate(parse(text), env, funcs)
    except ExpressionError as exc:
        raise exc.located(field_prefix=where) from None
    return as_mask(value, m, where)


def _focal_state(conflict: Conflict, b: Belief, env, m: int, funcs, where: str) -> int:
    spec = conflict.outcomes.get(b.at, b.at)
    if isinstance(spec, list):
        states = [int(x) - 1 for x in spec]
    else:
        states = np.flatnonzero(_condition(str(spec), env, m, funcs, f"{where}.at")).tolist()
    if len(states) != 1:
        shown = ", ".join(str(s + 1) for s in states[:10]) or "none"
        raise ModelError(f"'at' must name exactly one state (the one where each type's best reply is taken); "
                         f"it names {len(states)}: {shown}", field=f"{where}.at")
    return int(states[0])


def _type_env(conflict: Conflict, env: Mapping[str, Any], params: Mapping[str, Any], funcs,
              where: str) -> dict[str, Any]:
    """Options, a type's parameters (sample arrays as columns) and the belief-free definitions."""
    local: dict[str, Any] = {**env, **{k: _column(v) for k, v in params.items()}}
    early, _ = split_definitions(conflict)
    for name, text in early.items():
        try:
            local[name] = evaluate(parse(text), local, funcs)
        except ExpressionError as exc:
            raise exc.located(field_prefix=f"definitions.{name}") from None
    return local


def _payoffs(pref, env, m: int, funcs, preference_levels, where: str) -> np.ndarray:
    if isinstance(pref, Payoff):
        local = {**env, **{k: float(v) for k, v in pref.parameters.items()}}
        try:
            value = evaluate(parse(pref.formula), local, funcs)
        except ExpressionError as exc:
            if "unknown name" in str(exc):
                raise ModelError(f"the type's payoff cannot use a derived belief or a name unknown here: {exc}",
                                 field=where) from None
            raise exc.located(field_prefix=where) from None
        arr = np.asarray(value, dtype=np.float64)
        return arr if arr.ndim == 2 else np.broadcast_to(arr, (m,))
    scalar_env = {k: v for k, v in env.items() if np.ndim(v) <= 1}
    return preference_levels(pref, scalar_env, m, where, funcs).astype(np.float64)



__all__ = ["derive_beliefs", "option_replies", "graph_replies", "Replies", "TIE_RELATIVE"]
