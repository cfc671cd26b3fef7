"""A report as one self-contained HTML page: inline CSS, inline SVG, no scripts, no external URLs.

The page reads offline and prints well. It lays out a :class:`~detente.report.builder.Report`
section by section (see :mod:`detente.report.builder` for what each section holds).

>>> import detente
>>> page = render_html(detente.build_report(detente.examples.chicken()))
>>> page.startswith("<!DOCTYPE html>") and "<script" not in page and 'class="node' in page
True
"""

from __future__ import annotations

from html import escape

from ..engine.stability import CONCEPT_LABELS
from .builder import Report
from .graph_svg import dm_color

MODE_LABELS = {"moves": "unilateral moves", "improvements": "unilateral improvements",
               "coalitional": "unilateral and coalitional improvements"}

CSS = """
:root { --ink:#1d2327; --muted:#5f6b73; --line:#d8dde1; --soft:#f5f7f8; --accent:#1f5f8b;
        --good:#1b7a3d; --goodbg:#e3f4e3; --bad:#b3261e; --badbg:#fbe4e2; --sbg:#e4eef8; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff;
       font-family: "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.2rem; padding-bottom: .6rem; }
h1 { font-size: 1.9rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .5rem; }
p.lede { font-size: 1.05rem; margin: .3rem 0 .6rem; }
p.meta, .note, .muted { color: var(--muted); font-size: .9rem; }
.note { background: var(--soft); border-left: 3px solid var(--line); padding: .45rem .7rem; margin: .6rem 0; }
nav.toc { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem;
          margin: 1rem 0; font-size: .92rem; }
nav.toc ol { margin: .2rem 0; padding-left: 1.3rem; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
ul.findings { padding-left: 1.2rem; }
ul.findings li { margin: .15rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.c, th.c { text-align: center; }
td.mono, span.mono, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .86rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.yn td { text-align: center; padding: .15rem .3rem; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.yn td.Y { background: var(--goodbg); }
.yn td.optname { text-align: left; white-space: nowrap; }
.mark { display: inline-block; min-width: 1.3em; text-align: center; border-radius: 3px; font-weight: 600;
        font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.mark.r { color: var(--good); background: var(--goodbg); }
.mark.s { color: var(--accent); background: var(--sbg); }
.mark.u { color: var(--bad); background: var(--badbg); }
.yes { color: var(--good); font-weight: 600; }
.no { color: #9aa3a8; }
tr.eq td { background: #f3faf3; }
.tag { display: inline-block; background: var(--sbg); color: var(--accent); border-radius: 3px; padding: 0 .35em;
       margin: 0 .15em .1em 0; font-size: .8rem; }
.dm-swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -.1em;
             margin-right: .3em; }
.params { display: flex; flex-wrap: wrap; gap: .3rem .5rem; margin: .4rem 0 1rem; }
.param { border: 1px solid var(--line); border-radius: 4px; padding: .1rem .45rem; font-size: .88rem;
         background: var(--soft); }
.tableaux { display: flex; flex-wrap: wrap; gap: 0 1.8rem; align-items: flex-start; }
.tableaux > div { flex: 0 0 auto; max-width: 100%; overflow-x: auto; }
figure.graph { margin: .6rem 0 1rem; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px;
               padding: .3rem; background: #fff; }
figure.graph svg { display: block; max-width: none; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .88rem; margin: .3rem .3rem 0; }
pre.narrative { white-space: pre-wrap; background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
                padding: .6rem .8rem; font-size: .84rem; margin: .3rem 0 1rem; }
details { margin: .3rem 0; }
summary { cursor: pointer; font-weight: 600; }
.label-steady { color: var(--good); font-weight: 700; }
.label-unsteady, .label-unstable, .label-infeasible { color: var(--bad); font-weight: 700; }
.label-stealthy, .label-unforeseen { color: #8a5a00; font-weight: 700; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line);
         padding-top: .6rem; }
@media print { nav.toc { display: none; } h2 { break-after: avoid; } figure.graph { overflow: visible; } }
"""


def _e(x: object) -> str:
    return escape(str(x))


def _ids(states: list[int], limit: int = 40) -> str:
    if not states:
        return "none"
    text = ", ".join(map(str, states[:limit]))
    return text + (f", … ({len(states)} in all)" if len(states) > limit else "")


