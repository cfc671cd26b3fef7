"""One document walk for every report format: a :class:`Report` becomes a small document model
(sections of headings, paragraphs, tables, lists, figures, code and Markdown text), built once
by :func:`report_document`; :mod:`detente.report.html` and :mod:`detente.report.markdown` are
two backends that only write that model out, so both formats show the same content in the
same order (the one-page answer first).

Inline text is a tuple of plain strings (user text, escaped by each backend) and :class:`Span`
marks (strong, code, a verdict letter, ...); blocks are the dataclasses below.

>>> import detente
>>> doc = report_document(detente.build_report(detente.examples.chicken(), include=[]), stem="chicken")
>>> [s.id for s in doc.sections][:3], doc.sections[0].title
(['summary', 'model', 'equilibria'], 'Summary')
>>> [f.file for f in doc.figures()]
['chicken_graph.svg']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Union

from ..model.text import state_list
from ..engine.stability import CONCEPT_LABELS
from .builder import Report

MODE_LABELS = {"moves": "unilateral moves", "improvements": "unilateral improvements",
               "coalitional": "unilateral and coalitional improvements"}
"""Evolution modes in words."""
REVERSIBLE = {"both": "yes", "forward": "only N → Y", "backward": "only Y → N"}
MAX_PATHS = 20
"""Paths listed per evolution diagram."""
MAX_FLAT_DIFFERENCES = 30
"""Above this many lines the perspectives' differences fold away (HTML) under a summary."""


