"""The web app: build, save and explore a conflict model in the browser, over a JSON API.

Run ``detente serve`` (or ``uvicorn detente.web.app:app``) and open http://127.0.0.1:8000.

- **Models** are saved in a database (:mod:`detente.web.store`): ``GET /api/models``,
  ``GET/PUT/DELETE /api/models/{name}``, ``GET /api/models/{name}/revisions``, one revision's
  text, a comparison of two revisions, restore, and export as YAML, JSON or ``.gmcr``.
- **Computations** (validate, analyze, explain, graph, sweep, evolve, coalitions, inverse,
  hypergame, perspectives, brief, report, convert, levers, map) each run in a worker process
  bounded in time and memory (:mod:`detente.web.jobs`): ``POST /api/{task}`` answers when done
  (and stops the work if the client disconnects); ``POST /api/jobs/{task}`` starts it in the
  background, ``GET /api/job/{id}`` reports progress and the result, ``DELETE`` cancels.
- **Safe by default**: requests whose ``Host`` is not this machine's are refused (DNS
  rebinding), bodies over the cap get 413, every field is bounded, every error has one shape
  (``{"detail": {"error", "field", "source", "message", "problems"}}``, as documented in the
  OpenAPI schema), and security headers (a strict Content-Security-Policy among them) are set.
"""

from __future__ import annotations

import difflib
import os
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente import __version__
from detente.errors import DetenteError

from .jobs import Job, JobRefused, Pool
from .store import NotFound, Store

STATIC = Path(__file__).parent / "static"
MAX_SCENARIO_CHARS = 1_000_000
MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest request body: room for every field at its bound, even JSON-escaped (a character of the
scenario can take 12 bytes as a ``\\uXXXX\\uXXXX`` pair); a 50 MB body gets 413."""

DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

Concept = Literal["nash", "gmr", "smr", "seq", "sim", "seqsim"]
_DEFAULT_CONCEPTS: list[Concept] = ["nash", "gmr", "smr", "seq"]
Format = Literal["yaml", "json", "gmcr"]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(max_length=200)]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
ModelName = Annotated[str, PathParam(min_length=1, max_length=100, pattern=r"^[^/\\\x00-\x1f\x7f]+$",
                                     description="the model's name (1-100 characters, no slashes)")]
REVISION_MAX = 2**31 - 1


def _writable(value: Any, where: str = "text") -> Any:
    """Refuse text that cannot be written as UTF-8 (lone surrogates), recursively."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{where} contains a character that is not valid Unicode (a lone surrogate)") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _writable(k, where)
            _writable(v, where)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _writable(v, where)
    return value


