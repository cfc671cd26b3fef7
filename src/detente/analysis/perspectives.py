"""Perspectives side by side: the model and every named perspective, and where they disagree.

A perspective (``Conflict.perspectives``) replaces some decision makers' (DMs') preferences
and/or some parameter values: the US administration's view, the Kremlin's, the author's. This
module analyses the model as built (the view called ``model``) and each perspective with the
same concepts, then lists the differences an analyst asks about:

- for each named outcome and concept: in which views it holds an equilibrium, and which DMs'
  verdicts on its states differ between views;
- for each state that is an equilibrium in some view: which DM's verdict differs between views,
  and why in each view (its improving move and the sanction that deters it, or that nothing does),
  with what the perspective changed (parameters, preferences).

>>> import detente
>>> from detente.model import Perspective, Prioritization
>>> pd = detente.examples.prisoners_dilemma()
>>> pd.perspectives["trusting"] = Perspective("trusting",
...     preferences={"bob": Prioritization(["alice.cooperate", "bob.cooperate"])})
>>> cmp = analyze_perspectives(pd, concepts=["nash"])
>>> cmp.equilibria_by_view()["model"]["nash"], cmp.equilibria_by_view()["trusting"]["nash"]
([1], [3])
>>> cmp.differences()["states"][0]["dm"]
'bob'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.stability import CONCEPT_LABELS, normalize_concepts
from ..errors import DetenteError
from ..model import Conflict
from .equilibria import DEFAULT_CONCEPTS, Analysis, analyze

MAX_STATES = 200
"""At most this many states of interest are compared verdict by verdict."""


@dataclass
class PerspectiveComparison:
    """The model and every named perspective, analysed alike (see the module docstring).

    ``analyses`` maps each view's name to its :class:`Analysis`, the model first under
    ``base_name`` (``"model"``, or ``"base"`` when a perspective is itself called ``model``).
    """

    conflict: Conflict
    concepts: list[str]
    analyses: dict[str, Analysis]
    base_name: str = "model"
    descriptions: dict[str, str] = field(default_factory=dict)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _differences: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def names(self) -> list[str]:
        """The views, the model first."""
        return list(self.analyses)

    @property
    def perspective_names(self) -> list[str]:
        """The named perspectives only."""
        return [n for n in self.analyses if n != self.base_name]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """{concept: equilibrium state numbers} of the model as built (the base view)."""
        return self.analyses[self.base_name].equilibria

    def equilibria_by_view(self) -> dict[str, dict[str, list[int]]]:
        """{view: {concept: equilibrium state numbers}}."""
        return {name: a.equilibria for name, a in self.analyses.items()}

    def outcomes(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{view: {outcome: {"states": [...], "equilibrium": {concept: bool}}}}."""
        return {name: {o: {"states": d["states"], "equilibrium": d["equilibrium"]} for o, d in a.outcomes.items()}
                for name, a in self.analyses.items()}

    def to_dict(self, include_base: bool = True) -> dict[str, dict[str, Any]]:
        """{view: the view's analysis as plain data (no per-state table, no witnesses), plus
        ``description`` and ``changes`` (what the perspective replaces)}."""
        out: dict[str, dict[str, Any]] = {}
        for name, a in self.analyses.items():
            if name == self.base_name and not include_base:
                continue
            d = a.to_dict(include_states=False, include_witnesses=False)
            d["description"] = self.descriptions.get(name, "")
            d["changes"] = self.changes.get(name, {})
            out[name] = d
        return out

    # -- differences ---------------------------------------------------------------------------
    def differences(self) -> dict[str, list[dict[str, Any]]]:
        """Where the views disagree, as plain data.

        ``outcomes``: [{outcome, concept, equilibrium {view: bool}, equilibrium_states {view: [...]},
        dms: [{dm, stable_for {view: [...]}}]}] for every outcome and concept whose verdict differs;
        ``states``: [{state, outcomes, concept, dm, stable {view: bool}, why {view: text}}] for every
        state that is an equilibrium in some view and every DM whose verdict there differs.
        """
        if self._differences is None:
            self._differences = {"outcomes": self._outcome_differences(), "states": self._state_differences()}
        return self._differences

    def _outcome_differences(self) -> list[dict[str, Any]]:
        out = []
        views = self.analyses
        first = next(iter(views.values()))
        for name in first.compiled.outcomes:
            per_view = {v: a.outcome(name) for v, a in views.items()}
            for c in self.concepts:
                eq = {v: d["equilibrium"][c] for v, d in per_view.items()}
                dms = []
                for dm in first.dm_names:
                    stable_for = {v: d["stable_for"][c][dm] for v, d in per_view.items()}
                    if len({tuple(x) for x in stable_for.values()}) > 1:
                        dms.append({"dm": dm, "stable_for": stable_for})
                if len(set(eq.values())) > 1 or dms:
                    out.append({"outcome": name, "concept": c, "equilibrium": eq,
                                "equilibrium_states": {v: d["equilibrium_states"][c] for v, d in per_view.items()},
                                "dms": dms})
        return out

    def states_of_interest(self) -> list[int]:
        """States that are an equilibrium under some concept in some view (at most MAX_STATES)."""
        states: set[int] = set()
        for a in self.comparable_views().values():
            for c in self.concepts:
                states.update(a.equilibria[c])
        return sorted(states)[:MAX_STATES]

    def comparable_views(self) -> dict[str, Analysis]:
        """The views whose states are the model's (a perspective that changes a parameter used
        in a feasibility condition may have other states; it is left out of state comparisons)."""
        base = self.analyses[self.base_name]
        out = {}
        for name, a in self.analyses.items():
            same = a.n_states == base.n_states and (
                base.compiled.space is None or a.compiled.space is None or
                bool((a.compiled.space.codes == base.compiled.space.codes).all()))
            if same:
                out[name] = a
        return out

    def _state_differences(self) -> list[dict[str, Any]]:
        out = []
        views = self.comparable_views()
        first = next(iter(views.values()))
        for s in self.states_of_interest():
            tags = first.state_info(s)["outcomes"]
            for c in self.concepts:
                for dm in first.dm_names:
                    stable = {v: a.is_stable(s, dm, c) for v, a in views.items()}
                    if len(set(stable.values())) < 2:
                        continue
                    why = {v: verdict_reason(a, s, dm, c) for v, a in views.items()}
                    out.append({"state": s, "outcomes": tags, "concept": c, "dm": dm, "stable": stable, "why": why})
        return out

    def difference_lines(self, outcome_details: bool = True) -> list[str]:
        """The differences as plain-language lines, outcomes first; concepts that agree share a line.

        With ``outcome_details`` False, the per-DM lines under each outcome are left out.
        """
        lines: list[str] = []
        diffs = self.differences()
        heads: dict[tuple, list[str]] = {}
        details: dict[tuple, list[str]] = {}
        for d in diffs["outcomes"]:
            yes = [v for v, b in d["equilibrium"].items() if b]
            no = [v for v, b in d["equilibrium"].items() if not b]
            sub = []
            if outcome_details:
                for x in d["dms"]:
                    parts = [f"{v} {_ids(states)}" for v, states in x["stable_for"].items()]
                    sub.append(f"  {x['dm']} is stable at the outcome's states: " + "; ".join(parts) + ".")
            key = (d["outcome"], tuple(yes), tuple(no), tuple(sub))
            heads.setdefault(key, []).append(CONCEPT_LABELS[d["concept"]])
            details[key] = sub
        for (outcome, yes, no, _), concepts in heads.items():
            c = "/".join(concepts)
            if yes and no:
                lines.append(f"Outcome '{outcome}' ({c}): an equilibrium in {', '.join(yes)}; not in {', '.join(no)}.")
            else:
                lines.append(f"Outcome '{outcome}' ({c}): "
                             + ("an equilibrium in every view." if yes else "not an equilibrium in any view."))
            lines.extend(details[(outcome, yes, no, _)])
        groups: dict[tuple, list[str]] = {}
        firsts: dict[tuple, dict[str, Any]] = {}
        for d in diffs["states"]:
            same_why = tuple(w.replace("nothing stops it", "no sanction deters it") for w in d["why"].values())
            key = (d["state"], d["dm"], tuple(d["stable"].items()), same_why)
            groups.setdefault(key, []).append(CONCEPT_LABELS[d["concept"]])
            firsts.setdefault(key, d)
        # states in named outcomes first: they are what the analyst asked about
        for key, concepts in sorted(groups.items(), key=lambda kv: (not firsts[kv[0]]["outcomes"], kv[0][0])):
            d = firsts[key]
            tags = f" ({', '.join(d['outcomes'])})" if d["outcomes"] else ""
            yes = [v for v, b in d["stable"].items() if b]
            no = [v for v, b in d["stable"].items() if not b]
            lines.append(f"State {d['state']}{tags}, {'/'.join(concepts)}: {d['dm']} is stable in {', '.join(yes)}; "
                         f"unstable in {', '.join(no)}.")
            for v in d["why"]:
                change = _describe_change(self.changes.get(v, {}))
                lines.append(f"  {v}{' [' + change + ']' if change else ''}: {d['why'][v]}")
        if not lines:
            lines.append("Every view gives the same verdicts on the named outcomes and equilibria.")
        return lines

    def summary(self) -> str:
        """Equilibria and named outcomes per view, then the differences, as text."""
        lines = ["Perspectives side by side:"]
        for v, a in self.analyses.items():
            eqs = "; ".join(f"{CONCEPT_LABELS[c]} {_ids(a.equilibria[c])}" for c in self.concepts)
            lines.append(f"- {v}: equilibria {eqs}")
            for o, d in a.outcomes.items():
                holds = [CONCEPT_LABELS[c] for c in self.concepts if d["equilibrium"][c]]
                lines.append(f"    outcome '{o}': " + (f"an equilibrium under {', '.join(holds)}" if holds
                                                       else "no equilibrium"))
        lines.append("Differences:")
        lines.extend(self.difference_lines())
        return "\n".join(lines)


