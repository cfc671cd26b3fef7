"""detente: strategic conflict analysis with the Graph Model for Conflict Resolution.

>>> import detente
>>> result = detente.analyze(detente.examples.prisoners_dilemma())
>>> result.equilibria["nash"], result.equilibria["seq"]
([1], [1, 4])

The public API is a small façade over plain functions. Every analysis takes the conflict first
and everything else as keywords, in one order: its own arguments, then ``concepts``,
``parameters``, ``perspective``, ``progress`` (a callback ``progress(done, total)``). Every
result has ``to_dict()`` (plain data for JSON), ``summary()`` (a few lines of text) and, where
it applies, ``equilibria`` (``{concept: [state numbers]}``).

- files: :func:`load`, :func:`save` (YAML, JSON or GMCR+ ``.gmcr``; more in :mod:`detente.io`);
- analyses: :func:`analyze`, :func:`sweep`, :func:`monte_carlo`, :func:`evolve`,
  :func:`coalition_stability`, :func:`merged_analysis`, :func:`limited_move`, :func:`inverse`,
  :func:`analyze_perspectives`, :func:`analyze_hypergame`, :func:`brief`, and
  :func:`report_data` (every result a report shows);
- reports: :func:`build_report` (the analyses, then the report's layout), written with
  :func:`detente.report.write_report`;
- the model classes to build conflicts in code (:class:`Conflict`, :class:`DecisionMaker`,
  :class:`Option`, ...), and :func:`conflict` for a quick start:

>>> c = detente.conflict("Standoff", {"us": ["strike"], "them": ["withdraw"]},
...                      preferences={"us": ["them.withdraw", "not us.strike"],
...                                   "them": ["not us.strike", "not them.withdraw"]})
>>> detente.analyze(c, concepts=["nash"]).equilibria
{'nash': [1]}
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DetenteError
from .model import (Conflict, DecisionMaker, Feasibility, GraphForm, Option, Payoff, Perception,
                    Perspective, Prioritization, Ranking)
from .model.builder import conflict

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs; loaded lazily at run time
    from . import examples, io
    from .analysis.equilibria import Analysis, analyze
    from .analysis.briefing import Briefing, brief
    from .analysis.coalitions import CoalitionAnalysis, MergedAnalysis, coalition_stability, merged_analysis
    from .analysis.evolution import Evolution, evolve
    from .analysis.hypergame import HypergameAnalysis, analyze_hypergame
    from .analysis.inverse import InverseResult, inverse
    from .analysis.limited_move import LimitedMove, limited_move
    from .analysis.montecarlo import MonteCarloResult, monte_carlo, parse_distribution
    from .analysis.perspectives import PerspectiveComparison, analyze_perspectives
    from .analysis.report_data import ReportData, report_data
    from .report.builder import Report
    from .analysis.sweep import SweepResult, TippingPoint, sweep

_LAZY: dict[str, tuple[str, str | None]] = {
    "io": ("detente.io", None),
    "examples": ("detente.examples", None),
    "analyze": ("detente.analysis.equilibria", "analyze"),
    "Analysis": ("detente.analysis.equilibria", "Analysis"),
    "brief": ("detente.analysis.briefing", "brief"),
    "Briefing": ("detente.analysis.briefing", "Briefing"),
    "coalition_stability": ("detente.analysis.coalitions", "coalition_stability"),
    "CoalitionAnalysis": ("detente.analysis.coalitions", "CoalitionAnalysis"),
    "merged_analysis": ("detente.analysis.coalitions", "merged_analysis"),
    "MergedAnalysis": ("detente.analysis.coalitions", "MergedAnalysis"),
    "evolve": ("detente.analysis.evolution", "evolve"),
    "Evolution": ("detente.analysis.evolution", "Evolution"),
    "analyze_hypergame": ("detente.analysis.hypergame", "analyze_hypergame"),
    "HypergameAnalysis": ("detente.analysis.hypergame", "HypergameAnalysis"),
    "inverse": ("detente.analysis.inverse", "inverse"),
    "InverseResult": ("detente.analysis.inverse", "InverseResult"),
    "limited_move": ("detente.analysis.limited_move", "limited_move"),
    "LimitedMove": ("detente.analysis.limited_move", "LimitedMove"),
    "monte_carlo": ("detente.analysis.montecarlo", "monte_carlo"),
    "MonteCarloResult": ("detente.analysis.montecarlo", "MonteCarloResult"),
    "parse_distribution": ("detente.analysis.montecarlo", "parse_distribution"),
    "analyze_perspectives": ("detente.analysis.perspectives", "analyze_perspectives"),
    "PerspectiveComparison": ("detente.analysis.perspectives", "PerspectiveComparison"),
    "report_data": ("detente.analysis.report_data", "report_data"),
    "ReportData": ("detente.analysis.report_data", "ReportData"),
    "sweep": ("detente.analysis.sweep", "sweep"),
    "SweepResult": ("detente.analysis.sweep", "SweepResult"),
    "TippingPoint": ("detente.analysis.sweep", "TippingPoint"),
}
"""Names loaded on first use, so ``import detente`` stays quick (the CLI starts from it)."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = importlib.import_module(module)
        if attr is not None:
            value = getattr(value, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))



