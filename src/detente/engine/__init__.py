"""The engine: arrays in, arrays out. No files, no printing.

- :mod:`.states`: feasible states and their numbering;
- :mod:`.moves`: unilateral moves and reductions over them;
- :mod:`.reach`: coalition reachability (legal sequences, no DM twice in succession);
- :mod:`.improvements`: coalitional improvements from many start states at once (no states ×
  states table);
- :mod:`.stability`: Nash, GMR, SMR, SEQ, SIM, SEQ-SIM kernels;
- :mod:`.witness`: the move and sanction behind every verdict;
- :mod:`.reference`: a brute-force reference straight from the definitions.
"""

from .moves import GraphMoves, OptionMoves
from .reach import Reach, reach_min
from .stability import CONCEPT_LABELS, CONCEPTS, Game, equilibria, stability, stable_for
from .states import StateSpace

__all__ = ["Game", "OptionMoves", "GraphMoves", "StateSpace", "Reach", "reach_min", "stability",
           "stable_for", "equilibria", "CONCEPTS", "CONCEPT_LABELS"]
