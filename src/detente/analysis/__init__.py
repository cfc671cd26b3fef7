"""Questions analysts ask, built on the engine: equilibria, perspectives, hypergames, sweeps,
Monte Carlo, evolution from the status quo, coalitions, inverse analysis and bargaining payoffs."""

from .briefing import Briefing, brief
from .compile import Compiled, compile_conflict
from .equilibria import Analysis, analyze
from .hypergame import HypergameAnalysis, analyze_hypergame
from .montecarlo import monte_carlo, parse_distribution
from .perspectives import PerspectiveComparison, analyze_perspectives
from .sweep import SweepResult, TippingPoint, sweep

__all__ = ["Analysis", "analyze", "Compiled", "compile_conflict", "sweep", "SweepResult", "TippingPoint",
           "monte_carlo", "parse_distribution", "brief", "Briefing", "analyze_hypergame", "HypergameAnalysis", "analyze_perspectives",
           "PerspectiveComparison"]
