"""``detente inverse FILE STATE``: which preference changes would make STATE an equilibrium.

Prints each DM's conditions and a smallest change (Kendall tau distance), verified by
re-analysing the changed conflict (see ``docs/inverse.md``).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.text import Text

from ..errors import DetenteError
from . import app
from .common import (OneConcept, Overrides, PerspectiveName, ScenarioFile, FormatOption, TextFormat, busy, console, load_conflict,
                     parse_overrides, print_json, resolve_states, run_analysis)


@app.command()
def inverse(
    file: ScenarioFile,
    state: Annotated[str, typer.Argument(
        help="The desired state: a number, a Y/N pattern, a named outcome (its cheapest state is used), "
             "a state name or a condition.", metavar="STATE", show_default=False)],
    concept: OneConcept = "gmr",
    dm: Annotated[Optional[list[str]], typer.Option(
        "--dm", help="Only this DM may change its preferences; repeat for several (default: all).",
        metavar="NAME", show_default=False)] = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Which preference changes make STATE an equilibrium? Conditions and a smallest change.

    Example: detente inverse examples/prisoners-dilemma.yaml 4 --concept nash
    """
    from ..analysis.inverse import inverse as run_inverse

    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    analysis = run_analysis(conflict, [concept], overrides, perspective)
    (c,) = analysis.concepts
    if c not in ("nash", "gmr", "smr", "seq"):
        raise DetenteError("inverse analysis supports nash, gmr, smr and seq", field="--concept")
    try:
        _, states = resolve_states(analysis, state)
    except DetenteError as exc:
        raise DetenteError(exc.reason, field="STATE") from None
    with busy("searching for preference changes"):
        try:
            res = run_inverse(analysis.compiled, state=states, concept=c, dms=dm)
        except DetenteError as exc:
            if exc.field == "dms":
                raise DetenteError(exc.reason, field="--dm") from None
            raise exc.located(source=conflict.source) from None
    if fmt is TextFormat.json:
        print_json(res.to_dict())
        return
    for line in res.summary().splitlines():
        if not line.startswith(" "):
            style = "bold"
        elif "[holds now]" in line or "no change needed" in line:
            style = "dim"
        elif line.startswith("  ") and not line.startswith("    "):
            style = "yellow" if res.feasible else "red"
        else:
            style = ""
        console.print(Text(line, style=style), soft_wrap=True)
