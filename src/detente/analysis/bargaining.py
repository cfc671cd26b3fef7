"""Bargaining models of war (Fearon 1995; the value of waiting in Powell 2006's framework).

The formulas live in :mod:`detente.model.bargaining`, with the expression language that calls
them from payoff formulas (file validation needs them too, and reads only the model); this
module keeps the analysis-layer name ``detente.analysis.bargaining`` for them.

>>> round(value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5), 4)
0.3158
"""

from ..model.bargaining import *  # noqa: F401,F403 - the public names, re-exported
from ..model.bargaining import __all__  # noqa: F401
