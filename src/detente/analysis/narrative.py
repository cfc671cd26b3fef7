"""Plain-language explanations of verdicts: the move, and the sanction that deters it.

Prose about analysis results lives in the analysis layer, next to what it explains, so that
:meth:`Analysis.explain` needs nothing above it; the report and the command line use it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.stability import CONCEPT_LABELS
from ..engine.witness import Verdict

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis


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
