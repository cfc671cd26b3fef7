"""Regression tests for each class of failure the fuzz campaigns found (issues 9 and 13).

Each case is the smallest input of its class, run through ``detente.io.loads`` (and the rest of
the pipeline where the failure was later), with the words the error must contain.
"""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest

import detente
from detente.analysis.compile import compile_conflict
from detente.model.levels import LEVEL_RTOL, dense_levels
from detente.analysis.validation import check_all
from detente.errors import DetenteError, ModelError, ModelTooLargeError
from detente.io import loads

PD = """\
name: PD
parameters: {t: 1}
decision_makers:
  - name: a
    options: [x]
    preferences: {payoff: "%s"}
  - name: b
    options: [y]
    preferences: {prioritization: ["a.x", "not b.y"]}
outcomes:
  both: a.x and b.y
"""


def _refused(text: str, fmt: str, *needles: str, kind: type = DetenteError) -> DetenteError:
    with pytest.raises(kind) as info:
        loads(text, fmt, f"case.{fmt}")
    msg = str(info.value)
    assert f"case.{fmt}" in msg, msg
    for needle in needles:
        assert needle in msg, msg
    return info.value


# -- parsing limits ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt, text", [
    ("yaml", "[" * 5000 + "]" * 5000),
    ("yaml", "a:\n" + "".join("  " * k + "- \n" for k in range(1, 200))),
    ("yaml", "deep: " + "{a: " * 3000 + "1" + "}" * 3000),
    ("json", "[" * 100000 + "]" * 100000),
    ("gmcr", '{"options": ' + "[" * 3000 + "]" * 3000 + "}"),
])
def test_deep_nesting_is_refused_without_recursion_error(fmt, text):
    _refused(text, fmt, "nesting", "DETENTE_MAX_NESTING", kind=ModelTooLargeError)


@pytest.mark.parametrize("width, levels", [(9, 9), (2, 40), (10, 7)])
def test_yaml_alias_bomb_is_refused_before_construction(width, levels):
    lines = ['l0: &l0 ["a.x and not b.y"]']
    lines += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * width)}]" for k in range(1, levels)]
    text = "\n".join(lines) + f"\ndecision_makers: *l{levels - 1}\n"
    start = time.monotonic()
    _refused(text, "yaml", "aliases expanded", kind=ModelTooLargeError)
    assert time.monotonic() - start < 5


def test_self_referencing_yaml_anchor():
    _refused("name: &a [*a]\ndecision_makers: []\n", "yaml", "refers to itself")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_integer_with_thousands_of_digits_names_the_field(fmt):
    text = PD % "t * (1 if a.x else 0)"
    text = text.replace("{t: 1}", "{t: " + "7" * 5000 + "}")
    if fmt == "json":
        import yaml
        text = json.dumps(yaml.safe_load(text.replace("7" * 5000, "1"))).replace('"t": 1', '"t": ' + "7" * 5000)
    _refused(text, fmt, "parameters.t", "5,000 digits")


def test_document_size_limit(monkeypatch):
    monkeypatch.setenv("DETENTE_MAX_DOCUMENT_BYTES", "1000")
    _refused(PD % "t" + "#" * 2000, "yaml", "DETENTE_MAX_DOCUMENT_BYTES", kind=ModelTooLargeError)


def test_document_size_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("DETENTE_MAX_DOCUMENT_BYTES", "100")
    f = tmp_path / "big.yaml"
    f.write_text(PD % "t")
    with pytest.raises(ModelTooLargeError, match="big.yaml"):
        detente.load(f)


# -- unicode ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt, text, field", [
    ("json", '{"name": "\\ud800", "decision_makers": []}', "name"),
    ("yaml", 'name: x\ndecision_makers: [{name: "a\\udfffb"}]', "decision_makers[0].name"),
    ("yaml", 'name: x\noutcomes: {"\\ud83d": a.x}\ndecision_makers: []', "outcomes"),
    ("gmcr", '{"options": [{"name": "\\ud800"}], "decisionMakers": []}', "options[0].name"),
])
def test_lone_surrogates_are_refused_at_load(fmt, text, field):
    _refused(text, fmt, f"field '{field}'", "lone surrogate")


def test_lone_surrogate_in_an_api_built_conflict_is_refused_by_validation():
    from detente.io import validate_conflict

    c = detente.examples.prisoners_dilemma()
    c.decision_makers[0].label = "x\ud800"
    with pytest.raises(ModelError, match="lone surrogate"):
        validate_conflict(c)


