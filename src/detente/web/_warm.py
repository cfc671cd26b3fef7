"""Imported once by the job forkserver: loads and runs every lazily initialised part of detente
(the expression grammar, the analysis modules) so that each forked job starts warm."""

from __future__ import annotations

from . import tasks


def warm() -> None:
    """Run a tiny model through the common tasks (errors here only cost speed, never correctness)."""
    import detente
    from detente.io import dumps

    text = dumps(detente.examples.prisoners_dilemma(), "yaml")
    for name, extra in (("validate", {}), ("analyze", {}), ("explain", {"state": 1}), ("graph", {}),
                        ("convert", {"to": "gmcr"})):
        try:
            tasks.run(name, {"scenario": text, "format": "yaml", **extra})
        except Exception:  # pragma: no cover - warming is best effort
            pass
    for mod in ("detente.analysis.sweep", "detente.analysis.evolution", "detente.analysis.coalitions",
                "detente.analysis.inverse", "detente.analysis.hypergame", "detente.analysis.perspectives",
                "detente.analysis.report_data", "detente.report.builder", "detente.report.html",
                "detente.report.sweep_plot"):
        try:
            __import__(mod)
        except Exception:  # pragma: no cover
            pass


warm()
