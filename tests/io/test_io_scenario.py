"""Scenario files (YAML/JSON): every form of the format maps onto the model, and round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import FileFormatError
from detente.io import convert, dumps, load, loads, save
from detente.io.scenario import split_implication
from detente.io.schema import scenario_json_schema_text
from detente.model import (Feasibility, GraphForm, Option, Payoff, Perception, Perspective, Prioritization,
                           Ranking, SweepSpec)

ROOT = Path(__file__).resolve().parents[2]

FULL = """
$schema: ../schema/scenario.schema.json
name: Elmira
description: free text
parameters: {temptation: 5}
definitions:
  deal: ministry.modify and uniroyal.accept
decision_makers:
  - name: ministry
    label: Ministry of the Environment
    description: the regulator
    options:
      - name: modify
        label: Modify the control order
        reversible: irreversible
    preferences:
      prioritization: ["uniroyal.accept", "not uniroyal.abandon", "uniroyal.delay iff not ministry.modify", deal]
  - name: uniroyal
    options:
      - {name: delay, reversible: Y->N}
      - accept
      - {name: abandon, reversible: N->Y}
      - {name: sue, reversible: backward}
    preferences:
      payoff:
        formula: "temptation * uniroyal.accept - cost * uniroyal.abandon"
        parameters: {cost: 2}
  - name: local
    options: [insist]
    preferences:
      payoff: "5 * temptation if local.insist else 0"
feasibility:
  infeasible: ["uniroyal.abandon and uniroyal.delay"]
  patterns: [{uniroyal.abandon: Y, uniroyal.accept: Y}, {uniroyal.sue: true, local.insist: false}]
  mutually_exclusive: [[uniroyal.delay, uniroyal.accept]]
  at_least_one: [[uniroyal.delay, uniroyal.accept, uniroyal.abandon]]
  implications: ["uniroyal.sue -> uniroyal.abandon", {if: ministry.modify, then: "not uniroyal.sue"}]
outcomes:
  historical: "ministry.modify and uniroyal.accept"
  start: [1]
  third: 3
status_quo: start
perspectives:
  hawk: {description: a hawkish view, parameters: {temptation: 9}, preferences: {local: {payoff: "-temptation * local.insist"}}}
perceptions:
  local:
    description: what the local government sees
    parameters: {temptation: 1}
    preferences: {ministry: {prioritization: [ministry.modify]}}
    unaware_options: [uniroyal.sue]
    unaware_states: [3]
    of_others:
      ministry: {unaware_options: [uniroyal.abandon]}
coalitions: [[ministry, uniroyal]]
sweeps: [{parameter: temptation, lo: 0, hi: 10, steps: 11, perspective: hawk}]
"""


def test_every_form_maps_onto_the_model(tmp_path):
    path = tmp_path / "full.yaml"
    path.write_text(FULL)
    c = load(path)
    assert c.source == str(path) and c.name == "Elmira" and c.description == "free text"
    assert c.parameters == {"temptation": 5.0}
    assert c.definitions == {"deal": "ministry.modify and uniroyal.accept"}
    m, u, loc = c.decision_makers
    assert (m.name, m.label, m.description) == ("ministry", "Ministry of the Environment", "the regulator")
    assert m.options == [Option("modify", "ministry", "forward", "Modify the control order")]
    assert [(o.name, o.reversibility) for o in u.options] == [
        ("delay", "backward"), ("accept", "both"), ("abandon", "forward"), ("sue", "backward")]
    assert m.preference == Prioritization(["uniroyal.accept", "not uniroyal.abandon",
                                           "uniroyal.delay iff not ministry.modify", "deal"])
    assert u.preference == Payoff("temptation * uniroyal.accept - cost * uniroyal.abandon", {"cost": 2.0})
    assert loc.preference == Payoff("5 * temptation if local.insist else 0")
    assert c.feasibility == Feasibility(
        infeasible=["uniroyal.abandon and uniroyal.delay"],
        patterns=[{"uniroyal.abandon": True, "uniroyal.accept": True}, {"uniroyal.sue": True, "local.insist": False}],
        mutually_exclusive=[["uniroyal.delay", "uniroyal.accept"]],
        at_least_one=[["uniroyal.delay", "uniroyal.accept", "uniroyal.abandon"]],
        implications=[("uniroyal.sue", "uniroyal.abandon"), ("ministry.modify", "not uniroyal.sue")])
    assert c.outcomes == {"historical": "ministry.modify and uniroyal.accept", "start": [1], "third": [3]}
    assert c.status_quo == "start"
    assert c.perspectives == {"hawk": Perspective("hawk", "a hawkish view", {"local": Payoff("-temptation * local.insist")},
                                                  {"temptation": 9.0})}
    assert c.perceptions == {"local": Perception(
        "local", {"ministry": Prioritization(["ministry.modify"])}, {"temptation": 1.0}, ["uniroyal.sue"], [3],
        {"ministry": Perception("ministry", unaware_options=["uniroyal.abandon"])}, "what the local government sees")}
    assert c.coalitions == [["ministry", "uniroyal"]]
    assert c.sweeps == [SweepSpec("temptation", 0.0, 10.0, 11, "hawk")]


def test_round_trip_yaml_json_yaml(tmp_path):
    (tmp_path / "full.yaml").write_text(FULL)
    c = load(tmp_path / "full.yaml")
    convert(tmp_path / "full.yaml", tmp_path / "full.json")
    j = load(tmp_path / "full.json")
    json.loads((tmp_path / "full.json").read_text())  # plain JSON
    save(j, tmp_path / "again.yml")
    y = load(tmp_path / "again.yml")
    for other in (j, y):
        other.source = c.source
        assert other == c
    assert loads(dumps(c, "json"), "json", source=c.source) == c


def test_graph_form():
    c = loads("""
