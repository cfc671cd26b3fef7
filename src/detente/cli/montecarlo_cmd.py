"""``detente montecarlo FILE --param NAME=DIST``: how often each answer holds under uncertainty."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ..analysis.montecarlo import DEFAULT_SAMPLES
from ..errors import DetenteError
from . import app
from .common import (Concepts, FormatOption, Overrides, PerspectiveName, ProgressOption, ScenarioFile, TextFormat, check_concepts, check_overrides,
                     check_perspective, console, load_conflict, parse_overrides, print_json, progress_bar)

MAX_SAMPLES = 1_000_000
"""Most draws ``--samples`` accepts (each is a full analysis; more is a typo, not a plan)."""


@app.command()
def montecarlo(
    file: ScenarioFile,
    param: Annotated[list[str], typer.Option(
        "--param", help="NAME=DIST, e.g. lambda_r=uniform:0:0.3, delta=normal:0.9:0.02; repeat.",
        metavar="NAME=DIST")],
    samples: Annotated[int, typer.Option("--samples", "-n", help="Number of joint draws.")] = DEFAULT_SAMPLES,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same answer).")] = 0,
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    state: Annotated[Optional[list[int]], typer.Option("--state", help="Also watch DMs' verdicts here.")] = None,
    scheduler: Annotated[str, typer.Option("--scheduler", help="local (batched, this process), or dask (a local "
                                           "Dask cluster, or the cluster at --address).")] = "local",
    address: Annotated[Optional[str], typer.Option("--address", help="Dask scheduler address, e.g. "
                                                   "tcp://10.0.0.5:8786 (see docs/scale-out.md).")] = None,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Write the shares and the joint distribution of the two most influential parameters "
                       "to PLOT.png and PLOT.svg.")] = None,
    fmt: FormatOption = TextFormat.text,
    progress: ProgressOption = None,
) -> None:
    """Draw uncertain parameters, re-analyse, and report the share of draws in which each answer holds,
    with 95% confidence intervals and the parameters that move the answers most.

    Example: detente montecarlo examples/ukraine-ceasefire.yaml --param lambda_r=uniform:0:0.2 -n 100000
    """
    from ..analysis.montecarlo import monte_carlo, parse_distribution

    if not 1 <= samples <= MAX_SAMPLES:
        raise DetenteError(f"the number of samples must be between 1 and {MAX_SAMPLES:,}, got {samples}",
                           field="--samples")
    if seed < 0:
        raise DetenteError(f"the seed must be a whole number >= 0, got {seed}", field="--seed")
    if scheduler not in ("local", "dask"):
        raise DetenteError(f"unknown scheduler '{scheduler}' (local or dask)", field="--scheduler")
    dists = {}
    for text in param:
        if "=" not in text:
            raise DetenteError(f"expected NAME=DIST, got {text!r}", field="--param")
        name, dist = text.split("=", 1)
        if name.strip() in dists:
            raise DetenteError(f"parameter '{name.strip()}' is given twice", field="--param")
        dists[name.strip()] = parse_distribution(dist)
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    check_overrides(conflict, overrides)
    check_perspective(conflict, perspective)
    client = None
    if address:
        if scheduler != "dask":
            raise DetenteError("--address needs --scheduler dask", field="--address")
        try:
            from distributed import Client
        except ImportError:
            raise DetenteError("a Dask cluster needs dask.distributed: pip install 'detente[scale]'",
                               field="--address") from None
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise DetenteError(f"cannot reach the Dask scheduler at {address}: {exc}", field="--address") from None
    try:
        with progress_bar("sampling", progress) as update:
            res = monte_carlo(conflict, distributions=dists, n=samples, seed=seed, focus_states=state or [],
                              scheduler=scheduler, client=client, concepts=check_concepts(concept),
                              parameters=overrides, perspective=perspective, progress=update)
    except DetenteError as exc:
        raise exc.located(source=str(file)) from None
    finally:
        if client is not None:
            client.close()
    plots: list[Path] = []
    if plot is not None:
        from ..report.montecarlo_plot import save_montecarlo_plot

        plots = save_montecarlo_plot(res, plot)
    if fmt is TextFormat.json:
        data = res.to_dict()
        data["plots"] = [str(p) for p in plots]
        print_json(data)
        return
    _print_text(res, dists, samples, seed, scheduler, perspective, plots)


def _print_text(res, dists, samples, seed, scheduler, perspective, plots) -> None:
    from rich.table import Table

    where = f", perspective {perspective}" if perspective else ""
    console.print(f"[bold]Monte Carlo[/bold]: {samples:,} draws of {', '.join(dists)} "
                  f"(seed {seed}, {scheduler}{where})")
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("share", justify="right")
    table.add_column(f"{res.confidence:.0%} interval", justify="right")
    table.add_column("answer")
    n = res.n
    keys = list(res.counts)
    varying = sorted((k for k in keys if 0 < res.counts[k] < n), key=lambda k: -res.counts[k])
    steady = [k for k in keys if res.counts[k] in (0, n)]
    for key in varying + sorted(steady, key=lambda k: -res.counts[k]):
        lo, hi = res.interval(key)
        table.add_row(f"{res.counts[key] / n:.1%}", f"[{lo:.1%}, {hi:.1%}]", escape(key))
    console.print(table, soft_wrap=True)
    ranked = [p for p in res.most_influential(len(res.influence)) if res.influence[p] > 0]
    if ranked:
        console.print("Most influential: " + ", ".join(
            f"{escape(p)} (rank correlation {res.influence[p]:.2f} with '{escape(res.drives[p])}')" for p in ranked),
            soft_wrap=True)
    else:
        console.print("No watched answer varies across the draws.")
    for p in plots:
        console.print(f"plot: {p}")
