"""The computations behind the web API, each run in a worker process (see :mod:`detente.web.jobs`).

Every task takes the request as plain data (a dict) and a ``progress(done, total)`` callback, and
returns plain data for JSON. Bad input raises :class:`~detente.errors.DetenteError`, which the
API answers with 422 and the same message the CLI prints.

>>> import detente.io
>>> text = detente.io.dumps(detente.examples.prisoners_dilemma(), "yaml")
>>> out = run("validate", {"scenario": text, "format": "yaml"})
>>> out["ok"], out["n_states"], out["rankings"]["alice"]
(True, 4, [[3], [4], [1], [2]])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import detente
from detente.errors import DetenteError

Progress = Callable[[int, int], None]
RANKING_LIMIT = 512
"""Largest model whose per-DM rankings and state list the builder is sent (live preview)."""


def _no_progress(done: int, total: int) -> None:
    return None


def conflict_of(req: dict[str, Any]):
    """The request's model, from its text in the stated format."""
    from detente.io import loads

    return loads(req["scenario"], req.get("format") or "yaml", source="<request>")


def error_dict(exc: DetenteError) -> dict[str, Any]:
    """A DetenteError as the API's error body (the same text the CLI prints)."""
    problems = getattr(exc, "problems", None) or [(exc.field, exc.reason)]
    return {"error": exc.reason, "field": exc.field, "source": exc.source, "message": str(exc),
            "problems": [{"field": f, "error": r} for f, r in problems]}


def state_meaning(conflict, compiled, t: int) -> str:
    """A state named by what is true in it: its named outcomes, then what each DM does."""
    outs = [name for name, mask in compiled.outcomes.items() if mask[t]]
    if compiled.space is None:
        name = conflict.graph.states[t]
        return f"{name} ({', '.join(outs)})" if outs else name
    code = int(compiled.space.codes[t])
    options = conflict.options
    parts = []
    for dm in conflict.decision_makers:
        taken = [o.name for k, o in enumerate(options) if o.dm == dm.name and (code >> k) & 1]
        if dm.options:
            parts.append(f"{dm.name}: {', '.join(taken) if taken else 'none'}")
    text = "; ".join(parts)
    return f"{', '.join(outs)} — {text}" if outs else text


def _rankings(compiled) -> dict[str, list[list[int]]]:
    levels = compiled.game.levels
    out = {}
    for i, dm in enumerate(compiled.game.dm_names):
        lv = np.asarray(levels[i])
        groups = []
        for value in sorted(set(lv.tolist()), reverse=True):
            groups.append((np.flatnonzero(lv == value) + 1).tolist())
        out[dm] = groups
    return out