# -- inline text --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """Marked-up inline text. ``kind`` is one of:

    ``strong``, ``em``, ``code`` (user text shown literally), ``muted``, ``tag`` (a small label;
    ``arg`` is its Markdown text), ``mark`` (a tableau verdict letter), ``yes``/``no`` (a verdict sign), ``swatch`` (a decision
    maker's colour, ``arg`` the colour index; nothing in Markdown), ``break`` (a line break in
    HTML, the text ``arg`` in Markdown).
    """

    kind: str
    content: "Inlines" = ()
    arg: str = ""


Inline = Union[str, Span]
Inlines = tuple[Inline, ...]


def text(*parts: Inline) -> Inlines:
    return tuple(parts)


def strong(*c: Inline) -> Span:
    return Span("strong", tuple(c))


def em(*c: Inline) -> Span:
    return Span("em", tuple(c))


def code(s: object) -> Span:
    return Span("code", (str(s),))


def muted(*c: Inline) -> Span:
    return Span("muted", tuple(c))


def tag(s: object, md: str | None = None) -> Span:
    """A small label; ``md`` is how Markdown writes it (default: its text)."""
    return Span("tag", (str(s),), str(s) if md is None else md)


def mark(letter: str) -> Span:
    return Span("mark", (letter,), letter)


def yes(s: str = "✓") -> Span:
    return Span("yes", (s,))


def no(s: str = "–") -> Span:
    return Span("no", (s,))


def swatch(i: int) -> Span:
    return Span("swatch", (), str(i))


def brk(md: str = " ") -> Span:
    return Span("break", (), md)


def plain(content: Inlines) -> str:
    """The text of inline content, marks left out.

    >>> plain(("a ", strong("b"), brk(": "), code("c")))
    'a b: c'
    """
    out = []
    for part in content:
        if isinstance(part, str):
            out.append(part)
        elif part.kind == "break":
            out.append(part.arg)
        else:
            out.append(plain(part.content))
    return "".join(out)


# -- blocks -------------------------------------------------------------------------------------
@dataclass
class Heading:
    """A heading inside a section (sections carry their own, level 2)."""

    content: Inlines
    level: int = 3


@dataclass
class Paragraph:
    """``style``: "" (body text), "note" (an aside), "muted" (a small remark)."""

    content: Inlines
    style: str = ""


@dataclass
class Cell:
    content: Inlines
    cls: str = ""
    center: bool = False
    colspan: int = 1
    rowspan: int = 1
    """A cell spanning rows appears in its first row only (Markdown repeats it)."""


@dataclass
class Row:
    cells: list[Cell]
    cls: str = ""


@dataclass
class Table:
    head: list[Cell]
    rows: list[Row]
    cls: str = ""
    scroll: bool = False


@dataclass
class Item:
    content: Inlines
    children: list["Item"] = field(default_factory=list)


@dataclass
class ItemList:
    items: list[Item]
    ordered: bool = False
    cls: str = ""


@dataclass
class Figure:
    """A drawing: inline SVG in HTML, the file ``file`` (written next to it) in Markdown."""

    svg: str
    file: str
    alt: str
    caption: str = ""
    cls: str = "graph"


@dataclass
class Code:
    """Preformatted text (narratives, accounts)."""

    text: str


@dataclass
class MarkdownText:
    """Markdown whose user text is already escaped (:func:`~detente.report.escape.md_escape`);
    HTML renders it, with raw HTML disabled."""

    text: str


@dataclass
class Details:
    """A part that folds away in HTML (open when ``open``); a level-3 heading in Markdown."""

    summary: str
    blocks: list["Block"]
    open: bool = False


@dataclass
class Group:
    """Blocks laid out together (``cls`` names the HTML layout); no mark in Markdown."""

    blocks: list["Block"]
    cls: str = ""


Block = Union[Heading, Paragraph, Table, ItemList, Figure, Code, MarkdownText, Details, Group]


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block]
    toc_title: str = ""
    """The title in the table of contents (default: ``title``)."""


@dataclass
class Document:
    title: str
    lede: str
    meta: list[Inlines]
    sections: list[Section]
    footer: str
    version: str

    def figures(self) -> list[Figure]:
        """Every figure, in document order."""
        return [b for s in self.sections for b in _walk(s.blocks) if isinstance(b, Figure)]


def _walk(blocks: Sequence[Block]) -> Iterator[Block]:
    for b in blocks:
        yield b
        if isinstance(b, (Details, Group)):
            yield from _walk(b.blocks)


# -- the walk -----------------------------------------------------------------------------------
def _c(concept: str) -> str:
    return CONCEPT_LABELS.get(concept, concept)


def _note(s: str) -> Paragraph:
    return Paragraph(text(s), "note")


def _center(*c: Inline) -> Cell:
    return Cell(tuple(c), center=True)


def report_document(report: Report, stem: str = "report") -> Document:
    """The document of ``report``; drawings are named ``<stem>_graph.svg``, ... for Markdown."""
    r = report
    meta: list[Inlines] = [text("source: ", code(r.source)), text(f"{r.n_states} states"),
                           text(f"{len(r.model.dms)} decision makers"),
                           text("concepts: " + ", ".join(_c(c) for c in r.concepts))]
    if r.perspective:
        meta.append(text("perspective: ", strong(r.perspective)))
    if r.model.overrides:
        meta.append(text("parameters set: " + ", ".join(f"{k} = {v:g}" for k, v in r.model.overrides.items())))
    sections: list[Section] = []
    if r.answer is not None:
        sections.append(_answer(r, stem))
    sections.append(Section("summary", "Summary", _summary(r)))
    sections.append(Section("model", "The model", _model(r)))
    sections.append(Section("equilibria", "Equilibria", _equilibria(r)))
    if r.outcomes:
        sections.append(Section("outcomes", "Named outcomes", _outcomes(r)))
    sections.append(Section("graph", "State-transition graph", _graph(r, stem)))
    sections.append(Section("tableaux", "Stability tableaux", _tableaux(r)))
    if r.evolution is not None:
        sections.append(Section("evolution", "Evolution from the status quo", _evolution(r, stem)))
    if r.narratives:
        sections.append(Section("narratives", "Why: narratives",
                                [Details(n.heading, [Code(n.text)], open=k < 2) for k, n in enumerate(r.narratives)]))
    if r.perspectives is not None:
        sections.append(Section("perspectives", "Perspectives", _perspectives(r, stem)))
    if r.hypergame is not None:
        sections.append(Section("hypergame", "Hypergame", _hypergame(r)))
    if r.sweeps:
        sections.append(Section("sweeps", "Parameter sweeps", _sweeps(r, stem)))
    if r.notes:
        sections.append(Section("notes", "Notes", [_note(n) for n in r.notes]))
    footer = (f"Generated by detente {r.version}. State numbers follow the usual GMCR convention (option 1 is the "
              "lowest bit, feasible states numbered by increasing code). Concepts: Nash stability (R), general "
              "metarationality (GMR), symmetric metarationality (SMR), sequential stability (SEQ).")
    return Document(r.title, r.description, meta, sections, footer, r.version)


def _answer(r: Report, stem: str) -> Section:
    from .answer import answer_text
    from .map_plot import map_svg

    a = r.answer
    assert a is not None
    body = answer_text(a)
    if body.startswith("## "):
        body = body.split("\n", 1)[1].lstrip("\n")
    blocks: list[Block] = [MarkdownText(body)]
    blocks += [Figure(map_svg(m), f"{stem}-map-{k + 1}.svg", f"map of {m.x} × {m.y}", cls="map")
               for k, m in enumerate(a.maps)]
    return Section("answer", f"The answer: who takes '{a.outcome}', and what would change their minds", blocks,
                   toc_title="The answer")


def _summary(r: Report) -> list[Block]:
    out: list[Block] = [ItemList([Item(text(line)) for line in r.findings], cls="findings")]
    if r.status_quo_note:
        out.append(_note(r.status_quo_note))
    if r.summary_mode:
        out.append(_note(f"Summary mode: the model has {r.n_states} states, so this report shows summary tables "
                         "only."))
    return out


def _model(r: Report) -> list[Block]:
    m = r.model
    rows: list[Row] = []
    for i, dm in enumerate(m.dms):
        who: list[Inline] = [swatch(i), strong(dm.name)]
        if dm.label:
            who += [brk(" "), muted(f"({dm.label})")]
        if not dm.options:
            rows.append(Row([Cell(tuple(who)), Cell(text(muted("moves given in graph form")), colspan=4)]))
            continue
        for k, o in enumerate(dm.options):
            first = [Cell(tuple(who), rowspan=len(dm.options))] if k == 0 else []
            rows.append(Row(first + [Cell(text(o.name)), Cell(text(code(o.key))), Cell(text(o.label)),
                                     Cell(text(REVERSIBLE.get(o.reversibility, o.reversibility)))]))
    out: list[Block] = [Heading(text("Decision makers and options")),
                        Table([Cell(text(h)) for h in ("Decision maker", "Option", "In expressions", "Meaning",
                                                       "Reversible")], rows)]
    out.append(Heading(text("Preferences")))
    for i, dm in enumerate(m.dms):
        out.append(Paragraph(text(swatch(i), strong(dm.name), f" ({dm.preference_kind}):")))
        out.append(ItemList([Item(text(code(x))) for x in dm.preference_lines] or [Item(text("–"))],
                            ordered=dm.preference_kind == "prioritization", cls="pref"))
    if m.feasibility:
        out += [Heading(text("Feasibility")), ItemList([Item(text(code(x))) for x in m.feasibility])]
    if m.outcome_definitions:
        out += [Heading(text("Named outcomes")),
                Table([Cell(text("Outcome")), Cell(text("Definition"))],
                      [Row([Cell(text(strong(k))), Cell(text(code(v)))]) for k, v in m.outcome_definitions.items()])]
    if m.parameters:
        prow = []
        for name, v in m.parameters.items():
            value: list[Inline] = [f"{v:g}"]
            if name in m.overrides:
                value += [" ", tag("set", md="(set)")]
            prow.append(Row([Cell(text(code(name))), Cell(tuple(value))]))
        out += [Heading(text("Parameters")), Table([Cell(text("Parameter")), Cell(text("Value used"))], prow)]
    out.append(Heading(text(f"Feasible states ({m.n_states})")))
    if m.option_rows:
        out.append(Table([Cell(text("option \\ state"))] + [_center(str(s)) for s in m.state_ids],
                         [Row([Cell(text(key), cls="optname")] + [Cell(text(v), cls=v) for v in vals])
                          for key, _dm, vals in m.option_rows], cls="yn", scroll=True))
    elif m.graph_form:
        out.append(Table([Cell(text("State")), Cell(text("Name"))],
                         [Row([Cell(text(str(k + 1))), Cell(text(code(n)))]) for k, n in enumerate(m.state_names)]))
        out.append(Table([Cell(text("Decision maker")), Cell(text("Moves (from → to)"))],
                         [Row([Cell(text(dm)), Cell(text(", ".join(f"{a}→{b}" for a, b in mv)))])
                          for dm, mv in m.graph_moves.items()]))
    if m.note:
        out.append(_note(m.note))
    return out


def _equilibria(r: Report) -> list[Block]:
    e = r.equilibria
    rows = [Row([Cell(text(em("number of equilibria")), colspan=3)] +
                [_center(strong(str(e.counts[c]))) for c in e.concepts])]
    for row in e.rows:
        tags: list[Inline] = []
        for o in row.outcomes:
            tags += [", "] * bool(tags) + [tag(o)]
        if row.state == r.status_quo:
            tags += [" "] * bool(tags) + [tag("status quo", md="(status quo)")]
        rows.append(Row([Cell(text(strong(str(row.state)))), Cell(text(code(row.label))), Cell(tuple(tags))] +
                        [_center(yes() if row.under[c] else no()) for c in e.concepts]))
    out: list[Block] = [Table([Cell(text(h)) for h in ("State", "Pattern / name", "Outcomes")] +
                              [_center(_c(c)) for c in e.concepts], rows)]
    if not e.rows:
        out.append(Paragraph(text("No state is an equilibrium under any concept analysed.")))
    if e.note:
        out.append(_note(e.note))
    return out


def _outcomes(r: Report) -> list[Block]:
    rows = []
    for o in r.outcomes:
        cells = []
        for c in r.concepts:
            eq = o.equilibrium_states[c]
            if eq:
                cells.append(_center(yes("yes"), f": {state_list(eq, limit=8)}"))
            else:
                who = o.unstable_for[c]
                cells.append(_center(no("no"), *((brk(" "), muted(f"(never stable for {', '.join(who)})"))
                                                  if who else ())))
        rows.append(Row([Cell(text(strong(o.name), brk(": "), code(o.definition))),
                         Cell(text(state_list(o.states, limit=12)))] + cells))
    return [Table([Cell(text("Outcome")), Cell(text("States"))] + [_center(f"{_c(c)} equilibrium")
                                                                   for c in r.concepts], rows)]


def _graph(r: Report, stem: str) -> list[Block]:
    if r.graph is None:
        return [_note(r.graph_note)]
    g = r.graph
    caption = (f"States are columns by the number of options taken (graph form: by distance from the status "
               f"quo). Arcs are coloured by the decision maker who moves; bold arcs are unilateral improvements, "
               f"faint dashed arcs other moves; a double border marks a {_c(g.concept)} equilibrium, a yellow "
               f"fill the status quo. Hover over a state or arc for details.")
    out: list[Block] = [Figure(g.svg, f"{stem}_graph.svg", "State-transition graph", caption)]
    if g.note:
        out.append(_note(g.note))
    return out


def _tableaux(r: Report) -> list[Block]:
    if not r.tableaux:
        return [_note(r.tableau_note)]
    out: list[Block] = [Paragraph(text(
        "For each decision maker, states in its order of preference (best first; equal rank = equally preferred), "
        "its unilateral improvements (UIs) from each state, and its verdict under each concept: ", strong(mark("r")),
        " rational (no UI), ", strong(mark("s")), " stable because every UI is sanctioned, ", strong(mark("u")),
        " unstable. Shaded rows (★) are equilibria under some concept."))]
    if r.tableau_note:
        out.append(_note(r.tableau_note))
    boxes: list[Block] = []
    for i, t in enumerate(r.tableaux):
        rows = [Row([_center(str(row.rank)), Cell(text(strong(str(row.state)), " ★" if row.equilibrium else "")),
                     Cell(text(code(row.label))), Cell(text(state_list(row.uis, limit=10) if row.uis else "–"))] +
                    [_center(mark(row.marks[c])) for c in r.concepts], cls="eq" if row.equilibrium else "")
                for row in t.rows]
        boxes.append(Group([Heading(text(swatch(i), t.dm)),
                            Table([Cell(text(h)) for h in ("Rank", "State", "Pattern", "UIs")] +
                                  [_center(_c(c)) for c in r.concepts], rows)]))
    out.append(Group(boxes, cls="tableaux"))
    return out


def _evolution(r: Report, stem: str) -> list[Block]:
    ev = r.evolution
    assert ev is not None
    out: list[Block] = [Paragraph(text("From the status quo, state ", strong(str(ev.status_quo)),
                                       ", the conflict moves by legal sequences (no decision maker moves twice in a "
                                       "row)."))]
    if ev.note:
        out.append(_note(ev.note))
    out.append(Table([Cell(text(h)) for h in ("Steps allowed", "States reachable", "Stops at")] +
                     [Cell(text(f"{_c(c)} equilibria reached")) for c in r.concepts],
                     [Row([Cell(text(MODE_LABELS.get(mo, mo))), _center(str(ev.n_reached[mo])),
                           Cell(text(state_list(ev.stops[mo], limit=12)))] +
                          [Cell(text(state_list(ev.reachable[mo][c], limit=12))) for c in r.concepts])
                      for mo in ev.modes]))
    for mode, svg in ev.diagrams.items():
        out.append(Heading(text(f"Evolution diagram: {MODE_LABELS.get(mode, mode)}")))
        out.append(Figure(svg, f"{stem}_evolution_{mode}.svg", f"Evolution: {mode}",
                          "Shortest legal paths from the status quo to each equilibrium reached and each state where "
                          "the evolution stops."))
        if ev.diagram_notes.get(mode):
            out.append(_note(ev.diagram_notes[mode]))
        paths = list(ev.paths.get(mode, {}).items())[:MAX_PATHS]
        if paths:
            out.append(ItemList([Item(text("to ", strong(str(target)), ": " + ("; ".join(steps) if steps
                                                                             else "it is the status quo")))
                                 for target, steps in paths]))
    for t in ev.tables:
        out.append(Heading(text(f"Evolution table: status quo {t.states[0]} → state {t.target}")))
        head = [Cell(text("option"))] + [_center("status quo" if k == 0 else f"→ {t.movers[k - 1]}", brk(" "), str(s))
                                         for k, s in enumerate(t.states)]
        rows = []
        for key, vals in t.rows:
            cells = [Cell(text(key), cls="optname")]
            for k, v in enumerate(vals):
                changed = k > 0 and v != vals[k - 1]
                cells.append(Cell(text(strong(v)) if changed else text(v), cls=f"{v} changed" if changed else v))
            rows.append(Row(cells))
        out.append(Table(head, rows, cls="yn", scroll=True))
    return out


def _differences(lines: list[str]) -> ItemList:
    """Lines as a list; an indented line is a detail of the line above it."""
    items: list[Item] = []
    for k, line in enumerate(lines):
        if line.startswith(" ") and k > 0 and items:
            items[-1].children.append(Item(text(line.strip())))
        else:
            items.append(Item(text(line.strip())))
    return ItemList(items)


def _perspectives(r: Report, stem: str) -> list[Block]:
    p = r.perspectives
    assert p is not None
    out: list[Block] = [Table(
        [Cell(text("View")), Cell(text("What it changes"))] + [Cell(text(f"{_c(c)} equilibria")) for c in r.concepts],
        [Row([Cell(text(strong(v), brk(": "), muted(p.descriptions.get(v, "")))),
              Cell(text(code(p.changes[v])) if p.changes.get(v) else text("–"))] +
             [Cell(text(state_list(p.equilibria[v].get(c, []), limit=12))) for c in r.concepts]) for v in p.views])]
    outcomes = sorted({o for v in p.views for o in p.outcomes[v]})
    if outcomes:
        out.append(Heading(text("Named outcomes by view")))
        out.append(Paragraph(text("Each cell lists the concepts under which the outcome holds an equilibrium in that "
                                  "view."), "muted"))
        rows = []
        for o in outcomes:
            cells = [Cell(text(strong(o)))]
            for v in p.views:
                cs = p.outcomes[v].get(o, [])
                cells.append(Cell(text(", ".join(_c(c) for c in cs)) if cs else text(no())))
            rows.append(Row(cells))
        out.append(Table([Cell(text("Outcome"))] + [Cell(text(v)) for v in p.views], rows))
    if p.chart_svg:
        out.append(Figure(p.chart_svg, f"{stem}_perspectives.svg", "Named outcomes by view", cls="chart"))
    out.append(Heading(text("Where the views disagree")))
    listed = _differences(p.differences)
    if len(p.differences) > MAX_FLAT_DIFFERENCES:
        heads = sum(1 for line in p.differences if not line.startswith(" "))
        out.append(Details(f"{heads} differences, each with the reason in every view", [listed]))
    else:
        out.append(listed)
    return out


def _hypergame(r: Report) -> list[Block]:
    h = r.hypergame
    assert h is not None
    rows = []
    for x in h.perceived:
        sees = "the true game" if x["perceives_truth"] else (x["description"] or "a different game")
        basis: tuple[Inline, ...] = ()
        if x["basis"] != "perceived equilibria":
            basis = (" ", muted(f"({x['basis']})"))
        rows.append(Row([Cell(text(strong(x["dm"]))), Cell(text(sees)), Cell(text(state_list(x["equilibria"], limit=12))),
                         Cell(text(state_list(x["choice"], limit=12), *basis))]))
    out: list[Block] = [
        Paragraph(text(f"Each decision maker acts on the game as it perceives it; choices and labels use "
                       f"{_c(h.concept)}.")),
        Table([Cell(text(s)) for s in ("Decision maker", "Perceives", "Equilibria it perceives",
                                       "Takes its options from")], rows)]
    if h.outcomes:
        out.append(Heading(text("Hypergame outcomes")))
        out.append(Table([Cell(text(s)) for s in ("State", "Label", "Why")],
                         [Row([Cell(text(strong(state_list(o["states"], limit=6) if o["states"]
                                                else "no feasible state"))),
                               Cell(text(strong(o["label"])), cls=f"label-{o['label']}"),
                               Cell(text(o["explanation"]))]) for o in h.outcomes]))
    out.append(Details("Full hypergame account", [Code("\n".join(h.summary))]))
    return out


def _sweeps(r: Report, stem: str) -> list[Block]:
    out: list[Block] = []
    for k, s in enumerate(r.sweeps):
        view = f" (perspective: {s.perspective})" if s.perspective else ""
        out.append(Heading(text(f"{s.parameter} from {s.lo:g} to {s.hi:g}, {s.steps} steps{view}")))
        if s.tipping_points:
            out.append(ItemList([Item(text(t)) for t in s.tipping_points]))
        else:
            out.append(Paragraph(text("No answer changes over this range.")))
        if s.chart_svg:
            out.append(Figure(s.chart_svg, f"{stem}_sweep_{k + 1}.svg", f"Sweep of {s.parameter}", cls="chart"))
    return out


__all__ = ["Document", "Section", "Heading", "Paragraph", "Table", "Row", "Cell", "ItemList", "Item", "Figure", "Code",
           "MarkdownText", "Details", "Group", "Span", "Block", "Inline", "Inlines", "report_document", "plain",
           "MODE_LABELS"]
