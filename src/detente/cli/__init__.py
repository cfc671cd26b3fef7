"""The ``detente`` command line: analyse, explain, validate and convert scenario files.

One module per command (``analyze_cmd.py``, ``explain_cmd.py``, ...); each registers itself on
:data:`app` with ``@app.command()``. To add a command, write ``cli/<name>_cmd.py``::

    from . import app
    from .common import ScenarioFile, load_conflict, console

    @app.command()
    def summary(file: ScenarioFile) -> None:
        \"\"\"One line about a scenario.\"\"\"
        console.print(load_conflict(file).name)

and add its module to the import line at the bottom of this file. Every command runs inside
:func:`detente.cli.common.handle_errors` (the app's command group does it), so a
:class:`~detente.errors.DetenteError` becomes one red ``error: file, field 'x': reason`` line and
exit code 2 without any code in the command.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["--version"]).output.startswith("detente ")
True
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .. import __version__
from .common import handle_errors


class DetenteGroup(TyperGroup):
    """The command group: runs every subcommand inside the shared error handler."""

    def invoke(self, ctx):  # type: ignore[override]
        with handle_errors():
            return super().invoke(ctx)


app = typer.Typer(
    name="detente",
    cls=DetenteGroup,
    help="Strategic conflict analysis with the Graph Model for Conflict Resolution.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
"""The typer application; command modules add their commands to it."""


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """Strategic conflict analysis with the Graph Model for Conflict Resolution.

    Scenario files are YAML or JSON (see `detente schema`) or GMCR+ .gmcr files.
    """


def main() -> None:
    """Entry point of the ``detente`` console script (and ``python -m detente``)."""
    try:
        with handle_errors():
            app(prog_name="detente")
    except typer.Exit as exc:  # raised by the handler outside click's own main loop
        sys.exit(exc.exit_code)


# Command modules register themselves on `app` when imported: one line per module.
from . import analyze_cmd  # noqa: E402,F401
from . import explain_cmd  # noqa: E402,F401
from . import validate_cmd  # noqa: E402,F401
from . import convert_cmd  # noqa: E402,F401
from . import schema_cmd  # noqa: E402,F401
from . import perspectives_ext  # noqa: E402,F401
from . import report_cmd  # noqa: E402,F401
from . import brief_cmd  # noqa: E402,F401
from . import montecarlo_cmd  # noqa: E402,F401
from . import serve_cmd  # noqa: E402,F401
from . import sweep_cmd  # noqa: E402,F401
from . import evolve_cmd  # noqa: E402,F401
from . import coalitions_cmd  # noqa: E402,F401
from . import inverse_cmd  # noqa: E402,F401

__all__ = ["app", "main", "DetenteGroup"]
