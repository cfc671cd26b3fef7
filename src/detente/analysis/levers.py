"""Levers: what would change a party's mind — thresholds, 2-D maps and terms both sides accept.

A *verdict* is one yes/no answer of the graph model (a :class:`~detente.analysis.study.Question`):
a named outcome (or one state) is an equilibrium under a concept, or it is stable for one DM. A
*lever* is a parameter with a plausible range: varied alone across its range (every other
parameter at its value), the verdict changes at the lever's *thresholds*. Each threshold is found
on a grid and then located by bisection until its bracket is narrower than ``precision``; the
reported value is the bracket's midpoint, so the verdict on one side of it (farther than
``precision / 2``) differs from the verdict on the other side. ``holds_at`` lists the intervals of
the range where the verdict holds. A parameter whose range contains no threshold *changes nothing*
there: for a model parameter that is a warning sign (it may cancel out).

:func:`lever_map` computes the verdict over a 2-D grid of two parameters; :func:`deal_terms`
finds the values of a terms parameter at which every named DM accepts a deal (each DM's verdict
"the deal outcome is stable for me"), or the closest miss.

>>> from detente.model import Conflict, DecisionMaker, Option, Parameter, Payoff
>>> c = Conflict("toy", [
...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
...     DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
... ], parameters={"t": 0.2}, parameter_info={"t": Parameter("t", range=(0.0, 1.0))},
...    outcomes={"a_goes": "a.go and b.go"})
>>> res = levers(c, outcome="a_goes", concept="nash")
>>> lever = res.levers[0]
>>> round(lever.thresholds[0], 4), [(round(a, 4), b) for a, b in lever.holds_at]
(0.5, [(0.5, 1.0)])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError
from ..model import Conflict, Parameter
from .study import Question, study

DEFAULT_GRID = 129
"""Grid points per lever before bisection (changes closer together than range/128 can hide)."""

DEFAULT_RELATIVE_PRECISION = 1e-9
"""Default bisection precision, as a fraction of each parameter's range (a threshold is within half of it)."""

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- results
@dataclass
class Lever:
    """One parameter varied alone across its range: where the verdict changes and where it holds."""

    parameter: str
    value: float
    range: tuple[float, float]
    thresholds: list[float]
    holds_at: list[tuple[float, float]]
    holds_today: bool
    precision: float
    info: Parameter = field(default_factory=lambda: Parameter(""))

    @property
    def label(self) -> str:
        return self.info.label

    @property
    def source(self) -> str:
        return self.info.source

    @property
    def live(self) -> bool:
        """Does the verdict change anywhere in the range?"""
        return bool(self.thresholds)

    @property
    def name(self) -> str:
        return self.label or self.parameter

    def condition(self) -> str:
        """Where the verdict holds, in words: ``"λ ≤ 0.0203"``, ``"0.2 ≤ x ≤ 0.4"``, ``"never"``."""
        return describe_intervals(self.parameter, self.holds_at, self.range)

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "value": self.value, "range": list(self.range),
                "thresholds": list(self.thresholds), "holds_at": [list(iv) for iv in self.holds_at],
                "holds_today": self.holds_today, "live": self.live, "precision": self.precision,
                "label": self.info.label, "unit": self.info.unit, "period": self.info.period,
                "source": self.info.source}


