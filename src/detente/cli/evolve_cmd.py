"""``detente evolve FILE --from STATE``: the equilibria reachable from a status quo, and how.

Traces legal sequences (no mover twice in succession) of unilateral moves, of unilateral
improvements, and of unilateral plus coalitional improvements (see ``docs/evolution.md``).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.text import Text

from ..errors import DetenteError
from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, FormatOption, TextFormat, busy, console, load_conflict,
                     one_state, parse_groups, parse_overrides, print_json, run_analysis)

MODE_NAMES = ("moves", "improvements", "coalitional")


@app.command()
def evolve(
    file: ScenarioFile,
    start: Annotated[Optional[str], typer.Option(
        "--from", help="The status quo: a state number, Y/N pattern, named outcome, state name or condition "
                       "(default: the scenario's status_quo).", metavar="STATE", show_default=False)] = None,
    mode: Annotated[Optional[list[str]], typer.Option(
        "--mode", "-m", help="moves, improvements or coalitional; repeat for several (default: all three).",
        metavar="MODE", show_default=False)] = None,
    coalition: Annotated[Optional[list[str]], typer.Option(
        "--coalition", help="A coalition that may improve jointly, as DM names separated by commas; repeat for "
                            "several (default: the scenario's coalitions, else every group of two or more).",
        metavar="A,B", show_default=False)] = None,
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Which equilibria can the conflict reach from the status quo, and by which moves?

    Example: detente evolve examples/elmira.yaml --from 1 --format json
    """
    from ..analysis.evolution import MODES
    from ..analysis.evolution import evolve as run_evolve

    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    analysis = run_analysis(conflict, concept, overrides, perspective)
    modes = [m.strip().lower() for raw in (mode or MODES) for m in str(raw).split(",") if m.strip()]
    bad = [m for m in modes if m not in MODE_NAMES]
    if bad:
        raise DetenteError(f"unknown mode '{bad[0]}' (moves, improvements or coalitional)", field="--mode")
    if start is None:
        if conflict.status_quo is None:
            raise DetenteError("the scenario declares no status_quo: give one with --from STATE", field="--from")
        s0 = None
    else:
        s0 = one_state(analysis, start, "--from")
    with busy("tracing the evolution"):
        try:
            ev = run_evolve(analysis.compiled, status_quo=s0, modes=modes,
                            coalitions=parse_groups(coalition, "--coalition"), concepts=analysis.concepts)
        except DetenteError as exc:
            field = {"coalitions": "--coalition", "status_quo": "--from"}.get(str(exc.field).split("[")[0])
            if field == "--from" and start is None:  # the scenario's own status_quo: name the file
                raise DetenteError(f"{exc.reason} (or give one with --from STATE)", field="status_quo",
                                   source=conflict.source) from None
            if field:
                raise DetenteError(exc.reason, field=field) from None
            raise exc.located(source=conflict.source) from None
    if fmt is TextFormat.json:
        print_json(ev.to_dict())
        return
    for line in ev.summary().splitlines():
        style = "bold" if not line.startswith(" ") else ("green" if "equilibria reached" in line else "")
        console.print(Text(line, style=style), soft_wrap=True)
