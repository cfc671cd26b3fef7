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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.stability import normalize_concepts
from ..errors import DetenteError
from ..model import Conflict
from .equilibria import Analysis, analyze


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


def study(conflict: Conflict, samples: Mapping[str, np.ndarray], questions: Sequence[Question], *,
          perspective: str | None = None, parameters: Mapping[str, float] | None = None,
          progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Answer ``questions`` for every parameter vector in ``samples``.

    ``samples`` maps parameter names to equal-length 1-D arrays (row k is one vector);
    ``parameters`` fixes other parameters for every row; ``perspective`` is applied first.
    Returns a boolean array of shape ``(n, len(questions))``.
    """
    base = conflict.with_perspective(perspective) if perspective else conflict
    cols = {name: np.asarray(v, dtype=np.float64).reshape(-1) for name, v in samples.items()}
    sizes = {v.size for v in cols.values()}
    if len(sizes) > 1:
        raise DetenteError("every sampled parameter needs the same number of values", field="samples")
    n = sizes.pop() if sizes else 1
    concepts = list(dict.fromkeys(q.concept for q in questions)) or ["nash"]
    fixed = dict(parameters or {})
    out = np.zeros((n, len(questions)), dtype=bool)
    for k in range(n):
        values = {**fixed, **{name: float(v[k]) for name, v in cols.items()}}
        res = analyze(base, concepts, values)
        out[k] = [answer(res, q) for q in questions]
        if progress:
            progress(k + 1, n)
    return out


__all__ = ["Question", "answer", "study"]
