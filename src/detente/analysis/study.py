"""Parameter studies: the same conflict asked the same yes/no questions under many parameter values.

Levers, maps, sweeps, the terms solver and Monte Carlo all reduce to one call: for ``n`` parameter
vectors (one array of length ``n`` per varied parameter), which of a list of :class:`Question` s
hold? :func:`study` answers it and returns an ``(n, len(questions))`` boolean array.

A question is about a named outcome (or one state) under one solution concept: is it an
equilibrium (some state of it stable for every DM), or is it stable for one DM (some state of it
stable for that DM).

>>> from detente.model import Conflict, DecisionMaker, Option, Payoff
>>> c = Conflict("toy", [
...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
...     DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
>>> q = Question(concept="nash", outcome="a_goes")
>>> study(c, {"t": np.array([0.2, 0.8])}, [q])[:, 0].tolist()
[False, True]

How it is fast. The answers are exactly those of :func:`detente.analyze` run once per parameter
vector (:func:`study_one_at_a_time` does that, as the reference), but the work is shared:

1. **The structure is compiled once.** States, feasibility, moves and named outcomes do not
   depend on parameters that only enter preferences. Which parameters a piece of the model
   uses is read from its expressions (through the named definitions they use). When a sampled
   parameter does enter feasibility or an outcome, the samples are grouped by the structure
   they produce (every candidate state's feasibility and every outcome's states, evaluated for
   the whole batch) and each group is compiled once.
2. **Preferences are evaluated for the whole batch at once.** Sampled parameters become
   ``(n, 1)`` columns against the ``(m,)`` state columns, so each payoff formula gives an
   ``(n, m)`` array in one evaluation; :func:`~detente.analysis.compile.payoff_levels` (the same
   function a single analysis uses) ranks every row. Only DMs whose preferences use a sampled
   parameter are re-ranked.
3. **Only distinct level vectors are analysed.** Most samples share their levels with many
   others (the answer only changes where two payoffs cross); the distinct ones go through the
   batched kernels of :mod:`detente.engine.batch` in one pass.
4. **Chunks.** The rows are processed in chunks (memory stays bounded); with a Dask
   ``client`` the compiled structure is sent to every worker once and the chunks run there.
   Results do not depend on the chunking or on where a chunk ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.batch import batch_stability, unique_rows
from ..engine.stability import normalize_concepts
from ..errors import DetenteError, ModelError
from ..model import Conflict, Payoff, Prioritization
from ..model.evaluation import option_columns
from ..model.expressions import Node, evaluate, parse
from .compile import Compiled, compile_conflict, expression_functions, payoff_levels, rank_rows
from .equilibria import Analysis, analyze

CHUNK_ELEMENTS = 1 << 21
"""Default chunk: about this many (sample × state) payoff values evaluated at once."""


@dataclass(frozen=True)
class Question:
    """A yes/no answer watched across parameter values.

    Exactly one of ``outcome`` (a named outcome) or ``state`` (a 1-based state number) is given.
    With ``dm=None`` the question is "is it an equilibrium under ``concept``" (some state of it
    is stable for every DM); with a DM name, "is some state of it stable for that DM".
    """

    concept: str
    outcome: str | None = None
    state: int | None = None
    dm: str | None = None

    def __post_init__(self) -> None:
        if (self.outcome is None) == (self.state is None):
            raise DetenteError("a question names exactly one of an outcome or a state", field="question")
        object.__setattr__(self, "concept", normalize_concepts([self.concept])[0])

    @property
    def key(self) -> str:
        """The label sweeps use for the same answer, e.g. ``"ceasefire: stable for russia (seq)"``."""
        where = self.outcome if self.outcome is not None else f"state {self.state}"
        what = "equilibrium" if self.dm is None else f"stable for {self.dm}"
        return f"{where}: {what} ({self.concept})"


def answer(analysis: Analysis, question: Question) -> bool:
    """The answer to ``question`` in one finished analysis (the one-at-a-time reference)."""
    c = question.concept
    if c not in analysis.stable:
        raise DetenteError(f"the analysis did not compute {c}", field="concepts")
    if question.outcome is not None:
        if question.outcome not in analysis.compiled.outcomes:
            known = ", ".join(analysis.compiled.outcomes) or "none"
            raise DetenteError(f"unknown outcome '{question.outcome}' (known: {known})", field="outcome")
        states = np.flatnonzero(analysis.compiled.outcomes[question.outcome])
    else:
        states = np.asarray([analysis._index(int(question.state))])  # type: ignore[arg-type]
    stable = analysis.stable[c][:, states]
    if question.dm is None:
        return bool(stable.all(axis=0).any())
    return bool(stable[analysis.conflict.dm_index(question.dm)].any())


# -- derived parameters ------------------------------------------------------------------------
def _resolve(conflict: Conflict, params: dict[str, Any]) -> dict[str, Any]:
    """The full parameter dict the model is evaluated with, derived parameters included.

    Values are floats or equal-length 1-D arrays (one entry per sample); a derived parameter
    computed from an array is an array. Every batched evaluation forms its parameters here. A
    derived belief already in ``params`` is an override (see :mod:`detente.analysis.beliefs`).
    """
    from .beliefs import resolve_parameters

    return resolve_parameters(conflict, params)


# -- the compiled structure and what varies -----------------------------------------------------
def _names_of(text: str) -> set[str]:
    try:
        return {n.lower() for n in parse(text).names()}
    except DetenteError:
        return set()


@dataclass
class _Plan:
    """Everything a chunk of samples needs, compiled once (picklable: no functions inside)."""

    conflict: Conflict                        # perspective applied
    compiled: Compiled
    fixed: dict[str, float]                   # overrides for every row
    inputs: list[str]                         # sampled parameter names
    concepts: list[str]
    questions: list[tuple[str, np.ndarray, int | None]]   # (concept, state indices, dm index)
    base_env: dict[str, Any]                  # option columns, scalar parameters, fixed definitions
    varied_definitions: list[tuple[str, Node]]
    varying: list[tuple[int, Any]]            # (DM index, parsed preference) re-ranked per row
    structural: bool = False
    keep_equilibria: bool = False
    chunk_rows: int = 0
    group_rows: np.ndarray | None = field(default=None, repr=False)


def _overrides(plan_fixed: Mapping[str, float], inputs: Sequence[str], cols: Mapping[str, np.ndarray],
               row: int) -> dict[str, float]:
    return {**plan_fixed, **{name: float(cols[name][row]) for name in inputs}}


def _dependency_sets(conflict: Conflict, varied: set[str]) -> tuple[set[str], dict[str, bool]]:
    """(names that vary, definitions by name -> varies?) following definitions in order."""
    names = set(varied)
    defs: dict[str, bool] = {}
    for name, text in conflict.definitions.items():
        v = bool(_names_of(text) & names)
        defs[name] = v
        if v:
            names.add(name.lower())
    return names, defs


def _structure_varies(conflict: Conflict, varying_names: set[str]) -> bool:
    texts = [text for _, text in conflict.feasibility.sources()]
    texts += [spec for spec in conflict.outcomes.values() if isinstance(spec, str)]
    return any(_names_of(t) & varying_names for t in texts)


def _preference_varies(pref: Any, varying_names: set[str], overridden: set[str]) -> bool:
    if isinstance(pref, Payoff):
        local = {k.lower() for k in pref.parameters}
        used = _names_of(pref.formula)
        # a DM-local parameter shadows the global one; it varies only if it is sampled itself
        return bool((used - local) & varying_names) or bool(used & local & overridden)
    if isinstance(pref, Prioritization):
        return any(_names_of(t) & varying_names for t in pref.statements)
    return False


def _question_spec(compiled: Compiled, conflict: Conflict, questions: Sequence[Question]):
    spec = []
    for q in questions:
        if q.outcome is not None:
            if q.outcome not in compiled.outcomes:
                known = ", ".join(compiled.outcomes) or "none"
                raise DetenteError(f"unknown outcome '{q.outcome}' (known: {known})", field="outcome")
            states = np.flatnonzero(compiled.outcomes[q.outcome])
        else:
            s = int(q.state)  # type: ignore[arg-type]
            if not 1 <= s <= compiled.n_states:
                raise DetenteError(f"state {s} does not exist: the model has states 1..{compiled.n_states}",
                                   field="state")
            states = np.asarray([s - 1])
        dm = None if q.dm is None else conflict.dm_index(q.dm)
        spec.append((q.concept, states, dm))
    return spec


def _make_plan(base: Conflict, fixed: dict[str, float], inputs: list[str], rep: dict[str, float],
               questions: Sequence[Question], concepts: list[str], varied: set[str],
               keep_equilibria: bool) -> _Plan:
    compiled = compile_conflict(base, {**fixed, **rep})
    varying_names, defs = _dependency_sets(base, varied)
    overridden = {k.lower() for k in (*fixed, *inputs)}
    funcs_free_env: dict[str, Any] = {}
    if compiled.space is not None:
        funcs_free_env.update(option_columns(base, compiled.space.codes))
    else:
        funcs_free_env.update({k: v for k, v in compiled.env.items() if isinstance(v, np.ndarray)
                               and k not in base.definitions})
    for k, v in compiled.parameters.items():
        funcs_free_env[k] = float(v)
    varied_defs: list[tuple[str, Node]] = []
    for name, text in base.definitions.items():
        if defs[name]:
            varied_defs.append((name, parse(text)))
        else:
            funcs_free_env[name] = compiled.env[name]
    varying: list[tuple[int, Any]] = []
    for i, dm in enumerate(base.decision_makers):
        pref = dm.preference
        if _preference_varies(pref, varying_names, overridden & varied):
            if isinstance(pref, Payoff):
                classes = _state_classes(base, compiled, [pref.formula])
                varying.append((i, ("payoff", parse(pref.formula), dict(pref.parameters), classes)))
            else:
                statements = list(pref.statements)  # type: ignore[union-attr]
                classes = _state_classes(base, compiled, statements)
                varying.append((i, ("prioritization", [parse(t) for t in statements], classes)))
    return _Plan(base, compiled, dict(fixed), list(inputs), concepts,
                 _question_spec(compiled, base, questions), funcs_free_env, varied_defs, varying,
                 keep_equilibria=keep_equilibria)


def _state_classes(base: Conflict, compiled: Compiled, texts: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """States that the expressions ``texts`` cannot tell apart, as (one representative state per
    class, the class of every state), or None when that saves little.

    An expression depends on the state only through the options it names, directly or through
    the definitions it uses; states that agree on those options get the same value under every
    parameter vector. Evaluating and ranking one state per class, then spreading the levels to
    the class, gives exactly the levels of all states (equal values tie in any ranking).
    """
    if compiled.space is None:
        return None
    names: set[str] = set()
    for text in texts:
        try:
            names |= {n.lower() for n in parse(text).names()}
        except DetenteError:
            return None
    definitions = {k.lower(): v for k, v in base.definitions.items()}
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in definitions:
            try:
                stack.extend(n.lower() for n in parse(definitions[name]).names())
            except DetenteError:
                return None
    options = {k.lower(): v for k, v in base.option_names().items()}
    mask = 0
    for name in seen:
        if name in options:
            mask |= 1 << options[name]
    codes = compiled.space.codes
    _, first, inverse = np.unique(codes & np.int64(mask), return_index=True, return_inverse=True)
    if 2 * first.size > codes.size:
        return None
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


# -- one chunk ----------------------------------------------------------------------------------
@dataclass
class _ChunkResult:
    """Answers for a chunk of rows, plus (when asked) each distinct level vector's equilibria."""

    answers: np.ndarray                                   # (c, q) bool
    inverse: np.ndarray                                   # (c,) distinct-configuration index
    equilibria: dict[str, np.ndarray] = field(default_factory=dict)   # concept -> (u, m) bool
    n_states: int = 0


