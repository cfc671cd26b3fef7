"""The ``detente`` command line: analyse, explain, validate and convert scenario files.

One module per command (``analyze_cmd.py``, ``explain_cmd.py``, ...); each registers itself on
:data:`app` with ``@app.command()``. Modules are imported only when their command runs (or when
the command list is shown), so a command pays only for its own imports. To add a command, write
``cli/<name>_cmd.py``::

    from . import app
    from .common import ScenarioFile, load_conflict, console

    @app.command()
    def summary(file: ScenarioFile) -> None:
        \"\"\"One line about a scenario.\"\"\"
        console.print(load_conflict(file).name)

and add one line for it to :data:`COMMANDS` at the bottom of this file. Every command runs inside
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

from .._version import __version__
from .common import handle_errors


class DetenteGroup(TyperGroup):
    """The command group: runs every subcommand inside the shared error handler, and imports a
    command's module (see :data:`COMMANDS`) only when that command is asked for."""

    def invoke(self, ctx):  # type: ignore[override]
        with handle_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx):  # type: ignore[override]
        return list(dict.fromkeys([*COMMANDS, *super().list_commands(ctx)]))

    def get_command(self, ctx, cmd_name):  # type: ignore[override]
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = _load_command(cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return command


def _load_command(name: str):
    """Import the modules of command ``name`` and build its click command from the typer app."""
    import importlib

    from typer.main import get_command_from_info, get_command_name

    for module in COMMANDS[name]:
        importlib.import_module(f"{__name__}.{module}")
    for info in app.registered_commands:
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == name:
            return get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                         rich_markup_mode=app.rich_markup_mode)
    return None


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


COMMANDS: dict[str, tuple[str, ...]] = {
    # command name: the modules (in this package) to import for it; one line per command
    "analyze": ("analyze_cmd", "perspectives_ext"),
    "explain": ("explain_cmd",),
    "validate": ("validate_cmd",),
    "convert": ("convert_cmd",),
    "schema": ("schema_cmd",),
    "report": ("report_cmd",),
    "brief": ("brief_cmd",),
    "montecarlo": ("montecarlo_cmd",),
    "serve": ("serve_cmd",),
    "sweep": ("sweep_cmd",),
    "evolve": ("evolve_cmd",),
    "coalitions": ("coalitions_cmd",),
    "inverse": ("inverse_cmd",),
    "levers": ("levers_cmd",),
    "map": ("levers_cmd",),
    "terms": ("levers_cmd",),
}
"""Every command and the modules that define it (imported when the command is first asked for)."""


def load_all() -> None:
    """Import every command module (for tools that inspect :data:`app` directly)."""
    import importlib

    for modules in COMMANDS.values():
        for module in modules:
            importlib.import_module(f"{__name__}.{module}")


__all__ = ["app", "main", "DetenteGroup", "COMMANDS", "load_all"]
