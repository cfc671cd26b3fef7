"""Feasibility: which combinations of options can actually occur.

All constraints are written with option names and reduce to a list of *infeasibility
conditions*; a state is feasible iff it satisfies none of them.

>>> f = Feasibility(mutually_exclusive=[["a", "b"]], implications=[("c", "a")])
>>> f.infeasible_conditions()
['(a) and (b)', '(c) and not (a)']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations


@dataclass
class Feasibility:
    """Constraints on option combinations.

    - ``infeasible``: conditions (expressions) describing impossible states;
    - ``patterns``: impossible partial assignments, ``{"us.withdraw": True, "us.support": True}``;
    - ``mutually_exclusive``: groups of options of which at most one may be taken;
    - ``at_least_one``: groups of options of which one or more must be taken;
    - ``implications``: ``(p, q)`` pairs: whenever condition p holds, q must hold too.
    """

    infeasible: list[str] = field(default_factory=list)
    patterns: list[dict[str, bool]] = field(default_factory=list)
    mutually_exclusive: list[list[str]] = field(default_factory=list)
    at_least_one: list[list[str]] = field(default_factory=list)
    implications: list[tuple[str, str]] = field(default_factory=list)

    def infeasible_conditions(self) -> list[str]:
        """Every constraint as one condition that marks states to remove."""
        conds = list(self.infeasible)
        for pattern in self.patterns:
            conds.append(pattern_condition(pattern))
        for group in self.mutually_exclusive:
            conds.extend(f"({a}) and ({b})" for a, b in combinations(group, 2))
        for group in self.at_least_one:
            conds.append("not (" + " or ".join(f"({o})" for o in group) + ")")
        for p, q in self.implications:
            conds.append(f"({p}) and not ({q})")
        return conds

    def sources(self) -> list[tuple[str, str]]:
        """(field path, condition) for every infeasibility condition, for error messages."""
        out: list[tuple[str, str]] = [(f"feasibility.infeasible[{k}]", c) for k, c in enumerate(self.infeasible)]
        out += [(f"feasibility.patterns[{k}]", pattern_condition(p)) for k, p in enumerate(self.patterns)]
        for k, group in enumerate(self.mutually_exclusive):
            out += [(f"feasibility.mutually_exclusive[{k}]", f"({a}) and ({b})") for a, b in combinations(group, 2)]
        out += [(f"feasibility.at_least_one[{k}]", "not (" + " or ".join(f"({o})" for o in g) + ")")
                for k, g in enumerate(self.at_least_one)]
        out += [(f"feasibility.implications[{k}]", f"({p}) and not ({q})") for k, (p, q) in enumerate(self.implications)]
        return out

    def is_empty(self) -> bool:
        return not (self.infeasible or self.patterns or self.mutually_exclusive or self.at_least_one
                    or self.implications)


def pattern_condition(pattern: dict[str, bool]) -> str:
    """The condition matching a partial assignment ``{option: taken}``."""
    if not pattern:
        return "true"
    return " and ".join(name if taken else f"not {name}" for name, taken in pattern.items())
