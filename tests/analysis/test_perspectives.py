"""Perspectives side by side: every view analysed alike, and the differences explained."""

import json
from pathlib import Path

import pytest

import detente
from detente.analysis.equilibria import analyze
from detente.analysis.perspectives import analyze_perspectives, verdict_reason
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, Feasibility, Option, Payoff, Perspective, Prioritization


def pd_with_views() -> Conflict:
    """Prisoner's Dilemma (1 = both defect, 2 = alice cooperates, 3 = bob cooperates, 4 = both)."""
    pd = detente.examples.prisoners_dilemma()
    pd.perspectives["trusting"] = Perspective(
        "trusting", "bob likes to cooperate whatever alice does",
        preferences={"bob": Prioritization(["alice.cooperate", "bob.cooperate"])})
    pd.perspectives["same"] = Perspective("same", "changes nothing")
    return pd


def deal(**perspectives) -> Conflict:
    """A buyer and a seller; the seller sells when the price beats its reserve."""
    return Conflict("deal", [
        DecisionMaker("buyer", [Option("buy", "buyer")], Payoff("buyer.buy * seller.sell * (value - price)")),
        DecisionMaker("seller", [Option("sell", "seller")], Payoff("seller.sell * (price - reserve)")),
    ], parameters={"value": 10.0, "price": 6.0, "reserve": 5.0},
        outcomes={"trade": "buyer.buy and seller.sell"},
        perspectives={k: Perspective(k, parameters=v) for k, v in perspectives.items()})


def test_every_view_is_the_plain_analysis_of_that_view():
    pd = pd_with_views()
    cmp = analyze_perspectives(pd, concepts=["nash", "seq"])
    assert cmp.names == ["model", "trusting", "same"]
    for name in ("trusting", "same"):
        assert cmp.equilibria_by_view()[name] == analyze(pd, concepts=["nash", "seq"], perspective=name).equilibria
    assert cmp.equilibria_by_view()["model"] == {"nash": [1], "seq": [1, 4]}
    assert cmp.equilibria_by_view()["trusting"]["nash"] == [3]


def test_differences_name_the_dm_and_the_reason():
    cmp = analyze_perspectives(pd_with_views(), concepts=["nash", "seq"])
    diffs = cmp.differences()
    at1 = [d for d in diffs.states if d.state == 1 and d.concept == "nash"]
    assert [d.dm for d in at1] == ["bob"]          # alice's verdict is the same in every view
    d = at1[0]
    assert d.stable == {"model": True, "trusting": False, "same": True}
    assert d.why["model"] == "stable: it has no improving move"
    assert d.reasons["model"].move_to is None and d.reasons["trusting"].move_to == 3
    assert "move to state 3 (bob.cooperate N→Y)" in d.why["trusting"]
    assert d.reasons["trusting"].options_changed == {"bob.cooperate": True}
    # mutual cooperation holds under SEQ in the model (each defection is punished) but not for trusting bob
    [o] = [x for x in diffs.outcomes if x.outcome == "mutual_cooperation" and x.concept == "seq"]
    assert o.equilibrium == {"model": True, "trusting": False, "same": True}
    assert [x.dm for x in o.dms] == ["alice"]
    seq4 = [x for x in diffs.states if x.state == 4 and x.concept == "seq"]
    assert [x.dm for x in seq4] == ["alice"]
    assert "answered by bob to 1" in seq4[0].why["model"]
    assert seq4[0].reasons["model"].answered_by == [("bob", 1)]
    text = "\n".join(cmp.difference_lines())
    assert "Outcome 'mutual_cooperation' (SEQ): an equilibrium in model, same; not in trusting." in text
    assert "trusting [preferences of bob]" in text


def test_a_view_equal_to_the_model_adds_no_difference():
    pd = detente.examples.prisoners_dilemma()
    pd.perspectives["same"] = Perspective("same")
    cmp = analyze_perspectives(pd)
    assert cmp.differences().to_dict() == {"outcomes": [], "states": []}
    assert not cmp.differences()
    assert cmp.difference_lines() == ["Every view gives the same verdicts on the named outcomes and equilibria."]


