"""Monte Carlo shares match the probabilities they estimate, locally and on Dask alike."""

import pytest

from detente.analysis.montecarlo import monte_carlo, parse_distribution
from detente.errors import DetenteError
from detente.model import Conflict, DecisionMaker, Option, Payoff


def toy() -> Conflict:
    # a goes exactly when t > 0.3
    return Conflict("toy", [
        DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.3)")),
        DecisionMaker("b", [Option("go", "b")], Payoff("0")),
    ], parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})


def test_share_estimates_the_probability():
    res = monte_carlo(toy(), {"t": parse_distribution("uniform:0:1")}, n=600, seed=7)
    exact = sum(1 for t in res.samples["t"] if t > 0.3) / 600
    assert res.share("a_goes: equilibrium (nash)") == pytest.approx(exact)
    assert abs(exact - 0.7) < 0.07


def test_same_seed_same_answer_and_dask_agrees():
    pytest.importorskip("dask.bag")
    dist = {"t": parse_distribution("triangular:0:0.3:1")}
    local = monte_carlo(toy(), dist, n=60, seed=3)
    again = monte_carlo(toy(), dist, n=60, seed=3)
    on_dask = monte_carlo(toy(), dist, n=60, seed=3, scheduler="dask", npartitions=3)
    assert local.counts == again.counts == on_dask.counts
    assert local.equilibrium_counts == on_dask.equilibrium_counts


@pytest.mark.parametrize("text, message", [
    ("gauss:0:1", "unknown distribution"),
    ("uniform:1", "takes 2"),
    ("uniform:1:0", "lo < hi"),
    ("normal:a:1", "must be numbers"),
])
def test_bad_distributions(text, message):
    with pytest.raises(DetenteError, match=message):
        parse_distribution(text)


def test_unknown_parameter():
    with pytest.raises(DetenteError, match="unknown parameter"):
        monte_carlo(toy(), {"zz": parse_distribution("uniform:0:1")}, n=3)
