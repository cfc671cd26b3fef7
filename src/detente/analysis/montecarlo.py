"""Monte Carlo robustness: how often does each answer hold when parameters are uncertain?

Each uncertain parameter gets a distribution; detente draws ``n`` joint samples (seeded, so runs
repeat exactly), analyses the conflict at each, and reports the share of samples in which each
watched answer holds (a named outcome is an equilibrium, a DM is stable at a focal state, a
state is an equilibrium). Samples are independent, so the work splits cleanly: locally in one
process, or on a Dask cluster (``scheduler="dask"`` with an optional ``client``) when one
machine is not enough. The result does not depend on where it ran.

>>> from detente.model import Conflict, DecisionMaker, Option, Payoff
>>> c = Conflict("toy", [
...     DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5)")),
...     DecisionMaker("b", [Option("go", "b")], Payoff("0")),
... ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})
>>> res = monte_carlo(c, {"t": parse_distribution("uniform:0:1")}, n=400, seed=1)
>>> 0.4 < res.share("a_goes: equilibrium (nash)") < 0.6
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError
from ..model import Conflict
from .equilibria import DEFAULT_CONCEPTS, analyze
from .sweep import signature


@dataclass(frozen=True)
class Distribution:
    """A named distribution with its arguments: uniform(lo, hi), normal(mean, sd),
    triangular(lo, mode, hi), beta(a, b), or fixed(value)."""

    kind: str
    args: tuple[float, ...]

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


@dataclass
class MonteCarloResult:
    """Shares of samples in which each watched answer held, plus the samples themselves."""

    n: int
    parameters: dict[str, Distribution]
    samples: dict[str, list[float]]
    counts: dict[str, int]
    equilibrium_counts: dict[str, dict[int, int]] = field(default_factory=dict)
    scheduler: str = "local"

    def share(self, key: str) -> float:
        if key not in self.counts:
            raise DetenteError(f"'{key}' is not a watched answer", field="key")
        return self.counts[key] / self.n

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "scheduler": self.scheduler,
            "parameters": {k: {"kind": d.kind, "args": list(d.args)} for k, d in self.parameters.items()},
            "shares": {k: v / self.n for k, v in self.counts.items()},
            "equilibrium_shares": {c: {str(s): v / self.n for s, v in sorted(d.items())}
                                   for c, d in self.equilibrium_counts.items()},
        }


def _evaluate(task: tuple[Conflict, list[str], dict[str, float], list[int]]) -> dict[str, Any]:
    conflict, concepts, values, focus = task
    return signature(analyze(conflict, concepts, values), focus)


def monte_carlo(conflict: Conflict, distributions: Mapping[str, Distribution], n: int = 1000,
                seed: int = 0, concepts: Iterable[str] = DEFAULT_CONCEPTS, perspective: str | None = None,
                parameters: Mapping[str, float] | None = None, focus_states: Iterable[int] = (),
                scheduler: str = "local", client: Any = None, npartitions: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Analyse ``n`` parameter draws and count how often each answer holds.

    ``scheduler``: "local" (this process) or "dask" (a Dask bag; with ``client`` a
    ``dask.distributed.Client`` for a cluster, otherwise Dask's local processes).
    """
    if n < 1:
        raise DetenteError("the number of samples must be at least 1", field="samples")
    base = conflict.with_perspective(perspective) if perspective else conflict
    unknown = sorted(set(distributions) - set(base.parameters))
    if unknown:
        raise DetenteError(f"unknown parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(base.parameters))})",
                           field="--param", source=conflict.source)
    rng = np.random.default_rng(seed)
    draws = {name: d.sample(rng, n) for name, d in distributions.items()}
    concepts = list(concepts)
    focus = list(focus_states)
    fixed = dict(parameters or {})
    tasks = [(base, concepts, {**fixed, **{k: float(v[i]) for k, v in draws.items()}}, focus) for i in range(n)]
    if scheduler == "local":
        sigs = []
        for i, t in enumerate(tasks):
            sigs.append(_evaluate(t))
            if progress:
                progress(i + 1, n)
    elif scheduler == "dask":
        try:
            import dask.bag as db
        except ImportError:
            raise DetenteError("scheduler 'dask' needs Dask: pip install 'detente[scale]'",
                               field="scheduler") from None
        bag = db.from_sequence(tasks, npartitions=npartitions or min(n, 64)).map(_evaluate)
        sigs = client.compute(bag).result() if client is not None else bag.compute(scheduler="processes")
        if progress:
            progress(n, n)
    else:
        raise DetenteError(f"unknown scheduler '{scheduler}' (local or dask)", field="scheduler")
    counts: dict[str, int] = {}
    eq_counts: dict[str, dict[int, int]] = {c: {} for c in concepts}
    for sig in sigs:
        for key, value in sig.items():
            if isinstance(value, bool):
                counts[key] = counts.get(key, 0) + int(value)
            elif key.startswith("equilibria["):
                c = key[len("equilibria["):-1]
                for s in value:
                    eq_counts[c][s] = eq_counts[c].get(s, 0) + 1
    return MonteCarloResult(n, dict(distributions), {k: v.tolist() for k, v in draws.items()}, counts, eq_counts,
                            scheduler)
