"""The flagship scenario reproduces the article's mechanisms, from the engine (nothing hard-coded).

Closed forms below are written from the scenario's own payoff formulas and docs/bargaining.md,
independently of the engine; the engine's verdicts must agree with them.
"""

import copy
from pathlib import Path

import numpy as np
import pytest

import detente
from detente.analysis.bargaining import exit_weight, value_of_fighting
from detente.analysis.beliefs import resolve_parameters
from detente.analysis.briefing import focal_state, status_quo_state
from detente.analysis.levers import deal_terms, lever_map, levers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-ceasefire.yaml"


@pytest.fixture(scope="module")
def conflict():
    return detente.load(EXAMPLE)


@pytest.fixture(scope="module")
def base(conflict):
    return detente.analyze(conflict)


@pytest.fixture(scope="module")
def focal(base):
    return focal_state(base, "ceasefire", status_quo_state(base))


def _us_payoff(p, *, support, leave, signed=False):
    """The administration-type US payoff, straight from the scenario's formula."""
    war = support and not signed
    return (p["us_peace_value"] * signed - p["us_support_cost"] * support
            - p["escalation_prob"] * p["escalation_cost"] * war + p["us_strategic_value"] * war
            + (p["us_burden_relief"] - p["us_europe_value"]) * leave)


def _walks(p):
    """Does a US type with parameters p walk away (leave Europe) at the status quo (war, supporting)?"""
    keep = max(_us_payoff(p, support=True, leave=False), _us_payoff(p, support=False, leave=False))
    return _us_payoff(p, support=False, leave=True) > keep


def closed_form_lambda(conflict, values):
    weights = {"administration": "p_administration", "author": "p_author", "restrainers": "p_restrainers"}
    total = walking = 0.0
    for t, w in weights.items():
        p = {**values, **conflict.perspectives[t].parameters}
        total += values[w]
        walking += values[w] * _walks(p)
    return values["exit_rate"] * walking / total


def russia_margin(values, lam):
    """Russia's deal value minus its value of fighting on (US supporting, Europe not backfilling)."""
    lam_eff = lam * (1 - values["us_commitment"])
    d = values["delta"]
    deal = 1 - values["deal_x"] + values["pause_gain"] + values["nato_gain"] * exit_weight(
        lam_eff * values["deal_exit_factor"], d)
    war = value_of_fighting(lam_eff, d, values["g_r"], values["k_r"], values["y_w"]) + values["nato_gain"] * \
        exit_weight(lam_eff, d)
    return deal - war


def test_the_deal_is_one_state_next_to_the_status_quo(base, focal):
    assert base.outcome("ceasefire")["states"] == [focal]
    info, sq = base.state_info(focal), base.state_info(status_quo_state(base))
    assert [k for k in info["options"] if info["options"][k] != sq["options"][k]] == ["russia.accept"]


def test_russias_belief_follows_from_its_prior_over_us_types(conflict, base):
    values = {k: float(v) for k, v in conflict.parameters.items()}
    lam = base.compiled.parameters["lambda_r"]
    assert lam == pytest.approx(closed_form_lambda(conflict, values), abs=1e-15)
    assert 0 < lam < values["exit_rate"]  # some types walk away, not all
    # a prior on the restrainers alone makes the exit chance the rate itself; on the others, zero
    only_r = {**values, "p_administration": 0.0, "p_author": 0.0}
    assert resolve_parameters(conflict, only_r)["lambda_r"] == pytest.approx(values["exit_rate"])
    assert resolve_parameters(conflict, {**values, "p_restrainers": 0.0})["lambda_r"] == 0.0


def test_russia_waits_and_nothing_credible_deters_it(conflict, base, focal):
    values = {**conflict.parameters, "lambda_r": base.compiled.parameters["lambda_r"]}
    assert russia_margin(values, values["lambda_r"]) < 0           # the closed form: waiting pays
    for c in ("nash", "seq"):
        v = base.verdict(focal, "russia", c)
        assert not v.stable
        assert not base.state_info(v.unanswered.improvement + 1)["options"]["russia.accept"]
    assert not base.outcome("ceasefire")["equilibrium"]["seq"]


def test_without_the_exit_prize_russia_would_take_the_deal(conflict, base, focal):
    """The article's central mechanism: the prize of a US exit is what keeps Russia waiting."""
    no_prize = detente.analyze(conflict, parameters={"nato_gain": 0.0})
    assert no_prize.is_stable(focal, "russia", "seq") and no_prize.is_stable(focal, "russia", "nash")


def test_the_exit_prize_sits_in_the_value_of_waiting(conflict):
    """A larger prize lowers Russia's margin only because signing lowers the exit chance."""
    values = {k: float(v) for k, v in conflict.parameters.items()}
    lam = closed_form_lambda(conflict, values)
    assert russia_margin({**values, "nato_gain": 1.0}, lam) < russia_margin({**values, "nato_gain": 0.0}, lam)
    same = {**values, "deal_exit_factor": 1.0}
    assert russia_margin({**same, "nato_gain": 1.0}, lam) == pytest.approx(russia_margin({**same, "nato_gain": 0.0}, lam))


