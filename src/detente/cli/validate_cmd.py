"""``detente validate FILE``: check a scenario (shape, names, feasibility, preferences) and summarise it.

Exit code 0 when the scenario loads and compiles, 2 (with the file, field and reason) when not.
Every perspective is compiled too, so a bad formula in one of them is caught here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from ..errors import DetenteError
from . import app
from .common import ScenarioFile, busy, console, load_conflict, short_list

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.compile import Compiled
    from ..model import Conflict


@app.command()
def validate(file: ScenarioFile) -> None:
    """Check a scenario file and print a short summary (exit code 2 if it has a problem).

    Example: detente validate examples/prisoners-dilemma.yaml
    """
    conflict = load_conflict(file)
    compiled = compile_all(conflict)
    console.print(Text.assemble(("ok ", "bold green"), (str(file), "bold"), f": {conflict.name}"), soft_wrap=True)
    for label, value in summary(conflict, compiled):
        console.print(Text.assemble((f"  {label}: ", "bold"), value), soft_wrap=True)


def compile_all(conflict: "Conflict") -> "Compiled":
    """Run every check a later command would run (:func:`detente.analysis.validation.check_all`):
    the model, each perspective and perception, declared sweeps, outcomes, status quo, limits."""
    from ..analysis.validation import check_all

    with busy(f"checking {conflict.name or 'the scenario'}"):
        return check_all(conflict)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(conflict: "Conflict", compiled: "Compiled") -> list[tuple[str, str]]:
    """(label, text) lines describing a compiled scenario."""
    rows: list[tuple[str, str]] = []
    m = compiled.n_states
    if compiled.space is not None:
        dms = ", ".join(f"{dm.name} ({_plural(len(dm.options), 'option')})" for dm in conflict.decision_makers)
        rows.append(("decision makers", dms))
        n = len(conflict.options)
        rows.append(("options", ", ".join(o.qualified_name + ("" if o.reversibility == "both" else f" [{o.reversibility}]")
                                          for o in conflict.options)))
        rows.append(("feasible states", f"{m:,} of 2^{n} = {1 << n:,}"))
    else:
        rows.append(("decision makers", ", ".join(conflict.dm_names)))
        rows.append(("states (graph form)", f"{m:,}"))
    kinds = {type(dm.preference).__name__.lower() if dm.preference is not None else "none"
             for dm in conflict.decision_makers}
    rows.append(("preferences", ", ".join(sorted(kinds))))
    if compiled.outcomes:
        rows.append(("outcomes", ", ".join(f"{name} ({_plural(int(mask.sum()), 'state')})"
                                           for name, mask in compiled.outcomes.items())))
    else:
        rows.append(("outcomes", "none"))
    params = compiled.parameters
    rows.append(("parameters", ", ".join(f"{k}={v:g}" for k, v in params.items()) if params else "none"))
    if conflict.status_quo not in (None, "", []):
        try:
            sq = (compiled.states_of(conflict.status_quo, "status_quo") + 1).tolist()
            rows.append(("status quo", short_list(sq, limit=10)))
        except DetenteError as exc:
            raise exc.located(source=conflict.source) from None
    if conflict.perspectives:
        rows.append(("perspectives", ", ".join(conflict.perspectives)))
    if conflict.perceptions:
        rows.append(("perceptions", ", ".join(conflict.perceptions)))
    if conflict.coalitions:
        rows.append(("coalitions", "; ".join(" + ".join(c) for c in conflict.coalitions)))
    return rows
