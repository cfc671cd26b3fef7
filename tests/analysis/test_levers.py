"""Levers, lever maps and the terms solver: every answer confirmed by single analyses."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import detente
from detente.analysis.levers import deal_terms, describe_intervals, lever_map, levers
from detente.cli import app
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, Option, Parameter, Payoff


def _stable(conflict, q_outcome, dm, concept, values):
    res = detente.analyze(conflict, parameters=values)
    out = res.outcome(q_outcome)
    return bool(out["stable_for"][concept][dm]) if dm else out["equilibrium"][concept]


def random_conflict(seed: int) -> Conflict:
    """Two or three DMs, one or two options each, payoffs linear in two ranged parameters."""
    rng = np.random.default_rng(seed)
    n_dm = int(rng.integers(2, 4))
    dms = []
    names = []
    for i in range(n_dm):
        opts = [Option(f"o{j}", f"d{i}") for j in range(int(rng.integers(1, 3)))]
        names += [o.key for o in opts]
        dms.append(DecisionMaker(f"d{i}", opts))
    for dm in dms:
        terms = []
        for key in names:
            a, b, c = rng.normal(size=3).round(2)
            terms.append(f"({a} + {b} * s + {c} * t) * {key}")
        dm.preference = Payoff(" + ".join(terms))
    outcome = " and ".join(names[: int(rng.integers(1, len(names) + 1))])
    return Conflict(f"random {seed}", dms, parameters={"s": 0.0, "t": 0.5},
                    parameter_info={"s": Parameter("s", range=(-2.0, 2.0)), "t": Parameter("t", range=(0.0, 1.0))},
                    outcomes={"target": outcome})


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("concept", ["nash", "gmr", "seq"])
def test_every_threshold_flips_the_verdict_on_both_sides(seed, concept):
    c = random_conflict(seed)
    dm = None if seed % 2 else "d0"
    res = levers(c, outcome="target", dm=dm, concept=concept, grid=65)
    for lv in res.levers:
        others = {k: v for k, v in c.parameters.items() if k != lv.parameter}
        for t in lv.thresholds:
            eps = 10 * lv.precision
            below = _stable(c, "target", dm, concept, {**others, lv.parameter: t - eps})
            above = _stable(c, "target", dm, concept, {**others, lv.parameter: t + eps})
            assert below != above, (seed, lv.parameter, t)
        # holds_at agrees with single analyses at interval midpoints and outside them
        for x in np.linspace(lv.range[0], lv.range[1], 9):
            if any(abs(x - t) < 1e-3 for t in lv.thresholds):
                continue
            inside = any(a <= x <= b for a, b in lv.holds_at)
            assert inside == _stable(c, "target", dm, concept, {**others, lv.parameter: float(x)})


def test_a_parameter_that_cancels_out_changes_nothing():
    # 'k' adds the same amount to both of a's choices: it can never change a's mind
    c = Conflict("cancel", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5) + k")),
        DecisionMaker("b", [Option("go", "b")], Payoff("b.go")),
    ], parameters={"t": 0.2, "k": 1.0},
        parameter_info={"t": Parameter("t", range=(0.0, 1.0)), "k": Parameter("k", range=(0.0, 5.0))},
        outcomes={"go": "a.go and b.go"})
    res = levers(c, outcome="go", dm="a", concept="nash")
    assert [lv.parameter for lv in res.dead] == ["k"]
    assert [lv.parameter for lv in res.live] == ["t"]
    assert res.to_dict()["changes_nothing"] == ["k"]
    assert "k" in res.summary().split("Do not change this verdict")[1]


def test_unranged_parameters_are_listed_not_varied():
    c = random_conflict(3)
    c.parameter_info.pop("t")
    res = levers(c, outcome="target", concept="nash")
    assert res.unranged == ["t"] and [lv.parameter for lv in res.levers] == ["s"]


def fearon(p=0.6, c_u=0.1, c_r=0.15, x=0.5) -> Conflict:
    """U gets x from a deal and p - c_u from war; R gets 1 - x and 1 - p - c_r (Fearon 1995)."""
    deal = "(u.accept and r.accept)"
    return Conflict("fearon", [
        DecisionMaker("u", [Option("accept", "u")], Payoff(f"x if {deal} else p - c_u")),
        DecisionMaker("r", [Option("accept", "r")], Payoff(f"1 - x if {deal} else 1 - p - c_r")),
    ], parameters={"x": x, "p": p, "c_u": c_u, "c_r": c_r},
        parameter_info={"x": Parameter("x", range=(0.0, 1.0))}, outcomes={"deal": "u.accept and r.accept"})


def test_terms_solver_reproduces_the_bargaining_range():
    t = deal_terms(fearon(), parameter="x", outcome="deal", concept="nash", precision=1e-9)
    assert t.exists and len(t.agreed) == 1
    lo, hi = t.agreed[0]
    assert lo == pytest.approx(0.6 - 0.1, abs=1e-8) and hi == pytest.approx(0.6 + 0.15, abs=1e-8)
    assert t.accepts["u"] == [pytest.approx((0.5, 1.0), abs=1e-8)]
    assert t.accepts["r"] == [pytest.approx((0.0, 0.75), abs=1e-8)]


def test_terms_solver_reports_the_closest_miss():
    # negative war costs (each side gains from fighting): no split satisfies both
    t = deal_terms(fearon(p=0.5, c_u=-0.1, c_r=-0.2), parameter="x", outcome="deal", concept="nash",
                   precision=1e-9)
    assert not t.exists
    # u needs x >= 0.6, r needs x <= 0.7 - ... : 1 - x >= 0.7 -> x <= 0.3; gap 0.3, closest at 0.45
    assert t.closest == pytest.approx(0.45, abs=1e-8) and t.gap == pytest.approx(0.3, abs=1e-8)
    assert "closest miss" in t.summary()


def test_map_cells_equal_single_analyses():
    c = random_conflict(5)
    m = lever_map(c, x=("s", -2, 2, 7), y=("t", 0, 1, 5), outcome="target", concept="seq")
    d = m.to_dict()
    assert d["x"]["parameter"] == "s" and len(d["x"]["values"]) == 7 and len(d["grid"]) == 5
    for iy, yv in enumerate(d["y"]["values"]):
        for ix, xv in enumerate(d["x"]["values"]):
            assert d["grid"][iy][ix] == _stable(c, "target", None, "seq", {"s": xv, "t": yv})


def test_describe_intervals():
    assert describe_intervals("x", [(0.0, 0.3)], (0.0, 1.0)) == "x ≤ 0.3"
    assert describe_intervals("x", [(0.2, 1.0)], (0.0, 1.0)) == "x ≥ 0.2"
    assert describe_intervals("x", [(0.2, 0.4)], (0.0, 1.0)) == "0.2 ≤ x ≤ 0.4"
    assert describe_intervals("x", [], (0.0, 1.0)) == "no value in its range"


@pytest.mark.parametrize("kwargs,message", [
    ({}, "name the verdict"),
    ({"outcome": "target", "state": 1}, "not both"),
    ({"outcome": "nope"}, "unknown outcome"),
    ({"outcome": "target", "dm": "zz"}, "unknown decision maker"),
    ({"outcome": "target", "precision": 1e-300}, "too small"),
    ({"outcome": "target", "grid": 1}, "grid"),
])
def test_bad_requests_are_clear_errors(kwargs, message):
    with pytest.raises(DetenteError, match=message):
        levers(random_conflict(1), **kwargs)


# -- CLI ---------------------------------------------------------------------------------------
FLAGSHIP = "examples/ukraine-ceasefire.yaml"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_levers_json_shape():
    out = run("levers", FLAGSHIP, "--outcome", "ceasefire", "--dm", "russia", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["outcome"] == "ceasefire" and data["concept"] == "seq"
    lever = next(lv for lv in data["levers"] if lv["parameter"] == "deal_x")
    assert set(lever) >= {"parameter", "value", "range", "thresholds", "holds_at"}
    assert lever["thresholds"] == sorted(lever["thresholds"]) and lever["thresholds"]


def test_cli_map_json_and_picture(tmp_path):
    out = run("map", FLAGSHIP, "--x", "p_restrainers=0:1:5", "--y", "deal_x=0.4:0.9:4", "--outcome", "ceasefire",
              "--dm", "russia", "-o", tmp_path / "m.png", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data["grid"]) == 4 and len(data["grid"][0]) == 5 and data["concept"] == "seq"
    assert (tmp_path / "m.png").stat().st_size > 5000


def test_cli_terms_text():
    out = run("terms", FLAGSHIP, "--parameter", "deal_x", "--outcome", "ceasefire", "--dm", "russia",
              "--dm", "ukraine", "--concept", "nash")
    assert out.exit_code == 0, out.output
    assert "russia accepts" in out.stdout and "ukraine accepts" in out.stdout


@pytest.mark.parametrize("args,fragment", [
    (["map", FLAGSHIP, "--x", "deal_x=0:1:3", "--y", "deal_x=0:1:3", "--outcome", "ceasefire"], "different"),
    (["map", FLAGSHIP, "--x", "nope=0:1:3", "--y", "deal_x=0:1:3", "--outcome", "ceasefire"], "unknown parameter"),
    (["map", FLAGSHIP, "--x", "deal_x=1:0:3", "--y", "k_r=0:1:3", "--outcome", "ceasefire"], "LO < HI"),
    (["levers", FLAGSHIP, "--outcome", "nope"], "unknown outcome"),
    (["terms", FLAGSHIP, "--parameter", "deal_x", "--outcome", "ceasefire", "--lo", "nan"], "finite"),
])
def test_cli_errors_are_one_line(args, fragment):
    out = run(*args)
    assert out.exit_code == 2
    assert fragment in out.output and "Traceback" not in out.output