def _printable(text: str) -> str:
    """``text`` with anything UTF-8 cannot carry (lone surrogates) written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _Body(BaseModel):
    # strict: a number is not accepted as text, nor `false` as a number, as the document says
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _unicode(cls, value: Any, info) -> Any:
        return _writable(value, info.field_name)


# -- requests --------------------------------------------------------------------------------------
class ScenarioRequest(_Body):
    """A scenario as text plus what to compute."""

    scenario: str = Field(..., min_length=1, max_length=MAX_SCENARIO_CHARS,
                          description="the model as YAML, JSON or GMCR+ .gmcr text")
    format: Format = Field("yaml", description="how `scenario` is written")
    concepts: list[Concept] = Field(default_factory=lambda: list(_DEFAULT_CONCEPTS), min_length=1,
                                    max_length=6, description="stability concepts to analyse")
    parameters: dict[Name, Finite] = Field(default_factory=dict, max_length=100,
                                           description="parameter values overriding the model's")
    perspective: Short | None = Field(None, description="analyse the model as this perspective sees it")


class ExplainRequest(ScenarioRequest):
    state: int = Field(..., ge=1, le=REVISION_MAX, description="state number (1-based)")


class GraphRequest(ScenarioRequest):
    concept: Concept | None = Field(None, description="equilibria marked (default SEQ)")
    focus: list[Annotated[int, Field(ge=1, le=REVISION_MAX)]] = Field(default_factory=list, max_length=50)
    max_nodes: int = Field(80, ge=2, le=300)
    max_arcs: int = Field(600, ge=1, le=3000)


class SweepRequest(ScenarioRequest):
    parameter: Name
    lo: Finite
    hi: Finite
    steps: int = Field(21, ge=2, le=401)
    precision: Annotated[float, Field(allow_inf_nan=False, ge=1e-12, le=1000000000000000.0)] | None = None


class EvolveRequest(ScenarioRequest):
    status_quo: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="a state number, outcome name or condition (default: the model's status quo)")


class CoalitionsRequest(ScenarioRequest):
    coalitions: list[Annotated[list[Name], Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=50, description="groups of DM names (default: the model's, else all)")


class InverseRequest(ScenarioRequest):
    state: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        ..., description="a state number, outcome name or condition")
    concept: Literal["nash", "gmr", "smr", "seq"] = "gmr"
    dms: list[Name] | None = Field(None, max_length=50, description="DMs whose preferences may change")


class ConvertRequest(ScenarioRequest):
    to: Format = Field("yaml", description="format to convert to")


class LeversRequest(ScenarioRequest):
    outcome: Short | None = None
    state: Annotated[int, Field(ge=1, le=REVISION_MAX)] | None = None
    dm: Short | None = None
    concept: Concept = "seq"


class Axis(_Body):
    parameter: Name
    lo: Finite
    hi: Finite
    n: int = Field(11, ge=2, le=41)


class MapRequest(LeversRequest):
    x: Axis
    y: Axis


class SaveRequest(_Body):
    scenario: str = Field(..., min_length=1, max_length=MAX_SCENARIO_CHARS)
    format: Format = "yaml"
    note: Annotated[str, StringConstraints(max_length=500)] = ""


# -- responses ---------------------------------------------------------------------------------------
class Problem(BaseModel):
    field: str | None
    error: str


class ErrorDetail(BaseModel):
    error: str = Field(description="the reason")
    field: str | None = Field(description="where: a dotted field path")
    source: str | None = Field(description="what was read: <request>, a model name, ...")
    message: str = Field(description="one line as the CLI prints it")
    problems: list[Problem] = Field(description="every problem found (at least the one above)")


class ErrorBody(BaseModel):
    detail: ErrorDetail


class ModelSummary(BaseModel):
    name: str
    revision: int
    updated: str | None


class ModelText(BaseModel):
    name: str
    scenario: str
    format: Format
    revision: int
    latest: int
    note: str
    saved: str | None


class Saved(BaseModel):
    name: str
    revision: int
    saved: str | None


class RevisionInfo(BaseModel):
    revision: int
    format: Format
    note: str
    saved: str | None
    size: int


class Comparison(BaseModel):
    name: str
    a: int
    b: int
    diff: str


class Example(BaseModel):
    name: str
    format: Format
    scenario: str


JobId = Annotated[str, PathParam(min_length=32, max_length=32, pattern="^[0-9a-f]{32}$")]


class Deleted(BaseModel):
    deleted: str


class JobStatus(BaseModel):
    id: str
    task: str
    state: Literal["running", "done", "error", "failed", "cancelled"]
    done: int
    total: int
    elapsed: float
    result: dict[str, Any] | None = None
    error: ErrorDetail | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "refused: the Host header is not this machine's"},
    413: {"model": ErrorBody, "description": "the request body is too large"},
    422: {"model": ErrorBody, "description": "bad input: the field and the reason"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "no such model, revision, example or job"}}
BUSY: dict[int | str, dict[str, Any]] = {429: {"model": ErrorBody, "description": "too many computations are running"},
        500: {"model": ErrorBody, "description": "an internal error (a bug to report)"}}


def _error_body(message: str, field: str | None = None, source: str | None = "<request>",
                problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": {"error": message, "field": field, "source": source,
                       "message": f"{source + ', ' if source else ''}{'field ' + repr(field) + ': ' if field else ''}"
                                  f"{message}",
                       "problems": problems if problems is not None else [{"field": field, "error": message}]}}


def _error_response(status: int, message: str, field: str | None = None, **kw: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content=_error_body(message, field, **kw))


def _detente_response(exc: DetenteError, status: int = 422) -> JSONResponse:
    from .tasks import error_dict

    return JSONResponse(status_code=status, content={"detail": error_dict(exc)})


# -- middleware ----------------------------------------------------------------------------------------
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 b"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
                                 b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cache-control", b"no-store"),
]


class Guard:
    """ASGI middleware: Host check, body cap, security headers on every response."""

    def __init__(self, app, *, allowed_hosts: set[str] | None, max_body: int):
        self.app = app
        self.allowed = allowed_hosts
        self.max_body = max_body

    async def _send_error(self, send, status: int, message: str, field: str) -> None:
        import json

        body = json.dumps(_error_body(message, field)).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    def _host_ok(self, scope) -> bool:
        if self.allowed is None:
            return True
        host = ""
        for k, v in scope.get("headers", []):
            if k == b"host":
                host = v.decode("latin-1")
                break
        if not host:
            return False
        h = host.strip().lower()
        if h.startswith("["):
            h = h[: h.find("]") + 1] if "]" in h else h
        elif h.count(":") == 1:
            h = h.split(":", 1)[0]
        return h in self.allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if not self._host_ok(scope):
            return await self._send_error(send, 400, "this server answers only requests addressed to this machine "
                                          "(the Host header names another host); start it with --allow-host "
                                          "NAME to serve that name", "host")
        length = None
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    length = int(v)
                except ValueError:
                    length = None
        too_big = f"the request body is larger than {self.max_body:,} bytes"
        if length is not None and length > self.max_body:
            return await self._send_error(send, 413, too_big, "body")

        received = 0
        over = False

        async def limited_receive():
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    over = True
                    raise _BodyTooLarge()
            return message

        started = False

        async def secured_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except _BodyTooLarge:
            if not started:
                await self._send_error(send, 413, too_big, "body")


class _BodyTooLarge(Exception):
    pass


# -- the app --------------------------------------------------------------------------------------------
def _examples_dir() -> Path | None:
    """The repository's examples folder, when detente runs from a checkout."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "examples"
        if (cand / "ukraine-ceasefire.yaml").exists():
            return cand
    return None


