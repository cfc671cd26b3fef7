"""Beliefs derived from perceived types, and parameters that carry their meaning."""

import numpy as np
import pytest

import detente
from detente.analysis.beliefs import resolve_parameters
from detente.errors import DetenteError
from detente.io.scenario import loads_scenario

from belief_models import ALLY


def closed_form(relief: float, p_tired: float, rate: float) -> float:
    """The definition on this 2-type case: steady walks iff relief > 0.5; tired has relief 0.9 > 0.5."""
    walking = (1.0 if relief > 0.5 else 0.0) + p_tired * 1.0
    return rate * walking / (1.0 + p_tired)


def test_parameter_meaning_round_trips():
    c = loads_scenario(ALLY)
    info = c.parameter("relief")
    assert info.range == (0.0, 1.0) and info.unit == "share" and info.period == "per quarter"
    assert c.parameter("p_tired").label.startswith("prior weight")
    assert c.parameter("rate").range is None
    from detente.io import dumps, loads

    again = loads(dumps(c, "yaml"), "yaml")
    assert again.parameter_info == c.parameter_info
    assert again.beliefs == c.beliefs


@pytest.mark.parametrize("relief,p_tired,rate", [(0.2, 0.25, 0.5), (0.7, 0.25, 0.5), (0.2, 0.0, 1.0),
                                                 (0.49, 3.0, 0.1), (0.51, 3.0, 0.1)])
def test_type_derived_belief_equals_closed_form(relief, p_tired, rate):
    c = loads_scenario(ALLY)
    got = resolve_parameters(c, {"relief": relief, "p_tired": p_tired, "rate": rate})["lam"]
    assert got == pytest.approx(closed_form(relief, p_tired, rate), abs=1e-15)
    # the compiled model uses the same value
    res = detente.analyze(c, parameters={"relief": relief, "p_tired": p_tired, "rate": rate})
    assert res.compiled.parameters["lam"] == pytest.approx(got)


def test_type_derived_belief_vectorised_over_samples():
    c = loads_scenario(ALLY)
    relief = np.array([0.1, 0.6, 0.4, 0.9])
    p = np.array([0.25, 0.25, 1.0, 0.0])
    got = resolve_parameters(c, {"relief": relief, "p_tired": p})["lam"]
    want = [closed_form(r, q, 0.5) for r, q in zip(relief, p)]
    np.testing.assert_allclose(got, want, atol=1e-15)


def test_belief_moves_the_verdict():
    c = loads_scenario(ALLY)
    # the rival settles (offer 0.3) iff lam <= 0.3: lam = 0.1 with a steady ally, 0.5 * 1.25/1.25 with a tired one
    assert detente.analyze(c, parameters={"relief": 0.2}).outcome("settled")["equilibrium"]["nash"]
    assert not detente.analyze(c, parameters={"relief": 0.8}).outcome("settled")["equilibrium"]["nash"]


def test_setting_a_derived_belief_overrides_it():
    c = loads_scenario(ALLY)
    res = detente.analyze(c, parameters={"lam": 0.3, "relief": 0.9})
    assert res.compiled.parameters["lam"] == 0.3
    assert resolve_parameters(c, {"lam": np.array([0.2, 0.4])})["lam"].tolist() == [0.2, 0.4]
    # lam = 0.1 as derived: the rival settles; overridden above the offer, it does not
    assert detente.analyze(c).outcome("settled")["equilibrium"]["nash"]
    assert not detente.analyze(c, parameters={"lam": 0.31}).outcome("settled")["equilibrium"]["nash"]


@pytest.mark.parametrize("patch,message", [
    ("types: {steady: 1.0, nobody: 1.0}", "not a perspective"),
    ("types: {steady: 1.0, tired: -1}", "finite number ≥ 0"),
    ("types: {steady: 1.0, tired: nope}", "is not a parameter"),
])
def test_bad_beliefs_are_clear_errors(patch, message):
    text = ALLY.replace("types: {steady: 1.0, tired: p_tired}", patch)
    with pytest.raises(DetenteError, match=message) as exc:
        loads_scenario(text)
    assert "beliefs.lam" in str(exc.value)


def test_at_must_name_one_state():
    text = ALLY.replace("at: start", "at: not ally.leave")
    c = loads_scenario(text)
    with pytest.raises(DetenteError, match="exactly one state"):
        detente.analyze(c)


@pytest.mark.parametrize("value,message", [
    ("{value: 2, range: [0, 1]}", "outside its range"),
    ("{value: 0.5, range: [1, 0]}", "lo < hi"),
    ("{value: .nan}", "finite"),
])
def test_parameter_range_checked(value, message):
    with pytest.raises(DetenteError, match=message):
        loads_scenario(ALLY.replace('rate: 0.5\n', f'rate: {value}\n', 1))


def test_batched_study_derives_beliefs_per_sample():
    """Samples of the belief's inputs (and of the belief itself) agree with one-at-a-time analyses."""
    from detente.analysis.study import Question, answer, study

    c = detente.load("examples/ukraine-ceasefire.yaml")
    qs = [Question("seq", outcome="ceasefire", dm="russia"), Question("nash", outcome="ceasefire")]
    p = np.linspace(0.0, 1.0, 11)
    rate = np.linspace(0.05, 0.6, 11)[::-1]
    got = study(c, {"p_restrainers": p, "exit_rate": rate}, qs)
    for k in range(p.size):
        res = detente.analyze(c, concepts=["nash", "seq"], parameters={"p_restrainers": p[k], "exit_rate": rate[k]})
        assert got[k].tolist() == [answer(res, q) for q in qs]
    lam = np.linspace(0.0, 0.3, 13)
    got = study(c, {"lambda_r": lam}, qs)
    for k in range(lam.size):
        res = detente.analyze(c, concepts=["nash", "seq"], parameters={"lambda_r": lam[k]})
        assert got[k].tolist() == [answer(res, q) for q in qs]
    assert got[:, 0].any() and not got[:, 0].all()
