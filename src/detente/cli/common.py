"""Helpers every ``detente`` command shares: loading, options, output, and the one error handler.

Commands live in their own modules (``analyze_cmd.py``, ...) and use these helpers so that they
all read scenarios, ``--set`` overrides, ``--perspective`` and ``--format`` the same way, print
JSON the same way, and fail the same way: one red line on stderr, exit code 2, never a traceback.

Extension points (lists other modules append to; see :data:`ANALYZE_EXTENSIONS`):

>>> from detente.cli import common
>>> def add_note(conflict, analysis, opts):
...     return {"note": f"{len(analysis.dm_names)} decision makers"}
>>> common.ANALYZE_EXTENSIONS.append(add_note)   # `detente analyze --format json` now has "note"
>>> common.ANALYZE_EXTENSIONS.remove(add_note)
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..errors import DetenteError

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.equilibria import Analysis
    from ..model import Conflict

EXIT_USER_ERROR = 2
"""Exit code for bad input (a scenario, an option, a file that cannot be read or written)."""
EXIT_INTERNAL_ERROR = 1
"""Exit code for a bug in detente."""

DEBUG_ENV = "DETENTE_DEBUG"

# -- extension registries ---------------------------------------------------------------------

AnalyzeExtension = Callable[["Conflict", "Analysis", dict], dict]
AnalyzeRenderer = Callable[[Console, "Conflict", "Analysis"], None]

ANALYZE_EXTENSIONS: list[AnalyzeExtension] = []
"""Hooks that add keys to ``detente analyze --format json``.

Each is called as ``hook(conflict, analysis, opts)`` and returns a dict merged into the JSON
output (return ``{}`` to add nothing). ``conflict`` is the scenario as loaded (before
``--perspective`` and ``--set`` are applied); ``analysis`` is the result printed; ``opts`` holds
``concepts`` (list), ``parameters`` (the ``--set`` overrides), ``perspective`` (str or None),
``format`` and ``all_states``. Used e.g. to add ``perspectives`` and ``hypergame`` sections.
"""

ANALYZE_RENDERERS: list[AnalyzeRenderer] = []
"""Hooks that print extra sections after ``detente analyze``'s table output.

