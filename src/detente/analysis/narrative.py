"""Plain-language explanations of analysis results: verdicts (the move, and the sanction that
deters it), hypergames (who perceives what, each outcome's label and why) and perspectives (what
a view changes, why a DM's verdict differs between views).

The analyses return data; the prose about it lives here, in the analysis layer next to what it
explains, so that :meth:`Analysis.explain` and every result's ``summary()`` need nothing above
it; the report and the command line use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..engine.stability import CONCEPT_LABELS
from ..model.text import state_list
from ..engine.witness import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from .equilibria import Analysis
    from .hypergame import (Choice, Departure, HypergameAnalysis, HypergameOutcome, Labelled, PerceivedView,
                            PerceptionDifferences, SecondLevelView)
    from .perspectives import (DMOutcomeDifference, PerspectiveChange, PerspectiveComparison,
                               PerspectiveDifferences, StateDifference, VerdictReason)


def describe_state(analysis: "Analysis", state: int) -> str:
    """'state 3 [NY] (ceasefire)' or the graph-form name."""
    info = analysis.state_info(state)
    label = info.get("pattern") or info.get("name")
    tags = f" ({', '.join(info['outcomes'])})" if info["outcomes"] else ""
    return f"state {state} [{label}]{tags}"


def changed_options(analysis: "Analysis", a: int, b: int) -> str:
    """Which options differ between two states, as 'russia.accept N→Y, ...'."""
    space = analysis.compiled.space
    if space is None:
        return ""
    ca, cb = int(space.codes[a - 1]), int(space.codes[b - 1])
    parts = []
    for k, o in enumerate(analysis.conflict.options):
        x, y = (ca >> k) & 1, (cb >> k) & 1
        if x != y:
            parts.append(f"{o.qualified_name} {'NY'[x]}→{'NY'[y]}")
    return ", ".join(parts)


def describe_verdict(analysis: "Analysis", v: Verdict) -> list[str]:
    """Lines explaining one verdict (1-based state numbers in the text)."""
    dm = analysis.dm_names[v.dm]
    concept = CONCEPT_LABELS[v.concept]
    s = v.state + 1
    if not v.sanctions:
        return [f"{dm}: {concept}-stable at state {s}: it has no unilateral improvement."]
    lines = []
    if v.stable:
        lines.append(f"{dm}: {concept}-stable at state {s}: each of its {len(v.sanctions)} improvement(s) "
                     f"is deterred.")
    else:
        bad = v.unanswered
        assert bad is not None
        lines.append(f"{dm}: {concept}-UNSTABLE at state {s}: it can move to state {bad.improvement + 1} "
                     f"({changed_options(analysis, s, bad.improvement + 1)}) and "
                     + ("nothing stops it." if v.concept == "nash" else "no sanction answers that move."))
    for sc in v.sanctions:
        to = sc.improvement + 1
        move = f"  move to {to} ({changed_options(analysis, s, to)})"
        if sc.sanction is None:
            lines.append(f"{move}: unanswered")
            continue
        if v.concept in ("sim", "seqsim"):
            steps = ", ".join(f"{analysis.dm_names[mv]} moves as to state {st + 1}" for mv, st in sc.path)
            lines.append(f"{move}: answered simultaneously ({steps}), ending at state {sc.sanction + 1}")
        else:
            steps = " → ".join(f"{analysis.dm_names[mv]} to {st + 1}" for mv, st in sc.path)
            lines.append(f"{move}: sanctioned by {steps} (state {sc.sanction + 1} is no better for {dm} "
                         f"than state {s})")
    return lines


def explain_state(analysis: "Analysis", state: int) -> str:
    """The full narrative for one state: every DM under every analysed concept."""
    lines = [describe_state(analysis, state)]
    eq = [CONCEPT_LABELS[c] for c in analysis.concepts if state in analysis.equilibria[c]]
    lines.append("Equilibrium under: " + (", ".join(eq) if eq else "none of the analysed concepts"))
    for c in analysis.concepts:
        lines.append("")
        lines.append(f"{CONCEPT_LABELS[c]}:")
        for dm in analysis.dm_names:
            lines.extend("  " + line for line in describe_verdict(analysis, analysis.verdict(state, dm, c)))
    return "\n".join(lines)


# -- hypergames -------------------------------------------------------------------------------
def options_changed_text(changed: Mapping[str, bool]) -> str:
    """A move's option changes, ``{option: new value}``, as 'russia.accept N→Y, ...'.

    >>> options_changed_text({"russia.accept": True, "us.support": False})
    'russia.accept N→Y, us.support Y→N'
    """
    return ", ".join(f"{k} {'YN'[v]}→{'NY'[v]}" for k, v in changed.items())


def settings_text(settings: Iterable[Mapping[str, bool]]) -> str:
    """Settings of a DM's own options: 'a.x=Y, a.z=N' (ties joined by ' or ').

    >>> settings_text([{"a.x": True, "a.z": False}, {"a.x": False, "a.z": False}])
    'a.x=Y, a.z=N or a.x=N, a.z=N'
    """
    return " or ".join(", ".join(f"{k}={'Y' if v else 'N'}" for k, v in st.items()) for st in settings)


def perception_text(diff: "PerceptionDifferences") -> str:
    """How a perceived game differs from the true one, in words ('' when it does not).

    >>> from detente.analysis.hypergame import ParameterMisperception, PerceptionDifferences
    >>> perception_text(PerceptionDifferences(["russia"], {"lambda_r": ParameterMisperception(0.1, 0.0)}))
    'different preferences for russia; lambda_r=0 (true 0.1)'
    """
    parts = []
    if diff.preferences:
        parts.append("different preferences for " + ", ".join(diff.preferences))
    if diff.parameters:
        parts.append(", ".join(f"{k}={v.summary()}" for k, v in diff.parameters.items()))
    if diff.unaware_options:
        parts.append("unaware of option(s) " + ", ".join(diff.unaware_options))
    if diff.unaware_states:
        parts.append("unaware of state(s) " + ", ".join(map(str, diff.unaware_states)))
    return "; ".join(parts)


def choice_text(choice: "Choice") -> str:
    """'a takes its options from state(s) 2, 4 (own stability (no perceived equilibrium))'."""
    from .hypergame import BY_PERCEIVED_EQUILIBRIA

    return (f"{choice.dm} takes its options from state(s) {state_list(choice.states)}"
            + ("" if choice.basis == BY_PERCEIVED_EQUILIBRIA else f" ({choice.basis})"))


def departure_text(d: "Departure", awareness_note: bool = False) -> str:
    """The undeterred move that keeps a state from being an equilibrium; with ``awareness_note``,
    what unawareness hides it (for a state stable only because of unawareness)."""
    ch = options_changed_text(d.options_changed)
    text = f"{d.dm} would move to state {d.to}" + (f" ({ch})" if ch else "")
    text += " and nothing stops it." if d.concept == "nash" else " and no sanction deters it."
    if awareness_note:
        if not d.perceives_state:
            text += f" {d.dm} does not perceive state {d.state}, so it cannot move from it."
        elif not d.perceives_target:
            text += f" {d.dm} does not perceive state {d.to}, so it does not make that move."
        else:
            text += " Some DM's unawareness takes away that move or changes the sanctions."
    return text


def label_explanation(x: "Labelled") -> str:
    """Why a state has its hypergame label (see :mod:`detente.analysis.hypergame`)."""
    c = CONCEPT_LABELS[x.concept]
    seen_by = [dm for dm, v in x.perceived_stable.items() if v]
    reason = departure_text(x.departure, awareness_note=x.label == "stealthy") if x.departure else \
        "it is not an equilibrium."
    if x.label == "steady":
        return f"Every DM perceives it as a {c} equilibrium, and it is one in reality."
    if x.label == "stealthy":
        return f"A {c} equilibrium only because of what DMs are unaware of: with full awareness, {reason}"
    if x.label == "unforeseen":
        who = [f"{dm} (unaware of this state)" if dm in x.unaware else dm
               for dm, v in x.perceived_stable.items() if not v]
        return f"A {c} equilibrium in reality, but not as perceived by {', '.join(who)}."
    if x.label == "unsteady":
        return f"Perceived as a {c} equilibrium by {', '.join(seen_by)}, but in reality {reason}"
    if x.label == "unstable":
        return f"No DM perceives it as an equilibrium, and in reality {reason}"
    return "The choices combine into no feasible state."


def outcome_explanation(o: "HypergameOutcome") -> str:
    """Who takes its options from where, what they combine into, and why it has its label."""
    picks = "; ".join(f"{dm} takes its options from state {state_list(states)}" for dm, states in o.chosen_by.items())
    if not o.states:
        return (f"{picks}: these choices do not combine into a feasible state." if o.options is not None else
                f"{picks}: the DMs' chosen states have none in common.")
    return f"{picks}; together: state {o.states[0]}. {label_explanation(o)}"


def outcome_line(o: "HypergameOutcome") -> str:
    """'Outcome state 2: UNSTEADY. ...'"""
    where = f"state {o.states[0]}" if o.states else "no feasible state"
    return f"Outcome {where}: {o.label.upper()}. {outcome_explanation(o)}"


def view_line(v: "PerceivedView") -> str:
    """'us perceives ...; its SEQ equilibria: 11, 23; it takes its options from state(s) 23.'"""
    c = CONCEPT_LABELS[v.concept]
    notes = perception_text(v.differences)
    from .hypergame import BY_PERCEIVED_EQUILIBRIA

    basis = "" if v.choice.basis == BY_PERCEIVED_EQUILIBRIA else f" ({v.choice.basis})"
    return (f"{v.dm} perceives {notes or 'the true game'}; its {c} equilibria: "
            f"{state_list(v.equilibria.get(v.concept, []))}; it takes its options from state(s) "
            f"{state_list(v.choice.states)}{basis}.")


def second_level_text(x: "SecondLevelView") -> str:
    """k's prediction of j's choice from the game k believes j sees, and whether it is right."""
    said = settings_text(x.predicted.settings) or f"state(s) {state_list(x.predicted.states)}"
    done = settings_text(x.actual.settings) or f"state(s) {state_list(x.actual.states)}"
    return (f"{x.dm} believes {x.about} sees a game whose {CONCEPT_LABELS[x.concept]} equilibria are "
            f"{state_list(x.equilibria.get(x.concept, []))}, so it predicts {x.about} chooses {said}; {x.about} "
            f"actually chooses {done}: the prediction is {'right' if x.correct else 'wrong'}.")


def hypergame_summary(h: "HypergameAnalysis") -> str:
    """The hypergame in words: who perceives what and chooses what, each outcome's label and why,
    the other perceived equilibria, and the second level."""
    from .hypergame import MAX_OUTCOMES

    lines = [f"Hypergame (choices and labels by {CONCEPT_LABELS[h.concept]}):"]
    lines += [f"- {view_line(v)}" for v in h.views.values()]
    lines += [f"- {outcome_line(o)}" for o in h.outcomes]
    outcome_states = {o.states[0] for o in h.outcomes if o.states}
    for x in h.perceived_equilibria:
        if x.state in outcome_states:
            continue
        lines.append(f"- Perceived equilibrium state {x.state} (seen by {', '.join(x.perceived_by)}): "
                     f"{x.label.upper()}. {label_explanation(x)}")
    if h.truncated:
        lines.append(f"- (only the first {MAX_OUTCOMES} combinations of tied choices are shown)")
    lines += [f"- Second level: {second_level_text(x)}" for x in h.second_level]
    return "\n".join(lines)


# -- perspectives -----------------------------------------------------------------------------
def change_text(change: "PerspectiveChange | None") -> str:
    """What a perspective changes, in words ('' when nothing).

    >>> from detente.analysis.perspectives import ParameterChange, PerspectiveChange
    >>> change_text(PerspectiveChange({"lambda_r": ParameterChange(0.1, 0.0)}, ["russia"]))
    'lambda_r=0 (model 0.1); preferences of russia'
    """
    if change is None:
        return ""
    parts = [f"{k}={v.summary()}" for k, v in change.parameters.items()]
    if change.preferences:
        parts.append("preferences of " + ", ".join(change.preferences))
    return "; ".join(parts)


def verdict_reason_text(r: "VerdictReason") -> str:
    """One sentence from a :class:`~detente.analysis.perspectives.VerdictReason`: the improving
    move and the sanction that answers it, or that nothing does."""
    if r.move_to is None:
        return "stable: it has no improving move"
    ch = options_changed_text(r.options_changed)
    move = f"state {r.move_to}" + (f" ({ch})" if ch else "")      # graph form: no options to name
    if not r.stable:
        tail = "nothing stops it" if r.concept == "nash" else "no sanction deters it"
        return f"unstable: it can move to {move} and {tail}"
    steps = ", then ".join(f"{dm} to {st}" for dm, st in r.answered_by)
    more = f" (and {r.more_moves} more move(s), each deterred)" if r.more_moves else ""
    return (f"stable: its move to {move} is answered by {steps or 'a sanction'}, "
            f"ending at state {r.ends_at}, no better for it{more}")


def dm_outcome_line(x: "DMOutcomeDifference") -> str:
    """'alice is stable at the outcome's states: model 4; trusting none.'"""
    parts = [f"{v} {state_list(states)}" for v, states in x.stable_for.items()]
    return f"{x.dm} is stable at the outcome's states: " + "; ".join(parts) + "."