TASK_MODELS: dict[str, type[ScenarioRequest]] = {
    "validate": ScenarioRequest, "analyze": ScenarioRequest, "explain": ExplainRequest, "graph": GraphRequest,
    "sweep": SweepRequest, "evolve": EvolveRequest, "coalitions": CoalitionsRequest, "inverse": InverseRequest,
    "hypergame": ScenarioRequest, "perspectives": ScenarioRequest, "brief": ScenarioRequest,
    "report": ScenarioRequest, "convert": ConvertRequest, "parse": ScenarioRequest, "levers": LeversRequest, "map": MapRequest,
}
TASK_SUMMARIES = {
    "validate": "Check a model: every problem with its field, the feasible states, each DM's ranking",
    "analyze": "Stability of every state for every DM and concept; equilibria; named outcomes",
    "explain": "Every DM's verdict at one state, in words (the move and the sanction behind it)",
    "graph": "The state-transition graph (filtered for big models), laid out in columns",
    "sweep": "Sweep one parameter and locate the tipping points",
    "evolve": "Where the conflict can go from a status quo",
    "coalitions": "Coalition stability",
    "inverse": "Inverse analysis: preferences that would make a state an equilibrium",
    "hypergame": "Hypergame analysis from the model's perceptions",
    "perspectives": "The model and its named perspectives side by side",
    "brief": "The answer-first briefing",
    "report": "The self-contained HTML report",
    "convert": "The model in another format (YAML, JSON, .gmcr)",
    "parse": "The text as scenario data (syntax only, for editors; .gmcr converted)",
    "levers": "Which parameters decide an outcome, and where each one tips it",
    "map": "Where an outcome holds over two parameters (a 2-D map)",
}


