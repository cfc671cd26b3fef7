"""Every check a later command would run on a scenario, run at once: what ``detente validate`` does.

Loading a file checks its shape and names (:func:`detente.io.validate_conflict`); this goes on to
everything that needs the states: compiling the model and each perspective, every perception
(first- and second-level hypergames, as ``analyze``/``brief``/``report`` build them), the sweeps
the file declares (at every grid point), the named outcomes and the status quo, and the resource
limits of the default analysis. A file that passes here does not fail later for a reason that
could have been seen here; what can still happen later is a resource refusal of a heavier
analysis the user asks for (SIM, coalitions, a big Monte Carlo run).

>>> import detente
>>> compiled = check_all(detente.examples.prisoners_dilemma())
>>> compiled.n_states
4
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .. import limits
from ..errors import DetenteError, ModelError
from ..model import Conflict
from .compile import Compiled, compile_conflict


def _under(exc: DetenteError, label: str, field_prefix: str, source: str) -> DetenteError:
    if not (exc.field or "").startswith(field_prefix):
        exc.reason = f"{label}: {exc.reason}"
    return exc.located(source=source)


def check_all(conflict: Conflict, *, parameters: Mapping[str, float] | None = None) -> Compiled:
    """Run every check of the later commands on ``conflict``; return the compiled model.

    Raises :class:`~detente.errors.DetenteError` (the file, the field, the reason) on the first
    problem found, or :class:`~detente.errors.ModelTooLargeError` when a resource limit is hit.
    """
    source = conflict.source
    compiled = compile_conflict(conflict, parameters)
    for name, mask in compiled.outcomes.items():
        if not mask.any():
            raise ModelError(f"outcome '{name}' contains no feasible state (its condition never holds)",
                             field=f"outcomes.{name}", source=source)
    if conflict.status_quo is not None:
        try:
            states = compiled.states_of(conflict.status_quo, "status_quo")
        except DetenteError as exc:
            raise exc.located(source=source) from None
        if len(states) == 0:
            raise ModelError("the status quo names no feasible state", field="status_quo", source=source)
    for name in conflict.perspectives:
        try:
            compile_conflict(conflict.with_perspective(name), parameters)
        except DetenteError as exc:
            raise _under(exc, f"under perspective '{name}'", "perspectives", source) from None
    if conflict.perceptions:
        _check_perceptions(conflict, parameters)
    for k, spec in enumerate(conflict.sweeps):
        _check_sweep(conflict, k, spec, compiled, parameters)
    return compiled


def _check_perceptions(conflict: Conflict, parameters: Mapping[str, float] | None) -> None:
    """Build every perceived game as the hypergame analysis does (Nash only: cheap)."""
    from .hypergame import analyze_hypergame

    check_perception_depth(conflict)
    analyze_hypergame(conflict, concepts=["nash"], concept_for_choice="nash", parameters=parameters)


def check_perception_depth(conflict: Conflict) -> None:
    """Refuse perceptions nested deeper than :data:`detente.limits.PERCEPTION_LEVELS`."""
    stack = [(p, f"perceptions.{key}", 1) for key, p in conflict.perceptions.items()]
    while stack:
        p, where, level = stack.pop()
        if p.of_others and level >= limits.PERCEPTION_LEVELS:
            raise ModelError("hypergames beyond the second level are not supported (perceptions of perceptions "
                             "at most): remove this of_others", field=f"{where}.of_others", source=conflict.source)
        stack.extend((q, f"{where}.of_others.{k}", level + 1) for k, q in p.of_others.items())


def _check_sweep(conflict: Conflict, k: int, spec, compiled: Compiled,
                 parameters: Mapping[str, float] | None) -> None:
    where = f"sweeps[{k}]"
    source = conflict.source
    problem = limits.precision_problem(spec.lo, spec.hi, spec.precision)
    if problem:
        raise ModelError(problem, field=f"{where}.precision", source=source)
    if not (math.isfinite(spec.lo) and math.isfinite(spec.hi) and spec.lo < spec.hi):
        raise ModelError(f"the sweep range must be finite with lo < hi (got {spec.lo} and {spec.hi})",
                         field=where, source=source)
    limits.check_runs(sweep_runs(spec.lo, spec.hi, spec.steps, spec.precision), compiled.n_states,
                      subject="the sweep", field=f"{where}.steps", source=source)
    try:
        base = conflict.with_perspective(spec.perspective) if spec.perspective else conflict
    except DetenteError as exc:
        raise exc.located(source=source, field_prefix=None if exc.field else f"{where}.perspective") from None
    fixed = dict(parameters or {})
    for x in np.linspace(spec.lo, spec.hi, spec.steps).tolist():
        try:
            compile_conflict(base, {**fixed, spec.parameter: x})
        except DetenteError as exc:
            raise _under(exc, f"in sweep {k + 1} at {spec.parameter} = {x:g}", where, source) from None


def sweep_runs(lo: float, hi: float, steps: int, precision: float | None) -> int:
    """Analyses a sweep makes at least: its grid, plus one bisection to ``precision``."""
    if precision is None:
        precision = (hi - lo) / max(steps - 1, 1) / 1000
    return steps + limits.bisection_steps(lo, hi, precision)


__all__ = ["check_all", "check_perception_depth", "sweep_runs"]
