"""``detente levers``, ``detente map`` and ``detente terms``: what would change a party's mind."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import DetenteError
from . import app
from .common import (FormatOption, OneConcept, Overrides, PerspectiveName, ScenarioFile, TextFormat, busy, check_overrides,
                     one_concept,
                     check_perspective, console, load_conflict, parse_overrides, print_json, print_wide)

OutcomeName = Annotated[Optional[str], typer.Option("--outcome", help="The named outcome the verdict is about.")]
StateNumber = Annotated[Optional[int], typer.Option("--state", help="Or: the state number the verdict is about.")]
Precision = Annotated[Optional[float], typer.Option(
    "--precision", help="Locate each threshold to within this (default: each range × 1e-9).")]


def _precision(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise DetenteError(f"the precision must be a positive number, got {value}", field="--precision")
    return value


@app.command()
def levers(
    file: ScenarioFile,
    outcome: OutcomeName = None,
    state: StateNumber = None,
    dm: Annotated[Optional[str], typer.Option(
        "--dm", help="Whose verdict: the outcome is stable for this DM (default: it is an equilibrium).")] = None,
    concept: OneConcept = "seq",
    perspective: PerspectiveName = None,
    set_: Overrides = None,
    precision: Precision = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Every parameter with a range, varied alone: the values where the verdict changes.

    Example: detente levers examples/ukraine-ceasefire.yaml --outcome ceasefire --dm russia
    """
    from ..analysis.levers import levers as run_levers

    conflict = load_conflict(file)
    overrides = parse_overrides(set_)
    check_overrides(conflict, overrides)
    check_perspective(conflict, perspective)
    with busy("finding levers") as progress:
        try:
            result = run_levers(conflict, outcome=outcome, state=state, dm=dm, concept=one_concept(concept),
                                perspective=perspective, parameters=overrides, precision=_precision(precision),
                                progress=progress)
        except DetenteError as exc:
            raise exc.located(source=str(file)) from None
    if fmt == TextFormat.json:
        print_json(result.to_dict())
        return
    console.print(f"[bold]{escape(result.subject)}[/bold]: {'yes' if result.holds else 'no'} today"
                  + (f" (perspective: {escape(perspective)})" if perspective else ""))
    if result.derived:
        console.print("Derived beliefs: " + ", ".join(f"{escape(k)} = {v:.4g}" for k, v in result.derived.items()))
    table = Table(show_lines=False)
    for col in ("parameter", "holds for", "thresholds", "today", "range", "source"):
        table.add_column(col)
    for lv in result.live:
        table.add_row(escape(lv.name if lv.name == lv.parameter else f"{lv.parameter} ({lv.name})"),
                      escape(lv.condition()), ", ".join(f"{t:.6g}" for t in lv.thresholds), f"{lv.value:.4g}",
                      f"{lv.range[0]:.4g}..{lv.range[1]:.4g}",
                      escape(lv.source if len(lv.source) <= 48 else lv.source[:47] + "…"))
    if result.live:
        console.print(("It would stop holding" if result.holds else "It would hold")
                      + " if one of these changed alone (others at today's values):")
        print_wide(table)
    else:
        console.print("No single parameter changes it within its range.")
    if result.dead:
        console.print("[yellow]Do not change this verdict within their range:[/yellow] "
                      + escape(", ".join(lv.parameter for lv in result.dead)))
    if result.unranged:
        console.print("Not varied (no range declared): " + escape(", ".join(result.unranged)))