def create_app(db: str | os.PathLike[str] | None = None, *, allowed_hosts: list[str] | None = None,
               any_host: bool = False, timeout: float = 60.0, memory_mb: int = 4096,
               max_jobs: int | None = None, max_body: int = MAX_BODY_BYTES) -> FastAPI:
    """The web app.

    Parameters
    ----------
    db : str or path, optional
        Where models are saved: an SQLAlchemy URL or an SQLite file path (default: a file in the
        user's data folder; the environment variable ``DETENTE_DB`` overrides the default). The
        database is opened on the first request that needs it.
    allowed_hosts : list of str, optional
        Host names accepted besides 127.0.0.1, localhost and ::1.
    any_host : bool
        Accept every Host header (behind a proxy that checks it).
    timeout, memory_mb, max_jobs
        Limits of each computation: wall-clock seconds, MiB of address space, and how many run
        at once.
    max_body : int
        Largest request body in bytes (larger: 413).

    Examples
    --------
    >>> import detente, detente.io
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app("sqlite://"), base_url="http://127.0.0.1")
    >>> client.put("/api/models/pd", json={"scenario": detente.io.dumps(detente.examples.prisoners_dilemma()),
    ...                                    "format": "yaml"}).json()["revision"]
    1
    >>> client.get("/api/models").json()[0]["name"]
    'pd'
    """
    pool = Pool(timeout=timeout, memory_mb=memory_mb, max_jobs=max_jobs)
    state: dict[str, Any] = {"store": None}

    @asynccontextmanager
    async def lifespan(_app):
        import asyncio

        async def reaper() -> None:
            # Background jobs whose page stopped asking about them (closed tab) are stopped.
            while True:
                await asyncio.sleep(2.0)
                pool.reap()

        task = asyncio.create_task(reaper())
        yield
        task.cancel()
        pool.shutdown()
        if state["store"] is not None:
            state["store"].close()
            state["store"] = None

    app = FastAPI(title="detente", lifespan=lifespan, version=__version__,
                  description="Strategic conflict analysis: build, save and explore GMCR models. Every error "
                              "has the shape of ErrorBody.")
    hosts = None if any_host else {h.lower() for h in (*DEFAULT_HOSTS, *(allowed_hosts or []))}
    db_spec = db if db is not None else os.environ.get("DETENTE_DB") or None
    app.state.pool = pool

    def store() -> Store:
        if state["store"] is None:
            state["store"] = Store(db_spec)
        return state["store"]

    app.state.store = store

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            loc = [_printable(str(x)) for x in e.get("loc", ()) if x not in ("body",)]
            msg = _printable(str(e.get("msg", "invalid")))
            problems.append({"field": ".".join(loc) or None, "error": msg})
        if not problems:
            problems = [{"field": None, "error": "invalid request"}]
        first = problems[0]
        return JSONResponse(status_code=422, content=_error_body(str(first["error"]), first["field"],
                                                                  problems=problems[:50]))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        response = _error_response(exc.status_code, detail, None, source=None)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        if exc.status_code == 405:
            # Every method any route serves at this path (FastAPI makes one route per method).
            from starlette.routing import Match

            methods: set[str] = set()
            for route in app.router.routes:
                match, _ = route.matches({**request.scope, "method": "GET"}) if hasattr(route, "matches") \
                    else (Match.NONE, None)
                if match != Match.NONE and getattr(route, "methods", None):
                    methods |= set(getattr(route, "methods"))
            if methods:
                response.headers["allow"] = ", ".join(sorted(methods))
        return response

    @app.exception_handler(NotFound)
    async def _not_found(_request, exc: NotFound):
        return _detente_response(exc, 404)

    @app.exception_handler(JobRefused)
    async def _refused(_request, exc: JobRefused):
        return _detente_response(exc, exc.status)

    @app.exception_handler(DetenteError)
    async def _detente(_request, exc: DetenteError):
        return _detente_response(exc, 422)

    # -- page and static files -------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- examples -------------------------------------------------------------------------------------
    @app.get("/api/examples", summary="The bundled example models", responses=ERRORS)
    def examples() -> list[str]:
        d = _examples_dir()
        return sorted(p.name for p in d.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".gmcr")) if d else []

    @app.get("/api/examples/{name}", summary="One bundled example's text", responses={**ERRORS, **NOT_FOUND})
    def example(name: ModelName) -> Example:
        d = _examples_dir()
        if d is None or name.startswith(".") or name not in {p.name for p in d.iterdir()}:
            raise NotFound(f"no example named {name!r}", field="name", source="<request>")
        path = d / name
        fmt = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".gmcr": "gmcr"}.get(path.suffix)
        if fmt is None or not path.is_file():
            raise NotFound(f"no example named {name!r}", field="name", source="<request>")
        return Example(name=name, format=fmt, scenario=path.read_text(encoding="utf-8"))  # type: ignore[arg-type]

    # -- saved models ---------------------------------------------------------------------------------
    async def _check_model(text: str, fmt: str) -> None:
        job = await _start("validate", {"scenario": text, "format": fmt})
        await pool.wait(job)
        result = _job_result(job)
        if not result.get("ok"):
            raise _ProblemError(result)

    @app.get("/api/models", summary="Saved models, with their newest revision", responses=ERRORS)
    async def list_models() -> list[ModelSummary]:
        return [ModelSummary(**m) for m in await run_in_threadpool(lambda: store().list())]

    @app.get("/api/models/{name}", summary="A saved model's text (newest revision, or ?revision=N)",
             responses={**ERRORS, **NOT_FOUND})
    async def get_model(name: ModelName,
                        revision: Annotated[int | None, Query(ge=1, le=REVISION_MAX)] = None) -> ModelText:
        return ModelText(**await run_in_threadpool(lambda: store().get(name, revision)))

    @app.put("/api/models/{name}", summary="Save a model: a new revision, committed before the answer",
             responses={**ERRORS, **BUSY})
    async def put_model(name: ModelName, body: SaveRequest) -> Saved:
        _writable(name, "name")
        await _check_model(body.scenario, body.format)
        saved = await run_in_threadpool(lambda: store().save(name, body.scenario, body.format, body.note))
        return Saved(**saved)

    @app.delete("/api/models/{name}", summary="Delete a model and its revisions", responses={**ERRORS, **NOT_FOUND})
    async def delete_model(name: ModelName) -> Deleted:
        await run_in_threadpool(lambda: store().delete(name))
        return Deleted(deleted=name)

    @app.get("/api/models/{name}/revisions", summary="A model's revisions, newest first",
             responses={**ERRORS, **NOT_FOUND})
    async def model_revisions(name: ModelName) -> list[RevisionInfo]:
        return [RevisionInfo(**r) for r in await run_in_threadpool(lambda: store().revisions(name))]

    @app.get("/api/models/{name}/revisions/{revision}", summary="One revision's text",
             responses={**ERRORS, **NOT_FOUND})
    async def model_revision(name: ModelName,
                             revision: Annotated[int, PathParam(ge=1, le=REVISION_MAX)]) -> ModelText:
        return ModelText(**await run_in_threadpool(lambda: store().get(name, revision)))

    @app.post("/api/models/{name}/revisions/{revision}/restore",
              summary="Save an earlier revision again as the newest", responses={**ERRORS, **NOT_FOUND})
    async def restore_revision(name: ModelName,
                               revision: Annotated[int, PathParam(ge=1, le=REVISION_MAX)]) -> Saved:
        return Saved(**await run_in_threadpool(lambda: store().restore(name, revision)))

    @app.get("/api/models/{name}/compare", summary="Compare two revisions (a unified diff of their texts)",
             responses={**ERRORS, **NOT_FOUND})
    async def compare(name: ModelName, a: Annotated[int, Query(ge=1, le=REVISION_MAX)],
                      b: Annotated[int, Query(ge=1, le=REVISION_MAX)]) -> Comparison:
        ra = await run_in_threadpool(lambda: store().get(name, a))
        rb = await run_in_threadpool(lambda: store().get(name, b))
        diff = "".join(difflib.unified_diff(ra["scenario"].splitlines(True), rb["scenario"].splitlines(True),
                                            f"revision {a}", f"revision {b}"))
        return Comparison(name=name, a=a, b=b, diff=diff)

    @app.get("/api/models/{name}/export", summary="Download a saved model as YAML, JSON or .gmcr",
             responses={**ERRORS, **NOT_FOUND, **BUSY,
                        200: {"content": {"application/octet-stream": {"schema": {"type": "string"}}},
                              "description": "the file"}},
             response_class=Response)
    async def export_model(name: ModelName, format: Format = "yaml",
                           revision: Annotated[int | None, Query(ge=1, le=REVISION_MAX)] = None) -> Response:
        saved = await run_in_threadpool(lambda: store().get(name, revision))
        job = await _start("convert", {"scenario": saved["scenario"], "format": saved["format"], "to": format})
        await pool.wait(job)
        text = _job_result(job)["scenario"]
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "model"
        ext = {"yaml": "yaml", "json": "json", "gmcr": "gmcr"}[format]
        return Response(text.encode("utf-8"), media_type="application/octet-stream",
                        headers={"content-disposition": f'attachment; filename="{stem}.{ext}"'})

    # -- computations ---------------------------------------------------------------------------------
    async def _start(task: str, req: dict[str, Any]) -> Job:
        import asyncio

        for _ in range(600):
            try:
                return pool.start(task, req)
            except JobRefused as exc:
                if exc.status != 429:
                    raise
                await asyncio.sleep(0.05)
        return pool.start(task, req)

    def _job_result(job: Job) -> dict[str, Any]:
        import json

        if job.result is not None:
            return json.loads(job.result)
        raise _JobFailed(job)

    def _add_task(task: str, model: type[ScenarioRequest]) -> None:
        async def sync_endpoint(body: model, request: Request) -> Response:  # type: ignore[valid-type]
            job = await _start(task, body.model_dump())  # type: ignore[attr-defined]
            await pool.wait(job, request)
            if job.result is not None:
                return Response(job.result, media_type="application/json")
            raise _JobFailed(job)

        async def job_endpoint(body: model) -> JobStatus:  # type: ignore[valid-type]
            job = await _start(task, body.model_dump())  # type: ignore[attr-defined]
            return _status(job)

        # Annotations are strings under `from __future__ import annotations`: give FastAPI the types.
        sync_endpoint.__annotations__ = {"body": model, "request": Request, "return": Response}
        job_endpoint.__annotations__ = {"body": model, "return": JobStatus}
        sync_endpoint.__name__ = f"{task}_now"
        job_endpoint.__name__ = f"{task}_job"
        app.post(f"/api/{task}", summary=TASK_SUMMARIES[task], response_model=dict[str, Any],
                 responses={**ERRORS, **BUSY})(sync_endpoint)
        app.post(f"/api/jobs/{task}", summary=f"Start in the background: {TASK_SUMMARIES[task].lower()}",
                 responses={**ERRORS, **BUSY})(job_endpoint)

    for task, model in TASK_MODELS.items():
        if task in ("levers", "map") and not _have_levers():
            continue
        _add_task(task, model)

    def _status(job: Job) -> JobStatus:
        import json

        job.poll()
        result = json.loads(job.result) if job.result is not None else None
        return JobStatus(id=job.id, task=job.name, state=job.state, done=job.done, total=job.total,  # type: ignore[arg-type]
                         elapsed=round(job.elapsed, 3), result=result,
                         error=ErrorDetail(**job.error) if job.error else None)

    @app.get("/api/job/{job_id}", summary="A background job's progress, and its result once done",
             responses={**ERRORS, **NOT_FOUND, **BUSY})
    def job_status(job_id: JobId) -> JobStatus:
        import time

        job = pool.jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id} (finished jobs are kept a minute)", field="job_id", source="<request>")
        job.last_seen = time.monotonic()
        pool.reap()
        return _status(job)

    @app.delete("/api/job/{job_id}", summary="Cancel a background job", responses={**ERRORS, **NOT_FOUND})
    def job_cancel(job_id: JobId) -> JobStatus:
        job = pool.jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", field="job_id", source="<request>")
        job.cancel()
        return _status(job)

    @app.exception_handler(_JobFailed)
    async def _failed(_request, exc: _JobFailed):
        job = exc.job
        return JSONResponse(status_code=job.status if job.status != 200 else 422,
                            content={"detail": job.error or _error_body("the computation failed")["detail"]})

    @app.exception_handler(_ProblemError)
    async def _problems(_request, exc: _ProblemError):
        r = exc.result
        return JSONResponse(status_code=422, content={"detail": {k: r.get(k) for k in
                                                                 ("error", "field", "source", "message", "problems")}})

    app.add_middleware(Guard, allowed_hosts=hosts, max_body=max_body)
    _fix_openapi(app)
    return app


def _have_levers() -> bool:
    """Whether this detente has the levers and maps analysis."""
    import importlib.util

    try:
        return importlib.util.find_spec("detente.analysis.levers") is not None
    except (ImportError, ValueError):
        return False


class _JobFailed(Exception):
    def __init__(self, job: Job):
        super().__init__(job.state)
        self.job = job


class _ProblemError(Exception):
    def __init__(self, result: dict[str, Any]):
        super().__init__(result.get("message"))
        self.result = result


def _fix_openapi(app: FastAPI) -> None:
    """Document the error shape on every operation (FastAPI's default 422 schema is replaced)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        comps = schema.get("components", {}).get("schemas", {})
        comps.pop("HTTPValidationError", None)
        comps.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
