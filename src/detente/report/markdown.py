"""A report as Markdown (GitHub-flavoured tables), with its drawings as SVG files beside it.

:func:`render_markdown` returns the Markdown text and the files it refers to: for a report
written as ``report.md`` those are ``report_graph.svg`` (the state-transition graph),
``report_evolution_<mode>.svg`` (evolution diagrams) and the charts, to be written in the same
folder (:func:`detente.report.builder.write_report` does it). The content is the HTML report's;
user-written text is made inert the way the HTML report escapes it
(:func:`~detente.report.safe_markdown.safe_markdown`).

>>> import detente
>>> text, files = render_markdown(detente.build_report(detente.examples.chicken()), stem="report")
>>> "![State-transition graph](report_graph.svg)" in text, sorted(files)
(True, ['report_graph.svg'])
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.stability import CONCEPT_LABELS
from .builder import Report
from .graph_svg import standalone
from .safe_markdown import safe_markdown

MODE_LABELS = {"moves": "unilateral moves", "improvements": "unilateral improvements",
               "coalitional": "unilateral and coalitional improvements"}


def _c(c: str) -> str:
    return CONCEPT_LABELS.get(c, c)


def _cell(x: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(x).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _ids(states: list[int], limit: int = 40) -> str:
    if not states:
        return "none"
    text = ", ".join(map(str, states[:limit]))
    return text + (f", … ({len(states)} in all)" if len(states) > limit else "")


def _table(head: Sequence[object], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out.extend("| " + " | ".join(_cell(x) for x in row) + " |" for row in rows)
    out.append("")
    return out


def _code(text: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [fence + "text", text, fence, ""]


def render_markdown(report: Report, stem: str = "report") -> tuple[str, dict[str, str]]:
    """(Markdown text, {file name: SVG text}) for ``report``; file names start with ``stem``."""
    r = report
    files: dict[str, str] = {}
    out: list[str] = [f"# {r.title}", ""]
    if r.description:
        out += [r.description, ""]
    meta = [f"source: `{r.source}`", f"{r.n_states} states", f"{len(r.model.dms)} decision makers",
            "concepts: " + ", ".join(_c(c) for c in r.concepts)]
    if r.perspective:
        meta.append(f"perspective: **{r.perspective}**")
    if r.model.overrides:
        meta.append("parameters set: " + ", ".join(f"{k} = {v:g}" for k, v in r.model.overrides.items()))
    out += ["*" + " · ".join(meta) + "*", ""]

    if r.answer is not None:
        from .answer import answer_text
        from .map_plot import map_svg

        pictures = {}
        for k, lever_map in enumerate(r.answer.maps):
            name = f"{stem}-map-{k + 1}.svg"
            files[name] = map_svg(lever_map)
            pictures[k] = name
        out += [answer_text(r.answer, pictures), ""]

    out += ["## Summary", ""]
    out += [f"- {line}" for line in r.findings] + [""]
    if r.status_quo_note:
        out += [f"> {r.status_quo_note}", ""]
    if r.summary_mode:
        out += [f"> Summary mode: the model has {r.n_states} states, so this report shows summary tables only.", ""]

    # model
    m = r.model
    out += ["## The model", "", "### Decision makers and options", ""]
    rev = {"both": "yes", "forward": "only N → Y", "backward": "only Y → N"}
    rows: list[Sequence[object]] = []
    for dm in m.dms:
        who = dm.name + (f" ({dm.label})" if dm.label else "")
        if not dm.options:
            rows.append([who, "–", "", "moves given in graph form", ""])
        for o in dm.options:
            rows.append([who, o.name, f"`{o.key}`", o.label, rev.get(o.reversibility, o.reversibility)])
    out += _table(["Decision maker", "Option", "In expressions", "Meaning", "Reversible"], rows)
    out += ["### Preferences", ""]
    for dm in m.dms:
        out.append(f"**{dm.name}** ({dm.preference_kind}):")
        out.append("")
        if dm.preference_kind == "prioritization":
            out += [f"{k}. `{s}`" for k, s in enumerate(dm.preference_lines, 1)]
        else:
            out += [f"- `{s}`" for s in dm.preference_lines]
        out.append("")
    if m.feasibility:
        out += ["### Feasibility", ""] + [f"- `{x}`" for x in m.feasibility] + [""]
    if m.outcome_definitions:
        out += ["### Named outcomes", ""]
        out += _table(["Outcome", "Definition"], [[k, f"`{v}`"] for k, v in m.outcome_definitions.items()])
    if m.parameters:
        out += ["### Parameters", ""]
        out += _table(["Parameter", "Value used"],
                      [[f"`{k}`", f"{v:g}" + (" (set)" if k in m.overrides else "")] for k, v in m.parameters.items()])
    out += [f"### Feasible states ({m.n_states})", ""]
    if m.option_rows:
        out += _table(["option \\ state"] + [str(s) for s in m.state_ids],
                      [[key] + vals for key, _dm, vals in m.option_rows])
    elif m.graph_form:
        out += _table(["State", "Name"], [[k + 1, f"`{n}`"] for k, n in enumerate(m.state_names)])
        out += _table(["Decision maker", "Moves (from → to)"],
                      [[dm, ", ".join(f"{a}→{b}" for a, b in mv)] for dm, mv in m.graph_moves.items()])
    if m.note:
        out += [f"> {m.note}", ""]

    # equilibria
    e = r.equilibria
    out += ["## Equilibria", ""]
    rows = [["*number of equilibria*", "", ""] + [str(e.counts[c]) for c in e.concepts]]
    for row in e.rows:
        tags = ", ".join(row.outcomes) + (" (status quo)" if row.state == r.status_quo else "")
        rows.append([f"**{row.state}**", f"`{row.label}`", tags] + ["✓" if row.under[c] else "–" for c in e.concepts])
    out += _table(["State", "Pattern / name", "Outcomes"] + [_c(c) for c in e.concepts], rows)
    if e.note:
        out += [f"> {e.note}", ""]

    if r.outcomes:
        out += ["## Named outcomes", ""]
        rows = []
        for oc in r.outcomes:
            cells = []
            for c in r.concepts:
                eq = oc.equilibrium_states[c]
                if eq:
                    cells.append(f"yes: {_ids(eq, 8)}")
                else:
                    never = oc.unstable_for[c]
                    cells.append("no" + (f" (never stable for {', '.join(never)})" if never else ""))
            rows.append([f"**{oc.name}**: `{oc.definition}`", _ids(oc.states, 12)] + cells)
        out += _table(["Outcome", "States"] + [f"{_c(c)} equilibrium" for c in r.concepts], rows)

    # graph
    out += ["## State-transition graph", ""]
    if r.graph is None:
        out += [f"> {r.graph_note}", ""]
    else:
        name = f"{stem}_graph.svg"
        files[name] = standalone(r.graph.svg)
        out += [f"![State-transition graph]({name})", "",
                "Arcs are coloured by the decision maker who moves; bold arcs are unilateral improvements, faint "
                f"dashed arcs other moves; a double border marks a {_c(r.graph.concept)} equilibrium, a yellow fill "
                "the status quo.", ""]
        if r.graph.note:
            out += [f"> {r.graph.note}", ""]

    # tableaux
    out += ["## Stability tableaux", ""]
    if not r.tableaux:
        out += [f"> {r.tableau_note}", ""]
    else:
        out += ["States in each decision maker's order of preference (best first), its unilateral improvements "
                "(UIs), and its verdict per concept: **r** rational (no UI), **s** stable because every UI is "
                "sanctioned, **u** unstable; ★ marks equilibria under some concept.", ""]
        if r.tableau_note:
            out += [f"> {r.tableau_note}", ""]
        for t in r.tableaux:
            out += [f"### {t.dm}", ""]
            rows = [[row.rank, f"**{row.state}**" + (" ★" if row.equilibrium else ""), f"`{row.label}`",
                     _ids(row.uis, 10) if row.uis else "–"] + [row.marks[c] for c in r.concepts] for row in t.rows]
            out += _table(["Rank", "State", "Pattern", "UIs"] + [_c(c) for c in r.concepts], rows)

    # evolution
    ev = r.evolution
    if ev is not None:
        out += ["## Evolution from the status quo", "",
                f"From the status quo, state **{ev.status_quo}**, by legal sequences (no decision maker moves twice "
                "in a row).", ""]
        if ev.note:
            out += [f"> {ev.note}", ""]
        rows = [[MODE_LABELS.get(mo, mo), ev.n_reached[mo], _ids(ev.stops[mo], 12)] +
                [_ids(ev.reachable[mo][c], 12) for c in r.concepts] for mo in ev.modes]
        out += _table(["Steps allowed", "States reachable", "Stops at"] + [f"{_c(c)} equilibria reached"
                                                                          for c in r.concepts], rows)
        for mode, svg in ev.diagrams.items():
            name = f"{stem}_evolution_{mode}.svg"
            files[name] = standalone(svg)
            out += [f"### Evolution diagram: {MODE_LABELS.get(mode, mode)}", "", f"![Evolution: {mode}]({name})", ""]
            if ev.diagram_notes.get(mode):
                out += [f"> {ev.diagram_notes[mode]}", ""]
            for target, steps in list(ev.paths.get(mode, {}).items())[:20]:
                out.append(f"- to **{target}**: " + ("; ".join(steps) if steps else "it is the status quo"))
            out.append("")
        for et in ev.tables:
            out += [f"### Evolution table: status quo {et.states[0]} → state {et.target}", ""]
            head = ["option"] + [f"status quo {et.states[0]}"] + [f"→ {mv} {s}" for mv, s in zip(et.movers, et.states[1:])]
            rows = []
            for key, vals in et.rows:
                rows.append([key] + [f"**{v}**" if k > 0 and v != vals[k - 1] else v for k, v in enumerate(vals)])
            out += _table(head, rows)

    if r.narratives:
        out += ["## Why: narratives", ""]
        for n in r.narratives:
            out += [f"### {n.heading}", ""] + _code(n.text)

    p = r.perspectives
    if p is not None:
        out += ["## Perspectives", ""]
        rows = [[f"**{v}**: {p.descriptions.get(v, '')}", p.changes.get(v, "") or "–"] +
                [_ids(p.equilibria[v].get(c, []), 12) for c in r.concepts] for v in p.views]
        out += _table(["View", "What it changes"] + [f"{_c(c)} equilibria" for c in r.concepts], rows)
        outcomes = sorted({o for v in p.views for o in p.outcomes[v]})
        if outcomes:
            out += ["Concepts under which each named outcome holds an equilibrium, by view:", ""]
            out += _table(["Outcome"] + p.views,
                          [[o] + [", ".join(_c(c) for c in p.outcomes[v].get(o, [])) or "–" for v in p.views]
                           for o in outcomes])
        if p.chart_svg:
            name = f"{stem}_perspectives.svg"
            files[name] = standalone(p.chart_svg)
            out += [f"![Named outcomes by view]({name})", ""]
        out += ["### Where the views disagree", ""]
        out += [("  - " if line.startswith(" ") else "- ") + line.strip() for line in p.differences] + [""]

    h = r.hypergame
    if h is not None:
        out += ["## Hypergame", "", f"Choices and labels use {_c(h.concept)}.", ""]
        rows = [[x["dm"], "the true game" if x["perceives_truth"] else (x["description"] or "a different game"),
                 _ids(x["equilibria"], 12), _ids(x["choice"], 12)] for x in h.perceived]
        out += _table(["Decision maker", "Perceives", "Equilibria it perceives", "Takes its options from"], rows)
        if h.outcomes:
            out += _table(["State", "Label", "Why"],
                          [[_ids(o["states"], 6) if o["states"] else "no feasible state", f"**{o['label']}**",
                            o["explanation"]] for o in h.outcomes])
        out += _code("\n".join(h.summary))

    if r.sweeps:
        out += ["## Parameter sweeps", ""]
        for k, s in enumerate(r.sweeps):
            view = f" (perspective: {s.perspective})" if s.perspective else ""
            out += [f"### {s.parameter} from {s.lo:g} to {s.hi:g}, {s.steps} steps{view}", ""]
            out += [f"- {t}" for t in s.tipping_points] or ["No answer changes over this range."]
            out.append("")
            if s.chart_svg:
                name = f"{stem}_sweep_{k + 1}.svg"
                files[name] = standalone(s.chart_svg)
                out += [f"![Sweep of {s.parameter}]({name})", ""]

    if r.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in r.notes] + [""]
    out += ["---", "", f"*Generated by detente {r.version}.*", ""]
    return safe_markdown("\n".join(out)), files


__all__ = ["render_markdown"]
