"""GMCR+ ``.gmcr`` import and export: numbering exactly as GMCR+ (gmcr-py) numbers states."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from detente.analysis.compile import compile_conflict, dense_levels
from detente.io import convert, dumps, load, loads, save
from detente.io._states import feasible_codes
from detente.io.gmcr import conflict_to_gmcr, gmcr_to_conflict, unique_identifier, unique_names
from detente.model import Payoff, Prioritization, Ranking

# The Prisoner's Dilemma from docs/graph-model.md, verbatim.
PD = {"options": [{"name": "Cooperate with 2", "permittedDirection": "both"},
                  {"name": "Cooperate with One", "permittedDirection": "both"}],
      "decisionMakers": [
          {"name": "Prisoner One", "options": [0], "preferences": [[[1, "Y"]], [[0, "N"]]]},
          {"name": "prisoner 2", "options": [1], "preferences": [[[0, "Y"]], [[1, "N"]]]}],
      "infeasibles": [], "useManualPreferenceVectors": False, "program": "gmcr-py"}

# Options listed out of DM order, and one DM's index list not ascending: GMCR+ moves options so
# each DM's are contiguous (DMs in order, each DM's options in the order of its index list):
# modify (bit 0), accept (bit 1), delay (bit 2), insist (bit 3).
OUT_OF_ORDER = {
    "options": [{"name": "Insist", "permittedDirection": "both"},
                {"name": "Modify", "permittedDirection": "fwd"},
                {"name": "Delay", "permittedDirection": "back"},
                {"name": "Accept", "permittedDirection": "both"}],
    "decisionMakers": [
        {"name": "MoE", "options": [1], "preferences": [],
         "preferenceRanking": [[2, 3], 4, 1, [5, 6, 7], 8]},
        {"name": "Uniroyal", "options": [3, 2], "preferences": [],
         "preferenceRanking": [1, 2, 3, 4, 5, 6, 7, 8]},
        {"name": "Local Government", "options": [0], "preferences": [],
         "preferenceRanking": [8, 7, 6, 5, 4, 3, 2, 1]}],
    # exactly one of delay, accept
    "infeasibles": [[[2, "Y"], [3, "Y"]], [[2, "N"], [3, "N"]]],
    "useManualPreferenceRanking": True, "coalitions": [[0, 1], 2], "program": "gmcr-py", "version": "0.3.13"}


def levels(conflict):
    c = compile_conflict(conflict)
    return [dense_levels(row).tolist() for row in c.game.levels]


def test_prisoners_dilemma_from_the_doc():
    c = gmcr_to_conflict(copy.deepcopy(PD), "pd.gmcr")
    assert c.dm_names == ["Prisoner One", "prisoner 2"]        # names as written
    assert [o.name for o in c.options] == ["Cooperate with 2", "Cooperate with One"]
    assert [o.key for o in c.options] == ["prisoner_one.cooperate_with_2", "prisoner_2.cooperate_with_one"]
    assert c.decision_makers[0].preference == Prioritization(
        ["prisoner_2.cooperate_with_one", "not prisoner_one.cooperate_with_2"])
    assert c.decision_makers[1].preference == Prioritization(
        ["prisoner_one.cooperate_with_2", "not prisoner_2.cooperate_with_one"])
    # states 1 NN, 2 YN, 3 NY, 4 YY; prisoner one: 3 > 4 > 1 > 2
    lv = levels(c)
    assert lv[0] == [1, 0, 3, 2] and lv[1] == [1, 3, 0, 2]


def test_options_out_of_dm_order_are_renumbered_like_gmcr_plus():
    c = gmcr_to_conflict(copy.deepcopy(OUT_OF_ORDER), "elmira.gmcr")
    assert [o.key for o in c.options] == ["moe.modify", "uniroyal.accept", "uniroyal.delay",
                                          "local_government.insist"]
    assert [o.reversibility for o in c.options] == ["forward", "both", "backward", "both"]
    assert feasible_codes(c).tolist() == [2, 3, 4, 5, 10, 11, 12, 13]
    assert c.decision_makers[0].preference == Ranking([[2, 3], [4], [1], [5, 6, 7], [8]])
    assert c.coalitions == [["MoE", "Uniroyal"]]
    assert c.dm_names == ["MoE", "Uniroyal", "Local Government"]
    # state 3 is "Uniroyal delays, nothing else"
    compiled = compile_conflict(c)
    assert compiled.space.pattern(2) == "NNYN"
    lv = levels(c)[0]
    assert lv[1] == lv[2] > lv[3] > lv[0] > lv[4] == lv[5] == lv[6] > lv[7]


def test_permitted_directions_map_to_reversibility():
    c = gmcr_to_conflict(copy.deepcopy(OUT_OF_ORDER), "x.gmcr")
    out = conflict_to_gmcr(c, metadata=False)
    assert [o["permittedDirection"] for o in out["options"]] == ["fwd", "both", "back", "both"]
    assert [o["name"] for o in out["options"]] == ["Modify", "Accept", "Delay", "Insist"]
    assert [d["options"] for d in out["decisionMakers"]] == [[0], [1, 2], [3]]
    assert out["coalitions"] == [[0, 1], 2]


def test_manual_ranking_with_ties_compound_or_infeasibles():
    data = {
        "options": [{"name": "A", "permittedDirection": "both"}, {"name": "B", "permittedDirection": "both"},
                    {"name": "C", "permittedDirection": "both"}],
        "decisionMakers": [
            {"name": "One", "options": [0, 1],
             "preferences": [{"compound": True, "members": [[[0, "Y"], [2, "N"]], [[1, "Y"]]]}, [[2, "N"]]]},
            {"name": "Two", "options": [2], "preferences": [[]]}],
        "infeasibles": [[[0, "Y"], [1, "Y"]]],
        "useManualPreferenceRanking": False}
    c = gmcr_to_conflict(data, "or.gmcr")
    assert c.decision_makers[0].preference.statements == [
        "(one.a and not two.c) or one.b", "not two.c"]
    assert c.decision_makers[1].preference.statements == ["true"]
    assert c.feasibility.infeasible == ["one.a and one.b"]
    assert feasible_codes(c).tolist() == [0, 1, 2, 4, 5, 6]
    # states: 1 NNN, 2 YNN, 3 NYN, 4 NNY, 5 YNY, 6 NYY; One's scores: OR weighs 2, not C weighs 1
    assert levels(c)[0] == [1, 3, 3, 0, 0, 2]
    assert levels(c)[1] == [0] * 6

    data["useManualPreferenceRanking"] = True
    data["decisionMakers"][0]["preferenceRanking"] = [[2, 3], 6, 1, [4, 5]]
    data["decisionMakers"][1]["preferenceRanking"] = [[1, 2, 3, 4, 5, 6]]
    manual = gmcr_to_conflict(data, "or.gmcr")
    assert manual.decision_makers[0].preference == Ranking([[2, 3], [6], [1], [4, 5]])
    assert levels(manual) == levels(c)


def test_old_preference_vector_format():
    data = copy.deepcopy(OUT_OF_ORDER)
    del data["useManualPreferenceRanking"]
    data["useManualPreferenceVectors"] = True
    for dm in data["decisionMakers"]:
        dm["preferenceVector"] = dm.pop("preferenceRanking")
    old = gmcr_to_conflict(data, "old.gmcr")
    new = gmcr_to_conflict(copy.deepcopy(OUT_OF_ORDER), "old.gmcr")
    assert old == new


def test_manual_ranking_ignored_when_flag_is_off():
    data = copy.deepcopy(PD)
    data["decisionMakers"][0]["preferenceRanking"] = [1, 2, 3]  # stale: GMCR+ ignores it
    c = gmcr_to_conflict(data, "pd.gmcr")
    assert isinstance(c.decision_makers[0].preference, Prioritization)


def test_misperceptions_become_unaware_states():
    data = copy.deepcopy(PD)
    data["decisionMakers"][1]["misperceptions"] = [[[0, "Y"], [1, "N"]]]
    c = gmcr_to_conflict(data, "pd.gmcr")
    assert c.perceptions["prisoner 2"].unaware_states == [2]
    back = gmcr_to_conflict(conflict_to_gmcr(c, metadata=False), "pd.gmcr")
    assert back.perceptions == c.perceptions


def test_duplicate_names_become_unique_identifiers():
    assert unique_identifier("Full", {"full"}, "option") == "full_2"
    assert unique_identifier("1st move!", set(), "option") == "_1st_move"
    assert unique_identifier("Not", set(), "dm") == "not_"
    assert unique_identifier("Élan vital", set(), "x") == "elan_vital"
    assert unique_names(["A", "", "a", "A"], "option") == ["A", "option 2", "a (2)", "A (3)"]
    data = {"options": [{"name": "Full", "permittedDirection": "both"}, {"name": "Full", "permittedDirection": "both"},
                        {"name": "Full", "permittedDirection": "both"}],
            "decisionMakers": [{"name": "US", "options": [0, 1], "preferences": []},
                               {"name": "IJC", "options": [2], "preferences": []}],
            "infeasibles": [], "useManualPreferenceRanking": False}
    c = gmcr_to_conflict(data, "g.gmcr")
    assert [o.key for o in c.options] == ["us.full", "us.full_2", "ijc.full"]
    assert [o.qualified_name for o in c.options] == ["US.Full", "US.Full (2)", "IJC.Full"]
    back = gmcr_to_conflict(conflict_to_gmcr(c, metadata=False), "g.gmcr")
    assert [o.key for o in back.options] == [o.key for o in c.options]


def test_names_round_trip_exactly_and_are_usable_in_expressions():
    data = {"options": [{"name": "Air Strike", "permittedDirection": "both"},
                        {"name": " Blockade (naval) ", "permittedDirection": "fwd"},
                        {"name": "Withdraw missiles", "permittedDirection": "both"}],
            "decisionMakers": [{"name": "US", "options": [0, 1], "preferences": [[[0, "N"]]]},
                               {"name": "USSR / Khrushchev", "options": [2], "preferences": [[[2, "N"]]]}],
            "infeasibles": [], "useManualPreferenceRanking": False}
    c = gmcr_to_conflict(copy.deepcopy(data), "cuba.gmcr")
    assert c.dm_names == ["US", "USSR / Khrushchev"]
    assert [o.name for o in c.options] == ["Air Strike", " Blockade (naval) ", "Withdraw missiles"]
    assert c.decision_makers[0].preference.statements == ["not us.air_strike"]
    out = conflict_to_gmcr(c, metadata=False)
    assert [o["name"] for o in out["options"]] == [o["name"] for o in data["options"]]
    assert [d["name"] for d in out["decisionMakers"]] == ["US", "USSR / Khrushchev"]
    # through YAML and back: names unchanged
    from detente.io.scenario import dumps_scenario, loads_scenario
    again = loads_scenario(dumps_scenario(c))
    assert again.dm_names == c.dm_names and [o.name for o in again.options] == [o.name for o in c.options]
    assert c.dm("ussr_khrushchev").name == "USSR / Khrushchev"
    assert c.option_index("US.Air Strike") == 0 and c.option_index("us.AIR_STRIKE") == 0



def test_option_listed_twice_by_one_dm_is_ignored_like_gmcr_plus():
    data = copy.deepcopy(PD)
    data["decisionMakers"][0]["options"] = [0, 0]
    assert len(gmcr_to_conflict(data, "pd.gmcr").options) == 2


def test_round_trip_gmcr_conflict_gmcr(tmp_path):
    first = gmcr_to_conflict(copy.deepcopy(OUT_OF_ORDER), str(tmp_path / "a.gmcr"))
    save(first, tmp_path / "b.gmcr")
    again = load(tmp_path / "b.gmcr")
    again.source = first.source
    assert again == first
    # without detente's metadata (as GMCR+ would save it) the model is still the same
    data = json.loads((tmp_path / "b.gmcr").read_text())
    del data["detente"]
    plain = gmcr_to_conflict(data, first.source)
    assert plain == first


def test_round_trip_yaml_gmcr_json(tmp_path):
    text = """
