"""A briefing: the answer to "is this outcome stable for each party, as each sees it, and why?"

It gathers, for one named outcome (by default the first one the scenario names):

- the *focal state*: the outcome's state closest to the status quo (fewest option changes),
  the concrete deal people talk about;
- for the model and every perspective: whether the outcome holds an equilibrium under each
  concept, and each DM's verdict at the focal state with the move it would make and the
  sanction that deters it (or that nothing does);
- the hypergame verdict, when the scenario has perceptions;
- every sweep the scenario declares, with the tipping points of each DM's verdict at the focal
  state, and for each DM that rejects the outcome where along the sweep it holds
  (:class:`FocalTipping`: the strictest concept's threshold, and the sanction that only a wider
  concept counts between the two concepts' thresholds).

Everything comes from the engine; this module only selects and arranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError
from ..model import Conflict
from .common import DEFAULT_CONCEPTS, Progress
from .equilibria import Analysis, analyze, verdict_to_dict
from .sweep import SweepResult, sweep

if TYPE_CHECKING:  # pragma: no cover
    from .hypergame import HypergameAnalysis


@dataclass
class PerspectiveView:
    """One perspective's answer about the outcome and focal state."""

    name: str
    description: str
    analysis: Analysis
    outcome: dict[str, Any]
    focal_equilibrium: dict[str, bool]
    verdicts: dict[str, dict[str, dict[str, Any]]]   # dm -> concept -> verdict data


@dataclass
class FocalTipping:
    """Where along sweep number ``sweep`` the focal state becomes stable for ``dm``.

    ``concept`` is the strictest concept analysed with a tipping point there, at ``value``; the
    state holds for ``dm`` below it when ``holds_below``, else above it. When a wider concept's
    tipping point lies elsewhere (``wider``, at ``wider_value``), the verdict between the two was
    analysed at their midpoint: ``deterred`` is the move (a state number) that only the wider
    concept deters there, by the sanction ``sanction_path`` (``[(mover, state), ...]``).
    """

    dm: str
    sweep: int
    concept: str
    value: float
    holds_below: bool
    wider: str | None = None
    wider_value: float | None = None
    deterred: int | None = None
    sanction_path: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"dm": self.dm, "sweep": self.sweep, "concept": self.concept, "value": self.value,
                "holds_below": self.holds_below, "wider": self.wider, "wider_value": self.wider_value,
                "deterred": self.deterred, "sanction_path": [list(p) for p in self.sanction_path]}


@dataclass
class Briefing:
    conflict: Conflict
    outcome_name: str
    focal_state: int
    status_quo: int | None
    concepts: list[str]
    views: list[PerspectiveView]
    hypergame: HypergameAnalysis | None = None
    sweeps: list[SweepResult] = field(default_factory=list)
    tippings: list[FocalTipping] = field(default_factory=list)
    """Per DM that rejects the outcome (unstable under every concept in the model) and sweep:
    where along the sweep the focal state holds for it (see :class:`FocalTipping`)."""

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """The model's equilibria under each concept (the first view, the model as built)."""
        return self.views[0].analysis.equilibria

    def summary(self) -> str:
        """Plain text: for each view, whether the outcome holds an equilibrium at the focal state."""
        lines = [f"{self.conflict.name}: is '{self.outcome_name}' (state {self.focal_state}) stable?"]
        for v in self.views:
            held = [c for c, ok in v.focal_equilibrium.items() if ok]
            verdict = f"an equilibrium under {', '.join(held)}" if held else "not an equilibrium"
            lines.append(f"  {v.name}: {verdict}")
        for s in self.sweeps:
            lines += [f"  {t.describe()}" for t in s.tipping_points]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        base = self.views[0].analysis
        out: dict[str, Any] = {
            "conflict": self.conflict.name,
            "outcome": self.outcome_name,
            "focal_state": base.state_info(self.focal_state),
            "status_quo": self.status_quo,
            "concepts": self.concepts,
            "perspectives": {
                v.name: {"description": v.description, "outcome": v.outcome,
                         "focal_equilibrium": v.focal_equilibrium, "verdicts": v.verdicts,
                         "equilibria": v.analysis.equilibria}
                for v in self.views},
            "sweeps": [s.to_dict() for s in self.sweeps],
            "tippings": [t.to_dict() for t in self.tippings],
        }
        if self.hypergame is not None:
            out["hypergame"] = self.hypergame.to_dict()
        return out


def focal_state(analysis: Analysis, outcome: str, status_quo: int | None) -> int:
    """The outcome's state with the fewest option changes from the status quo (lowest number on ties)."""
    states = analysis.outcome(outcome)["states"]
    if not states:
        raise ModelError(f"outcome '{outcome}' contains no feasible state", field=f"outcomes.{outcome}")
    space = analysis.compiled.space
    if status_quo is None or space is None:
        return states[0]
    sq = int(space.codes[status_quo - 1])
    dist = [bin(int(space.codes[s - 1]) ^ sq).count("1") for s in states]
    return states[int(np.argmin(dist))]


