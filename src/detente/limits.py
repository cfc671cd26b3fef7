"""Resource limits, checked *before* the work, each with a clear message and the knob to raise it.

Every limit has a default and an environment variable that raises (or lowers) it, e.g.
``DETENTE_MAX_STATES=20000000 detente analyze big.yaml``. A check that fails raises
:class:`~detente.errors.ModelTooLargeError` (a :class:`~detente.errors.DetenteError`) saying
what is too large, by how much, and which variable to set. The cost estimates of the analyses
live here, in one place, so that the code that does the work only calls one function at its
entry:

>>> from detente import limits
>>> limits.STATES.value() >= 1 << 20
True
>>> limits.check_states(1000)                       # fine: returns nothing
>>> try:
...     limits.check_states(10 ** 12)
... except limits.ModelTooLargeError as exc:
...     print(exc.reason.split(":")[0])
model too large

Limits on *input* (document size, nesting, expression size, number size) protect the parser;
limits on *work* (states, candidate states, analysis cost) keep every command bounded in time and
memory. The engine's own memory estimate is ``DETENTE_MEMORY_LIMIT`` (see
:func:`detente.analysis.compile.memory_limit`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import DetenteError, ModelTooLargeError


@dataclass(frozen=True)
class Limit:
    """One limit: its default, the environment variable that overrides it, and its unit."""

    env: str
    default: int
    unit: str
    what: str

    def value(self) -> int:
        """The limit in force: the environment variable if set (a whole number, ``_`` and ``e``
        notation allowed: ``2e7``), else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            value = float(raw.replace("_", ""))
        except ValueError:
            raise DetenteError(f"expected a number, got {raw!r}", field=self.env, source="environment") from None
        if not math.isfinite(value) or value < 1:
            raise DetenteError(f"expected a positive number, got {raw!r}", field=self.env, source="environment")
        return int(min(value, 2 ** 62))

    def check(self, amount: float, *, subject: str, field: str | None = None, source: str | None = None,
              advice: str = "") -> None:
        """Raise :class:`ModelTooLargeError` when ``amount`` is over the limit."""
        limit = self.value()
        if amount > limit:
            amount_text = f"{amount:,.0f}" if amount < 1e18 else f"{amount:.3g}"
            advice = f" {advice.strip()}" if advice else ""
            raise ModelTooLargeError(
                f"{subject} is too large: {amount_text} {self.unit}, over the limit of {limit:,} {self.unit} "
                f"({self.what}).{advice} To allow it, set {self.env}={_suggest(amount)} if the machine "
                f"can take it.", field=field, source=source)


def _suggest(amount: float) -> str:
    if amount >= 1e15:
        return f"{amount:.0e}".replace("+", "")
    return str(int(2 ** math.ceil(math.log2(max(amount, 2)))))


# -- limits on input ---------------------------------------------------------------------------------
DOCUMENT_BYTES = Limit("DETENTE_MAX_DOCUMENT_BYTES", 16 << 20, "bytes", "size of a scenario file")
NESTING = Limit("DETENTE_MAX_NESTING", 64, "levels", "nesting of lists and mappings in a file")
DOCUMENT_NODES = Limit("DETENTE_MAX_DOCUMENT_NODES", 1_000_000, "values",
                       "values in a file once YAML aliases are expanded")
EXPRESSION_CHARS = Limit("DETENTE_MAX_EXPRESSION_CHARS", 10_000, "characters", "length of one expression")
EXPRESSION_DEPTH = Limit("DETENTE_MAX_EXPRESSION_DEPTH", 200, "levels", "nesting of one expression")
NUMBER_DIGITS = Limit("DETENTE_MAX_NUMBER_DIGITS", 400, "digits", "digits of a whole-number literal")

# -- limits on work ------------------------------------------------------------------------------------
CANDIDATE_STATES = Limit("DETENTE_MAX_CANDIDATE_STATES", 1 << 22, "candidate states",
                         "2^options combinations enumerated to find the feasible states")
STATES = Limit("DETENTE_MAX_STATES", 1 << 20, "states", "feasible states of one model")
SIM_WORK = Limit("DETENTE_MAX_SIM_WORK", 5_000_000, "joint responses",
                 "states x the other DMs' joint responses enumerated by SIM and SEQ-SIM")
RUN_WORK = Limit("DETENTE_MAX_RUN_WORK", 40_000_000, "state-analyses",
                 "whole analyses x states, for sweeps, Monte Carlo, levers and inverse searches")

PERCEPTION_LEVELS = 2
"""Deepest hypergame supported: perceptions (level 1) and perceptions of perceptions (level 2)."""

