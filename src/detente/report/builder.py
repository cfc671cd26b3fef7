"""Lay out the results of :func:`~detente.analysis.report_data.report_data` as one :class:`Report`
(plain data plus drawn SVG). Nothing here runs an analysis: the report takes results.

The HTML and Markdown writers (:mod:`detente.report.html`, :mod:`detente.report.markdown`) only
lay out what :func:`build_report` gathers, through one document walk
(:mod:`detente.report.document`), so both show the same content:

- the model in option form (DMs, options, preferences, feasibility, named outcomes, parameters,
  the Y/N table of feasible states);
- each DM's stability tableau (GMCR style: states in the DM's order of preference, best first,
  the DM's unilateral improvements (UIs) from each, and a letter per concept: ``r`` rational (no
  UI), ``s`` stable because every UI is sanctioned, ``u`` unstable);
- the equilibria × concepts matrix and the named outcomes with their verdicts;
- the state-transition graph (filtered for big models) and the evolution from the status quo;
- narratives for the status quo and the equilibria (:meth:`Analysis.explain`);
- the scenario's perspectives, hypergame and sweeps, when the results hold them.

Big models summarise instead of exploding: above the data's ``summary_threshold`` states
(default 5000) there is no graph, no tableau and no state table, only summary tables, and every
list is capped.

>>> import detente
>>> from detente.analysis.report_data import report_data
>>> rep = build_report(report_data(detente.examples.prisoners_dilemma()))
>>> rep.equilibria.counts["nash"], [row.state for row in rep.equilibria.rows]
(1, [1, 4])
>>> rep.tableaux[0].rows[0].state, rep.tableaux[0].rows[0].marks["nash"]   # alice's best state
(3, 'r')

``detente.build_report(conflict, ...)`` runs both steps in one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..model.text import state_list
from ..analysis.narrative import change_text
from ..analysis.report_data import SUMMARY_THRESHOLD, ReportData
from ..engine.stability import CONCEPT_LABELS, normalize_concepts
from ..errors import DetenteError
from ..model import Conflict, Payoff, Prioritization, Ranking

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.answer import Answer
    from ..analysis.equilibria import Analysis
    from ..analysis.evolution import Evolution
    from ..analysis.hypergame import HypergameAnalysis
    from ..analysis.perspectives import PerspectiveComparison
    from ..analysis.report_data import DeclaredSweep

MAX_OPTION_TABLE = 128
"""The Y/N table of feasible states is shown up to this many states."""
MAX_TABLEAU_STATES = 200
"""A tableau lists every state up to this many; beyond, only the states of interest."""
MAX_EQUILIBRIA_ROWS = 200
MAX_NARRATIVES = 12


# -- the report's parts -------------------------------------------------------------------------
@dataclass
class OptionInfo:
    key: str
    label: str
    reversibility: str
    name: str = ""
    """The option's name as written (``key`` is its identifier in expressions)."""


@dataclass
class DMInfo:
    name: str
    label: str
    options: list[OptionInfo]
    preference_kind: str
    preference_lines: list[str]


@dataclass
class ModelSection:
    """The model as written: DMs, options, preferences, feasibility, outcomes, parameters, and
    (small models) the option-form table of feasible states (``state_ids``, ``option_rows``:
    (option key, DM, ["Y"/"N" per state])) or the graph-form state names and moves."""

    dms: list[DMInfo]
    feasibility: list[str]
    outcome_definitions: dict[str, str]
    parameters: dict[str, float]
    overrides: dict[str, float]
    n_states: int
    n_options: int
    graph_form: bool
    state_ids: list[int] = field(default_factory=list)
    option_rows: list[tuple[str, str, list[str]]] = field(default_factory=list)
    state_names: list[str] = field(default_factory=list)
    graph_moves: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    note: str = ""


@dataclass
class TableauRow:
    state: int
    label: str
    rank: int
    uis: list[int]
    marks: dict[str, str]          # concept -> "r" | "s" | "u"
    equilibrium: list[str]         # concepts under which the state is an equilibrium


@dataclass
class Tableau:
    dm: str
    rows: list[TableauRow]
    note: str = ""


@dataclass
class EquilibriumRow:
    state: int
    label: str
    outcomes: list[str]
    under: dict[str, bool]