name: Elmira
description: option form, with everything the GMCR+ format can hold
decision_makers:
  - name: moe
    label: Ministry of the Environment
    options:
      - {name: modify, label: Modify the control order, reversible: irreversible}
    preferences:
      prioritization: [uniroyal.accept, not uniroyal.abandon, not moe.modify,
                       "moe.modify iff not local.insist"]
  - name: uniroyal
    options:
      - {name: delay, reversible: Y->N}
      - accept
      - {name: abandon, reversible: forward}
    preferences:
      prioritization: ["uniroyal.accept iff moe.modify", not uniroyal.abandon, not local.insist,
                       "uniroyal.delay iff not local.insist"]
  - name: local
    options: [insist]
    preferences:
      prioritization: [not uniroyal.abandon, not moe.modify, "uniroyal.accept if not moe.modify",
                       "local.insist if moe.modify", not uniroyal.delay, local.insist]
feasibility:
  mutually_exclusive: [[uniroyal.delay, uniroyal.accept, uniroyal.abandon]]
  at_least_one: [[uniroyal.delay, uniroyal.accept, uniroyal.abandon]]
outcomes:
  historical: moe.modify and uniroyal.accept and local.insist
status_quo: 1
coalitions: [[moe, uniroyal]]
"""
    c = loads(text, "yaml", source=str(tmp_path / "e.yaml"))
    assert c.options[0].reversibility == "forward" and c.options[1].reversibility == "backward"
    save(c, tmp_path / "e.gmcr")
    g = load(tmp_path / "e.gmcr")
    g.source = c.source
    assert g == c
    convert(tmp_path / "e.gmcr", tmp_path / "e.json")
    j = load(tmp_path / "e.json")
    j.source = c.source
    assert j == c
    # GMCR+ content alone (what GMCR+ would load) gives the same states and preferences
    data = json.loads((tmp_path / "e.gmcr").read_text())
    assert data["useManualPreferenceRanking"] is False
    assert [o["name"] for o in data["options"]] == ["modify", "delay", "accept", "abandon", "insist"]
    del data["detente"]
    plain = gmcr_to_conflict(data, "plain.gmcr")
    assert feasible_codes(plain).tolist() == feasible_codes(c).tolist()
    assert levels(plain) == levels(c)
    assert plain.coalitions == [["moe", "uniroyal"]]


def test_payoff_and_ranking_export_as_manual_rankings():
    text = """
