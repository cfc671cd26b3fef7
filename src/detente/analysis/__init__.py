"""Questions analysts ask, built on the engine: equilibria, perspectives, hypergames, sweeps,
Monte Carlo, evolution from the status quo, coalitions, inverse analysis and bargaining payoffs.

Every analysis takes the conflict first and everything else as keywords (its own arguments, then
``concepts``, ``parameters``, ``perspective``, ``progress``); every result has ``to_dict()``,
``summary()`` and, where it applies, ``equilibria`` (``{concept: [state numbers]}``).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .briefing import Briefing, brief
    from .coalitions import CoalitionAnalysis, MergedAnalysis, coalition_stability, merged_analysis
    from .common import DEFAULT_CONCEPTS, Progress
    from .compile import Compiled, compile_conflict
    from .equilibria import Analysis, analyze
    from .evolution import Evolution, evolve
    from .hypergame import HypergameAnalysis, analyze_hypergame
    from .inverse import InverseResult, inverse
    from .limited_move import LimitedMove, limited_move
    from .montecarlo import MonteCarloResult, monte_carlo, parse_distribution
    from .perspectives import PerspectiveComparison, analyze_perspectives
    from .report_data import ReportData, report_data
    from .sweep import SweepResult, TippingPoint, sweep

    RESULT_TYPES: tuple[type, ...]

_HOME = {
    "brief": "briefing", "Briefing": "briefing",
    "CoalitionAnalysis": "coalitions", "coalition_stability": "coalitions", "merged_analysis": "coalitions",
    "MergedAnalysis": "coalitions",
    "DEFAULT_CONCEPTS": "common", "Progress": "common",
    "Compiled": "compile", "compile_conflict": "compile",
    "Analysis": "equilibria", "analyze": "equilibria",
    "Evolution": "evolution", "evolve": "evolution",
    "HypergameAnalysis": "hypergame", "analyze_hypergame": "hypergame",
    "InverseResult": "inverse", "inverse": "inverse",
    "LimitedMove": "limited_move", "limited_move": "limited_move",
    "monte_carlo": "montecarlo", "parse_distribution": "montecarlo", "MonteCarloResult": "montecarlo",
    "PerspectiveComparison": "perspectives", "analyze_perspectives": "perspectives",
    "ReportData": "report_data", "report_data": "report_data",
    "SweepResult": "sweep", "TippingPoint": "sweep", "sweep": "sweep",
}

_RESULT_TYPE_NAMES = ("Analysis", "Briefing", "CoalitionAnalysis", "MergedAnalysis", "Evolution",
                      "HypergameAnalysis", "InverseResult", "LimitedMove", "MonteCarloResult",
                      "PerspectiveComparison", "ReportData", "SweepResult", "TippingPoint")
"""``RESULT_TYPES``: every result type the analyses return (each has ``to_dict()`` and ``summary()``)."""


def __getattr__(name: str):
    """Each analysis module is imported when one of its names is first used (fast start-up)."""
    import importlib

    if name in _HOME:
        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    elif name == "RESULT_TYPES":
        value = tuple(__getattr__(n) for n in _RESULT_TYPE_NAMES)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = ["Analysis", "analyze", "Compiled", "compile_conflict", "sweep", "SweepResult", "TippingPoint",
           "monte_carlo", "MonteCarloResult", "parse_distribution", "brief", "Briefing", "analyze_hypergame",
           "HypergameAnalysis", "analyze_perspectives", "PerspectiveComparison", "evolve", "Evolution",
           "coalition_stability", "CoalitionAnalysis", "merged_analysis", "MergedAnalysis", "limited_move",
           "LimitedMove", "inverse", "InverseResult", "report_data", "ReportData", "DEFAULT_CONCEPTS", "Progress", "RESULT_TYPES"]
