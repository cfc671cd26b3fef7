"""The conflict model: decision makers, options, feasibility, preferences (pure data)."""

from .conflict import (Belief, Conflict, MapSpec, Parameter, DecisionMaker, GraphForm, Option, Perception, Perspective,
                       Reversibility, SweepSpec)
from .feasibility import Feasibility
from .preferences import Payoff, Preference, Prioritization, Ranking

__all__ = ["Parameter", "Belief", "MapSpec", "Conflict", "DecisionMaker", "Option", "GraphForm", "Perspective", "Perception",
           "Reversibility", "SweepSpec", "Feasibility", "Payoff", "Preference", "Prioritization", "Ranking"]
