"""``detente schema``: print the JSON Schema of scenario files (for editors and validators)."""

from __future__ import annotations

from ..errors import DetenteError
from . import app
from .common import print_json


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (YAML and JSON share it).

    Example: detente schema > scenario.schema.json
    """
    try:
        from ..io.schema import scenario_json_schema
    except ImportError as exc:  # the io package is optional for the rest of the CLI
        raise DetenteError(f"the scenario schema is not available in this installation ({exc})") from None
    print_json(scenario_json_schema())
