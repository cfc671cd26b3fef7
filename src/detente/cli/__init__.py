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

and add one line for it to :data:`COMMANDS` at the bottom of this file (its modules and the one-line
help ``detente --help`` shows without importing them). Every command runs inside
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

    def format_help(self, ctx, formatter):  # type: ignore[override]
        # the command list shows each command's one-line help from COMMANDS: no module imported
        self._listing = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx, cmd_name):  # type: ignore[override]
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS and getattr(self, "_listing", False):
            from typer.core import TyperCommand

            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][-1])
        if command is None and cmd_name in COMMANDS:
            command = _load_command(cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return command


def _load_command(name: str):
    """Import the modules of command ``name`` and build its click command from the typer app."""
    import importlib

    from typer.main import get_command_from_info, get_command_name

    for module in COMMANDS[name][:-1]:
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
    # command name: the modules (in this package) to import for it, then the first paragraph of
    # its docstring (what `detente --help` lists; a test keeps the two equal). One line per command.
    "analyze": ("analyze_cmd", "perspectives_ext",
                "Analyse a scenario: per-DM stability of every state, equilibria, named outcomes."),
    "explain": ("explain_cmd", "Explain a state's stability: each DM's improvements and the sanctions that deter them."),
    "validate": ("validate_cmd", "Check a scenario file and print a short summary (exit code 2 if it has a problem)."),
    "convert": ("convert_cmd", "Convert a scenario between YAML, JSON and GMCR+ (.gmcr), by file extension."),
    "schema": ("schema_cmd", "Print the JSON Schema of scenario files (YAML and JSON share it)."),
    "report": ("report_cmd", "Write a report: model, tableaux, equilibria, outcomes, graph, evolution, narratives."),
    "brief": ("brief_cmd", "The answer first (who takes the deal, why, what would change their minds), then each "
                           "perspective, the hypergame and the tipping points."),
    "montecarlo": ("montecarlo_cmd", "Draw uncertain parameters, re-analyse, and report the share of draws in which "
                                     "each answer holds, with 95% confidence intervals and the parameters that move "
                                     "the answers most."),
    "serve": ("serve_cmd", "Start the web app and print its address (build, save and explore models in the browser)."),
    "sweep": ("sweep_cmd", "Re-analyse across a parameter range and report every tipping point where an answer changes."),
    "evolve": ("evolve_cmd", "Which equilibria can the conflict reach from the status quo, and by which moves?"),
    "coalitions": ("coalitions_cmd", "Coalition stability: which groups of DMs can break which equilibria by moving "
                                     "jointly."),
    "inverse": ("inverse_cmd", "Which preference changes make STATE an equilibrium? Conditions and a smallest change."),
    "levers": ("levers_cmd", "Every parameter with a range, varied alone: the values where the verdict changes."),
    "map": ("levers_cmd", "The verdict over a 2-D grid of two parameters, with the boundary drawn."),
    "terms": ("levers_cmd", "Terms every party accepts: the values of a terms parameter at which each DM is stable "
                            "at the deal."),
}
"""Every command: the modules that define it (imported when the command is first run) and the
one-line help the command list shows."""


def load_all() -> None:
    """Import every command module (for tools that inspect :data:`app` directly)."""
    import importlib

    for entry in COMMANDS.values():
        for module in entry[:-1]:
            importlib.import_module(f"{__name__}.{module}")


__all__ = ["app", "main", "DetenteGroup", "COMMANDS", "load_all"]
