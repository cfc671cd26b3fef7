"""``detente analyze FILE``: the stability of every state, the equilibria and the named outcomes.

Table output (the default) lists states with their options (Y/N), the concepts under which each
DM finds the state stable, and whether it is an equilibrium under each concept; then the
equilibria and the verdict on each named outcome. ``--format json`` prints
:meth:`detente.Analysis.to_dict` plus whatever :data:`~detente.cli.common.ANALYZE_EXTENSIONS` add
(and table output ends with what :data:`~detente.cli.common.ANALYZE_RENDERERS` print);
``--format markdown`` prints the same report as Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from ..engine.stability import CONCEPT_LABELS
from . import app, common
from .common import (Concepts, OutputFormat, Overrides, PerspectiveName, ProgressOption, ReportFormatOption,
                     ScenarioFile, console, echo, load_conflict, merge_extensions, note, parse_overrides,
                     print_json, print_wide, progress_bar, run_analysis, short_list, status_quo_states)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis
    from ..model import Conflict

BIG_MODEL = 200
"""Above this many states the report lists only equilibria, outcome and status quo states."""
MAX_FOCUS_ROWS = 500
"""If equilibria + outcome states still exceed this, outcome states that are not equilibria are dropped."""
MAX_TABLE_ROWS = 500
"""Rows the table and Markdown list unless ``--rows`` says otherwise (a note says what was left out)."""
TICK_ROWS = 256
"""With ``--progress``, the bar moves every this many rows built, measured or drawn."""

CONCEPT_LETTERS = {"nash": "N", "gmr": "G", "smr": "S", "seq": "Q", "sim": "M", "seqsim": "X"}
"""One letter per concept for the per-DM stability marks."""


@app.command()
def analyze(
    file: ScenarioFile,
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: ReportFormatOption = OutputFormat.table,
    all_states: Annotated[Optional[bool], typer.Option(
        "--all-states/--equilibria-only",
        help=f"List every state, or only equilibria, named-outcome and status-quo states. "
             f"Default: every state up to {BIG_MODEL} states.", show_default=False)] = None,
    rows: Annotated[int, typer.Option(
        "--rows", min=0, metavar="N",
        help="Most rows in the table or Markdown (0: no limit; JSON always has every state).")] = MAX_TABLE_ROWS,
    progress: ProgressOption = None,
) -> None:
    """Analyse a scenario: per-DM stability of every state, equilibria, named outcomes.

    Example: detente analyze examples/prisoners-dilemma.yaml --concept nash --concept seq
    """
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    analysis = run_analysis(conflict, concept, overrides, perspective, progress)
    opts: dict[str, Any] = {"concepts": list(analysis.concepts), "parameters": overrides,
                            "perspective": perspective, "format": fmt.value, "all_states": all_states}
    if fmt is OutputFormat.json:
        # very large models list some states in JSON too: the focus states, as many as before
        states, _ = shown_states(analysis, all_states, MAX_TABLE_ROWS if all_states is None else 0)
        print_json(analysis_json(conflict, analysis, opts, states))
        return
    states, hidden_note = shown_states(analysis, all_states, rows)
    if fmt is OutputFormat.markdown:
        echo(render_markdown(analysis, states, hidden_note))
    else:
        render_table(analysis, states, hidden_note, progress)
        for renderer in list(common.ANALYZE_RENDERERS):
            renderer(console, conflict, analysis)


# -- what to show ---------------------------------------------------------------------------------


def shown_states(analysis: "Analysis", all_states: bool | None,
                 rows: int = MAX_TABLE_ROWS) -> tuple[list[int], str | None]:
    """The state numbers to list and, if some are left out, a note saying so.

    Small models (and ``--all-states``) list every state; otherwise equilibria (any concept),
    the states of named outcomes and the status quo. At most ``rows`` of them (0: all), plus
    the status quo.
    """
    m = analysis.n_states
    if all_states or (all_states is None and m <= BIG_MODEL):
        return _capped(analysis, list(range(1, m + 1)), "states", rows) or (list(range(1, m + 1)), None)
    equilibria = {s for states in analysis.equilibria.values() for s in states}
    focus = equilibria | set(status_quo_states(analysis))
    outcome_states: set[int] = set()
    for mask in analysis.compiled.outcomes.values():
        outcome_states.update(int(t) + 1 for t in mask.nonzero()[0])
    what = "equilibria, named-outcome and status-quo states"
    if len(focus | outcome_states) <= MAX_FOCUS_ROWS:
        focus |= outcome_states
    else:
        what = "equilibria and status-quo states (named outcomes cover too many states to list)"
    chosen = sorted(focus)
    capped = _capped(analysis, chosen, what, rows)
    if capped is not None:
        return capped
    if len(chosen) == m:
        return chosen, None
    return chosen, f"showing {len(chosen)} of {m} states ({what}); use --all-states to list every state"


def _capped(analysis: "Analysis", chosen: list[int], what: str, rows: int) -> tuple[list[int], str] | None:
    """The first ``rows`` of ``chosen`` (and the status quo) with a note, or None if all fit."""
    if rows <= 0 or len(chosen) <= rows:
        return None
    shown = sorted(set(chosen[:rows]) | set(status_quo_states(analysis)))
    return shown, (f"showing {len(shown)} of {analysis.n_states} states (the first {rows} of {len(chosen)} {what}); "
                   f"use --rows N to list more (--rows 0: no limit), or --format json for all of them")


# -- JSON -------------------------------------------------------------------------------------------


def analysis_json(conflict: "Conflict", analysis: "Analysis", opts: dict[str, Any],
                  states: list[int]) -> dict[str, Any]:
    """``analysis.to_dict()`` with state rows guaranteed and extension sections merged in."""
    data = analysis.to_dict(include_states=True if opts.get("all_states") else None, arrays=True)
    if "states" not in data:  # very large model: list the states the table would show
        levels = analysis.compiled.game.levels
        rows = []
        for s in states:
            info = analysis.state_info(s)
            info["levels"] = {dm: int(levels[i, s - 1]) for i, dm in enumerate(analysis.dm_names)}
            rows.append(info)
        data["states"] = rows
        data["states_listed"] = "equilibria, named-outcome and status-quo states only"
    data["status_quo"] = status_quo_states(analysis)
    data["source"] = str(conflict.source)
    return merge_extensions(data, (hook(conflict, analysis, opts) for hook in list(common.ANALYZE_EXTENSIONS)))


# -- table --------------------------------------------------------------------------------------------


def _stable_marks(analysis: "Analysis", dm_index: int, t: int) -> str:
    return " ".join(CONCEPT_LETTERS[c] if analysis.stable[c][dm_index, t] else "·" for c in analysis.concepts)


def _state_tags(analysis: "Analysis", t: int, sq: set[int]) -> list[str]:
    tags = [name for name, mask in analysis.compiled.outcomes.items() if mask[t]]
    if t + 1 in sq and analysis.conflict.status_quo not in tags:
        tags.insert(0, "status quo")
    return tags


def _heading(analysis: "Analysis") -> str:
    c = analysis.conflict
    parts = [f"{analysis.n_states} states", f"{len(analysis.dm_names)} decision makers"]
    if analysis.perspective:
        parts.append(f"perspective: {analysis.perspective}")
    if analysis.compiled.parameters:
        shown = ", ".join(f"{k}={v:g}" for k, v in analysis.compiled.parameters.items())
        parts.append(f"parameters: {shown}")
    return f"{c.name or 'conflict'}: {', '.join(parts)}"


def _legend(analysis: "Analysis") -> str:
    letters = ", ".join(f"{CONCEPT_LETTERS[c]} = {CONCEPT_LABELS[c]}" for c in analysis.concepts)
    return (f"Per decision maker: the concepts under which the state is stable for it ({letters}; "
            f"· = unstable). EQ: stable for every decision maker (an equilibrium).")


class _Ticking:
    """A table cell that reports each time rich measures or draws it (progress while rendering)."""

    def __init__(self, renderable: Text, tick: Any):
        self.renderable = renderable
        self.tick = tick
        self.measured = False

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        if not self.measured:            # rich may measure a cell more than once; count the first
            self.measured = True
            self.tick()
        return self.renderable.__rich_measure__(console, options)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        self.tick()
        yield self.renderable


def render_table(analysis: "Analysis", states: list[int], hidden_note: str | None,
                 show_progress: bool | None = None) -> None:
    """The rich report: states table, equilibria, named outcomes. With ``show_progress`` (or on a
    terminal when None, for tables of more than 2,000 rows) a bar on stderr follows the rows as
    they are built, measured and drawn."""
    big = len(states) > 2000
    with progress_bar(f"rendering {len(states):,} states", show_progress if show_progress is not None
                      else (None if big else False)) as update:
        _render_table(analysis, states, hidden_note, update)


def _render_table(analysis: "Analysis", states: list[int], hidden_note: str | None, update: Any) -> None:
    conflict = analysis.conflict
    space = analysis.compiled.space
    eq = analysis.equilibria
    eq_sets = {c: set(v) for c, v in eq.items()}
    sq = set(status_quo_states(analysis))
    has_tags = bool(analysis.compiled.outcomes) or bool(sq)

    table = Table(title=Text(_heading(analysis), style="bold"), header_style="bold", show_lines=False,
                  caption=Text(_legend(analysis), style="dim"), caption_justify="left")
    table.add_column("state", justify="right", no_wrap=True)
    if space is not None:
        for dm in conflict.decision_makers:
            for j, option in enumerate(dm.options):
                top = dm.name if j == 0 else ""
                table.add_column(Text(f"{top}\n{option.name}"), justify="center", no_wrap=True)
    else:
        table.add_column("name", no_wrap=True)
    for dm_name in analysis.dm_names:
        table.add_column(Text(f"stable for\n{dm_name}" if len(analysis.dm_names) <= 3 else f"\n{dm_name}"), justify="center",
                         no_wrap=True)
    for c in analysis.concepts:
        table.add_column(Text(f"{CONCEPT_LABELS[c]}\neq"), justify="center", no_wrap=True)
    if has_tags:
        table.add_column("outcome")

    total = 3 * len(states)          # built, measured, drawn
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % TICK_ROWS == 0 or done == total:
            update(min(done, total), total)

    for s in states:
        t = s - 1
        tick()
        row: list[Any] = [_Ticking(Text(str(s)), tick)]
        if space is not None:
            code = int(space.codes[t])
            for k in range(len(conflict.options)):
                taken = (code >> k) & 1
                row.append(Text("Y", style="green") if taken else Text("N", style="dim"))
        else:
            row.append(Text(conflict.graph.states[t]))  # type: ignore[union-attr]
        for i in range(len(analysis.dm_names)):
            row.append(Text(_stable_marks(analysis, i, t)))
        any_eq = False
        for c in analysis.concepts:
            if s in eq_sets[c]:
                any_eq = True
                row.append(Text("EQ", style="bold green"))
            else:
                row.append(Text("·", style="dim"))
        if has_tags:
            row.append(Text(", ".join(_state_tags(analysis, t, sq)), style="cyan"))
        table.add_row(*row, style="bold" if any_eq else None)

    print_wide(table)
    update(total, total)
    if hidden_note:
        note(hidden_note)

    console.print()
    console.print(Text("Equilibria", style="bold underline"))
    for c in analysis.concepts:
        console.print(Text.assemble((f"  {CONCEPT_LABELS[c]}: ", "bold"), short_list(eq[c], 50)), soft_wrap=True)

    if analysis.compiled.outcomes:
        console.print()
        out_table = Table(title=Text("Named outcomes", style="bold underline"), title_justify="left",
                          header_style="bold")
        out_table.add_column("outcome")
        out_table.add_column("states")
        for c in analysis.concepts:
            out_table.add_column(CONCEPT_LABELS[c])
        for name, res in analysis.outcomes.items():
            cells: list[Text | str] = [Text(name, style="cyan"), short_list(res["states"], 8)]
            for c in analysis.concepts:
                text, good = outcome_verdict(res, c, analysis.dm_names)
                cells.append(Text(text, style="green" if good else "red"))
            out_table.add_row(*cells)
        print_wide(out_table)


def outcome_verdict(res: dict[str, Any], concept: str, dm_names: list[str]) -> tuple[str, bool]:
    """A short verdict on a named outcome under one concept, and whether it is an equilibrium.

    >>> res = {"states": [4], "equilibrium": {"nash": False}, "equilibrium_states": {"nash": []},
    ...        "stable_for": {"nash": {"alice": [], "bob": [4]}}}
    >>> outcome_verdict(res, "nash", ["alice", "bob"])
    ('no: unstable for alice', False)
    """
    if not res["states"]:
        return "no states", False
    if res["equilibrium"][concept]:
        return f"EQ at {short_list(res['equilibrium_states'][concept], 6)}", True
    unstable = [dm for dm in dm_names if not res["stable_for"][concept][dm]]
    if unstable:
        return f"no: unstable for {', '.join(unstable)}", False
    return "no", False


# -- markdown -------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def render_markdown(analysis: "Analysis", states: list[int], hidden_note: str | None) -> str:
    """The report as Markdown (a states table, equilibria, named outcomes)."""
    conflict = analysis.conflict
    space = analysis.compiled.space
    eq = analysis.equilibria
    eq_sets = {c: set(v) for c, v in eq.items()}
    sq = set(status_quo_states(analysis))
    has_tags = bool(analysis.compiled.outcomes) or bool(sq)

    lines = [f"# {_md(_heading(analysis))}", ""]
    header = ["state"]
    header += [o.qualified_name for o in conflict.options] if space is not None else ["name"]
    header += [f"stable for {dm}" for dm in analysis.dm_names]
    header += [f"{CONCEPT_LABELS[c]} eq" for c in analysis.concepts]
    if has_tags:
        header.append("outcome")
    lines.append("| " + " | ".join(_md(h) for h in header) + " |")
    lines.append("|" + "|".join(["---:"] + [":---:"] * (len(header) - 1 - has_tags) + ["---"] * has_tags) + "|")
    for s in states:
        t = s - 1
        row = [str(s)]
        if space is not None:
            row += list(space.pattern(t))
        else:
            row.append(conflict.graph.states[t])  # type: ignore[union-attr]
        row += [_stable_marks(analysis, i, t) for i in range(len(analysis.dm_names))]
        row += ["**EQ**" if s in eq_sets[c] else "" for c in analysis.concepts]
        if has_tags:
            row.append(", ".join(_state_tags(analysis, t, sq)))
        lines.append("| " + " | ".join(_md(x) for x in row) + " |")
    lines += ["", f"_{_md(_legend(analysis))}_"]
    if hidden_note:
        lines += ["", f"_{_md(hidden_note)}_"]
    lines += ["", "## Equilibria", ""]
    lines += [f"- **{CONCEPT_LABELS[c]}**: {short_list(eq[c], 50)}" for c in analysis.concepts]
    if analysis.compiled.outcomes:
        lines += ["", "## Named outcomes", "",
                  "| outcome | states | " + " | ".join(CONCEPT_LABELS[c] for c in analysis.concepts) + " |",
                  "|---|---|" + "---|" * len(analysis.concepts)]
        for name, res in analysis.outcomes.items():
            cells = [name, short_list(res["states"], 8)]
            cells += [outcome_verdict(res, c, analysis.dm_names)[0] for c in analysis.concepts]
            lines.append("| " + " | ".join(_md(x) for x in cells) + " |")
    from ..report.safe_markdown import safe_markdown

    return safe_markdown("\n".join(lines))
