"""``detente brief FILE``: the scenario's question answered, perspective by perspective."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from .common import (Concepts, FormatOption, Overrides, ScenarioFile, TextFormat, busy, check_concepts, check_overrides, console,
                     load_conflict, parse_overrides, print_json)


@app.command()
def brief(
    file: ScenarioFile,
    outcome: Annotated[Optional[str], typer.Option(
        "--outcome", help="The named outcome to ask about (default: the scenario's first).")] = None,
    concept: Concepts = None,
    set_: Overrides = None,
    no_sweeps: Annotated[bool, typer.Option("--no-sweeps", help="Skip the scenario's declared sweeps.")] = False,
    fmt: FormatOption = TextFormat.text,
    pictures: Annotated[Optional[Path], typer.Option(
        "--pictures", help="Write the scenario's maps as PNG files into this folder (and show them).")] = None,
    no_answer: Annotated[bool, typer.Option("--no-answer", help="Skip the one-page answer (levers, maps).")] = False,
) -> None:
    """The answer first (who takes the deal, why, what would change their minds), then each perspective,
    the hypergame and the tipping points.

    Example: detente brief examples/ukraine-ceasefire.yaml
    """
    from ..analysis.briefing import brief as run_brief
    from ..errors import DetenteError
    from ..report.briefing import briefing_text

    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    check_overrides(conflict, overrides)
    with busy("preparing the briefing") as progress:
        b = run_brief(conflict, outcome=outcome, sweeps=not no_sweeps, concepts=check_concepts(concept),
                          parameters=overrides)
        a = None
        if not no_answer:
            from ..analysis.answer import answer

            try:
                a = answer(conflict, outcome=b.outcome_name, parameters=overrides, progress=progress)
            except DetenteError as exc:
                raise exc.located(source=str(file)) from None
    if fmt is TextFormat.json:
        data = b.to_dict()
        if a is not None:
            data["answer"] = a.to_dict()
        print_json(data)
        return
    from rich.markdown import Markdown

    from ..report.safe_markdown import safe_markdown

    text = safe_markdown(briefing_text(b))
    if a is not None:
        from ..report.answer import answer_text  # escapes user text itself (md_escape)

        shown: dict[int, str] = {}
        if pictures is not None and a.maps:
            from ..report.map_plot import save_map

            pictures.mkdir(parents=True, exist_ok=True)
            for k, m in enumerate(a.maps):
                shown[k] = str(save_map(m, pictures / f"{Path(file).stem}-map-{k + 1}.png"))
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{answer_text(a, shown)}\n{rest}"
    if console.is_terminal:
        console.print(Markdown(text))
    else:
        console.print(text, markup=False, highlight=False, soft_wrap=True)
