"""Monte Carlo shares match the probabilities they estimate, locally and on Dask alike."""

import numpy as np
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
    res = monte_carlo(toy(), distributions={"t": parse_distribution("uniform:0:1")}, n=600, seed=7)
    exact = sum(1 for t in res.samples["t"] if t > 0.3) / 600
    assert res.share("a_goes: equilibrium (nash)") == pytest.approx(exact)
    assert abs(exact - 0.7) < 0.07


def test_same_seed_same_answer_and_dask_agrees():
    from distributed import Client

    dist = {"t": parse_distribution("triangular:0:0.3:1")}
    local = monte_carlo(toy(), distributions=dist, n=60, seed=3)
    again = monte_carlo(toy(), distributions=dist, n=60, seed=3, chunk_size=7)
    with Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        on_dask = monte_carlo(toy(), distributions=dist, n=60, seed=3, client=client, npartitions=3)
    assert local.counts == again.counts == on_dask.counts
    assert local.equilibrium_counts == again.equilibrium_counts == on_dask.equilibrium_counts
    assert on_dask.scheduler == "dask"


@pytest.mark.slow
def test_dask_scheduler_without_a_client_starts_a_local_cluster():
    dist = {"t": parse_distribution("uniform:0:1")}
    local = monte_carlo(toy(), distributions=dist, n=40, seed=5)
    on_dask = monte_carlo(toy(), distributions=dist, n=40, seed=5, scheduler="dask", npartitions=2)
    assert local.counts == on_dask.counts


def test_every_answer_is_reported_with_an_interval():
    res = monte_carlo(toy(), distributions={"t": parse_distribution("uniform:0:1")}, n=500, seed=2)
    data = res.to_dict()
    # a's verdicts vary; b (indifferent) is always stable: 100% answers are listed too
    assert data["shares"]["a_goes: stable for b (nash)"] == 1.0
    assert set(data["shares"]) == set(data["intervals"]) == set(res.counts)
    for key, (lo, hi) in data["intervals"].items():
        assert lo <= data["shares"][key] <= hi
    assert res.most_influential(1) == ["t"] and res.drives["t"].startswith("a_goes")
    held = res.answer("a_goes: equilibrium (nash)")
    assert held.sum() == res.counts["a_goes: equilibrium (nash)"]
    assert np.array_equal(held, np.asarray(res.samples["t"]) > 0.3)


def test_wilson_interval_known_values():
    from detente.analysis.montecarlo import wilson_interval

    lo, hi = wilson_interval(81, 263)          # Newcombe (1998), Statistics in Medicine 17, table I
    assert lo == pytest.approx(0.2553, abs=1e-4) and hi == pytest.approx(0.3662, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


def test_influence_ranks_the_parameter_that_matters():
    c = toy()
    c.parameters["noise"] = 0.0
    res = monte_carlo(c, distributions={"t": parse_distribution("uniform:0:1"), "noise": parse_distribution("uniform:0:1")},
                      n=2000, seed=1)
    assert res.most_influential(2) == ["t", "noise"]
    assert res.influence["t"] > 0.5
    assert res.influence["noise"] < 0.1


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
        monte_carlo(toy(), distributions={"zz": parse_distribution("uniform:0:1")}, n=3)
