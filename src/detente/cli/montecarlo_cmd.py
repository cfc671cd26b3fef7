"""``detente montecarlo FILE --param NAME=DIST``: how often each answer holds under uncertainty."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape

from ..errors import DetenteError
from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, check_concepts, check_overrides,
                     check_perspective, console, load_conflict, parse_overrides, print_json)
from .sweep_cmd import progress_bar

MAX_SAMPLES = 1_000_000
"""Most draws ``--samples`` accepts (each is a full analysis; more is a typo, not a plan)."""


@app.command()
def montecarlo(
    file: ScenarioFile,
    param: Annotated[list[str], typer.Option(
        "--param", help="NAME=DIST, e.g. lambda_r=uniform:0:0.3, delta=normal:0.9:0.02; repeat.",
        metavar="NAME=DIST")],
    samples: Annotated[int, typer.Option("--samples", "-n", help="Number of joint draws.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same answer).")] = 0,
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    state: Annotated[Optional[list[int]], typer.Option("--state", help="Also watch DMs' verdicts here.")] = None,
    scheduler: Annotated[str, typer.Option("--scheduler", help="local, or dask (Dask's processes, or the "
                                           "cluster at --address).")] = "local",
    address: Annotated[Optional[str], typer.Option("--address", help="Dask scheduler address, e.g. "
                                                   "tcp://10.0.0.5:8786.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")] = "text",
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress")] = None,
) -> None:
    """Draw uncertain parameters, re-analyse, and report the share of draws in which each answer holds.

    Example: detente montecarlo examples/ukraine-ceasefire.yaml --param lambda_r=uniform:0:0.2 -n 400
    """
    from ..analysis.montecarlo import monte_carlo, parse_distribution

    if fmt not in ("text", "json"):
        raise DetenteError(f"unknown format '{fmt}' (text or json)", field="--format")
    if not 1 <= samples <= MAX_SAMPLES:
        raise DetenteError(f"the number of samples must be between 1 and {MAX_SAMPLES:,}, got {samples}",
                           field="--samples")
    if seed < 0:
        raise DetenteError(f"the seed must be a whole number >= 0, got {seed}", field="--seed")
    dists = {}
    for text in param:
        if "=" not in text:
            raise DetenteError(f"expected NAME=DIST, got {text!r}", field="--param")
        name, dist = text.split("=", 1)
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
            from dask.distributed import Client
        except ImportError:
            raise DetenteError("a Dask cluster needs dask.distributed: pip install 'detente[scale]'",
                               field="--address") from None
        client = Client(address)
    with progress_bar("sampling", progress) as update:
        res = monte_carlo(conflict, dists, samples, seed, check_concepts(concept), perspective, overrides,
                          state or [], scheduler, client, progress=update)
    if fmt == "json":
        print_json(res.to_dict())
        return
    console.print(f"[bold]Monte Carlo[/bold]: {samples} draws of {', '.join(dists)} (seed {seed}, {scheduler})")
    shares = res.to_dict()["shares"]
    interesting = {k: v for k, v in shares.items() if 0 < v < 1} or shares
    for key, share in sorted(interesting.items(), key=lambda kv: -kv[1]):
        console.print(f"  {share:6.1%}  {escape(key)}", soft_wrap=True)