@dataclass
class LeversResult:
    """Every lever on one verdict (see :func:`levers`)."""

    question: Question
    holds: bool
    levers: list[Lever]
    perspective: str | None = None
    unranged: list[str] = field(default_factory=list)
    derived: dict[str, float] = field(default_factory=dict)
    subject: str = ""

    @property
    def live(self) -> list[Lever]:
        return [lv for lv in self.levers if lv.live]

    @property
    def dead(self) -> list[Lever]:
        """Parameters that change nothing within their range (a model-quality warning)."""
        return [lv for lv in self.levers if not lv.live]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        q = self.question
        return {"outcome": q.outcome, "state": q.state, "dm": q.dm, "concept": q.concept,
                "perspective": self.perspective, "verdict": self.subject, "holds": self.holds,
                "levers": [lv.to_dict() for lv in self.levers],
                "changes_nothing": [lv.parameter for lv in self.dead],
                "unranged": list(self.unranged), "derived": dict(self.derived)}

    def summary(self) -> str:
        """The lever table in words (what the CLI prints)."""
        head = f"{self.subject}: {'yes' if self.holds else 'no'} today"
        if self.perspective:
            head += f" (perspective: {self.perspective})"
        lines = [head + "."]
        live = self.live
        if live:
            lines.append(("It would stop if " if self.holds else "It would change if ") + "one of these changed alone:")
            for lv in live:
                lines.append(f"  - {lv.name}: holds for {lv.condition()} (today {fmt(lv.value)}, range "
                             f"{fmt(lv.range[0])}..{fmt(lv.range[1])})")
        else:
            lines.append("No single parameter changes it within its range.")
        if self.dead:
            lines.append("Do not change this verdict within their range: "
                         + ", ".join(lv.parameter for lv in self.dead) + ".")
        if self.unranged:
            lines.append("Not varied (no range declared): " + ", ".join(self.unranged) + ".")
        return "\n".join(lines)


@dataclass
class LeverMap:
    """A verdict over a 2-D grid: ``grid[iy][ix]`` at ``x_values[ix]``, ``y_values[iy]``."""

    x: str
    y: str
    x_values: list[float]
    y_values: list[float]
    question: Question
    grid: np.ndarray
    layers: dict[str, np.ndarray] = field(default_factory=dict)
    perspective: str | None = None
    today: tuple[float, float] | None = None
    subject: str = ""

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "x": {"parameter": self.x, "values": list(self.x_values)},
            "y": {"parameter": self.y, "values": list(self.y_values)},
            "concept": self.question.concept, "outcome": self.question.outcome, "state": self.question.state,
            "dm": self.question.dm, "perspective": self.perspective, "verdict": self.subject,
            "grid": self.grid.astype(bool).tolist(),
        }
        if self.layers:
            out["layers"] = {k: v.astype(bool).tolist() for k, v in self.layers.items()}
        if self.today is not None:
            out["today"] = {self.x: self.today[0], self.y: self.today[1]}
        return out

    def summary(self) -> str:
        share = float(self.grid.mean()) if self.grid.size else 0.0
        return (f"{self.subject} over {self.x} × {self.y}: holds in {share:.0%} of "
                f"{self.grid.shape[1]}×{self.grid.shape[0]} cells.")


@dataclass
class DealTerms:
    """Values of a terms parameter at which every named DM accepts the deal outcome."""

    parameter: str
    outcome: str
    concept: str
    dms: list[str]
    value: float
    range: tuple[float, float]
    accepts: dict[str, list[tuple[float, float]]]
    agreed: list[tuple[float, float]]
    closest: float | None = None
    gap: float | None = None
    perspective: str | None = None
    precision: float = 0.0

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return {}

    @property
    def exists(self) -> bool:
        return bool(self.agreed)

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "outcome": self.outcome, "concept": self.concept, "dms": self.dms,
                "value": self.value, "range": list(self.range), "perspective": self.perspective,
                "accepts": {k: [list(iv) for iv in v] for k, v in self.accepts.items()},
                "agreed": [list(iv) for iv in self.agreed], "exists": self.exists,
                "closest_miss": None if self.exists else {"value": self.closest, "gap": self.gap},
                "precision": self.precision}

    def summary(self) -> str:
        lines = []
        for dm, ivs in self.accepts.items():
            lines.append(f"  - {dm} accepts '{self.outcome}' ({self.concept.upper()}) for "
                         f"{describe_intervals(self.parameter, ivs, self.range)}")
        if self.exists:
            head = (f"Terms every party accepts: {describe_intervals(self.parameter, self.agreed, self.range)} "
                    f"(today {fmt(self.value)}).")
        elif self.closest is not None:
            head = (f"No deal all accept within {self.parameter} ∈ [{fmt(self.range[0])}, {fmt(self.range[1])}]; "
                    f"closest miss at {self.parameter} = {fmt(self.closest)}, a gap of {fmt(self.gap or 0.0)}.")
        else:
            head = f"No deal all accept: some party accepts at no value of {self.parameter} in its range."
        return "\n".join([head, *lines])


