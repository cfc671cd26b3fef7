"""``detente report FILE -o report.html`` (or ``.md``): the whole analysis as one readable document.

The HTML report is a single self-contained page (inline CSS and SVG, no scripts, nothing fetched)
that reads offline: the model in option form, each decision maker's stability tableau, the
equilibria × concepts matrix, the named outcomes, the state-transition graph, the evolution from
the status quo, the narratives, and the scenario's perspectives, hypergame and sweeps. A ``.md``
report has the same content, with its drawings written as SVG files next to it
(``report_graph.svg``, ...). The analyses run first (:func:`detente.analysis.report_data.report_data`),
then the report lays their results out (:mod:`detente.report.builder`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import DetenteError
from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, busy, check_concepts, check_overrides,
                     check_perspective, echo, load_conflict, parse_overrides)


@app.command()
def report(
    file: ScenarioFile,
    output: Annotated[Path, typer.Option("--output", "-o", help="Report file: .html (one self-contained page) "
                                         "or .md (Markdown, with SVG files next to it).", metavar="PATH",
                                         show_default=False)],
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    from_state: Annotated[Optional[str], typer.Option(
        "--from", help="Status quo for the evolution: a state number, a named outcome or a condition "
                       "naming one state. Default: the scenario's status quo.", metavar="STATE",
        show_default=False)] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", min=2, help="Most states drawn in the transition graph "
                                           "(bigger models are filtered).")] = 60,
) -> None:
    """Write a report: model, tableaux, equilibria, outcomes, graph, evolution, narratives.

    Example: detente report examples/ukraine-ceasefire.yaml -o report.html
    """
    from ..analysis.report_data import report_data
    from ..report.builder import build_report, graph_concept_for, write_report

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise DetenteError(f"cannot tell the report format from '{output.name}': use a .html or .md file name",
                           field="--output")
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    concepts = check_concepts(concept)
    check_perspective(conflict, perspective)
    check_overrides(conflict, overrides)
    with busy(f"building the report on {conflict.name or 'the conflict'}") as progress:
        try:
            chosen = graph_concept_for(concepts)
            data = report_data(conflict, status_quo=from_state, choice_concept=chosen, concepts=concepts,
                               parameters=overrides, perspective=perspective, progress=progress)
            rep = build_report(data, graph_concept=chosen, max_graph_nodes=max_nodes)
        except DetenteError as exc:
            if from_state is not None and exc.field == "status_quo":
                raise DetenteError(exc.reason, field="--from") from None
            raise exc.located(source=conflict.source) from None
    written = write_report(rep, output)
    echo(f"wrote {', '.join(str(p) for p in written)}")