def _concept(c: str) -> str:
    return CONCEPT_LABELS.get(c, c)


def _yes(flag: bool, text: str = "✓") -> str:
    return f'<span class="yes">{text}</span>' if flag else '<span class="no">–</span>'


def _swatch(i: int) -> str:
    return f'<span class="dm-swatch" style="background:{dm_color(i)}"></span>'


def render_html(report: Report) -> str:
    """The whole report as one HTML page (a string)."""
    sections: list[tuple[str, str, str]] = []   # (id, title, body)
    if report.answer is not None:
        sections.append(("answer", "The answer", _answer(report)))
    sections.append(("summary", "Summary", _summary(report)))
    sections.append(("model", "The model", _model(report)))
    sections.append(("equilibria", "Equilibria", _equilibria(report)))
    if report.outcomes:
        sections.append(("outcomes", "Named outcomes", _outcomes(report)))
    sections.append(("graph", "State-transition graph", _graph(report)))
    sections.append(("tableaux", "Stability tableaux", _tableaux(report)))
    if report.evolution is not None:
        sections.append(("evolution", "Evolution from the status quo", _evolution(report)))
    if report.narratives:
        sections.append(("narratives", "Why: narratives", _narratives(report)))
    if report.perspectives is not None:
        sections.append(("perspectives", "Perspectives", _perspectives(report)))
    if report.hypergame is not None:
        sections.append(("hypergame", "Hypergame", _hypergame(report)))
    if report.sweeps:
        sections.append(("sweeps", "Parameter sweeps", _sweeps(report)))
    if report.notes:
        sections.append(("notes", "Notes", "".join(f'<p class="note">{_e(n)}</p>' for n in report.notes)))
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="detente {_e(report.version)}">',
           f"<title>{_e(report.title)} — detente report</title>",
           f"<style>{CSS}</style></head><body><main>"]
    out.append('<header class="top">')
    out.append(f"<h1>{_e(report.title)}</h1>")
    if report.description:
        out.append(f'<p class="lede">{_e(report.description)}</p>')
    meta = [f"source: {_e(report.source)}", f"{report.n_states} states",
            f"{len(report.model.dms)} decision makers",
            "concepts: " + ", ".join(_concept(c) for c in report.concepts)]
    if report.perspective:
        meta.append(f"perspective: <b>{_e(report.perspective)}</b>")
    if report.model.overrides:
        meta.append("parameters set: " + ", ".join(f"{_e(k)} = {v:g}" for k, v in report.model.overrides.items()))
    out.append(f'<p class="meta">{" · ".join(meta)}</p></header>')
    out.append('<nav class="toc"><b>Contents</b><ol>')
    out.extend(f'<li><a href="#{sid}">{_e(title)}</a></li>' for sid, title, _ in sections)
    out.append("</ol></nav>")
    for sid, title, body in sections:
        out.append(f'<section id="{sid}"><h2>{_e(title)}</h2>{body}</section>')
    out.append(f"<footer>Generated by detente {_e(report.version)}. State numbers follow the usual GMCR "
               "convention (option 1 is the lowest bit, feasible states numbered by increasing code). "
               "Concepts: Nash stability (R), general metarationality (GMR), symmetric metarationality (SMR), "
               "sequential stability (SEQ).</footer>")
    out.append("</main></body></html>")
    return "\n".join(out)


# -- sections -----------------------------------------------------------------------------------
def _answer(r: Report) -> str:
    """The one-page answer: its Markdown rendered to HTML (user text escaped there), maps inline."""
    from markdown_it import MarkdownIt

    from .answer import answer_text
    from .map_plot import map_svg

    a = r.answer
    assert a is not None
    text = answer_text(a)
    md = MarkdownIt("commonmark", {"html": False})
    body = md.render(text.split("\n", 1)[1] if text.startswith("## ") else text)
    maps = "".join(f'<figure class="map">{map_svg(m)}</figure>' for m in a.maps)
    return body + maps


