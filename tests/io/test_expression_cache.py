"""Parsed expressions kept between runs (detente.model.expressions._TreeCache): the same trees as
lark makes, the same limits and errors, and a second start that needs no lark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.errors import ExpressionError
from detente.model import expressions as ex

ROOT = Path(__file__).resolve().parents[2]

TEXTS = ["a and not b", "x if c else 2", "q if p", "p -> q -> r", "a iff b", "not not a", "-x ** 2 + 3 * y / 4",
         "min(a, b, 1.5e3) >= .5", "TRUE or false", "a.b_c | d & !e", "~a => b", "clip(x, 0, 1) != 2 # note",
         "(1 + 2) * (3 - 4) < 5", "f()", "us.support * 10 - cost_r if russia.fight else 0"]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(ex, "_TREES", ex._TreeCache())
    ex.parse.cache_clear()
    yield tmp_path
    ex.parse.cache_clear()


def _reload(monkeypatch):
    """A new process's view: a new cache object reading the file, no in-memory parses."""
    monkeypatch.setattr(ex, "_TREES", ex._TreeCache())
    ex.parse.cache_clear()


def test_cached_trees_equal_the_parsed_ones(fresh_cache, monkeypatch):
    parsed = {t: ex.parse(t) for t in TEXTS}
    ex._TREES.save()
    stored = json.loads((fresh_cache / "detente" / "expression-trees.json").read_text(encoding="utf-8"))
    assert set(stored["trees"]) == set(TEXTS)
    _reload(monkeypatch)
    for text, node in parsed.items():
        hit = ex._TREES.get(text)
        assert hit is not None and hit[1] == node, text
        assert ex.parse(text) == node


def test_the_depth_limit_holds_for_cached_trees(fresh_cache, monkeypatch):
    text = "not " * 30 + "a"
    ex.parse(text)
    ex._TREES.save()
    _reload(monkeypatch)
    monkeypatch.setenv("DETENTE_MAX_EXPRESSION_DEPTH", "10")
    with pytest.raises(ExpressionError, match="nested more than 10 levels deep"):
        ex.parse(text)
    assert ex._TREES.get(text) is not None        # the refusal came from the cached tree


def test_errors_are_never_cached_and_keep_their_message(fresh_cache, monkeypatch):
    for bad in ["a and", "a $ b", "1e999"]:
        with pytest.raises(ExpressionError) as first:
            ex.parse(bad)
        ex._TREES.save()
        _reload(monkeypatch)
        assert ex._TREES.get(bad) is None
        with pytest.raises(ExpressionError) as again:
            ex.parse(bad)
        assert str(again.value) == str(first.value)


def test_a_stale_or_damaged_file_is_ignored(fresh_cache, monkeypatch):
    ex.parse("a and b")
    ex._TREES.save()
    path = fresh_cache / "detente" / "expression-trees.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["trees"]["a and b"] = [1, ["name", "wrong"]]
    path.write_text(json.dumps({**data, "stamp": "0:00000000"}), encoding="utf-8")
    _reload(monkeypatch)
    assert ex.parse("a and b") == ex.Node("and", (ex.Node("name", ("a",)), ex.Node("name", ("b",))))
    path.write_text("{not json", encoding="utf-8")
    _reload(monkeypatch)
    assert ex.parse("a or b").op == "or"


def test_the_file_keeps_the_most_recently_used_trees(fresh_cache, monkeypatch):
    monkeypatch.setattr(ex, "_TREE_CACHE_ENTRIES", 5)
    for k in range(8):
        ex.parse(f"a{k} and b")
    ex._TREES.save()
    _reload(monkeypatch)
    assert ex._TREES.get("a0 and b") is None and ex._TREES.get("a7 and b") is not None
    assert len(ex._TREES.raw) == 5


def test_a_second_start_needs_no_lark(tmp_path):
    code = ("import sys, detente; detente.analyze(detente.load('examples/prisoners-dilemma.yaml')); "
            "print('lark' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]
