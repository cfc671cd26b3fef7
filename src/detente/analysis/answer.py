"""The answer first: one page, in plain words, on whether each party takes a deal and what would
change its mind.

:func:`answer` gathers, for one named outcome (the *deal*; by default the scenario's first) at its
focal state (the deal's state next to the status quo):

- each party's verdict under a headline concept (default SEQ) and under Nash (its own interest,
  sanctions aside), the move it would make instead, named by meaning ("status quo", "war with US
  support", or the options it changes), and — for payoff models — *why*, as the additive terms of
  its payoff formula evaluated at the deal and at the move, with the model's numbers;
- each party's levers (see :mod:`detente.analysis.levers`), nearest first: the parameter values at
  which its verdict flips;
- every derived belief (what one party thinks another is) with the types behind it;
- the model's own forecast from the status quo: where unilateral improvements lead;
- the scenario's declared 2-D maps (or none).

>>> import detente
>>> a = answer(detente.load("examples/ukraine-ceasefire.yaml"), grid=17)
>>> a.party("russia").accepts, a.party("ukraine").accepts
(False, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelError
from ..model import Conflict, Payoff
from ..model.expressions import Node, evaluate, parse, to_text
from .equilibria import Analysis, analyze
from .levers import Lever, LeverMap, lever_map, levers

Progress = Callable[[int, int], None]


@dataclass
class Term:
    """One additive term of a payoff formula, at the deal and at the party's alternative."""

    text: str
    label: str
    at_deal: float
    at_move: float

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.text, "label": self.label, "at_deal": self.at_deal, "at_move": self.at_move}


@dataclass
class PartyAnswer:
    """One party's verdict on the deal, why, and what would change it."""

    dm: str
    label: str
    accepts: bool
    accepts_nash: bool
    move: int | None
    move_meaning: str
    move_change: str
    deterred_under: list[str]
    terms: list[Term]
    levers: list[Lever]
    levers_nash: list[Lever]

    def to_dict(self) -> dict[str, Any]:
        return {"dm": self.dm, "label": self.label, "accepts": self.accepts, "accepts_nash": self.accepts_nash,
                "move": self.move, "move_meaning": self.move_meaning, "move_change": self.move_change,
                "deterred_under": self.deterred_under,
                "why": [t.to_dict() for t in self.terms], "levers": [lv.to_dict() for lv in self.levers],
                "levers_nash": [lv.to_dict() for lv in self.levers_nash]}


@dataclass
class BeliefAnswer:
    """A derived belief, its value, and each type's weight and reply."""

    name: str
    about: str
    value: float
    rate: float
    types: list[tuple[str, float, bool]]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "about": self.about, "value": self.value, "rate": self.rate,
                "types": [{"type": t, "weight": w, "walks_away": walks} for t, w, walks in self.types]}


@dataclass
class Answer:
    """The one-page answer (see the module docstring)."""

    conflict: Conflict
    outcome: str
    focal_state: int
    focal_meaning: str
    status_quo: int | None
    status_quo_meaning: str
    concept: str
    parties: list[PartyAnswer]
    beliefs: list[BeliefAnswer] = field(default_factory=list)
    forecast: list[tuple[str, int, str]] = field(default_factory=list)   # (mover, state, meaning) steps
    forecast_end: str = ""
    maps: list[LeverMap] = field(default_factory=list)
    analysis: Analysis | None = field(default=None, repr=False)

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return self.analysis.equilibria if self.analysis is not None else {}

    def party(self, dm: str) -> PartyAnswer:
        name = self.conflict.dm(dm).name
        return next(p for p in self.parties if p.dm == name)

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "focal_state": self.focal_state, "focal_meaning": self.focal_meaning,
                "status_quo": self.status_quo, "status_quo_meaning": self.status_quo_meaning,
                "concept": self.concept, "parties": [p.to_dict() for p in self.parties],
                "beliefs": [b.to_dict() for b in self.beliefs],
                "forecast": [{"mover": m, "state": s, "meaning": t} for m, s, t in self.forecast],
                "forecast_end": self.forecast_end, "maps": [m.to_dict() for m in self.maps]}

    def summary(self) -> str:
        """One line per party: does it take the deal (headline concept, and Nash)."""
        lines = [f"'{self.outcome}' (state {self.focal_state}) under {self.concept.upper()}:"]
        for p in self.parties:
            verdict = "takes it" if p.accepts else f"does not: would move to {p.move_meaning}"
            lines.append(f"  {p.label}: {verdict} (Nash: {'yes' if p.accepts_nash else 'no'})")
        return "\n".join(lines)