def _summary(r: Report) -> str:
    out = ['<ul class="findings">']
    out.extend(f"<li>{_e(line)}</li>" for line in r.findings)
    out.append("</ul>")
    if r.status_quo_note:
        out.append(f'<p class="note">{_e(r.status_quo_note)}</p>')
    if r.summary_mode:
        out.append(f'<p class="note">Summary mode: the model has {r.n_states} states, so this report shows '
                   "summary tables only.</p>")
    return "".join(out)


def _model(r: Report) -> str:
    m = r.model
    out = ["<h3>Decision makers and options</h3>", "<table><tr><th>Decision maker</th><th>Option</th>"
           "<th>In expressions</th><th>Meaning</th><th>Reversible</th></tr>"]
    rev = {"both": "yes", "forward": "only N → Y", "backward": "only Y → N"}
    for i, dm in enumerate(m.dms):
        name = f"{_swatch(i)}<b>{_e(dm.name)}</b>"
        if dm.label:
            name += f"<br><span class='muted'>{_e(dm.label)}</span>"
        if not dm.options:
            out.append(f"<tr><td>{name}</td><td colspan='4' class='muted'>moves given in graph form</td></tr>")
            continue
        for k, o in enumerate(dm.options):
            first = f'<td rowspan="{len(dm.options)}">{name}</td>' if k == 0 else ""
            out.append(f"<tr>{first}<td>{_e(o.name)}</td><td class='mono'>{_e(o.key)}</td><td>{_e(o.label)}</td>"
                       f"<td>{_e(rev.get(o.reversibility, o.reversibility))}</td></tr>")
    out.append("</table>")
    out.append("<h3>Preferences</h3><table><tr><th>Decision maker</th><th>Kind</th><th>Statement</th></tr>")
    for i, dm in enumerate(m.dms):
        lines = "<br>".join(f"<span class='mono'>{_e(x)}</span>" for x in dm.preference_lines) or "–"
        if dm.preference_kind == "prioritization":
            lines = "<ol style='margin:0;padding-left:1.2rem'>" + "".join(
                f"<li class='mono'>{_e(x)}</li>" for x in dm.preference_lines) + "</ol>"
        out.append(f"<tr><td>{_swatch(i)}{_e(dm.name)}</td><td>{_e(dm.preference_kind)}</td><td>{lines}</td></tr>")
    out.append("</table>")
    if m.feasibility:
        out.append("<h3>Feasibility</h3><ul>")
        out.extend(f"<li class='mono'>{_e(x)}</li>" for x in m.feasibility)
        out.append("</ul>")
    if m.outcome_definitions:
        out.append("<h3>Named outcomes</h3><table><tr><th>Outcome</th><th>Definition</th></tr>")
        out.extend(f"<tr><td><b>{_e(k)}</b></td><td class='mono'>{_e(v)}</td></tr>"
                   for k, v in m.outcome_definitions.items())
        out.append("</table>")
    if m.parameters:
        out.append("<h3>Parameters</h3><div class='params'>")
        for pname, v in m.parameters.items():
            mark = " <span class='tag'>set</span>" if pname in m.overrides else ""
            out.append(f"<span class='param'><code>{_e(pname)}</code> = {v:g}{mark}</span>")
        out.append("</div>")
    out.append(f"<h3>Feasible states ({m.n_states})</h3>")
    if m.option_rows:
        out.append('<div class="scroll"><table class="yn"><tr><th>option \\ state</th>')
        out.extend(f"<th class='c'>{s}</th>" for s in m.state_ids)
        out.append("</tr>")
        for key, _dm, vals in m.option_rows:
            out.append(f"<tr><td class='optname'>{_e(key)}</td>" +
                       "".join(f"<td class='{v}'>{v}</td>" for v in vals) + "</tr>")
        out.append("</table></div>")
    elif m.graph_form:
        out.append("<table><tr><th>State</th><th>Name</th></tr>")
        out.extend(f"<tr><td>{k + 1}</td><td class='mono'>{_e(n)}</td></tr>" for k, n in enumerate(m.state_names))
        out.append("</table><table><tr><th>Decision maker</th><th>Moves (from → to)</th></tr>")
        out.extend(f"<tr><td>{_e(dm)}</td><td>{_e(', '.join(f'{a}→{b}' for a, b in mv))}</td></tr>"
                   for dm, mv in m.graph_moves.items())
        out.append("</table>")
    if m.note:
        out.append(f'<p class="note">{_e(m.note)}</p>')
    return "".join(out)


