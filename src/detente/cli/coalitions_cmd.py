"""``detente coalitions FILE``: which coalitions can break which equilibria.

Coalition Nash/GMR/SMR/SEQ after Inohara & Hipel (2008) for chosen coalitions or all of them,
and, with ``--merge``, the GMCR+ view in which a coalition acts as one decision maker
(see ``docs/coalitions.md``).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.text import Text

from ..errors import DetenteError
from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, FormatOption, TextFormat, busy, check_concepts, console,
                     load_conflict, parse_groups, parse_overrides, print_json, run_analysis, short_list)


@app.command()
def coalitions(
    file: ScenarioFile,
    coalition: Annotated[Optional[list[str]], typer.Option(
        "--coalition", help="A coalition to analyse, as DM names separated by commas; repeat for several "
                            "(default: the scenario's coalitions, else every group of two or more).",
        metavar="A,B", show_default=False)] = None,
    merge: Annotated[Optional[list[str]], typer.Option(
        "--merge", help="Also analyse with these DMs merged into one (GMCR+ coalition structure); "
                        "repeat for several blocks.", metavar="A,B", show_default=False)] = None,
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Coalition stability: which groups of DMs can break which equilibria by moving jointly.

    Example: detente coalitions examples/elmira.yaml --coalition moe,uniroyal
    """
    from ..analysis.coalitions import coalition_stability, merged_analysis
    from ..engine.stability import CONCEPT_LABELS

    concepts = check_concepts(concept)
    bad = [c for c in concepts if c in ("sim", "seqsim")]
    if bad:
        raise DetenteError("coalition analysis supports nash, gmr, smr and seq", field="--concept")
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    analysis = run_analysis(conflict, concepts, overrides, perspective)
    groups = parse_groups(coalition, "--coalition")
    blocks = parse_groups(merge, "--merge")
    with busy("analysing coalitions"):
        try:
            res = coalition_stability(analysis.compiled, coalitions=groups, concepts=concepts)
            merged = merged_analysis(analysis.compiled, structure=blocks, concepts=concepts) if blocks else None
        except DetenteError as exc:
            field = {"coalitions": "--coalition", "structure": "--merge"}.get(str(exc.field).split("[")[0])
            if field:
                raise DetenteError(exc.reason, field=field) from None
            raise exc.located(source=conflict.source) from None
    if fmt is TextFormat.json:
        data = res.to_dict()
        if merged is not None:
            data["merged"] = merged.to_dict()
        print_json(data)
        return
    for line in res.summary().splitlines():
        style = "bold" if not line.startswith(" ") else "red"
        console.print(Text(line, style=style), soft_wrap=True)
    if merged is not None:
        console.print()
        console.print(Text("Merged decision makers: " + "; ".join(merged.unit_names), style="bold"), soft_wrap=True)
        for c, eq in merged.equilibria.items():
            console.print(Text(f"  {CONCEPT_LABELS[c]} equilibria: {short_list(eq)}"), soft_wrap=True)