@dataclass
class EquilibriaMatrix:
    concepts: list[str]
    counts: dict[str, int]
    rows: list[EquilibriumRow]
    note: str = ""


@dataclass
class OutcomeRow:
    """A named outcome: its states, its equilibria per concept, and per concept the DMs for
    which none of its states is stable."""

    name: str
    definition: str
    states: list[int]
    equilibrium_states: dict[str, list[int]]
    unstable_for: dict[str, list[str]]


@dataclass
class Narrative:
    state: int
    heading: str
    text: str


@dataclass
class GraphSection:
    svg: str
    note: str
    concept: str
    n_nodes: int
    n_arcs: int


@dataclass
class EvolutionTable:
    """The classic evolution table: the options at each state along one path."""

    target: int
    states: list[int]
    movers: list[str]                               # who moves into states[k+1]
    rows: list[tuple[str, list[str]]]               # (option key, Y/N per state)


@dataclass
class EvolutionSection:
    status_quo: int
    modes: list[str]
    reachable: dict[str, dict[str, list[int]]]      # mode -> concept -> equilibria reached
    n_reached: dict[str, int]
    stops: dict[str, list[int]]
    paths: dict[str, dict[int, list[str]]]          # mode -> target -> steps as text
    diagrams: dict[str, str]                        # mode -> svg
    diagram_notes: dict[str, str]
    tables: list[EvolutionTable]
    note: str = ""


@dataclass
class PerspectivesSection:
    views: list[str]
    descriptions: dict[str, str]
    changes: dict[str, str]
    equilibria: dict[str, dict[str, list[int]]]     # view -> concept -> states
    outcomes: dict[str, dict[str, list[str]]]       # view -> outcome -> concepts where it holds an eq
    differences: list[str]
    chart_svg: str = ""


@dataclass
class HypergameSection:
    concept: str
    summary: list[str]
    perceived: list[dict[str, Any]]                 # per DM: dm, perceives, equilibria, choice
    outcomes: list[dict[str, Any]]                  # states, label, explanation


@dataclass
class SweepSection:
    parameter: str
    lo: float
    hi: float
    steps: int
    perspective: str | None
    tipping_points: list[str]
    chart_svg: str = ""


