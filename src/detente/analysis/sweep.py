"""Parameter sweeps and tipping points: how robust are the answers to uncertain preferences?

A *sweep* re-analyses the conflict at each value of one named parameter. A *tipping point* is a
value where the answer changes: an equilibrium set under some concept, or a named outcome's
verdict (is it an equilibrium; is it stable for a given DM). Each change found between two
evaluated values is then located by bisection to the precision asked, so the reported value is
within ``precision`` of a true switch, ``before`` and ``after`` are the answers just below and
just above it, and consecutive tipping points of one answer chain up (the ``after`` of one is
the ``before`` of the next). When an answer changes more than once inside one grid interval
(A, then C, then B), bisection finds the first switch, reports what it really switches to (C),
and keeps searching above it until it reaches the value at the interval's end (B); an answer
that changes and changes back inside one interval is found when any value evaluated there (for
any answer) falls between the two switches.

Every round of bisection evaluates all midpoints of all open brackets in one batched
:func:`~detente.analysis.study.study` pass.

>>> import detente
>>> from detente.model import Conflict, DecisionMaker, Option, Payoff
>>> c = Conflict("toy", [
...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
...     DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
>>> res = sweep(c, parameter="t", lo=0.0, hi=1.0, steps=5, precision=1e-3)
>>> round(res.tipping_points[0].value, 2)
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from .. import limits
from ..engine.stability import normalize_concepts
from ..errors import DetenteError
from ..model import Conflict
from .compile import compile_conflict
from .equilibria import DEFAULT_CONCEPTS, Analysis


def signature(analysis: Analysis, focus_states: Iterable[int] = ()) -> dict[str, Any]:
    """The answers a sweep watches, as comparable plain data.

    Always: the equilibria per concept and, per named outcome and concept, whether it holds an
    equilibrium and whether it holds a state stable for each DM. For ``focus_states`` (state
    numbers) also each DM's verdict at that very state.
    """
    sig: dict[str, Any] = {}
    for c, states in analysis.equilibria.items():
        sig[f"equilibria[{c}]"] = tuple(states)
    for name in analysis.compiled.outcomes:
        out = analysis.outcome(name)
        for c in analysis.concepts:
            sig[f"{name}: equilibrium ({c})"] = out["equilibrium"][c]
            for dm, states in out["stable_for"][c].items():
                sig[f"{name}: stable for {dm} ({c})"] = bool(states)
    for state in focus_states:
        for c in analysis.concepts:
            for dm in analysis.dm_names:
                sig[f"state {state}: stable for {dm} ({c})"] = analysis.is_stable(state, dm, c)
    return sig


@dataclass
class TippingPoint:
    """Where an answer changes: ``value`` (within ``precision``), bracketed by [lower, upper]."""

    parameter: str
    value: float
    lower: float
    upper: float
    what: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        def plain(x):
            return list(x) if isinstance(x, tuple) else x

        return {"parameter": self.parameter, "value": self.value, "lower": self.lower, "upper": self.upper,
                "what": self.what, "before": plain(self.before), "after": plain(self.after)}

    def describe(self) -> str:
        def show(x):
            if isinstance(x, bool):
                return "yes" if x else "no"
            if isinstance(x, tuple):
                return "{" + ", ".join(map(str, x)) + "}" if x else "none"
            return str(x)

        return (f"{self.parameter} ≈ {self.value:.6g}: {self.what} changes from {show(self.before)} "
                f"to {show(self.after)}")

    def summary(self) -> str:
        """The tipping point in one line (the same as :meth:`describe`)."""
        return self.describe()


@dataclass
class SweepResult:
    """Analyses along a parameter grid plus every located tipping point."""

    parameter: str
    values: list[float]
    signatures: list[dict[str, Any]]
    tipping_points: list[TippingPoint]
    perspective: str | None = None
    concepts: list[str] = field(default_factory=list)

    def series(self, key: str) -> list[Any]:
        """One watched answer along the grid (e.g. ``"ceasefire: stable for russia (seq)"``)."""
        return [s.get(key) for s in self.signatures]

    def summary(self) -> str:
        """Plain text: the grid and every tipping point found."""
        view = f" (perspective {self.perspective})" if self.perspective else ""
        lo, hi = (self.values[0], self.values[-1]) if self.values else (float("nan"), float("nan"))
        lines = [f"Sweep of {self.parameter}{view} over [{lo:g}, {hi:g}], {len(self.values)} grid points: "
                 f"{len(self.tipping_points)} tipping point(s)"]
        lines += [f"  {t.describe()}" for t in self.tipping_points]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        keys = list(self.signatures[0]) if self.signatures else []
        return {
            "parameter": self.parameter,
            "perspective": self.perspective,
            "concepts": self.concepts,
            "values": self.values,
            "series": {k: [list(v) if isinstance(v, tuple) else v for v in self.series(k)] for k in keys},
            "tipping_points": [t.to_dict() for t in self.tipping_points],
        }


def sweep(conflict: Conflict, *, parameter: str, lo: float, hi: float, steps: int = 21,
          precision: float | None = None, focus_states: Iterable[int] = (),
          concepts: Iterable[str] = DEFAULT_CONCEPTS, parameters: Mapping[str, float] | None = None,
          perspective: str | None = None, progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Analyse ``conflict`` for ``steps`` values of ``parameter`` from ``lo`` to ``hi`` and locate
    every tipping point to ``precision`` (default: a thousandth of the grid spacing).

    ``focus_states`` adds each DM's verdict at those states to what is watched."""
    if steps < 2:
        raise DetenteError("a sweep needs at least 2 steps", field="steps")
    if not hi > lo:
        raise DetenteError(f"the sweep range must have LO < HI (got {lo} and {hi})", field="param")
    base = conflict.with_perspective(perspective) if perspective else conflict
    known = set(base.parameters) | set(base.beliefs)
    if parameter not in known:
        raise DetenteError(f"unknown parameter '{parameter}' (known: {', '.join(sorted(known)) or 'none'})",
                           field="param", source=conflict.source)
    if precision is not None and not precision > 0:
        raise DetenteError(f"the precision must be a positive number, got {precision}", field="precision")
    concepts = normalize_concepts(concepts)
    focus = list(focus_states)
    problem = limits.precision_problem(lo, hi, precision)
    if problem:
        raise DetenteError(problem, field="precision", source=conflict.source)
    grid = np.linspace(lo, hi, steps).tolist()
    if precision is None:
        precision = (hi - lo) / (steps - 1) / 1000
    base_model = conflict.with_perspective(perspective) if perspective else conflict
    first = compile_conflict(base_model, {**dict(parameters or {}), parameter: lo})
    limits.check_runs(steps + limits.bisection_steps(lo, hi, precision), first.n_states, subject="the sweep",
                      field="steps", source=conflict.source)
    evaluate_at = _Signatures(conflict, parameter, concepts, focus, perspective, parameters)

    evaluate_at(grid, progress)
    sigs = [evaluate_at.cache[x] for x in grid]
    keys = list(sigs[0])
    # bisection: every bracket (consecutive evaluated values that disagree on some answer, wider
    # than the precision) is halved; all midpoints of a round are evaluated in one batch
    stuck: set[tuple[float, float]] = set()   # brackets whose inside the model is undefined at
    while True:
        xs = sorted(evaluate_at.cache)
        mids: dict[float, tuple[float, float]] = {}
        for a, b in pairwise(xs):
            if b - a <= precision or (a, b) in stuck:
                continue
            sa, sb = evaluate_at.cache[a], evaluate_at.cache[b]
            if any(sa[k] != sb[k] for k in keys):
                mid = (a + b) / 2
                if a < mid < b:
                    mids[mid] = (a, b)
        if not mids:
            break
        try:
            evaluate_at(sorted(mids), None)
        except DetenteError:
            # the model is undefined at some midpoint (e.g. a payoff divides by zero there): a
            # bracket only needs *some* inner point, so try points beside the midpoint, one by one
            for mid, (a, b) in mids.items():
                for x in (mid, a + (b - a) * 3 / 8, a + (b - a) * 5 / 8, a + (b - a) / 4, a + (b - a) * 3 / 4):
                    try:
                        evaluate_at([x], None)
                        break
                    except DetenteError:
                        continue
                else:
                    stuck.add((a, b))
    xs = sorted(evaluate_at.cache)
    points: list[TippingPoint] = []
    for a, b in pairwise(xs):
        sa, sb = evaluate_at.cache[a], evaluate_at.cache[b]
        for key in keys:
            if sa[key] != sb[key]:
                points.append(TippingPoint(parameter, (a + b) / 2, a, b, key, sa[key], sb[key]))
    points.sort(key=lambda t: (t.value, t.what))
    return SweepResult(parameter, grid, sigs, points, perspective, concepts)


