"""What every analysis shares: the default concepts, the progress callback, turning its first
argument into a compiled conflict, and naming states and decision makers.

Every public analysis takes the conflict first and everything else as keywords, in one order:
its own arguments, then ``concepts``, ``parameters``, ``perspective``, ``progress`` (where they
apply). A progress callback is called as ``progress(done, total)``.

>>> import detente
>>> compiled = as_compiled(detente.examples.prisoners_dilemma())
>>> resolve_state(compiled, "mutual_cooperation") + 1, dm_indices(compiled, ["bob", "alice"])
(4, (0, 1))
>>> state_list([1, 2, 3, 7, 9], limit=3)
'1, 2, 3, … (5 in all)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import DetenteError, ModelError, ModelTooLargeError
from ..model import Conflict
from ..model.text import state_list
from .compile import Compiled, compile_conflict

if TYPE_CHECKING:  # pragma: no cover
    from .equilibria import Analysis

DEFAULT_CONCEPTS: tuple[str, ...] = ("nash", "gmr", "smr", "seq")
"""The concepts analysed when none are named: Nash, GMR, SMR and SEQ."""

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)``, called as work completes."""


def option_values_changed(analysis: "Analysis", a: int, b: int) -> dict[str, bool]:
    """{option: its value at state ``b``} for each option that differs between states ``a`` and
    ``b`` (1-based); empty in graph form.

    >>> import detente
    >>> option_values_changed(detente.analyze(detente.examples.prisoners_dilemma()), 4, 3)
    {'alice.cooperate': False}
    """
    space = analysis.compiled.space
    if space is None:
        return {}
    ca, cb = int(space.codes[a - 1]), int(space.codes[b - 1])
    return {o.qualified_name: bool((cb >> k) & 1) for k, o in enumerate(analysis.conflict.options)
            if ((ca ^ cb) >> k) & 1}


def as_compiled(obj: "Conflict | Compiled | Analysis", parameters: Mapping[str, float] | None = None,
                perspective: str | None = None) -> Compiled:
    """A :class:`Compiled` conflict from a Conflict, a Compiled one, or an Analysis."""
    compiled_of = getattr(obj, "compiled", None)
    if isinstance(compiled_of, Compiled):          # an Analysis (or any result holding one)
        obj = compiled_of
    if isinstance(obj, Compiled):
        if parameters or perspective:
            raise DetenteError("parameters and perspective apply to a Conflict, not to an analysed one",
                               field="parameters" if parameters else "perspective")
        return obj
    if isinstance(obj, Conflict):
        base = obj.with_perspective(perspective) if perspective else obj
        return compile_conflict(base, parameters)
    raise DetenteError(f"expected a Conflict, a compiled conflict or an Analysis, got {type(obj).__name__}")


def resolve_state(compiled: Compiled, spec: Any, where: str = "state") -> int:
    """The one state (0-based) named by a number, a named outcome or a condition.

    ``None`` means the conflict's declared status quo.
    """
    if spec is None:
        spec = compiled.conflict.status_quo
        where = "status_quo"
        if spec is None:
            raise ModelError("no state given and the conflict declares no status_quo", field="status_quo")
    if isinstance(spec, str) and spec.strip().lstrip("-").isdigit():
        spec = int(spec.strip())
    idx = compiled.states_of(spec, where)
    if idx.size == 0:
        raise ModelError(f"{spec!r} names no feasible state", field=where)
    if idx.size > 1:
        raise ModelError(f"{spec!r} names {idx.size} states ({state_list((idx + 1).tolist(), limit=12)}); "
                         "give exactly one", field=where)
    return int(idx[0])


def resolve_states(compiled: Compiled, spec: Any, where: str = "state") -> np.ndarray:
    """All states (0-based) named by a number, a list, a named outcome or a condition."""
    if isinstance(spec, str) and spec.strip().isdigit():
        spec = int(spec.strip())
    idx = compiled.states_of(spec, where)
    if idx.size == 0:
        raise ModelError(f"{spec!r} names no feasible state", field=where)
    return idx


def dm_indices(compiled: Compiled, names: Iterable[str | int], where: str = "coalitions") -> tuple[int, ...]:
    """Sorted DM indices for names (or indices); unknown names are a :class:`ModelError`."""
    out: set[int] = set()
    n = compiled.game.n_dms
    for x in names:
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            if not 0 <= int(x) < n:
                raise ModelError(f"decision maker index {x} out of range 0..{n - 1}", field=where)
            out.add(int(x))
        else:
            try:
                out.add(compiled.conflict.dm_index(str(x)))
            except ModelError as exc:
                raise ModelError(exc.reason, field=where) from None
    return tuple(sorted(out))


def coalition_list(compiled: Compiled, coalitions: Iterable[Iterable[str | int]] | None = None,
                   min_size: int = 2, where: str = "coalitions") -> list[tuple[int, ...]]:
    """Coalitions as sorted index tuples: the given ones, else the conflict's declared ones, else
    every group of two or more DMs (``min_size`` is the smallest size accepted when coalitions
    are named; the default never includes single DMs, whose stability is the usual one)."""
    n = compiled.game.n_dms
    if coalitions is None and compiled.conflict.coalitions:
        coalitions = compiled.conflict.coalitions
    if coalitions is None:
        if n > 12:
            raise ModelTooLargeError(f"{n} DMs give {2 ** n - n - 1} coalitions; name the coalitions to analyse",
                                     field=where)
        return [c for k in range(max(min_size, 2), n + 1) for c in combinations(range(n), k)]
    out: list[tuple[int, ...]] = []
    for k, members in enumerate(coalitions):
        if isinstance(members, str):
            raise ModelError("a coalition is a list of decision makers, not one name", field=f"{where}[{k}]")
        h = dm_indices(compiled, members, f"{where}[{k}]")
        if len(h) < min_size:
            raise ModelError(f"a coalition needs at least {min_size} distinct decision makers",
                             field=f"{where}[{k}]")
        if h not in out:
            out.append(h)
    return out


def coalition_names(compiled: Compiled, members: Sequence[int]) -> list[str]:
    return [compiled.game.dm_names[i] for i in members]


__all__ = ["DEFAULT_CONCEPTS", "Progress", "state_list", "option_values_changed", "as_compiled", "resolve_state", "resolve_states",
           "dm_indices", "coalition_list", "coalition_names"]