# -- .gmcr types -------------------------------------------------------------------------------------------
GMCR = {"options": [{"name": "o1", "permittedDirection": "both"}, {"name": "o2", "permittedDirection": "both"}],
        "decisionMakers": [{"name": "A", "options": [0], "preferences": [[[0, "Y"]]]},
                           {"name": "B", "options": [1], "preferences": [[[1, "N"]]]}],
        "infeasibles": [], "useManualPreferenceRanking": False}


@pytest.mark.parametrize("path, value, field", [
    (("decisionMakers", 0, "name"), ["x"], "decisionMakers[0].name"),
    (("decisionMakers", 1, "name"), {"k": 1}, "decisionMakers[1].name"),
    (("decisionMakers", 0, "name"), None, "decisionMakers[0].name"),
    (("options", 0, "permittedDirection"), ["both"], "options[0].permittedDirection"),
    (("options", 1, "permittedDirection"), {"a": 1}, "options[1].permittedDirection"),
    (("options", 0, "name"), {"a": 1}, "options[0].name"),
])
def test_gmcr_names_and_directions_of_the_wrong_type(path, value, field):
    data = json.loads(json.dumps(GMCR))
    cur = data
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    _refused(json.dumps(data), "gmcr", f"field '{field}'", "expected")


# -- expressions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("formula, needle", [
    ("9" * 400 + " * t", "too large to compute with"),
    ("1e999 * t", "too large to compute with"),
    ("t + " * 3000 + "t", "DETENTE_MAX_EXPRESSION_CHARS"),
    ("-" * 400 + "t", "nested more than"),
])
def test_expression_limits(formula, needle):
    _refused(PD % formula, "yaml", "decision_makers[0].preferences.payoff", needle)


# -- model size and analysis cost ------------------------------------------------------------------------
def _many_options(n: int, groups: bool) -> str:
    per = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    dms = []
    for d, k in enumerate(per):
        opts = [f"o{j}" for j in range(k)]
        dms.append({"name": f"d{d}", "options": opts, "preferences": {"prioritization": [f"d{(d + 1) % 3}.o0"]}})
    data = {"name": "big", "decision_makers": dms}
    if groups:
        data["feasibility"] = {"mutually_exclusive": [[f"d{d}.o{j}" for j in range(k)] for d, k in enumerate(per)]}
    return json.dumps(data)


@pytest.mark.parametrize("n", [28, 30])
@pytest.mark.parametrize("groups", [False, True])
def test_28_to_30_options_are_refused_up_front(n, groups):
    conflict = loads(_many_options(n, groups), "json", "big.json")
    start = time.monotonic()
    with pytest.raises(ModelTooLargeError, match="DETENTE_MAX_CANDIDATE_STATES") as info:
        detente.analyze(conflict)
    assert time.monotonic() - start < 2
    assert "big.json" in str(info.value) and f"{n} options" in str(info.value)


def test_state_limit_names_its_knob(monkeypatch):
    conflict = loads(_many_options(9, False), "json", "big.json")
    monkeypatch.setenv("DETENTE_MAX_STATES", "100")
    with pytest.raises(ModelTooLargeError, match="DETENTE_MAX_STATES"):
        detente.analyze(conflict)
    monkeypatch.setenv("DETENTE_MAX_STATES", "1000")
    assert detente.analyze(conflict, concepts=["nash"]).n_states == 512


def test_bad_limit_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DETENTE_MAX_STATES", "lots")
    with pytest.raises(DetenteError, match="DETENTE_MAX_STATES"):
        detente.analyze(detente.examples.prisoners_dilemma())


def test_sim_cost_is_checked_before_the_work(monkeypatch):
    monkeypatch.setenv("DETENTE_MAX_SIM_WORK", "10")
    with pytest.raises(ModelTooLargeError, match="DETENTE_MAX_SIM_WORK"):
        detente.analyze(detente.examples.prisoners_dilemma(), concepts=["sim"])


def test_sweep_precision_below_float_resolution_is_refused():
    text = PD % "t * (1 if a.x else 0)" + "sweeps: [{parameter: t, lo: 0, hi: 1, steps: 3, precision: 1.0e-300}]\n"
    _refused(text, "yaml", "sweeps[0].precision", "floating-point resolution")
    from detente.analysis.sweep import sweep

    with pytest.raises(DetenteError, match="floating-point resolution"):
        sweep(loads(PD % "t * (1 if a.x else 0)", "yaml", "s.yaml"), parameter="t", lo=0, hi=1, steps=3, precision=1e-300)


