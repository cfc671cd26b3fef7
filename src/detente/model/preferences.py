"""How a decision maker ranks states: three ways to say it.

- :class:`Ranking`: states listed best first, ties grouped (small models, graph form);
- :class:`Prioritization`: option-prioritization statements, most important first. With k
  statements, statement j (0-based) weighs 2^(k-1-j); a state's score is the sum of the weights
  of the statements it satisfies, so the order is lexicographic on the truth vector;
- :class:`Payoff`: a formula over options and named parameters; higher is better.

All three become *preference levels*: one number per state, higher = more preferred, equal =
tie. The engine only ever sees levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass
class Ranking:
    """States best first; an inner list is a group of equally preferred states.

    >>> Ranking([[4], [1, 3], [2]]).levels_by_state()
    {4: 2, 1: 1, 3: 1, 2: 0}
    """

    order: list[list[int]]

    def levels_by_state(self) -> dict[int, int]:
        top = len(self.order) - 1
        return {s: top - k for k, group in enumerate(self.order) for s in group}


@dataclass
class Prioritization:
    """Option-prioritization statements, most important first (conditions as text)."""

    statements: list[str]


@dataclass
class Payoff:
    """A payoff formula; ``parameters`` here are defaults local to this DM."""

    formula: str
    parameters: dict[str, float] = field(default_factory=dict)


Preference = Union[Ranking, Prioritization, Payoff]
