"""``detente convert IN OUT``: rewrite a scenario in another format, chosen by OUT's extension.

Formats: ``.yaml``/``.yml`` and ``.json`` (scenario files) and ``.gmcr`` (GMCR+ save files).
Converting to ``.gmcr`` keeps what GMCR+ can hold (options, feasibility, preferences); features
it has no place for (parameters, perspectives, ...) are an error or are dropped as
:mod:`detente.io` decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import DetenteError
from . import app
from .common import ScenarioFile, load_conflict, note


@app.command()
def convert(
    src: ScenarioFile,
    dst: Annotated[Path, typer.Argument(help="Output file: .yaml, .yml, .json or .gmcr (overwritten).",
                                        metavar="OUT", show_default=False)],
) -> None:
    """Convert a scenario between YAML, JSON and GMCR+ (.gmcr), by file extension.

    Example: detente convert examples/elmira.gmcr elmira.yaml
    """
    from .. import io as dio

    dio.format_of(dst)  # fail on an unknown output extension before reading anything
    if _same_file(src, dst):
        raise DetenteError("input and output are the same file", field="OUT", source=str(dst))
    conflict = load_conflict(src)
    try:
        dio.save(conflict, dst)
    except DetenteError as exc:
        raise exc.located(source=str(dst)) from None
    note(f"wrote {dst}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:  # pragma: no cover - unresolvable paths are not the same file
        return False