def test_sweep_cost_is_checked(monkeypatch):
    from detente.analysis.sweep import sweep

    monkeypatch.setenv("DETENTE_MAX_RUN_WORK", "100")
    with pytest.raises(ModelTooLargeError, match="DETENTE_MAX_RUN_WORK"):
        sweep(loads(PD % "t * (1 if a.x else 0)", "yaml", "s.yaml"), parameter="t", lo=0, hi=1, steps=50)


def test_third_level_perception_is_refused_at_load():
    text = PD % "t" + "perceptions: {a: {of_others: {b: {of_others: {a: {}}}}}}\n"
    _refused(text, "yaml", "perceptions.a.of_others.b.of_others", "not supported")


def test_non_finite_perception_parameter_is_refused_at_load():
    text = PD % "t" + "perceptions: {a: {parameters: {t: .inf}}}\n"
    _refused(text, "yaml", "perceptions.a.parameters.t", "finite number")


# -- payoff levels exact or refused (issue 13) -----------------------------------------------------------
def test_huge_payoffs_rank_exactly():
    text = PD.replace('["a.x", "not b.y"]', '["not b.y"]') % "1e300 * (1 + a.x + 2 * b.y)"
    result = detente.analyze(loads(text, "yaml", "s.yaml"), concepts=["nash"])
    levels = result.compiled.game.levels[0]
    assert sorted(levels.tolist()) == [0, 1, 2, 3]


def test_issue_example_1e300_payoff_has_one_nash_equilibrium():
    text = """\
name: overflow
decision_makers:
  - {name: a, options: [x], preferences: {payoff: "1e300*(1+a.x)"}}
  - {name: b, options: [y], preferences: {payoff: "1e300*(1+b.y)"}}
"""
    result = detente.analyze(loads(text, "yaml", "s.yaml"), concepts=["nash"])
    assert result.equilibria["nash"] == [4]


def test_overflowing_payoff_names_dm_formula_and_states():
    with pytest.raises(ModelError) as info:
        detente.analyze(loads(PD % "(1e300 if a.x else 1) * 1e300", "yaml", "s.yaml"))
    msg = str(info.value)
    for needle in ("s.yaml", "decision_makers[0].preferences.payoff", "of a", "(1e300 if a.x else 1) * 1e300", "state(s) 2, 4",
                   "non-finite"):
        assert needle in msg, msg


def test_tiny_payoff_differences_are_not_merged():
    levels = dense_levels([1e-11, 2e-11, 0.0, 3e-11])
    assert levels.tolist() == [1, 2, 0, 3]
    base = 5.0
    near = [base, base + 1e-9, base + 2e-9]     # a lever bisection's neighbouring values
    assert dense_levels(near).tolist() == [0, 1, 2]


def test_float_noise_ties_and_ties_do_not_chain():
    assert dense_levels([0.1 + 0.2, 0.3]).tolist() == [0, 0]
    step = LEVEL_RTOL * 0.6
    chained = [1.0, 1.0 + step, 1.0 + 2 * step, 1.0 + 3 * step]
    levels = dense_levels(chained)
    assert levels[0] == levels[1] and levels[2] > levels[0]  # never merged beyond the tolerance


def test_dense_levels_batched_rows():
    rng = np.random.default_rng(1)
    rows = rng.integers(0, 5, size=(50, 30)).astype(float) * 1e299
    batched = dense_levels(rows)
    assert batched.shape == rows.shape
    for r in range(rows.shape[0]):
        assert batched[r].tolist() == dense_levels(rows[r]).tolist()
        _, inv = np.unique(rows[r], return_inverse=True)
        assert batched[r].tolist() == inv.tolist()


def test_dense_levels_refuses_non_finite():
    with pytest.raises(ModelError, match="non-finite"):
        dense_levels([1.0, float("nan")])


# -- validate sees what later commands see ------------------------------------------------------------------
def test_validate_catches_empty_outcome_and_bad_perspective():
    c = loads(PD % "t" + "  never: a.x and not a.x\n", "yaml", "s.yaml")
    with pytest.raises(ModelError, match="outcomes.never"):
        check_all(c)
    c = loads(PD % "1 / t" + "perspectives: {zero: {parameters: {t: 0}}}\n", "yaml", "s.yaml")
    with pytest.raises(ModelError, match="perspective 'zero'"):
        check_all(c)


