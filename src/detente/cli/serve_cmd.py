"""``detente serve``: the web app on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import DetenteError
from . import app
from .common import console


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Start the web app (needs the web extra: pip install 'detente\\[web]') and print its address."""
    try:
        import uvicorn

        from ..web.app import app as web_app
    except ImportError:
        raise DetenteError("the web app needs FastAPI and uvicorn: pip install 'detente[web]'",
                           field="serve") from None
    console.print(f"detente web app on http://{host}:{port}  (Ctrl-C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")