def load(path: str | PathLike[str]) -> Conflict:
    """Read a conflict from a scenario file: ``.yaml``/``.yml``, ``.json`` or GMCR+ ``.gmcr``.

    Every problem with the file is a :class:`DetenteError` naming the file, the field and the
    reason.

    >>> import detente
    >>> detente.load("no-such-file.yaml")
    Traceback (most recent call last):
    ...
    detente.errors.FileFormatError: no-such-file.yaml: file not found
    """
    from .io import load as _load

    return _load(path)


def save(conflict: Conflict, path: str | PathLike[str]) -> None:
    """Write ``conflict`` to ``path`` in the format its extension names: ``.yaml``/``.yml``,
    ``.json`` (scenario files) or ``.gmcr`` (GMCR+). Names are kept exactly as written.

    >>> import detente, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pd.gmcr"
    >>> detente.save(detente.examples.prisoners_dilemma(), path)
    >>> detente.load(path).dm_names
    ['alice', 'bob']
    """
    from .io import save as _save

    _save(conflict, path)


def build_report(conflict: Conflict, *, status_quo: Any = None, include: Iterable[str] | None = None,
                 graph_concept: str | None = None, max_graph_nodes: int = 60, summary_threshold: int = 5000,
                 concepts: Iterable[str] = ("nash", "gmr", "smr", "seq"), parameters: Mapping[str, float] | None = None,
                 perspective: str | None = None, progress: Callable[[int, int], None] | None = None) -> "Report":
    """Analyse ``conflict`` for a report and lay the results out: :func:`report_data`, then
    :func:`detente.report.build_report`.

    Parameters
    ----------
    conflict : Conflict
        The conflict.
    status_quo, include, summary_threshold, concepts, parameters, perspective, progress
        As in :func:`report_data` (``graph_concept`` is also the hypergame's choice concept).
    graph_concept, max_graph_nodes
        As in :func:`detente.report.build_report`.

    Returns
    -------
    detente.report.Report
        Write it with :func:`detente.report.write_report` (``.html`` or ``.md``).

    Examples
    --------
    >>> import detente
    >>> rep = detente.build_report(detente.examples.prisoners_dilemma(), concepts=["nash", "seq"])
    >>> rep.graph_concept, rep.equilibria.counts
    ('seq', {'nash': 1, 'seq': 2})
    """
    from .analysis.report_data import report_data as _report_data
    from .report.builder import build_report as _build, graph_concept_for

    chosen = graph_concept_for(concepts, graph_concept)          # checked before the work
    data = _report_data(conflict, status_quo=status_quo, include=include, summary_threshold=summary_threshold,
                        choice_concept=chosen, concepts=concepts, parameters=parameters, perspective=perspective,
                        progress=progress)
    return _build(data, graph_concept=chosen, max_graph_nodes=max_graph_nodes)


__all__ = ["load", "save", "build_report", "report_data", "ReportData", "analyze", "Analysis", "conflict", "Conflict", "DecisionMaker", "Option",
           "Feasibility", "GraphForm", "Payoff", "Prioritization", "Ranking", "Perspective", "Perception",
           "DetenteError", "examples", "io", "__version__",
           "brief", "Briefing", "coalition_stability", "CoalitionAnalysis", "merged_analysis", "MergedAnalysis",
           "evolve", "Evolution", "analyze_hypergame", "HypergameAnalysis", "inverse", "InverseResult",
           "limited_move", "LimitedMove", "monte_carlo", "MonteCarloResult", "parse_distribution",
           "analyze_perspectives", "PerspectiveComparison", "sweep", "SweepResult", "TippingPoint"]
