"""The package imports only downward: model → engine → analysis → io → report → web/cli.

Checked from the import statements themselves (every ``import`` and ``from ... import`` in every
module, including imports inside functions and under ``TYPE_CHECKING``), so a lazy import cannot
hide an upward dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "detente"

LAYERS = {"model": 1, "engine": 2, "analysis": 3, "io": 4, "report": 5, "web": 6, "cli": 6}
"""Subpackage → level; a module may import modules of its own level or lower."""
BASE = {"errors", "_version", "limits"}
"""Top-level modules every layer may use (they import nothing of the package above them)."""
TOP_LEVEL = {"examples": 1, "__main__": 6, "__init__": 6}
IO_MAY_USE = {"model", "io"}
"""Files ↔ model: io reads and writes the model and nothing else (no engine, no analysis)."""


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def level_of(module: str) -> tuple[int, str]:
    """(level, home) of a module name inside detente; home is its subpackage or top-level module."""
    parts = module.split(".")
    if len(parts) == 1:
        return 6, "__init__"                         # the package façade itself
    home = parts[1]
    if home in LAYERS:
        return LAYERS[home], home
    if home in BASE:
        return 0, home
    return TOP_LEVEL[home], home


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every detente module ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "detente"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "detente":
                continue
            if node.module is None or target == "detente":
                # "from . import x" / "from detente import x": x may be a submodule
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    out.append((node.lineno, sub if (PACKAGE.parent / sub.replace(".", "/")).exists()
                                or (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() else target))
            else:
                out.append((node.lineno, target))
    return out


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        my_level, my_home = level_of(me)
        for line, target in imports_of(path):
            level, home = level_of(target)
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if home == "__init__" and my_home not in ("web", "cli", "__init__", "__main__"):
                found.append(f"{where} (the package façade; import the module that defines the name)")
            elif level > my_level:
                found.append(f"{where} (upward: {my_home} is below {home})")
            elif my_home == "io" and level > 0 and home not in IO_MAY_USE:
                found.append(f"{where} (io uses only the model)")
            elif my_home == "cli" and home == "cli" and me.endswith("_cmd") and target.endswith("_cmd") \
                    and target != me:
                found.append(f"{where} (a command imports another command; share code in cli/common.py)")
    return found


REPORT_MAY_USE: frozenset[str] = frozenset()
"""Functions of the analysis layer the report may call besides its prose module (none: the
report's list helper, ``state_list``, lives in :mod:`detente.model.text`)."""
PROSE = "detente.analysis.narrative"
"""The analysis layer's prose over finished results: the report may use any of it, and it may itself
import nothing from the analysis layer that computes (checked below)."""


def report_uses_of_analysis() -> list[str]:
    """What report/ imports from the analysis layer that is neither a type, a constant nor one of
    the text helpers in ``REPORT_MAY_USE``: a report takes results and never runs an analysis.
    String imports (``importlib``, ``__import__``) are refused too: they would hide the calls."""
    found = []
    prose = PACKAGE / "analysis" / "narrative.py"
    for path in sorted((PACKAGE / "report").rglob("*.py")) + ([prose] if prose.exists() else []):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = module_name(path).split(".")
        package = here if path.name == "__init__.py" else here[:-1]
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "importlib" or a.name.startswith("detente.analysis"):
                        found.append(f"{where} imports {a.name}")
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                if target == "importlib":
                    found.append(f"{where} imports from importlib")
                if (target == "detente.analysis" or target.startswith("detente.analysis.")) and target != PROSE:
                    for a in node.names:
                        if not (a.name[:1].isupper() or a.name in REPORT_MAY_USE):
                            found.append(f"{where} imports {a.name} from {target} (a report takes results)")
            elif isinstance(node, ast.Name) and node.id == "__import__":
                found.append(f"{where} calls __import__")
    return found


def test_the_report_imports_no_analysis_that_computes():
    assert report_uses_of_analysis() == []


def test_what_the_report_may_import_from_analysis_computes_nothing():
    """The names report/ may import are classes, constants, or the listed text helpers."""
    import importlib
    import inspect

    for path in sorted((PACKAGE / "report").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis") and node.level == 2 \
                    and f"detente.{node.module}" != PROSE:
                module = importlib.import_module(f"detente.{node.module}")
                for a in node.names:
                    obj = getattr(module, a.name)
                    assert inspect.isclass(obj) or not callable(obj) or a.name in REPORT_MAY_USE, \
                        f"{path.name} imports {a.name}"


def test_no_upward_import():
    assert violations() == []


def test_the_checker_sees_relative_lazy_and_type_checking_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "detente"
    for sub in ("model", "analysis", "io", "report", "cli"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text("")
    (pkg / "model" / "x.py").write_text("def f():\n    from ..analysis import y\n")
    (pkg / "analysis" / "y.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                           "    from ..report.z import Z\nfrom ..errors import E\n")
    (pkg / "io" / "w.py").write_text("from ..analysis.y import f\nfrom .. import __version__\n")
    (pkg / "report" / "z.py").write_text("from ..analysis.y import f\n")
    (pkg / "report" / "v.py").write_text("import importlib\nfrom ..analysis.y import Y, LIMIT, state_list\n"
                                         "def g():\n    from detente.analysis.equilibria import analyze\n"
                                         "from ..analysis.narrative import explain_move\n")
    (pkg / "analysis" / "narrative.py").write_text("from .equilibria import Analysis\nfrom .sweep import sweep\n")
    (pkg / "cli" / "a_cmd.py").write_text("from .b_cmd import g\n")
    (pkg / "cli" / "b_cmd.py").write_text("from .common import g\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg)
    found = violations()
    assert any("model/x.py:2 imports detente.analysis" in v for v in found)
    assert any("analysis/y.py:3 imports detente.report.z" in v for v in found)
    assert any("io/w.py:1" in v and "io uses only the model" in v for v in found)
    assert any("io/w.py:2" in v and "façade" in v for v in found)
    assert any("cli/a_cmd.py:1" in v for v in found)
    assert not any("report/z.py" in v or "b_cmd" in v.split(" imports ")[0] for v in found)
    uses = report_uses_of_analysis()
    assert any("report/z.py:1 imports f from detente.analysis.y" in v for v in uses)
    assert any("report/v.py:1 imports importlib" in v for v in uses)
    assert any("report/v.py:4 imports analyze from detente.analysis.equilibria" in v for v in uses)
    assert any("analysis/narrative.py:2 imports sweep" in v for v in uses)
    assert any("report/v.py:2 imports state_list" in v for v in uses)
    assert not any("Y " in v or "LIMIT" in v or "explain_move" in v or "Analysis" in v for v in uses)


@pytest.mark.parametrize("sub", sorted(LAYERS))
def test_every_subpackage_is_checked(sub):
    assert (PACKAGE / sub / "__init__.py").exists()


def test_report_reads_results_not_the_engine_game():
    """The report lays results out: moves, improvements and preference ranks come from the
    Analysis' own accessors, never from the compiled engine game."""
    report = Path(__file__).resolve().parents[2] / "src" / "detente" / "report"
    pattern = re.compile(r"\.game\b|moves\.targets|\blevels\[")
    offending = [f"{p.name}:{n}" for p in sorted(report.glob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offending == []
