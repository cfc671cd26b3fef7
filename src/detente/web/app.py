"""The web app: a JSON API over the analyses and one page that uses it.

Run ``detente serve`` (or ``uvicorn detente.web.app:app``) and open http://127.0.0.1:8000.
The API takes a scenario as text (YAML, JSON or GMCR+ JSON) so nothing is read from the
server's disk except the bundled examples; every error comes back as HTTP 422 with the field
and reason, never a traceback.

Endpoints: ``GET /api/examples``, ``GET /api/examples/{name}``, ``POST /api/validate``,
``POST /api/analyze``, ``POST /api/explain``, ``POST /api/sweep``, ``POST /api/brief``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

import detente
from detente.errors import DetenteError

STATIC = Path(__file__).parent / "static"
MAX_SCENARIO_CHARS = 1_000_000


def _examples_dir() -> Path | None:
    """The repository's examples folder, when detente runs from a checkout."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "examples"
        if (cand / "ukraine-ceasefire.yaml").exists():
            return cand
    return None


class ScenarioRequest(BaseModel):
    """A scenario as text plus what to compute."""

    scenario: str = Field(..., max_length=MAX_SCENARIO_CHARS, description="YAML, JSON or .gmcr text")
    format: str = Field("yaml", pattern="^(yaml|json|gmcr)$")
    concepts: list[str] = Field(default_factory=lambda: ["nash", "gmr", "smr", "seq"])
    parameters: dict[str, float] = Field(default_factory=dict)
    perspective: str | None = None


class ExplainRequest(ScenarioRequest):
    state: int


class SweepRequest(ScenarioRequest):
    parameter: str
    lo: float
    hi: float
    steps: int = Field(21, ge=2, le=401)
    precision: float | None = None


def _conflict(req: ScenarioRequest):
    from detente.io import loads

    return loads(req.scenario, req.format, source="<request>")


def _fail(exc: DetenteError) -> HTTPException:
    return HTTPException(status_code=422, detail={"error": exc.reason, "field": exc.field,
                                                  "source": exc.source, "message": str(exc)})


def create_app() -> FastAPI:
    app = FastAPI(title="detente", version=detente.__version__,
                  description="Strategic conflict analysis: GMCR stability, hypergames, sweeps.")

    @app.exception_handler(DetenteError)
    async def _detente_error(_request, exc: DetenteError):  # pragma: no cover - routes convert first
        return JSONResponse(status_code=422, content={"detail": {"error": exc.reason, "field": exc.field}})

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return (STATIC / "index.html").read_text(encoding="utf-8")

    @app.get("/api/examples")
    def examples() -> list[str]:
        d = _examples_dir()
        return sorted(p.name for p in d.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".gmcr")) if d else []

    @app.get("/api/examples/{name}")
    def example(name: str) -> dict[str, str]:
        d = _examples_dir()
        if d is None or "/" in name or "\\" in name or name.startswith("."):
            raise HTTPException(404, detail={"error": f"no example named {name!r}"})
        path = d / name
        if not path.is_file():
            raise HTTPException(404, detail={"error": f"no example named {name!r}"})
        fmt = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".gmcr": "gmcr"}[path.suffix]
        return {"name": name, "format": fmt, "scenario": path.read_text(encoding="utf-8")}

    @app.post("/api/validate")
    def validate(req: ScenarioRequest) -> dict[str, Any]:
        try:
            conflict = _conflict(req)
            from detente.analysis.compile import compile_conflict

            comp = compile_conflict(conflict, req.parameters)
        except DetenteError as exc:
            raise _fail(exc) from None
        return {"ok": True, "name": conflict.name, "decision_makers": conflict.dm_names,
                "options": [o.qualified_name for o in conflict.options], "n_states": comp.n_states,
                "outcomes": list(comp.outcomes), "parameters": comp.parameters,
                "perspectives": list(conflict.perspectives)}

    @app.post("/api/analyze")
    def analyze(req: ScenarioRequest) -> dict[str, Any]:
        try:
            conflict = _conflict(req)
            result = detente.analyze(conflict, concepts=req.concepts, parameters=req.parameters,
                                     perspective=req.perspective)
            out = result.to_dict(include_witnesses=False)
            out["perspectives_available"] = list(conflict.perspectives)
            out["status_quo"] = _status_quo(result)
        except DetenteError as exc:
            raise _fail(exc) from None
        return out

    @app.post("/api/explain")
    def explain(req: ExplainRequest) -> dict[str, Any]:
        try:
            result = detente.analyze(_conflict(req), concepts=req.concepts, parameters=req.parameters,
                                     perspective=req.perspective)
            return {"state": result.state_info(req.state), "text": result.explain(req.state),
                    "witnesses": result.witnesses(req.state)}
        except DetenteError as exc:
            raise _fail(exc) from None

    @app.post("/api/sweep")
    def sweep(req: SweepRequest) -> dict[str, Any]:
        from detente.analysis.sweep import sweep as run_sweep
        from detente.report.sweep_plot import sweep_svg

        try:
            res = run_sweep(_conflict(req), parameter=req.parameter, lo=req.lo, hi=req.hi, steps=req.steps,
                            precision=req.precision, concepts=req.concepts, parameters=req.parameters,
                            perspective=req.perspective)
        except DetenteError as exc:
            raise _fail(exc) from None
        out = res.to_dict()
        out["svg"] = sweep_svg(res)
        return out

    @app.post("/api/brief")
    def brief(req: ScenarioRequest) -> dict[str, Any]:
        from detente.analysis.briefing import brief as run_brief
        from detente.report.briefing import briefing_text

        try:
            b = run_brief(_conflict(req), concepts=req.concepts, parameters=req.parameters)
        except DetenteError as exc:
            raise _fail(exc) from None
        return {"text": briefing_text(b), "briefing": b.to_dict()}

    return app


def _status_quo(result) -> int | None:
    from detente.analysis.briefing import status_quo_state

    return status_quo_state(result)


app = create_app()
