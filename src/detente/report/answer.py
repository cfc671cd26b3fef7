"""The one-page answer in plain words (Markdown), from an :class:`~detente.analysis.answer.Answer`.

Reports take results; nothing here runs an analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DetenteError
from .escape import md_escape

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.answer import Answer, PartyAnswer
    from ..analysis.levers import Lever

MAX_LEVERS = 6


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.2e}"


def lever_line(who: str, lv: "Lever", holds: bool, verb: str) -> str:
    """``"Russia would sign if deal_x ≤ 0.572 (today 0.6)"``."""
    cond = lv.condition()
    name = f"{lv.parameter} ({lv.label})" if lv.label else lv.parameter
    if holds:
        return f"{who} keeps to it while {md_escape(cond)} — {md_escape(name)}, today {_num(lv.value)}"
    return f"{who} would {verb} if {md_escape(cond)} — {md_escape(name)}, today {_num(lv.value)}"


def _belief_inputs(a: "Answer") -> set[str]:
    """Parameters that shape or shift a derived belief: its weights, rate, the belief itself, and
    parameters written next to it in definitions (e.g. a credible commitment that scales it)."""
    from ..model.expressions import parse

    c = a.conflict
    names: set[str] = set()
    for name, b in c.beliefs.items():
        names.add(name)
        names |= {w for w in b.types.values() if isinstance(w, str)}
        if isinstance(b.rate, str):
            names.add(b.rate)
    for text in c.definitions.values():
        used = parse(text).names()
        if used & set(c.beliefs):
            names |= {n for n in used if n in c.parameters}
    return names


def _party(a: "Answer", p: "PartyAnswer") -> list[str]:
    who = md_escape(p.label)
    concept = a.concept.upper()
    out = []
    if p.accepts:
        line = f"- **{who}** takes '{md_escape(a.outcome)}' under {concept}"
        if not p.accepts_nash and p.move is not None:
            line += (f", but only because a move away would be sanctioned: on its own interest (Nash) it would "
                     f"move ({md_escape(p.move_change)}) to *{md_escape(p.move_meaning)}*")
        out.append(line + ".")
    else:
        out.append(f"- **{who}** does not take '{md_escape(a.outcome)}' under {concept}: it would "
                   f"move ({md_escape(p.move_change)}) to *{md_escape(p.move_meaning)}*, and no party can "
                   f"credibly sanction that move.")
    if p.terms and p.move is not None:
        deal = sum(t.at_deal for t in p.terms)
        alt = sum(t.at_move for t in p.terms)
        out.append(f"  - In the model's numbers: the deal is worth {_num(deal)} to it, its alternative {_num(alt)}:")
        for t in p.terms:
            if abs(t.at_deal) < 1e-12 and abs(t.at_move) < 1e-12:
                continue
            label = md_escape(t.label or t.text)
            out.append(f"    - {label}: {_num(t.at_deal)} at the deal, {_num(t.at_move)} instead")
    levs = p.levers if (p.levers or p.accepts == p.accepts_nash) else []
    holds = p.accepts
    verb = "take it"
    nash = False
    if not levs and p.levers_nash:
        levs, holds, nash = p.levers_nash, p.accepts_nash, True
    if levs:
        out.append("  - What would change its mind" + (" on its own interest (Nash)" if nash else "")
                   + " (one parameter at a time, nearest first):")
        for lv in levs[:MAX_LEVERS]:
            out.append("    - " + lever_line(who, lv, holds, verb))
        if len(levs) > MAX_LEVERS:
            out.append(f"    - … and {len(levs) - MAX_LEVERS} more (`detente levers`)")
    else:
        out.append("  - No single parameter changes its verdict within its range.")
    return out


def _dm_label(a: "Answer", names: str) -> str:
    out = []
    for n in names.split(", "):
        try:
            dm = a.conflict.dm(n)
            out.append(dm.label or dm.name)
        except DetenteError:  # a coalition label or an unknown mover: show as given
            out.append(n)
    return " and ".join(out)


def answer_text(a: "Answer", pictures: dict[int, str] | None = None) -> str:
    """The answer as Markdown: verdicts and why, levers, beliefs, forecast, maps (``pictures``
    maps a map's index to an image path or data URI to show it)."""
    lines = [f"## The answer: who takes '{md_escape(a.outcome)}', and what would change their minds", ""]
    sq = f" Today: *{md_escape(a.status_quo_meaning)}* (state {a.status_quo})." if a.status_quo else ""
    lines.append(f"The deal: *{md_escape(a.focal_meaning)}* (state {a.focal_state}).{sq} Verdicts under "
                 f"{a.concept.upper()} (sanctions count only if carrying them out pays); Nash is each party's "
                 f"own interest with sanctions aside.")
    lines.append("")
    for p in sorted(a.parties, key=lambda q: q.accepts):   # who rejects the deal comes first
        lines += _party(a, p)
    rejecting = [p for p in a.parties if not p.accepts]
    if a.beliefs:
        lines += ["", "### Beliefs behind the verdicts", ""]
        for b in a.beliefs:
            walking = [t for t, _, walks in b.types if walks]
            total = sum(w for _, w, _ in b.types) or 1.0
            share = sum(w for _, w, walks in b.types if walks) / total
            types = "; ".join(f"{md_escape(t)} (weight {_num(w)}): {'walks away' if walks else 'stays'}"
                              for t, w, walks in b.types)
            about = a.conflict.dm(b.about)
            lines.append(f"- **{md_escape(b.name)} = {_num(b.value)}**: the chance per period that "
                         f"{md_escape(about.label or about.name)} walks away, = rate {_num(b.rate)} × weight of the types that walk "
                         f"away ({', '.join(map(md_escape, walking)) or 'none'}: {_num(share)} of the prior). "
                         f"Types: {types}.")
        inputs = _belief_inputs(a)
        for p in rejecting:
            levs = [lv for lv in p.levers if lv.parameter in inputs]
            if levs:
                makers = ", ".join(sorted({md_escape(a.conflict.dm(b.about).label or b.about) for b in a.beliefs}))
                lines.append(f"- What {makers} would have to make {md_escape(p.label)} believe, or commit to:")
                for lv in levs[:MAX_LEVERS]:
                    lines.append("    - " + lever_line(md_escape(p.label), lv, p.accepts, "take it"))
    if a.forecast or a.forecast_end:
        lines += ["", "### The model's forecast from today", ""]
        if a.forecast:
            steps = "; then ".join(f"{md_escape(_dm_label(a, m))} moves to *{md_escape(t)}*" for m, _, t in a.forecast)
            lines.append(f"From *{md_escape(a.status_quo_meaning)}*, each party improving its own lot: {steps}. "
                         f"It comes to rest at *{md_escape(a.forecast_end)}* ({a.concept.upper()} equilibrium).")
        else:
            lines.append(f"From *{md_escape(a.status_quo_meaning)}*: {md_escape(a.forecast_end)}.")
    for k, m in enumerate(a.maps):
        lines += ["", f"### Map: {md_escape(m.subject)}", ""]
        share = float(m.grid.mean()) if m.grid.size else 0.0
        lines.append(f"Over {md_escape(m.x)} × {md_escape(m.y)} ({m.grid.shape[1]}×{m.grid.shape[0]} cells), every "
                     f"named party signs in {share:.0%} of the cells.")
        for dm, layer in m.layers.items():
            lines.append(f"- {md_escape(dm)} signs in {float(layer.mean()):.0%} of them")
        if pictures and k in pictures:
            lines += ["", f"![map of {md_escape(m.x)} × {md_escape(m.y)}]({pictures[k]})"]
    return "\n".join(lines) + "\n"


__all__ = ["answer_text", "lever_line"]