name: tiny
graph:
  states: [war, peace, truce]
  moves: {a: [[1, 2], [2, 3]], b: [[3, 1]]}
decision_makers:
  - {name: a, preferences: {ranking: [2, [1, 3]]}}
  - {name: b, preferences: {prioritization: [war or truce]}}
outcomes: {calm: peace or truce}
status_quo: war
""", "yaml", source="tiny.yaml")
    assert c.graph == GraphForm(["war", "peace", "truce"], {"a": [(1, 2), (2, 3)], "b": [(3, 1)]})
    assert c.decision_makers[0].options == [] and c.decision_makers[0].preference == Ranking([[2], [1, 3]])
    again = loads(dumps(c, "yaml"), "yaml", source="tiny.yaml")
    assert again == c


def test_name_defaults_to_the_file_name(tmp_path):
    path = tmp_path / "standoff.yaml"
    path.write_text("""
decision_makers:
  - {name: a, options: [x], preferences: {prioritization: [a.x]}}
  - {name: b, options: [y], preferences: {prioritization: [b.y]}}
""")
    assert load(path).name == "standoff"


def test_bare_option_names_work_when_unique():
    c = loads("""
decision_makers:
  - {name: a, options: [attack], preferences: {prioritization: [not attack, defend]}}
  - {name: b, options: [defend], preferences: {prioritization: [defend iff attack]}}
""", "yaml", source="bare.yaml")
    assert c.decision_makers[0].preference.statements == ["not attack", "defend"]


def test_split_implication():
    assert split_implication("p -> q") == ("p", "q")
    assert split_implication("a and b => not c") == ("a and b", "not c")
    assert split_implication("(a -> b) -> c") == ("(a -> b)", "c")
    assert split_implication("a -> b -> c") == ("a", "b -> c")
    assert split_implication("x.implies_y implies z") == ("x.implies_y", "z")
    assert split_implication("a and b") is None


def test_unknown_extension_on_save(tmp_path):
    c = loads(FULL, "yaml", source="full.yaml")
    with pytest.raises(FileFormatError, match="unknown file type '.txt'"):
        save(c, tmp_path / "out.txt")


def test_published_schema_is_up_to_date():
    published = (ROOT / "schema" / "scenario.schema.json").read_text()
    assert published == scenario_json_schema_text(), \
        "regenerate: python -m detente.io.schema > schema/scenario.schema.json"


def test_examples_validate_against_the_json_schema():
    import jsonschema
    import yaml
    schema = json.loads((ROOT / "schema" / "scenario.schema.json").read_text())
    files = sorted((ROOT / "examples").glob("*.yaml"))
    data = [yaml.safe_load(FULL)] + [yaml.safe_load(p.read_text()) for p in files]
    for d in data:
        jsonschema.validate(d, schema)


def test_status_quo_forms_round_trip():
    base = """
decision_makers:
  - {name: a, options: [x], preferences: {prioritization: [a.x]}}
  - {name: b, options: [y], preferences: {prioritization: [b.y]}}
outcomes: {both: a.x and b.y}
"""
    for sq, expected in (("2", 2), ("[2, 3]", [2, 3]), ("both", "both"), ("a.x and not b.y", "a.x and not b.y")):
        c = loads(base + f"status_quo: {sq}\n", "yaml", source="sq.yaml")
        assert c.status_quo == expected
        assert loads(dumps(c, "yaml"), "yaml", source="sq.yaml") == c
