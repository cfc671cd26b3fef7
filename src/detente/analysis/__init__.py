"""Questions analysts ask, built on the engine: equilibria, perspectives, hypergames, sweeps,
evolution from the status quo, coalitions, inverse analysis and bargaining payoffs."""

from .compile import Compiled, compile_conflict
from .equilibria import Analysis, analyze

__all__ = ["Analysis", "analyze", "Compiled", "compile_conflict"]
