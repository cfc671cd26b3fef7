"""Questions analysts ask, built on the engine: equilibria, perspectives, hypergames, sweeps,
Monte Carlo, evolution from the status quo, coalitions, inverse analysis and bargaining payoffs."""

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

__all__ = ["Analysis", "analyze", "Compiled", "compile_conflict", "sweep", "SweepResult", "TippingPoint",
           "monte_carlo", "parse_distribution", "brief", "Briefing", "analyze_hypergame", "HypergameAnalysis", "analyze_perspectives",
           "PerspectiveComparison", "evolve", "Evolution", "coalition_stability", "CoalitionAnalysis",
           "merged_analysis", "limited_move", "LimitedMove", "inverse", "InverseResult"]
