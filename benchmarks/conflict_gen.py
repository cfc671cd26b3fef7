"""The benchmark conflict: four decision makers, option form, built in code.

Shared by :mod:`bench_engine` and :mod:`check_against_reference`. Everything is derived from
the option counts and a seed, so a run is reproducible and the scaling curve can grow the same
kind of conflict from 2^10 to 2^22 candidate states.

>>> c = benchmark_conflict([3, 3, 2, 2])
>>> [len(dm.options) for dm in c.decision_makers]
[3, 3, 2, 2]
"""

from __future__ import annotations

import numpy as np

from detente import Conflict, DecisionMaker, Feasibility, Option, Prioritization

DM_NAMES = ("government", "rebels", "neighbour", "mediator", "observer", "ally")
STATEMENTS_PER_DM = (5, 6, 4, 5, 5, 4)


def option_counts(n_options: int, n_dms: int = 4) -> list[int]:
    """Split ``n_options`` as evenly as possible over ``n_dms`` decision makers."""
    return [n_options // n_dms + (1 if i < n_options % n_dms else 0) for i in range(n_dms)]


def benchmark_conflict(counts: list[int], seed: int = 7) -> Conflict:
    """A 4-DM option-form conflict with ``counts[i]`` options for DM i.

    - irreversible options: the government's third option and the mediator's first can only be
      taken (N→Y), the neighbour's last option can only be dropped (Y→N);
    - three infeasibility conditions over options of three or four DMs remove about 15% of
      the candidate states;
    - each DM ranks states by 4-6 prioritization statements mixing its own options and the
      others' (and, or, not, implies, iff).
    """
    rng = np.random.default_rng(seed)
    keys = [[f"{name}.x{p + 1}" for p in range(k)] for name, k in zip(DM_NAMES, counts)]

    def key(dm: int, p: int) -> str:
        return keys[dm][p % len(keys[dm])]

    irreversible = {key(0, 2): "forward", key(3, 0): "forward", key(2, -1): "backward"}
    everything = [k for ks in keys for k in ks]

    def literal(name: str) -> str:
        return name if rng.random() < 0.6 else f"not {name}"

    decision_makers = []
    for d, name in enumerate(DM_NAMES[:len(counts)]):
        statements = []
        for _ in range(STATEMENTS_PER_DM[d]):
            own = keys[d][int(rng.integers(len(keys[d])))]
            other = everything[int(rng.integers(len(everything)))]
            third = everything[int(rng.integers(len(everything)))]
            form = int(rng.integers(6))
            if form == 0:
                statements.append(f"{literal(own)} and {literal(other)}")
            elif form == 1:
                statements.append(f"{literal(own)} or {literal(other)}")
            elif form == 2:
                statements.append(f"{literal(other)} implies {literal(own)}")
            elif form == 3:
                statements.append(f"{literal(own)} iff {literal(other)}")
            elif form == 4:
                statements.append(f"({literal(own)} or {literal(other)}) and {literal(third)}")
            else:
                statements.append(literal(own))
        options = [Option(k.split(".", 1)[1], name, irreversible.get(k, "both")) for k in keys[d]]
        decision_makers.append(DecisionMaker(name, options, Prioritization(statements)))
    feasibility = Feasibility(infeasible=[
        f"{key(0, 0)} and {key(1, 0)} and {key(2, 0)} and {key(3, 1)}",
        f"{key(1, 1)} and {key(1, 2)} and not {key(2, 1)} and {key(3, 2)}",
        f"{key(0, 1)} and {key(0, 3)} and {key(2, 2)} and {key(3, 0)} and not {key(1, 3)}",
    ])
    return Conflict(f"benchmark {sum(counts)} options", decision_makers, feasibility=feasibility)
