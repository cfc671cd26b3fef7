"""``detente brief FILE``: the scenario's question answered, perspective by perspective."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import app
from .common import (Concepts, Overrides, ScenarioFile, busy, check_concepts, check_overrides, console,
                     load_conflict, parse_overrides, print_json)


@app.command()
def brief(
    file: ScenarioFile,
    outcome: Annotated[Optional[str], typer.Option(
        "--outcome", help="The named outcome to ask about (default: the scenario's first).")] = None,
    concept: Concepts = None,
    set_: Overrides = None,
    no_sweeps: Annotated[bool, typer.Option("--no-sweeps", help="Skip the scenario's declared sweeps.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")] = "text",
) -> None:
    """Is the outcome stable for each party, as each sees it, and why? Perspectives, hypergame, tipping points.

    Example: detente brief examples/ukraine-ceasefire.yaml
    """
    from ..analysis.briefing import brief as run_brief
    from ..errors import DetenteError
    from ..report.briefing import briefing_text

    if fmt not in ("text", "json"):
        raise DetenteError(f"unknown format '{fmt}' (text or json)", field="--format")
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    check_overrides(conflict, overrides)
    with busy("preparing the briefing"):
        b = run_brief(conflict, outcome=outcome, sweeps=not no_sweeps, concepts=check_concepts(concept),
                          parameters=overrides)
    if fmt == "json":
        print_json(b.to_dict())
        return
    from rich.markdown import Markdown

    from ..report.safe_markdown import safe_markdown

    text = safe_markdown(briefing_text(b))
    if console.is_terminal:
        console.print(Markdown(text))
    else:
        console.print(text, markup=False, highlight=False, soft_wrap=True)
