"""``detente analyze`` extensions: every perspective side by side, and the hypergame.

Importing this module registers two JSON hooks and two table renderers in
:mod:`detente.cli.common`. They add something only when the scenario has something to show:

- ``perspectives`` (scenario has ``perspectives``): {name: that perspective's analysis, shaped
  like the plain one (``equilibria``, ``outcomes`` {name: {"states", "equilibrium"}}, ...)}, and
  ``perspective_differences``: which DM's verdict differs between views, and why;
- ``hypergame`` (scenario has ``perceptions``): perceived equilibria per DM, the hypergame
  outcomes with their state ids and labels (steady / unsteady / stealthy / ...), second level.

Both use the concepts of the command (``--concept``) and its ``--set`` overrides. The
hypergame's choices and labels use SEQ when it is among the concepts, else the first concept.
See docs/perspectives.md and docs/hypergames.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import DetenteError
from . import common

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis
    from ..model import Conflict

MAX_TABLE_LINES = 40
"""Difference lines printed in table mode before pointing to ``--format json``."""


def choice_concept(concepts: list[str]) -> str:
    """The concept the hypergame's choice rule and labels use: SEQ if asked for, else the first.

    >>> choice_concept(["nash", "gmr", "seq"]), choice_concept(["gmr", "smr"])
    ('seq', 'gmr')
    """
    return "seq" if "seq" in concepts else concepts[0]


def _overrides_of(conflict: "Conflict", analysis: "Analysis") -> dict[str, float]:
    """The ``--set`` values behind ``analysis``: parameters that differ from the scenario (and from
    the perspective the analysis was made under)."""
    expected = dict(conflict.parameters)
    if analysis.perspective and analysis.perspective in conflict.perspectives:
        expected.update(conflict.perspectives[analysis.perspective].parameters)
    return {k: float(v) for k, v in analysis.compiled.parameters.items()
            if k in expected and float(expected[k]) != float(v)}


def _comparison(conflict: "Conflict", concepts: list[str], parameters: dict[str, float]):
    from ..analysis.perspectives import analyze_perspectives

    try:
        return analyze_perspectives(conflict, concepts=concepts, parameters=parameters or None)
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None


def _hypergame(conflict: "Conflict", concepts: list[str], parameters: dict[str, float]):
    from ..analysis.hypergame import analyze_hypergame

    try:
        return analyze_hypergame(conflict, concept_for_choice=choice_concept(concepts), concepts=concepts,
                                 parameters=parameters or None)
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None


# -- JSON ----------------------------------------------------------------------------------------
def perspectives_json(conflict: "Conflict", analysis: "Analysis", opts: dict) -> dict[str, Any]:
    """``perspectives`` and ``perspective_differences`` for ``detente analyze --format json``."""
    if not conflict.perspectives:
        return {}
    concepts = list(opts.get("concepts") or analysis.concepts)
    cmp = _comparison(conflict, concepts, dict(opts.get("parameters") or {}))
    return {"perspectives": cmp.to_dict(include_base=False), "perspective_differences": cmp.differences().to_dict()}


def hypergame_json(conflict: "Conflict", analysis: "Analysis", opts: dict) -> dict[str, Any]:
    """``hypergame`` for ``detente analyze --format json``."""
    if not conflict.perceptions:
        return {}
    concepts = list(opts.get("concepts") or analysis.concepts)
    return {"hypergame": _hypergame(conflict, concepts, dict(opts.get("parameters") or {})).to_dict()}


# -- tables --------------------------------------------------------------------------------------
def render_perspectives(console: Console, conflict: "Conflict", analysis: "Analysis") -> None:
    """Equilibria and named outcomes per view, then the differences (at most MAX_TABLE_LINES)."""
    if not conflict.perspectives:
        return
    from ..engine.stability import CONCEPT_LABELS

    cmp = _comparison(conflict, list(analysis.concepts), _overrides_of(conflict, analysis))
    table = Table(title="Perspectives side by side", title_justify="left")
    table.add_column("view")
    for c in cmp.concepts:
        table.add_column(f"{CONCEPT_LABELS[c]} equilibria")
    table.add_column("outcomes holding an equilibrium")
    for name, a in cmp.analyses.items():
        held = []
        for o, d in a.outcomes.items():
            cs = [CONCEPT_LABELS[c] for c in cmp.concepts if d["equilibrium"][c]]
            if cs:
                held.append(f"{o} ({', '.join(cs)})")
        table.add_row(Text(name), *[Text(common.short_list(a.equilibria[c])) for c in cmp.concepts],
                      Text("; ".join(held) or "none"))
    console.print(table)
    lines = cmp.difference_lines(outcome_details=False)
    console.print(Text("Where the views differ:", style="bold"))
    for line in lines[:MAX_TABLE_LINES]:
        console.print(Text(line), soft_wrap=True)
    if len(lines) > MAX_TABLE_LINES:
        console.print(Text(f"... {len(lines) - MAX_TABLE_LINES} more line(s): see --format json "
                           f"(perspective_differences)", style="dim"))


def render_hypergame(console: Console, conflict: "Conflict", analysis: "Analysis") -> None:
    """Who perceives what, who chooses what, and each outcome's label."""
    if not conflict.perceptions:
        return
    h = _hypergame(conflict, list(analysis.concepts), _overrides_of(conflict, analysis))
    lines = h.summary().splitlines()
    console.print(Text(lines[0], style="bold"))
    for line in lines[1:]:
        console.print(Text(line), soft_wrap=True)


def register() -> None:
    """Add the hooks to :mod:`detente.cli.common` (once)."""
    for extension in (perspectives_json, hypergame_json):
        if extension not in common.ANALYZE_EXTENSIONS:
            common.ANALYZE_EXTENSIONS.append(extension)
    for renderer in (render_perspectives, render_hypergame):
        if renderer not in common.ANALYZE_RENDERERS:
            common.ANALYZE_RENDERERS.append(renderer)


register()

__all__ = ["perspectives_json", "hypergame_json", "render_perspectives", "render_hypergame", "register",
           "choice_concept"]