Each is called as ``hook(console, conflict, analysis)`` with the stdout :class:`rich.console.Console`
and the same ``conflict`` and ``analysis`` as :data:`ANALYZE_EXTENSIONS`; print nothing when
there is nothing to say.
"""

# -- consoles ---------------------------------------------------------------------------------

console = Console(highlight=False)
"""Standard output (tables, reports). Rich looks up ``sys.stdout`` at every write."""
err_console = Console(stderr=True, highlight=False)
"""Standard error (errors, notes, progress)."""


def echo(text: str = "") -> None:
    """Write plain text (no markup, no wrapping) to stdout."""
    sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))


def note(message: str) -> None:
    """A dim informational line on stderr (keeps stdout clean for pipes)."""
    err_console.print(Text(message, style="dim"), soft_wrap=True)


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def busy(message: str) -> Iterator[Callable[[int, int], None]]:
    """A spinner on stderr while a long computation runs (only when stderr is a terminal).

    Yields a ``progress(done, total)`` callback to pass to computations that report progress.

    >>> with busy("working") as progress:
    ...     progress(1, 2)
    """
    if not stderr_is_tty():
        yield lambda done, total: None
        return
    with err_console.status(escape(message)) as status:
        def progress(done: int, total: int) -> None:
            pct = f" {100 * done // total}%" if total else ""
            status.update(f"{escape(message)}{pct}")

        yield progress


# -- errors -------------------------------------------------------------------------------------


def format_error(exc: BaseException) -> str:
    """The one line (plus any listed problems) printed for a user error.

    >>> format_error(DetenteError("expected NAME=VALUE", field="--set"))
    "option '--set': expected NAME=VALUE"
    >>> format_error(DetenteError("unknown name 'x'", field="outcomes.a", source="pd.yaml"))
    "pd.yaml, field 'outcomes.a': unknown name 'x'"
    """
    if isinstance(exc, DetenteError):
        parts = []
        if exc.source:
            parts.append(str(exc.source))
        if exc.field:
            f = str(exc.field)
            if f.startswith("-"):
                parts.append(f"option '{f}'")
            elif f.isupper():
                parts.append(f"argument {f}")
            else:
                parts.append(f"field '{f}'")
        where = ", ".join(parts)
        return f"{where}: {exc.reason}" if where else str(exc.reason)
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        if exc.filename:
            return f"{exc.filename}: {reason}"
        return reason
    return str(exc) or type(exc).__name__


def print_error(message: str) -> None:
    err_console.print(Text.assemble(("error: ", "bold red"), (message, "red")), soft_wrap=True)


def _framework_exceptions() -> tuple[type[BaseException], ...]:
    """Exceptions typer/click use for usage errors and exits: they handle these themselves."""
    classes: list[type[BaseException]] = [typer.Exit, typer.Abort]
    classes += [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    # typer versions built on click itself have imported it already; versions with their own copy
    # of click never raise click's exceptions, so there is nothing to import (it costs start-up time)
    click = sys.modules.get("click")
    if click is not None:
        classes += [click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort]
    return tuple(dict.fromkeys(classes))


_FRAMEWORK_EXCEPTIONS = _framework_exceptions()


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn exceptions into one clear line on stderr and an exit code.

    * :class:`~detente.errors.DetenteError` (bad input, or a resource limit) and ``OSError`` (a
      file that cannot be read or written): ``error: <file>, field '<x>': <reason>`` in red,
      exit code 2;
    * anything else is a bug, never reported as bad input: a one-line "internal error" saying
      how to report it, exit code 1 (with ``DETENTE_DEBUG=1`` the exception propagates with its
      traceback instead).

    Typer/click's own exceptions (usage errors, ``typer.Exit``) pass through untouched. The app's
    command group runs every command inside this handler, so commands need not use it.
    """
    try:
        yield
    except _FRAMEWORK_EXCEPTIONS:
        raise
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_INTERNAL_ERROR) from None
    except (DetenteError, OSError) as exc:
        print_error(format_error(exc))
        raise typer.Exit(EXIT_USER_ERROR) from None
    except Exception as exc:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        text = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
        err_console.print(Text.assemble(
            ("internal error: ", "bold red"), (text, "red"),
            (f" (this is a bug in detente, not a problem with your input: please report it (file an issue) with the "
             f"command, the scenario file and the traceback that {DEBUG_ENV}=1 prints)", "dim")), soft_wrap=True)
        raise typer.Exit(EXIT_INTERNAL_ERROR) from None