# --------------------------------------------------------------------------- helpers
def fmt(x: float) -> str:
    """A number for people: 4 significant digits."""
    return f"{x:.4g}"


def describe_intervals(name: str, intervals: Sequence[tuple[float, float]], rng: tuple[float, float]) -> str:
    """``[(lo, t)]`` → ``"name ≤ t"``; ``[(t, hi)]`` → ``"name ≥ t"``; inner → ``"a ≤ name ≤ b"``."""
    if not intervals:
        return "no value in its range"
    parts = []
    for a, b in intervals:
        at_lo, at_hi = a <= rng[0], b >= rng[1]
        if at_lo and at_hi:
            parts.append("its whole range")
        elif at_lo:
            parts.append(f"{name} ≤ {fmt(b)}")
        elif at_hi:
            parts.append(f"{name} ≥ {fmt(a)}")
        elif abs(b - a) <= 0:
            parts.append(f"{name} = {fmt(a)}")
        else:
            parts.append(f"{fmt(a)} ≤ {name} ≤ {fmt(b)}")
    return " or ".join(parts)


def verdict_phrase(conflict: Conflict, q: Question) -> str:
    """``"'ceasefire' is stable for Russia (the Kremlin) (SEQ)"`` and the like."""
    where = f"'{q.outcome}'" if q.outcome is not None else f"state {q.state}"
    if q.dm is None:
        return f"{where} is an equilibrium ({q.concept.upper()})"
    dm = conflict.dm(q.dm)
    return f"{where} is stable for {dm.label or dm.name} ({q.concept.upper()})"


def _question(outcome: str | None, state: int | None, dm: str | None, concept: str) -> Question:
    if outcome is None and state is None:
        raise DetenteError("name the verdict: an outcome (--outcome) or a state (--state)", field="outcome")
    if outcome is not None and state is not None:
        raise DetenteError("give an outcome or a state, not both", field="outcome")
    return Question(concept=concept, outcome=outcome, state=state, dm=dm)


def _base(conflict: Conflict, perspective: str | None, parameters: Mapping[str, float] | None) -> dict[str, float]:
    """Today's value of every parameter and derived belief (perspective and overrides applied)."""
    from .beliefs import resolve_parameters

    view = conflict.with_perspective(perspective) if perspective else conflict
    full = resolve_parameters(view, {k: float(v) for k, v in (parameters or {}).items()})
    return {k: float(v) for k, v in full.items()}


def _check_question(conflict: Conflict, q: Question) -> None:
    if q.outcome is not None and q.outcome not in conflict.outcomes:
        raise DetenteError(f"unknown outcome '{q.outcome}' (known: {', '.join(conflict.outcomes) or 'none'})",
                           field="outcome", source=conflict.source)
    if q.dm is not None:
        conflict.dm(q.dm)


def _ranged(conflict: Conflict, names: Sequence[str] | None) -> tuple[list[str], list[str]]:
    if names is None:
        names = list(conflict.parameters) + [b for b in conflict.beliefs if b not in conflict.parameters]
    ranged: list[Any] = []
    unranged: list[Any] = []
    for n in names:
        if n not in conflict.parameters and n not in conflict.beliefs:
            raise DetenteError(f"unknown parameter '{n}' (known: {', '.join(conflict.parameters) or 'none'})",
                               field="parameter", source=conflict.source)
        info = conflict.parameter_info.get(n)
        (ranged if info is not None and info.range is not None else unranged).append(n)
    return ranged, unranged


