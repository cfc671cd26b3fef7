"""Bargaining models of war: the cardinal payoffs behind "why not a cease-fire?".

Two results from the rationalist literature on war, written as small vectorised functions so
that payoff formulas can use them (see ``docs/bargaining.md``).

*Fearon's bargaining range* (Fearon, "Rationalist Explanations for War", International
Organization 49(3), 1995). Sides A and B divide a good of size 1; ``x`` is A's share. A wins a
war with probability ``p``; war costs ``c_a`` and ``c_b``. The war values are ``p - c_a`` for A
and ``1 - p - c_b`` for B, so every split in ``(p - c_a, p + c_b)`` is preferred by both sides to
war. The range has width ``c_a + c_b``: when war is costly and the facts are common knowledge, a
deal always exists.

*The value of waiting for a third party to walk away* (a standard derivation in the framework
of Powell, "War as a Commitment Problem", International Organization 60(1), 2006). R fights U,
whom an ally supports. While fighting, R holds share ``g_r`` at a per-period cost ``k_r``. Each
period the ally withdraws with probability ``lam`` (R's belief); from then on the settlement
gives R ``1 - y_w`` forever (``y_w`` is U's share without the ally). With discount factor
``delta`` and values as per-period averages (multiplied by ``1 - delta``) the value of fighting
on is the fixed point of ``V = (1 - delta)(g_r - k_r) + delta [lam (1 - y_w) + (1 - lam) V]``:

    V_R(lam) = [(1 - delta)(g_r - k_r) + delta lam (1 - y_w)] / [1 - delta (1 - lam)]

R takes a cease-fire that leaves it ``1 - x`` (U keeps ``x``) iff ``1 - x >= V_R(lam)``; for
``x > y_w`` that holds exactly when ``lam <= lam*`` with

    lam* = (1 - delta)(1 - x - g_r + k_r) / [delta (x - y_w)].

Conventions. Every function accepts floats and numpy arrays, which broadcast against each
other. Called with scalars only, a function returns a Python ``float`` (or ``bool``) and raises
:class:`ValueError` naming the bad argument when an input is outside its domain (probabilities
and shares in [0, 1], the discount factor in [0, 1) or (0, 1), costs finite). Called with any
array, it never raises for a bad value: the result is ``nan`` there (``False`` for the yes/no
functions), so one odd state does not stop the analysis of a whole state space. Costs may be
negative (a net benefit from fighting); results are the formula values, never clipped.

>>> round(value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5), 4)
0.3158
>>> accepts_ceasefire(0.75, 0.1, 0.9, 0.2, 0.05, 0.5)
False
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "bargaining_range",
    "bargaining_low",
    "bargaining_high",
    "war_values",
    "war_value_a",
    "war_value_b",
    "deal_exists",
    "value_of_fighting",
    "value_of_fighting_u",
    "exit_weight",
    "threshold_belief",
    "accepts_ceasefire",
    "option_value_of_waiting",
    "mutual_optimism_gap",
    "ceasefire_range",
    "simulate_value_of_fighting",
    "value_of_fighting_by_recursion",
    "EXPRESSION_FUNCTIONS",
]

ArrayLike = Any  # a float or a numpy array (anything np.asarray turns into floats)

# Ties (within floating-point rounding) between a deal and the value of fighting count as
# acceptance, so that R accepts at exactly lam = lam*.
TIE_TOLERANCE = 1e-12


# --------------------------------------------------------------------------- validation

_Rule = tuple[str, Callable[[np.ndarray], np.ndarray]]

_UNIT: _Rule = ("in [0, 1]", lambda v: (v >= 0.0) & (v <= 1.0))
_REAL: _Rule = ("a finite number", np.isfinite)
_DISCOUNT: _Rule = ("in [0, 1)", lambda v: (v >= 0.0) & (v < 1.0))
_DISCOUNT_OPEN: _Rule = ("in (0, 1)", lambda v: (v > 0.0) & (v < 1.0))


class _Args:
    """Inputs broadcast to one shape, with a mask of entries outside the domain."""

    def __init__(self, fname: str, specs: Sequence[tuple[str, ArrayLike, _Rule]]):
        self.fname = fname
        values = [np.asarray(v, dtype=np.float64) for _, v, _ in specs]
        self.values = np.broadcast_arrays(*values)
        self.scalar = self.values[0].ndim == 0
        self.bad = np.zeros(self.values[0].shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            for (name, _, (desc, ok)), v in zip(specs, self.values):
                self.require(ok(v), f"{name} must be {desc}", name, v)

    def require(self, good: np.ndarray, message: str, name: str | None = None,
                value: np.ndarray | None = None) -> None:
        """Mark entries where ``good`` is false; for scalar calls raise ValueError instead."""
        good = np.asarray(good, dtype=bool)
        if self.scalar:
            if not bool(good):
                got = f", got {name}={float(value)!r}" if name is not None and value is not None else ""
                raise ValueError(f"{self.fname}: {message}{got}")
        else:
            self.bad |= ~good

    def finish(self, result: np.ndarray) -> float | np.ndarray:
        result = np.where(self.bad, np.nan, result)
        return float(result) if self.scalar else result

    def finish_bool(self, result: np.ndarray) -> bool | np.ndarray:
        result = np.asarray(result, dtype=bool) & ~self.bad
        return bool(result) if self.scalar else result


def _compute(fn: Callable[..., np.ndarray], *values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.asarray(fn(*values), dtype=np.float64)


# --------------------------------------------------------------------------- Fearon (1995)

def war_values(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> tuple[Any, Any]:
    """Expected values of war for A and B: ``(p - c_a, 1 - p - c_b)``.

    Theory (Fearon 1995): A and B fight over a good of size 1. A wins with probability ``p`` and
    takes all of it; B wins with probability ``1 - p``. Risk-neutral, each side counts its cost
    of fighting (``c_a``, ``c_b``, in units of the good). ``p`` must be in [0, 1]; costs any
    finite number (negative: a net benefit from fighting).

    >>> a, b = war_values(0.6, 0.1, 0.2)
    >>> round(a, 2), round(b, 2)
    (0.5, 0.2)
    """
    args = _Args("war_values", [("p", p, _UNIT), ("c_a", c_a, _REAL), ("c_b", c_b, _REAL)])
    pv, ca, cb = args.values
    return args.finish(_compute(lambda p_, a_: p_ - a_, pv, ca)), args.finish(
        _compute(lambda p_, b_: 1.0 - p_ - b_, pv, cb))


def war_value_a(p: ArrayLike, c_a: ArrayLike) -> float | np.ndarray:
    """A's expected value of war, ``p - c_a`` (Fearon 1995); see :func:`war_values`.

    >>> round(war_value_a(0.6, 0.1), 2)
    0.5
    """
    args = _Args("war_value_a", [("p", p, _UNIT), ("c_a", c_a, _REAL)])
    return args.finish(_compute(lambda p_, a_: p_ - a_, *args.values))


def war_value_b(p: ArrayLike, c_b: ArrayLike) -> float | np.ndarray:
    """B's expected value of war, ``1 - p - c_b`` (Fearon 1995); see :func:`war_values`.

    >>> round(war_value_b(0.6, 0.2), 2)
    0.2
    """
    args = _Args("war_value_b", [("p", p, _UNIT), ("c_b", c_b, _REAL)])
    return args.finish(_compute(lambda p_, b_: 1.0 - p_ - b_, *args.values))


def bargaining_range(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> tuple[Any, Any]:
    """Fearon's bargaining range for A's share: ``(p - c_a, p + c_b)``.

    Theory (Fearon 1995): A prefers a split ``x`` to war iff ``x > p - c_a``; B prefers it iff
    ``1 - x > 1 - p - c_b``, i.e. ``x < p + c_b``. Every split strictly inside the range is
    preferred by both sides to war, and its width is ``c_a + c_b``: with positive costs and
    common knowledge a deal exists. Failures of bargaining need something more: private
    information with incentives to misrepresent, commitment problems, or indivisibility.

    The values are the formula's, not clipped to [0, 1]; :func:`deal_exists` asks whether a
    feasible split lies inside.

    >>> low, high = bargaining_range(0.6, 0.1, 0.2)
    >>> round(low, 2), round(high, 2), round(high - low, 2)
    (0.5, 0.8, 0.3)
    """
    args = _Args("bargaining_range", [("p", p, _UNIT), ("c_a", c_a, _REAL), ("c_b", c_b, _REAL)])
    pv, ca, cb = args.values
    return (args.finish(_compute(lambda p_, a_: p_ - a_, pv, ca)),
            args.finish(_compute(lambda p_, b_: p_ + b_, pv, cb)))


def bargaining_low(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> float | np.ndarray:
    """Lower end of Fearon's bargaining range, ``p - c_a`` (A's war value); see :func:`bargaining_range`.

    >>> round(bargaining_low(0.6, 0.1, 0.2), 2)
    0.5
    """
    return bargaining_range(p, c_a, c_b)[0]


def bargaining_high(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> float | np.ndarray:
    """Upper end of Fearon's bargaining range, ``p + c_b``; see :func:`bargaining_range`.

    >>> round(bargaining_high(0.6, 0.1, 0.2), 2)
    0.8
    """
    return bargaining_range(p, c_a, c_b)[1]


def deal_exists(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> bool | np.ndarray:
    """Is there a split ``x`` in [0, 1] that both sides strictly prefer to war?

    Theory (Fearon 1995): the splits both prefer are the open interval ``(p - c_a, p + c_b)``;
    one of them is feasible iff the interval is non-empty (``c_a + c_b > 0``) and meets [0, 1]
    (``p - c_a < 1`` and ``p + c_b > 0``). When war costs both sides something the answer is
    always yes, which is Fearon's point; it can be no only if a cost is zero or negative (a
    side that loses nothing by fighting, or gains from it).

    >>> deal_exists(0.6, 0.1, 0.2), deal_exists(0.6, -0.3, 0.2)
    (True, False)
    """
    args = _Args("deal_exists", [("p", p, _UNIT), ("c_a", c_a, _REAL), ("c_b", c_b, _REAL)])
    pv, ca, cb = args.values
    low, high = pv - ca, pv + cb
    return args.finish_bool((low < high) & (low < 1.0) & (high > 0.0))


# --------------------------------------------------------------------------- value of waiting

def _v_r(lam: np.ndarray, delta: np.ndarray, g: np.ndarray, k: np.ndarray, yw: np.ndarray) -> np.ndarray:
    return ((1.0 - delta) * (g - k) + delta * lam * (1.0 - yw)) / (1.0 - delta * (1.0 - lam))


def _fighting_args(fname: str, lam, delta, g_r, k_r, y_w, *, lam_name: str = "lam",
                   g_name: str = "g_r", k_name: str = "k_r", extra=()) -> _Args:
    return _Args(fname, [*extra, (lam_name, lam, _UNIT), ("delta", delta, _DISCOUNT),
                         (g_name, g_r, _UNIT), (k_name, k_r, _REAL), ("y_w", y_w, _UNIT)])


def value_of_fighting(lam: ArrayLike, delta: ArrayLike, g_r: ArrayLike, k_r: ArrayLike,
                      y_w: ArrayLike) -> float | np.ndarray:
    """R's per-period average value of fighting on while the ally may walk away.

    Theory (the value-of-waiting derivation in the framework of Powell 2006). While fighting R
    holds ``g_r`` at flow cost ``k_r``; each period the ally of R's opponent U withdraws with
    probability ``lam`` (R's belief), after which R gets ``1 - y_w`` in every period. With
    discount factor ``delta`` and values as per-period averages, the value ``V`` of fighting
    satisfies the recursion (this period's flow, then either the withdrawal or the same
    situation again)

        V = (1 - delta)(g_r - k_r) + delta [lam (1 - y_w) + (1 - lam) V],

    whose unique solution (``delta < 1``) is

        V_R(lam) = [(1 - delta)(g_r - k_r) + delta lam (1 - y_w)] / [1 - delta (1 - lam)].

    It is a weighted average of ``g_r - k_r`` (``lam = 0``: the ally stays for good) and
    ``1 - y_w`` (the settlement after a withdrawal), with weight ``(1 - delta) / (1 - delta +
    delta lam)`` on the first. Domain: ``lam``, ``g_r``, ``y_w`` in [0, 1], ``delta`` in [0, 1),
    ``k_r`` finite.

    >>> round(value_of_fighting(0.0, 0.9, 0.2, 0.05, 0.5), 4)     # lam = 0: g_r - k_r
    0.15
    >>> round(value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5), 4)
    0.3158
    """
    args = _fighting_args("value_of_fighting", lam, delta, g_r, k_r, y_w)
    return args.finish(_compute(_v_r, *args.values))


def value_of_fighting_u(lam_u: ArrayLike, delta: ArrayLike, g_r: ArrayLike, k_u: ArrayLike,
                        y_w: ArrayLike) -> float | np.ndarray:
    """U's per-period average value of fighting on: the mirror image of :func:`value_of_fighting`.

    Derivation. While fighting U holds what R does not, ``1 - g_r``, at flow cost ``k_u``. If
    the ally withdraws (probability ``lam_u`` per period, U's own belief) the settlement gives U
    ``y_w`` forever. The recursion ``V = (1 - delta)(1 - g_r - k_u) + delta [lam_u y_w +
    (1 - lam_u) V]`` gives

        V_U(lam_u) = [(1 - delta)(1 - g_r - k_u) + delta lam_u y_w] / [1 - delta (1 - lam_u)],

    which is ``value_of_fighting(lam_u, delta, 1 - g_r, k_u, 1 - y_w)``. Domain as for
    :func:`value_of_fighting`.

    >>> round(value_of_fighting_u(0.0, 0.9, 0.2, 0.05, 0.3), 4)   # lam_u = 0: 1 - g_r - k_u
    0.75
    """
    args = _fighting_args("value_of_fighting_u", lam_u, delta, g_r, k_u, y_w,
                          lam_name="lam_u", k_name="k_u")
    lam_v, d, g, k, yw = args.values
    return args.finish(_compute(_v_r, lam_v, d, 1.0 - g, k, 1.0 - yw))


def threshold_belief(x: ArrayLike, delta: ArrayLike, g_r: ArrayLike, k_r: ArrayLike,
                     y_w: ArrayLike) -> float | np.ndarray:
    """The belief ``lam*`` at which R is indifferent between a cease-fire and fighting on.

    Theory. A cease-fire leaves R ``1 - x`` (U keeps ``x``). Setting ``1 - x = V_R(lam)`` (see
    :func:`value_of_fighting`) and solving the linear equation
    ``(1 - x)(1 - delta + delta lam) = (1 - delta)(g_r - k_r) + delta lam (1 - y_w)`` for
    ``lam`` gives

        lam* = (1 - delta)(1 - x - g_r + k_r) / [delta (x - y_w)],     valid for x > y_w.

    For ``x > y_w`` the deal is worse for R than the settlement after a withdrawal, so waiting
    has an upside and R accepts iff ``lam <= lam*``. ``lam* < 0`` means R rejects whatever it
    believes (fighting forever already beats the deal); ``lam* > 1`` means it accepts whatever
    it believes. When the deal beats fighting forever (``1 - x > g_r - k_r``), patience
    (``delta -> 1``) drives ``lam*`` down to 0: a patient R needs only a slim hope of a
    withdrawal to wait.

    Domain: ``x``, ``g_r``, ``y_w`` in [0, 1], ``delta`` in (0, 1), ``k_r`` finite, and
    ``x > y_w``; outside it, scalar calls raise ValueError and array entries are nan.

    >>> round(threshold_belief(0.75, 0.9, 0.2, 0.05, 0.5), 4)
    0.0444
    """
    args = _Args("threshold_belief", [("x", x, _UNIT), ("delta", delta, _DISCOUNT_OPEN),
                                      ("g_r", g_r, _UNIT), ("k_r", k_r, _REAL), ("y_w", y_w, _UNIT)])
    xv, d, g, k, yw = args.values
    with np.errstate(invalid="ignore"):
        ok = xv > yw
    args.require(ok, "x must exceed y_w (the deal must give U more than it gets if the ally walks "
                 + (f"away), got x={float(xv)!r}, y_w={float(yw)!r}" if args.scalar else "away)"))
    return args.finish(_compute(
        lambda x_, d_, g_, k_, y_: (1.0 - d_) * (1.0 - x_ - g_ + k_) / (d_ * (x_ - y_)), xv, d, g, k, yw))


def accepts_ceasefire(x: ArrayLike, lam: ArrayLike, delta: ArrayLike, g_r: ArrayLike,
                      k_r: ArrayLike, y_w: ArrayLike) -> bool | np.ndarray:
    """Does R take a cease-fire that leaves it ``1 - x``? True iff ``1 - x >= V_R(lam)``.

    Theory: R compares the deal now with the value of fighting on (:func:`value_of_fighting`);
    ties, up to floating-point rounding (``TIE_TOLERANCE``), count as acceptance. For
    ``x > y_w`` this is the same as ``lam <= threshold_belief(x, ...)``. Array entries outside
    the domain are False.

    >>> accepts_ceasefire(0.75, 0.02, 0.9, 0.2, 0.05, 0.5), accepts_ceasefire(0.75, 0.1, 0.9, 0.2, 0.05, 0.5)
    (True, False)
    """
    args = _fighting_args("accepts_ceasefire", lam, delta, g_r, k_r, y_w, extra=[("x", x, _UNIT)])
    xv, lam_v, d, g, k, yw = args.values
    v = _compute(_v_r, lam_v, d, g, k, yw)
    with np.errstate(invalid="ignore"):
        return args.finish_bool(1.0 - xv >= v - TIE_TOLERANCE)


def option_value_of_waiting(x: ArrayLike, lam: ArrayLike, delta: ArrayLike, g_r: ArrayLike,
                            k_r: ArrayLike, y_w: ArrayLike) -> float | np.ndarray:
    """How much more R expects from fighting on than from the deal: ``V_R(lam) - (1 - x)``.

    Theory: positive means the hope of an ally's withdrawal is worth more to R than the
    cease-fire on offer (R waits); negative means R takes the deal. It is zero at
    ``lam = threshold_belief(x, ...)`` and increases with ``lam`` when ``1 - y_w > g_r - k_r``.

    >>> round(option_value_of_waiting(0.75, 0.1, 0.9, 0.2, 0.05, 0.5), 4)
    0.0658
    """
    args = _fighting_args("option_value_of_waiting", lam, delta, g_r, k_r, y_w, extra=[("x", x, _UNIT)])
    xv, lam_v, d, g, k, yw = args.values
    return args.finish(_compute(lambda: _v_r(lam_v, d, g, k, yw) - (1.0 - xv)))


def _optimism_args(fname, lam_r, lam_u, delta, g_r, k_r, k_u, y_w) -> _Args:
    return _Args(fname, [("lam_r", lam_r, _UNIT), ("lam_u", lam_u, _UNIT), ("delta", delta, _DISCOUNT),
                         ("g_r", g_r, _UNIT), ("k_r", k_r, _REAL), ("k_u", k_u, _REAL), ("y_w", y_w, _UNIT)])


def mutual_optimism_gap(lam_r: ArrayLike, lam_u: ArrayLike, delta: ArrayLike, g_r: ArrayLike,
                        k_r: ArrayLike, k_u: ArrayLike, y_w: ArrayLike) -> float | np.ndarray:
    """``V_R(lam_r) + V_U(lam_u) - 1``: positive means no split satisfies both sides.

    Theory. A cease-fire gives U the share ``x`` and R ``1 - x``. R accepts iff
    ``1 - x >= V_R(lam_r)`` and U iff ``x >= V_U(lam_u)`` (:func:`value_of_fighting_u`, the
    mirror formula: U holds ``1 - g_r`` at flow cost ``k_u`` while fighting and gets ``y_w``
    forever once the ally withdraws). Some split satisfies both iff
    ``V_U(lam_u) <= 1 - V_R(lam_r)``, i.e. iff this gap is <= 0.

    Under common beliefs (``lam_r = lam_u = lam``) the two values add up to
    ``1 - (1 - delta)(k_r + k_u) / (1 - delta + delta lam)``, so the gap is negative whenever
    fighting is costly: a range of acceptable deals exists, as in Fearon (1995). With differing
    beliefs — R expects the ally to walk away (``lam_r`` high), U expects it to stay (``lam_u``
    low) — each side counts on the favourable settlement, the values can sum to more than 1, and
    bargaining fails: mutual optimism as a rationalist cause of war (Fearon 1995).

    >>> round(mutual_optimism_gap(0.5, 0.0, 0.9, 0.2, 0.05, 0.05, 0.3), 4)   # optimism: no deal
    0.35
    >>> round(mutual_optimism_gap(0.5, 0.5, 0.9, 0.2, 0.05, 0.05, 0.3), 4)   # common belief
    -0.0182
    """
    args = _optimism_args("mutual_optimism_gap", lam_r, lam_u, delta, g_r, k_r, k_u, y_w)
    lr, lu, d, g, kr, ku, yw = args.values
    return args.finish(_compute(
        lambda: _v_r(lr, d, g, kr, yw) + _v_r(lu, d, 1.0 - g, ku, 1.0 - yw) - 1.0))


def ceasefire_range(lam_r: ArrayLike, lam_u: ArrayLike, delta: ArrayLike, g_r: ArrayLike,
                    k_r: ArrayLike, k_u: ArrayLike, y_w: ArrayLike) -> tuple[Any, Any]:
    """The splits (U's share ``x``) both sides accept: ``(V_U(lam_u), 1 - V_R(lam_r))``.

    Theory: see :func:`mutual_optimism_gap`; the range is empty (low > high) exactly when the
    gap is positive. Formula values, not clipped to [0, 1].

    >>> low, high = ceasefire_range(0.5, 0.5, 0.9, 0.2, 0.05, 0.05, 0.3)
    >>> round(low, 4), round(high, 4)
    (0.3818, 0.4)
    """
    args = _optimism_args("ceasefire_range", lam_r, lam_u, delta, g_r, k_r, k_u, y_w)
    lr, lu, d, g, kr, ku, yw = args.values
    return (args.finish(_compute(_v_r, lu, d, 1.0 - g, ku, 1.0 - yw)),
            args.finish(_compute(lambda *a: 1.0 - _v_r(*a), lr, d, g, kr, yw)))


# --------------------------------------------------------------------------- checks

def _default_horizon(delta: float, tol: float = 1e-10) -> int:
    if delta <= 0.0:
        return 1
    return max(1, math.ceil(math.log(tol) / math.log(delta)))


def simulate_value_of_fighting(lam: float, delta: float, g_r: float, k_r: float, y_w: float, *,
                               n_paths: int = 10_000, horizon: int | None = None,
                               seed: int | np.random.Generator | None = None) -> tuple[float, float]:
    """Monte Carlo estimate of :func:`value_of_fighting`: ``(mean, standard error)``.

    Plays the repeated game ``n_paths`` times, period by period: while the ally is in, R
    fights and earns ``g_r - k_r``; at the end of each period the ally withdraws with
    probability ``lam``, after which R earns ``1 - y_w`` in every later period. Each path's
    payoff is ``(1 - delta) * sum_t delta**t * flow_t`` over ``horizon`` periods (by default
    enough periods that ``delta**horizon < 1e-10``; a finite horizon estimates the truncated
    game, see :func:`value_of_fighting_by_recursion`). Once no path can change any more (all
    have seen the withdrawal, or ``lam == 0``), the remaining discounted flows are added
    directly. Scalar parameters only; ``seed`` makes runs repeat exactly.

    >>> mean, se = simulate_value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5, n_paths=4000, seed=1)
    >>> abs(mean - value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5)) < 4 * se
    True
    """
    args = _fighting_args("simulate_value_of_fighting", lam, delta, g_r, k_r, y_w)
    if not args.scalar:
        raise ValueError("simulate_value_of_fighting: parameters must be scalars")
    lam_f, d, g, k, yw = (float(v) for v in args.values)
    if int(n_paths) != n_paths or n_paths < 2:
        raise ValueError(f"simulate_value_of_fighting: n_paths must be an integer >= 2, got {n_paths!r}")
    if horizon is None:
        horizon = _default_horizon(d)
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"simulate_value_of_fighting: horizon must be an integer >= 1, got {horizon!r}")
    n_paths, horizon = int(n_paths), int(horizon)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    fight_flow, after_flow = (1.0 - d) * (g - k), (1.0 - d) * (1.0 - yw)
    fighting = np.ones(n_paths, dtype=bool)
    total = np.zeros(n_paths)
    disc = 1.0
    for t in range(horizon):
        if lam_f == 0.0 or not fighting.any():
            # nothing random is left: add periods t .. horizon-1 in closed form
            rest = (disc - d ** horizon) / (1.0 - d)
            total += rest * np.where(fighting, fight_flow, after_flow)
            break
        total += disc * np.where(fighting, fight_flow, after_flow)
        fighting &= rng.random(n_paths) >= lam_f  # the ally withdraws with probability lam
        disc *= d
    mean = float(total.mean())
    se = float(total.std(ddof=1) / math.sqrt(n_paths))
    return mean, se


def value_of_fighting_by_recursion(lam: ArrayLike, delta: ArrayLike, g_r: ArrayLike, k_r: ArrayLike,
                                   y_w: ArrayLike, *, horizon: int) -> float | np.ndarray:
    """The exact value of fighting in the game truncated after ``horizon`` periods.

    Backward recursion, independent of the closed form: with ``W_n = (1 - y_w)(1 - delta**n)``
    the value of ``n`` periods after a withdrawal and ``V_0 = 0``,

        V_n = (1 - delta)(g_r - k_r) + delta [lam W_{n-1} + (1 - lam) V_{n-1}].

    ``V_n`` is what :func:`simulate_value_of_fighting` estimates with ``horizon=n``, and it
    tends to :func:`value_of_fighting` as ``n`` grows; the gap is
    ``delta**n [(1 - lam)**n V_R + (1 - (1 - lam)**n)(1 - y_w)]``.

    >>> exact = value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5)
    >>> abs(value_of_fighting_by_recursion(0.1, 0.9, 0.2, 0.05, 0.5, horizon=400) - exact) < 1e-12
    True
    """
    if int(horizon) != horizon or horizon < 0:
        raise ValueError(f"value_of_fighting_by_recursion: horizon must be an integer >= 0, got {horizon!r}")
    args = _fighting_args("value_of_fighting_by_recursion", lam, delta, g_r, k_r, y_w)
    lam_v, d, g, k, yw = args.values
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.zeros(lam_v.shape)
        w = np.zeros(lam_v.shape)
        for _ in range(int(horizon)):
            v = (1.0 - d) * (g - k) + d * (lam_v * w + (1.0 - lam_v) * v)
            w = (1.0 - d) * (1.0 - yw) + d * w
    return args.finish(v)


def exit_weight(lam: ArrayLike, delta: ArrayLike) -> float | np.ndarray:
    """The weight of the future after a walk-away that comes with probability ``lam`` per period.

    Theory. A stream that pays ``a`` per period until the event (hazard ``lam``) and ``b`` every
    period after it has per-period average value ``(1 - h) a + h b`` with

        h = delta lam / [1 - delta (1 - lam)],

    the same recursion as :func:`value_of_fighting` (which is ``(1 - h)(g_r - k_r) + h (1 - y_w)``).
    So a prize ``N`` per period that only comes after the ally walks away is worth ``h N`` today:
    the value of *waiting* for it. ``h`` rises with ``lam`` and with patience ``delta``; it is 0
    at ``lam = 0`` and 1 at ``lam = 1`` (for ``delta > 0``).

    >>> round(exit_weight(0.1, 0.9), 4)
    0.4737
    >>> v = value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5)
    >>> h = exit_weight(0.1, 0.9)
    >>> abs(v - ((1 - h) * (0.2 - 0.05) + h * 0.5)) < 1e-12
    True
    """
    lam_a = np.asarray(lam, dtype=np.float64)
    d = np.asarray(delta, dtype=np.float64)
    scalar = lam_a.ndim == 0 and d.ndim == 0
    if scalar:
        if not 0.0 <= float(lam_a) <= 1.0:
            raise ValueError(f"exit_weight: lam must be a probability in [0, 1], got {float(lam_a)!r}")
        if not 0.0 <= float(d) < 1.0:
            raise ValueError(f"exit_weight: delta must be in [0, 1), got {float(d)!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        h = d * lam_a / (1.0 - d * (1.0 - lam_a))
        bad = ~((lam_a >= 0) & (lam_a <= 1) & (d >= 0) & (d < 1))
        h = np.where(bad, np.nan, h)
    return float(h) if scalar else h


# --------------------------------------------------------------------------- expression language

EXPRESSION_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "value_of_fighting": value_of_fighting,
    "value_of_fighting_u": value_of_fighting_u,
    "exit_weight": exit_weight,
    "threshold_belief": threshold_belief,
    "accepts_ceasefire": accepts_ceasefire,
    "option_value_of_waiting": option_value_of_waiting,
    "mutual_optimism_gap": mutual_optimism_gap,
    "bargaining_low": bargaining_low,
    "bargaining_high": bargaining_high,
    "war_value_a": war_value_a,
    "war_value_b": war_value_b,
    "deal_exists": deal_exists,
}
"""Names callable inside conditions and payoff formulas, with positional float/array arguments."""
