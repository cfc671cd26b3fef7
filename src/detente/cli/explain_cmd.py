"""``detente explain FILE STATE``: why a state is (un)stable for each DM under each concept.

STATE may be a state number (``4``), a Y/N pattern with option 1 first (``YNNY``), a named
outcome (each of its states is explained), a graph-form state's name, or a condition over the
options (``"alice.cooperate and not bob.cooperate"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.rule import Rule
from rich.text import Text

from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, FormatOption, TextFormat, busy, console, load_conflict,
                     parse_overrides, print_json, resolve_states, run_analysis)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis

@app.command()
def explain(
    file: ScenarioFile,
    state: Annotated[str, typer.Argument(
        help="A state number, a Y/N pattern (option 1 first, e.g. YNNY), a named outcome, or a condition.",
        metavar="STATE", show_default=False)],
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: FormatOption = TextFormat.text,
) -> None:
    """Explain a state's stability: each DM's improvements and the sanctions that deter them.

    Example: detente explain examples/prisoners-dilemma.yaml 4 --concept seq
    """
    overrides = parse_overrides(set_)
    conflict = load_conflict(file)
    analysis = run_analysis(conflict, concept, overrides, perspective)
    outcome, states = resolve_states(analysis, state)
    with busy("explaining"):
        if fmt is TextFormat.json:
            print_json(explain_json(analysis, state, outcome, states))
            return
        texts = [analysis.explain(s) for s in states]
    if outcome is not None:
        console.print(Text.assemble(("Outcome ", "bold"), (outcome, "bold cyan"),
                                    f": {len(states)} state{'s' * (len(states) != 1)}"), soft_wrap=True)
    for k, text in enumerate(texts):
        if k or outcome is not None:
            console.print()
        print_narrative(text)


def explain_json(analysis: "Analysis", query: str, outcome: str | None, states: list[int]) -> dict[str, Any]:
    """Witnesses (improvements, sanctions, paths) and state info for each designated state."""
    eq = analysis.equilibria
    rows = []
    for s in states:
        info = analysis.state_info(s)
        info["equilibrium"] = {c: s in eq[c] for c in analysis.concepts}
        info["witnesses"] = analysis.witnesses(s)
        rows.append(info)
    return {"conflict": analysis.conflict.name, "perspective": analysis.perspective,
            "parameters": dict(analysis.compiled.parameters), "concepts": list(analysis.concepts),
            "query": query, "outcome": outcome, "states": rows}


def print_narrative(text: str) -> None:
    """The plain-text narrative with light styling: a rule per state, concept headings, verdicts."""
    lines = text.splitlines()
    if not lines:
        return
    console.print(Rule(Text(lines[0], style="bold"), align="left"))
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            console.print()
            continue
        if line.startswith("Equilibrium under"):
            style = "yellow" if "none" in line else "bold green"
        elif not line.startswith(" ") and stripped.endswith(":"):
            style = "bold cyan"
        elif "UNSTABLE" in line:
            style = "red"
        elif "-stable" in line:
            style = "green"
        else:
            style = ""
        console.print(Text(line, style=style), soft_wrap=True)