class _Verdicts:
    """Batched verdicts for rows that each set some parameters (the rest at their base value).

    A derived belief set in a row overrides its derivation, so rows that set a belief are answered
    apart from the others (where the belief must stay derived)."""

    def __init__(self, conflict: Conflict, questions: Sequence[Question], base: Mapping[str, float],
                 fixed: Mapping[str, float], perspective: str | None):
        self.conflict = conflict
        self.questions = list(questions)
        self.base = dict(base)
        self.fixed = dict(fixed)
        self.perspective = perspective
        self.calls = 0

    def __call__(self, rows: Mapping[str, np.ndarray]) -> np.ndarray:
        """``rows[name]``: values per row (NaN = base value). Returns (n, q) bools."""
        n = len(next(iter(rows.values()))) if rows else 0
        out = np.zeros((n, len(self.questions)), dtype=bool)
        if n == 0:
            return out
        cols = {k: np.asarray(v, dtype=np.float64) for k, v in rows.items()}
        beliefs = [k for k in cols if k in self.conflict.beliefs]
        plain = {k: np.where(np.isnan(v), self.base[k], v) for k, v in cols.items() if k not in beliefs}
        groups: list[tuple[Any, str | None]] = [(~np.any([~np.isnan(cols[b]) for b in beliefs], axis=0) if beliefs else np.ones(n, bool), None)]
        groups += [(~np.isnan(cols[b]), b) for b in beliefs]
        for mask, belief in groups:
            if not mask.any():
                continue
            samples = {k: v[mask] for k, v in plain.items()}
            if belief is not None:
                samples[belief] = cols[belief][mask]
            if not samples:
                continue
            self.calls += 1
            fixed = {k: v for k, v in self.fixed.items() if k not in samples}
            out[mask] = study(self.conflict, samples, self.questions, perspective=self.perspective,
                              parameters=fixed)
        return out


def _intervals(thresholds: list[float], holds_between: list[bool], lo: float, hi: float) -> list[tuple[float, float]]:
    """Merge the segments between thresholds where the verdict holds into closed intervals."""
    edges = [lo, *thresholds, hi]
    out: list[tuple[float, float]] = []
    for k, holds in enumerate(holds_between):
        if not holds:
            continue
        a, b = edges[k], edges[k + 1]
        if out and abs(out[-1][1] - a) <= 0:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _scan(verdicts: _Verdicts, params: list[str], ranges: dict[str, tuple[float, float]], grid: int,
          precision: dict[str, float], qcol: int = 0,
          progress: Progress | None = None) -> dict[str, tuple[list[float], list[bool]]]:
    """For each parameter alone: thresholds (ascending) and the verdict on each segment between them."""
    if not params:
        return {}
    rounds = 1 + max(int(np.ceil(np.log2(max((ranges[p][1] - ranges[p][0]) / (grid - 1) / precision[p], 1.0))))
                     for p in params)
    done = 0
    # one batched call for every parameter's grid
    grids = {p: np.linspace(ranges[p][0], ranges[p][1], grid) for p in params}
    rows = {p: np.full(grid * len(params), np.nan) for p in params}
    for k, p in enumerate(params):
        rows[p][k * grid:(k + 1) * grid] = grids[p]
    ans = verdicts(rows)[:, qcol].reshape(len(params), grid)
    done += 1
    if progress:
        progress(done, rounds)
    # brackets where the verdict changes between neighbours, bisected all at once
    brackets: list[list[Any]] = []  # [param, lo, hi, verdict at lo]
    for k, p in enumerate(params):
        for j in np.flatnonzero(ans[k, 1:] != ans[k, :-1]):
            brackets.append([p, float(grids[p][j]), float(grids[p][j + 1]), bool(ans[k, j])])
    while True:
        open_ = [b for b in brackets if b[2] - b[1] > precision[b[0]]]
        if not open_:
            break
        mids = {p: np.full(len(open_), np.nan) for p in params}
        for r, b in enumerate(open_):
            mids[b[0]][r] = (b[1] + b[2]) / 2
        got = verdicts(mids)[:, qcol]
        for r, b in enumerate(open_):
            mid = (b[1] + b[2]) / 2
            if bool(got[r]) == b[3]:
                b[1] = mid
            else:
                b[2] = mid
        done += 1
        if progress:
            progress(min(done, rounds), rounds)
    if progress:
        progress(rounds, rounds)
    out: dict[str, tuple[list[float], list[bool]]] = {}
    for k, p in enumerate(params):
        mine = sorted((b for b in brackets if b[0] == p), key=lambda b: b[1])
        thresholds = [(b[1] + b[2]) / 2 for b in mine]
        segs = [bool(ans[k, 0])] + [not b[3] for b in mine]
        out[p] = (thresholds, segs)
    return out


