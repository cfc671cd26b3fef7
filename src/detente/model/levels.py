"""Preferences as integer levels over states (higher = preferred): one rule for every layer.

The compiler ranks each DM's states with :func:`preference_levels`; parameter studies rank whole
batches of payoff vectors with :func:`payoff_levels`; the GMCR+ exporter writes the same levels
as manual rankings. Pure numpy over the model's expressions (no engine).

>>> from detente.model import Ranking
>>> preference_levels(Ranking([[2], [1, 3]]), {}, 3, "preferences").tolist()
[0, 1, 0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import ExpressionError, ModelError
from .evaluation import as_mask
from .expressions import Node, check_names, evaluate, parse
from .functions import expression_functions
from .preferences import Payoff, Preference, Prioritization, Ranking
from .text import state_list


def _eval_located(text: str, env: Mapping, where: str, functions: Mapping | None = None):
    try:
        node: Node = parse(text)
        check_names(node, env.keys(), (functions or expression_functions()).keys())
        return evaluate(node, env, functions or expression_functions())
    except ExpressionError as exc:
        raise exc.located(field_prefix=where) from None




LEVEL_RTOL = 1e-12
"""Relative tolerance under which two payoffs are the same level: floating-point noise such as
``0.1 + 0.2`` against ``0.3`` (one ulp apart) ties, anything further apart is ranked exactly.
Two values a, b tie when ``|a - b| <= LEVEL_RTOL * max(|a|, |b|)``; ties never chain further:
a level holds values within the tolerance of its smallest member."""


def dense_levels(values: np.ndarray | Sequence[float], *, rtol: float = LEVEL_RTOL) -> np.ndarray:
    """Rank finite values into dense levels 0..L-1 (higher value, higher level), as int32.

    Distinct values are ranked exactly (no rounding, so no overflow at any magnitude); values
    within ``rtol`` of each other, relatively, tie (see :data:`LEVEL_RTOL`). ``values`` may be
    one row of m values or an array (..., m): each row along the last axis is ranked on its own
    (e.g. one row per sample of a batched study; :func:`payoff_levels` is the same with the
    payoff error message). Non-finite values raise :class:`~detente.errors.ModelError`;
    :func:`preference_levels` reports them with the decision maker, formula and states first.

    >>> dense_levels([3.0, 1.0, 3.0, 2.0]).tolist()
    [2, 0, 2, 1]
    >>> dense_levels([0.1 + 0.2, 0.3, 1e300, 2e300]).tolist()
    [0, 0, 1, 2]
    >>> dense_levels([[1.0, 2.0], [5.0, 5.0]]).tolist()
    [[0, 1], [0, 0]]
    """
    vals = np.asarray(values, dtype=np.float64)
    shape = vals.shape if vals.ndim else (1,)
    rows = vals.reshape(-1, shape[-1]) if vals.ndim >= 2 else vals.reshape(1, -1)
    if not np.all(np.isfinite(rows)):
        raise ModelError("cannot rank non-finite values (nan or inf) into preference levels")
    n, m = rows.shape
    out = np.zeros((n, m), dtype=np.int32)
    if m == 0:
        return out.reshape(shape)
    order = np.argsort(rows, axis=1, kind="stable")
    s = np.take_along_axis(rows, order, axis=1)
    gap = np.diff(s, axis=1)
    scale = np.maximum(np.abs(s[:, 1:]), np.abs(s[:, :-1]))
    new_level = gap > rtol * scale                      # (n, m-1): does a new level start here?
    tied = ~new_level & (gap > 0)
    if tied.any():
        _split_chains(s, new_level, rtol)
    ranks = np.concatenate([np.zeros((n, 1), np.int32), np.cumsum(new_level, axis=1, dtype=np.int32)], axis=1)
    np.put_along_axis(out, order, ranks, axis=1)
    return out.reshape(shape)


def _split_chains(s: np.ndarray, new_level: np.ndarray, rtol: float) -> None:
    """Where near-equal values chain (a~b, b~c, but a and c further apart than the tolerance),
    start a new level at the first value beyond the tolerance of its level's smallest member."""
    for r in np.flatnonzero((~new_level & (np.diff(s, axis=1) > 0)).any(axis=1)):
        row, starts = s[r], new_level[r]
        anchor = row[0]
        for k in range(1, row.size):
            if starts[k - 1]:
                anchor = row[k]
            elif row[k] - anchor > rtol * max(abs(row[k]), abs(anchor)):
                starts[k - 1] = True
                anchor = row[k]


def rank_rows(keys: np.ndarray) -> np.ndarray:
    """Dense ranks along the last axis: 0 for the smallest key of a row, equal keys tie.

    Row by row the same as ``np.unique(row, return_inverse=True)[1]``, for a whole batch of rows
    at once (parameter studies rank thousands of payoff vectors in one call).

    >>> rank_rows(np.array([[3.0, 1.0, 3.0], [0.0, 2.0, 1.0]])).tolist()
    [[1, 0, 1], [0, 2, 1]]
    """
    keys = np.asarray(keys)
    if keys.shape[-1] == 0:
        return np.zeros(keys.shape, dtype=np.int32)
    # any order of equal keys gives the same dense ranks, so the fastest sort will do; the
    # sorted values are the same whichever permutation sorted them
    order = np.argsort(keys, axis=-1)
    ordered = np.sort(keys, axis=-1)
    steps = np.zeros(keys.shape, dtype=np.int32)
    np.not_equal(ordered[..., 1:], ordered[..., :-1], out=steps[..., 1:], casting="unsafe")
    np.cumsum(steps, axis=-1, out=steps)
    out = np.empty(keys.shape, dtype=np.int32)
    np.put_along_axis(out, order, steps, axis=-1)
    return out