def _silence_stdout() -> None:
    """After a closed pipe (``detente ... | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass


# -- inputs -----------------------------------------------------------------------------------


def load_conflict(path: str | os.PathLike[str]) -> "Conflict":
    """Read a scenario file; every problem becomes a DetenteError naming the file.

    >>> load_conflict("no-such-file.yaml")
    Traceback (most recent call last):
    ...
    detente.errors.FileFormatError: no-such-file.yaml: file not found
    """
    import detente

    try:
        return detente.load(path)
    except DetenteError as exc:
        raise exc.located(source=str(path)) from None
    except OSError as exc:
        raise DetenteError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None


def parse_overrides(values: Iterable[str] | None) -> dict[str, float]:
    """Parameter values from repeated ``--set name=value`` (also ``--set a=1,b=2``).

    >>> parse_overrides(["cost=2.5", "p=0.1,q=1e-3"])
    {'cost': 2.5, 'p': 0.1, 'q': 0.001}
    >>> parse_overrides(["cost"])
    Traceback (most recent call last):
    ...
    detente.errors.DetenteError: field '--set': expected NAME=VALUE (e.g. --set cost=2.5), got 'cost'
    """
    out: dict[str, float] = {}
    for raw in values or ():
        for item in str(raw).split(","):
            item = item.strip()
            if not item:
                continue
            name, eq, value = item.partition("=")
            name, value = name.strip(), value.strip()
            if not eq or not name or not value:
                raise DetenteError(f"expected NAME=VALUE (e.g. --set cost=2.5), got '{item}'", field="--set")
            try:
                number = float(value)
            except ValueError:
                raise DetenteError(f"value of '{name}' must be a number, got '{value}'", field="--set") from None
            if not math.isfinite(number):
                raise DetenteError(f"value of '{name}' must be a finite number, got '{value}'", field="--set")
            out[name] = number
    return out


def check_overrides(conflict: "Conflict", overrides: dict[str, float]) -> None:
    """Fail, naming ``--set``, if an override names a parameter the scenario does not have."""
    if not overrides:
        return
    try:
        conflict.with_parameters(overrides)
    except DetenteError as exc:
        raise DetenteError(exc.reason, field="--set", source=conflict.source) from None


def check_perspective(conflict: "Conflict", name: str | None) -> None:
    """Fail, naming ``--perspective``, if the scenario has no perspective ``name``."""
    if name is None or name in conflict.perspectives:
        return
    known = ", ".join(conflict.perspectives) or "none defined"
    raise DetenteError(f"unknown perspective '{name}' (known: {known})", field="--perspective",
                       source=conflict.source)


def check_concepts(concepts: Sequence[str] | None) -> list[str]:
    """Normalised solution concepts from repeated ``--concept`` (default: nash gmr smr seq).

    >>> check_concepts(["GMR", "r"])
    ['gmr', 'nash']
    """
    from ..analysis.equilibria import DEFAULT_CONCEPTS
    from ..engine.stability import normalize_concepts

    if not concepts:
        return list(DEFAULT_CONCEPTS)
    items = [c for raw in concepts for c in str(raw).split(",") if c.strip()]
    if not items:
        raise DetenteError("no solution concept given (use nash, gmr, smr, seq, sim or seqsim)", field="--concept")
    try:
        return normalize_concepts(items)
    except DetenteError as exc:
        raise DetenteError(exc.reason, field="--concept") from None


def run_analysis(conflict: "Conflict", concepts: Sequence[str] | None, overrides: dict[str, float],
                 perspective: str | None, show_progress: bool | None = None) -> "Analysis":
    """Check the options against the scenario and analyse it, with a spinner on a terminal (a
    progress bar with ``show_progress=True``, nothing with ``False``: see :data:`ProgressOption`)."""
    import detente

    chosen = check_concepts(concepts)
    check_perspective(conflict, perspective)
    check_overrides(conflict, overrides)
    what = f"analysing {conflict.name or 'the conflict'}"
    with (busy(what) if show_progress is None else progress_bar(what, show_progress)) as progress:
        try:
            return detente.analyze(conflict, concepts=chosen, parameters=overrides, perspective=perspective,
                                   progress=progress)
        except DetenteError as exc:
            raise exc.located(source=conflict.source) from None


# -- common options ---------------------------------------------------------------------------


class OutputFormat(str, Enum):
    """``--format`` of ``detente analyze``: a table, JSON or Markdown (see :data:`ReportFormatOption`)."""

    table = "table"
    json = "json"
    markdown = "markdown"


class TextFormat(str, Enum):
    """``--format`` of every other command: text or JSON (see :data:`FormatOption`)."""

    text = "text"
    json = "json"


CONCEPT_HELP = "Solution concept (nash, gmr, smr, seq, sim, seqsim); repeat for several. Default: nash gmr smr seq."
ONE_CONCEPT_HELP = "Solution concept (nash, gmr, smr, seq, sim, seqsim)."
SET_HELP = "Override a parameter: NAME=VALUE (a number); repeat for several."
PERSPECTIVE_HELP = "Analyse the conflict as this named perspective of the scenario sees it."
PROGRESS_HELP = "Show a progress bar on stderr (default: only when stderr is a terminal)."

Concepts = Annotated[Optional[list[str]], typer.Option("--concept", "-c", help=CONCEPT_HELP, metavar="CONCEPT",
                                                     show_default=False)]
"""``--concept/-c``, repeatable; pass the value to :func:`check_concepts` or :func:`run_analysis`."""
OneConcept = Annotated[str, typer.Option("--concept", "-c", help=ONE_CONCEPT_HELP, metavar="CONCEPT")]
"""``--concept/-c`` of commands that answer for one concept (``inverse``, ``levers``, ``map``, ``terms``);
pass the value to :func:`one_concept`."""
Overrides = Annotated[Optional[list[str]], typer.Option("--set", "-s", help=SET_HELP, metavar="NAME=VALUE",
                                                      show_default=False)]
"""``--set/-s NAME=VALUE``, repeatable; pass the value to :func:`parse_overrides`."""
PerspectiveName = Annotated[Optional[str], typer.Option("--perspective", "-p", help=PERSPECTIVE_HELP,
                                                        metavar="NAME", show_default=False)]
"""``--perspective/-p NAME``."""
ScenarioFile = Annotated[Path, typer.Argument(help="Scenario file: .yaml, .yml, .json or GMCR+ .gmcr.",
                                              metavar="FILE", show_default=False)]
"""The scenario file argument (existence is checked by :func:`load_conflict`, with a clear error)."""
FormatOption = Annotated[TextFormat, typer.Option("--format", "-f", help="Output: text or json.",
                                                  case_sensitive=False)]
"""``--format/-f text|json``: the one ``--format`` of every command but ``analyze`` (default ``TextFormat.text``)."""
ReportFormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table, json or markdown.",
                                                          case_sensitive=False)]
"""``--format/-f table|json|markdown`` of ``detente analyze`` (default ``OutputFormat.table``)."""
ProgressOption = Annotated[Optional[bool], typer.Option("--progress/--no-progress", help=PROGRESS_HELP,
                                                        show_default=False)]
"""``--progress/--no-progress``: pass the value to :func:`progress_bar` (None: on a terminal only)."""


def one_concept(text: str) -> str:
    """The normalised concept of a one-concept ``--concept`` option.

    >>> one_concept("SEQ")
    'seq'
    """
    return check_concepts([text])[0]


# -- output ---------------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Plain Python data from numpy scalars/arrays, tuples, sets and paths (state ids stay ints).

    >>> import numpy as np
    >>> to_jsonable({"ids": np.array([1, 2]), "ok": np.bool_(True), "x": np.float64(0.5)})
    {'ids': [1, 2], 'ok': True, 'x': 0.5}
    """
    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def print_json(data: Any) -> None:
    """Pretty JSON on stdout (UTF-8 text kept as is); see :func:`dumps_json`."""
    text = dumps_json(data)
    out = sys.stdout
    for lo in range(0, len(text), 1 << 24):          # large outputs in pieces
        out.write(text[lo:lo + (1 << 24)])
    out.write("\n")


