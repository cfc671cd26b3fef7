"""Beliefs derived from perceived types: what one party thinks another party *is*.

A belief parameter such as Russia's per-period chance that the US walks away need not be typed in
as a bare number. Declare instead what the US might be — its *types*, each a perspective of the
conflict (the administration, the author's cold-blooded supporter, the restrainers) — with a prior
weight for each, and the belief follows from the types' own best replies.

Definition (see ``docs/levers.md``). For a :class:`~detente.model.Belief` ``b`` about DM ``i``,
at the single state ``s`` named by ``b.at``, let ``W`` be the states DM ``i`` can keep or reach
in one move from ``s`` (``{s} ∪ R_i(s)``) that satisfy ``b.walks_away``, and ``K`` those that do
not. Type ``t`` (with DM ``i``'s payoff ``u_t``: its preferences and parameter values as the
perspective ``t`` sets them) *walks away* iff ``max_{q ∈ W} u_t(q) > max_{q ∈ K} u_t(q)`` (an
empty set has maximum −∞; ties do not walk). Then::

    b = rate * Σ_t w_t [t walks away] / Σ_t w_t

with prior weights ``w_t`` and ``rate`` numbers or parameter names. The belief is therefore a
step function of the parameters that decide the types' best replies, and a linear function of the
weights and the rate.

>>> from detente.model import Belief, Conflict, DecisionMaker, Option, Payoff, Perspective
>>> c = Conflict("ally", [
...     DecisionMaker("ally", [Option("leave", "ally")], Payoff("ally.leave * (relief - 0.5)")),
...     DecisionMaker("rival", [Option("wait", "rival")], Payoff("rival.wait * lam")),
... ], parameters={"relief": 0.2, "p_tired": 0.25},
...    perspectives={"steady": Perspective("steady"),
...                  "tired": Perspective("tired", parameters={"relief": 0.9})},
...    beliefs={"lam": Belief("lam", "ally", {"steady": 1.0, "tired": "p_tired"}, "ally.leave",
...                           "not ally.leave and not rival.wait", rate=0.5)})
>>> round(float(resolve_parameters(c, {})["lam"]), 4)   # 0.5 * 0.25 / 1.25
0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..model import Conflict
from ..model.beliefs import _derive_one, derive_beliefs, graph_replies, option_replies

def walking_types(conflict: Conflict, params: Mapping[str, Any]) -> dict[str, dict[str, bool]]:
    """For every belief, whether each of its types walks away (scalar parameter values)."""
    from ..model.levels import preference_levels
    from .compile import belief_inputs

    full: dict[str, Any] = {**{k: float(v) for k, v in conflict.parameters.items()}, **params}
    env, m, replies, funcs = belief_inputs(conflict)
    out: dict[str, dict[str, bool]] = {}
    for name, b in conflict.beliefs.items():
        detail: dict[str, Any] = {}
        _derive_one(conflict, b, env, m, replies, full, funcs, preference_levels, detail)
        out[name] = {t: bool(np.all(v)) for t, v in detail.items()}
    return out


def resolve_parameters(conflict: Conflict, params: Mapping[str, Any]) -> dict[str, Any]:
    """All parameter values, derived beliefs included, for base values ``params`` (overrides of
    ``conflict.parameters``; floats or equal-length 1-D arrays, one entry per sample).

    A conflict without beliefs gets its parameters back unchanged (with the overrides applied).
    """
    full: dict[str, Any] = {**{k: float(v) for k, v in conflict.parameters.items()}, **params}
    if not conflict.beliefs:
        return full
    from .compile import belief_inputs

    env, m, replies, funcs = belief_inputs(conflict)
    full.update(derive_beliefs(conflict, env, m, replies, full, funcs))
    return full


__all__ = ["derive_beliefs", "resolve_parameters", "walking_types", "option_replies", "graph_replies"]