def _precisions(conflict: Conflict, params: list[str], ranges: dict[str, tuple[float, float]],
                precision: float | None) -> dict[str, float]:
    out = {}
    for p in params:
        span = ranges[p][1] - ranges[p][0]
        out[p] = float(precision) if precision is not None else span * DEFAULT_RELATIVE_PRECISION
        if not out[p] > 0 or out[p] < span * 1e-12:
            raise DetenteError(f"precision {out[p]!r} is too small for {p}'s range [{ranges[p][0]}, {ranges[p][1]}]"
                               f" (at least range × 1e-12)", field="precision")
    return out


def _check_grid(grid: int) -> None:
    if not 2 <= int(grid) <= 100_000:
        raise DetenteError(f"grid must be between 2 and 100000 points, got {grid}", field="grid")


# --------------------------------------------------------------------------- levers
def levers(conflict: Conflict, *, outcome: str | None = None, state: int | None = None, dm: str | None = None,
           concept: str = "seq", perspective: str | None = None, parameters: Mapping[str, float] | None = None,
           only: Sequence[str] | None = None, precision: float | None = None, grid: int = DEFAULT_GRID,
           progress: Progress | None = None) -> LeversResult:
    """Every ranged parameter varied alone across its range: where a verdict changes.

    Parameters
    ----------
    conflict : Conflict
        The model; parameters with a declared ``range`` are the levers.
    outcome, state : str or int
        The named outcome (or 1-based state) the verdict is about: give one.
    dm : str, optional
        ``None``: "is it an equilibrium"; a DM's name: "is it stable for that DM".
    concept : str
        Solution concept (default SEQ).
    perspective : str, optional
        Analyse the conflict as this named perspective sees it.
    parameters : mapping, optional
        Other parameter values fixed for every analysis.
    only : sequence of str, optional
        Restrict to these parameters.
    precision : float, optional
        Bisection precision (absolute); default range × 1e-9 for each parameter.
    grid : int
        Grid points per range before bisection.

    Returns
    -------
    LeversResult
        ``levers`` in the order of the model's parameters; ``dead`` lists those that change nothing.
    """
    q = _question(outcome, state, dm, concept)
    _check_question(conflict, q)
    _check_grid(grid)
    ranged, unranged = _ranged(conflict, only)
    base = _base(conflict, perspective, parameters)
    ranges = {p: conflict.parameter_info[p].range for p in ranged}  # type: ignore[misc]
    prec = _precisions(conflict, ranged, ranges, precision)  # type: ignore[arg-type]
    fixed = dict(parameters or {})
    verdicts = _Verdicts(conflict, [q], base, fixed, perspective)
    today = bool(study(conflict, {}, [q], perspective=perspective, parameters=fixed)[0, 0])
    scans = _scan(verdicts, ranged, ranges, grid, prec, progress=progress)  # type: ignore[arg-type]
    out = []
    for p in ranged:
        thresholds, segs = scans[p]
        lo, hi = ranges[p]  # type: ignore[misc]
        info = conflict.parameter_info[p]
        out.append(Lever(p, base[p], (lo, hi), thresholds, _intervals(thresholds, segs, lo, hi), today, prec[p],
                         info))
    derived = {k: base[k] for k in conflict.beliefs if k not in (parameters or {})}
    return LeversResult(q, today, out, perspective, unranged, derived, verdict_phrase(conflict, q))


# --------------------------------------------------------------------------- maps
def parse_axis(text: str) -> tuple[str, float, float, int]:
    """Read ``NAME=LO:HI:N``.

    >>> parse_axis("lambda=0:0.2:41")
    ('lambda', 0.0, 0.2, 41)
    """
    from .sweep import parse_range

    return parse_range(text)


