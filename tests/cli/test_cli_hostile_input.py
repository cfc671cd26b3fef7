"""Hostile and sloppy input, command by command: every case is a user error.

The product rule: bad input gets one clear line naming the file, the field (or option) and the
reason, exit code 2, and never a traceback or an "internal error"; user text is never evaluated.
Each case below gives a scenario (or a broken file), the command line, and words the error line
must contain. ``{f}`` stands for the scenario file and ``{tmp}`` for a scratch folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente.cli import app

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    return ANSI.sub("", text)


BASE = """\
name: Hostile
parameters: {t: 1}
decision_makers:
  - name: alice
    options: [cooperate]
    preferences: {payoff: "(2 if bob.cooperate else 0) + (t if not alice.cooperate else 0)"}
  - name: bob
    options: [cooperate]
    preferences: {prioritization: ["alice.cooperate", "not bob.cooperate"]}
outcomes:
  mc: alice.cooperate and bob.cooperate
"""

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Every command that reads a scenario, with the least it needs to run on BASE.
COMMANDS = {
    "analyze": [],
    "validate": [],
    "explain": ["1"],
    "convert": ["{tmp}/out.yaml"],
    "brief": [],
    "sweep": ["--param", "t=0:1:3", "--no-plot"],
    "montecarlo": ["--param", "t=uniform:0:1", "-n", "3"],
    "evolve": ["--from", "1"],
    "coalitions": [],
    "inverse": ["1"],
    "report": ["-o", "{tmp}/r.html"],
}
ANALYSING = [c for c in COMMANDS if c not in ("validate", "convert")]


def _edit(path: list, value):
    """BASE with the value at ``path`` (keys and list indices) replaced."""
    data = yaml.safe_load(BASE)
    cur = data
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    return yaml.safe_dump(data, sort_keys=False)


def _run(tmp_path: Path, args: list[str], text: str | bytes | None = BASE, name: str = "s.yaml"):
    f = tmp_path / name
    if isinstance(text, bytes):
        f.write_bytes(text)
    elif text is not None:
        f.write_text(text, encoding="utf-8")
    argv = [a.replace("{f}", str(f)).replace("{tmp}", str(tmp_path)) for a in args]
    return CliRunner().invoke(app, argv)


def _assert_user_error(result, *needles: str) -> None:
    out = plain(result.output)
    assert "Traceback" not in out and "internal error" not in out, out
    assert result.exit_code == 2, (result.exit_code, out)
    flat = re.sub(r"\s+", " ", out)
    for needle in needles:
        assert needle in flat, (needle, out)


def _cmd(command: str, *extra: str) -> list[str]:
    rest = COMMANDS[command]
    if command in ("explain", "inverse", "convert"):  # positional second argument first
        return [command, "{f}", *rest, *extra]
    return [command, "{f}", *rest, *extra]


# -- broken files, for every command --------------------------------------------------------------

BROKEN_FILES = {
    "missing": (None, "nope.yaml", "file not found"),
    "empty": ("", "s.yaml", "the file is empty"),
    "binary": (bytes(range(256)) * 4, "s.yaml", "not a UTF-8 text file"),
    "yaml-list": ("- a\n- b\n", "s.yaml", "the top level must be a mapping"),
    "yaml-scalar": ("42\n", "s.yaml", "the top level must be a mapping"),
    "bad-yaml": ("name: [unclosed\n", "s.yaml", "malformed YAML"),
    "bad-json": ("{nope", "s.json", "malformed JSON"),
    "bad-gmcr": ("[1, 2]", "s.gmcr", "a .gmcr file is a JSON object"),
    "unknown-extension": (BASE, "s.txt", "unknown file type '.txt'"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_broken_file(tmp_path, command, case):
    text, name, reason = BROKEN_FILES[case]
    args = [a.replace("{f}", str(tmp_path / name)) for a in _cmd(command)]
    result = _run(tmp_path, args, text, name)
    _assert_user_error(result, name, reason)


@pytest.mark.parametrize("command", ["analyze", "validate", "convert", "sweep"])
def test_directory_instead_of_file(tmp_path, command):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    args = [a.replace("{f}", str(folder)) for a in _cmd(command)]
    _assert_user_error(_run(tmp_path, args, None), "folder.yaml", "is a directory")
    plain_folder = tmp_path / "scenarios"
    plain_folder.mkdir()
    args = [a.replace("{f}", str(plain_folder)) for a in _cmd(command)]
    _assert_user_error(_run(tmp_path, args, None), "scenarios", "is a directory")


# -- expression injection and hostile expressions, in every expression field ----------------------

HOSTILE_EXPRESSIONS = {
    "import": ("__import__('os')", "cannot parse"),
    "dunder-attribute": ("alice.__class__", "unknown name 'alice.__class__'"),
    "dunder-chain": ("t.__class__.__mro__", "unknown name"),
    "lambda": ("lambda: 1", "cannot parse"),
    "f-string": ("f'{t}'", "cannot parse"),
    "subscript": ("t[0]", "cannot parse"),
    "statement": ("1; 2", "cannot parse"),
    "walrus": ("x := 1", "cannot parse"),
    "call-eval": ("eval('1')", "cannot parse"),
    "unknown-function": ("open(t)", "unknown function 'open'"),
    "deep-not": ("not " * 2000 + "alice.cooperate", "nested more than"),
    "deep-minus": ("-" * 5000 + "t", "nested more than"),
    "long-chain": (" + ".join(["t"] * 2400), "nested more than"),
    "too-long": ("not " * 10000 + "alice.cooperate", "DETENTE_MAX_EXPRESSION_CHARS"),
    "huge-number": ("9" * 400 + " * t", "too large to compute with"),
    "empty": ("   ", "empty expression"),
}

EXPRESSION_FIELDS = {
    "payoff": (["decision_makers", 0, "preferences"], lambda e: {"payoff": e},
               "decision_makers[0].preferences.payoff"),
    "prioritization": (["decision_makers", 1, "preferences"], lambda e: {"prioritization": [e]},
                       "decision_makers[1].preferences.prioritization[0]"),
    "outcome": (["outcomes", "mc"], lambda e: e, "outcomes.mc"),
    "status_quo": (["status_quo"], lambda e: e, "status_quo"),
    "feasibility": (["feasibility"], lambda e: {"infeasible": [e]}, "feasibility"),
    "perspective": (["perspectives"], lambda e: {"p": {"preferences": {"alice": {"payoff": e}}}},
                    "perspectives.p.preferences.alice.payoff"),
}


@pytest.mark.parametrize("field", list(EXPRESSION_FIELDS))
@pytest.mark.parametrize("case", list(HOSTILE_EXPRESSIONS))
def test_hostile_expression(tmp_path, field, case):
    expr, reason = HOSTILE_EXPRESSIONS[case]
    path, wrap, where = EXPRESSION_FIELDS[field]
    if field != "payoff" and case in ("dunder-chain", "deep-minus", "long-chain"):
        reason = ""  # number-valued where a condition is expected: refused either way
    result = _run(tmp_path, ["analyze", "{f}"], _edit(path, wrap(expr)))
    _assert_user_error(result, "s.yaml", f"field '{where}", reason)


def test_deep_parentheses_are_fine(tmp_path):
    """4,000 nested parentheses do not deepen the tree: the formula is accepted and works."""
    deep = "(" * 4000 + "t" + ")" * 4000
    text = _edit(["decision_makers", 0, "preferences"], {"payoff": f"{deep} * (1 if alice.cooperate else 0)"})
    result = _run(tmp_path, ["analyze", "{f}", "--format", "json"], text)
    assert result.exit_code == 0, result.output


# -- scenario fields with unknown names, duplicates, bad numbers --------------------------------

SCENARIO_CASES = {
    "param-nan": (["parameters", "t"], float("nan"), "parameters.t", "finite number"),
    "param-inf": (["parameters", "t"], float("inf"), "parameters.t", "finite number"),
    "param-text": (["parameters", "t"], "abc", "parameters.t", "expected a number"),
    "param-huge-int": (["parameters", "t"], 10 ** 400, "parameters.t", "expected a number"),
    "param-not-identifier": (["parameters"], {"a b": 1, "t": 1}, "parameters.a b", "not an identifier"),
    "duplicate-dm": (["decision_makers", 1, "name"], "alice", "decision_makers[1].name", "duplicate"),
    "duplicate-option": (["decision_makers", 0, "options"], ["cooperate", "cooperate"],
                         "decision_makers[0].options[1].name", "duplicate option name"),
    "dm-name-int": (["decision_makers", 0, "name"], 5, "decision_makers[0].name", "expected text"),
    "bad-reversible": (["decision_makers", 0, "options"], [{"name": "cooperate", "reversible": "sideways"}],
                       "decision_makers[0].options[0].reversible", "not a reversibility"),
    "two-preference-kinds": (["decision_makers", 0, "preferences"], {"payoff": "t", "ranking": [1, 2, 3, 4]},
                             "decision_makers[0].preferences", "exactly one"),
    "ranking-out-of-range": (["decision_makers", 0, "preferences"], {"ranking": [[1, 2, 3, 99]]},
                             "decision_makers[0].preferences.ranking[0][3]", "state 99 does not exist"),
    "ranking-zero": (["decision_makers", 0, "preferences"], {"ranking": [0, 1, 2, 3]},
                     "decision_makers[0].preferences.ranking[0]", "state 0 does not exist"),
    "ranking-huge": (["decision_makers", 0, "preferences"], {"ranking": [10 ** 30, 1, 2, 3]},
                     "decision_makers[0].preferences.ranking[0]", "does not exist"),
    "ranking-duplicate": (["decision_makers", 0, "preferences"], {"ranking": [1, 1, 2, 3, 4]},
                          "decision_makers[0].preferences.ranking[1]", "more than once"),
    "ranking-incomplete": (["decision_makers", 0, "preferences"], {"ranking": [1, 2]},
                           "decision_makers[0].preferences.ranking", "misses 2 state"),
    "outcome-state-out-of-range": (["outcomes", "mc"], [1, 99], "outcomes.mc[1]", "state 99 does not exist"),
    "outcome-state-text": (["outcomes", "mc"], ["x"], "outcomes.mc[0]", "expected a whole number"),
    "status-quo-unknown": (["status_quo"], "nope", "status_quo", "unknown name 'nope'"),
    "status-quo-out-of-range": (["status_quo"], 99, "status_quo", "state 99 does not exist"),
    "unknown-key": (["vibes"], 1, "vibes", "unknown key 'vibes'"),
    "perspective-unknown-dm": (["perspectives"], {"p": {"preferences": {"carol": {"payoff": "t"}}}},
                               "perspectives.p.preferences.carol", "unknown decision maker 'carol'"),
    "perspective-unknown-param": (["perspectives"], {"p": {"parameters": {"zzz": 1}}},
                                  "perspectives.p.parameters.zzz", "unknown parameter 'zzz'"),
    "perspective-param-nan": (["perspectives"], {"p": {"parameters": {"t": float("nan")}}},
                              "perspectives.p.parameters.t", "finite number"),
    "perception-unknown-dm": (["perceptions"], {"carol": {"parameters": {"t": 1}}},
                              "perceptions.carol", "unknown decision maker 'carol'"),
    "perception-unknown-option": (["perceptions"], {"alice": {"unaware_options": ["bob.nope"]}},
                                  "perceptions.alice.unaware_options[0]", "unknown option 'bob.nope'"),
    "perception-state-out-of-range": (["perceptions"], {"alice": {"unaware_states": [99]}},
                                      "perceptions.alice.unaware_states[0]", "state 99 does not exist"),
    "perception-of-unknown": (["perceptions"], {"alice": {"of_others": {"carol": {"parameters": {"t": 1}}}}},
                              "perceptions.alice.of_others.carol", "unknown decision maker 'carol'"),
    "coalition-unknown-dm": (["coalitions"], [["alice", "carol"]], "coalitions[0][1]",
                             "unknown decision maker 'carol'"),
    "coalition-duplicate": (["coalitions"], [["alice", "alice"]], "coalitions[0]", "listed twice"),
    "coalition-single": (["coalitions"], [["alice"]], "coalitions[0]", "at least two"),
    "sweep-unknown-param": (["sweeps"], [{"parameter": "zz", "lo": 0, "hi": 1, "steps": 3}],
                            "sweeps[0].parameter", "unknown parameter 'zz'"),
    "sweep-one-step": (["sweeps"], [{"parameter": "t", "lo": 0, "hi": 1, "steps": 1}],
                       "sweeps[0].steps", "at least 2 steps"),
    "sweep-lo-above-hi": (["sweeps"], [{"parameter": "t", "lo": 1, "hi": 0, "steps": 3}],
                          "sweeps[0]", "lo must be below hi"),
    "sweep-nan": (["sweeps"], [{"parameter": "t", "lo": float("nan"), "hi": 1, "steps": 3}],
                  "sweeps[0].lo", "finite number"),
    "sweep-absurd-precision": (["sweeps"], [{"parameter": "t", "lo": 0, "hi": 1, "steps": 3, "precision": 1e-300}],
                               "sweeps[0].precision", "floating-point resolution"),
    "perception-third-level": (["perceptions"], {"alice": {"of_others": {"bob": {"of_others": {"alice": {}}}}}},
                               "perceptions.alice.of_others.bob.of_others", "beyond level 2"),
    "perception-param-inf": (["perceptions"], {"alice": {"parameters": {"t": float("inf")}}},
                             "perceptions.alice.parameters.t", "finite number"),
    "lone-surrogate-name": (["decision_makers", 0, "name"], "\ud800", "decision_makers[0].name", "lone surrogate"),
    "lone-surrogate-key": (["outcomes"], {"x\udfff": "alice.cooperate"}, "outcomes", "lone surrogate"),
    "sweep-huge-steps": (["sweeps"], [{"parameter": "t", "lo": 0, "hi": 1, "steps": 10 ** 12}],
                         "sweeps[0].steps", "at most 10,000 steps"),
    "sweep-negative-precision": (["sweeps"], [{"parameter": "t", "lo": 0, "hi": 1, "steps": 3, "precision": -1}],
                                 "sweeps[0].precision", "positive number"),
}


@pytest.mark.parametrize("command", ["analyze", "validate", "brief"])
@pytest.mark.parametrize("case", list(SCENARIO_CASES))
def test_bad_scenario_field(tmp_path, command, case):
    path, value, field, reason = SCENARIO_CASES[case]
    result = _run(tmp_path, [command, "{f}"], _edit(path, value))
    _assert_user_error(result, "s.yaml", f"field '{field}'", reason)


def test_too_many_options_refused_before_allocating(tmp_path):
    opts = ", ".join(f"o{i}" for i in range(35))
    text = (f"name: Big\ndecision_makers:\n  - name: a\n    options: [{opts}]\n"
            f"    preferences: {{prioritization: [a.o0]}}\n"
            f"  - name: b\n    options: [x]\n    preferences: {{prioritization: [b.x]}}\n")
    for command in ("analyze", "validate", "explain", "brief", "evolve", "coalitions", "inverse", "report",
                    "convert"):
        args = _cmd(command) if command != "convert" else ["convert", "{f}", "{tmp}/out.gmcr"]
        result = _run(tmp_path, args, text)
        _assert_user_error(result, "s.yaml", "36 options give 2^36 candidate states", "at most 30 options", "Split the conflict")


GMCR_CASES = {
    "option-index-out-of-range": (lambda d: d["decisionMakers"][0].__setitem__("options", [99]),
                                  "decisionMakers[0].options[0]", "option index 99 out of range"),
    "option-index-negative": (lambda d: d["decisionMakers"][0].__setitem__("options", [-1]),
                              "decisionMakers[0].options[0]", "out of range"),
    "option-index-text": (lambda d: d["decisionMakers"][0].__setitem__("options", ["x"]),
                          "decisionMakers[0].options[0]", "expected an option index"),
    "option-owned-twice": (lambda d: d["decisionMakers"][0].__setitem__("options", [0, 1]),
                           "decisionMakers[1].options[0]", "already controlled"),
    "preference-index": (lambda d: d["decisionMakers"][0].__setitem__("preferences", [[[99, "Y"]]]),
                         "decisionMakers[0].preferences[0][0][0]", "out of range"),
    "preference-letter": (lambda d: d["decisionMakers"][0].__setitem__("preferences", [[[0, "Q"]]]),
                          "decisionMakers[0].preferences[0][0][1]", 'expected "Y" or "N"'),
    "ranking-state": (lambda d: d["decisionMakers"][0].__setitem__("preferenceRanking", [99]),
                      "decisionMakers[0].preferenceRanking[0]", "state 99 does not exist"),
    "infeasible-index": (lambda d: d.__setitem__("infeasibles", [[[99, "Y"]]]),
                         "infeasibles[0][0][0]", "out of range"),
    "direction": (lambda d: d["options"][0].__setitem__("permittedDirection", "up"),
                  "options[0].permittedDirection", "expected"),
}


@pytest.mark.parametrize("case", list(GMCR_CASES))
def test_bad_gmcr(tmp_path, case):
    edit, field, reason = GMCR_CASES[case]
    data = json.loads((EXAMPLES / "elmira.gmcr").read_text(encoding="utf-8"))
    edit(data)
    result = _run(tmp_path, ["analyze", "{f}"], json.dumps(data), "s.gmcr")
    _assert_user_error(result, "s.gmcr", f"field '{field}'", reason)


# -- bad option values ------------------------------------------------------------------------------

SET_CASES = {
    "no-equals": ("t", "expected NAME=VALUE"),
    "no-value": ("t=", "expected NAME=VALUE"),
    "text": ("t=abc", "must be a number"),
    "nan": ("t=nan", "must be a"),
    "injection": ("t=__import__('os')", "must be a number"),
    "unknown": ("zz=1", "unknown parameter(s) zz"),
}


@pytest.mark.parametrize("command", ANALYSING)
@pytest.mark.parametrize("case", list(SET_CASES))
def test_bad_set(tmp_path, command, case):
    value, reason = SET_CASES[case]
    _assert_user_error(_run(tmp_path, _cmd(command, "--set", value)), "option '--set'", reason)


@pytest.mark.parametrize("command", ANALYSING)
@pytest.mark.parametrize("value", ["nope", "", "__import__"])
def test_bad_concept(tmp_path, command, value):
    _assert_user_error(_run(tmp_path, _cmd(command, "--concept", value)), "option '--concept'")


PERSPECTIVE_ARGS = {
    "analyze": [], "explain": ["1"], "evolve": ["--from", "1"], "coalitions": [], "inverse": ["1"],
    "report": ["-o", "{tmp}/r.html"], "sweep": ["--param", "lambda_r=0:0.3:3", "--no-plot"],
    "montecarlo": ["--param", "lambda_r=uniform:0:0.3", "-n", "3"],
}


@pytest.mark.parametrize("command", list(PERSPECTIVE_ARGS))
@pytest.mark.parametrize("value", ["nope", "", "__class__"])
def test_bad_perspective(tmp_path, command, value):
    scenario = (EXAMPLES / "ukraine-ceasefire.yaml").read_text(encoding="utf-8")
    args = [command, "{f}", *PERSPECTIVE_ARGS[command], "--perspective", value]
    _assert_user_error(_run(tmp_path, args, scenario), "s.yaml", "option '--perspective'", "unknown perspective")


STATES = {
    "zero": ("0", "state 0 does not exist"),
    "too-big": ("5", "state 5 does not exist"),
    "huge": ("99999999999999999999", "does not exist"),
    "fraction": ("1.5", "not a state number"),
    "long-pattern": ("YYY", "has 3 letters"),
    "bad-pattern": ("YZ", "unknown name 'YZ'"),
    "unknown": ("nope", "unknown name 'nope'"),
    "injection": ("__import__('os')", "cannot parse"),
    "unknown-option": ("alice.nope", "unknown name 'alice.nope'"),
    "no-state": ("false", "no feasible state"),
    "empty": ("", "empty expression"),
    "unbalanced": ("((((", "cannot parse"),
}


@pytest.mark.parametrize("case", list(STATES))
def test_bad_state(tmp_path, case):
    value, reason = STATES[case]
    _assert_user_error(_run(tmp_path, ["explain", "{f}", value]), "argument STATE", reason)
    _assert_user_error(_run(tmp_path, ["inverse", "{f}", value]), "argument STATE")
    _assert_user_error(_run(tmp_path, ["evolve", "{f}", "--from", value]), "option '--from'")
    _assert_user_error(_run(tmp_path, ["report", "{f}", "-o", "{tmp}/r.html", "--from", value]), "option '--from'")


def test_evolve_ambiguous_status_quo_names_the_file(tmp_path):
    result = _run(tmp_path, ["evolve", "{f}"], BASE + "status_quo: alice.cooperate\n")
    _assert_user_error(result, "s.yaml", "field 'status_quo'", "names 2 states", "--from")
    result = _run(tmp_path, ["evolve", "{f}", "--from", "alice.cooperate"])
    _assert_user_error(result, "option '--from'", "names 2 states")


SWEEP_CASES = {
    "no-range": (["--param", "t"], "option '--param'", "expected NAME=LO:HI:STEPS"),
    "one-step": (["--param", "t=0:1:1"], "field 'steps'", "at least 2 steps"),
    "zero-steps": (["--param", "t=0:1:0"], "field 'steps'", "at least 2 steps"),
    "lo-above-hi": (["--param", "t=1:0:3"], "field 'param'", "LO < HI"),
    "lo-equals-hi": (["--param", "t=0:0:3"], "field 'param'", "LO < HI"),
    "nan": (["--param", "t=nan:1:3"], "option '--param'", "finite numbers"),
    "inf": (["--param", "t=0:inf:3"], "option '--param'", "finite numbers"),
    "text-steps": (["--param", "t=0:1:abc"], "option '--param'", "STEPS an integer"),
    "unknown": (["--param", "zz=0:1:3"], "field 'param'", "unknown parameter 'zz'"),
    "huge-steps": (["--param", "t=0:1:100000000000"], "option '--param'", "at most 10,000 steps"),
    "zero-precision": (["--param", "t=0:1:3", "--precision", "0"], "option '--precision'", "positive"),
    "nan-precision": (["--param", "t=0:1:3", "--precision", "nan"], "option '--precision'", "positive"),
    "inf-precision": (["--param", "t=0:1:3", "--precision", "inf"], "option '--precision'", "positive"),
    "state-out-of-range": (["--param", "t=0:1:3", "--state", "99"], "state", "state 99 does not exist"),
    "bad-format": (["--param", "t=0:1:3", "--format", "xml"], "Invalid value for '--format'", "'xml'"),
}


@pytest.mark.parametrize("case", list(SWEEP_CASES))
def test_bad_sweep(tmp_path, case):
    extra, where, reason = SWEEP_CASES[case]
    _assert_user_error(_run(tmp_path, ["sweep", "{f}", "--no-plot", *extra]), where, reason)


MONTECARLO_CASES = {
    "no-dist": (["--param", "t"], "option '--param'", "expected NAME=DIST"),
    "unknown-dist": (["--param", "t=gauss:0:1"], "option '--param'", "unknown distribution 'gauss'"),
    "injection": (["--param", "t=__import__('os')"], "option '--param'", "unknown distribution"),
    "empty-range": (["--param", "t=uniform:1:0"], "option '--param'", "lo < hi"),
    "negative-spread": (["--param", "t=normal:0:-1"], "option '--param'", "invalid spread"),
    "unknown-param": (["--param", "zz=uniform:0:1"], "option '--param'", "unknown parameter(s) zz"),
    "zero-samples": (["--param", "t=uniform:0:1", "-n", "0"], "option '--samples'", "between 1 and"),
    "negative-samples": (["--param", "t=uniform:0:1", "-n", "-1"], "option '--samples'", "between 1 and"),
    "huge-samples": (["--param", "t=uniform:0:1", "-n", "100000000000"], "option '--samples'", "between 1 and"),
    "negative-seed": (["--param", "t=uniform:0:1", "--seed", "-1"], "option '--seed'", ">= 0"),
    "bad-format": (["--param", "t=uniform:0:1", "--format", "xml"], "Invalid value for '--format'", "'xml'"),
    "bad-scheduler": (["--param", "t=uniform:0:1", "--scheduler", "nope"], "scheduler", "unknown scheduler"),
}


@pytest.mark.parametrize("case", list(MONTECARLO_CASES))
def test_bad_montecarlo(tmp_path, case):
    extra, where, reason = MONTECARLO_CASES[case]
    _assert_user_error(_run(tmp_path, ["montecarlo", "{f}", *extra]), where, reason)


COALITIONS = {
    "unknown": ("alice,carol", "unknown decision maker 'carol'"),
    "single": ("alice", "at least two"),
    "twice": ("alice,alice", "more than once"),
    "empty": (",", "empty coalition"),
    "injection": ("__import__('os'),bob", "unknown decision maker"),
}


@pytest.mark.parametrize("case", list(COALITIONS))
@pytest.mark.parametrize("option", ["--coalition", "--merge"])
def test_bad_coalition(tmp_path, option, case):
    value, reason = COALITIONS[case]
    _assert_user_error(_run(tmp_path, ["coalitions", "{f}", option, value]), f"option '{option}'", reason)
    if option == "--coalition":
        args = ["evolve", "{f}", "--from", "1", "--mode", "coalitional", option, value]
        _assert_user_error(_run(tmp_path, args), f"option '{option}'", reason)


def test_bad_evolve_mode_and_inverse_dm(tmp_path):
    _assert_user_error(_run(tmp_path, ["evolve", "{f}", "--from", "1", "--mode", "nope"]),
                       "option '--mode'", "unknown mode 'nope'")
    _assert_user_error(_run(tmp_path, ["inverse", "{f}", "1", "--dm", "carol"]),
                       "option '--dm'", "unknown decision maker 'carol'")


@pytest.mark.parametrize("command", ["brief"])
def test_brief_unknown_outcome(tmp_path, command):
    _assert_user_error(_run(tmp_path, [command, "{f}", "--outcome", "nope"]), "nope")


def test_report_to_unwritable_path(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    _assert_user_error(_run(tmp_path, ["report", "{f}", "-o", str(blocker / "r.html")]), "not-a-folder")
    _assert_user_error(_run(tmp_path, ["report", "{f}", "-o", "{tmp}/r.pdf"]), "r.pdf")


@pytest.mark.parametrize("target", ["out.pdf", "out", "not-a-folder/out.yaml"])
def test_convert_bad_target(tmp_path, target):
    (tmp_path / "not-a-folder").write_text("x", encoding="utf-8")
    result = _run(tmp_path, ["convert", "{f}", str(tmp_path / target)])
    _assert_user_error(result, Path(target).name if "/" not in target else "not-a-folder")


@pytest.mark.parametrize("port", ["99999999", "-5"])
def test_serve_bad_port(port):
    result = CliRunner().invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--port" in plain(result.output)
