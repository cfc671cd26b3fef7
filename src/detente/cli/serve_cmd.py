"""``detente serve``: the web app on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import DetenteError
from . import app
from .common import console


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (127.0.0.1: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[str | None, typer.Option(
        "--db", help="Where models are saved: an SQLite file or any SQLAlchemy URL "
                     "(default: models.db in your data folder, e.g. ~/.local/share/detente).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Also answer requests addressed to this host name (repeatable); others get 400.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, max=86400,
                                           help="Seconds one computation may run before it is stopped.")] = 60.0,
    memory: Annotated[int, typer.Option("--memory", min=64, max=1_048_576,
                                        help="MiB of memory one computation may use.")] = 4096,
) -> None:
    """Start the web app and print its address (build, save and explore models in the browser).

    Example: detente serve --db team.db
    """
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as exc:
        raise DetenteError(f"the web app needs FastAPI, uvicorn and SQLAlchemy ({exc.name} is missing): "
                           "pip install 'detente[web]'", field="serve") from None
    from ..web.store import Store

    hosts = list(allow_host or [])
    if host not in ("0.0.0.0", "::", ""):
        hosts.append(host)
    store = Store(db)   # open (and create) the database now, so a bad --db fails before serving
    store.close()
    web_app = create_app(store.url, allowed_hosts=hosts, timeout=timeout, memory_mb=memory)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"detente web app on http://{shown}:{port}  (models in {store.url}; Ctrl-C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")
