"""From model to engine arrays: numbering, preference levels, and clear errors for bad models."""

import numpy as np
import pytest

import detente
from detente.analysis.compile import compile_conflict
from detente.errors import DetenteError, ExpressionError, ModelError, ModelTooLargeError
from detente.model import (Conflict, DecisionMaker, Feasibility, GraphForm, Option, Payoff,
                           Prioritization, Ranking)


def two_by_two(pa=None, pb=None, **kw) -> Conflict:
    return Conflict("t", [
        DecisionMaker("a", [Option("x", "a"), Option("y", "a")], pa or Prioritization(["a.x"])),
        DecisionMaker("b", [Option("z", "b")], pb or Prioritization(["b.z"])),
    ], **kw)


def test_states_are_numbered_by_increasing_code_option_one_lowest_bit():
    c = two_by_two(feasibility=Feasibility(infeasible=["a.x and a.y"]))
    comp = compile_conflict(c)
    # codes: x=1, y=2, z=4; x&y (3 and 7) removed
    assert comp.space.codes.tolist() == [0, 1, 2, 4, 5, 6]
    assert [comp.state_label(t) for t in range(comp.n_states)] == ["NNN", "YNN", "NYN", "NNY", "YNY", "NYY"]


def test_prioritization_is_lexicographic_with_ties():
    # statements weigh 4, 2, 1: a state's score is the sum of the statements it satisfies
    c = two_by_two(pa=Prioritization(["b.z", "not a.x", "a.y"]))
    lev = compile_conflict(c).game.levels[0]
    scores = []
    for code in range(8):
        x, y, z = code & 1, (code >> 1) & 1, (code >> 2) & 1
        scores.append(4 * z + 2 * (1 - x) + y)
    assert np.array_equal(np.argsort(np.argsort(lev, kind="stable")), np.argsort(np.argsort(scores, kind="stable")))
    assert len(set(lev.tolist())) == len(set(scores))


def test_ranking_with_ties_and_payoff_levels():
    rank = Ranking([[8], [1, 2], [3, 4, 5, 6, 7]])
    c = two_by_two(pa=rank, pb=Payoff("3 * b.z - a.x"))
    g = compile_conflict(c).game
    assert g.levels[0][7] > g.levels[0][0] == g.levels[0][1] > g.levels[0][2]
    assert g.levels[1].tolist() == [1, 0, 1, 0, 3, 2, 3, 2]


@pytest.mark.parametrize("order, message", [
    ([[1, 2, 3, 4, 5, 6, 7]], "misses 1 state"),
    ([[1, 2, 3, 4, 5, 6, 7, 8, 8]], "more than once"),
    ([[1, 2, 3, 4, 5, 6, 7, 9]], "states 1..8"),
])
def test_bad_rankings_name_the_field(order, message):
    with pytest.raises(ModelError, match=message) as err:
        compile_conflict(two_by_two(pa=Ranking(order)))
    assert err.value.field == "decision_makers[0].preferences.ranking"


def test_unknown_names_and_bad_expressions():
    with pytest.raises(ExpressionError, match="unknown name 'a.q'") as err:
        compile_conflict(two_by_two(pa=Prioritization(["a.x", "a.q"])))
    assert err.value.field == "decision_makers[0].preferences.prioritization[1]"
    with pytest.raises(ExpressionError, match="cannot parse"):
        compile_conflict(two_by_two(feasibility=Feasibility(infeasible=["a.x and"])))
    with pytest.raises(ExpressionError, match="unknown function 'nope'"):
        compile_conflict(two_by_two(pb=Payoff("nope(1)")))


def test_no_feasible_state_is_refused():
    with pytest.raises(ModelError, match="no feasible state"):
        compile_conflict(two_by_two(feasibility=Feasibility(infeasible=["true"])))


def test_payoff_must_be_finite():
    with pytest.raises(ModelError, match="non-finite"):
        compile_conflict(two_by_two(pb=Payoff("1 / (b.z - b.z)")))


def test_parameter_overrides_must_exist():
    c = two_by_two(pb=Payoff("k * b.z"), parameters={"k": 1.0})
    assert compile_conflict(c, {"k": -1.0}).game.levels[1][0] > compile_conflict(c, {"k": -1.0}).game.levels[1][4]
    with pytest.raises(ModelError, match="unknown parameter"):
        compile_conflict(c, {"kk": 2.0})


def test_too_large_models_are_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("DETENTE_MEMORY_LIMIT", "1M")
    dms = [DecisionMaker(f"d{i}", [Option(f"o{k}", f"d{i}") for k in range(6)], Prioritization([f"d{i}.o0"]))
           for i in range(3)]
    with pytest.raises(ModelTooLargeError, match="GiB") as err:
        compile_conflict(Conflict("big", dms))
    assert "Advice" in str(err.value)


def test_graph_form_errors():
    g = GraphForm(["s1", "s2"], {"a": [(1, 3)], "b": []})
    c = Conflict("g", [DecisionMaker("a", [], Ranking([[1], [2]])), DecisionMaker("b", [], Ranking([[2], [1]]))],
                 graph=g)
    with pytest.raises(ModelError, match="outside 1..2"):
        compile_conflict(c)


def test_errors_carry_the_source_file():
    c = two_by_two(pa=Prioritization(["zzz"]))
    c.source = "model.yaml"
    with pytest.raises(DetenteError) as err:
        detente.analyze(c)
    assert str(err.value).startswith("model.yaml, field 'decision_makers[0].preferences.prioritization[0]'")


def test_definitions_are_usable_everywhere():
    c = two_by_two(pa=Payoff("2 * both + a.x"), pb=Prioritization(["both"]),
                   definitions={"both": "a.x and b.z"}, outcomes={"deal": "both"})
    res = detente.analyze(c)
    assert res.outcome("deal")["states"] == [6, 8]
