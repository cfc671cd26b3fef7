"""Building a conflict in code, in one call: :func:`conflict`.

The model classes (:class:`~detente.model.Conflict`, :class:`~detente.model.DecisionMaker`,
:class:`~detente.model.Option`) can be used directly; :func:`conflict` is the short way for the
common case: decision makers with their options, each DM's preferences (a list of conditions,
most important first; a ranking of state numbers; or a payoff formula), feasibility
constraints, named outcomes and parameters. Names may be any text; expressions use the
identifiers derived from them (:mod:`detente.model.names`).

>>> import detente
>>> standoff = conflict(
...     "Border standoff",
...     {"Government": ["Air Strike", "Negotiate"], "Rebels": ["Withdraw"]},
...     preferences={
...         "Government": ["rebels.withdraw", "not air_strike", "negotiate"],
...         "Rebels": ["not government.air_strike", "government.negotiate", "not withdraw"],
...     },
...     infeasible=["air_strike and negotiate"],
...     outcomes={"peace deal": "negotiate and withdraw"},
... )
>>> [o.key for o in standoff.options]
['government.air_strike', 'government.negotiate', 'rebels.withdraw']
>>> result = detente.analyze(standoff, concepts=["nash", "seq"])
>>> result.equilibria          # talks go on while the rebels stay: the peace deal (state 6) is not stable
{'nash': [3], 'seq': [3]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import ModelError
from .conflict import Conflict, DecisionMaker, Option, OutcomeSpec
from .feasibility import Feasibility


def conflict(name: str, decision_makers: Mapping[str, Iterable[str | Option]] | Iterable[DecisionMaker], *,
             preferences: Mapping[str, Any] | None = None,
             infeasible: Sequence[str] = (),
             mutually_exclusive: Sequence[Sequence[str]] = (),
             at_least_one: Sequence[Sequence[str]] = (),
             implications: Sequence[tuple[str, str]] = (),
             outcomes: Mapping[str, OutcomeSpec] | None = None,
             status_quo: OutcomeSpec | int | None = None,
             parameters: Mapping[str, float] | None = None,
             definitions: Mapping[str, str] | None = None,
             description: str = "") -> Conflict:
    """A :class:`~detente.model.Conflict` from plain Python values.

    Parameters
    ----------
    name : str
        The conflict's name.
    decision_makers : mapping or iterable
        ``{dm name: [option names or Option objects]}`` (in order), or
        :class:`~detente.model.DecisionMaker` objects.
    preferences : mapping, optional
        ``{dm name: preferences}``: a list of conditions (option prioritization, most important
        first), a list of state numbers best first (a ranking; a nested list is a tie), a formula
        (a payoff, higher is better), or a Prioritization/Ranking/Payoff object. Replaces what
        a DecisionMaker object already holds.
    infeasible, mutually_exclusive, at_least_one, implications : optional
        Feasibility constraints: conditions that make a state impossible; groups of options of
        which at most one / at least one is taken; ``(p, q)`` pairs meaning "if p then q".
    outcomes : mapping, optional
        Named outcomes: a condition or a list of state numbers.
    status_quo : optional
        A state number, an outcome name or a condition.
    parameters, definitions : mapping, optional
        Named numbers used in formulas; named sub-expressions.
    description : str, optional

    Returns
    -------
    Conflict
        Checked when analysed (errors name the field and the reason).

    Examples
    --------
    >>> c = conflict("Chicken", {"a": ["straight"], "b": ["straight"]},
    ...              preferences={"a": [4, 3, 2, 1], "b": [4, 2, 3, 1]})
    >>> [o.key for o in c.options], type(c.decision_makers[0].preference).__name__
    (['a.straight', 'b.straight'], 'Ranking')
    """
    if isinstance(decision_makers, Mapping):
        dms = [DecisionMaker(str(dm), list(options)) for dm, options in decision_makers.items()]
    else:
        dms = list(decision_makers)
        bad = [x for x in dms if not isinstance(x, DecisionMaker)]
        if bad:
            raise ModelError(f"expected DecisionMaker objects or a mapping {{name: [options]}}, got "
                             f"{type(bad[0]).__name__}", field="decision_makers")
    out = Conflict(
        name=name,
        decision_makers=dms,
        feasibility=Feasibility(infeasible=list(infeasible),
                                mutually_exclusive=[list(g) for g in mutually_exclusive],
                                at_least_one=[list(g) for g in at_least_one],
                                implications=[(p, q) for p, q in implications]),
        outcomes=dict(outcomes or {}),
        parameters={k: float(v) for k, v in (parameters or {}).items()},
        status_quo=status_quo,
        definitions=dict(definitions or {}),
        description=description,
    )
    for dm_name, pref in (preferences or {}).items():
        dm = out.dm(dm_name)
        dm.preference = DecisionMaker(dm.name, preferences=pref).preference
    return out


__all__ = ["conflict"]