ADVICE = ("Advice: remove options that do not matter, add feasibility constraints (e.g. mutually exclusive "
          "groups), or split the conflict.")


def check_candidates(n_options: int, *, field: str | None = "decision_makers", source: str | None = None) -> None:
    """Before enumerating the 2^n option combinations of an option-form model."""
    CANDIDATE_STATES.check(2.0 ** n_options, subject=f"model too large: {n_options} options give "
                           f"2^{n_options} combinations to check; the state space", field=field, source=source,
                           advice=ADVICE)


def check_states(m: int, *, field: str | None = "decision_makers", source: str | None = None) -> None:
    """A model with ``m`` feasible states (checked while enumerating, before allocating tables)."""
    STATES.check(m, subject="model too large: the state space", field=field, source=source, advice=ADVICE)


SIM_DENSE_OPTIONS = 26
"""Up to this many options SIM/SEQ-SIM run as the vectorised kernel of
:mod:`detente.engine.stability` (``DENSE_SIM_BITS``); beyond it they enumerate joint responses."""


def sim_work(m: int, dm_option_counts: list[int]) -> float:
    """An estimate of the work of SIM and SEQ-SIM, in joint responses.

    Up to :data:`SIM_DENSE_OPTIONS` options the kernel reduces a dense array of all 2^n option
    combinations once per other DM, for each DM, then checks every state: about
    n_dms × (n_dms − 1) × 2^n + n_dms × m. Beyond it
    joint responses are enumerated: for each state and DM, the product over the other DMs of
    their 2^k choices (each may move or stay)."""
    n = sum(dm_option_counts)
    d = len(dm_option_counts)
    if n <= SIM_DENSE_OPTIONS:
        return float(d * max(d - 1, 1)) * 2.0 ** n + float(d) * m
    total = 0.0
    for i in range(d):
        total += math.prod(2.0 ** k for j, k in enumerate(dm_option_counts) if j != i)
    return m * total


def check_sim(m: int, dm_option_counts: list[int], *, source: str | None = None) -> None:
    """Before SIM or SEQ-SIM on an ``m``-state option-form model."""
    SIM_WORK.check(sim_work(m, dm_option_counts), subject="SIM/SEQ-SIM on this model", field="concepts",
                   source=source, advice="Analyse nash, gmr, smr and seq only, or reduce the model.")


def check_runs(runs: float, m: int, *, subject: str, field: str | None = None, source: str | None = None) -> None:
    """Before ``runs`` whole analyses of an ``m``-state model (sweeps, Monte Carlo, levers, inverse)."""
    RUN_WORK.check(float(runs) * max(m, 1), subject=f"{subject} ({runs:,.0f} analyses of {m:,} states)",
                   field=field, source=source, advice="Use fewer steps or samples, or a smaller model.")


def check_hypergame(m: int, dm_option_counts: list[int], perceptions: list, *, source: str | None = None) -> None:
    """Before a hypergame analysis: one analysis of reality, one with awareness limits, one per
    perception and per perception of a perception; limited awareness rebuilds every DM's moves
    as explicit arcs (about 2^k per state for a DM with k options)."""
    games = 2 + len(perceptions) + sum(len(p.of_others) for p in perceptions)
    restricted = any(p.unaware_options or p.unaware_states or
                     any(q.unaware_options or q.unaware_states for q in p.of_others.values()) for p in perceptions)
    arcs_per_state = sum(2.0 ** k for k in dm_option_counts) if dm_option_counts else 20.0
    weight = 1 + (arcs_per_state if restricted else 0)
    RUN_WORK.check(float(games) * max(m, 1) * weight, subject=f"the hypergame ({games} games of {m:,} states"
                   + (", with limited awareness" if restricted else "") + ")", field="perceptions", source=source,
                   advice="Analyse fewer perceptions, or a smaller model.")


def coalitional_evolution_work(m: int, coalitions: Sequence[tuple[int, float, int]], depth: int = 8) -> float:
    """An estimate of the work of coalitional evolution, in state-analyses.

    ``coalitions`` holds, per coalition, the nodes of its reach DAG, the cells of its members'
    rank grid (the product over members of their distinct preference levels + 1) and its number
    of members. Each level of the breadth-first search (``depth`` levels assumed) asks every
    coalition, for every state, whether it is a coalitional improvement from the frontier: about
    a dozen passes over the states, plus either the grid (nodes × cells × (members + 1)) or 64-bit
    masks ((states / 64) × states × (members + 3)), whichever is cheaper. About 1,000 such
    element operations make a state-analysis (one state through the four core concepts).

    >>> round(coalitional_evolution_work(55_800, [(8, 148_000.0, 4)]))
    52717
    """
    total = 0.0
    for nodes, cells, members in coalitions:
        grid = float(nodes) * cells * (members + 1)
        masks = (m / 64 + 1) * float(m) * (members + 3)
        total += depth * (12.0 * m + min(grid, masks))
    return total / 1000


