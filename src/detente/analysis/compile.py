"""Turn a :class:`~detente.model.Conflict` into the engine's arrays (a :class:`~detente.engine.Game`).

This is the one place where the model meets the engine: feasibility conditions are evaluated
over all option combinations, preferences become integer levels per state, named outcomes
become state masks, and the moves are built. Errors name the field that caused them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..engine.moves import GraphMoves, OptionMoves
from ..engine.stability import Game
from ..engine.states import StateSpace, estimate_option_form_bytes
from ..errors import DetenteError, ModelError, ModelTooLargeError
from ..model import Conflict
from ..model.evaluation import add_definitions, as_mask, feasibility_test, option_columns
from ..model.functions import expression_functions
from ..model.levels import _eval_located, dense_levels, payoff_levels, preference_levels, rank_rows
from .beliefs import derive_beliefs, graph_replies, option_replies

DEFAULT_MEMORY_LIMIT = 4 << 30


def memory_limit() -> int:
    raw = os.environ.get("DETENTE_MEMORY_LIMIT")
    if not raw:
        return DEFAULT_MEMORY_LIMIT
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    raw = raw.strip().lower().rstrip("ib")
    mult = units.get(raw[-1:], 1)
    return int(float(raw[:-1] if raw[-1:] in units else raw) * mult)


@dataclass
class Compiled:
    """A conflict turned into arrays: the game, option values per state, outcome masks."""

    conflict: Conflict
    game: Game
    space: StateSpace | None
    env: dict[str, np.ndarray | float]
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)

    @property
    def n_states(self) -> int:
        return self.game.n_states

    def state_label(self, index: int) -> str:
        """Y/N pattern (option form) or the state's name (graph form)."""
        if self.space is not None:
            return self.space.pattern(index)
        return self.conflict.graph.states[index]  # type: ignore[union-attr]

    def condition_mask(self, text: str, where: str = "condition") -> np.ndarray:
        """States satisfying a condition, as a boolean mask."""
        return as_mask(_eval_located(text, self.env, where), self.n_states, where)

    def states_of(self, spec, where: str) -> np.ndarray:
        """0-based state indices named by a state number, a list of numbers, an outcome or a condition."""
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            return _check_numbers([int(spec)], self.n_states, where)
        if isinstance(spec, (list, tuple)):
            return _check_numbers([int(x) for x in spec], self.n_states, where)
        if isinstance(spec, str):
            if spec in self.outcomes:
                return np.flatnonzero(self.outcomes[spec])
            text = spec.strip()
            if text.isdigit():
                return _check_numbers([int(text)], self.n_states, where)
            return np.flatnonzero(self.condition_mask(text, where))
        raise ModelError(f"cannot read {spec!r} as states", field=where)


def _check_numbers(numbers: list[int], m: int, where: str) -> np.ndarray:
    bad = [x for x in numbers if not 1 <= x <= m]
    if bad:
        raise ModelError(f"state number(s) {bad} out of range: the model has states 1..{m}", field=where)
    return np.asarray([x - 1 for x in numbers], dtype=np.int64)


def require_conflict(obj: object, where: str = "conflict") -> None:
    """Refuse anything but a :class:`~detente.model.Conflict` where one is expected (API use)."""
    if not isinstance(obj, Conflict):
        hint = " (read a file with detente.load(path) first)" if isinstance(obj, (str, os.PathLike)) else ""
        raise DetenteError(f"expected a Conflict, got {type(obj).__name__}{hint}", field=where, source="<api>")