def payoff_levels(values: np.ndarray, where: str = "payoff") -> np.ndarray:
    """Preference levels from payoff values, ranked along the last axis (higher value = higher
    level, exactly, ties only within :data:`LEVEL_RTOL`); non-finite values are an error naming
    ``where``.

    The one rule for payoffs: :func:`preference_levels` calls it with one state vector ``(m,)``,
    parameter studies with a batch ``(n, m)`` (row k = the levels of parameter vector k), so the
    two always agree.

    >>> payoff_levels(np.array([0.5, 0.1 + 0.2, 0.3, 2.0])).tolist()
    [1, 0, 0, 2]
    """
    arr = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        at = f"state {int(bad[-1]) + 1}" + (f" (parameter vector {int(bad[0]) + 1})" if arr.ndim > 1 else "")
        raise ModelError(f"the payoff formula gives a non-finite value (nan or inf) at {at}; "
                         f"check divisions and function arguments", field=where)
    return dense_levels(arr)


def dense_rank(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values in increasing order, index of each value among them) for integers, as
    ``np.unique(values, return_inverse=True)`` gives them.

    A presence table and a running count when the values span a small range (no sort, as for
    preference levels, prioritization scores and node labels), else ``np.unique``.

    >>> [a.tolist() for a in dense_rank(np.array([5, 2, 5, 9]))]
    [[2, 5, 9], [1, 0, 1, 2]]
    """
    values = np.asarray(values)
    if values.size == 0:
        return values[:0], np.zeros(0, np.int64)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo <= 4 * values.size + (1 << 16):
        shifted = values.astype(np.int64) - lo
        present = np.zeros(hi - lo + 1, dtype=bool)
        present[shifted] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return (np.flatnonzero(present) + lo).astype(values.dtype), rank[shifted]
    uniq, inv = np.unique(values, return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def preference_levels(pref: Preference, env: Mapping, m: int, where: str, funcs=None, *,
                      dm: str | None = None) -> np.ndarray:
    """Integer levels (higher = preferred) for every state from one preference specification.

    The single place where preferences become levels: payoffs are ranked by :func:`dense_levels`
    (exact, ties only within :data:`LEVEL_RTOL`); a payoff that is not finite at some state is
    an error naming the decision maker ``dm``, the formula and the states.
    """
    funcs = funcs or expression_functions()
    if isinstance(pref, Prioritization):
        if not pref.statements:
            return np.zeros(m, dtype=np.int32)
        truths = [as_mask(_eval_located(t, env, f"{where}.prioritization[{k}]", funcs), m,
                             f"{where}.prioritization[{k}]") for k, t in enumerate(pref.statements)]
        k = len(truths)
        if k <= 62:
            score = np.zeros(m, dtype=np.int64)
            for j, t in enumerate(truths):
                score += t.astype(np.int64) << (k - 1 - j)
            return dense_rank(score)[1].astype(np.int32)
        mat = np.stack(truths, axis=1)
        _, inv = np.unique(mat, axis=0, return_inverse=True)
        return inv.astype(np.int32).reshape(-1)
    if isinstance(pref, Ranking):
        return _ranking_levels(pref, m, f"{where}.ranking")
    if isinstance(pref, Payoff):
        local_env = dict(env)
        local_env.update({k: float(v) for k, v in pref.parameters.items()})
        value = _eval_located(pref.formula, local_env, f"{where}.payoff", funcs)
        arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (m,))
        if not np.all(np.isfinite(arr)):
            raise ModelError(_non_finite(pref.formula, arr, dm), field=f"{where}.payoff")
        return payoff_levels(arr, f"{where}.payoff")
    raise ModelError("no preferences given (need prioritization, ranking or payoff)", field=where)


def _non_finite(formula: str, arr: np.ndarray, dm: str | None) -> str:
    bad = np.flatnonzero(~np.isfinite(arr))
    states = ", ".join(str(int(t) + 1) for t in bad[:10]) + (f" and {bad.size - 10} more" if bad.size > 10 else "")
    kinds = sorted({"nan" if np.isnan(x) else "an infinite value" for x in arr[bad[:100]]})
    shown = formula if len(formula) <= 80 else formula[:77] + "..."
    who = f" of {dm}" if dm else ""
    return (f"the payoff formula{who} '{shown}' gives a non-finite value ({' or '.join(kinds)}) at state(s) "
            f"{states}: an overflow (beyond about ±1.8e308), a division by zero or an undefined operation "
            f"(0/0, inf-inf, log of a negative number); rescale the formula or guard the operation")


def _ranking_levels(pref: Ranking, m: int, where: str) -> np.ndarray:
    levels = np.full(m, -1, dtype=np.int32)
    top = len(pref.order) - 1
    seen: set[int] = set()
    for k, group in enumerate(pref.order):
        for s in group:
            if not isinstance(s, (int, np.integer)) or not 1 <= s <= m:
                raise ModelError(f"ranking names state {s!r}, but the model has states 1..{m}", field=where)
            if s in seen:
                raise ModelError(f"ranking lists state {s} more than once", field=where)
            seen.add(int(s))
            levels[s - 1] = top - k
    missing = np.flatnonzero(levels < 0) + 1
    if missing.size:
        raise ModelError(f"ranking misses {missing.size} state(s): {state_list(missing.tolist(), limit=20)} "
                         f"(every state 1..{m} must appear once)",
                         field=where)
    return dense_levels(levels)


__all__ = ["LEVEL_RTOL", "dense_levels", "dense_rank", "rank_rows", "payoff_levels", "preference_levels"]