def _equilibria(r: Report) -> str:
    e = r.equilibria
    out = ["<table><tr><th>State</th><th>Pattern / name</th><th>Outcomes</th>"]
    out.extend(f"<th class='c'>{_concept(c)}</th>" for c in e.concepts)
    out.append("</tr><tr><td colspan='3'><i>number of equilibria</i></td>")
    out.extend(f"<td class='c'><b>{e.counts[c]}</b></td>" for c in e.concepts)
    out.append("</tr>")
    for row in e.rows:
        tags = "".join(f"<span class='tag'>{_e(o)}</span>" for o in row.outcomes)
        sq = " <span class='tag'>status quo</span>" if row.state == r.status_quo else ""
        out.append(f"<tr><td><b>{row.state}</b></td><td class='mono'>{_e(row.label)}</td><td>{tags}{sq}</td>" +
                   "".join(f"<td class='c'>{_yes(row.under[c])}</td>" for c in e.concepts) + "</tr>")
    out.append("</table>")
    if not e.rows:
        out.append("<p>No state is an equilibrium under any concept analysed.</p>")
    if e.note:
        out.append(f'<p class="note">{_e(e.note)}</p>')
    return "".join(out)


def _outcomes(r: Report) -> str:
    out = ["<table><tr><th>Outcome</th><th>States</th>"]
    out.extend(f"<th class='c'>{_concept(c)} equilibrium</th>" for c in r.concepts)
    out.append("</tr>")
    for o in r.outcomes:
        cells = []
        for c in r.concepts:
            eq = o.equilibrium_states[c]
            if eq:
                cells.append(f"<td class='c'><span class='yes'>yes</span>: {_e(_ids(eq, 8))}</td>")
            else:
                who = o.unstable_for[c]
                why = f"<br><span class='muted'>never stable for {_e(', '.join(who))}</span>" if who else ""
                cells.append(f"<td class='c'><span class='no'>no</span>{why}</td>")
        out.append(f"<tr><td><b>{_e(o.name)}</b><br><span class='mono muted'>{_e(o.definition)}</span></td>"
                   f"<td>{_e(_ids(o.states, 12))}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    return "".join(out)


def _graph(r: Report) -> str:
    if r.graph is None:
        return f'<p class="note">{_e(r.graph_note)}</p>'
    g = r.graph
    caption = (f"States are columns by the number of options taken (graph form: by distance from the status "
               f"quo). Arcs are coloured by the decision maker who moves; bold arcs are unilateral improvements, "
               f"faint dashed arcs other moves; a double border marks a {_concept(g.concept)} equilibrium, a yellow "
               f"fill the status quo. Hover over a state or arc for details.")
    out = [f'<figure class="graph">{g.svg}<figcaption>{_e(caption)}</figcaption></figure>']
    if g.note:
        out.append(f'<p class="note">{_e(g.note)}</p>')
    return "".join(out)


def _tableaux(r: Report) -> str:
    if not r.tableaux:
        return f'<p class="note">{_e(r.tableau_note)}</p>'
    out = ['<p>For each decision maker, states in its order of preference (best first; equal rank = '
           'equally preferred), its unilateral improvements (UIs) from each state, and its verdict under '
           'each concept: <span class="mark r">r</span> rational (no UI), <span class="mark s">s</span> '
           'stable because every UI is sanctioned, <span class="mark u">u</span> unstable. Shaded rows are '
           'equilibria under some concept.</p>']
    if r.tableau_note:
        out.append(f'<p class="note">{_e(r.tableau_note)}</p>')
    out.append('<div class="tableaux">')
    for i, t in enumerate(r.tableaux):
        out.append(f"<div><h3>{_swatch(i)}{_e(t.dm)}</h3><table><tr><th>Rank</th><th>State</th><th>Pattern</th>"
                   "<th>UIs</th>" + "".join(f"<th class='c'>{_concept(c)}</th>" for c in r.concepts) + "</tr>")
        for row in t.rows:
            uis = _ids(row.uis, 10) if row.uis else "–"
            cls = " class='eq'" if row.equilibrium else ""
            out.append(f"<tr{cls}><td class='c'>{row.rank}</td><td><b>{row.state}</b></td>"
                       f"<td class='mono'>{_e(row.label)}</td><td>{_e(uis)}</td>" +
                       "".join(f"<td class='c'><span class='mark {row.marks[c]}'>{row.marks[c]}</span></td>"
                               for c in r.concepts) + "</tr>")
        out.append("</table></div>")
    out.append("</div>")
    return "".join(out)


def _evolution(r: Report) -> str:
    ev = r.evolution
    assert ev is not None
    out = [f"<p>From the status quo, state <b>{ev.status_quo}</b>, the conflict moves by legal sequences "
           "(no decision maker moves twice in a row).</p>"]
    if ev.note:
        out.append(f'<p class="note">{_e(ev.note)}</p>')
    out.append("<table><tr><th>Steps allowed</th><th>States reachable</th><th>Stops at</th>" +
               "".join(f"<th>{_concept(c)} equilibria reached</th>" for c in r.concepts) + "</tr>")
    for mode in ev.modes:
        out.append(f"<tr><td>{_e(MODE_LABELS.get(mode, mode))}</td><td class='c'>{ev.n_reached[mode]}</td>"
                   f"<td>{_e(_ids(ev.stops[mode], 12))}</td>" +
                   "".join(f"<td>{_e(_ids(ev.reachable[mode][c], 12))}</td>" for c in r.concepts) + "</tr>")
    out.append("</table>")
    for mode, svg in ev.diagrams.items():
        out.append(f"<h3>Evolution diagram: {_e(MODE_LABELS.get(mode, mode))}</h3>")
        out.append(f'<figure class="graph">{svg}<figcaption>Shortest legal paths from the status quo to each '
                   f'equilibrium reached and each state where the evolution stops.</figcaption></figure>')
        if ev.diagram_notes.get(mode):
            out.append(f'<p class="note">{_e(ev.diagram_notes[mode])}</p>')
        paths = ev.paths.get(mode, {})
        if paths:
            out.append("<ul>")
            for target, steps in list(paths.items())[:20]:
                text = "; ".join(steps) if steps else "it is the status quo"
                out.append(f"<li>to <b>{target}</b>: {_e(text)}</li>")
            out.append("</ul>")
    for t in ev.tables:
        out.append(f"<h3>Evolution table: status quo {t.states[0]} → state {t.target}</h3>")
        out.append('<div class="scroll"><table class="yn"><tr><th>option</th>')
        for k, s in enumerate(t.states):
            head = "status quo" if k == 0 else f"→ {t.movers[k - 1]}"
            out.append(f"<th class='c'>{_e(head)}<br>{s}</th>")
        out.append("</tr>")
        for key, vals in t.rows:
            cells = []
            for k, v in enumerate(vals):
                changed = k > 0 and v != vals[k - 1]
                style = " style='font-weight:700;outline:2px solid #1f5f8b;outline-offset:-2px'" if changed else ""
                cells.append(f"<td class='{v}'{style}>{v}</td>")
            out.append(f"<tr><td class='optname'>{_e(key)}</td>{''.join(cells)}</tr>")
        out.append("</table></div>")
    return "".join(out)


def _narratives(r: Report) -> str:
    out = []
    for k, n in enumerate(r.narratives):
        opened = " open" if k < 2 else ""
        out.append(f"<details{opened}><summary>{_e(n.heading)}</summary>"
                   f'<pre class="narrative">{_e(n.text)}</pre></details>')
    return "".join(out)


def _perspectives(r: Report) -> str:
    p = r.perspectives
    assert p is not None
    out = ["<table><tr><th>View</th><th>What it changes</th>" +
           "".join(f"<th>{_concept(c)} equilibria</th>" for c in r.concepts) + "</tr>"]
    for v in p.views:
        desc = p.descriptions.get(v, "")
        out.append(f"<tr><td><b>{_e(v)}</b><br><span class='muted'>{_e(desc)}</span></td>"
                   f"<td class='mono'>{_e(p.changes.get(v, '') or '–')}</td>" +
                   "".join(f"<td>{_e(_ids(p.equilibria[v].get(c, []), 12))}</td>" for c in r.concepts) + "</tr>")
    out.append("</table>")
    outcomes = sorted({o for v in p.views for o in p.outcomes[v]})
    if outcomes:
        out.append("<h3>Named outcomes by view</h3><table><tr><th>Outcome</th>" +
                   "".join(f"<th>{_e(v)}</th>" for v in p.views) + "</tr>")
        for o in outcomes:
            cells = []
            for v in p.views:
                cs = p.outcomes[v].get(o, [])
                cells.append(f"<td>{_e(', '.join(_concept(c) for c in cs)) if cs else '<span class=no>–</span>'}</td>")
            out.append(f"<tr><td><b>{_e(o)}</b></td>{''.join(cells)}</tr>")
        out.append("</table><p class='muted'>Each cell lists the concepts under which the outcome holds an "
                   "equilibrium in that view.</p>")
    if p.chart_svg:
        out.append(f'<figure class="chart">{p.chart_svg}</figure>')
    out.append("<h3>Where the views disagree</h3>")
    heads = sum(1 for line in p.differences if not line.startswith(" "))
    if len(p.differences) > 30:
        out.append(f"<details><summary>{heads} differences, each with the reason in every view</summary>"
                   f"{_nested_list(p.differences)}</details>")
    else:
        out.append(_nested_list(p.differences))
    return "".join(out)


def _nested_list(lines: list[str]) -> str:
    """Lines as a list; an indented line is a detail of the line above it."""
    out = ["<ul>"]
    open_sub = False
    for k, line in enumerate(lines):
        indented = line.startswith(" ") and k > 0
        if indented and not open_sub:
            out.append("<ul>")
            open_sub = True
        elif not indented and open_sub:
            out.append("</ul></li>")
            open_sub = False
        elif not indented and k > 0:
            out.append("</li>")
        out.append(f"<li>{_e(line.strip())}" + ("</li>" if indented else ""))
    out.append("</ul></li></ul>" if open_sub else ("</li></ul>" if lines else "</ul>"))
    return "".join(out)


def _hypergame(r: Report) -> str:
    h = r.hypergame
    assert h is not None
    out = [f"<p>Each decision maker acts on the game as it perceives it; choices and labels use "
           f"{_concept(h.concept)}.</p>",
           "<table><tr><th>Decision maker</th><th>Perceives</th><th>Equilibria it perceives</th>"
           "<th>Takes its options from</th></tr>"]
    for p in h.perceived:
        sees = "the true game" if p["perceives_truth"] else (p["description"] or "a different game")
        basis = "" if p["basis"] == "perceived equilibria" else f" <span class='muted'>({_e(p['basis'])})</span>"
        out.append(f"<tr><td><b>{_e(p['dm'])}</b></td><td>{_e(sees)}</td><td>{_e(_ids(p['equilibria'], 12))}</td>"
                   f"<td>{_e(_ids(p['choice'], 12))}{basis}</td></tr>")
    out.append("</table>")
    if h.outcomes:
        out.append("<h3>Hypergame outcomes</h3><table><tr><th>State</th><th>Label</th><th>Why</th></tr>")
        for o in h.outcomes:
            where = _ids(o["states"], 6) if o["states"] else "no feasible state"
            out.append(f"<tr><td><b>{_e(where)}</b></td><td class='label-{_e(o['label'])}'>{_e(o['label'])}</td>"
                       f"<td>{_e(o['explanation'])}</td></tr>")
        out.append("</table>")
    out.append(f'<details><summary>Full hypergame account</summary><pre class="narrative">'
               f'{_e(chr(10).join(h.summary))}</pre></details>')
    return "".join(out)


def _sweeps(r: Report) -> str:
    out = []
    for s in r.sweeps:
        view = f" (perspective: {s.perspective})" if s.perspective else ""
        out.append(f"<h3>{_e(s.parameter)} from {s.lo:g} to {s.hi:g}, {s.steps} steps{_e(view)}</h3>")
        if s.tipping_points:
            out.append("<ul>" + "".join(f"<li>{_e(t)}</li>" for t in s.tipping_points) + "</ul>")
        else:
            out.append("<p>No answer changes over this range.</p>")
        if s.chart_svg:
            out.append(f'<figure class="chart">{s.chart_svg}</figure>')
    return "".join(out)


__all__ = ["render_html", "CSS"]
