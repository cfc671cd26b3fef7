"""Semantic checks of a :class:`~detente.model.Conflict` read from a file.

The schema only checks the shape of a file; here we check its meaning: identifiers, duplicate
names, names in expressions, rankings against the feasible states, and so on. Every problem is
reported with the dotted field path of the scenario format; several problems are reported
together.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .. import limits
from ..errors import DetenteError, ModelError
from ..model import Conflict, Payoff, Perception, Preference, Prioritization, Ranking, SweepSpec
from ..model.names import IDENTIFIER, KEYWORDS
from ..model.expressions import evaluate, parse
from ..model.text import state_list
from ._parse import text_problem
from ._states import MAX_VALIDATION_OPTIONS, as_mask, check_expression, expression_functions, feasible_codes, \
    state_env


MAX_SWEEP_STEPS = 10_000
"""Most grid points a sweep may have (each is a full analysis; tipping points are then bisected)."""


def _finite(value: object) -> bool:
    try:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:
        return False


def combine(errors: list[DetenteError], source: str | None = None) -> DetenteError:
    """One error for several problems (the first one's class), listing every problem."""
    if len(errors) == 1:
        err = errors[0]
        return err.located(source=source)
    lines = []
    for e in errors:
        lines.append(f"  - field '{e.field}': {e.reason}" if e.field else f"  - {e.reason}")
    err = type(errors[0])(f"{len(errors)} problems:\n" + "\n".join(lines), source=source)
    err.problems = [(e.field, e.reason) for e in errors]  # type: ignore[attr-defined]
    return err


def identifier_problem(name: object) -> str | None:
    """Why ``name`` cannot be used as an identifier, or None if it can."""
    if not isinstance(name, str) or not name:
        return "a name is required"
    if not IDENTIFIER.match(name):
        return (f"'{name}' is not an identifier: use letters, digits and _ (not starting with a digit), "
                f"e.g. '{slug_hint(name)}'; put the full text in 'label'")
    if name.lower() in KEYWORDS:
        return f"'{name}' is a reserved word of the expression language; choose another name"
    return None


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a decision maker or option, or None if it can.

    Any text is a name (kept as written); expressions use the identifier derived from it
    (:func:`detente.model.names.identifier`).
    """
    if not isinstance(name, str) or not name.strip():
        return "a name is required"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return f"the name {name!r} contains a control character or an unpaired surrogate"
    return None


def id_problem(ident: str) -> str | None:
    """Why an explicit ``id`` cannot be used as an identifier, or None (an empty id is derived)."""
    return identifier_problem(ident) if ident else None


def slug_hint(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "name"
    return "_" + s if s[0].isdigit() else s


def check_ranking(order: Iterable, m: int | None, field: str) -> list[DetenteError]:
    """Problems with a ranking (state numbers best first, groups of ties) against states 1..m."""
    errors: list[DetenteError] = []
    seen: dict[int, str] = {}
    for k, group in enumerate(order):
        members = group if isinstance(group, (list, tuple)) else [group]
        if isinstance(group, (list, tuple)) and not group:
            errors.append(ModelError("empty tie group", field=f"{field}[{k}]"))
        for j, s in enumerate(members):
            where = f"{field}[{k}]" + (f"[{j}]" if isinstance(group, (list, tuple)) and len(group) > 1 else "")
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
                errors.append(ModelError(f"expected a state number, got {s!r}", field=where))
                continue
            s = int(s)
            if m is not None and not 1 <= s <= m:
                errors.append(ModelError(f"state {s} does not exist: the model has states 1..{m}", field=where))
            elif s in seen:
                errors.append(ModelError(f"state {s} is listed more than once (also at {seen[s]})", field=where))
            else:
                seen[s] = where
    if m is not None and not errors:
        missing = [s for s in range(1, m + 1) if s not in seen]
        if missing:
            errors.append(ModelError(f"the ranking misses {len(missing)} state(s): {state_list(missing, limit=20)} "
                                     f"(every state 1..{m} must appear exactly once)", field=field))
    return errors


class _Checker:
    def __init__(self, conflict: Conflict):
        self.c = conflict
        self.errors: list[DetenteError] = []
        self.funcs = expression_functions()
        self.graph = conflict.graph is not None
        if conflict.graph is not None:
            base = {"state"} | {s for s in conflict.graph.states if isinstance(s, str) and s.isidentifier()}
        else:
            base = set(conflict.option_names())
        self.base = base | set(conflict.parameters) | set(conflict.beliefs)
        self.known = self.base | set(conflict.definitions)
        self.payoff_params = {p for dm in conflict.decision_makers if isinstance(dm.preference, Payoff)
                              for p in dm.preference.parameters}

    def add(self, err: DetenteError) -> None:
        self.errors.append(err)

    def expr(self, text, where: str, extra: Iterable[str] = ()) -> None:
        try:
            check_expression(text, self.known | set(extra), where, self.funcs)
        except DetenteError as exc:
            self.add(exc)

    def dm_name(self, name: str, where: str) -> str | None:
        try:
            return self.c.dm(name).name
        except DetenteError as exc:
            self.add(exc.located(field_prefix=where))
            return None

    def _unique_names(self, items: Sequence[Any], where: str, kind: str, kinds: str, owner: str | None = None) -> None:
        """Each item's name is well formed and unique, and so is the identifier it has in expressions
        (both compared case-insensitively); ``where`` is the list's field path."""
        seen: dict[str, int] = {}
        seen_ids: dict[str, int] = {}
        for i, item in enumerate(items):
            at = f"{where}[{i}]"
            problem = name_problem(item.name) or id_problem(item.id)
            if problem:
                self.add(ModelError(problem, field=f"{at}.id" if item.id and not name_problem(item.name)
                                    else f"{at}.name"))
            elif item.name.lower() in seen:
                self.add(ModelError(f"duplicate {kind} name '{item.name}'{f' for {owner}' if owner else ''} (also {where.rsplit('.', 1)[-1]}"
                                    f"[{seen[item.name.lower()]}])", field=f"{at}.name"))
            elif item.ident.lower() in seen_ids:
                other = items[seen_ids[item.ident.lower()]]
                self.add(ModelError(f"{kinds} '{other.name}' and '{item.name}'{f' of {owner}' if owner else ''} have the same identifier "
                                    f"'{item.ident}' in expressions; give one an 'id'", field=f"{at}.name"))
            else:
                seen[item.name.lower()] = i
                seen_ids[item.ident.lower()] = i

    # -- phase 1: names and expressions --------------------------------------------------
    def names(self) -> None:
        c = self.c
        if len(c.decision_makers) < 2:
            self.add(ModelError("a conflict needs at least two decision makers", field="decision_makers"))
        self._unique_names(c.decision_makers, "decision_makers", "decision maker", "decision makers")
        for i, dm in enumerate(c.decision_makers):
            where = f"decision_makers[{i}]"
            self._unique_names(dm.options, f"{where}.options", "option", "options", owner=dm.name)
            for j, o in enumerate(dm.options):
                ow = f"{where}.options[{j}]"
                if o.dm != dm.name:
                    self.add(ModelError(f"option '{o.name}' says it belongs to '{o.dm}', but is listed under "
                                        f"'{dm.name}'", field=ow))
                if o.reversibility not in ("both", "forward", "backward"):
                    self.add(ModelError(f"reversibility '{o.reversibility}' must be both, forward or backward",
                                        field=f"{ow}.reversible"))
        option_names = {n.lower() for n in c.option_names()}
        for name, value in c.parameters.items():
            problem = identifier_problem(name)
            if problem:
                self.add(ModelError(problem, field=f"parameters.{name}"))
            elif not math.isfinite(value):
                self.add(ModelError(f"expected a finite number, got {value}", field=f"parameters.{name}"))
        for name, info in c.parameter_info.items():
            if name in c.beliefs and name not in c.parameters:
                continue
            if name not in c.parameters:
                self.add(ModelError("meaning given for a parameter that has no value", field=f"parameters.{name}"))
            elif info.range is not None:
                lo, hi = info.range
                if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                    self.add(ModelError(f"range must be finite with lo < hi, got [{lo}, {hi}]",
                                        field=f"parameters.{name}.range"))
                elif not lo <= c.parameters[name] <= hi:
                    self.add(ModelError(f"value {c.parameters[name]} lies outside its range [{lo}, {hi}]",
                                        field=f"parameters.{name}.value"))
        self.beliefs()
        self.maps()
        for name in c.definitions:
            problem = identifier_problem(name)
            if problem:
                self.add(ModelError(problem, field=f"definitions.{name}"))
            elif name.lower() in option_names or name in c.parameters:
                self.add(ModelError(f"definition '{name}' has the same name as an option or parameter",
                                    field=f"definitions.{name}"))

    def beliefs(self) -> None:
        c = self.c
        for name, b in c.beliefs.items():
            where = f"beliefs.{name}"
            problem = identifier_problem(name)
            if problem:
                self.add(ModelError(problem, field=where))
                continue
            if name in c.parameters:
                self.add(ModelError(f"'{name}' is both a parameter and a derived belief: keep one",
                                    field=where))
            self.dm_name(b.about, f"{where}.about")
            if not b.types:
                self.add(ModelError("a belief needs at least one type", field=f"{where}.types"))
            for t, w in b.types.items():
                if t not in c.perspectives:
                    self.add(ModelError(f"type '{t}' is not a perspective (known: {', '.join(c.perspectives) or 'none'})",
                                        field=f"{where}.types.{t}"))
                self.weight(w, f"{where}.types.{t}")
            self.weight(b.rate, f"{where}.rate")
            self.expr(b.walks_away, f"{where}.walks_away")
            if b.at not in c.outcomes:
                self.expr(b.at, f"{where}.at")

    def maps(self) -> None:
        c = self.c
        for k, mp in enumerate(c.maps):
            where = f"maps[{k}]"
            for axis, (name, lo, hi, steps) in (("x", mp.x), ("y", mp.y)):
                if name not in c.parameters and name not in c.beliefs:
                    self.add(ModelError(f"unknown parameter '{name}'", field=f"{where}.{axis}.parameter"))
                if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                    self.add(ModelError(f"need finite lo < hi, got {lo} and {hi}", field=f"{where}.{axis}"))
                if not 2 <= steps <= 401:
                    self.add(ModelError(f"steps must be 2..401, got {steps}", field=f"{where}.{axis}.steps"))
            if mp.x[0] == mp.y[0]:
                self.add(ModelError("the two axes must be different parameters", field=f"{where}.y"))
            if mp.outcome is not None and mp.outcome not in c.outcomes:
                self.add(ModelError(f"unknown outcome '{mp.outcome}'", field=f"{where}.outcome"))
            for d in mp.dms:
                self.dm_name(d, f"{where}.dms")
            if mp.concept.lower() not in ("nash", "gmr", "smr", "seq", "sim", "seqsim", "seq-sim", "r"):
                self.add(ModelError(f"unknown solution concept '{mp.concept}'", field=f"{where}.concept"))

    def weight(self, w, where: str) -> None:
        if isinstance(w, str):
            if w not in self.c.parameters:
                self.add(ModelError(f"'{w}' is not a parameter (known: {', '.join(self.c.parameters) or 'none'})",
                                    field=where))
        elif isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            self.add(ModelError(f"expected a finite number ≥ 0 or a parameter name, got {w!r}", field=where))

    def expressions(self) -> None:
        c = self.c
        earlier: set[str] = set()
        for name, text in c.definitions.items():
            try:
                check_expression(text, self.base | earlier, f"definitions.{name}")
            except DetenteError as exc:
                self.add(exc)
            earlier.add(name)
        f = c.feasibility
        for k, text in enumerate(f.infeasible):
            self.expr(text, f"feasibility.infeasible[{k}]")
        for k, pattern in enumerate(f.patterns):
            if not pattern:
                self.add(ModelError("an empty pattern would make every state infeasible",
                                    field=f"feasibility.patterns[{k}]"))
            for key in pattern:
                self.expr(key, f"feasibility.patterns[{k}].{key}")
        for label, groups in (("mutually_exclusive", f.mutually_exclusive), ("at_least_one", f.at_least_one)):
            for k, group in enumerate(groups):
                if not group:
                    self.add(ModelError("empty group", field=f"feasibility.{label}[{k}]"))
                for j, name in enumerate(group):
                    self.expr(name, f"feasibility.{label}[{k}][{j}]")
        for k, (p, q) in enumerate(f.implications):
            self.expr(p, f"feasibility.implications[{k}].if")
            self.expr(q, f"feasibility.implications[{k}].then")
        if self.graph and not f.is_empty():
            self.add(ModelError("feasibility constraints apply to options; a graph-form model lists its states "
                                "directly", field="feasibility"))
        for i, dm in enumerate(c.decision_makers):
            self.preference(dm.preference, f"decision_makers[{i}].preferences")
        for name, spec in c.outcomes.items():
            self.state_spec(spec, f"outcomes.{name}")
        if c.status_quo is not None:
            self.state_spec(c.status_quo, "status_quo")

    def preference(self, pref: Preference | None, where: str) -> None:
        if pref is None:
            self.add(ModelError("no preferences given (need prioritization, ranking or payoff)", field=where))
        elif isinstance(pref, Prioritization):
            for k, text in enumerate(pref.statements):
                self.expr(text, f"{where}.prioritization[{k}]")
        elif isinstance(pref, Payoff):
            for name, value in pref.parameters.items():
                problem = identifier_problem(name)
                if problem:
                    self.add(ModelError(problem, field=f"{where}.payoff.parameters.{name}"))
                elif not _finite(value):
                    self.add(ModelError(f"expected a finite number, got {value!r}",
                                        field=f"{where}.payoff.parameters.{name}"))
            self.expr(pref.formula, f"{where}.payoff", pref.parameters)
        elif not isinstance(pref, Ranking):
            self.add(ModelError(f"unknown kind of preference {type(pref).__name__}", field=where))

    def state_spec(self, spec, where: str) -> None:
        if isinstance(spec, str):
            text = spec.strip()
            if spec in self.c.outcomes or text.isdigit():
                return
            self.expr(spec, where)

    def structure(self) -> None:
        c = self.c
        if self.graph:
            g = c.graph
            assert g is not None
            for i, dm in enumerate(c.decision_makers):
                if dm.options:
                    self.add(ModelError("in graph form decision makers have no options (the graph lists "
                                        "states and moves)", field=f"decision_makers[{i}].options"))
            if not g.states:
                self.add(ModelError("graph form needs at least one state", field="graph.states"))
            seen: dict[str, int] = {}
            for k, s in enumerate(g.states):
                if not isinstance(s, str) or not s.strip():
                    self.add(ModelError("a state needs a name", field=f"graph.states[{k}]"))
                elif s in seen:
                    self.add(ModelError(f"duplicate state name '{s}' (also graph.states[{seen[s]}])",
                                        field=f"graph.states[{k}]"))
                else:
                    seen[s] = k
            m = len(g.states)
            for name, pairs in g.moves.items():
                if self.dm_name(name, f"graph.moves.{name}") is None:
                    continue
                for j, pair in enumerate(pairs):
                    where = f"graph.moves.{name}[{j}]"
                    if len(pair) != 2:
                        self.add(ModelError(f"a move is a pair [from, to], got {list(pair)}", field=where))
                        continue
                    a, b = pair
                    bad = [x for x in (a, b) if not 1 <= x <= m]
                    if bad:
                        self.add(ModelError(f"move [{a}, {b}] names state {bad[0]}, but the graph has states 1..{m}",
                                            field=where))
                    elif a == b:
                        self.add(ModelError(f"move [{a}, {b}] goes from a state to itself", field=where))
        elif not c.options:
            self.add(ModelError("no options: give each decision maker options, or use graph form",
                                field="decision_makers"))
        for name, view in c.perspectives.items():
            where = f"perspectives.{name}"
            for who, pref in view.preferences.items():
                if self.dm_name(who, f"{where}.preferences.{who}") is not None:
                    self.preference(pref, f"{where}.preferences.{who}")
            for pname, value in view.parameters.items():
                if pname not in c.parameters and pname not in c.beliefs:
                    self.add(ModelError(f"unknown parameter '{pname}' (a perspective changes the scenario's "
                                        f"parameters: {', '.join(c.parameters) or 'none'})",
                                        field=f"{where}.parameters.{pname}"))
                elif not math.isfinite(value):
                    self.add(ModelError(f"expected a finite number, got {value}",
                                        field=f"{where}.parameters.{pname}"))
        for key, perception in c.perceptions.items():
            self.perception(key, perception, f"perceptions.{key}")
        for k, group in enumerate(c.coalitions):
            where = f"coalitions[{k}]"
            if len(group) < 2:
                self.add(ModelError("a coalition needs at least two decision makers", field=where))
            names = [self.dm_name(n, f"{where}[{j}]") for j, n in enumerate(group)]
            found = [n for n in names if n is not None]
            if len(set(found)) != len(found):
                self.add(ModelError("a decision maker is listed twice", field=where))
        sw: SweepSpec
        for k, sw in enumerate(c.sweeps):
            where = f"sweeps[{k}]"
            if sw.parameter not in c.parameters and sw.parameter not in c.beliefs \
                    and sw.parameter not in self.payoff_params:
                self.add(ModelError(f"unknown parameter '{sw.parameter}'", field=f"{where}.parameter"))
            if sw.steps < 2:
                self.add(ModelError("a sweep needs at least 2 steps", field=f"{where}.steps"))
            elif sw.steps > MAX_SWEEP_STEPS:
                self.add(ModelError(f"at most {MAX_SWEEP_STEPS:,} steps, got {sw.steps:,} (each step is a full "
                                    "analysis; tipping points are located to 'precision' anyway)",
                                    field=f"{where}.steps"))
            if not (math.isfinite(sw.lo) and math.isfinite(sw.hi)):
                self.add(ModelError(f"lo and hi must be finite numbers, got {sw.lo} and {sw.hi}", field=where))
            elif sw.lo == sw.hi:
                self.add(ModelError("lo and hi are equal: nothing to sweep", field=where))
            elif sw.lo > sw.hi:
                self.add(ModelError(f"lo must be below hi, got lo={sw.lo} and hi={sw.hi}", field=where))
            problem = limits.precision_problem(sw.lo, sw.hi, sw.precision)
            if problem:
                self.add(ModelError(problem, field=f"{where}.precision"))
            if sw.perspective is not None and sw.perspective not in c.perspectives:
                self.add(ModelError(f"unknown perspective '{sw.perspective}'", field=f"{where}.perspective"))

    def perception(self, key: str, p: Perception, where: str, owner: str | None = None, level: int = 1) -> None:
        own = self.dm_name(key, where)
        if p.of_others and level >= limits.PERCEPTION_LEVELS:
            self.add(ModelError(f"hypergames beyond level {limits.PERCEPTION_LEVELS} are not supported (perceptions "
                                "of perceptions at most): remove this of_others", field=f"{where}.of_others"))
            return
        for dm, pref in p.preferences.items():
            name = self.dm_name(dm, f"{where}.preferences.{dm}")
            if name is not None and name == own and owner is None:
                self.add(ModelError(f"a perception holds what {own} believes of the others; its own preferences "
                                    f"cannot be replaced here", field=f"{where}.preferences.{dm}"))
            elif name is not None:
                self.preference(pref, f"{where}.preferences.{dm}")
        for k, value in p.parameters.items():
            if k not in self.c.parameters and k not in self.c.beliefs and k not in self.payoff_params:
                self.add(ModelError(f"unknown parameter '{k}'", field=f"{where}.parameters.{k}"))
            elif not _finite(value):
                self.add(ModelError(f"expected a finite number, got {value!r}", field=f"{where}.parameters.{k}"))
        for j, name in enumerate(p.unaware_options):
            if self.graph:
                self.add(ModelError("unaware_options needs an option-form model; in graph form list "
                                    "unaware_states", field=f"{where}.unaware_options[{j}]"))
                break
            try:
                self.c.option_index(name)
            except DetenteError as exc:
                self.add(exc.located(field_prefix=f"{where}.unaware_options[{j}]"))
        for other, q in p.of_others.items():
            self.perception(other, q, f"{where}.of_others.{other}", owner=own, level=level + 1)

    # -- phase 2: against the states ---------------------------------------------------------
    def states(self) -> np.ndarray | None:
        c = self.c
        codes = None
        if c.graph is not None:
            m: int | None = len(c.graph.states)
        elif len(c.options) <= MAX_VALIDATION_OPTIONS:
            try:
                codes = feasible_codes(c, self.funcs)
            except DetenteError as exc:
                self.add(exc)
                return None
            m = int(codes.size)
        else:
            m = None
        for i, dm in enumerate(c.decision_makers):
            self.rank_check(dm.preference, m, f"decision_makers[{i}].preferences")
        for name, view in c.perspectives.items():
            for who, pref in view.preferences.items():
                self.rank_check(pref, m, f"perspectives.{name}.preferences.{who}")
        for key, perception in c.perceptions.items():
            self.perception_states(perception, m, f"perceptions.{key}")
        for name, spec in c.outcomes.items():
            self.numbers(spec, m, f"outcomes.{name}")
        if c.status_quo is not None:
            self.numbers(c.status_quo, m, "status_quo")
        if codes is not None:
            self.evaluate_all(codes)
        return codes

    def rank_check(self, pref, m, where: str) -> None:
        if isinstance(pref, Ranking):
            self.errors.extend(check_ranking(pref.order, m, f"{where}.ranking"))

    def perception_states(self, p: Perception, m, where: str) -> None:
        for dm, pref in p.preferences.items():
            self.rank_check(pref, m, f"{where}.preferences.{dm}")
        for j, s in enumerate(p.unaware_states):
            if m is not None and not 1 <= int(s) <= m:
                self.add(ModelError(f"state {s} does not exist: the model has states 1..{m}",
                                    field=f"{where}.unaware_states[{j}]"))
        for other, q in p.of_others.items():
            self.perception_states(q, m, f"{where}.of_others.{other}")

    def numbers(self, spec, m, where: str) -> None:
        if isinstance(spec, bool):
            self.add(ModelError(f"expected state numbers, an outcome or a condition, got {spec!r}", field=where))
            return
        if isinstance(spec, int):
            values = [spec]
        elif isinstance(spec, (list, tuple)):
            values = list(spec)
            if not values:
                self.add(ModelError("an empty list of states", field=where))
        elif isinstance(spec, str) and spec.strip().isdigit() and spec not in self.c.outcomes:
            values = [int(spec.strip())]
        else:
            return
        for j, s in enumerate(values):
            w = f"{where}[{j}]" if isinstance(spec, (list, tuple)) else where
            if isinstance(s, bool) or not isinstance(s, int):
                self.add(ModelError(f"expected a state number, got {s!r}", field=w))
            elif m is not None and not 1 <= s <= m:
                self.add(ModelError(f"state {s} does not exist: the model has states 1..{m}", field=w))

    def evaluate_all(self, codes: np.ndarray) -> None:
        """Evaluate conditions over the feasible states: catches number-valued 'conditions'."""
        c = self.c
        try:
            env = state_env(c, codes, self.funcs)
        except DetenteError as exc:
            self.add(exc)
            return
        m = codes.size

        def cond(text: str, where: str) -> None:
            try:
                as_mask(evaluate(parse(text), env, self.funcs), m, where)
            except DetenteError as exc:
                self.add(exc.located(field_prefix=where) if exc.field is None else exc)

        for i, dm in enumerate(c.decision_makers):
            if isinstance(dm.preference, Prioritization):
                for k, text in enumerate(dm.preference.statements):
                    cond(text, f"decision_makers[{i}].preferences.prioritization[{k}]")
        for name, spec in c.outcomes.items():
            if isinstance(spec, str) and spec not in c.outcomes and not spec.strip().isdigit():
                cond(spec, f"outcomes.{name}")
        sq = c.status_quo
        if isinstance(sq, str) and sq not in c.outcomes and not sq.strip().isdigit():
            cond(sq, "status_quo")


def _unwritable_text(conflict: Conflict) -> tuple[str, str] | None:
    """(field, reason) for the first text in the model that cannot be written (a lone surrogate)."""
    stack: list[tuple[object, str]] = [(conflict, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return path or "name", problem
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                stack.append((getattr(value, f.name), f"{path}.{f.name}" if path else f.name))
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and text_problem(k):
                    return path, f"a key: {text_problem(k)}"
                stack.append((v, f"{path}.{k}"))
        elif isinstance(value, (list, tuple)):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return None


def validate_conflict(conflict: Conflict, source: str | None = None) -> np.ndarray | None:
    """Check ``conflict`` and raise one :class:`DetenteError` listing every problem found.

    Returns the feasible states' decimal codes (option form, when small enough to enumerate),
    else None.
    """
    src = source or conflict.source
    unwritable = _unwritable_text(conflict)
    if unwritable:
        raise ModelError(unwritable[1], field=unwritable[0], source=src)
    ch = _Checker(conflict)
    ch.names()
    ch.structure()
    ch.expressions()
    if ch.errors:
        raise combine(ch.errors, src)
    codes = ch.states()
    if ch.errors:
        raise combine(ch.errors, src)
    return codes


__all__ = ["validate_conflict", "check_ranking", "identifier_problem", "name_problem", "combine", "KEYWORDS"]
