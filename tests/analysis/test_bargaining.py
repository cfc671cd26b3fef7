"""Bargaining formulas: closed forms against simulation and recursion, and the theory's claims."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from detente.analysis.bargaining import (
    EXPRESSION_FUNCTIONS,
    accepts_ceasefire,
    bargaining_high,
    bargaining_low,
    bargaining_range,
    ceasefire_range,
    deal_exists,
    mutual_optimism_gap,
    option_value_of_waiting,
    simulate_value_of_fighting,
    threshold_belief,
    value_of_fighting,
    value_of_fighting_by_recursion,
    value_of_fighting_u,
    war_value_a,
    war_value_b,
    war_values,
)

# the flagship scenario's numbers: deal x = 0.75, g_r = 0.2, k_r = 0.05, y_w = 0.5, delta = 0.9
X, DELTA, G, K, YW = 0.75, 0.9, 0.2, 0.05, 0.5

unit = st.floats(0.0, 1.0)
discount = st.floats(0.05, 0.98)
cost = st.floats(-0.3, 0.5)


# ----------------------------------------------------------------- closed form vs simulation

@pytest.mark.parametrize("lam, delta, g, k, yw, seed", [
    (0.1, 0.9, 0.2, 0.05, 0.5, 1),
    (0.3, 0.8, 0.4, 0.1, 0.3, 2),
    (0.02, 0.95, 0.1, 0.0, 0.6, 3),
    (1.0, 0.7, 0.5, 0.2, 0.2, 4),
    (0.5, 0.5, 0.3, -0.1, 0.9, 5),
])
def test_closed_form_matches_monte_carlo(lam, delta, g, k, yw, seed):
    mean, se = simulate_value_of_fighting(lam, delta, g, k, yw, n_paths=20_000, seed=seed)
    exact = value_of_fighting(lam, delta, g, k, yw)
    assert abs(mean - exact) <= 4 * se + 1e-9


def test_monte_carlo_estimates_the_truncated_game_given_by_the_recursion():
    lam, delta, g, k, yw = 0.2, 0.9, 0.2, 0.05, 0.5
    mean, se = simulate_value_of_fighting(lam, delta, g, k, yw, n_paths=20_000, horizon=5, seed=11)
    truncated = value_of_fighting_by_recursion(lam, delta, g, k, yw, horizon=5)
    assert abs(mean - truncated) <= 4 * se
    # and the truncated game is visibly short of the infinite one
    assert value_of_fighting(lam, delta, g, k, yw) - truncated > 10 * se


def test_simulation_repeats_with_a_seed_and_is_exact_without_randomness():
    a = simulate_value_of_fighting(0.1, DELTA, G, K, YW, n_paths=500, seed=9)
    b = simulate_value_of_fighting(0.1, DELTA, G, K, YW, n_paths=500, seed=9)
    assert a == b
    mean, se = simulate_value_of_fighting(0.0, DELTA, G, K, YW, n_paths=50, seed=0)
    assert se == 0.0 and mean == pytest.approx(G - K, abs=1e-9)
    mean, se = simulate_value_of_fighting(1.0, DELTA, G, K, YW, n_paths=50, seed=0)
    assert se < 1e-12 and mean == pytest.approx(value_of_fighting(1.0, DELTA, G, K, YW), abs=1e-9)


def test_recursion_converges_to_the_closed_form():
    exact = value_of_fighting(0.1, DELTA, G, K, YW)
    assert value_of_fighting_by_recursion(0.1, DELTA, G, K, YW, horizon=0) == 0.0
    long_run = value_of_fighting_by_recursion(0.1, DELTA, G, K, YW, horizon=400)
    assert long_run == pytest.approx(exact, abs=1e-13)


@settings(max_examples=60, deadline=None)
@given(lam=unit, delta=discount, g=unit, k=cost, yw=unit, n=st.integers(0, 40))
def test_recursion_gap_has_the_stated_closed_form(lam, delta, g, k, yw, n):
    v = value_of_fighting(lam, delta, g, k, yw)
    vn = value_of_fighting_by_recursion(lam, delta, g, k, yw, horizon=n)
    stay = (1 - lam) ** n
    assert v - vn == pytest.approx(delta ** n * (stay * v + (1 - stay) * (1 - yw)), abs=1e-12)


# ----------------------------------------------------------------- the theory's claims

def test_lambda_zero_gives_holding_minus_cost():
    assert value_of_fighting(0.0, DELTA, G, K, YW) == pytest.approx(G - K)
    deltas = np.array([0.1, 0.5, 0.99])
    assert value_of_fighting(np.zeros(3), deltas, G, K, YW) == pytest.approx(np.full(3, G - K))


def test_threshold_is_the_indifference_point_and_acceptance_flips_across_it():
    lam_star = threshold_belief(X, DELTA, G, K, YW)
    assert 0 < lam_star < 1
    assert value_of_fighting(lam_star, DELTA, G, K, YW) == pytest.approx(1 - X, abs=1e-12)
    assert option_value_of_waiting(X, lam_star, DELTA, G, K, YW) == pytest.approx(0.0, abs=1e-12)
    assert accepts_ceasefire(X, lam_star, DELTA, G, K, YW)  # ties accept
    assert accepts_ceasefire(X, lam_star - 1e-6, DELTA, G, K, YW)
    assert not accepts_ceasefire(X, lam_star + 1e-6, DELTA, G, K, YW)
    assert option_value_of_waiting(X, lam_star + 0.01, DELTA, G, K, YW) > 0
    assert option_value_of_waiting(X, lam_star - 0.01, DELTA, G, K, YW) < 0


@settings(max_examples=150, deadline=None)
@given(x=unit, delta=discount, g=unit, k=cost, yw=unit, lam=unit)
def test_threshold_properties_over_random_parameters(x, delta, g, k, yw, lam):
    assume(x - yw > 0.01)
    lam_star = threshold_belief(x, delta, g, k, yw)
    if 0.0 <= lam_star <= 1.0:
        assert value_of_fighting(lam_star, delta, g, k, yw) == pytest.approx(1 - x, abs=1e-9)
    # for x > y_w, R accepts exactly when its belief is at most lam*
    if abs(lam - lam_star) > 1e-9:
        assert accepts_ceasefire(x, lam, delta, g, k, yw) == (lam < lam_star)


@settings(max_examples=150, deadline=None)
@given(lam=unit, delta=discount, g=unit, k=cost, yw=unit)
def test_value_of_fighting_is_the_fixed_point_and_a_weighted_average(lam, delta, g, k, yw):
    v = value_of_fighting(lam, delta, g, k, yw)
    assert v == pytest.approx((1 - delta) * (g - k) + delta * (lam * (1 - yw) + (1 - lam) * v), abs=1e-12)
    lo, hi = sorted([g - k, 1 - yw])
    assert lo - 1e-12 <= v <= hi + 1e-12
    # scalar and array calls agree
    arr = value_of_fighting(np.array([lam, lam]), delta, g, k, yw)
    assert arr.shape == (2,) and arr == pytest.approx([v, v])


def test_patience_lowers_the_threshold():
    deltas = np.linspace(0.5, 0.99, 25)
    lam_star = threshold_belief(X, deltas, G, K, YW)
    assert np.all(np.diff(lam_star) < 0)
    assert threshold_belief(X, 0.999, G, K, YW) < 1e-3


@settings(max_examples=100, deadline=None)
@given(yw=st.floats(0.0, 0.98), u=st.floats(0.0, 1.0), g=unit, slack=st.floats(1e-3, 0.5),
       d1=discount, d2=discount)
def test_patience_lowers_a_positive_threshold_over_random_parameters(yw, u, g, slack, d1, d2):
    x = yw + 0.01 + u * (0.99 - yw)            # a deal with x > y_w
    k = g + x - 1 + slack                      # ... that beats fighting forever: 1 - x > g_r - k_r
    assume(abs(d1 - d2) > 1e-3)
    lo, hi = sorted([d1, d2])
    assert 0 < threshold_belief(x, hi, g, k, yw) < threshold_belief(x, lo, g, k, yw)


def test_credible_commitment_removes_the_reason_to_wait():
    # lam -> 0: the deal beats fighting whenever 1 - x > g_r - k_r
    assert accepts_ceasefire(X, 0.0, DELTA, G, K, YW)
    assert not accepts_ceasefire(X, 0.15, DELTA, G, K, YW)


# ----------------------------------------------------------------- Fearon's range

@settings(max_examples=100, deadline=None)
@given(p=unit, ca=st.floats(0.0, 1.0), cb=st.floats(0.0, 1.0))
def test_fearon_range_width_and_war_values(p, ca, cb):
    low, high = bargaining_range(p, ca, cb)
    assert high - low == pytest.approx(ca + cb)
    assert (low, high) == (bargaining_low(p, ca, cb), bargaining_high(p, ca, cb))
    wa, wb = war_values(p, ca, cb)
    assert (wa, wb) == (war_value_a(p, ca), war_value_b(p, cb))
    assert wa == pytest.approx(low) and 1 - high == pytest.approx(wb)  # ends = each side's war value
    assert deal_exists(p, ca, cb) == (low < high and low < 1 and high > 0)
    if min(ca, cb) > 1e-9:
        assert deal_exists(p, ca, cb)  # war costly for both: a deal always exists


def test_fearon_range_is_not_clipped_and_deals_need_costs():
    low, high = bargaining_range(0.95, 0.1, 0.2)
    assert low == pytest.approx(0.85) and high == pytest.approx(1.15)
    assert deal_exists(0.6, 0.1, 0.2)
    assert not deal_exists(0.6, 0.0, 0.0)       # costless war: no split strictly better
    assert not deal_exists(0.6, -0.3, 0.2)      # A gains from fighting
    assert not deal_exists(0.9, -0.2, 0.5)      # range (1.1, 1.4) misses [0, 1]
    got = deal_exists(np.array([0.6, 0.6]), np.array([0.1, -0.3]), 0.2)
    assert got.tolist() == [True, False]


# ----------------------------------------------------------------- mutual optimism

def test_mirror_formula_for_u():
    lam, delta, g, ku, yw = 0.2, 0.85, 0.3, 0.1, 0.4
    vu = value_of_fighting_u(lam, delta, g, ku, yw)
    assert vu == pytest.approx(value_of_fighting(lam, delta, 1 - g, ku, 1 - yw))
    assert vu == pytest.approx((1 - delta) * (1 - g - ku) + delta * (lam * yw + (1 - lam) * vu))
    assert value_of_fighting_u(0.0, delta, g, ku, yw) == pytest.approx(1 - g - ku)


def test_mutual_optimism_closes_the_range():
    common = mutual_optimism_gap(0.5, 0.5, 0.9, 0.2, 0.05, 0.05, 0.3)
    optimism = mutual_optimism_gap(0.5, 0.0, 0.9, 0.2, 0.05, 0.05, 0.3)
    assert common < 0 < optimism
    low, high = ceasefire_range(0.5, 0.5, 0.9, 0.2, 0.05, 0.05, 0.3)
    assert low < high and high - low == pytest.approx(-common)
    low, high = ceasefire_range(0.5, 0.0, 0.9, 0.2, 0.05, 0.05, 0.3)
    assert low > high


@settings(max_examples=150, deadline=None)
@given(lam=unit, delta=discount, g=unit, kr=cost, ku=cost, yw=unit)
def test_common_beliefs_gap_has_closed_form(lam, delta, g, kr, ku, yw):
    gap = mutual_optimism_gap(lam, lam, delta, g, kr, ku, yw)
    assert gap == pytest.approx(-(1 - delta) * (kr + ku) / (1 - delta + delta * lam), abs=1e-12)
    if kr + ku > 1e-9:
        assert gap < 0


# ----------------------------------------------------------------- arrays, errors, expressions

def test_arrays_broadcast_and_give_nan_where_undefined():
    x = np.array([[0.4], [0.75], [0.8]])          # 0.4 <= y_w: undefined
    delta = np.array([0.0, 0.9, 1.0])             # 0 and 1 outside (0, 1)
    out = threshold_belief(x, delta, G, K, YW)
    assert out.shape == (3, 3)
    assert np.isnan(out[0]).all() and np.isnan(out[:, 0]).all() and np.isnan(out[:, 2]).all()
    assert out[1, 1] == pytest.approx(threshold_belief(0.75, 0.9, G, K, YW))
    lam = np.array([0.1, -0.1, 1.5, np.nan])
    v = value_of_fighting(lam, DELTA, G, K, YW)
    assert np.isfinite(v[0]) and np.isnan(v[1:]).all()
    acc = accepts_ceasefire(np.array([0.75, 0.75, 1.5]), np.array([0.0, 0.5, 0.0]), DELTA, G, K, YW)
    assert acc.dtype == bool and acc.tolist() == [True, False, False]


@pytest.mark.parametrize("call, match", [
    (lambda: threshold_belief(0.5, 0.9, 0.2, 0.05, 0.5), "x must exceed y_w"),
    (lambda: threshold_belief(0.3, 0.9, 0.2, 0.05, 0.5), "x must exceed y_w"),
    (lambda: threshold_belief(0.75, 1.0, 0.2, 0.05, 0.5), r"delta must be in \(0, 1\)"),
    (lambda: threshold_belief(0.75, 0.0, 0.2, 0.05, 0.5), r"delta must be in \(0, 1\)"),
    (lambda: value_of_fighting(1.2, 0.9, 0.2, 0.05, 0.5), r"lam must be in \[0, 1\]"),
    (lambda: value_of_fighting(0.1, 1.0, 0.2, 0.05, 0.5), r"delta must be in \[0, 1\)"),
    (lambda: value_of_fighting(0.1, 0.9, 0.2, math.inf, 0.5), "k_r must be a finite number"),
    (lambda: value_of_fighting(0.1, 0.9, 0.2, 0.05, math.nan), "y_w"),
    (lambda: accepts_ceasefire(1.5, 0.1, 0.9, 0.2, 0.05, 0.5), "x must be"),
    (lambda: mutual_optimism_gap(0.1, -0.1, 0.9, 0.2, 0.05, 0.05, 0.5), "lam_u"),
    (lambda: bargaining_range(1.1, 0.1, 0.1), "p must be"),
    (lambda: simulate_value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5, n_paths=1, seed=0), "n_paths"),
    (lambda: simulate_value_of_fighting(0.1, 0.9, 0.2, 0.05, 0.5, horizon=0, seed=0), "horizon"),
    (lambda: simulate_value_of_fighting(np.array([0.1, 0.2]), 0.9, 0.2, 0.05, 0.5, seed=0), "scalars"),
    (lambda: value_of_fighting_by_recursion(0.1, 0.9, 0.2, 0.05, 0.5, horizon=-1), "horizon"),
])
def test_invalid_scalar_input_raises_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_expression_functions_are_registered_and_take_positional_arrays():
    for name in ("value_of_fighting", "threshold_belief", "option_value_of_waiting",
                 "bargaining_low", "bargaining_high", "accepts_ceasefire", "mutual_optimism_gap"):
        assert callable(EXPRESSION_FUNCTIONS[name])
    states = np.array([0.0, 1.0, 0.0, 1.0])
    v = EXPRESSION_FUNCTIONS["value_of_fighting"](0.1 * states, DELTA, G, K, YW + 0.05 * states)
    assert v.shape == (4,) and v[0] == pytest.approx(G - K)
    bad = EXPRESSION_FUNCTIONS["threshold_belief"](0.75, DELTA, G, K, 0.7 + 0.1 * states)
    assert np.isnan(bad[[1, 3]]).all() and np.isfinite(bad[[0, 2]]).all()


def test_payoff_formula_can_call_the_functions():
    from detente.model.expressions import evaluate, parse

    from detente.analysis.compile import expression_functions

    env = {"x": X, "lambda_r": 0.1, "delta": DELTA, "g_r": G, "k_r": K, "y_w": YW,
           "russia.accept": np.array([False, True])}
    tree = parse("1 - x if russia.accept else value_of_fighting(lambda_r, delta, g_r, k_r, y_w)")
    got = evaluate(tree, env, expression_functions())
    assert np.asarray(got) == pytest.approx([value_of_fighting(0.1, DELTA, G, K, YW), 1 - X])