@pytest.mark.parametrize("parameter", ["deal_x", "nato_gain", "p_restrainers", "us_commitment", "lambda_r"])
def test_russias_levers_match_the_closed_form_and_flip_the_verdict(conflict, focal, parameter):
    res = levers(conflict, outcome="ceasefire", dm="russia", concept="seq", only=[parameter])
    lever = res.levers[0]
    assert len(lever.thresholds) == 1, lever
    t = lever.thresholds[0]
    lo, hi = lever.range
    values = {k: float(v) for k, v in conflict.parameters.items()}

    def margin(x):
        v = {**values, parameter: x} if parameter != "lambda_r" else values
        lam = x if parameter == "lambda_r" else closed_form_lambda(conflict, v)
        return russia_margin(v, lam)

    if parameter == "p_restrainers":
        # a step in lambda: the margin crosses zero at the weight where lambda hits its closed-form root
        pass
    else:
        from scipy.optimize import brentq

        root = brentq(margin, lo, hi, xtol=1e-12)
        assert t == pytest.approx(root, abs=2 * lever.precision)
    eps = max(10 * lever.precision, 1e-6)
    below = detente.analyze(conflict, parameters={parameter: t - eps}).is_stable(focal, "russia", "seq")
    above = detente.analyze(conflict, parameters={parameter: t + eps}).is_stable(focal, "russia", "seq")
    assert below != above
    assert (margin(t - eps) >= 0) == below


def test_at_least_three_live_levers_include_the_exit_prize_and_the_terms(conflict):
    res = levers(conflict, outcome="ceasefire", dm="russia", concept="seq", grid=33)
    live = {lv.parameter for lv in res.live}
    assert {"deal_x", "nato_gain", "p_restrainers", "us_commitment"} <= live
    assert not res.holds


def test_credible_commitment_and_kremlin_views(conflict, focal):
    assert detente.analyze(conflict, perspective="credible_commitment").outcome("ceasefire")["equilibrium"]["seq"]
    kremlin = detente.analyze(conflict, perspective="kremlin")
    assert not any(kremlin.is_stable(focal, "russia", c) for c in kremlin.concepts)


def test_ukraine_cares_about_the_terms_and_the_guarantee(conflict, focal):
    """Ukraine's own interest (Nash): it signs only good-enough terms, and a US guarantee helps."""
    t = deal_terms(conflict, parameter="deal_x", outcome="ceasefire", dms=["russia", "ukraine"], concept="nash")
    ukr = t.accepts["ukraine"]
    assert len(ukr) == 1 and ukr[0][1] == t.range[1] and ukr[0][0] > t.range[0]   # accepts x ≥ some x_U
    rus = t.accepts["russia"]
    assert len(rus) == 1 and rus[0][0] == t.range[0]                                 # accepts x ≤ some x_R
    guarantee = levers(conflict, outcome="ceasefire", dm="ukraine", concept="nash", only=["ukraine_guarantee"])
    assert guarantee.levers[0].live


def test_every_parameter_moves_some_verdict(conflict, base):
    """Sweep every parameter (and the derived belief) across its range: each changes some verdict."""
    ref = np.stack([base.stable[c] for c in base.concepts])
    dead = []
    for name, info in conflict.parameter_info.items():
        lo, hi = info.range
        moved = False
        for v in np.linspace(lo, hi, 13):
            res = detente.analyze(conflict, parameters={name: float(v)})
            if not np.array_equal(np.stack([res.stable[c] for c in res.concepts]), ref):
                moved = True
                break
        if not moved:
            dead.append(name)
    assert dead == []
    assert set(conflict.parameter_info) >= set(conflict.parameters)   # every parameter has a range


def test_every_parameter_has_meaning(conflict):
    for name in conflict.parameters:
        info = conflict.parameter(name)
        assert info.range is not None and info.unit and info.source and info.label, name


def test_map_cells_equal_single_analyses(conflict):
    m = lever_map(conflict, x=("p_restrainers", 0.0, 1.0, 6), y=("deal_x", 0.4, 0.9, 5), outcome="ceasefire",
                  dm=["russia", "ukraine"], concept="seq")
    assert m.grid.shape == (5, 6)
    for iy, yv in enumerate(m.y_values):
        for ix, xv in enumerate(m.x_values):
            res = detente.analyze(conflict, parameters={"p_restrainers": xv, "deal_x": yv})
            out = res.outcome("ceasefire")["stable_for"]["seq"]
            assert m.layers["russia"][iy, ix] == bool(out["russia"])
            assert m.layers["ukraine"][iy, ix] == bool(out["ukraine"])
            assert m.grid[iy, ix] == (bool(out["russia"]) and bool(out["ukraine"]))
    assert m.grid.any() and not m.grid.all()


def _label_of(hyper, state):
    return next((p["label"] for p in hyper.to_dict()["perceived_equilibria"] if p["state"] == state), None)


def test_hypergame_the_administration_misreads_russia(conflict, focal):
    from detente.analysis.hypergame import analyze_hypergame

    hyper = analyze_hypergame(conflict)
    assert _label_of(hyper, focal) == "unsteady"
    entry = next(p for p in hyper.to_dict()["perceived_equilibria"] if p["state"] == focal)
    assert entry["perceived_by"] == ["us"]
    # the administration sees the truth about Russia's prior: the unsteady cease-fire disappears
    corrected = copy.deepcopy(conflict)
    corrected.perceptions["us"].parameters = {}
    corrected.perceptions["us"].of_others = {}
    assert _label_of(analyze_hypergame(corrected), focal) is None


def test_second_level_view_is_explicit(conflict):
    from detente.analysis.hypergame import analyze_hypergame

    second = analyze_hypergame(conflict).to_dict()["second_level"]
    entry = next(s for s in second if s["dm"] == "us" and s["about"] == "russia")
    # the administration thinks Russia sees a US that stays, so it predicts Russia signs
    assert all(o["russia.accept"] for o in entry["predicted_choice"]["options"])


def test_json_has_perspectives_and_hypergame():
    import json

    from typer.testing import CliRunner

    from detente.cli import app

    out = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data["perspectives"]) >= {"administration", "kremlin", "author", "restrainers", "credible_commitment"}
    assert data["perspectives"]["credible_commitment"]["outcomes"]["ceasefire"]["equilibrium"]["seq"] is True
    assert any(o["label"] for o in data["hypergame"]["outcomes"])
