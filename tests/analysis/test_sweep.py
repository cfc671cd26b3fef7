"""Sweeps find every change of answer and locate it by bisection."""

import numpy as np
import pytest

import detente
from detente.analysis.sweep import parse_range, sweep
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, Option, Payoff


def threshold_game(threshold_param: str = "t") -> Conflict:
    # a prefers 'go' exactly when t > 0.3; b is indifferent, so a's verdict decides everything
    return Conflict("toy", [
        DecisionMaker("a", [Option("go", "a")], Payoff(f"a.go * ({threshold_param} - 0.3)")),
        DecisionMaker("b", [Option("go", "b")], Payoff("0")),
    ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})


def test_tipping_point_is_located_to_the_precision_asked():
    res = sweep(threshold_game(), parameter="t", lo=0.0, hi=1.0, steps=6, precision=1e-6)
    values = {round(t.value, 5) for t in res.tipping_points}
    assert values == {0.3}
    for t in res.tipping_points:
        assert t.upper - t.lower <= 1e-6
        # payoffs within 1e-10 tie, so the answer passes through "indifferent" on the way: a
        # switch just below 0.3 and one just above it, both reported
        assert t.lower <= 0.3 + 1e-9 and 0.3 - 1e-9 <= t.upper


def test_verdicts_on_each_side_of_the_tipping_point_differ():
    res = sweep(threshold_game(), parameter="t", lo=0.0, hi=1.0, steps=11)
    tp = next(t for t in res.tipping_points if t.what == "a_goes: equilibrium (nash)")
    below = detente.analyze(threshold_game(), parameters={"t": tp.lower})
    above = detente.analyze(threshold_game(), parameters={"t": tp.upper})
    assert below.outcome("a_goes")["equilibrium"]["nash"] is False
    assert above.outcome("a_goes")["equilibrium"]["nash"] is True


def test_no_change_no_tipping_point():
    res = sweep(threshold_game(), parameter="t", lo=0.5, hi=1.0, steps=5)
    assert res.tipping_points == []
    assert len(res.values) == 5


def test_focus_states_are_watched():
    res = sweep(threshold_game(), parameter="t", lo=0.0, hi=1.0, steps=5, focus_states=[1])
    keys = {t.what for t in res.tipping_points}
    assert "state 1: stable for a (nash)" in keys


def test_bad_requests_are_clear_errors():
    with pytest.raises(DetenteError, match="unknown parameter 'nope'"):
        sweep(threshold_game(), parameter="nope", lo=0, hi=1)
    with pytest.raises(DetenteError, match="LO < HI"):
        sweep(threshold_game(), parameter="t", lo=1, hi=0)
    with pytest.raises(DetenteError, match="NAME=LO:HI:STEPS"):
        parse_range("t0:1")
    with pytest.raises(DetenteError, match="must be numbers"):
        parse_range("t=a:1:3")
    assert parse_range("t=0:1") == ("t", 0.0, 1.0, 21)


def test_sweep_to_dict_is_json_ready():
    import json

    res = sweep(threshold_game(), parameter="t", lo=0.0, hi=1.0, steps=3)
    data = json.loads(json.dumps(res.to_dict()))
    assert data["tipping_points"] and {"parameter", "value"} <= set(data["tipping_points"][0])
    assert np.allclose(data["values"], [0, 0.5, 1])


def two_thresholds() -> Conflict:
    # a goes when t > 0.3, b when t > 0.35: the equilibrium moves 1 -> 2 -> 4 inside (0, 1)
    return Conflict("two", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.3)")),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go * (t - 0.35)")),
    ], parameters={"t": 0.0}, outcomes={"only_a": "a.go and not b.go"})


def test_an_answer_that_changes_twice_inside_one_grid_interval():
    res = sweep(two_thresholds(), parameter="t", lo=0.0, hi=1.0, steps=2, precision=1e-6, concepts=["nash"])
    eq = [t for t in res.tipping_points if t.what == "equilibria[nash]"]
    # both changes, each with what it really changes from and to
    assert [(round(t.value, 4), t.before, t.after) for t in eq] == [(0.3, (1,), (2,)), (0.35, (2,), (4,))]
    # an answer with the same value at both ends of the interval, changing and changing back
    only_a = [t for t in res.tipping_points if t.what == "only_a: equilibrium (nash)"]
    assert [(round(t.value, 4), t.before, t.after) for t in only_a] == [(0.3, False, True), (0.35, True, False)]
    for t in eq + only_a:
        below = detente.analyze(two_thresholds(), concepts=["nash"], parameters={"t": t.lower})
        above = detente.analyze(two_thresholds(), concepts=["nash"], parameters={"t": t.upper})
        if t.what.startswith("equilibria"):
            assert tuple(below.equilibria["nash"]) == t.before and tuple(above.equilibria["nash"]) == t.after
        else:
            assert below.outcome("only_a")["equilibrium"]["nash"] == t.before
            assert above.outcome("only_a")["equilibrium"]["nash"] == t.after


def test_sweep_series_match_single_analyses_on_the_flagship():
    c = detente.load("examples/ukraine-ceasefire.yaml")
    res = sweep(c, parameter="lambda_r", lo=0.0, hi=0.3, steps=7, concepts=["nash", "seq"], focus_states=[1])
    for x, sig in zip(res.values, res.signatures):
        one = detente.analyze(c, concepts=["nash", "seq"], parameters={"lambda_r": x})
        assert sig["equilibria[seq]"] == tuple(one.equilibria["seq"])
        assert sig["ceasefire: stable for russia (seq)"] == bool(one.outcome("ceasefire")["stable_for"]["seq"]["russia"])
        assert sig["state 1: stable for us (nash)"] == one.is_stable(1, "us", "nash")


def test_bisection_steps_around_a_point_where_the_model_is_undefined():
    """Validated grid points are fine; a midpoint where a payoff divides by zero is stepped around."""
    from detente.analysis.sweep import sweep
    from detente.model import Conflict, DecisionMaker, Option, Payoff

    c = Conflict("singular", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go / t")),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
    ], parameters={"t": 1.0}, outcomes={"a_goes": "a.go and b.go"})
    res = sweep(c, parameter="t", lo=-1.0, hi=1.0, steps=2, concepts=["nash"], precision=1e-6)
    (flip,) = [p for p in res.tipping_points if p.what == "a_goes: equilibrium (nash)"]
    assert abs(flip.value) < 1e-5 and flip.before is False and flip.after is True