def test_parameter_perspectives_record_what_they_change():
    cmp = analyze_perspectives(deal(cheap={"price": 4.0}), concepts=["nash"])
    assert cmp.changes["cheap"].to_dict() == {"parameters": {"price": {"model": 6.0, "perspective": 4.0}}, "preferences": []}
    assert cmp.changes["cheap"].parameters["price"].perspective == 4.0 and not cmp.changes["model"]
    assert cmp.outcomes()["model"]["trade"]["equilibrium"] == {"nash": True}
    assert cmp.outcomes()["cheap"]["trade"]["equilibrium"] == {"nash": False}
    [d] = [x for x in cmp.differences().states if x.state == 4]
    assert d.dm == "seller" and d.stable == {"model": True, "cheap": False}
    assert any("price=4 (model 6)" in line for line in cmp.difference_lines())


def test_call_parameters_apply_to_every_view():
    cmp = analyze_perspectives(deal(cheap={"price": 4.0}), concepts=["nash"], parameters={"reserve": 3.0})
    assert cmp.analyses["model"].compiled.parameters["reserve"] == 3.0
    assert cmp.outcomes()["cheap"]["trade"]["equilibrium"] == {"nash": True}   # 4 beats the reserve of 3


def test_to_dict_is_shaped_like_the_plain_analysis():
    cmp = analyze_perspectives(pd_with_views(), concepts=["nash", "seq"])
    d = json.loads(json.dumps(cmp.to_dict(include_base=False)))
    assert set(d) == {"trusting", "same"}
    t = d["trusting"]
    assert t["equilibria"] == {"nash": [3], "seq": [3]}
    assert t["outcomes"]["mutual_cooperation"]["states"] == [4]
    assert t["outcomes"]["mutual_cooperation"]["equilibrium"] == {"nash": False, "seq": False}
    assert t["description"] == "bob likes to cooperate whatever alice does"
    assert t["perspective"] == "trusting"
    assert "states" not in t and "witnesses" not in t
    assert "model" in cmp.to_dict()
    json.dumps(cmp.differences().to_dict())


def test_a_perspective_named_model_keeps_the_base_apart():
    pd = detente.examples.prisoners_dilemma()
    pd.perspectives["model"] = Perspective("model")
    assert analyze_perspectives(pd, concepts=["nash"]).names == ["base", "model"]


def test_no_perspectives_gives_the_model_alone():
    cmp = analyze_perspectives(detente.examples.chicken(), concepts=["nash"])
    assert cmp.names == ["model"] and cmp.perspective_names == []
    assert "Differences:" in cmp.summary()


def test_bad_perspective_is_a_located_error():
    c = deal(bad={"nope": 1.0})
    c.source = "deal.yaml"
    with pytest.raises(DetenteError) as err:
        analyze_perspectives(c, concepts=["nash"])
    assert err.value.field == "perspectives.bad.parameters"
    assert str(err.value).startswith("deal.yaml, field 'perspectives.bad.parameters'")


def test_views_with_other_states_are_left_out_of_state_comparisons():
    c = deal(no_trade={"reserve": 100.0})
    c.feasibility = Feasibility(infeasible=["seller.sell and reserve > value"])
    cmp = analyze_perspectives(c, concepts=["nash"])
    assert cmp.analyses["no_trade"].n_states == 2        # no state where the seller sells
    assert list(cmp.comparable_views()) == ["model"]
    assert all(set(d.stable) == {"model"} for d in cmp.differences().states)


def test_verdict_reason_for_a_sanctioned_move():
    a = analyze(detente.examples.prisoners_dilemma(), concepts=["seq"])
    text = verdict_reason(a, 4, "alice", "seq")
    assert text.startswith("stable: its move to state 3 (alice.cooperate Y→N) is answered by bob to 1")


# -- the command line: `detente analyze --format json` gains `perspectives` and `hypergame` --------
SCENARIO = """
name: deterrence
parameters: {resolve: 1.0}
decision_makers:
  - name: challenger
    options: [{name: advance}]
    preferences: {prioritization: ["not defender.retaliate", "challenger.advance"]}
  - name: defender
    options: [{name: retaliate}]
    preferences: {payoff: "resolve * (defender.retaliate == challenger.advance) + 0.5 * (not challenger.advance) - 0.1 * defender.retaliate"}
outcomes:
  peace: not challenger.advance and not defender.retaliate
perspectives:
  dovish:
    description: the defender does not think an advance worth answering
    parameters: {resolve: 0.0}
perceptions:
  challenger:
    description: it reads the defender as dovish
    parameters: {resolve: 0.0}
"""


