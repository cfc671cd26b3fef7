"""The briefing as readable text: per perspective, each party's verdict on the outcome and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.stability import CONCEPT_LABELS
from ..analysis.narrative import changed_options
from ..model.text import state_list

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.briefing import Briefing, FocalTipping, PerspectiveView


def _concepts(names: list[str]) -> str:
    return ", ".join(CONCEPT_LABELS[c] for c in names) if names else "none"


def _path(steps: list[dict[str, Any]]) -> str:
    return " → ".join(f"{s['mover']} to {s['state']}" for s in steps)


def dm_line(view: "PerspectiveView", dm: str, focal: int) -> str:
    """One DM's verdict at the focal state: where it is stable, and the move and sanction behind it."""
    verdicts = view.verdicts[dm]
    stable = [c for c, v in verdicts.items() if v["stable"]]
    unstable = [c for c, v in verdicts.items() if not v["stable"]]
    a = view.analysis
    if not unstable:
        any_v = next(iter(verdicts.values()))
        if not any_v["improvements"]:
            return f"{dm}: stable under every concept — it has nothing better to move to."
    parts = [f"{dm}: " + ("stable under " + _concepts(stable) if stable else "UNSTABLE under every concept")]
    if unstable and stable:
        parts[0] += f"; UNSTABLE under {_concepts(unstable)}"
    # why unstable: the unanswered move under the widest concept where it is unstable
    for c in ("gmr", "smr", "seq", "sim", "seqsim", "nash"):
        if c in unstable:
            bad = next(x for x in verdicts[c]["improvements"] if x["sanction"] is None)
            parts.append(f"    it would move to state {bad['to']} ({changed_options(a, focal, bad['to'])}), "
                         f"and under {CONCEPT_LABELS[c]} nothing deters it")
            break
    # why stable: the sanctions that deter its improvements under the narrowest concept where stable
    for c in ("seq", "smr", "gmr", "sim", "seqsim"):
        if c in stable and verdicts[c]["improvements"]:
            for x in verdicts[c]["improvements"][:3]:
                parts.append(f"    its move to {x['to']} ({changed_options(a, focal, x['to'])}) is deterred under "
                             f"{CONCEPT_LABELS[c]}: {_path(x['path'])} (state {x['sanction']} is no better for {dm})")
            break
    return "\n".join(parts)


def briefing_text(b: "Briefing") -> str:
    """The whole briefing as plain text."""
    base = b.views[0].analysis
    info = base.state_info(b.focal_state)
    taken = [k for k, v in info.get("options", {}).items() if v]
    lines = [f"# {b.conflict.name}", ""]
    lines.append(f"Question: is '{b.outcome_name}' stable for each party, as each party sees it, and why?")
    focal_desc = f"state {b.focal_state} [{info.get('pattern', info.get('name', ''))}]"
    if taken:
        focal_desc += " — options taken: " + ", ".join(taken)
    lines.append(f"Focal state: {focal_desc}")
    if b.status_quo is not None:
        lines.append(f"Status quo: state {b.status_quo} [{base.state_info(b.status_quo).get('pattern', '')}]")
    lines.append("Concepts: " + _concepts(b.concepts))
    for view in b.views:
        lines.append("")
        lines.append(f"## Perspective: {view.name}")
        if view.description:
            lines.append(view.description)
        eq = view.outcome["equilibrium"]
        lines.append(f"'{b.outcome_name}' holds an equilibrium under: "
                     + _concepts([c for c in b.concepts if eq[c]])
                     + "; the focal state is an equilibrium under: "
                     + _concepts([c for c in b.concepts if view.focal_equilibrium[c]]))
        for dm in view.analysis.dm_names:
            lines.append("  " + dm_line(view, dm, b.focal_state).replace("\n", "\n  "))
    if b.hypergame is not None:
        lines.append("")
        lines.append("## Hypergame (who perceives what)")
        lines.extend(hypergame_lines(b))
    for s in b.sweeps:
        lines.append("")
        where = f" (perspective: {s.perspective})" if s.perspective else ""
        lines.append(f"## Sweep of {s.parameter} from {s.values[0]:g} to {s.values[-1]:g}{where}")
        focus = [t for t in s.tipping_points if t.what.startswith(f"state {b.focal_state}:")]
        others = [t for t in s.tipping_points if t not in focus]
        if not s.tipping_points:
            lines.append("No tipping point: every watched verdict is the same across the range.")
        for t in focus:
            lines.append("  " + t.describe())
        if others:
            lines.append(f"  (+ {len(others)} other tipping point(s) in equilibrium sets and outcomes; "
                         f"see `detente sweep`)")
    lines.append("")
    lines.append("## Answer")
    lines.extend(_answer(b))
    return "\n".join(lines)