def test_validate_checks_declared_sweeps_at_every_grid_point():
    c = loads(PD % "1 / t" + "sweeps: [{parameter: t, lo: -1, hi: 1, steps: 3}]\n", "yaml", "s.yaml")
    with pytest.raises(ModelError, match="in sweep 1 at t = 0"):
        check_all(c)


def test_validate_builds_every_perceived_game():
    text = PD % "t" + "perceptions: {a: {unaware_states: [1, 2, 3, 4]}}\n"
    c = loads(text, "yaml", "s.yaml")
    with pytest.raises(ModelError, match="no state"):
        check_all(c)


def test_compile_of_checked_model_still_works():
    assert compile_conflict(loads(PD % "t * a.x", "yaml", "s.yaml")).n_states == 4


# -- API arguments --------------------------------------------------------------------------------------
API_CASES = {
    "load-none": (lambda pd: detente.load(None), "expected a file path"),
    "load-int": (lambda pd: detente.load(123), "expected a file path"),
    "analyze-path": (lambda pd: detente.analyze("examples/elmira.yaml"), "detente.load(path)"),
    "analyze-none": (lambda pd: detente.analyze(None), "expected a Conflict"),
    "parameters-list": (lambda pd: detente.analyze(pd, parameters=[1, 2]), "expected a mapping"),
    "parameter-text": (lambda pd: detente.analyze(pd, parameters={"t": "abc"}), "parameters.t"),
    "parameter-inf": (lambda pd: detente.analyze(pd, parameters={"t": float("inf")}), "finite number"),
    "loads-none": (lambda pd: loads(None, "yaml"), "expected the file's text"),
    "loads-format": (lambda pd: loads("x", 3), "expected a format name"),
    "explain-text": (lambda pd: detente.analyze(pd).explain("a"), "expected a state number"),
}


@pytest.mark.parametrize("name", list(API_CASES))
def test_api_arguments_are_refused_clearly(name):
    fn, needle = API_CASES[name]
    with pytest.raises(DetenteError, match=re.escape(needle)):
        fn(loads(PD % "t * a.x", "yaml", "s.yaml"))


def test_single_concept_as_text():
    assert detente.analyze(detente.examples.prisoners_dilemma(), concepts="nash").concepts == ["nash"]


# -- command-line options ----------------------------------------------------------------------------------
CLI_CASES = [
    (["analyze", "{f}", "--set", "t=1e999"], "finite number"),
    (["analyze", "{f}", "--set", "t=" + "9" * 5000], "--set"),
    (["sweep", "{f}", "--param", "t=0:1:3", "--precision", "1e-300", "--no-plot"], "floating-point resolution"),
    (["sweep", "{f}", "--param", "t=nan:1:3", "--no-plot"], "finite"),
    (["montecarlo", "{f}", "--param", "t=uniform:0:inf", "-n", "3"], "finite numbers"),
    (["montecarlo", "{f}", "--param", "t=uniform:-1e308:1e308", "-n", "3"], "too wide"),
    (["explain", "{f}", "9" * 30], "does not exist"),
]


@pytest.mark.parametrize("args, needle", CLI_CASES, ids=[" ".join(a[2:])[:40] for a, _ in CLI_CASES])
def test_hostile_command_line_options(tmp_path, args, needle):
    from typer.testing import CliRunner

    from detente.cli import app

    f = tmp_path / "s.yaml"
    f.write_text(PD % "t * (1 if a.x else 0)", encoding="utf-8")
    result = CliRunner().invoke(app, [a.replace("{f}", str(f)) for a in args])
    out = re.sub(r"\s+", " ", result.output)
    assert result.exit_code == 2 and "internal error" not in out and "Traceback" not in out, out[-1500:]
    assert needle in out, out[-1500:]


def test_lone_surrogate_in_the_raw_text_names_line_and_column():
    _refused("name: x\ndecision_makers: [\ud800]\n", "yaml", "line 2, column 19", "lone surrogate")
    _refused('{"name": "x", \ud800}', "json", "line 1, column 15", "lone surrogate")


def test_big_malformed_yaml_is_refused_quickly():
    text = "name: x\nitems:\n" + "".join(f"  - {k}\n" for k in range(200_000)) + "  - [unclosed\n"
    start = time.monotonic()
    _refused(text, "yaml", "malformed YAML")
    assert time.monotonic() - start < 10


def test_loading_a_23_option_file_is_refused_before_enumerating():
    start = time.monotonic()
    _refused(_many_options(23, False), "json", "DETENTE_MAX_CANDIDATE_STATES", kind=ModelTooLargeError)
    assert time.monotonic() - start < 2
