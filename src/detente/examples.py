"""Small classic conflicts built in code, for docs, tests and first steps.

The scenario files in the repository's ``examples/`` folder hold these and larger ones.
"""

from __future__ import annotations

from .model import Conflict, DecisionMaker, Option, Prioritization


def prisoners_dilemma() -> Conflict:
    """Two prisoners; each prefers the other to cooperate, and then not to cooperate itself.

    States: 1 = NN (both defect), 2 = YN, 3 = NY, 4 = YY. Nash equilibrium: state 1.
    """
    return Conflict(
        name="Prisoner's Dilemma",
        decision_makers=[
            DecisionMaker("alice", [Option("cooperate", "alice")],
                          Prioritization(["bob.cooperate", "not alice.cooperate"])),
            DecisionMaker("bob", [Option("cooperate", "bob")],
                          Prioritization(["alice.cooperate", "not bob.cooperate"])),
        ],
        outcomes={"mutual_cooperation": "alice.cooperate and bob.cooperate"},
    )


def chicken() -> Conflict:
    """Two drivers; swerving while the other goes straight is bad, a crash is worst.

    Option ``swerve``. States: 1 = both straight (crash), 2 = A swerves, 3 = B swerves,
    4 = both swerve. Nash equilibria: states 2 and 3.
    """
    return Conflict(
        name="Chicken",
        decision_makers=[
            DecisionMaker("a", [Option("swerve", "a")],
                          Prioritization(["a.swerve or b.swerve", "not a.swerve", "b.swerve"])),
            DecisionMaker("b", [Option("swerve", "b")],
                          Prioritization(["a.swerve or b.swerve", "not b.swerve", "a.swerve"])),
        ],
    )
