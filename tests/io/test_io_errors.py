"""Every kind of bad input gives a DetenteError naming the file, the field and the reason."""

from __future__ import annotations

import json

import pytest

from detente.errors import DetenteError, ExpressionError, FileFormatError, ModelError
from detente.io import load

GOOD_DMS = """
decision_makers:
  - name: a
    options: [x, y]
    preferences: {prioritization: [a.x, not b.z]}
  - name: b
    options: [z]
    preferences: {prioritization: [b.z]}
"""

# (case id, file name, content, error class, field path, reason fragment)
SCENARIO_CASES = [
    ("yaml-syntax", "s.yaml", "name: [x\n  y: 1\n", FileFormatError, None, "line 2"),
    ("json-syntax", "s.json", '{"name": "x",\n "decision_makers": [}', FileFormatError, None, "line 2"),
    ("yaml-duplicate-key", "s.yaml", "name: a\nname: b\n", FileFormatError, None, "duplicate key 'name'"),
    ("empty", "s.yaml", "", FileFormatError, None, "empty"),
    ("not-a-mapping", "s.yaml", "- 1\n- 2\n", FileFormatError, None, "top level must be a mapping"),
    ("unknown-key", "s.yaml", GOOD_DMS.replace("options: [z]", "optons: [z]"), FileFormatError,
     "decision_makers[1].optons", "unknown key 'optons'; did you mean 'options'"),
    ("unknown-top-key", "s.yaml", GOOD_DMS + "outcome: {o: a.x}\n", FileFormatError, "outcome",
     "did you mean 'outcomes'"),
    ("missing-key", "s.yaml", GOOD_DMS.replace("    preferences: {prioritization: [b.z]}\n", ""),
     FileFormatError, "decision_makers[1].preferences", "required"),
    ("missing-dms", "s.yaml", "name: x\n", FileFormatError, "decision_makers", "required"),
    ("wrong-type", "s.yaml", GOOD_DMS + "parameters: {t: lots}\n", FileFormatError, "parameters.t",
     "expected a number"),
    ("two-preferences", "s.yaml", GOOD_DMS.replace("{prioritization: [b.z]}", "{prioritization: [b.z], ranking: [1]}"),
     FileFormatError, "decision_makers[1].preferences", "exactly one of prioritization, ranking or payoff"),
    ("no-preference", "s.yaml", GOOD_DMS.replace("{prioritization: [b.z]}", "{}"),
     FileFormatError, "decision_makers[1].preferences", "exactly one"),
    ("bad-reversible", "s.yaml", GOOD_DMS.replace("options: [z]", "options: [{name: z, reversible: sideways}]"),
     FileFormatError, "decision_makers[1].options[0].reversible", "not a reversibility"),
    ("option-not-text", "s.yaml", GOOD_DMS.replace("options: [z]", "options: [3]"),
     FileFormatError, "decision_makers[1].options[0]", "expected text or a mapping"),
    ("bad-pattern-value", "s.yaml", GOOD_DMS + "feasibility: {patterns: [{a.x: maybe}]}\n", FileFormatError,
     "feasibility.patterns[0].a.x", "got text 'maybe'"),
    ("duplicate-dm", "s.yaml", GOOD_DMS.replace("name: b", "name: a"), ModelError,
     "decision_makers[1].name", "duplicate decision maker name 'a'"),
    ("duplicate-option", "s.yaml", GOOD_DMS.replace("[x, y]", "[x, X]"), ModelError,
     "decision_makers[0].options[1].name", "duplicate option name 'X'"),
    ("same-identifier", "s.yaml", GOOD_DMS.replace("[x, y]", "[x y, \"X-Y\"]"), ModelError,
     "decision_makers[0].options[1].name", "same identifier 'x_y'"),
    ("blank-name", "s.yaml", GOOD_DMS.replace("[x, y]", "[x, \" \"]"), ModelError,
     "decision_makers[0].options[1].name", "a name is required"),
    ("bad-explicit-id", "s.yaml", GOOD_DMS.replace("name: b", "name: b\n    id: 2b"), ModelError,
     "decision_makers[1].id", "not an identifier"),
    ("one-dm", "s.yaml", "decision_makers:\n  - {name: a, options: [x], preferences: {prioritization: [a.x]}}\n",
     ModelError, "decision_makers", "at least two decision makers"),
    ("unknown-option", "s.yaml", GOOD_DMS.replace("not b.z]", "not b.w]"), ExpressionError,
     "decision_makers[0].preferences.prioritization[1]", "unknown name 'b.w' (did you mean 'b.z'?)"),
    ("unknown-dm-in-expr", "s.yaml", GOOD_DMS.replace("not b.z]", "not c.z]"), ExpressionError,
     "decision_makers[0].preferences.prioritization[1]", "unknown name 'c.z'"),
    ("bad-expression", "s.yaml", GOOD_DMS.replace("not b.z]", "\"a.x and\"]"), ExpressionError,
     "decision_makers[0].preferences.prioritization[1]", "cannot parse"),
    ("not-a-condition", "s.yaml", GOOD_DMS.replace("not b.z]", "\"a.x + 2\"]"), ModelError,
     "decision_makers[0].preferences.prioritization[1]", "expected a condition"),
    ("unknown-in-payoff", "s.yaml", GOOD_DMS.replace("{prioritization: [b.z]}", "{payoff: \"k * b.z\"}"),
     ExpressionError, "decision_makers[1].preferences.payoff", "unknown name 'k'"),
    ("unknown-in-infeasible", "s.yaml", GOOD_DMS + "feasibility: {infeasible: [a.q]}\n", ExpressionError,
     "feasibility.infeasible[0]", "unknown name 'a.q'"),
    ("unknown-in-group", "s.yaml", GOOD_DMS + "feasibility: {mutually_exclusive: [[a.x, a.w]]}\n",
     ExpressionError, "feasibility.mutually_exclusive[0][1]", "unknown name 'a.w'"),
    ("unknown-in-implication", "s.yaml", GOOD_DMS + "feasibility: {implications: [{if: a.x, then: b.q}]}\n",
     ExpressionError, "feasibility.implications[0].then", "unknown name 'b.q'"),
    ("implication-no-arrow", "s.yaml", GOOD_DMS + "feasibility: {implications: [a.x]}\n", FileFormatError,
     "feasibility.implications[0]", "no '->' found"),
    ("unknown-in-pattern", "s.yaml", GOOD_DMS + "feasibility: {patterns: [{a.w: Y}]}\n", ExpressionError,
     "feasibility.patterns[0].a.w", "unknown name 'a.w'"),
    ("unknown-in-outcome", "s.yaml", GOOD_DMS + "outcomes: {deal: a.x and b.w}\n", ExpressionError,
     "outcomes.deal", "unknown name 'b.w'"),
    ("outcome-state-out-of-range", "s.yaml", GOOD_DMS + "outcomes: {deal: [1, 9]}\n", ModelError,
     "outcomes.deal[1]", "state 9 does not exist"),
    ("status-quo-out-of-range", "s.yaml", GOOD_DMS + "status_quo: 12\n", ModelError, "status_quo",
     "state 12 does not exist: the model has states 1..8"),
    ("status-quo-unknown", "s.yaml", GOOD_DMS + "status_quo: stalemate\n", ExpressionError, "status_quo",
     "unknown name 'stalemate'"),
    ("no-feasible-state", "s.yaml", GOOD_DMS + "feasibility: {infeasible: [a.x, not a.x]}\n", ModelError,
     "feasibility", "no feasible state"),
    ("ranking-misses", "s.yaml", GOOD_DMS.replace("{prioritization: [b.z]}", "{ranking: [1, [2, 3], 4]}"),
     ModelError, "decision_makers[1].preferences.ranking", "misses 4 state(s): 5, 6, 7, 8"),
    ("ranking-repeats", "s.yaml",
     GOOD_DMS.replace("{prioritization: [b.z]}", "{ranking: [1, [2, 3], 4, 5, 6, 7, 8, 3]}"),
     ModelError, "decision_makers[1].preferences.ranking[7]", "state 3 is listed more than once"),
    ("ranking-no-such-state", "s.yaml",
     GOOD_DMS.replace("{prioritization: [b.z]}", "{ranking: [1, [2, 9], 3, 4, 5, 6, 7, 8]}"),
     ModelError, "decision_makers[1].preferences.ranking[1][1]", "state 9 does not exist"),
    ("unknown-dm-perspective", "s.yaml", GOOD_DMS + "perspectives: {p: {preferences: {c: {ranking: [1]}}}}\n",
     ModelError, "perspectives.p.preferences.c", "unknown decision maker 'c'"),
    ("unknown-param-perspective", "s.yaml", GOOD_DMS + "perspectives: {p: {parameters: {t: 1}}}\n",
     ModelError, "perspectives.p.parameters.t", "unknown parameter 't'"),
    ("unknown-perceiver", "s.yaml", GOOD_DMS + "perceptions: {c: {unaware_states: [1]}}\n",
     ModelError, "perceptions.c", "unknown decision maker 'c'"),
    ("unknown-unaware-option", "s.yaml", GOOD_DMS + "perceptions: {a: {unaware_options: [b.w]}}\n",
     ModelError, "perceptions.a.unaware_options[0]", "unknown option 'b.w'"),
    ("unaware-state-range", "s.yaml", GOOD_DMS + "perceptions: {a: {of_others: {b: {unaware_states: [0]}}}}\n",
     ModelError, "perceptions.a.of_others.b.unaware_states[0]", "state 0 does not exist"),
    ("coalition-unknown-dm", "s.yaml", GOOD_DMS + "coalitions: [[a, c]]\n", ModelError, "coalitions[0][1]",
     "unknown decision maker 'c'"),
    ("coalition-too-small", "s.yaml", GOOD_DMS + "coalitions: [[a]]\n", ModelError, "coalitions[0]",
     "at least two"),
    ("sweep-unknown-parameter", "s.yaml", GOOD_DMS + "sweeps: [{parameter: t, lo: 0, hi: 1}]\n", ModelError,
     "sweeps[0].parameter", "unknown parameter 't'"),
    ("graph-self-loop", "g.yaml", """
graph: {states: [s1, s2], moves: {a: [[1, 2]], b: [[2, 2]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
""", ModelError, "graph.moves.b[0]", "from a state to itself"),
    ("graph-missing-state", "g.yaml", """
graph: {states: [s1, s2], moves: {a: [[1, 3]], b: [[2, 1]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
""", ModelError, "graph.moves.a[0]", "names state 3, but the graph has states 1..2"),
    ("graph-unknown-dm", "g.yaml", """
graph: {states: [s1, s2], moves: {c: [[1, 2]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
""", ModelError, "graph.moves.c", "unknown decision maker 'c'"),
    ("graph-with-options", "g.yaml", """
graph: {states: [s1, s2], moves: {a: [[1, 2]]}}
decision_makers:
  - {name: a, options: [x], preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
""", ModelError, "decision_makers[0].options", "no options"),
    ("graph-ranking", "g.yaml", """
graph: {states: [s1, s2, s3], moves: {a: [[1, 2]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [3, 2, 1]}}
""", ModelError, "decision_makers[0].preferences.ranking", "misses 1 state(s): 3"),
    ("graph-bad-move", "g.yaml", """
graph: {states: [s1, s2], moves: {a: [[1, 2, 3]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
""", FileFormatError, "graph.moves.a[0]", ""),
]