@app.command("map")
def map_(
    file: ScenarioFile,
    x: Annotated[str, typer.Option("--x", help="NAME=LO:HI:N for the horizontal axis.", metavar="NAME=LO:HI:N")],
    y: Annotated[str, typer.Option("--y", help="NAME=LO:HI:N for the vertical axis.", metavar="NAME=LO:HI:N")],
    outcome: OutcomeName = None,
    state: StateNumber = None,
    dm: Annotated[Optional[list[str]], typer.Option(
        "--dm", help="Whose verdict; repeat to map several DMs (the grid: all of them). Default: equilibrium.")] = None,
    concept: OneConcept = "seq",
    perspective: PerspectiveName = None,
    set_: Overrides = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the picture to this .png or .svg file.")] = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """The verdict over a 2-D grid of two parameters, with the boundary drawn.

    Example: detente map examples/ukraine-ceasefire.yaml --x p_restrainers=0:1:101 --y deal_x=0.4:0.9:101
    --outcome ceasefire --dm russia --dm ukraine -o map.png
    """
    from ..analysis.levers import lever_map, parse_axis

    conflict = load_conflict(file)
    overrides = parse_overrides(set_)
    check_overrides(conflict, overrides)
    check_perspective(conflict, perspective)
    xa, ya = parse_axis(x), parse_axis(y)
    for axis, spec in (("--x", xa), ("--y", ya)):
        if not (math.isfinite(spec[1]) and math.isfinite(spec[2])):
            raise DetenteError(f"LO and HI must be finite numbers, got {spec[1]} and {spec[2]}", field=axis)
    with busy("mapping") as progress:
        try:
            result = lever_map(conflict, x=xa, y=ya, outcome=outcome, state=state, dm=dm or None,
                               concept=one_concept(concept), perspective=perspective, parameters=overrides,
                               progress=progress)
        except DetenteError as exc:
            raise exc.located(source=str(file)) from None
    picture = None
    if output is not None:
        from ..report.map_plot import save_map

        picture = save_map(result, output, x_label=_label(conflict, xa[0]), y_label=_label(conflict, ya[0]))
    if fmt == TextFormat.json:
        data = result.to_dict()
        if picture is not None:
            data["picture"] = str(picture)
        print_json(data)
        return
    console.print(escape(result.summary()))
    _print_grid(result)
    if picture is not None:
        console.print(f"picture: {escape(str(picture))}")


def _label(conflict, name: str) -> str:
    info = conflict.parameter_info.get(name)
    return f"{name} — {info.label}" if info is not None and info.label else name


def _print_grid(result) -> None:
    """A coarse character map (at most 60 × 30 cells): '#' holds, '.' does not, rows top = high y."""
    grid = result.grid
    ny, nx = grid.shape
    sx = max(1, math.ceil(nx / 60))
    sy = max(1, math.ceil(ny / 30))
    console.print(f"{result.y} ↑ ({result.y_values[-1]:.4g} at top, {result.y_values[0]:.4g} at bottom); "
                  f"{result.x} → ({result.x_values[0]:.4g} .. {result.x_values[-1]:.4g}); '#' holds")
    for iy in range(ny - 1, -1, -sy):
        console.print("".join("#" if grid[iy, ix] else "." for ix in range(0, nx, sx)), highlight=False)


@app.command()
def terms(
    file: ScenarioFile,
    parameter: Annotated[str, typer.Option("--parameter", help="The parameter that sets the deal's terms.")],
    outcome: Annotated[str, typer.Option("--outcome", help="The named outcome that is the deal.")],
    dm: Annotated[Optional[list[str]], typer.Option(
        "--dm", help="Who must accept; repeat for several (default: every DM).")] = None,
    concept: OneConcept = "seq",
    perspective: PerspectiveName = None,
    set_: Overrides = None,
    lo: Annotated[Optional[float], typer.Option("--lo", help="Search from (default: the parameter's range).")] = None,
    hi: Annotated[Optional[float], typer.Option("--hi", help="Search to (default: the parameter's range).")] = None,
    precision: Precision = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Terms every party accepts: the values of a terms parameter at which each DM is stable at the deal.

    Example: detente terms examples/ukraine-ceasefire.yaml --parameter deal_x --outcome ceasefire
    --dm russia --dm ukraine
    """
    from ..analysis.levers import deal_terms

    conflict = load_conflict(file)
    overrides = parse_overrides(set_)
    check_overrides(conflict, overrides)
    check_perspective(conflict, perspective)
    with busy("solving for terms"):
        try:
            result = deal_terms(conflict, parameter=parameter, outcome=outcome, dms=dm or None,
                                concept=one_concept(concept), perspective=perspective, parameters=overrides,
                                lo=lo, hi=hi, precision=_precision(precision))
        except DetenteError as exc:
            raise exc.located(source=str(file)) from None
    if fmt == TextFormat.json:
        print_json(result.to_dict())
        return
    console.print(escape(result.summary()))
