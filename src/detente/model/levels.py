"""Preferences as integer levels over states (higher = preferred): one rule for every layer.

The compiler ranks each DM's states with :func:`preference_levels`; parameter studies rank whole
batches of payoff vectors with :func:`payoff_levels`; the GMCR+ exporter writes the same levels
as manual rankings. Pure numpy over the model's expressions (no engine).

>>> from detente.model import Ranking
>>> preference_levels(Ranking([[2], [1, 3]]), {}, 3, "preferences").tolist()
[0, 1, 0]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import ExpressionError, ModelError
from .evaluation import as_mask
from .expressions import Node, check_names, evaluate, parse
from .functions import expression_functions
from .preferences import Payoff, Preference, Prioritization, Ranking


def _eval_located(text: str, env: Mapping, where: str, functions: Mapping | None = None):
    try:
        node: Node = parse(text)
        check_names(node, env.keys(), (functions or expression_functions()).keys())
        return evaluate(node, env, functions or expression_functions())
    except ExpressionError as exc:
        raise exc.located(field_prefix=where) from None




def dense_levels(values: np.ndarray) -> np.ndarray:
    """Rank values into 0..L−1 (equal values tie), as int32; higher value = higher level."""
    vals = np.asarray(values, dtype=np.float64)
    _, inv = np.unique(np.round(vals, 10), return_inverse=True)
    return inv.astype(np.int32).reshape(-1)


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
    level, values equal to 10 decimals tie); non-finite values are an error naming ``where``.

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
    return rank_rows(np.round(arr, 10))


def _dense_rank(values: np.ndarray, bound: int) -> np.ndarray:
    """``np.unique(values, return_inverse=True)[1]`` for non-negative integers below ``bound``, in
    O(m + bound) with a presence table when ``bound`` is small (no sort), as int32."""
    if bound <= 4 * values.size + (1 << 16):
        present = np.zeros(bound, dtype=bool)
        present[values] = True
        rank = np.cumsum(present, dtype=np.int32) - 1
        return rank[values]
    _, inv = np.unique(values, return_inverse=True)
    return inv.astype(np.int32).reshape(-1)


def preference_levels(pref: Preference, env: Mapping, m: int, where: str, funcs=None) -> np.ndarray:
    """Integer levels (higher = preferred) for every state from one preference specification."""
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
            return _dense_rank(score, 1 << k)
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
        return payoff_levels(arr, f"{where}.payoff")
    raise ModelError("no preferences given (need prioritization, ranking or payoff)", field=where)


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
        shown = ", ".join(map(str, missing[:20].tolist())) + (" ..." if missing.size > 20 else "")
        raise ModelError(f"ranking misses {missing.size} state(s): {shown} (every state 1..{m} must appear once)",
                         field=where)
    return dense_levels(levels)


__all__ = ["dense_levels", "rank_rows", "payoff_levels", "preference_levels"]