@pytest.mark.parametrize("case", SCENARIO_CASES, ids=[c[0] for c in SCENARIO_CASES])
def test_scenario_errors(tmp_path, case):
    _, name, content, cls, field, reason = case
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DetenteError) as info:
        load(path)
    err = info.value
    text = str(err)
    assert isinstance(err, cls), (type(err), text)
    assert name in text and str(path) in text
    if field:
        assert f"'{field}'" in text, text
    assert reason in text, text
    assert "Traceback" not in text


def test_several_problems_are_listed_together(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(GOOD_DMS.replace("optons", "x").replace("options: [z]", "optons: [z]")
                    + "parameters: {t: lots}\n")
    with pytest.raises(FileFormatError) as info:
        load(path)
    text = str(info.value)
    assert "2 problems" in text
    assert "'decision_makers[1].optons'" in text and "'parameters.t'" in text
    assert info.value.problems[0][0] in ("decision_makers[1].optons", "parameters.t")


def test_unreadable_files(tmp_path):
    with pytest.raises(FileFormatError, match="missing.yaml: file not found"):
        load(tmp_path / "missing.yaml")
    with pytest.raises(FileFormatError, match="unknown file type '.txt'"):
        load(tmp_path / "model.txt")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(FileFormatError, match="binary.yaml: not a UTF-8"):
        load(binary)
    with pytest.raises(FileFormatError, match="is a directory"):
        load(_dir(tmp_path))


def _dir(tmp_path):
    d = tmp_path / "d.yaml"
    d.mkdir()
    return d


PD = {"options": [{"name": "C1", "permittedDirection": "both"}, {"name": "C2", "permittedDirection": "both"}],
      "decisionMakers": [{"name": "One", "options": [0], "preferences": [[[1, "Y"]], [[0, "N"]]]},
                         {"name": "Two", "options": [1], "preferences": [[[0, "Y"]], [[1, "N"]]]}],
      "infeasibles": [], "useManualPreferenceRanking": False}


def _pd(**changes):
    data = json.loads(json.dumps(PD))
    for path, value in changes.items():
        target = data
        keys = path.split("/")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return json.dumps(data)


_DELETE = object()

GMCR_CASES = [
    ("not-json", "{\"options\": [,]}", FileFormatError, None, "malformed JSON at line 1"),
    ("not-object", "[1, 2]", FileFormatError, None, "JSON object"),
    ("missing-dms", _pd(decisionMakers=_DELETE), FileFormatError, "decisionMakers", "required"),
    ("missing-options", _pd(options=_DELETE), FileFormatError, "options", "required"),
    ("dm-option-range", _pd(**{"decisionMakers/1/options": [5]}), FileFormatError,
     "decisionMakers[1].options[0]", "option index 5 out of range"),
    ("dm-option-type", _pd(**{"decisionMakers/1/options": ["x"]}), FileFormatError,
     "decisionMakers[1].options[0]", "expected an option index"),
    ("shared-option", _pd(**{"decisionMakers/1/options": [1, 0]}), FileFormatError,
     "decisionMakers[1].options[1]", "already controlled by decisionMakers[0]"),
    ("orphan-option", _pd(options=PD["options"] + [{"name": "C3", "permittedDirection": "both"}]),
     FileFormatError, "options[2]", "controlled by no decision maker"),
    ("bad-direction", _pd(**{"options/0/permittedDirection": "sideways"}), FileFormatError,
     "options[0].permittedDirection", "expected \"both\", \"fwd\" or \"back\""),
    ("missing-option-name", _pd(**{"options/0/name": _DELETE}), FileFormatError, "options[0].name", "required"),
    ("condition-index", _pd(**{"decisionMakers/0/preferences/0/0/0": 7}), FileFormatError,
     "decisionMakers[0].preferences[0][0][0]", "option index 7 out of range"),
    ("condition-yn", _pd(**{"decisionMakers/0/preferences/1/0/1": "yes"}), FileFormatError,
     "decisionMakers[0].preferences[1][0][1]", "expected \"Y\" or \"N\", got 'yes'"),
    ("condition-shape", _pd(**{"decisionMakers/0/preferences/1/0": [0]}), FileFormatError,
     "decisionMakers[0].preferences[1][0]", "expected a pair"),
    ("compound-members", _pd(**{"decisionMakers/0/preferences/1": {"compound": True}}), FileFormatError,
     "decisionMakers[0].preferences[1]", "'members'"),
    ("compound-member-yn", _pd(**{"decisionMakers/0/preferences/1": {"compound": True, "members": [[[0, "X"]]]}}),
     FileFormatError, "decisionMakers[0].preferences[1].members[0][0][1]", "expected \"Y\" or \"N\""),
    ("infeasible-index", _pd(infeasibles=[[[0, "Y"], [2, "N"]]]), FileFormatError, "infeasibles[0][1][0]",
     "out of range"),
    ("no-feasible-state", _pd(infeasibles=[[[0, "Y"]], [[0, "N"]]]), ModelError, "infeasibles",
     "remove every state"),
    ("manual-flag-type", _pd(useManualPreferenceRanking="yes"), FileFormatError, "useManualPreferenceRanking",
     "expected true or false"),
    ("manual-without-ranking", _pd(useManualPreferenceRanking=True), FileFormatError, "decisionMakers[0]",
     "no preferenceRanking"),
    ("ranking-misses", _pd(useManualPreferenceRanking=True, **{"decisionMakers/0/preferenceRanking": [1, [2, 3]],
                                                               "decisionMakers/1/preferenceRanking": [1, 2, 3, 4]}),
     ModelError, "decisionMakers[0].preferenceRanking", "misses 1 state(s): 4"),
    ("ranking-repeats", _pd(useManualPreferenceRanking=True, **{"decisionMakers/0/preferenceRanking": [1, [2, 1], 3, 4],
                                                                "decisionMakers/1/preferenceRanking": [1, 2, 3, 4]}),
     ModelError, "decisionMakers[0].preferenceRanking[1][1]", "state 1 is listed more than once"),
    ("ranking-no-such-state", _pd(useManualPreferenceRanking=True,
                                  **{"decisionMakers/0/preferenceRanking": [1, 2, 3, 4],
                                     "decisionMakers/1/preferenceRanking": [1, 2, 3, 5]}),
     ModelError, "decisionMakers[1].preferenceRanking[3]", "state 5 does not exist: the model has states 1..4"),
    ("ranking-type", _pd(useManualPreferenceVectors=True, useManualPreferenceRanking=_DELETE,
                         **{"decisionMakers/0/preferenceVector": [1, "2"],
                            "decisionMakers/1/preferenceVector": [1, 2, 3, 4]}),
     FileFormatError, "decisionMakers[0].preferenceVector[1]", "expected a state number"),
    ("coalition-index", _pd(coalitions=[[0, 3]]), FileFormatError, "coalitions[0][1]",
     "decision maker index 3 out of range"),
    ("coalition-twice", _pd(coalitions=[[0, 1], 1]), FileFormatError, "coalitions[1]", "in two coalitions"),
    ("one-dm", _pd(**{"decisionMakers/1": _DELETE, "decisionMakers/0/options": [0, 1]}), FileFormatError,
     "decisionMakers", "at least two decision makers"),
]


@pytest.mark.parametrize("case", GMCR_CASES, ids=[c[0] for c in GMCR_CASES])
def test_gmcr_errors(tmp_path, case):
    _, content, cls, field, reason = case
    path = tmp_path / "model.gmcr"
    path.write_text(content)
    with pytest.raises(DetenteError) as info:
        load(path)
    err = info.value
    text = str(err)
    assert isinstance(err, cls), (type(err), text)
    assert str(path) in text
    if field:
        assert f"'{field}'" in text, text
    assert reason in text, text


def test_names_with_spaces_are_kept_as_written(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("""
decision_makers:
  - name: Local Government
    options: [Air Strike, not]
    preferences: {prioritization: [local_government.air_strike, not Local_Government.NOT_]}
  - name: 2b
    options: [z]
    preferences: {prioritization: [_2b.z]}
""")
    c = load(path)
    assert c.dm_names == ["Local Government", "2b"]
    assert [o.name for o in c.options] == ["Air Strike", "not", "z"]
    assert [o.key for o in c.options] == ["local_government.air_strike", "local_government.not_", "_2b.z"]