def _reference_levels(plan: _Plan, cols: Mapping[str, np.ndarray], row: int) -> np.ndarray:
    """One row's levels by a full single compile (used where the batch cannot be sure)."""
    return compile_conflict(plan.conflict, _overrides(plan.fixed, plan.inputs, cols, row)).game.levels


def _batch_env(plan: _Plan, params: Mapping[str, Any], funcs, reps: np.ndarray | None = None) -> dict[str, Any]:
    """Options, parameters (sampled ones as (c, 1) columns) and definitions; over the states
    ``reps`` only when given."""
    m = plan.compiled.n_states
    if reps is None:
        env = dict(plan.base_env)
    else:
        env = {k: (v[reps] if isinstance(v, np.ndarray) and v.shape == (m,) else v) for k, v in plan.base_env.items()}
    for k, v in params.items():
        env[k] = v.reshape(-1, 1) if isinstance(v, np.ndarray) else float(v)
    for name, node in plan.varied_definitions:
        env[name] = evaluate(node, env, funcs)
    return env


def _chunk_levels(plan: _Plan, cols: Mapping[str, np.ndarray]) -> np.ndarray:
    c = len(next(iter(cols.values()))) if cols else 1
    base_levels = plan.compiled.game.levels
    d, m = base_levels.shape
    levels = np.empty((c, d, m), dtype=np.int32)
    levels[:] = base_levels[None]
    if not plan.varying:
        return levels
    funcs = expression_functions()
    full = {**{k: float(v) for k, v in plan.conflict.parameters.items()}, **plan.fixed,
            **{k: np.asarray(cols[k], dtype=np.float64) for k in plan.inputs}}
    try:
        params = _resolve(plan.conflict, full)
        whole: dict[str, Any] | None = None
        for i, (kind, *rest) in plan.varying:
            where = f"decision_makers[{i}].preferences"
            classes = rest[-1]
            if classes is None:
                if whole is None:
                    whole = _batch_env(plan, params, funcs)
                env, width = whole, m
            else:
                env, width = _batch_env(plan, params, funcs, classes[0]), classes[0].size
            if kind == "payoff":
                node, local, _ = rest
                local_env = dict(env)
                for k, v in local.items():
                    pv = params.get(k) if k in plan.inputs or k in plan.fixed else None
                    local_env[k] = pv.reshape(-1, 1) if isinstance(pv, np.ndarray) else (
                        float(pv) if pv is not None else float(v))
                value = np.broadcast_to(np.asarray(evaluate(node, local_env, funcs), dtype=np.float64), (c, width))
                ranks = payoff_levels(value, f"{where}.payoff")
            else:
                nodes, _ = rest
                k = len(nodes)
                if k > 62:
                    raise _NeedsReference()
                score = np.zeros((c, width), dtype=np.int64)
                for j, nd in enumerate(nodes):
                    truth = np.broadcast_to(as_mask_batch(evaluate(nd, env, funcs), where), (c, width))
                    score += truth.astype(np.int64) << (k - 1 - j)
                ranks = rank_rows(score)
            levels[:, i] = ranks if classes is None else ranks[:, classes[1]]
    except (DetenteError, _NeedsReference, ValueError, TypeError, FloatingPointError):
        # the batch could not be evaluated as a whole (an error in some row, or an unusual
        # model): do exactly what single analyses do, row by row, and report the row
        for r in range(c):
            try:
                levels[r] = _reference_levels(plan, cols, r)
            except DetenteError as exc:
                at = ", ".join(f"{k}={float(cols[k][r]):g}" for k in plan.inputs)
                exc.reason = f"{exc.reason} (parameter values {at})"
                exc.args = (exc.reason,)
                raise
    return levels