_SCALARS = (str, int, float, bool, type(None))


def dumps_json(data: Any) -> str:
    """JSON text indented by two spaces, with every list of numbers or other plain values on one
    line (columnar: a list of 10^6 state numbers is one line, not 10^6). numpy integer arrays are
    written by :func:`int_array_json` without making Python objects for their elements.

    >>> print(dumps_json({"equilibria": {"nash": [1, 4]}, "ids": __import__("numpy").arange(3)}))
    {
      "equilibria": {
        "nash": [1, 4]
      },
      "ids": [0, 1, 2]
    }
    """
    parts: list[str] = []
    _encode(data, parts, 0)
    return "".join(parts)


def _encode(value: Any, out: list[str], level: int) -> None:
    import numpy as np

    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        pad = "\n" + "  " * (level + 1)
        out.append("{")
        for k, (key, item) in enumerate(value.items()):
            out.append(("," if k else "") + pad + json.dumps(str(key), ensure_ascii=False) + ": ")
            _encode(item, out, level + 1)
        out.append("\n" + "  " * level + "}")
    elif isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iu":
        out.append(int_array_json(value))
    elif isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = list(value.tolist() if isinstance(value, np.ndarray) else value)
        if all(type(x) is int for x in items):
            out.append("[" + ", ".join(map(str, items)) + "]")
        elif all(isinstance(x, _SCALARS) or isinstance(x, np.generic) for x in items):
            out.append(json.dumps(to_jsonable(items), ensure_ascii=False).replace("\n", "\\n"))
        else:
            if not items:
                out.append("[]")
                return
            pad = "\n" + "  " * (level + 1)
            out.append("[")
            for k, item in enumerate(items):
                out.append(("," if k else "") + pad)
                _encode(item, out, level + 1)
            out.append("\n" + "  " * level + "]")
    else:
        out.append(json.dumps(to_jsonable(value), ensure_ascii=False))


def int_array_json(values: Any) -> str:
    """A JSON list of integers from an integer array: by orjson (compact, ``[1,2,3]``) for long
    arrays, else by :func:`numpy_int_json`.

    >>> import json, numpy as np
    >>> json.loads(int_array_json(np.arange(100)))[-1]
    99
    """
    import numpy as np

    a = np.asarray(values).reshape(-1)
    if a.size >= 64 and a.dtype.kind in "iu":
        try:
            import orjson
        except ImportError:  # pragma: no cover - orjson is a dependency; the numpy writer stays
            pass
        else:
            return orjson.dumps(np.ascontiguousarray(a), option=orjson.OPT_SERIALIZE_NUMPY).decode("ascii")
    return numpy_int_json(a)


