"""detente: strategic conflict analysis with the Graph Model for Conflict Resolution.

>>> import detente
>>> result = detente.analyze(detente.examples.prisoners_dilemma())
>>> result.equilibria["nash"], result.equilibria["seq"]
([1], [1, 4])

The few names most users need: :func:`load` a scenario file (YAML, JSON or GMCR+ ``.gmcr``),
:func:`analyze` it, and the model classes to build conflicts in code.
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING

from .errors import DetenteError
from .model import (Conflict, DecisionMaker, Feasibility, GraphForm, Option, Payoff, Perception,
                    Perspective, Prioritization, Ranking)

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from . import examples
    from .analysis.equilibria import Analysis, analyze

_LAZY = {"analyze": ("detente.analysis.equilibria", "analyze"),
         "Analysis": ("detente.analysis.equilibria", "Analysis"),
         "examples": ("detente.examples", None)}


def __getattr__(name: str):
    """Import the analysis layer on first use, so that ``import detente`` (and the command line)
    stays fast for commands that never need it."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = importlib.import_module(module)
        if attr is not None:
            value = getattr(value, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def load(path: str | PathLike[str]) -> Conflict:
    """Read a conflict from a scenario file: ``.yaml``/``.yml``, ``.json`` or GMCR+ ``.gmcr``."""
    from .io import load as _load

    return _load(path)


__all__ = ["load", "analyze", "Analysis", "Conflict", "DecisionMaker", "Option", "Feasibility",
           "GraphForm", "Payoff", "Prioritization", "Ranking", "Perspective", "Perception",
           "DetenteError", "examples", "__version__"]
