"""Files to :class:`~detente.model.Conflict` objects and back. The engine knows nothing of files.

Formats: scenario files (``.yaml``/``.yml``/``.json``, one schema: :mod:`detente.io.schema`) and
GMCR+ save files (``.gmcr``, :mod:`detente.io.gmcr`). Every problem with a file raises a
:class:`~detente.errors.DetenteError` naming the file, the field and the reason.

>>> import detente.io as dio
>>> c = dio.loads('''{"options": [{"name": "Cooperate", "permittedDirection": "both"},
...                              {"name": "Cooperate", "permittedDirection": "both"}],
...                  "decisionMakers": [
...                    {"name": "Prisoner One", "options": [0], "preferences": [[[1, "Y"]], [[0, "N"]]]},
...                    {"name": "Prisoner Two", "options": [1], "preferences": [[[0, "Y"]], [[1, "N"]]]}],
...                  "infeasibles": [], "useManualPreferenceRanking": false}''', "gmcr")
>>> [o.key for o in c.options], c.decision_makers[0].preference.statements
(['prisoner_one.cooperate', 'prisoner_two.cooperate'], ['prisoner_two.cooperate', 'not prisoner_one.cooperate'])
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import FileFormatError
from ..model import Conflict
from .scenario import (conflict_to_data, data_to_conflict, dump_scenario, dumps_scenario, load_scenario,
                       loads_scenario, parse_json, read_text)
from .validate import validate_conflict

_GMCR_NAMES = ("conflict_to_gmcr", "dump_gmcr", "dumps_gmcr", "gmcr_to_conflict", "load_gmcr", "loads_gmcr")


def __getattr__(name: str):
    """The GMCR+ reader/writer and the JSON schema are imported when first used."""
    import importlib

    if name in _GMCR_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.gmcr"), name)
    elif name == "scenario_json_schema":
        value = importlib.import_module(f"{__name__}.schema").scenario_json_schema
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".gmcr": "gmcr"}


def _looks_like_gmcr(data) -> bool:
    return isinstance(data, dict) and "decisionMakers" in data


def format_of(path: str | os.PathLike[str]) -> str:
    """``yaml``, ``json`` or ``gmcr`` from a file name's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FileFormatError(f"unknown file type '{suffix or '(no extension)'}': use .yaml, .yml, .json or .gmcr",
                              source=str(path))
    return FORMATS[suffix]


def loads(text: str, fmt: str = "yaml", source: str = "<string>") -> Conflict:
    """A Conflict from text: ``fmt`` is ``yaml``, ``json`` or ``gmcr`` (JSON with ``decisionMakers``
    is read as GMCR+ whatever ``fmt`` says)."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"not UTF-8 text (byte {exc.start} cannot be decoded)", source=source) from None
    if not isinstance(text, str):
        raise FileFormatError(f"expected the file's text, got {type(text).__name__}", field="text", source="<api>")
    if not isinstance(fmt, str):
        raise FileFormatError(f"expected a format name (yaml, json or gmcr), got {fmt!r:.40}", field="fmt",
                              source="<api>")
    fmt = fmt.lower().lstrip(".")
    if fmt == "yml":
        fmt = "yaml"
    if fmt == "gmcr":
        from .gmcr import loads_gmcr
        return loads_gmcr(text, source)
    if fmt == "json":
        data = parse_json(text, source)
        if _looks_like_gmcr(data):
            from .gmcr import gmcr_to_conflict
            return gmcr_to_conflict(data, source)
        return data_to_conflict(data, source)
    if fmt == "yaml":
        return loads_scenario(text, "yaml", source)
    raise FileFormatError(f"unknown format '{fmt}' (use yaml, json or gmcr)", source=source)


def load(path: str | os.PathLike[str]) -> Conflict:
    """Read a conflict from ``.yaml``/``.yml``/``.json`` (scenario) or ``.gmcr`` (GMCR+).

    A ``.json`` file whose top level has ``decisionMakers`` is read as a GMCR+ file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise FileFormatError(f"expected a file path, got {type(path).__name__}", field="path", source="<api>")
    if Path(path).is_dir():
        raise FileFormatError("is a directory, not a scenario file", source=str(path))
    fmt = format_of(path)
    return loads(read_text(path), fmt, str(path))


def save(conflict: Conflict, path: str | os.PathLike[str]) -> None:
    """Write ``conflict`` in the format the extension names (``.yaml``/``.yml``/``.json``/``.gmcr``)."""
    if format_of(path) == "gmcr":
        from .gmcr import dump_gmcr
        dump_gmcr(conflict, path)
    else:
        dump_scenario(conflict, path)


def dumps(conflict: Conflict, fmt: str = "yaml") -> str:
    """``conflict`` as text in ``fmt`` (``yaml``, ``json`` or ``gmcr``)."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "gmcr":
        from .gmcr import dumps_gmcr
        return dumps_gmcr(conflict)
    return dumps_scenario(conflict, fmt)


def convert(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Conflict:
    """Read ``src`` and write it to ``dst``, formats from the extensions; returns the conflict."""
    conflict = load(src)
    save(conflict, dst)
    return conflict


__all__ = ["load", "loads", "save", "dumps", "convert", "format_of", "load_scenario", "loads_scenario",
           "dump_scenario", "dumps_scenario", "load_gmcr", "loads_gmcr", "dump_gmcr", "dumps_gmcr",
           "gmcr_to_conflict", "conflict_to_gmcr", "conflict_to_data", "data_to_conflict", "validate_conflict",
           "scenario_json_schema"]
