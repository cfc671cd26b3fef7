"""Run one fuzz case through detente the way a user would, and classify what happened.

Stages: ``load`` (``detente.io.loads``), ``validate`` (everything ``detente validate`` checks),
then the later commands' work: ``analyze`` (default concepts), perspectives, hypergame,
declared sweeps and the brief. Outcomes:

- ``refused``: a :class:`~detente.errors.DetenteError` at load or validate (the file is bad);
- ``ok``: validated, and every later stage gave a result or a resource refusal
  (:class:`~detente.errors.ModelTooLargeError`);
- ``crash``: any other exception, anywhere (a bug);
- ``accepted``: validated, then a later stage refused it for a reason other than resources
  (validate missed something: an invalid file accepted);
- ``badmsg``: a refusal whose message does not name the source (every error must say where).

>>> run_case("yaml", "name: x\\n")["outcome"]
'refused'
"""

from __future__ import annotations

import traceback
from typing import Any

SOURCE = {"yaml": "fuzz.yaml", "json": "fuzz.json", "gmcr": "fuzz.gmcr"}


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 400 else text[:400] + "..."


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(tb):
        if "/detente/" in frame.filename:
            return f"{frame.filename.split('/detente/')[-1]}:{frame.lineno} {frame.name}"
    return tb[-1].name if tb else "?"


def later_stages(conflict) -> None:
    """Everything the analysing commands do with a validated conflict."""
    from detente import analyze
    from detente.analysis.briefing import brief
    from detente.analysis.hypergame import analyze_hypergame
    from detente.analysis.perspectives import analyze_perspectives
    from detente.analysis.sweep import sweep

    result = analyze(conflict)
    result.to_dict()
    if conflict.perspectives:
        analyze_perspectives(conflict)
    if conflict.perceptions:
        analyze_hypergame(conflict)
    if conflict.outcomes:
        brief(conflict)  # declared sweeps included
        return
    for s in conflict.sweeps:
        sweep(conflict, parameter=s.parameter, lo=s.lo, hi=s.hi, steps=s.steps, precision=s.precision,
              perspective=s.perspective)


def validate(conflict) -> None:
    """What ``detente validate`` runs after loading."""
    from detente.cli.validate_cmd import compile_all, summary

    summary(conflict, compile_all(conflict))


def run_case(fmt: str, text: str, *, later: bool = True) -> dict[str, Any]:
    """Load, validate and (if ``later``) analyse one case; see the module docstring."""
    from detente.errors import DetenteError, ModelTooLargeError
    from detente.io import loads

    source = SOURCE[fmt]
    stage = "load"
    try:
        conflict = loads(text, fmt, source)
        stage = "validate"
        validate(conflict)
    except DetenteError as exc:
        msg = str(exc)
        if source not in msg and "<" not in msg:
            return {"outcome": "badmsg", "stage": stage, "error": _short(exc)}
        if stage == "validate" or isinstance(exc, ModelTooLargeError):
            return {"outcome": "refused", "stage": stage, "error": _short(exc)}
        return {"outcome": "refused", "stage": stage, "error": _short(exc)}
    except Exception as exc:  # noqa: BLE001 - classifying bugs is the point
        return {"outcome": "crash", "stage": stage, "error": _short(exc), "where": _where(exc)}
    if not later:
        return {"outcome": "ok", "stage": "validate"}
    stage = "later"
    try:
        later_stages(conflict)
    except ModelTooLargeError as exc:
        return {"outcome": "ok", "stage": stage, "error": _short(exc)}
    except DetenteError as exc:
        return {"outcome": "accepted", "stage": stage, "error": _short(exc)}
    except Exception as exc:  # noqa: BLE001
        return {"outcome": "crash", "stage": stage, "error": _short(exc), "where": _where(exc)}
    return {"outcome": "ok", "stage": stage}