def verdict_reason(analysis: Analysis, state: int, dm: str, concept: str) -> str:
    """One sentence: why ``state`` is (un)stable for ``dm`` under ``concept`` in ``analysis``.

    >>> import detente
    >>> a = detente.analyze(detente.examples.prisoners_dilemma(), concepts=["nash"])
    >>> verdict_reason(a, 4, "alice", "nash")
    'unstable: it can move to state 3 (alice.cooperate Y→N) and nothing stops it'
    """
    from .narrative import changed_options

    v = analysis.verdict(state, dm, concept)
    if not v.sanctions:
        return "stable: it has no improving move"
    if not v.stable:
        bad = v.unanswered
        q = bad.improvement + 1  # type: ignore[union-attr]
        tail = "nothing stops it" if concept == "nash" else "no sanction deters it"
        return f"unstable: it can move to state {q} ({changed_options(analysis, state, q)}) and {tail}"
    first = v.sanctions[0]
    q = first.improvement + 1
    r = first.sanction + 1  # type: ignore[operator]
    steps = ", then ".join(f"{analysis.dm_names[mv]} to {st + 1}" for mv, st in first.path)
    more = f" (and {len(v.sanctions) - 1} more move(s), each deterred)" if len(v.sanctions) > 1 else ""
    return (f"stable: its move to state {q} ({changed_options(analysis, state, q)}) is answered by "
            f"{steps or 'a sanction'}, ending at state {r}, no better for it{more}")