parameters: {t: 5}
decision_makers:
  - name: a
    options: [x]
    preferences: {payoff: "t * b.y - a.x"}
  - name: b
    options: [y]
    preferences: {ranking: [4, [1, 3], 2]}
"""
    c = loads(text, "yaml", source="p.yaml")
    data = conflict_to_gmcr(c)
    assert data["useManualPreferenceRanking"] is True
    assert data["decisionMakers"][0]["preferenceRanking"] == [3, 4, 1, 2]
    assert data["decisionMakers"][1]["preferenceRanking"] == [4, [1, 3], 2]
    g = loads(json.dumps(data), "gmcr", source="p.yaml")
    assert g == c                                  # exact, through the stored scenario
    del data["detente"]
    plain = gmcr_to_conflict(data, "p.gmcr")
    assert isinstance(plain.decision_makers[0].preference, Ranking)
    assert levels(plain) == levels(c)
    assert isinstance(c.decision_makers[0].preference, Payoff)


def test_edited_file_ignores_stale_metadata(tmp_path):
    c = gmcr_to_conflict(copy.deepcopy(PD), "pd.gmcr")
    data = conflict_to_gmcr(c)
    data["decisionMakers"][0]["preferences"].reverse()     # edited after detente wrote it
    g = gmcr_to_conflict(data, "pd.gmcr")
    assert g.decision_makers[0].preference.statements == list(reversed(
        c.decision_makers[0].preference.statements))


def test_json_with_decision_makers_is_sniffed_as_gmcr(tmp_path):
    p = tmp_path / "pd.json"
    p.write_text(json.dumps(PD))
    assert load(p).dm_names == ["Prisoner One", "prisoner 2"]


def test_graph_form_cannot_be_exported():
    from detente.errors import FileFormatError
    text = """