def status_quo_state(analysis: Analysis) -> int | None:
    """The scenario's status quo as one state number (the first, if it names several)."""
    spec = analysis.conflict.status_quo
    if spec is None:
        return None
    states = analysis.compiled.states_of(spec, "status_quo")
    return int(states[0]) + 1 if len(states) else None


def brief(conflict: Conflict, *, outcome: str | None = None, sweeps: bool = True,
          concepts: Iterable[str] = DEFAULT_CONCEPTS, parameters: Mapping[str, float] | None = None,
          progress: Progress | None = None) -> Briefing:
    """Build the :class:`Briefing` for ``outcome`` (default: the scenario's first named outcome).

    Every perspective, the hypergame (if the scenario has perceptions) and the scenario's sweeps
    (unless ``sweeps`` is false) are analysed; ``progress(done, total)`` counts those steps.

    >>> import detente
    >>> b = brief(detente.examples.prisoners_dilemma(), outcome="mutual_cooperation", concepts=["nash"])
    >>> b.focal_state, b.views[0].focal_equilibrium
    (4, {'nash': False})
    """
    concepts = list(concepts)
    total = 1 + len(conflict.perspectives) + bool(conflict.perceptions) + (len(conflict.sweeps) if sweeps else 0)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    base = analyze(conflict, concepts=concepts, parameters=parameters)
    step()
    if outcome is None:
        if not base.compiled.outcomes:
            raise ModelError("the scenario names no outcomes; add one under 'outcomes' or pass one",
                             field="outcomes", source=conflict.source)
        outcome = next(iter(base.compiled.outcomes))
    base.outcome(outcome)  # validates the name
    sq = status_quo_state(base)
    focal = focal_state(base, outcome, sq)
    views = [_view("model", conflict.description or "the model as built", base, outcome, focal)]
    for name, p in conflict.perspectives.items():
        views.append(_view(name, p.description, analyze(conflict, concepts=concepts, parameters=parameters,
                                                        perspective=name), outcome, focal))
        step()
    hyper = None
    if conflict.perceptions:
        from .hypergame import analyze_hypergame

        hyper = analyze_hypergame(conflict, concepts=concepts, parameters=parameters)
        step()
    results: list[SweepResult] = []
    if sweeps:
        for spec in conflict.sweeps:
            results.append(sweep(conflict, parameter=spec.parameter, lo=spec.lo, hi=spec.hi, steps=spec.steps,
                                 precision=spec.precision, focus_states=[focal], concepts=concepts,
                                 parameters=parameters, perspective=spec.perspective))
            step()
    tippings = [t for dm in base.dm_names if all(not v["stable"] for v in views[0].verdicts[dm].values())
                for k, s in enumerate(results)
                for t in [_focal_tipping(conflict, s, k, dm, focal, concepts, parameters)] if t is not None]
    return Briefing(conflict, outcome, focal, sq, concepts, views, hyper, results, tippings)


def _focal_tipping(conflict: Conflict, s: SweepResult, k: int, dm: str, focal: int, concepts: list[str],
                   parameters: Mapping[str, float] | None) -> FocalTipping | None:
    """Where along sweep ``s`` the focal state holds for ``dm``, and what differs between concepts."""
    prefix = f"state {focal}: stable for {dm} ("
    points = {t.what[len(prefix):-1]: t for t in s.tipping_points if t.what.startswith(prefix)}
    if not points:
        return None
    strict = concepts[-1] if concepts[-1] in points else next(iter(points))
    t = points[strict]
    out = FocalTipping(dm, k, strict, float(t.value), t.after is False)
    wider = [(c, p) for c, p in points.items() if c != strict and abs(p.value - t.value) > 1e-9]
    if wider:
        c, p = max(wider, key=lambda cp: abs(cp[1].value - t.value))
        mid = (p.value + t.value) / 2
        a = analyze(conflict, concepts=concepts, parameters={**dict(parameters or {}), s.parameter: mid},
                    perspective=s.perspective)
        v = a.verdict(focal, dm, c)
        deterred = [x for x in v.sanctions if x.sanction is not None]
        if v.stable and deterred:
            out.wider, out.wider_value = c, float(p.value)
            out.deterred = deterred[0].improvement + 1
            out.sanction_path = [(a.dm_names[mv], st + 1) for mv, st in deterred[0].path]
    return out


def _view(name: str, description: str, analysis: Analysis, outcome: str, focal: int) -> PerspectiveView:
    verdicts = {dm: {c: verdict_to_dict(analysis.verdict(focal, dm, c), analysis.dm_names)
                     for c in analysis.concepts} for dm in analysis.dm_names}
    eq = {c: focal in analysis.equilibria[c] for c in analysis.concepts}
    return PerspectiveView(name, description.strip(), analysis, analysis.outcome(outcome), eq, verdicts)