def _analyze_json(args):
    import detente.cli as cli
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli.app, ["analyze", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_analyze_json_has_perspectives_and_hypergame(tmp_path):
    path = tmp_path / "deterrence.yaml"
    path.write_text(SCENARIO)
    out = _analyze_json([str(path)])
    dovish = out["perspectives"]["dovish"]
    assert dovish["equilibria"]["seq"] == [2]
    # peace survives only the non-credible threat (GMR, SMR) when the defender is dovish
    assert dovish["outcomes"]["peace"]["states"] == [1]
    assert dovish["outcomes"]["peace"]["equilibrium"] == {"nash": False, "gmr": True, "smr": True, "seq": False}
    assert out["outcomes"]["peace"]["equilibrium"]["seq"] is True
    assert any(d["outcome"] == "peace" for d in out["perspective_differences"]["outcomes"])
    hyper = out["hypergame"]
    assert [(o["states"], o["label"]) for o in hyper["outcomes"]] == [([2], "unsteady")]
    assert hyper["perceived"]["challenger"]["equilibria"]["seq"] == [2]


def test_analyze_json_adds_nothing_without_perspectives_or_perceptions(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(SCENARIO.split("perspectives:")[0])
    out = _analyze_json([str(path)])
    assert "perspectives" not in out and "hypergame" not in out


def test_flagship_json_has_perspectives_and_hypergame():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "ukraine-ceasefire.yaml"
    out = _analyze_json([str(example)])
    assert set(out["perspectives"]) >= {"administration", "kremlin"}
    for view in out["perspectives"].values():
        assert set(view["equilibria"]) == set(out["equilibria"])
        for o in view["outcomes"].values():
            assert isinstance(o["states"], list) and set(o["equilibrium"]) == set(out["equilibria"])
    labels = {o["label"] for o in out["hypergame"]["outcomes"]}
    assert labels and all(o["states"] or o["label"] == "infeasible" for o in out["hypergame"]["outcomes"])


# -- typed results: the same content as the plain data they replaced -------------------------------
GOLDEN = Path(__file__).with_name("golden") / "perspectives.json"
"""``differences()``, ``difference_lines()``, ``summary()`` and ``perspective_changes`` as they were
when the comparison returned plain dicts."""


def _golden_case(name: str):
    from detente.analysis.perspectives import analyze_perspectives

    if name == "p_uk":
        conflict = detente.load(Path(__file__).resolve().parents[2] / "examples" / "ukraine-ceasefire.yaml")
        return conflict, analyze_perspectives(conflict)
    pd = detente.examples.prisoners_dilemma()
    pd.perspectives["trusting"] = Perspective("trusting", preferences={"bob": Prioritization(["alice.cooperate",
                                                                                             "bob.cooperate"])})
    return pd, analyze_perspectives(pd, **({"concepts": ["nash"]} if name == "p_pd_nash" else {}))


@pytest.mark.parametrize("name", sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))))
def test_typed_differences_keep_the_plain_data_and_the_narrative(name):
    from detente.analysis.perspectives import PerspectiveDifferences, perspective_changes

    old = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    conflict, cmp = _golden_case(name)
    diffs = cmp.differences()
    assert isinstance(diffs, PerspectiveDifferences)
    assert json.loads(json.dumps(diffs.to_dict())) == old["differences"]
    assert cmp.difference_lines() == old["lines"]
    assert {k: perspective_changes(conflict, k).to_dict() for k in conflict.perspectives} == old["changes"]
    if "summary" in old:
        assert cmp.summary() == old["summary"]
        assert cmp.difference_lines(outcome_details=False) == old["lines_short"]


def test_graph_form_reasons_name_the_state_without_empty_option_lists():
    a = analyze(detente.load(Path(__file__).resolve().parents[2] / "examples" / "elmira-graph.yaml"), concepts=["seq"])
    assert verdict_reason(a, 1, "local", "seq") == "unstable: it can move to state 5 and no sanction deters it"
    assert verdict_reason(a, 2, "local", "seq").startswith("stable: its move to state 6 is answered by uniroyal to 9")