def _ids(states: list[int]) -> str:
    return ", ".join(map(str, states)) if states else "none"


def _describe_change(change: dict[str, Any]) -> str:
    parts = [f"{k}={v['perspective']:g} (model {v['model']:g})" if v.get("model") is not None
             else f"{k}={v['perspective']:g}" for k, v in change.get("parameters", {}).items()]
    if change.get("preferences"):
        parts.append("preferences of " + ", ".join(change["preferences"]))
    return "; ".join(parts)


def perspective_changes(conflict: Conflict, name: str) -> dict[str, Any]:
    """What a named perspective replaces: {"parameters": {p: {model, perspective}}, "preferences": [dms]}."""
    p = conflict.perspectives[name]
    params = {}
    for k, v in p.parameters.items():
        old = conflict.parameters.get(k)
        params[k] = {"model": None if old is None else float(old), "perspective": float(v)}
    return {"parameters": params, "preferences": [conflict.dm(d).name for d in p.preferences]}


def analyze_perspectives(conflict: Conflict, *, concepts: Iterable[str] = DEFAULT_CONCEPTS,
                         parameters: Mapping[str, float] | None = None) -> PerspectiveComparison:
    """Analyse the model and every named perspective of ``conflict`` with the same ``concepts``.

    ``parameters`` override the scenario's values in every view (as in :func:`analyze`).
    """
    concepts = normalize_concepts(concepts)
    base_name = "base" if "model" in conflict.perspectives else "model"
    analyses: dict[str, Analysis] = {base_name: analyze(conflict, concepts=concepts, parameters=parameters)}
    descriptions = {base_name: (conflict.description or "the model as built").strip()}
    changes: dict[str, dict[str, Any]] = {base_name: {}}
    for name, p in conflict.perspectives.items():
        try:
            analyses[name] = analyze(conflict, concepts=concepts, parameters=parameters, perspective=name)
            changes[name] = perspective_changes(conflict, name)
        except DetenteError as exc:
            if not exc.field:
                exc.field = f"perspectives.{name}"
            raise exc.located(source=conflict.source) from None
        descriptions[name] = p.description.strip()
    return PerspectiveComparison(conflict, concepts, analyses, base_name, descriptions, changes)


__all__ = ["analyze_perspectives", "PerspectiveComparison", "verdict_reason", "perspective_changes", "MAX_STATES"]