# --------------------------------------------------------------------------- states by meaning
def state_meaning(analysis: Analysis, state: int) -> str:
    """A state named by what it means: the single-state named outcomes that are exactly it, else
    the options taken, by label (``"war_with_us_support"`` → "war with us support")."""
    t = state - 1
    exact = [name for name, mask in analysis.compiled.outcomes.items() if mask[t] and mask.sum() == 1]
    if exact:
        return " / ".join(n.replace("_", " ") for n in exact)
    conflict = analysis.conflict
    space = analysis.compiled.space
    if space is None:
        return str(conflict.graph.states[t])  # type: ignore[union-attr]
    code = int(space.codes[t])
    taken = [(o.label or o.key) for k, o in enumerate(conflict.options) if (code >> k) & 1]
    return ", ".join(taken) if taken else "no option taken"


def move_words(analysis: Analysis, a: int, b: int) -> str:
    """What changes from state ``a`` to ``b``, in words: ``"US supports Ukraine: yes → no"``."""
    space = analysis.compiled.space
    if space is None:
        return f"{state_meaning(analysis, a)} → {state_meaning(analysis, b)}"
    ca, cb = int(space.codes[a - 1]), int(space.codes[b - 1])
    parts = []
    for k, o in enumerate(analysis.conflict.options):
        if ((ca >> k) & 1) != ((cb >> k) & 1):
            parts.append(f"{o.label or o.key}: {'yes → no' if (ca >> k) & 1 else 'no → yes'}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- why: payoff terms
def _terms(node: Node, sign: float = 1.0) -> list[tuple[float, Node]]:
    if node.op == "+":
        return _terms(node.args[0], sign) + _terms(node.args[1], sign)
    if node.op == "-" and len(node.args) == 2:
        return _terms(node.args[0], sign) + _terms(node.args[1], -sign)
    return [(sign, node)]


def payoff_terms(analysis: Analysis, dm: str, a: int, b: int) -> list[Term]:
    """The additive terms of ``dm``'s payoff formula at states ``a`` and ``b`` (1-based); empty
    for preferences that are not payoffs. Labels name the term's main parameter."""
    conflict = analysis.conflict
    pref = conflict.dm(dm).preference
    if not isinstance(pref, Payoff):
        return []
    env = dict(analysis.compiled.env)
    env.update({k: float(v) for k, v in pref.parameters.items()})
    from .compile import expression_functions

    funcs = expression_functions()
    out = []
    for sign, node in _terms(parse(pref.formula)):
        value = np.broadcast_to(np.asarray(evaluate(node, env, funcs), dtype=np.float64), (analysis.n_states,))
        names = [n for n in _ordered_names(node) if n in conflict.parameters or n in conflict.beliefs]
        label = ""
        for n in names:
            info = conflict.parameter_info.get(n)
            if info is not None and info.label:
                label = info.label
                break
        text = ("- " if sign < 0 else "") + to_text(node)
        out.append(Term(text if len(text) <= 120 else text[:117] + "...", label or (names[0] if names else ""),
                        float(sign * value[a - 1]), float(sign * value[b - 1])))
    return out


def _ordered_names(node: Node) -> list[str]:
    if node.op == "name":
        return [node.args[0]]
    out: list[str] = []
    for arg in node.args:
        if isinstance(arg, Node):
            out += [n for n in _ordered_names(arg) if n not in out]
    return out


# --------------------------------------------------------------------------- the answer
def _nearest(levs: list[Lever]) -> list[Lever]:
    def distance(lv: Lever) -> float:
        span = (lv.range[1] - lv.range[0]) or 1.0
        return min(abs(t - lv.value) for t in lv.thresholds) / span

    return sorted((lv for lv in levs if lv.live), key=distance)


def _beliefs(conflict: Conflict, params: Mapping[str, float]) -> list[BeliefAnswer]:
    from .beliefs import walking_types

    base = {k: float(v) for k, v in params.items() if k not in conflict.beliefs}
    walks = walking_types(conflict, base)
    out = []
    for name, b in conflict.beliefs.items():
        types = [(t, float(params[w]) if isinstance(w, str) else float(w), walks[name][t]) for t, w in b.types.items()]
        rate = float(params[b.rate]) if isinstance(b.rate, str) else float(b.rate)
        out.append(BeliefAnswer(name, b.about, float(params[name]), rate, types))
    return out


def answer(conflict: Conflict, *, outcome: str | None = None, concept: str = "seq",
           parameters: Mapping[str, float] | None = None, grid: int = 65,
           progress: Progress | None = None) -> Answer:
    """The one-page answer for ``outcome`` (see the module docstring).

    ``grid`` sets the lever search's grid (thresholds are bisected to range × 1e-9 either way).
    """
    from .briefing import focal_state, status_quo_state
    from .evolution import evolve

    overrides = dict(parameters or {})
    res = analyze(conflict, concepts=sorted({"nash", concept}, key=["nash", "gmr", "smr", "seq", "sim",
                                                                     "seqsim"].index), parameters=overrides)
    if outcome is None:
        if not res.compiled.outcomes:
            raise ModelError("the scenario names no outcomes; add one under 'outcomes' or pass one",
                             field="outcomes", source=conflict.source)
        outcome = next(iter(res.compiled.outcomes))
    res.outcome(outcome)
    sq = status_quo_state(res)
    focal = focal_state(res, outcome, sq)
    parties = []
    n = len(conflict.decision_makers)
    for k, dm in enumerate(conflict.decision_makers):
        stable = res.is_stable(focal, dm.name, concept)
        stable_nash = res.is_stable(focal, dm.name, "nash")
        move = None
        deterred = []
        for c in res.concepts:
            v = res.verdict(focal, dm.name, c)
            if not v.stable and move is None and v.unanswered is not None:
                move = int(v.unanswered.improvement) + 1
            if v.stable and v.improvements:
                deterred.append(c)
        if move is None and not stable_nash:
            move = int(res.verdict(focal, dm.name, "nash").unanswered.improvement) + 1  # type: ignore[union-attr]
        terms = payoff_terms(res, dm.name, focal, move) if move is not None else []
        lev = levers(conflict, outcome=outcome, dm=dm.name, concept=concept, parameters=overrides, grid=grid)
        lev_n = levers(conflict, outcome=outcome, dm=dm.name, concept="nash", parameters=overrides, grid=grid) \
            if concept != "nash" else lev
        if progress:
            progress(k + 1, n + 2)
        parties.append(PartyAnswer(dm.name, dm.label or dm.name, stable, stable_nash, move,
                                   state_meaning(res, move) if move is not None else "",
                                   move_words(res, focal, move) if move is not None else "", deterred,
                                   terms, _nearest(lev.levers), _nearest(lev_n.levers)))
    beliefs = _beliefs(conflict, res.compiled.parameters)
    forecast: list[tuple[str, int, str]] = []
    end = ""
    if sq is not None:
        ev = evolve(conflict, status_quo=sq, modes=["improvements"], concepts=[concept], parameters=overrides)
        reach = ev.reachable_equilibria.get("improvements", {}).get(concept, [])
        if reach:
            target = reach[0]
            for st in ev.paths["improvements"].get(target, []):
                forecast.append((", ".join(st.mover_names), st.end, state_meaning(res, st.end)))
            end = state_meaning(res, target)
        else:
            end = "no equilibrium is reached by unilateral improvements"
    maps = []
    for spec in getattr(conflict, "maps", []) or []:
        maps.append(lever_map(conflict, x=spec.x, y=spec.y, outcome=spec.outcome or outcome, dm=spec.dms or None,
                              concept=spec.concept, parameters=overrides))
    if progress:
        progress(n + 2, n + 2)
    return Answer(conflict, outcome, focal, state_meaning(res, focal), sq,
                  state_meaning(res, sq) if sq is not None else "", concept, parties, beliefs, forecast, end,
                  maps, res)


__all__ = ["Answer", "PartyAnswer", "BeliefAnswer", "Term", "answer", "state_meaning", "move_words", "payoff_terms"]
