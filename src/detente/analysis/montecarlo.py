"""Monte Carlo robustness: how often does each answer hold when parameters are uncertain?

Each uncertain parameter gets a distribution; detente draws ``n`` joint samples (seeded, so runs
repeat exactly), analyses the conflict at each, and reports the share of samples in which each
watched answer holds (a named outcome is an equilibrium, or holds a state stable for a DM; a DM
is stable at a focal state; which states are equilibria), each with a Wilson confidence
interval, and which parameters move the answers most.

All samples go through one batched :func:`~detente.analysis.study.study` pass (the structure is
compiled once, only distinct preference vectors are analysed), so hundreds of thousands of draws
take seconds. Samples are independent, so the work also splits cleanly over a Dask cluster
(``client`` or ``scheduler="dask"``): the compiled structure goes to each worker once and chunks
of draws run there. The result does not depend on where or in what chunks it ran.

>>> from detente.model import Conflict, DecisionMaker, Option, Payoff
>>> c = Conflict("toy", [
...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
...     DecisionMaker("b", [Option("go", "b")], Payoff("0")),
... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
>>> res = monte_carlo(c, distributions={"t": parse_distribution("uniform:0:1")}, n=400, seed=1)
>>> 0.4 < res.share("a_goes: equilibrium (nash)") < 0.6
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import limits
from ..engine.stability import normalize_concepts
from ..errors import DetenteError
from ..model import Conflict
from .compile import compile_conflict
from .equilibria import DEFAULT_CONCEPTS
from .study import Question, _study_chunks

CONFIDENCE = 0.95
"""Level of the confidence intervals reported with every share."""


@dataclass(frozen=True)
class Distribution:
    """A named distribution with its arguments: uniform(lo, hi), normal(mean, sd),
    triangular(lo, mode, hi), beta(a, b), or fixed(value)."""

    kind: str
    args: tuple[float, ...]

    def __post_init__(self) -> None:
        args = tuple(self.args)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in args):
            raise DetenteError(f"{self.kind} needs finite numbers, got {args!r:.80}", field="--param")
        if len(args) >= 2 and not math.isfinite(float(args[-1]) - float(args[0])):
            raise DetenteError(f"the range of {self.kind}{args!r:.80} is too wide to sample", field="--param")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        k, a = self.kind, self.args
        if k == "uniform":
            return rng.uniform(a[0], a[1], n)
        if k == "normal":
            return rng.normal(a[0], a[1], n)
        if k == "triangular":
            return rng.triangular(a[0], a[1], a[2], n)
        if k == "beta":
            return rng.beta(a[0], a[1], n)
        return np.full(n, a[0])


_ARITY = {"uniform": 2, "normal": 2, "triangular": 3, "beta": 2, "fixed": 1}


def parse_distribution(text: str) -> Distribution:
    """Read ``kind:arg:arg`` (e.g. ``uniform:0:0.3``, ``normal:0.1:0.02``, ``beta:2:5``).

    >>> parse_distribution("triangular:0:0.1:0.3")
    Distribution(kind='triangular', args=(0.0, 0.1, 0.3))
    """
    parts = [p.strip() for p in str(text).split(":")]
    kind = parts[0].lower()
    if kind not in _ARITY:
        raise DetenteError(f"unknown distribution '{parts[0]}' (known: {', '.join(_ARITY)})", field="--param")
    if len(parts) - 1 != _ARITY[kind]:
        raise DetenteError(f"{kind} takes {_ARITY[kind]} number(s), e.g. "
                           f"{kind}:{':'.join(['0.1'] * _ARITY[kind])}; got {text!r}", field="--param")
    try:
        args = tuple(float(p) for p in parts[1:])
    except ValueError:
        raise DetenteError(f"distribution arguments must be numbers in {text!r}", field="--param") from None
    if kind in ("uniform",) and not args[1] > args[0]:
        raise DetenteError(f"uniform needs lo < hi in {text!r}", field="--param")
    if kind == "triangular" and not args[0] <= args[1] <= args[2]:
        raise DetenteError(f"triangular needs lo <= mode <= hi in {text!r}", field="--param")
    if kind in ("normal",) and args[1] < 0 or kind == "beta" and min(args) <= 0:
        raise DetenteError(f"invalid spread or shape in {text!r}", field="--param")
    return Distribution(kind, args)


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a share of ``k`` successes in ``n`` draws.

    (Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22,
    1927.) Unlike the normal approximation it stays inside [0, 1] and is informative at 0 % and
    100 %.

    >>> [round(x, 4) for x in wilson_interval(0, 100)]
    [0.0, 0.037]
    >>> [round(x, 4) for x in wilson_interval(50, 100)]
    [0.4038, 0.5962]
    """
    if n <= 0:
        return (0.0, 1.0)
    z = _z(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval contains p (exactly so at 0 and n, where rounding could nudge it)
    return (0.0 if k == 0 else min(p, max(0.0, centre - half)), 1.0 if k == n else max(p, min(1.0, centre + half)))


def _z(confidence: float) -> float:
    """The two-sided normal quantile for ``confidence`` (by bisection on erf; no SciPy needed)."""
    target = 1 - (1 - confidence) / 2
    lo, hi = 0.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass
class MonteCarloResult:
    """Shares of samples in which each watched answer held, with what drove them.

    ``counts[key]`` is the number of draws in which the answer ``key`` held (every watched
    answer, including those that never or always hold); ``samples`` are the draws;
    ``influence[parameter]`` is the largest absolute rank correlation between the parameter's
    draws and any watched answer that varies (0 when none does), and ``drives[parameter]`` that
    answer; ``answers`` (packed bits, one row per draw) lets plots and callers go back to single
    draws.
    """

    n: int
    parameters: dict[str, Distribution]
    samples: dict[str, np.ndarray]
    counts: dict[str, int]
    equilibrium_counts: dict[str, dict[int, int]] = field(default_factory=dict)
    scheduler: str = "local"
    influence: dict[str, float] = field(default_factory=dict)
    answers: np.ndarray | None = field(default=None, repr=False)
    keys: list[str] = field(default_factory=list)
    seed: int = 0
    confidence: float = CONFIDENCE
    drives: dict[str, str] = field(default_factory=dict)

    def share(self, key: str) -> float:
        if key not in self.counts:
            raise DetenteError(f"'{key}' is not a watched answer", field="key")
        return self.counts[key] / self.n

    def interval(self, key: str) -> tuple[float, float]:
        """The Wilson confidence interval of ``share(key)``."""
        self.share(key)
        return wilson_interval(self.counts[key], self.n, self.confidence)

    def answer(self, key: str) -> np.ndarray:
        """Per draw, whether the answer ``key`` held (a boolean array of length ``n``)."""
        if self.answers is None or key not in self.keys:
            raise DetenteError(f"'{key}' is not a watched answer", field="key")
        bits = np.unpackbits(self.answers, axis=1, count=len(self.keys))
        return bits[:, self.keys.index(key)].astype(bool)

    def most_influential(self, k: int = 2) -> list[str]:
        """The ``k`` parameters that move the answers most (see ``influence``)."""
        return sorted(self.influence, key=lambda p: (-self.influence[p], p))[:k]

    def summary(self) -> str:
        """Plain text: the share of samples in which each watched answer held."""
        lines = [f"Monte Carlo over {', '.join(self.parameters)}: {self.n} samples"]
        lines += [f"  {k}: {v / self.n:.1%}" for k, v in self.counts.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed,
            "scheduler": self.scheduler,
            "confidence": self.confidence,
            "parameters": {k: {"kind": d.kind, "args": list(d.args)} for k, d in self.parameters.items()},
            "shares": {k: v / self.n for k, v in self.counts.items()},
            "intervals": {k: list(wilson_interval(v, self.n, self.confidence)) for k, v in self.counts.items()},
            "counts": dict(self.counts),
            "equilibrium_shares": {c: {str(s): v / self.n for s, v in sorted(d.items())}
                                   for c, d in self.equilibrium_counts.items()},
            "influence": dict(sorted(self.influence.items(), key=lambda kv: -kv[1])),
            "drives": dict(self.drives),
        }


def watched_questions(conflict: Conflict, concepts: Iterable[str], focus_states: Iterable[int] = ()) -> list[Question]:
    """Every answer a Monte Carlo run (and a sweep) watches, in a stable order: per named outcome
    and concept, whether it is an equilibrium and whether it holds a state stable for each DM;
    per focus state, concept and DM, that DM's verdict there."""
    out: list[Question] = []
    names = normalize_concepts(concepts)
    for name in conflict.outcomes:
        for c in names:
            out.append(Question(c, outcome=name))
            out += [Question(c, outcome=name, dm=dm) for dm in conflict.dm_names]
    for s in focus_states:
        for c in names:
            out += [Question(c, state=int(s), dm=dm) for dm in conflict.dm_names]
    return out


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank), for rank correlations."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    ends = np.r_[starts[1:], xs.size]
    avg = (starts + ends - 1) / 2.0
    ranks = np.empty(x.size, dtype=np.float64)
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