class _NeedsReference(Exception):
    pass


def as_mask_batch(value, where: str) -> np.ndarray:
    """A condition's value as booleans (any shape); a number-valued formula is an error."""
    arr = np.asarray(value)
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1))):
            return arr.astype(bool)
        raise ModelError("expected a condition (true/false), got a number-valued formula", field=where)
    return arr


def _run_chunk(plan: _Plan, cols: Mapping[str, np.ndarray]) -> _ChunkResult:
    levels = _chunk_levels(plan, cols)
    c, _, m = levels.shape
    # only the re-ranked DMs can differ between rows
    first, inverse = unique_rows(levels[:, [i for i, _ in plan.varying]].reshape(c, -1))
    rows = plan.group_rows.size if plan.group_rows is not None else c
    stable = batch_stability(plan.compiled.game, levels[first], plan.concepts, study_rows=rows)
    eq: dict[str, np.ndarray] = {k: np.asarray(v.all(axis=1)) for k, v in stable.items()}
    ans = np.zeros((first.size, len(plan.questions)), dtype=bool)
    for col, (concept, states, dm) in enumerate(plan.questions):
        if dm is None:
            ans[:, col] = eq[concept][:, states].any(axis=1)
        else:
            ans[:, col] = stable[concept][:, dm, states].any(axis=1)
    return _ChunkResult(ans[inverse], inverse, eq if plan.keep_equilibria else {}, m)