def lever_map(conflict: Conflict, *, x: tuple[str, float, float, int], y: tuple[str, float, float, int],
              outcome: str | None = None, state: int | None = None, dm: str | Sequence[str] | None = None,
              concept: str = "seq", perspective: str | None = None, parameters: Mapping[str, float] | None = None,
              progress: Progress | None = None) -> LeverMap:
    """The verdict over a grid of two parameters (``x`` and ``y`` as ``(name, lo, hi, n)``).

    With several DMs in ``dm`` the main ``grid`` is "stable for all of them" and ``layers`` holds
    each DM's own grid (e.g. where Russia accepts, where Ukraine accepts, where both do).

    >>> from detente.model import Conflict, DecisionMaker, Option, Payoff
    >>> c = Conflict("toy", [
    ...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (s + t - 1)")),
    ...     DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
    ... ], parameters={"s": 0.0, "t": 0.0}, outcomes={"both": "a.go and b.go"})
    >>> m = lever_map(c, x=("s", 0, 1, 3), y=("t", 0, 1, 3), outcome="both", concept="nash")
    >>> m.to_dict()["grid"]
    [[False, False, True], [False, True, True], [True, True, True]]
    """
    dms: list[str | None] = [None] if dm is None else ([dm] if isinstance(dm, str) else list(dm))
    questions = [_question(outcome, state, d, concept) for d in dms]
    for q in questions:
        _check_question(conflict, q)
    axes = []
    for axis, (name, lo, hi, n) in (("x", x), ("y", y)):
        if name not in conflict.parameters and name not in conflict.beliefs:
            raise DetenteError(f"unknown parameter '{name}' (known: {', '.join(conflict.parameters)})",
                               field=f"--{axis}", source=conflict.source)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise DetenteError(f"the {axis} range must have finite LO < HI (got {lo} and {hi})", field=f"--{axis}")
        if not 2 <= int(n) <= 2001:
            raise DetenteError(f"the {axis} axis needs 2..2001 points, got {n}", field=f"--{axis}")
        axes.append((name, np.linspace(lo, hi, int(n))))
    (xn, xs), (yn, ys) = axes
    if xn == yn:
        raise DetenteError("the two axes must be different parameters", field="--y")
    base = _base(conflict, perspective, parameters)
    xx, yy = np.meshgrid(xs, ys)  # (ny, nx)
    fixed = {k: float(v) for k, v in (parameters or {}).items() if k not in (xn, yn)}
    ans = study(conflict, {xn: xx.ravel(), yn: yy.ravel()}, questions, perspective=perspective, parameters=fixed,
                progress=progress)
    layers = {}
    if len(questions) > 1:
        for k, q in enumerate(questions):
            layers[str(q.dm)] = ans[:, k].reshape(len(ys), len(xs))
    grid = ans.all(axis=1).reshape(len(ys), len(xs))
    subject = " and ".join(verdict_phrase(conflict, q) for q in questions)
    return LeverMap(xn, yn, xs.tolist(), ys.tolist(), questions[0], grid, layers, perspective,
                    (base[xn], base[yn]), subject)


