"""Questions analysts ask, built on the engine: equilibria, perspectives, hypergames, sweeps,
Monte Carlo, evolution from the status quo, coalitions, inverse analysis and bargaining payoffs."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .briefing import Briefing, brief
    from .coalitions import CoalitionAnalysis, coalition_stability, merged_analysis
    from .compile import Compiled, compile_conflict
    from .equilibria import Analysis, analyze
    from .evolution import Evolution, evolve
    from .hypergame import HypergameAnalysis, analyze_hypergame
    from .inverse import InverseResult, inverse
    from .limited_move import LimitedMove, limited_move
    from .montecarlo import monte_carlo, parse_distribution
    from .perspectives import PerspectiveComparison, analyze_perspectives
    from .sweep import SweepResult, TippingPoint, sweep

_HOME = {
    "brief": "briefing", "Briefing": "briefing",
    "CoalitionAnalysis": "coalitions", "coalition_stability": "coalitions", "merged_analysis": "coalitions",
    "Compiled": "compile", "compile_conflict": "compile",
    "Analysis": "equilibria", "analyze": "equilibria",
    "Evolution": "evolution", "evolve": "evolution",
    "HypergameAnalysis": "hypergame", "analyze_hypergame": "hypergame",
    "InverseResult": "inverse", "inverse": "inverse",
    "LimitedMove": "limited_move", "limited_move": "limited_move",
    "monte_carlo": "montecarlo", "parse_distribution": "montecarlo",
    "PerspectiveComparison": "perspectives", "analyze_perspectives": "perspectives",
    "SweepResult": "sweep", "TippingPoint": "sweep", "sweep": "sweep",
}


def __getattr__(name: str):
    """Each analysis module is imported when one of its names is first used (fast start-up)."""
    if name in _HOME:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Analysis", "analyze", "Compiled", "compile_conflict", "sweep", "SweepResult", "TippingPoint",
           "monte_carlo", "parse_distribution", "brief", "Briefing", "analyze_hypergame", "HypergameAnalysis", "analyze_perspectives",
           "PerspectiveComparison", "evolve", "Evolution", "coalition_stability", "CoalitionAnalysis",
           "merged_analysis", "limited_move", "LimitedMove", "inverse", "InverseResult"]