DEFAULT_SAMPLES = 1000
"""Draws :func:`monte_carlo` takes unless told (``n``); ``detente montecarlo --samples`` uses it too."""


def monte_carlo(conflict: Conflict, *, distributions: Mapping[str, Distribution], n: int = DEFAULT_SAMPLES,
                seed: int = 0, focus_states: Iterable[int] = (), scheduler: str = "local", client: Any = None,
                npartitions: int | None = None, chunk_size: int | None = None,
                concepts: Iterable[str] = DEFAULT_CONCEPTS, parameters: Mapping[str, float] | None = None,
                perspective: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Analyse ``n`` parameter draws and count how often each answer holds.

    ``scheduler``: "local" (this process, batched) or "dask" (chunks of draws on Dask workers:
    the cluster of ``client`` — a ``dask.distributed.Client`` — or a local cluster started for
    the run). ``npartitions`` or ``chunk_size`` set how the draws are split; the counts do not
    depend on either.

    >>> from detente.model import Conflict, DecisionMaker, Option, Payoff
    >>> c = Conflict("toy", [
    ...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
    ...     DecisionMaker("b", [Option("go", "b")], Payoff("0")),
    ... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
    >>> res = monte_carlo(c, distributions={"t": parse_distribution("uniform:0:1")}, n=1000, seed=1)
    >>> lo, hi = res.interval("a_goes: equilibrium (nash)")
    >>> lo < 0.5 < hi
    True
    """
    if n < 1:
        raise DetenteError("the number of samples must be at least 1", field="samples")
    if scheduler not in ("local", "dask"):
        raise DetenteError(f"unknown scheduler '{scheduler}' (local or dask)", field="scheduler")
    base = conflict.with_perspective(perspective) if perspective else conflict
    known = set(base.parameters) | set(base.beliefs)
    unknown = sorted(set(distributions) - known)
    if unknown:
        raise DetenteError(f"unknown parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})",
                           field="--param", source=conflict.source)
    limits.check_runs(n, compile_conflict(base, parameters).n_states, subject="the Monte Carlo study",
                      field="samples", source=conflict.source)
    rng = np.random.default_rng(seed)
    draws = {name: d.sample(rng, n) for name, d in distributions.items()}
    names = normalize_concepts(concepts)
    questions = watched_questions(base, names, focus_states)
    keys = [q.key for q in questions]
    if npartitions and not chunk_size:
        chunk_size = max(1, -(-n // int(npartitions)))
    counts = np.zeros(len(questions), dtype=np.int64)
    eq_counts: dict[str, np.ndarray] = {c: np.zeros(0, np.int64) for c in names}
    packed = np.zeros((n, -(-max(len(questions), 1) // 8)), dtype=np.uint8)
    params = list(draws)
    ranks = np.stack([_ranks(draws[p]) for p in params], axis=1) if params else np.zeros((n, 0))
    cross = np.zeros((len(params), len(questions)))
    use_dask = scheduler == "dask" or client is not None
    for rows, res in _study_chunks(conflict, draws, questions, perspective=perspective, parameters=parameters,
                                   concepts=names, chunk_size=chunk_size, client=client,
                                   scheduler="dask" if use_dask else None, keep_equilibria=True,
                                   progress=progress):
        ans = res.answers
        counts += ans.sum(axis=0)
        if questions:
            packed[rows] = np.packbits(ans, axis=1)
            cross += ranks[rows].T @ ans.astype(np.float64)
        weights = np.bincount(res.inverse, minlength=next(iter(res.equilibria.values())).shape[0]
                              if res.equilibria else 0)
        for c in names:
            per_state = weights @ res.equilibria[c].astype(np.int64)
            acc = eq_counts[c]
            if acc.size < per_state.size:
                acc = np.concatenate([acc, np.zeros(per_state.size - acc.size, np.int64)])
            acc[:per_state.size] += per_state
            eq_counts[c] = acc
    influence, drives = _influence(ranks, counts, cross, n, params, keys)
    return MonteCarloResult(
        n, dict(distributions), draws, {k: int(v) for k, v in zip(keys, counts)},
        {c: {int(s) + 1: int(v) for s, v in enumerate(acc) if v} for c, acc in eq_counts.items()},
        "dask" if use_dask else "local", influence, packed, keys, seed, drives=drives)


def _influence(ranks: np.ndarray, counts: np.ndarray, cross: np.ndarray, n: int, params: list[str],
               keys: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """Largest |Spearman correlation| of each parameter with any watched answer that varies, and
    that answer."""
    out = {p: 0.0 for p in params}
    drives: dict[str, str] = {}
    if n < 2 or not params:
        return out, drives
    p_share = counts / n
    varies = (counts > 0) & (counts < n)
    if not varies.any():
        return out, drives
    mean_r = ranks.mean(axis=0)
    sd_r = ranks.std(axis=0)
    sd_a = np.sqrt(p_share * (1 - p_share))
    cov = cross / n - mean_r[:, None] * p_share[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.where(varies[None, :] & (sd_r[:, None] > 0), cov / (sd_r[:, None] * sd_a[None, :]), 0.0)
    strength = np.nan_to_num(np.abs(corr))
    for k, p in enumerate(params):
        out[p] = float(np.clip(strength[k].max(), 0.0, 1.0))
        if out[p] > 0:
            drives[p] = keys[int(np.argmax(strength[k]))]
    return out, drives