# --------------------------------------------------------------------------- terms
def deal_terms(conflict: Conflict, *, parameter: str, outcome: str, dms: Sequence[str] | None = None,
               concept: str = "seq", perspective: str | None = None, parameters: Mapping[str, float] | None = None,
               lo: float | None = None, hi: float | None = None, precision: float | None = None,
               grid: int = DEFAULT_GRID) -> DealTerms:
    """The values of a terms parameter at which every DM in ``dms`` (default: all) accepts the deal.

    A DM *accepts* when the deal outcome is stable for it under ``concept``. Each DM's accepting
    values are found as in :func:`levers`; the terms all accept are their intersection. When it is
    empty, the closest miss is the value that minimises the largest distance to any DM's accepting
    set, and the gap is twice that distance (for two parties: the width of the gap between them).

    >>> from detente.model import Conflict, DecisionMaker, Option, Parameter, Payoff
    >>> c = Conflict("split", [
    ...     DecisionMaker("u", [Option("accept", "u")], Payoff("(u.accept and r.accept) * x + (1 - (u.accept and r.accept)) * 0.4")),
    ...     DecisionMaker("r", [Option("accept", "r")], Payoff("(u.accept and r.accept) * (1 - x) + (1 - (u.accept and r.accept)) * 0.3")),
    ... ], parameters={"x": 0.5}, parameter_info={"x": Parameter("x", range=(0.0, 1.0))},
    ...    outcomes={"deal": "u.accept and r.accept"})
    >>> t = deal_terms(c, parameter="x", outcome="deal", concept="nash")
    >>> [(round(a, 3), round(b, 3)) for a, b in t.agreed]
    [(0.4, 0.7)]
    """
    if parameter not in conflict.parameters:
        raise DetenteError(f"unknown parameter '{parameter}' (known: {', '.join(conflict.parameters)})",
                           field="parameter", source=conflict.source)
    info = conflict.parameter_info.get(parameter)
    rng = info.range if info is not None and info.range is not None else None
    lo = rng[0] if lo is None and rng else lo
    hi = rng[1] if hi is None and rng else hi
    if lo is None or hi is None:
        raise DetenteError(f"'{parameter}' has no range: declare one in the model or pass lo and hi",
                           field="parameter", source=conflict.source)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise DetenteError(f"the range must have finite lo < hi (got {lo} and {hi})", field="range")
    _check_grid(grid)
    names = list(dms) if dms else conflict.dm_names
    questions = [_question(outcome, None, conflict.dm(d).name, concept) for d in names]
    for q in questions:
        _check_question(conflict, q)
    base = _base(conflict, perspective, parameters)
    ranges = {parameter: (float(lo), float(hi))}
    prec = _precisions(conflict, [parameter], ranges, precision)
    verdicts = _Verdicts(conflict, questions, base, dict(parameters or {}), perspective)
    accepts: dict[str, list[tuple[float, float]]] = {}
    for k, q in enumerate(questions):
        thresholds, segs = _scan(verdicts, [parameter], ranges, grid, prec, qcol=k)[parameter]
        accepts[str(q.dm)] = _intervals(thresholds, segs, float(lo), float(hi))
    agreed = _intersect(list(accepts.values()))
    closest = gap = None
    if not agreed and all(accepts.values()):
        closest, dist = _closest_miss(list(accepts.values()), float(lo), float(hi))
        gap = 2 * dist
    return DealTerms(parameter, outcome, questions[0].concept, [str(q.dm) for q in questions], base[parameter],
                     (float(lo), float(hi)), accepts, agreed, closest, gap, perspective, prec[parameter])


def _intersect(sets: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    cur = sets[0] if sets else []
    for other in sets[1:]:
        nxt = []
        for a, b in cur:
            for c, d in other:
                lo, hi = max(a, c), min(b, d)
                if lo <= hi:
                    nxt.append((lo, hi))
        cur = nxt
    return cur


def _distance(x: float, ivs: list[tuple[float, float]]) -> float:
    return min(0.0 if a <= x <= b else min(abs(x - a), abs(x - b)) for a, b in ivs)


def _closest_miss(sets: list[list[tuple[float, float]]], lo: float, hi: float) -> tuple[float, float]:
    """The x minimising max_d dist(x, A_d): the max of distances is piecewise linear, so its minimum
    lies at an interval end or where two distance lines cross (a midpoint of two ends)."""
    ends = sorted({e for ivs in sets for iv in ivs for e in iv})
    cands = set(ends) | {(a + b) / 2 for i, a in enumerate(ends) for b in ends[i + 1:]}
    best = min((max(_distance(x, s) for s in sets), x) for x in cands if lo <= x <= hi)
    return best[1], best[0]


__all__ = ["Lever", "LeversResult", "LeverMap", "DealTerms", "levers", "lever_map", "deal_terms", "parse_axis",
           "describe_intervals", "verdict_phrase"]
