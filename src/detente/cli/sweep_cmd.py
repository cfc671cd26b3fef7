"""``detente sweep FILE --param NAME=LO:HI:STEPS``: tipping points along a parameter (and, with
``--plot PLOT``, a plot in PLOT.png and PLOT.svg; nothing is written unless asked)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ..errors import DetenteError
from ..io.validate import MAX_SWEEP_STEPS
from . import app
from .common import (Concepts, FormatOption, Overrides, PerspectiveName, ProgressOption, ScenarioFile, TextFormat, check_concepts, check_overrides,
                     check_perspective, console, load_conflict, parse_overrides, print_json, progress_bar)


@app.command()
def sweep(
    file: ScenarioFile,
    param: Annotated[list[str], typer.Option("--param", help="NAME=LO:HI:STEPS, e.g. lambda_r=0:0.3:31 (one "
                                             "parameter; for two at once use 'detente map').",
                                             metavar="NAME=LO:HI:STEPS")],
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    precision: Annotated[Optional[float], typer.Option(
        "--precision", help="Locate each tipping point to within this (default: grid spacing / 1000).")] = None,
    state: Annotated[Optional[list[int]], typer.Option(
        "--state", help="Also watch each DM's verdict at this state; repeat for several.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--plot", "--output", "-o", help="Draw the plot into PLOT.png and PLOT.svg (nothing is written unless "
        "asked).", metavar="PLOT", show_default=False)] = None,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Draw no plot, even with --plot.")] = False,
    fmt: FormatOption = TextFormat.text,
    progress: ProgressOption = None,
) -> None:
    """Re-analyse across a parameter range and report every tipping point where an answer changes.

    Example: detente sweep examples/ukraine-ceasefire.yaml --param lambda_r=0:0.3:31 --perspective kremlin
    """
    from ..analysis.sweep import parse_range
    from ..analysis.sweep import sweep as run_sweep

    if len(param) != 1:
        raise DetenteError(f"sweep varies one parameter, got {len(param)} --param options "
                           f"({', '.join(param)}); to vary two at once use 'detente map FILE' with one "
                           "parameter per axis, or 'detente montecarlo' for several", field="--param")
    name, lo, hi, steps = parse_range(param[0])
    if precision is not None and not (math.isfinite(precision) and precision > 0):
        raise DetenteError(f"the precision must be a positive number, got {precision}", field="--precision")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise DetenteError(f"LO and HI must be finite numbers, got {lo} and {hi}", field="--param")
    if steps > MAX_SWEEP_STEPS:
        raise DetenteError(f"at most {MAX_SWEEP_STEPS:,} steps, got {steps:,} (each step is a full analysis: use "
                           "fewer steps; tipping points are still located to --precision)", field="--param")
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    check_overrides(conflict, overrides)
    check_perspective(conflict, perspective)
    concepts = check_concepts(concept)
    with progress_bar(f"sweeping {name}", progress) as update:
        try:
            result = run_sweep(conflict, parameter=name, lo=lo, hi=hi, steps=steps, precision=precision,
                               focus_states=state or [], concepts=concepts, parameters=overrides,
                               perspective=perspective, progress=update)
        except DetenteError as exc:
            raise exc.located(source=str(file)) from None
    plots: list[Path] = []
    if output is not None and not no_plot:
        from ..report.sweep_plot import save_sweep_plot

        plots = save_sweep_plot(result, output)
    if fmt is TextFormat.json:
        data = result.to_dict()
        data["plots"] = [str(p) for p in plots]
        print_json(data)
        return
    where = f" (perspective: {perspective})" if perspective else ""
    console.print(f"[bold]Sweep of {name}[/bold] from {lo:g} to {hi:g} in {steps} steps{where}")
    if not result.tipping_points:
        console.print("No tipping point: every watched answer is the same across the range.")
    for t in result.tipping_points:
        console.print(f"  • {escape(t.describe())}", soft_wrap=True)
    for p in plots:
        console.print(f"plot: {p}")
