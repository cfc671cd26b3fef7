"""``detente explain FILE STATE``: why a state is (un)stable for each DM under each concept.

STATE may be a state number (``4``), a Y/N pattern with option 1 first (``YNNY``), a named
outcome (each of its states is explained), a graph-form state's name, or a condition over the
options (``"alice.cooperate and not bob.cooperate"``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.rule import Rule
from rich.text import Text

from ..errors import DetenteError
from . import app
from .common import (Concepts, Overrides, PerspectiveName, ScenarioFile, TextFormat, busy, console, load_conflict,
                     parse_overrides, print_json, run_analysis)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis

MAX_EXPLAINED = 50
"""An outcome or condition matching more states than this is an error (ask for fewer)."""

_PATTERN = re.compile(r"^[YyNn]+$")


@app.command()
def explain(
    file: ScenarioFile,
    state: Annotated[str, typer.Argument(
        help="A state number, a Y/N pattern (option 1 first, e.g. YNNY), a named outcome, or a condition.",
        metavar="STATE", show_default=False)],
    concept: Concepts = None,
    set_: Overrides = None,
    perspective: PerspectiveName = None,
    fmt: Annotated[TextFormat, typer.Option("--format", "-f", help="Output: text or json.",
                                            case_sensitive=False)] = TextFormat.text,
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


def resolve_states(analysis: "Analysis", text: str) -> tuple[str | None, list[int]]:
    """(outcome name or None, 1-based state numbers) that STATE designates.

    Order of interpretation: a number, a named outcome, a Y/N pattern, a graph state's name,
    a condition. Errors name the argument and list what would have worked.
    """
    compiled = analysis.compiled
    conflict = analysis.conflict
    m = analysis.n_states
    query = text.strip()
    if query.lstrip("+").isdigit():
        number = int(query)
        if not 1 <= number <= m:
            raise DetenteError(f"state {number} does not exist: the model has states 1..{m}", field="STATE")
        return None, [number]
    if query in compiled.outcomes:
        states = (compiled.outcomes[query].nonzero()[0] + 1).tolist()
        if not states:
            raise DetenteError(f"outcome '{query}' has no feasible state", field="STATE")
        return query, _limit(states, f"outcome '{query}'")
    space = compiled.space
    n = len(conflict.options)
    if space is not None and _PATTERN.match(query):
        if len(query) != n:
            raise DetenteError(f"the pattern '{query}' has {len(query)} letters but the model has {n} options "
                               f"(write one Y or N per option, option 1 first)", field="STATE")
        code = sum(1 << k for k, ch in enumerate(query.upper()) if ch == "Y")
        index = int(space.index_of(code))
        if index < 0:
            raise DetenteError(f"the pattern '{query}' is not a feasible state", field="STATE")
        return None, [index + 1]
    if space is None:
        names = list(conflict.graph.states)  # type: ignore[union-attr]
        if query in names:
            return None, [names.index(query) + 1]
    try:
        states = (compiled.condition_mask(query, "STATE").nonzero()[0] + 1).tolist()
    except DetenteError as exc:
        raise DetenteError(f"'{query}' is not a state number (1..{m}), {_other_forms(analysis)} "
                           f"or a valid condition ({exc.reason})", field="STATE") from None
    if not states:
        raise DetenteError(f"no feasible state satisfies '{query}'", field="STATE")
    return None, _limit(states, f"'{query}'")


def _other_forms(analysis: "Analysis") -> str:
    forms = []
    if analysis.compiled.space is not None:
        forms.append(f"a Y/N pattern of {len(analysis.conflict.options)} letters")
    else:
        forms.append("a state name")
    outcomes = list(analysis.compiled.outcomes)
    if outcomes:
        forms.append(f"a named outcome ({', '.join(outcomes)})")
    return ", ".join(forms)


def _limit(states: list[int], what: str) -> list[int]:
    if len(states) > MAX_EXPLAINED:
        raise DetenteError(f"{what} matches {len(states)} states; explain at most {MAX_EXPLAINED} at a time "
                           f"(name a state number or a narrower condition)", field="STATE")
    return states


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
