"""Fuzz tests: generated and mutated scenario, JSON and ``.gmcr`` files, and expressions.

Every case must end in a result or a :class:`~detente.errors.DetenteError` naming the source
(never another exception), and a file that passes ``validate`` must not be refused later for a
reason other than resources (the property of issue 13: validate agrees with the other commands).

The default suite runs a fixed range of seeds in-process (each case timed); the slow run
(``-m slow``, part of ``.ci/run``) runs thousands more, each in a worker process with a time
and memory cap (``fuzz.campaign``). The regression corpus (``corpus/``) holds the inputs earlier
campaigns found failing, each with the words its error must contain.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fuzz.gen import case, expression_case
from fuzz.harness import run_case

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
DEFAULT_SEEDS = range(100_000, 100_400)
CASE_SECONDS = 20.0


def _check(result: dict, seed: int | str) -> None:
    assert result["outcome"] in ("ok", "refused"), (seed, result)


@pytest.mark.parametrize("block", range(8))
def test_generated_cases(block):
    """400 generated cases (8 blocks of 50): no crash, no invalid file accepted, none too slow."""
    for seed in list(DEFAULT_SEEDS)[block::8]:
        fmt, text = case(seed)
        start = time.monotonic()
        result = run_case(fmt, text)
        elapsed = time.monotonic() - start
        _check(result, seed)
        assert elapsed < CASE_SECONDS, (seed, elapsed)


def _expressions_env():
    import numpy as np

    return {"a.x": np.array([False, True, False, True]), "b.y": np.array([False, False, True, True]), "t": 0.5}


def _parse_check_evaluate(text: str) -> None:
    """Parse, name-check and evaluate ``text``: a DetenteError is the only failure allowed."""
    from detente.errors import DetenteError
    from detente.model.expressions import check_names, evaluate, parse

    try:
        node = parse(text)
        check_names(node, ["a.x", "b.y", "t"])
        evaluate(node, _expressions_env())
    except DetenteError:
        pass


@pytest.mark.parametrize("seed", range(300))
def test_generated_expressions(seed):
    """Hostile expressions parse and evaluate, or raise ExpressionError; nothing else."""
    _parse_check_evaluate(expression_case(seed))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("ab.xy t()+-*/<>=!&|~ 0123456789e,") +
                                ["not ", "and ", "or ", " if ", " else ", "->", "iff ", "**", "1e308", "min(",
                                 "max(", "exp(", "log(", "\ud800", "é"]), max_size=60).map("".join))
def test_expression_text_from_hypothesis(text):
    _parse_check_evaluate(text)


SCENARIO_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10 ** 30) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["name", "decision_makers", "parameters", "feasibility", "outcomes",
                                        "status_quo", "perspectives", "perceptions", "sweeps", "graph",
                                        "definitions", "coalitions", "options", "decisionMakers", "infeasibles"]),
                       SCENARIO_VALUES, max_size=6))
def test_structured_garbage_from_hypothesis(data):
    """Any JSON-shaped value under the scenario's (and GMCR+'s) keys: refused cleanly or analysed."""
    text = json.dumps(data)
    for fmt in ("json", "yaml", "gmcr"):
        _check(run_case(fmt, text), text)


@pytest.mark.parametrize("seed", range(200_000, 200_030))
def test_cli_agrees_with_validate(tmp_path, seed):
    """The CLI in-process: exit 0 or 2 with one error line, never a traceback or an internal
    error; a file that validates is analysed (or refused for its size)."""
    from detente.cli import app

    fmt, text = case(seed)
    f = tmp_path / f"case.{fmt}"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", str(f)])
    analysed = runner.invoke(app, ["analyze", str(f), "--format", "json"])
    for res in (validated, analysed):
        out = res.output
        assert res.exit_code in (0, 2), (seed, res.exit_code, out[-2000:])
        assert "Traceback" not in out and "internal error" not in out, (seed, out[-2000:])
        if res.exit_code == 2:
            assert "case." in out, (seed, out[-500:])
    if validated.exit_code == 0:
        assert analysed.exit_code == 0 or "DETENTE_MAX_" in analysed.output, (seed, analysed.output[-1000:])


# -- the regression corpus ----------------------------------------------------------------------
def _corpus() -> list[tuple[str, dict]]:
    index = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return sorted(index.items())


@pytest.mark.parametrize("name, expected", _corpus(), ids=[n for n, _ in _corpus()])
def test_regression_corpus(name, expected):
    path = CORPUS / name
    text = path.read_bytes().decode("utf-8", errors="surrogatepass")
    fmt = path.suffix.lstrip(".")
    result = run_case(fmt, text)
    assert result["outcome"] == expected["outcome"], (name, result)
    if expected.get("message"):
        flat = re.sub(r"\s+", " ", result.get("error", ""))
        assert expected["message"] in flat, (name, result)


def test_corpus_covers_every_class_of_the_issue():
    """The corpus holds at least one input of each failure class issue 9 and 13 list."""
    classes = {v["class"] for _, v in _corpus()}
    for needed in ("deep-nesting", "huge-integer", "gmcr-unhashable-name", "alias-bomb", "many-options",
                   "third-level-perception", "absurd-precision", "lone-surrogate", "non-finite-perception",
                   "payoff-overflow"):
        assert needed in classes, needed


# -- the long run --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_fuzz_campaign_in_workers(tmp_path):
    """More cases (600, or ``DETENTE_FUZZ_CASES``), each in a worker with a 20 s and 4 GiB cap:
    zero crashes, hangs, memory blow-ups or invalid files accepted."""
    out = tmp_path / "failures.jsonl"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parents[1] / "src"), str(HERE.parent), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-m", "fuzz.campaign", "--start", "300000", "--count",
                           os.environ.get("DETENTE_FUZZ_CASES", "600"),
                           "--workers", "2", "--timeout", str(CASE_SECONDS), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    failures = out.read_text().strip()
    assert not failures, failures[:5000]