def outcome_difference_line(outcome: str, concepts: "Iterable[str]", equilibrium: "Mapping[str, bool]") -> str:
    """'Outcome 'trade' (Nash/SEQ): an equilibrium in model; not in cheap.'"""
    c = "/".join(CONCEPT_LABELS.get(x, x) for x in concepts)
    yes = [v for v, b in equilibrium.items() if b]
    no = [v for v, b in equilibrium.items() if not b]
    if yes and no:
        return f"Outcome '{outcome}' ({c}): an equilibrium in {', '.join(yes)}; not in {', '.join(no)}."
    return f"Outcome '{outcome}' ({c}): " + ("an equilibrium in every view." if yes else
                                           "not an equilibrium in any view.")


def _reason_key(r: "VerdictReason") -> tuple:
    """A reason without its concept (Nash's 'nothing stops it' reads as the others' 'no sanction')."""
    return (r.stable, r.move_to, tuple(r.options_changed.items()), tuple(r.answered_by), r.ends_at, r.more_moves)


def difference_lines(diffs: "PerspectiveDifferences", outcome_details: bool = True) -> list[str]:
    """The differences between views as lines, outcomes first; concepts that agree share a line.
    Indented lines are details of the line above (with ``outcome_details`` False, the per-DM
    lines under each outcome are left out)."""
    lines: list[str] = []
    heads: dict[tuple, list[str]] = {}
    for d in diffs.outcomes:
        sub = tuple(f"  {dm_outcome_line(x)}" for x in d.dms) if outcome_details else ()
        key = (d.outcome, tuple(d.equilibrium.items()), sub)
        heads.setdefault(key, []).append(d.concept)
    for (outcome, eq, sub), concepts in heads.items():
        lines.append(outcome_difference_line(outcome, concepts, dict(eq)))
        lines.extend(sub)
    groups: dict[tuple, list[str]] = {}
    firsts: dict[tuple, StateDifference] = {}
    for s in diffs.states:
        skey = (s.state, s.dm, tuple(s.stable.items()), tuple(_reason_key(r) for r in s.reasons.values()))
        groups.setdefault(skey, []).append(CONCEPT_LABELS[s.concept])
        firsts.setdefault(skey, s)
    # states in named outcomes first: they are what the analyst asked about
    for skey, concepts in sorted(groups.items(), key=lambda kv: (not firsts[kv[0]].outcomes, kv[0][0])):
        s = firsts[skey]
        tags = f" ({', '.join(s.outcomes)})" if s.outcomes else ""
        yes = [v for v, b in s.stable.items() if b]
        no = [v for v, b in s.stable.items() if not b]
        lines.append(f"State {s.state}{tags}, {'/'.join(concepts)}: {s.dm} is stable in {', '.join(yes)}; "
                     f"unstable in {', '.join(no)}.")
        for v, r in s.reasons.items():
            change = change_text(diffs.changes.get(v))
            lines.append(f"  {v}{' [' + change + ']' if change else ''}: {verdict_reason_text(r)}")
    if not lines:
        lines.append("Every view gives the same verdicts on the named outcomes and equilibria.")
    return lines


def perspectives_summary(cmp: "PerspectiveComparison") -> str:
    """Equilibria and named outcomes per view, then the differences, as text."""
    lines = ["Perspectives side by side:"]
    for v, a in cmp.analyses.items():
        eqs = "; ".join(f"{CONCEPT_LABELS[c]} {state_list(a.equilibria[c])}" for c in cmp.concepts)
        lines.append(f"- {v}: equilibria {eqs}")
        for o, d in a.outcomes.items():
            holds = [CONCEPT_LABELS[c] for c in cmp.concepts if d["equilibrium"][c]]
            lines.append(f"    outcome '{o}': " + (f"an equilibrium under {', '.join(holds)}" if holds
                                                   else "no equilibrium"))
    lines.append("Differences:")
    lines.extend(cmp.difference_lines())
    return "\n".join(lines)
