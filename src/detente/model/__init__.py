"""The conflict model: decision makers, options, feasibility, preferences (pure data)."""

from .conflict import (Conflict, DecisionMaker, GraphForm, Option, Perception, Perspective,
                       Reversibility)
from .feasibility import Feasibility
from .preferences import Payoff, Preference, Prioritization, Ranking

__all__ = ["Conflict", "DecisionMaker", "Option", "GraphForm", "Perspective", "Perception",
           "Reversibility", "Feasibility", "Payoff", "Preference", "Prioritization", "Ranking"]