# -- grouping by structure ----------------------------------------------------------------------
def _structure_keys(base: Conflict, fixed: dict[str, float], inputs: list[str],
                    cols: Mapping[str, np.ndarray]) -> np.ndarray:
    """A group id per row: rows with the same feasible states and outcome states share one."""
    funcs = expression_functions()
    n = len(next(iter(cols.values())))
    if base.graph is not None:
        m = len(base.graph.states)
        codes_env: dict[str, Any] = {"state": np.arange(1, m + 1, dtype=np.float64)}
        for k, label in enumerate(base.graph.states):
            if label.isidentifier():
                codes_env[label] = np.arange(m) == k
        width = m
    else:
        n_opt = len(base.options)
        if n_opt > 22:
            raise ModelError("too many options to group samples by structure in one batch", field="parameters")
        width = 1 << n_opt
        codes_env = dict(option_columns(base, np.arange(width, dtype=np.int64)))
    step = max(1, (1 << 22) // max(width * (1 + len(base.outcomes)), 1))
    keys = []
    for lo in range(0, n, step):
        part = {k: np.asarray(v[lo:lo + step], dtype=np.float64) for k, v in cols.items()}
        c = len(next(iter(part.values())))
        full = {**{k: float(v) for k, v in base.parameters.items()}, **fixed, **part}
        params = _resolve(base, full)
        env = dict(codes_env)
        for pname, pvalue in params.items():
            env[pname] = pvalue.reshape(-1, 1) if isinstance(pvalue, np.ndarray) else float(pvalue)
        for name, text in base.definitions.items():
            env[name] = evaluate(parse(text), env, funcs)
        feasible = np.ones((c, width), dtype=bool)
        if base.graph is None:
            for where, text in base.feasibility.sources():
                feasible &= ~np.broadcast_to(as_mask_batch(evaluate(parse(text), env, funcs), where), (c, width))
        pieces = [feasible]
        for name, spec in base.outcomes.items():
            if isinstance(spec, str) and not spec.strip().isdigit() and spec not in base.outcomes:
                mask = np.broadcast_to(as_mask_batch(evaluate(parse(spec), env, funcs), f"outcomes.{name}"),
                                       (c, width))
                pieces.append(mask & feasible)
        keys.append(np.packbits(np.concatenate(pieces, axis=1), axis=1))
    packed = np.concatenate(keys)
    _, inverse = unique_rows(packed)
    return inverse


# -- the study ------------------------------------------------------------------------------
def _columns(samples: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    cols = {name: np.asarray(v, dtype=np.float64).reshape(-1) for name, v in samples.items()}
    sizes = {v.size for v in cols.values()}
    if len(sizes) > 1:
        raise DetenteError("every sampled parameter needs the same number of values", field="samples")
    for name, v in cols.items():
        if not np.all(np.isfinite(v)):
            raise DetenteError(f"parameter '{name}' has a non-finite sample value", field="samples")
    return cols, (sizes.pop() if sizes else 1)


def _varied_names(base: Conflict, fixed: dict[str, float], cols: Mapping[str, np.ndarray]) -> set[str]:
    probe = {k: v[:1].copy() for k, v in cols.items()}
    full = {**{k: float(v) for k, v in base.parameters.items()}, **fixed, **probe}
    resolved = _resolve(base, full)
    return {k.lower() for k, v in resolved.items() if isinstance(v, np.ndarray)} | {k.lower() for k in cols}


def _plans(conflict: Conflict, cols: dict[str, np.ndarray], n: int, questions: Sequence[Question], *,
           perspective: str | None, parameters: Mapping[str, float] | None, concepts: list[str],
           keep_equilibria: bool) -> list[_Plan]:
    base = conflict.with_perspective(perspective) if perspective else conflict
    fixed = {k: float(v) for k, v in (parameters or {}).items()}
    inputs = list(cols)
    if n == 0:
        plan = _make_plan(base, fixed, inputs, {}, questions, concepts, set(), keep_equilibria)
        plan.group_rows = np.zeros(0, np.int64)
        return [plan]
    varied = _varied_names(base, fixed, cols) if cols else set()
    varying_names, _ = _dependency_sets(base, varied)
    rows = np.arange(n)
    if not varied or not _structure_varies(base, varying_names):
        plan = _make_plan(base, fixed, inputs, _overrides({}, inputs, cols, 0), questions, concepts, varied,
                          keep_equilibria)
        plan.group_rows = rows
        return [plan]
    try:
        groups = _structure_keys(base, fixed, inputs, cols)
    except DetenteError:
        groups = rows        # cannot be evaluated as a batch: one structure per row (errors surface there)
    plans = []
    for g in np.unique(groups):
        members = rows[groups == g]
        plan = _make_plan(base, fixed, inputs, _overrides({}, inputs, cols, int(members[0])), questions, concepts,
                          varied, keep_equilibria)
        plan.structural = True
        plan.group_rows = members
        plans.append(plan)
    return plans


def _chunk_rows(plan: _Plan, chunk_size: int | None) -> int:
    if chunk_size is not None:
        if chunk_size < 1:
            raise DetenteError(f"the chunk size must be at least 1, got {chunk_size}", field="chunk_size")
        return int(chunk_size)
    return max(1, CHUNK_ELEMENTS // max(plan.compiled.n_states * max(len(plan.varying), 1), 1))


def _study_chunks(conflict: Conflict, samples: Mapping[str, np.ndarray], questions: Sequence[Question], *,
                  perspective: str | None = None, parameters: Mapping[str, float] | None = None,
                  concepts: Sequence[str] = (), chunk_size: int | None = None, client: Any = None,
                  scheduler: str | None = None, keep_equilibria: bool = False,
                  progress: Callable[[int, int], None] | None = None
                  ) -> Iterator[tuple[np.ndarray, _ChunkResult]]:
    """Yield (row indices, chunk result) covering every sample exactly once."""
    cols, n = _columns(samples)
    names = list(dict.fromkeys([*(q.concept for q in questions), *normalize_concepts(concepts)])) or ["nash"]
    try:
        plans = _plans(conflict, cols, n, questions, perspective=perspective, parameters=parameters,
                       concepts=names, keep_equilibria=keep_equilibria)
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None
    use_dask = client is not None or scheduler == "dask"
    if scheduler not in (None, "local", "dask"):
        raise DetenteError(f"unknown scheduler '{scheduler}' (local or dask)", field="scheduler")
    if scheduler == "local" and client is not None:
        raise DetenteError("a Dask client was given with scheduler 'local'", field="scheduler")
    tasks: list[tuple[_Plan, np.ndarray]] = []
    workers = _dask_workers(client) if use_dask else 1
    for plan in plans:
        rows = plan.group_rows if plan.group_rows is not None else np.arange(n)
        step = _chunk_rows(plan, chunk_size)
        if use_dask and chunk_size is None:
            # a few tasks per worker keep them all busy to the end
            step = max(1, min(step, -(-rows.size // (4 * workers))))
        for lo in range(0, rows.size, step):
            tasks.append((plan, rows[lo:lo + step]))
    if n == 0:
        return
    done = 0
    if not use_dask:
        for plan, rows in tasks:
            part = {k: v[rows] for k, v in cols.items()} if cols else {}
            yield rows, _run_chunk_or_single(plan, part, rows.size)
            done += rows.size
            if progress:
                progress(done, n)
        return
    yield from _dask_chunks(tasks, cols, n, client, progress)


def _run_chunk_or_single(plan: _Plan, part: Mapping[str, np.ndarray], size: int) -> _ChunkResult:
    if part:
        return _run_chunk(plan, part)
    res = _run_chunk(plan, {})
    return _ChunkResult(np.repeat(res.answers, size, axis=0), np.repeat(res.inverse, size), res.equilibria,
                        res.n_states)


def _dask_workers(client: Any) -> int:
    if client is None:
        import os

        return os.cpu_count() or 1
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 - any client that cannot say: assume one worker
        return 1


def _dask_chunks(tasks, cols, n, client, progress):
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise DetenteError("scheduler 'dask' needs dask.distributed: pip install 'detente[scale]'",
                           field="scheduler") from None
    own = None
    if client is None:
        from distributed import LocalCluster

        own = Client(LocalCluster(processes=True, dashboard_address=None))
        client = own
    try:
        shipped: dict[int, Any] = {}
        futures = []
        for plan, rows in tasks:
            key = id(plan)
            if key not in shipped:
                # the compiled structure goes to every worker once; tasks carry only parameter rows
                shipped[key] = client.scatter(plan, broadcast=True, hash=False)
            part = {k: v[rows] for k, v in cols.items()} if cols else {}
            futures.append(client.submit(_remote_chunk, shipped[key], part, rows.size, pure=False))
        if progress:
            sizes = {f.key: rows.size for f, (_, rows) in zip(futures, tasks)}
            done = 0
            for f in as_completed(futures):
                done += sizes[f.key]
                progress(done, n)
        for f, (_, rows) in zip(futures, tasks):
            yield rows, _unpack(f.result())
    finally:
        if own is not None:
            cluster = own.cluster
            own.close()
            if cluster is not None:
                cluster.close()


_ALLOCATOR_TUNED = False


def _tune_allocator() -> None:
    """Let glibc keep freed memory for reuse in this (worker) process.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also switches off
    glibc's adaptive mmap threshold: every temporary array over 128 KiB is then a fresh mmap
    and its pages fault in again, and a chunk runs about twice as slowly as in a plain process
    (measured). Setting the two thresholds back to generous values (64 MiB for mmap, 256 MiB
    before trimming) restores plain-process speed. A no-op where glibc is not the allocator.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        if not name:
            return
        libc = ctypes.CDLL(name)
        mallopt = getattr(libc, "mallopt", None)
        if mallopt is None:
            return
        m_trim_threshold, m_mmap_threshold = -1, -3          # from glibc's malloc.h
        mallopt(m_mmap_threshold, 64 << 20)
        mallopt(m_trim_threshold, 256 << 20)
    except (OSError, AttributeError, TypeError):
        return


def _remote_chunk(plan: _Plan, part: Mapping[str, np.ndarray], size: int) -> tuple:
    """One chunk on a worker; the answers travel back as bits (8 per byte)."""
    _tune_allocator()
    res = _run_chunk_or_single(plan, part, size)
    return (np.packbits(res.answers, axis=1), res.answers.shape, res.inverse, res.equilibria, res.n_states)


def _unpack(packed: tuple) -> _ChunkResult:
    bits, shape, inverse, equilibria, m = packed
    answers = np.unpackbits(bits, axis=1, count=shape[1]).astype(bool).reshape(shape)
    return _ChunkResult(answers, inverse, equilibria, m)


def study(conflict: Conflict, samples: Mapping[str, np.ndarray], questions: Sequence[Question], *,
          perspective: str | None = None, parameters: Mapping[str, float] | None = None,
          progress: Callable[[int, int], None] | None = None, chunk_size: int | None = None,
          client: Any = None, scheduler: str | None = None) -> np.ndarray:
    """Answer ``questions`` for every parameter vector in ``samples``.

    ``samples`` maps parameter names to equal-length 1-D arrays (row k is one vector);
    ``parameters`` fixes other parameters for every row; ``perspective`` is applied first.
    Returns a boolean array of shape ``(n, len(questions))``, row k equal to the answers of
    ``detente.analyze(conflict, parameters={**parameters, **row k})``.

    ``chunk_size`` bounds how many rows are evaluated at once (default: sized to memory);
    ``client`` (a ``dask.distributed.Client``) or ``scheduler="dask"`` (a local cluster) runs
    the chunks on Dask workers. ``progress(done, total)`` is called as rows complete.

    >>> from detente.model import Conflict, DecisionMaker, Option, Payoff
    >>> c = Conflict("toy", [
    ...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
    ...     DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
    ... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
    >>> grid = {"t": np.linspace(0, 1, 5)}
    >>> # at t = 0.5 going is no improvement for a, so "a goes" is stable from there on
    >>> study(c, grid, [Question("nash", outcome="a_goes")], chunk_size=2)[:, 0].tolist()
    [False, False, True, True, True]
    """
    _, n = _columns(samples)
    out = np.zeros((n, len(questions)), dtype=bool)
    for rows, res in _study_chunks(conflict, samples, questions, perspective=perspective, parameters=parameters,
                                   chunk_size=chunk_size, client=client, scheduler=scheduler, progress=progress):
        out[rows] = res.answers
    return out


def study_one_at_a_time(conflict: Conflict, samples: Mapping[str, np.ndarray], questions: Sequence[Question], *,
                        perspective: str | None = None, parameters: Mapping[str, float] | None = None,
                        progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """The reference for :func:`study`: one full :func:`detente.analyze` per parameter vector.

    Slow (a whole compile per row); kept to check the batched path and to time it against.
    """
    base = conflict.with_perspective(perspective) if perspective else conflict
    cols, n = _columns(samples)
    concepts = list(dict.fromkeys(q.concept for q in questions)) or ["nash"]
    fixed = dict(parameters or {})
    out = np.zeros((n, len(questions)), dtype=bool)
    for k in range(n):
        values = {**fixed, **{name: float(v[k]) for name, v in cols.items()}}
        res = analyze(base, concepts=concepts, parameters=values)
        out[k] = [answer(res, q) for q in questions]
        if progress:
            progress(k + 1, n)
    return out


__all__ = ["Question", "answer", "study", "study_one_at_a_time"]
