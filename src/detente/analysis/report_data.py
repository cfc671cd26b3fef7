"""Every result a report shows, computed once: :func:`report_data` returns a :class:`ReportData`.

A report lays out results; it runs no analysis. This module decides what to run for one and
runs it, so the policy lives with the analyses rather than with the layout:

- the main :class:`~detente.analysis.equilibria.Analysis` (with ``parameters`` and
  ``perspective``) and the status quo it starts from (``status_quo``, else the scenario's);
- the evolution from the status quo: by moves, unilateral and coalitional improvements when
  states × coalitions is at most :data:`COALITIONAL_BUDGET`, without the coalitional mode above
  that, and by unilateral improvements only on models above ``summary_threshold`` states;
- the scenario's perspectives and its hypergame (as the report's perspective sees it);
- the scenario's declared sweeps (not on models above ``summary_threshold`` states);
- the one-page :class:`~detente.analysis.answer.Answer` (for the model itself, when the scenario
  names outcomes).

An optional part that fails (a :class:`~detente.errors.DetenteError`) is left out with a note
saying why; the main analysis and the status quo the caller names must succeed.

>>> import detente
>>> data = report_data(detente.examples.prisoners_dilemma(), concepts=["nash", "seq"])
>>> data.equilibria, data.status_quo, data.evolution is None
({'nash': [1], 'seq': [1, 4]}, None, True)
>>> print(data.summary().splitlines()[0])
Report data for Prisoner's Dilemma: 4 states, concepts Nash, SEQ
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.stability import CONCEPT_LABELS, normalize_concepts
from ..errors import DetenteError
from ..model import Conflict, SweepSpec
from .answer import Answer, answer
from .common import DEFAULT_CONCEPTS, Progress, resolve_state, state_list
from .equilibria import Analysis, analyze
from .evolution import Evolution, evolve
from .hypergame import HypergameAnalysis, analyze_hypergame
from .perspectives import PerspectiveComparison, analyze_perspectives
from .sweep import SweepResult, sweep

SUMMARY_THRESHOLD = 5000
"""Above this many states a report shows only summary tables (and runs no declared sweep)."""
COALITIONAL_BUDGET = 2048
"""Evolution by coalitional improvements (each coalition's reach from every state reached) is traced
when states × coalitions is at most this."""
SECTIONS = ("answer", "evolution", "perspectives", "hypergame", "sweeps")
"""The optional parts :func:`report_data` computes unless ``include`` leaves them out."""


@dataclass
class DeclaredSweep:
    """One sweep the scenario declares (``spec``) and its result."""

    spec: SweepSpec
    result: SweepResult


@dataclass
class ReportData:
    """The results a report shows (see the module docstring); :func:`report_data` builds it.

    ``notes`` say which optional parts were left out and why; ``evolution_note`` says which
    evolution modes were left out for the model's size.
    """

    conflict: Conflict
    analysis: Analysis
    parameters: dict[str, float]
    perspective: str | None
    status_quo: int | None
    status_quo_note: str
    summary_threshold: int
    evolution: Evolution | None = None
    evolution_note: str = ""
    perspectives: PerspectiveComparison | None = None
    hypergame: HypergameAnalysis | None = None
    sweeps: list[DeclaredSweep] = field(default_factory=list)
    answer: Answer | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def concepts(self) -> list[str]:
        """The concepts analysed."""
        return list(self.analysis.concepts)

    @property
    def n_states(self) -> int:
        return int(self.analysis.n_states)

    @property
    def summary_mode(self) -> bool:
        """Whether the model is above ``summary_threshold`` states (a report then summarises)."""
        return self.n_states > self.summary_threshold

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """The main analysis's equilibria, ``{concept: [state numbers]}``."""
        return {c: list(v) for c, v in self.analysis.equilibria.items()}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): each part's own ``to_dict()``, ``None`` where it was not computed."""
        return {
            "conflict": self.conflict.name,
            "parameters": dict(self.parameters),
            "perspective": self.perspective,
            "status_quo": self.status_quo,
            "status_quo_note": self.status_quo_note,
            "summary_mode": self.summary_mode,
            "analysis": self.analysis.to_dict(),
            "evolution": self.evolution.to_dict() if self.evolution is not None else None,
            "evolution_note": self.evolution_note,
            "perspectives": self.perspectives.to_dict() if self.perspectives is not None else None,
            "hypergame": self.hypergame.to_dict() if self.hypergame is not None else None,
            "sweeps": [s.result.to_dict() for s in self.sweeps],
            "answer": self.answer.to_dict() if self.answer is not None else None,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """A few lines: the equilibria, the status quo and which parts were computed."""
        lines = [f"Report data for {self.conflict.name or 'the conflict'}: {self.n_states} states, concepts "
                 + ", ".join(CONCEPT_LABELS[c] for c in self.concepts)]
        lines += [f"  {CONCEPT_LABELS[c]} equilibria: {state_list(eq)}" for c, eq in self.equilibria.items()]
        lines.append(f"  status quo: state {self.status_quo}" if self.status_quo is not None
                     else f"  status quo: none ({self.status_quo_note})")
        parts = [name for name, value in (("evolution", self.evolution), ("perspectives", self.perspectives),
                                          ("hypergame", self.hypergame), ("answer", self.answer)) if value is not None]
        if self.sweeps:
            parts.append(f"{len(self.sweeps)} sweep(s)")
        lines.append("  computed: " + (", ".join(parts) if parts else "the main analysis only"))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.summary()


def _evolution(data: ReportData) -> None:
    analysis, sq = data.analysis, data.status_quo
    assert sq is not None
    n = len(analysis.dm_names)
    n_coalitions = len(data.conflict.coalitions) or (2 ** n - n - 1)
    if data.summary_mode:
        modes = ["improvements"]
        data.evolution_note = ("Only evolution by unilateral improvements is traced: the model is large "
                               f"({analysis.n_states} states).")
    elif analysis.n_states * n_coalitions > COALITIONAL_BUDGET:
        modes = ["moves", "improvements"]
        data.evolution_note = (f"Coalitional improvements are not traced here: {analysis.n_states} states × "
                               f"{n_coalitions} coalitions is more than {COALITIONAL_BUDGET}; `detente evolve` "
                               "traces them on request.")
    else:
        modes = ["moves", "improvements", "coalitional"]
    try:
        data.evolution = evolve(analysis, status_quo=sq, modes=modes, concepts=analysis.concepts)
    except DetenteError as exc:
        data.notes.append(f"Evolution from the status quo could not be traced: {exc}")


def _perspectives(data: ReportData) -> None:
    try:
        data.perspectives = analyze_perspectives(data.conflict, concepts=data.concepts,
                                                 parameters=dict(data.parameters) or None)
    except DetenteError as exc:
        data.notes.append(f"Perspectives could not be analysed: {exc}")


def _hypergame(data: ReportData, concept: str) -> None:
    base = data.conflict.with_perspective(data.perspective) if data.perspective else data.conflict
    try:
        data.hypergame = analyze_hypergame(base, concept_for_choice=concept, concepts=data.concepts,
                                           parameters=dict(data.parameters) or None)
    except DetenteError as exc:
        data.notes.append(f"The hypergame could not be analysed: {exc}")


def _sweeps(data: ReportData, specs: list[SweepSpec]) -> None:
    for sp in specs:
        fixed = {k: v for k, v in data.parameters.items() if k != sp.parameter}
        try:
            res = sweep(data.conflict, parameter=sp.parameter, lo=sp.lo, hi=sp.hi, steps=sp.steps,
                        precision=sp.precision, concepts=data.concepts, perspective=sp.perspective,
                        parameters=fixed or None)
        except DetenteError as exc:
            data.notes.append(f"Sweep of {sp.parameter} could not be run: {exc}")
            continue
        data.sweeps.append(DeclaredSweep(sp, res))


def report_data(conflict: Conflict, *, status_quo: Any = None, include: Iterable[str] | None = None,
                summary_threshold: int = SUMMARY_THRESHOLD, choice_concept: str | None = None,
                concepts: Iterable[str] = DEFAULT_CONCEPTS, parameters: Mapping[str, float] | None = None,
                perspective: str | None = None, progress: Progress | None = None) -> ReportData:
    """Run every analysis a report of ``conflict`` shows (see the module docstring).

    Parameters
    ----------
    conflict : Conflict
        The conflict.
    status_quo : int, str or None
        Where the evolution starts: a state number, a named outcome or a condition naming one
        state (default: the scenario's status quo). A value that names no single state is a
        :class:`~detente.errors.ModelError` (field ``status_quo``).
    include : iterable of str or None
        The optional parts to compute, some of :data:`SECTIONS` (default: all).
    summary_threshold : int
        Above this many states the evolution is traced by unilateral improvements only and the
        declared sweeps are not run.
    choice_concept : str or None
        The concept of the hypergame's choices and labels (default SEQ if analysed, else the
        first concept).
    concepts, parameters, perspective
        As in :func:`~detente.analysis.equilibria.analyze`; the perspectives and the sweeps use
        the same concepts and parameters.
    progress : callable or None
        ``progress(done, total)`` after each part.

    Returns
    -------
    ReportData

    Examples
    --------
    >>> import detente
    >>> data = report_data(detente.examples.prisoners_dilemma(), status_quo=1, include=["evolution"])
    >>> data.status_quo, data.evolution.modes, data.hypergame is None
    (1, ['moves', 'improvements', 'coalitional'], True)
    """
    names = normalize_concepts(concepts)
    wanted = set(SECTIONS if include is None else include)
    unknown = wanted - set(SECTIONS)
    if unknown:
        raise DetenteError(f"unknown report part(s) {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})",
                           field="include")
    if choice_concept is None:
        choice = "seq" if "seq" in names else names[0]
    else:
        choice = normalize_concepts([choice_concept])[0]
    overrides = dict(parameters or {})
    specs = list(conflict.sweeps or [])
    steps = [part for part in ("evolution", "perspectives", "hypergame", "sweeps", "answer") if part in wanted]
    total = 1 + len(steps)
    analysis = analyze(conflict, concepts=names, parameters=overrides, perspective=perspective)
    if progress is not None:
        progress(1, total)
    sq: int | None = None
    sq_note = ""
    if status_quo is not None:
        sq = resolve_state(analysis.compiled, status_quo, "status_quo") + 1
    elif conflict.status_quo not in (None, "", []):
        try:
            sq = resolve_state(analysis.compiled, conflict.status_quo, "status_quo") + 1
        except DetenteError as exc:
            sq_note = f"The scenario's status quo does not name one state: {exc.reason}"
    else:
        sq_note = "The scenario names no status quo (give one with --from STATE)."
    data = ReportData(conflict, analysis, overrides, perspective, sq, sq_note, summary_threshold)
    for k, part in enumerate(steps, start=2):
        if part == "evolution" and sq is not None:
            _evolution(data)
        elif part == "perspectives" and conflict.perspectives:
            _perspectives(data)
        elif part == "hypergame" and conflict.perceptions:
            _hypergame(data, choice)
        elif part == "sweeps" and specs:
            if data.summary_mode:
                data.notes.append(f"The scenario's {len(specs)} sweep(s) are not run for a model this large; "
                                  "use `detente sweep`.")
            else:
                _sweeps(data, specs)
        elif part == "answer" and perspective is None and conflict.outcomes:
            try:
                data.answer = answer(conflict, parameters=overrides)
            except DetenteError as exc:
                data.notes.append(f"No one-page answer: {exc.reason}")
        if progress is not None:
            progress(k, total)
    return data


__all__ = ["ReportData", "DeclaredSweep", "report_data", "SUMMARY_THRESHOLD", "COALITIONAL_BUDGET", "SECTIONS"]