def numpy_int_json(values: Any) -> str:
    """A JSON list of integers (``[1, 2, 3]``), digits built with numpy, no Python integers made.

    >>> import numpy as np
    >>> numpy_int_json(np.array([0, 7, 10, -305, 123456789] * 20))[:29]
    '[0, 7, 10, -305, 123456789, 0'
    """
    import numpy as np

    a = np.asarray(values).reshape(-1)
    if a.size < 64 or a.dtype == np.uint64 or (a.size and int(a.min()) == np.iinfo(np.int64).min):
        return "[" + ", ".join(map(str, a.tolist())) + "]"
    a = a.astype(np.int64, copy=False)
    neg = a < 0
    mag = np.abs(a)
    digits = np.ones(a.size, dtype=np.int64)
    p = 10
    while p <= 10**18 and (mag >= p).any():
        digits += mag >= p
        p *= 10
    width = digits + neg + 2                          # the number, its sign and ", "
    ends = np.cumsum(width)
    buf = np.empty(int(ends[-1]), dtype=np.uint8)
    buf[ends - 2] = ord(",")
    buf[ends - 1] = ord(" ")
    stop = ends - 2                                   # one past each number's last digit
    rest = mag.copy()
    for k in range(int(digits.max())):
        sel = digits > k
        buf[stop[sel] - 1 - k] = 48 + rest[sel] % 10
        rest //= 10
    buf[(stop - digits - 1)[neg]] = ord("-")
    return "[" + buf[:-2].tobytes().decode("ascii") + "]"


def merge_extensions(base: dict, extras: Iterable[dict]) -> dict:
    """``base`` updated with each extension's dict, in order (later keys win)."""
    for extra in extras:
        if extra:
            base.update(extra)
    return base




def print_wide(renderable: Any, out: Console | None = None) -> None:
    """Print a table at its natural width when stdout is not a terminal (files, pipes), instead
    of squeezing it into 80 columns; on a terminal rich fits it to the window."""
    from rich.measure import Measurement

    out = out or console
    if not out.is_terminal:
        needed = Measurement.get(out, out.options.update_width(100_000), renderable).maximum
        if needed > out.width:
            Console(file=out.file, width=needed, highlight=False, no_color=out.no_color,
                    color_system=None).print(renderable)
            return
    out.print(renderable)


def status_quo_states(analysis: "Analysis") -> list[int]:
    """The status quo's state numbers (1-based), or [] if the scenario names none."""
    sq = analysis.conflict.status_quo
    if sq is None or sq == "" or sq == []:
        return []
    try:
        return (analysis.compiled.states_of(sq, "status_quo") + 1).tolist()
    except DetenteError:
        return []


def short_list(numbers: Sequence[int], limit: int = 30) -> str:
    """'1, 4, 7', or '1, 2, 3, … (99 in all)' for long lists; 'none' when empty: the package's one
    list helper (:func:`detente.model.text.state_list`) with the command line's limit.

    >>> short_list([1, 4]), short_list([]), short_list(range(1, 100), limit=3)
    ('1, 4', 'none', '1, 2, 3, … (99 in all)')
    """
    from ..model.text import state_list

    return state_list(numbers, limit=limit)


# -- shared by several commands ---------------------------------------------------------------
MAX_EXPLAINED = 50
"""An outcome or condition matching more states than this is an error (ask for fewer)."""

STATE_PATTERN = re.compile(r"^[YyNn]+$")