graph: {states: [s1, s2], moves: {a: [[1, 2]], b: [[2, 1]]}}
decision_makers:
  - {name: a, preferences: {ranking: [1, 2]}}
  - {name: b, preferences: {ranking: [2, 1]}}
"""
    c = loads(text, "yaml", source="g.yaml")
    with pytest.raises(FileFormatError, match="graph-form"):
        dumps(c, "gmcr")


def test_bundled_example_files_round_trip(tmp_path):
    from pathlib import Path
    examples = Path(__file__).resolve().parents[2] / "examples"
    files = sorted(p for p in examples.glob("*") if p.suffix in (".yaml", ".gmcr"))
    assert files, "no bundled examples"
    for p in files:
        c = load(p)
        for ext in (".yaml", ".json") + ((".gmcr",) if c.graph is None and not _uses_unknown_functions(c) else ()):
            out = tmp_path / (p.stem + ext)
            save(c, out)
            back = load(out)
            back.source = c.source
            assert back == c, (p.name, ext)


def _uses_unknown_functions(c) -> bool:
    from detente.io._states import expression_functions
    from detente.model.expressions import parse
    funcs = expression_functions()
    texts = [dm.preference.formula for dm in c.decision_makers if isinstance(dm.preference, Payoff)]
    return any(f not in funcs for t in texts for f in parse(t).functions())


def test_levels_match_gmcr_plus_arithmetic():
    """Prioritization weights 2^(k-1-j): a DM's rank by score, as GMCR+'s prefPriorities2payoffs."""
    c = gmcr_to_conflict(copy.deepcopy(PD), "pd.gmcr")
    codes = feasible_codes(c)
    stmts = [[[1, "Y"]], [[0, "N"]]]
    score = np.zeros(codes.size, int)
    for j, cond in enumerate(stmts):
        ok = np.ones(codes.size, bool)
        for k, yn in cond:
            ok &= ((codes >> k) & 1).astype(bool) == (yn == "Y")
        score += ok * 2 ** (len(stmts) - 1 - j)
    assert dense_levels(score).tolist() == levels(c)[0]
