"""The flagship scenario reproduces the article's reasoning, from the engine (nothing hard-coded)."""

from pathlib import Path

import pytest

import detente
from detente.analysis.bargaining import threshold_belief, value_of_fighting
from detente.analysis.briefing import brief, focal_state, status_quo_state
from detente.analysis.sweep import sweep

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


def test_focal_state_is_the_deal_next_to_the_status_quo(base, focal):
    info = base.state_info(focal)
    assert info["options"]["ukraine.accept"] and info["options"]["russia.accept"]
    sq = base.state_info(status_quo_state(base))
    changed = [k for k in info["options"] if info["options"][k] != sq["options"][k]]
    assert changed == ["russia.accept"]


def test_russia_rejects_the_ceasefire_as_modelled(base, focal):
    assert base.outcome("ceasefire")["equilibrium"] == {c: False for c in base.concepts}
    for c in base.concepts:
        v = base.verdict(focal, "russia", c)
        assert not v.stable
        bad = v.unanswered
        assert not base.state_info(bad.improvement + 1)["options"]["russia.accept"]


def test_administration_sees_a_ceasefire_in_everyones_interest(conflict, focal):
    view = detente.analyze(conflict, perspective="administration")
    assert all(view.outcome("ceasefire")["equilibrium"][c] for c in ("gmr", "smr", "seq"))
    for dm in ("ukraine", "russia"):
        assert all(view.is_stable(focal, dm, c) for c in view.concepts)


def test_credible_commitment_makes_russia_accept(conflict, focal):
    view = detente.analyze(conflict, perspective="credible_commitment")
    assert all(view.is_stable(focal, "russia", c) for c in view.concepts)


def test_tipping_point_matches_the_closed_form_threshold(conflict, focal):
    p = conflict.parameters
    expected = threshold_belief(p["deal_x"], p["delta"], p["g_r"], p["k_r"], p["y_w"])
    res = sweep(conflict, parameter="lambda_r", lo=0.0, hi=0.3, steps=31, precision=1e-6, focus_states=[focal])
    tp = next(t for t in res.tipping_points if t.what == f"state {focal}: stable for russia (seq)")
    assert tp.before is True and tp.after is False
    assert abs(tp.value - expected) < 1e-5
    # and the verdict really flips across it
    below = detente.analyze(conflict, parameters={"lambda_r": tp.lower})
    above = detente.analyze(conflict, parameters={"lambda_r": tp.upper})
    assert below.is_stable(focal, "russia", "seq") and not above.is_stable(focal, "russia", "seq")
    # the flip is where the deal equals the value of fighting on
    assert value_of_fighting(tp.lower, p["delta"], p["g_r"], p["k_r"], p["y_w"]) <= 1 - p["deal_x"] + 1e-9
    assert value_of_fighting(tp.upper, p["delta"], p["g_r"], p["k_r"], p["y_w"]) >= 1 - p["deal_x"] - 1e-9


def test_briefing_answers_the_question(conflict):
    b = brief(conflict)
    from detente.report.briefing import briefing_text

    text = briefing_text(b)
    assert "russia does not take 'ceasefire'" in text
    assert "credible_commitment" in text
    assert "Sweep of lambda_r" in text


def _label_of(hyper, state):
    return next((p["label"] for p in hyper.to_dict()["perceived_equilibria"] if p["state"] == state), None)


def test_hypergame_cease_fire_is_unsteady_and_the_label_goes_with_the_misperception(conflict, focal):
    import copy

    from detente.analysis.hypergame import analyze_hypergame

    hyper = analyze_hypergame(conflict)
    assert _label_of(hyper, focal) == "unsteady"
    entry = next(p for p in hyper.to_dict()["perceived_equilibria"] if p["state"] == focal)
    assert entry["perceived_by"] == ["us"]
    # the administration sees the truth about Russia: the unsteady cease-fire disappears
    corrected = copy.deepcopy(conflict)
    corrected.perceptions["us"].parameters = {}
    assert _label_of(analyze_hypergame(corrected), focal) is None


def test_json_has_perspectives_and_hypergame():
    import json

    from typer.testing import CliRunner

    from detente.cli import app

    out = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data["perspectives"]) >= {"administration", "kremlin", "author", "restrainers", "credible_commitment"}
    ceasefire = data["perspectives"]["administration"]["outcomes"]["ceasefire"]
    assert ceasefire["equilibrium"]["seq"] is True and ceasefire["states"]
    assert any(o["label"] for o in data["hypergame"]["outcomes"])