def compile_conflict(conflict: Conflict, parameters: Mapping[str, float] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> Compiled:
    """Build the engine's :class:`Game` for ``conflict`` with parameter overrides applied."""
    require_conflict(conflict)
    try:
        return _compile(conflict.with_parameters(parameters or {}), progress)
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None


def _compile(conflict: Conflict, progress) -> Compiled:
    if len(conflict.decision_makers) < 2:
        raise ModelError("a conflict needs at least two decision makers", field="decision_makers")
    params = {k: float(v) for k, v in conflict.parameters.items()}
    funcs = expression_functions()
    if conflict.graph is not None:
        return _compile_graph(conflict, params, funcs)

    options = conflict.options
    n = len(options)
    if n == 0:
        raise ModelError("no options: give each decision maker options, or use graph form",
                         field="decision_makers")
    feasible = feasibility_test(conflict, funcs, params)

    dm_bits: list[list[int]] = []
    k = 0
    for dm in conflict.decision_makers:
        dm_bits.append(list(range(k, k + len(dm.options))))
        k += len(dm.options)
    limit = memory_limit()
    space = StateSpace.from_mask_function(n, feasible, progress)
    estimate = estimate_option_form_bytes(n, [len(b) for b in dm_bits], space.size)
    if estimate > limit:
        raise ModelTooLargeError(_too_large(n, dm_bits, estimate, limit, space.size), field="decision_makers")
    modes = [o.reversibility for o in options]
    columns = option_columns(conflict, space.codes)
    m = space.size
    if conflict.beliefs:
        params.update(derive_beliefs(conflict, columns, m, option_replies(space.codes, dm_bits, modes), params, funcs))
    env: dict[str, np.ndarray | float] = {**columns, **params}
    add_definitions(conflict, env, m, funcs)
    levels = np.stack([_levels(conflict, i, env, m, funcs) for i in range(len(conflict.decision_makers))])
    moves = OptionMoves(space.codes, dm_bits, modes)
    game = Game(conflict.dm_names, levels, moves, space, dm_bits)
    compiled = Compiled(conflict, game, space, env, parameters=params)
    compiled.outcomes = _outcomes(conflict, compiled)
    return compiled


def _too_large(n, dm_bits, estimate, limit, m=None) -> str:
    gib = estimate / (1 << 30)
    states = f"{m:,} feasible states" if m else f"up to 2^{n} = {1 << n:,} states"
    big = max(len(b) for b in dm_bits)
    return (f"model too large: {n} options ({states}) need about {gib:.1f} GiB, over the "
            f"{limit / (1 << 30):.1f} GiB limit. Advice: remove options that do not matter, add "
            f"feasibility constraints, split a DM that controls {big} options, or raise the limit with "
            f"DETENTE_MEMORY_LIMIT=16G if the machine has the memory.")


def _compile_graph(conflict: Conflict, params: dict[str, float], funcs) -> Compiled:
    graph = conflict.graph
    assert graph is not None
    m = len(graph.states)
    if m == 0:
        raise ModelError("graph form needs at least one state", field="graph.states")
    arcs = []
    for i, dm in enumerate(conflict.decision_makers):
        pairs = graph.moves.get(dm.name, [])
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2) if len(pairs) else np.zeros((0, 2), np.int64)
        bad = arr[(arr < 1).any(axis=1) | (arr > m).any(axis=1)] if arr.size else arr
        if bad.size:
            raise ModelError(f"move {bad[0].tolist()} names a state outside 1..{m}",
                             field=f"graph.moves.{dm.name}")
        arcs.append(arr - 1)
    unknown = sorted(set(graph.moves) - set(conflict.dm_names))
    if unknown:
        raise ModelError(f"moves given for unknown decision maker(s) {unknown}", field="graph.moves")
    env: dict[str, np.ndarray | float] = _graph_columns(graph)
    if conflict.beliefs:
        params.update(derive_beliefs(conflict, dict(env), m, graph_replies(arcs), params, funcs))
    env.update(params)
    add_definitions(conflict, env, m, funcs)
    levels = np.stack([_levels(conflict, i, env, m, funcs) for i in range(len(conflict.decision_makers))])
    game = Game(conflict.dm_names, levels, GraphMoves(m, arcs), None, [])
    compiled = Compiled(conflict, game, None, env, parameters=params)
    compiled.outcomes = _outcomes(conflict, compiled)
    return compiled


def _graph_columns(graph) -> dict[str, np.ndarray | float]:
    m = len(graph.states)
    env: dict[str, np.ndarray | float] = {"state": np.arange(1, m + 1, dtype=np.float64)}
    for k, name in enumerate(graph.states):
        if name.isidentifier():
            env[name] = np.arange(m) == k
    return env


def belief_inputs(conflict: Conflict) -> tuple[dict, int, Callable[[int, int], np.ndarray], dict]:
    """What :func:`~detente.analysis.beliefs.derive_beliefs` needs: the option (or graph-state)
    columns, the number of states, the one-move replies and the expression functions."""
    funcs = expression_functions()
    params = {k: float(v) for k, v in conflict.parameters.items()}
    if conflict.graph is not None:
        graph = conflict.graph
        arcs = [np.asarray(graph.moves.get(dm.name, []), dtype=np.int64).reshape(-1, 2) - 1
                for dm in conflict.decision_makers]
        return _graph_columns(graph), len(graph.states), graph_replies(arcs), funcs
    feasible = feasibility_test(conflict, funcs, params)
    space = StateSpace.from_mask_function(len(conflict.options), feasible, None)
    dm_bits: list[list[int]] = []
    k = 0
    for dm in conflict.decision_makers:
        dm_bits.append(list(range(k, k + len(dm.options))))
        k += len(dm.options)
    modes = [o.reversibility for o in conflict.options]
    return option_columns(conflict, space.codes), space.size, option_replies(space.codes, dm_bits, modes), funcs


def _outcomes(conflict: Conflict, compiled: Compiled) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, spec in conflict.outcomes.items():
        where = f"outcomes.{name}"
        mask = np.zeros(compiled.n_states, dtype=bool)
        mask[compiled.states_of(spec, where)] = True
        out[name] = mask
    return out


def _levels(conflict: Conflict, i: int, env, m: int, funcs) -> np.ndarray:
    dm = conflict.decision_makers[i]
    return preference_levels(dm.preference, env, m, f"decision_makers[{i}].preferences", funcs,  # type: ignore[arg-type]
                             dm=dm.name)


# The level rules live in the model layer (one rule for the compiler, studies and the GMCR+
# exporter); they are re-exported here, where the compiler uses them.
__all__ = ["Compiled", "compile_conflict", "memory_limit", "belief_inputs", "expression_functions", "dense_levels",
           "rank_rows", "payoff_levels", "preference_levels"]