def _sweep_sentence(b: "Briefing", t: "FocalTipping") -> str:
    """Where along a sweep the focal state holds for a DM, and what differs between concepts."""
    s = b.sweeps[t.sweep]
    where = f" (perspective {s.perspective})" if s.perspective else ""
    side = "below" if t.holds_below else "above"
    text = f" Along {s.parameter}{where}, it holds for {t.dm} under {CONCEPT_LABELS[t.concept]} {side} {t.value:.4g}."
    if t.wider is not None and t.wider_value is not None:
        path = " → ".join(f"{mover} to {state}" for mover, state in t.sanction_path)
        why = (" exists but is not credible, because the sanctioner would not gain from it"
               if t.concept == "seq" else " is available")
        text += (f" Between {min(t.wider_value, t.value):.4g} and {max(t.wider_value, t.value):.4g} only "
                 f"{CONCEPT_LABELS[t.wider]} deters its move to {t.deterred}: the sanction "
                 f"({path}){why} (it fails under {CONCEPT_LABELS[t.concept]}).")
    return text


def hypergame_lines(b: "Briefing") -> list[str]:
    """The hypergame's verdict on the focal state first, then each DM's view and the outcomes."""
    hyper = b.hypergame
    if hyper is None:
        return []
    out: list[str] = []
    focal = next((p for p in hyper.perceived_equilibria if p.state == b.focal_state), None)
    if focal is not None:
        out.append(f"Verdict on '{b.outcome_name}' (state {b.focal_state}): {focal.label.upper()} — "
                   f"{focal.explain()}")
    else:
        out.append(f"Verdict on '{b.outcome_name}' (state {b.focal_state}): no DM perceives it as a "
                   f"{CONCEPT_LABELS[hyper.concept]} equilibrium.")
    out.extend(f"- {v.summary()}" for v in hyper.views.values())
    if hyper.outcomes:
        out.append("Hypergame outcomes (each DM acting on its own view): "
                   + "; ".join(f"state {state_list(o.states)} {o.label}" for o in hyper.outcomes))
    return out


def _answer(b: "Briefing") -> list[str]:
    out = []
    base_view = b.views[0]
    for dm in base_view.analysis.dm_names:
        v = base_view.verdicts[dm]
        unstable_all = all(not x["stable"] for x in v.values())
        if not unstable_all:
            continue
        bad = next(x for x in v[b.concepts[-1]]["improvements"] if x["sanction"] is None)
        holds = [w.name for w in b.views[1:] if all(x["stable"] for x in w.verdicts[dm].values())]
        line = (f"- {dm} does not take '{b.outcome_name}': from state {b.focal_state} it moves to state "
                f"{bad['to']} ({changed_options(base_view.analysis, b.focal_state, bad['to'])}) and no "
                f"party can sanction that move.")
        if holds:
            line += f" It is stable for {dm} in the perspective(s): {', '.join(holds)}."
        for t in b.tippings:
            if t.dm == dm:
                line += _sweep_sentence(b, t)
        out.append(line)
    if not out:
        out.append(f"- '{b.outcome_name}' at state {b.focal_state} is not rejected outright by any party in "
                   f"the model as built.")
    return out