class _Signatures:
    """Sweep signatures for many parameter values at once (one batched study per call), cached."""

    def __init__(self, conflict: Conflict, parameter: str, concepts: list[str], focus: list[int],
                 perspective: str | None, parameters: Mapping[str, float] | None):
        from .montecarlo import watched_questions

        self.conflict = conflict
        self.parameter = parameter
        self.concepts = concepts
        self.perspective = perspective
        self.parameters = dict(parameters or {})
        base = conflict.with_perspective(perspective) if perspective else conflict
        self.questions = watched_questions(base, concepts, focus)
        self.cache: dict[float, dict[str, Any]] = {}

    def __call__(self, values: list[float], progress: Callable[[int, int], None] | None) -> None:
        todo = [x for x in dict.fromkeys(values) if x not in self.cache]
        if not todo:
            return
        from .study import _study_chunks

        sample = {self.parameter: np.asarray(todo, dtype=np.float64)}
        fixed = {k: v for k, v in self.parameters.items() if k != self.parameter}
        for rows, res in _study_chunks(self.conflict, sample, self.questions, perspective=self.perspective,
                                       parameters=fixed, concepts=self.concepts, keep_equilibria=True,
                                       progress=progress):
            for j, r in enumerate(rows.tolist()):
                sig: dict[str, Any] = {}
                u = int(res.inverse[j])
                for c in self.concepts:
                    sig[f"equilibria[{c}]"] = tuple((np.flatnonzero(res.equilibria[c][u]) + 1).tolist())
                for q, value in zip(self.questions, res.answers[j].tolist()):
                    sig[q.key] = bool(value)
                self.cache[todo[r]] = sig


def parse_range(text: str) -> tuple[str, float, float, int]:
    """Read ``NAME=LO:HI:STEPS`` (STEPS optional, default 21).

    >>> parse_range("lambda_r=0:0.5:11")
    ('lambda_r', 0.0, 0.5, 11)
    """
    if "=" not in text:
        raise DetenteError(f"expected NAME=LO:HI:STEPS, got {text!r}", field="--param")
    name, rng = text.split("=", 1)
    parts = rng.split(":")
    if len(parts) not in (2, 3):
        raise DetenteError(f"expected NAME=LO:HI:STEPS, got {text!r}", field="--param")
    try:
        lo, hi = float(parts[0]), float(parts[1])
        steps = int(parts[2]) if len(parts) == 3 else 21
    except ValueError:
        raise DetenteError(f"LO and HI must be numbers and STEPS an integer in {text!r}", field="--param") from None
    return name.strip(), lo, hi, steps