@dataclass
class Report:
    """Everything a report shows; see the module docstring. ``analysis`` is the main analysis."""

    title: str
    description: str
    source: str
    version: str
    perspective: str | None
    concepts: list[str]
    graph_concept: str
    n_states: int
    summary_mode: bool
    status_quo: int | None
    status_quo_note: str
    findings: list[str]
    model: ModelSection
    tableaux: list[Tableau]
    tableau_note: str
    equilibria: EquilibriaMatrix
    outcomes: list[OutcomeRow]
    graph: GraphSection | None
    graph_note: str
    narratives: list[Narrative]
    evolution: EvolutionSection | None = None
    perspectives: PerspectivesSection | None = None
    hypergame: HypergameSection | None = None
    sweeps: list[SweepSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    analysis: "Analysis | None" = field(default=None, repr=False)
    answer: "Answer | None" = None

    def dm_names(self) -> list[str]:
        return [d.name for d in self.model.dms]


# -- helpers ------------------------------------------------------------------------------------
def _label(analysis: "Analysis", s: int) -> str:
    return analysis.compiled.state_label(s - 1)


def preference_text(pref: Any) -> tuple[str, list[str]]:
    """(kind, lines) describing a preference for people.

    >>> preference_text(Prioritization(["a.x", "not b.y"]))
    ('prioritization', ['a.x', 'not b.y'])
    """
    if isinstance(pref, Prioritization):
        return "prioritization", list(pref.statements)
    if isinstance(pref, Ranking):
        groups = ["[" + ", ".join(map(str, g)) + "]" if len(g) > 1 else str(g[0]) for g in pref.order]
        return "ranking", ["best first: " + ", ".join(groups)]
    if isinstance(pref, Payoff):
        lines = [" ".join(pref.formula.split())]
        if pref.parameters:
            lines.append("with " + ", ".join(f"{k} = {v:g}" for k, v in pref.parameters.items()))
        return "payoff", lines
    return "none", []


# -- sections -----------------------------------------------------------------------------------
def _model_section(conflict: Conflict, analysis: "Analysis", overrides: Mapping[str, float], summary: bool) -> ModelSection:
    dms = []
    for dm in conflict.decision_makers:
        kind, lines = preference_text(dm.preference)
        dms.append(DMInfo(dm.name, dm.label, [OptionInfo(o.key, o.label, o.reversibility, o.name) for o in dm.options],
                          kind, lines))
    feas = []
    f = conflict.feasibility
    feas += [f"infeasible: {c}" for c in f.infeasible]
    feas += ["infeasible pattern: " + ", ".join(f"{k}={'Y' if v else 'N'}" for k, v in p.items()) for p in f.patterns]
    feas += ["at most one of: " + ", ".join(g) for g in f.mutually_exclusive]
    feas += ["at least one of: " + ", ".join(g) for g in f.at_least_one]
    feas += [f"if {p} then {q}" for p, q in f.implications]
    outcomes = {name: (spec if isinstance(spec, str) else "states " + state_list(spec))
                for name, spec in conflict.outcomes.items()}
    m = analysis.n_states
    space = analysis.compiled.space
    sec = ModelSection(dms, feas, outcomes, dict(analysis.compiled.parameters), dict(overrides), m,
                       len(conflict.options), space is None)
    if space is not None:
        if m <= MAX_OPTION_TABLE and not summary:
            sec.state_ids = list(range(1, m + 1))
            for k, o in enumerate(conflict.options):
                bits = space.bits(k)
                sec.option_rows.append((o.qualified_name, o.dm, ["Y" if b else "N" for b in bits.tolist()]))
        else:
            sec.note = (f"The table of feasible states is left out: {m} states (it is shown up to "
                        f"{MAX_OPTION_TABLE}).")
    else:
        graph = conflict.graph
        assert graph is not None
        sec.state_names = list(graph.states)
        sec.graph_moves = {dm: [(int(a), int(b)) for a, b in moves] for dm, moves in graph.moves.items()}
    return sec


def _tableaux(analysis: "Analysis", states_of_interest: list[int], summary: bool) -> tuple[list[Tableau], str]:
    if summary:
        return [], (f"No stability tableaux: the model has {analysis.n_states} states (tableaux are drawn up "
                    f"to {SUMMARY_THRESHOLD}).")
    m = analysis.n_states
    eq_sets = {c: set(v) for c, v in analysis.equilibria.items()}
    note = ""
    if m <= MAX_TABLEAU_STATES:
        chosen = np.arange(m)
    else:
        chosen = np.asarray(sorted(s - 1 for s in states_of_interest), dtype=np.int64)
        note = (f"The model has {m} states: each tableau lists the {chosen.size} states of interest "
                "(those of the graph above), in the DM's order of preference.")
    out = []
    for i, dm in enumerate(analysis.dm_names):
        rank = np.asarray(analysis.preference_ranks(dm))
        order = chosen[np.lexsort((chosen, rank[chosen]))]
        rows = []
        for t in order.tolist():
            uis = analysis.improvements(t + 1, dm)
            marks = {}
            for c in analysis.concepts:
                if not analysis.stable[c][i, t]:
                    marks[c] = "u"
                else:
                    marks[c] = "r" if not uis else "s"
            rows.append(TableauRow(t + 1, _label(analysis, t + 1), int(rank[t]), uis, marks,
                                   [c for c in analysis.concepts if t + 1 in eq_sets[c]]))
        out.append(Tableau(dm, rows))
    return out, note


def _equilibria_matrix(analysis: "Analysis") -> EquilibriaMatrix:
    eq = analysis.equilibria
    union = sorted({s for c in analysis.concepts for s in eq[c]})
    note = ""
    if len(union) > MAX_EQUILIBRIA_ROWS:
        note = (f"{len(union)} states are an equilibrium under some concept; the first "
                f"{MAX_EQUILIBRIA_ROWS} are listed.")
        union = union[:MAX_EQUILIBRIA_ROWS]
    sets = {c: set(eq[c]) for c in analysis.concepts}
    rows = [EquilibriumRow(s, _label(analysis, s), analysis.state_info(s)["outcomes"],
                           {c: s in sets[c] for c in analysis.concepts}) for s in union]
    return EquilibriaMatrix(list(analysis.concepts), {c: len(eq[c]) for c in analysis.concepts}, rows, note)


def _outcome_rows(conflict: Conflict, analysis: "Analysis") -> list[OutcomeRow]:
    rows = []
    for name, data in analysis.outcomes.items():
        spec = conflict.outcomes.get(name)
        definition = spec if isinstance(spec, str) else ("states " + state_list(spec or []))
        unstable = {c: [dm for dm in analysis.dm_names if not data["stable_for"][c][dm]] for c in analysis.concepts}
        rows.append(OutcomeRow(name, definition, data["states"], data["equilibrium_states"], unstable))
    return rows


def _findings(analysis: "Analysis", outcomes: list[OutcomeRow], status_quo: int | None) -> list[str]:
    lines = []
    for c in analysis.concepts:
        eq = analysis.equilibria[c]
        lines.append(f"{CONCEPT_LABELS[c]} equilibria: {state_list(eq, limit=20)}.")
    if status_quo is not None:
        under = [CONCEPT_LABELS[c] for c in analysis.concepts if status_quo in analysis.equilibria[c]]
        lines.append(f"The status quo (state {status_quo}) is " +
                     (f"an equilibrium under {', '.join(under)}." if under else "not an equilibrium under any "
                      "concept analysed."))
    for o in outcomes:
        holds = [CONCEPT_LABELS[c] for c in analysis.concepts if o.equilibrium_states[c]]
        if holds:
            lines.append(f"Outcome '{o.name}' holds an equilibrium under {', '.join(holds)}.")
        else:
            per = {c: o.unstable_for[c] for c in analysis.concepts if o.unstable_for[c]}
            common = set.intersection(*(set(v) for v in per.values())) if per else set()
            tail = ""
            if per and all(set(v) == common for v in per.values()):
                tail = f": none of its states is stable for {', '.join(sorted(common))} under any concept"
            elif per:
                tail = ": none of its states is stable for " + "; ".join(
                    f"{', '.join(v)} under {CONCEPT_LABELS[c]}" for c, v in per.items())
            lines.append(f"Outcome '{o.name}' holds no equilibrium under any concept analysed{tail}.")
    return lines


def _narratives(analysis: "Analysis", status_quo: int | None, summary: bool) -> list[Narrative]:
    out = []
    if status_quo is not None:
        out.append(Narrative(status_quo, f"Status quo: state {status_quo}", analysis.explain(status_quo)))
    union = []
    for c in analysis.concepts:
        for s in analysis.equilibria[c]:
            if s not in union and s != status_quo:
                union.append(s)
    cap = 3 if summary else MAX_NARRATIVES
    for s in sorted(union)[:cap]:
        under = [CONCEPT_LABELS[c] for c in analysis.concepts if s in analysis.equilibria[c]]
        out.append(Narrative(s, f"Equilibrium state {s} ({', '.join(under)})", analysis.explain(s)))
    done = {n.state for n in out}
    for name, mask in analysis.compiled.outcomes.items():
        idx = np.flatnonzero(mask)
        if idx.size == 1 and int(idx[0]) + 1 not in done and len(out) < cap + 1 + 6:
            s = int(idx[0]) + 1
            done.add(s)
            out.append(Narrative(s, f"Named outcome '{name}': state {s}", analysis.explain(s)))
    return out


def _evolution(ev: "Evolution", analysis: "Analysis", concept: str, note: str) -> EvolutionSection:
    from .graph_svg import evolution_graph, render_svg

    status_quo = ev.status_quo
    all_paths = ev.paths                            # computed properties: read them once
    reachable = ev.reachable_equilibria
    paths = {mode: {s: [str(st) for st in p] for s, p in all_paths[mode].items()} for mode in ev.modes}
    diagrams, diagram_notes = {}, {}
    for mode in ev.modes:
        if mode == "moves":
            continue
        spec = evolution_graph(ev, mode, concept, id_prefix=f"ev-{mode}")
        diagrams[mode] = render_svg(spec)
        diagram_notes[mode] = spec.note
    tables = []
    top = ev.modes[-1]
    space = analysis.compiled.space
    if space is not None:
        targets = list(ev.stops[top]) or [s for s in all_paths[top] if s != status_quo]
        for target in targets[:3]:
            path = ev.reached[top][target]
            states = [status_quo] + [st.end for st in path]
            movers = [" + ".join(st.mover_names) for st in path]
            rows = []
            for k, o in enumerate(analysis.conflict.options):
                rows.append((o.qualified_name, ["Y" if (int(space.codes[s - 1]) >> k) & 1 else "N" for s in states]))
            tables.append(EvolutionTable(target, states, movers, rows))
    return EvolutionSection(status_quo, list(ev.modes), reachable, {mo: len(ev.reached[mo]) for mo in ev.modes},
                            {mo: list(ev.stops[mo]) for mo in ev.modes}, paths, diagrams, diagram_notes, tables, note)


def _perspectives(cmp: "PerspectiveComparison", concept: str) -> PerspectivesSection:
    diffs = cmp.difference_lines()
    changes = {v: change_text(cmp.changes.get(v)) for v in cmp.names}
    outcomes = {v: {o: [c for c in cmp.concepts if d["equilibrium"][c]] for o, d in a.outcomes.items()}
                for v, a in cmp.analyses.items()}
    chart = ""
    if any(outcomes[v] for v in outcomes):
        from .plots import figure_svg, perspectives_figure

        chart = figure_svg(perspectives_figure(cmp, concept), id_prefix="persp")
    return PerspectivesSection(cmp.names, dict(cmp.descriptions), changes, cmp.equilibria_by_view(), outcomes, diffs, chart)


def _hypergame(h: "HypergameAnalysis") -> HypergameSection:
    summary = h.summary().splitlines()
    perceived = [{"dm": dm, "perceives_truth": v.perceives_truth, "description": v.description,
                  "equilibria": v.equilibria.get(h.concept, []), "choice": v.choice.states, "basis": v.choice.basis}
                 for dm, v in h.views.items()]
    outcomes = [{"states": o.states, "label": o.label, "explanation": o.explain()} for o in h.outcomes]
    return HypergameSection(h.concept, summary, perceived, outcomes)


def _sweeps(sweeps: "list[DeclaredSweep]") -> list[SweepSection]:
    from .plots import sweep_svg

    out: list[SweepSection] = []
    for k, sw in enumerate(sweeps):
        sp, res = sw.spec, sw.result
        out.append(SweepSection(sp.parameter, sp.lo, sp.hi, sp.steps, sp.perspective,
                                [t.describe() for t in res.tipping_points], sweep_svg(res, id_prefix=f"sweep-{k}")))
    return out


# -- the builder -------------------------------------------------------------------------------
def graph_concept_for(concepts: Iterable[str], graph_concept: str | None = None) -> str:
    """The concept whose equilibria the graph marks: ``graph_concept`` (which must be among
    ``concepts``), else SEQ if analysed, else the first concept.

    >>> graph_concept_for(["nash", "gmr"]), graph_concept_for(["nash", "seq"], "r")
    ('nash', 'nash')
    """
    names = normalize_concepts(concepts)
    if graph_concept is None:
        return "seq" if "seq" in names else names[0]
    chosen = normalize_concepts([graph_concept])[0]
    if chosen not in names:
        raise DetenteError(f"the graph's concept {CONCEPT_LABELS[chosen]} is not among those analysed",
                           field="graph_concept")
    return chosen


def build_report(data: ReportData, *, graph_concept: str | None = None, max_graph_nodes: int = 60) -> Report:
    """Gather every section of the report from finished results.

    Parameters
    ----------
    data : ReportData
        The results, from :func:`~detente.analysis.report_data.report_data`.
    graph_concept : str or None
        The concept whose equilibria the graph marks (default SEQ if analysed, else the first
        concept); it must be among those analysed.
    max_graph_nodes : int
        The most states drawn in the state-transition graph (bigger models are filtered).

    Returns
    -------
    Report
        Plain data and drawn SVG, for :func:`write_report` or the renderers.

    Examples
    --------
    >>> import detente
    >>> from detente.analysis.report_data import report_data
    >>> rep = build_report(report_data(detente.examples.chicken(), include=[]), graph_concept="nash")
    >>> rep.graph_concept, rep.graph.n_nodes, rep.evolution is None
    ('nash', 4, True)
    """
    from .graph_svg import render_svg, select_states, transition_graph

    if not isinstance(data, ReportData):
        raise DetenteError(f"build_report lays out results: pass report_data(conflict, ...), not a "
                           f"{type(data).__name__} (detente.build_report(conflict, ...) runs both steps)",
                           field="data")
    analysis = data.analysis
    conflict = data.conflict
    concepts = list(analysis.concepts)
    graph_concept = graph_concept_for(concepts, graph_concept)
    m = analysis.n_states
    summary = data.summary_mode
    sq = data.status_quo
    notes: list[str] = []
    if summary:
        notes.append(f"Summary mode: the model has {m} states (more than {data.summary_threshold}), so the report "
                     "shows summary tables only: no graph, no tableaux, no table of states.")
    notes += data.notes
    model = _model_section(conflict, analysis, data.parameters, summary)
    matrix = _equilibria_matrix(analysis)
    outcomes = _outcome_rows(conflict, analysis)
    # graph
    graph = None
    if summary:
        graph_note = (f"No state-transition graph: the model has {m} states; the graph is drawn up to "
                      f"{data.summary_threshold} states (filtered to {max_graph_nodes}).")
        interest: list[int] = []
    else:
        spec = transition_graph(analysis, graph_concept, sq, max_graph_nodes, id_prefix="tg")
        graph = GraphSection(render_svg(spec), spec.note, graph_concept, len(spec.nodes), len(spec.arcs))
        graph_note = spec.note
        interest = [n.id for n in spec.nodes]
    if not interest and not summary:
        interest, _ = select_states(analysis, graph_concept, sq, max_graph_nodes)
    tableaux, tableau_note = _tableaux(analysis, interest, summary)
    narratives = _narratives(analysis, sq, summary)
    report = Report(
        title=conflict.name or "Conflict", description=(conflict.description or "").strip(),
        source=str(conflict.source), version=__version__, perspective=data.perspective, concepts=concepts,
        graph_concept=graph_concept, n_states=m, summary_mode=summary, status_quo=sq,
        status_quo_note=data.status_quo_note, findings=_findings(analysis, outcomes, sq), model=model,
        tableaux=tableaux, tableau_note=tableau_note, equilibria=matrix, outcomes=outcomes, graph=graph,
        graph_note=graph_note, narratives=narratives, notes=notes, analysis=analysis, answer=data.answer)
    if data.evolution is not None:
        report.evolution = _evolution(data.evolution, analysis, graph_concept, data.evolution_note)
    if data.perspectives is not None:
        report.perspectives = _perspectives(data.perspectives, graph_concept)
    if data.hypergame is not None:
        report.hypergame = _hypergame(data.hypergame)
    report.sweeps = _sweeps(data.sweeps)
    return report


def write_report(report: Report, path: str | Path) -> list[Path]:
    """Write ``report`` as HTML (``.html``/``.htm``) or Markdown (``.md``, with its SVG files
    next to it); returns the paths written.

    >>> import detente, pathlib, tempfile
    >>> rep = detente.build_report(detente.examples.chicken(), include=[])
    >>> [p.name for p in write_report(rep, pathlib.Path(tempfile.mkdtemp()) / "chicken.md")]
    ['chicken.md', 'chicken_graph.svg']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from .html import render_html

        text = render_html(report)
        _write(path, text)
        return [path]
    if suffix in (".md", ".markdown"):
        from .markdown import render_markdown

        text, assets = render_markdown(report, stem=path.stem)
        written = []
        for name, content in assets.items():
            target = path.with_name(name)
            _write(target, content)
            written.append(target)
        _write(path, text)
        return [path] + written
    raise DetenteError(f"cannot tell the report format from '{path.name}': use a .html or .md file name",
                       field="--output")


def _write(path: Path, text: str) -> None:
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DetenteError(f"cannot write the report: {exc.strerror or exc}", source=str(path)) from None


__all__ = ["Report", "build_report", "graph_concept_for", "write_report", "preference_text", "SUMMARY_THRESHOLD",
           "ModelSection",
           "Tableau", "TableauRow", "EquilibriaMatrix", "EquilibriumRow", "OutcomeRow", "Narrative", "GraphSection",
           "EvolutionSection", "EvolutionTable", "PerspectivesSection", "HypergameSection", "SweepSection"]