def task_validate(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """What the builder shows live: ok or every problem, feasible states, each DM's ranking."""
    from detente.analysis.compile import compile_conflict

    try:
        conflict = conflict_of(req)
        compiled = compile_conflict(conflict, parameters=req.get("parameters") or {}, progress=progress)
        for name in conflict.perspectives:
            try:
                compile_conflict(conflict.with_perspective(name))
            except DetenteError as exc:
                if not (exc.field or "").startswith("perspectives"):
                    exc.reason = f"under perspective '{name}': {exc.reason}"
                raise
    except DetenteError as exc:
        return {"ok": False, **error_dict(exc)}
    m = compiled.n_states
    out: dict[str, Any] = {
        "ok": True, "name": conflict.name, "decision_makers": conflict.dm_names,
        "options": [o.qualified_name for o in conflict.options], "n_states": m,
        "identifiers": {o.qualified_name: o.key for o in conflict.options},
        "n_possible": (1 << len(conflict.options)) if compiled.space is not None else m,
        "outcomes": list(compiled.outcomes), "parameters": dict(compiled.parameters),
        "perspectives": list(conflict.perspectives), "perceptions": list(conflict.perceptions),
    }
    if m <= RANKING_LIMIT:
        out["states"] = [{"id": t + 1, "pattern": compiled.state_label(t),
                          "meaning": state_meaning(conflict, compiled, t)} for t in range(m)]
        out["rankings"] = _rankings(compiled)
    return out


def task_analyze(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Stability of every state (no witnesses: /api/explain gives them state by state)."""
    from detente.analysis.briefing import status_quo_state

    conflict = conflict_of(req)
    result = detente.analyze(conflict, concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                             parameters=req.get("parameters") or {}, perspective=req.get("perspective"),
                             progress=progress)
    out = result.to_dict(include_witnesses=False)
    compiled = result.compiled
    if "states" in out:
        for info in out["states"]:
            info["meaning"] = state_meaning(result.conflict, compiled, info["id"] - 1)
    out["perspectives_available"] = list(conflict.perspectives)
    out["perceptions_available"] = list(conflict.perceptions)
    out["coalitions_declared"] = [list(c) for c in conflict.coalitions]
    out["status_quo"] = status_quo_state(result)
    return out


def task_explain(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Every DM's verdict at one state, in words and as data."""
    conflict = conflict_of(req)
    result = detente.analyze(conflict, concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                             parameters=req.get("parameters") or {}, perspective=req.get("perspective"),
                             progress=progress)
    state = int(req["state"])
    info = result.state_info(state)
    info["meaning"] = state_meaning(result.conflict, result.compiled, state - 1)
    return {"state": info, "text": result.explain(state), "witnesses": result.witnesses(state)}


def task_graph(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The state-transition graph: nodes in layered columns, DM-coloured moves, equilibria marked."""
    from detente.analysis.briefing import status_quo_state
    from detente.report.graph_svg import dm_color, layered_layout, transition_graph

    conflict = conflict_of(req)
    result = detente.analyze(conflict, concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                             parameters=req.get("parameters") or {}, perspective=req.get("perspective"),
                             progress=progress)
    focus = [int(s) for s in (req.get("focus") or []) if 1 <= int(s) <= result.n_states]
    spec = transition_graph(result, concept=req.get("concept"), status_quo=status_quo_state(result),
                            max_nodes=int(req.get("max_nodes") or 80), max_arcs=int(req.get("max_arcs") or 600),
                            focus=focus)
    col, columns = layered_layout(spec)
    row = {sid: r for c in columns for r, sid in enumerate(c)}
    compiled = result.compiled
    return {
        "concept": spec.concept, "note": spec.note, "total_states": result.n_states,
        "decision_makers": [{"name": n, "color": dm_color(i)} for i, n in enumerate(spec.dm_names)],
        "nodes": [{"id": n.id, "column": col[n.id], "row": row[n.id], "label": " ".join(n.lines),
                   "equilibrium": n.equilibrium, "status_quo": n.status_quo,
                   "meaning": state_meaning(result.conflict, compiled, n.id - 1)} for n in spec.nodes],
        "arcs": [{"from": a.src, "to": a.dst, "dm": a.dm, "improvement": a.improvement} for a in spec.arcs],
        "columns": len(columns),
    }


def task_sweep(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A one-parameter sweep with its tipping points and plot."""
    from detente.analysis.sweep import sweep
    from detente.report.sweep_plot import sweep_svg

    res = sweep(conflict_of(req), parameter=req["parameter"], lo=float(req["lo"]), hi=float(req["hi"]),
                steps=int(req.get("steps") or 21), precision=req.get("precision"),
                concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"], parameters=req.get("parameters") or {},
                perspective=req.get("perspective"), progress=progress)
    out = res.to_dict()
    out["svg"] = sweep_svg(res)
    out["text"] = "\n".join(t.describe() for t in res.tipping_points) or "no tipping point in this range"
    return out


def task_evolve(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Where the conflict can go from a status quo (moves, improvements, coalitional)."""
    from detente.analysis.evolution import evolve

    sq = req.get("status_quo")
    ev = evolve(conflict_of(req), status_quo=sq if sq not in (None, "") else None,
                concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                parameters=req.get("parameters") or {}, perspective=req.get("perspective"))
    out = ev.to_dict()
    return out


def task_coalitions(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Coalition stability for the declared (or every) coalition."""
    from detente.analysis.coalitions import coalition_stability

    res = coalition_stability(conflict_of(req), coalitions=req.get("coalitions") or None,
                              concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                              parameters=req.get("parameters") or {}, perspective=req.get("perspective"))
    return res.to_dict()


def task_inverse(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """What preferences would make a state an equilibrium, and the smallest change that does."""
    from detente.analysis.inverse import inverse

    state: Any = req["state"]
    if isinstance(state, str) and state.strip().isdigit():
        state = int(state)
    res = inverse(conflict_of(req), state=state, concept=req.get("concept") or "gmr", dms=req.get("dms") or None,
                  parameters=req.get("parameters") or {}, perspective=req.get("perspective"))
    return res.to_dict()


def task_hypergame(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """First- and second-level hypergame analysis from the model's perceptions."""
    from detente.analysis.hypergame import analyze_hypergame

    conflict = conflict_of(req)
    if not conflict.perceptions:
        raise DetenteError("the model has no perceptions: add one (who misperceives whom) to see a hypergame",
                           field="perceptions", source="<request>")
    res = analyze_hypergame(conflict, concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                            parameters=req.get("parameters") or {})
    return res.to_dict()


MAX_DIFFERENCE_LINES = 200
"""The perspectives view lists at most this many lines of differences."""


def task_perspectives(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The model and each named perspective side by side, with the differences explained."""
    from detente.analysis.perspectives import analyze_perspectives

    conflict = conflict_of(req)
    res = analyze_perspectives(conflict, concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                               parameters=req.get("parameters") or {})
    views = res.to_dict()
    lines = res.difference_lines(outcome_details=False)
    return {"views": views, "descriptions": dict(res.descriptions),
            "changes": {name: change.summary() for name, change in res.changes.items()},
            "differences": lines[:MAX_DIFFERENCE_LINES],
            "differences_left_out": max(0, len(lines) - MAX_DIFFERENCE_LINES)}


def task_brief(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The answer-first briefing, as text and data."""
    from detente.analysis.briefing import brief
    from detente.report.briefing import briefing_text

    b = brief(conflict_of(req), concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
              parameters=req.get("parameters") or {}, progress=progress)
    return {"text": briefing_text(b), "briefing": b.to_dict()}


def task_report(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The self-contained HTML report (as text, for download)."""
    from detente.analysis.report_data import report_data
    from detente.report.builder import build_report
    from detente.report.html import render_html

    data = report_data(conflict_of(req), concepts=req.get("concepts") or ["nash", "gmr", "smr", "seq"],
                       parameters=req.get("parameters") or {}, perspective=req.get("perspective"), progress=progress)
    return {"html": render_html(build_report(data))}


def task_convert(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The model in another format (``to``: yaml, json, gmcr), and as scenario data for the builder."""
    from detente.io import conflict_to_data, dumps

    conflict = conflict_of(req)
    to = req.get("to") or "yaml"
    return {"scenario": dumps(conflict, to), "format": to, "data": conflict_to_data(conflict)}


def task_parse(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The text as scenario data for the builder's forms (a model still being written may be
    incomplete: only the syntax is checked; ``.gmcr`` files are converted)."""
    from detente.io import conflict_to_data, loads
    from detente.io.scenario import parse_json, parse_yaml

    fmt = req.get("format") or "yaml"
    text = req["scenario"]
    if fmt == "gmcr":
        return {"data": conflict_to_data(loads(text, "gmcr", source="<request>"))}
    data = parse_json(text, "<request>") if fmt == "json" else parse_yaml(text, "<request>")
    if isinstance(data, dict) and "decisionMakers" in data:
        return {"data": conflict_to_data(loads(text, "json", source="<request>"))}
    if not isinstance(data, dict):
        raise DetenteError("a scenario is a mapping with at least `decision_makers`", field=None,
                           source="<request>")
    return {"data": data}


def task_levers(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Which parameters decide an outcome, and where each one tips it."""
    from detente.analysis import levers as lv  # type: ignore[attr-defined]

    res = lv.levers(conflict_of(req), outcome=req.get("outcome") or None, state=req.get("state") or None,
                    dm=req.get("dm") or None, concept=req.get("concept") or "seq",
                    perspective=req.get("perspective") or None, parameters=req.get("parameters") or None,
                    progress=progress)
    out = res.to_dict()
    out["text"] = res.summary()
    return out


def task_map(req: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """A 2-D map: where an outcome holds over two parameters."""
    from detente.analysis import levers as lv  # type: ignore[attr-defined]

    x, y = req["x"], req["y"]
    res = lv.lever_map(conflict_of(req), x=(x["parameter"], float(x["lo"]), float(x["hi"]), int(x["n"])),
                       y=(y["parameter"], float(y["lo"]), float(y["hi"]), int(y["n"])),
                       outcome=req.get("outcome") or None, state=req.get("state") or None,
                       dm=req.get("dm") or None, concept=req.get("concept") or "seq",
                       perspective=req.get("perspective") or None, parameters=req.get("parameters") or None,
                       progress=progress)
    out = res.to_dict()
    out["text"] = res.summary()
    return out


TASKS: dict[str, Callable[[dict[str, Any], Progress], dict[str, Any]]] = {
    "validate": task_validate, "analyze": task_analyze, "explain": task_explain, "graph": task_graph,
    "sweep": task_sweep, "evolve": task_evolve, "coalitions": task_coalitions, "inverse": task_inverse,
    "hypergame": task_hypergame, "perspectives": task_perspectives, "brief": task_brief,
    "report": task_report, "convert": task_convert, "parse": task_parse, "levers": task_levers, "map": task_map,
}


def run(name: str, req: dict[str, Any], progress: Progress = _no_progress) -> dict[str, Any]:
    """Run task ``name`` here (no worker process): for tests and the doctest above."""
    return TASKS[name](req, progress)