@contextmanager
def progress_bar(description: str, show: bool | None) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr (shown on a terminal, or always with ``--progress``)."""
    if show is False or (show is None and not stderr_is_tty()):
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console, transient=False) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def parse_groups(values: list[str] | None, where: str) -> list[list[str]] | None:
    """Coalitions from repeated ``--coalition a,b`` options (None when none given).

    >>> parse_groups(["moe,uniroyal", " a , b "], "--coalition")
    [['moe', 'uniroyal'], ['a', 'b']]
    """
    if not values:
        return None
    out = []
    for raw in values:
        members = [x.strip() for x in str(raw).split(",") if x.strip()]
        if not members:
            raise DetenteError(f"empty coalition '{raw}' (write DM names separated by commas)", field=where)
        twice = sorted({m for m in members if members.count(m) > 1})
        if twice:
            raise DetenteError(f"coalition '{raw}' lists {', '.join(twice)} more than once", field=where)
        if len(members) < 2:
            raise DetenteError(f"coalition '{raw}' has one decision maker: a coalition needs at least two",
                               field=where)
        out.append(members)
    return out


def one_state(analysis, text: str, where: str) -> int:
    """The single state number a STATE argument designates (number, pattern, outcome, name, condition)."""
    try:
        outcome, states = resolve_states(analysis, text)
    except DetenteError as exc:
        raise DetenteError(exc.reason, field=where) from None
    if len(states) != 1:
        what = f"outcome '{outcome}'" if outcome else f"'{text}'"
        raise DetenteError(f"{what} names {len(states)} states ({', '.join(map(str, states[:12]))}); "
                           f"give exactly one", field=where)
    return states[0]


def resolve_states(analysis: "Analysis", text: str) -> tuple[str | None, list[int]]:
    """(outcome name or None, 1-based state numbers) that STATE designates.

    Order of interpretation: a number, a named outcome, a Y/N pattern, a graph state's name,
    a condition. Errors name the argument and list what would have worked.
    """
    compiled = analysis.compiled
    conflict = analysis.conflict
    m = analysis.n_states
    query = text.strip()
    if query.lstrip("+").isdigit():
        number = int(query)
        if not 1 <= number <= m:
            raise DetenteError(f"state {number} does not exist: the model has states 1..{m}", field="STATE")
        return None, [number]
    if query in compiled.outcomes:
        states = (compiled.outcomes[query].nonzero()[0] + 1).tolist()
        if not states:
            raise DetenteError(f"outcome '{query}' has no feasible state", field="STATE")
        return query, _limit(states, f"outcome '{query}'")
    space = compiled.space
    n = len(conflict.options)
    if space is not None and STATE_PATTERN.match(query):
        if len(query) != n:
            raise DetenteError(f"the pattern '{query}' has {len(query)} letters but the model has {n} options "
                               f"(write one Y or N per option, option 1 first)", field="STATE")
        code = sum(1 << k for k, ch in enumerate(query.upper()) if ch == "Y")
        index = int(space.index_of(code))
        if index < 0:
            raise DetenteError(f"the pattern '{query}' is not a feasible state", field="STATE")
        return None, [index + 1]
    if space is None:
        names = list(conflict.graph.states)  # type: ignore[union-attr]
        if query in names:
            return None, [names.index(query) + 1]
    try:
        states = (compiled.condition_mask(query, "STATE").nonzero()[0] + 1).tolist()
    except DetenteError as exc:
        raise DetenteError(f"'{query}' is not a state number (1..{m}), {_other_forms(analysis)} "
                           f"or a valid condition ({exc.reason})", field="STATE") from None
    if not states:
        raise DetenteError(f"no feasible state satisfies '{query}'", field="STATE")
    return None, _limit(states, f"'{query}'")


def _other_forms(analysis: "Analysis") -> str:
    forms = []
    if analysis.compiled.space is not None:
        forms.append(f"a Y/N pattern of {len(analysis.conflict.options)} letters")
    else:
        forms.append("a state name")
    outcomes = list(analysis.compiled.outcomes)
    if outcomes:
        forms.append(f"a named outcome ({', '.join(outcomes)})")
    return ", ".join(forms)


def _limit(states: list[int], what: str) -> list[int]:
    if len(states) > MAX_EXPLAINED:
        raise DetenteError(f"{what} matches {len(states)} states; explain at most {MAX_EXPLAINED} at a time "
                           f"(name a state number or a narrower condition)", field="STATE")
    return states


__all__ = ["ANALYZE_EXTENSIONS", "ANALYZE_RENDERERS", "console", "err_console", "echo", "note", "busy",
           "handle_errors", "format_error", "print_error", "load_conflict", "parse_overrides",
           "check_overrides", "check_perspective", "check_concepts", "run_analysis", "OutputFormat",
           "TextFormat", "FormatOption", "ReportFormatOption", "ProgressOption", "OneConcept", "one_concept", "to_jsonable", "print_json", "merge_extensions", "EXIT_USER_ERROR",
           "EXIT_INTERNAL_ERROR", "print_wide", "status_quo_states", "short_list", "Concepts", "Overrides",
           "PerspectiveName", "ScenarioFile", "MAX_EXPLAINED", "progress_bar", "parse_groups", "one_state",
           "resolve_states"]