def check_coalitional_evolution(m: int, coalitions: Sequence[tuple[int, float, int]], *,
                                source: str | None = None) -> None:
    """Before coalitional evolution (see :func:`coalitional_evolution_work`)."""
    RUN_WORK.check(coalitional_evolution_work(m, coalitions),
                   subject=f"coalitional evolution ({len(coalitions)} coalitions, {m:,} states)", field="modes",
                   source=source, advice="Name the coalitions that matter (--coalition), use the unilateral "
                                         "modes, or a smaller model.")


def check_coalition_analysis(m: int, n_coalitions: int, *, merged: bool = False, joint_moves: float = 0.0,
                             source: str | None = None) -> None:
    """Before coalition stability (``n_coalitions`` coalitions) or a merged-DM analysis
    (``n_coalitions`` units) of an ``m``-state model.

    Both work on one small graph per coalition (its moves condensed) and arrays over the states,
    so their cost is about linear: coalitions × states (measured: 0.35 s for all 11 coalitions
    of a 4-DM, 55,800-state model). A merged SEQ analysis whose sanctioning blocks have several
    DMs compares those blocks' candidate moves: ``joint_moves`` of them (states × 2^options of
    the block, or states² in graph form), counted at 8 a unit. The dominance queries inside
    are checked again by :func:`check_coalition_query` once their size is known.
    """
    work = float(n_coalitions) * m + joint_moves / 8
    subject = (f"merged coalition analysis ({n_coalitions} blocks, {m:,} states)" if merged
               else f"coalition analysis ({n_coalitions} coalitions, {m:,} states)")
    RUN_WORK.check(work, subject=subject, field="coalitions", source=source,
                   advice="Name fewer coalitions (--coalition), or analyse a smaller model.")


COALITION_WORDS_PER_UNIT = 512
"""Word operations of a coalition dominance query counted as one unit of RUN_WORK."""


def check_coalition_query(word_ops: float, n_thresholds: int, m: int, *, source: str | None = None) -> None:
    """Before one coalition dominance query ("is some state the coalition reaches better for
    every member?") that compares ``n_thresholds`` distinct preference-threshold vectors with
    ``m`` states, ``word_ops`` machine-word operations in all (64 thresholds a word)."""
    RUN_WORK.check(word_ops / COALITION_WORDS_PER_UNIT,
                   subject=f"a coalition dominance query ({n_thresholds:,} preference thresholds x {m:,} states)",
                   field="coalitions", source=source,
                   advice="Name smaller coalitions (--coalition), use coarser preferences, or analyse a smaller model.")


def bisection_steps(lo: float, hi: float, precision: float) -> int:
    """How many halvings locate a tipping point in [lo, hi] to ``precision``."""
    return max(0, math.ceil(math.log2(max((hi - lo) / precision, 1.0))))


def precision_problem(lo: float, hi: float, precision: float | None) -> str | None:
    """Why a sweep ``precision`` cannot be honoured over [lo, hi] (None when it can).

    A precision finer than the floating-point resolution of the range (a relative 1e-12) would
    bisect forever or not at all; a coarser one than the range itself locates nothing.
    """
    if precision is None:
        return None
    if not (math.isfinite(precision) and precision > 0):
        return f"the precision must be a positive number, got {precision}"
    if math.isfinite(lo) and math.isfinite(hi):
        floor = 1e-12 * max(abs(lo), abs(hi), hi - lo, 1e-300)
        if precision < floor:
            return (f"the precision {precision:g} is below the floating-point resolution of the range "
                    f"[{lo:g}, {hi:g}] (at least {floor:.3g}; the tipping point cannot be located finer)")
    return None


__all__ = [
    "CANDIDATE_STATES",
    "DOCUMENT_BYTES",
    "DOCUMENT_NODES",
    "EXPRESSION_CHARS",
    "EXPRESSION_DEPTH",
    "NESTING",
    "NUMBER_DIGITS",
    "PERCEPTION_LEVELS",
    "RUN_WORK",
    "SIM_WORK",
    "STATES",
    "Limit",
    "ModelTooLargeError",
    "bisection_steps",
    "check_candidates",
    "check_hypergame",
    "check_coalitional_evolution",
    "coalitional_evolution_work",
    "check_coalition_analysis",
    "check_coalition_query",
    "check_runs",
    "check_sim",
    "check_states",
    "precision_problem",
    "sim_work",
]
