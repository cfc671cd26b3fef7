"""The commands that vary parameters: montecarlo (shares, intervals, every answer, plot, JSON) and
sweep (one parameter only)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import detente
from detente.analysis.study import Question, study_one_at_a_time


def test_montecarlo_json_has_every_answer_with_intervals(invoke, payoff_file, tmp_path):
    res = invoke("montecarlo", payoff_file, "--param", "t=uniform:-1:1", "-n", "2000", "--seed", "4",
                 "--format", "json", "--plot", tmp_path / "mc")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    shares = data["shares"]
    # every watched answer, also those that always or never hold
    assert "mutual_cooperation: equilibrium (nash)" in shares
    assert any(v == 0.0 for v in shares.values()) or any(v == 1.0 for v in shares.values())
    assert len(shares) == 1 * 4 * (1 + 2)             # outcome x concepts x (equilibrium + 2 DMs)
    for key, share in shares.items():
        lo, hi = data["intervals"][key]
        assert lo <= share <= hi
    # cooperation is the equilibrium exactly when t < 0: about half the draws
    assert 0.45 < shares["mutual_cooperation: equilibrium (nash)"] < 0.55
    assert data["influence"]["t"] > 0.5
    assert [p.endswith((".png", ".svg")) for p in data["plots"]] == [True, True]
    assert (tmp_path / "mc.png").stat().st_size > 1000


def test_montecarlo_shares_equal_single_analyses(invoke, payoff_file):
    # the draws are reproducible from the seed: recompute each answer with a full analysis
    from detente.analysis.montecarlo import monte_carlo, parse_distribution, watched_questions

    conflict = detente.load(payoff_file)
    res = monte_carlo(conflict, distributions={"t": parse_distribution("normal:0:1")}, n=300, seed=9)
    qs = watched_questions(conflict, ["nash", "gmr", "smr", "seq"])
    one = study_one_at_a_time(conflict, {"t": res.samples["t"]}, qs)
    assert {q.key: int(c) for q, c in zip(qs, one.sum(axis=0))} == res.counts
    out = invoke("montecarlo", payoff_file, "--param", "t=normal:0:1", "-n", "300", "--seed", "9", "-f", "json")
    assert json.loads(out.stdout)["counts"] == res.counts


def test_montecarlo_text_lists_intervals_and_influence(plain, invoke, payoff_file):
    res = invoke("montecarlo", payoff_file, "--param", "t=uniform:-1:1", "-n", "500")
    assert res.exit_code == 0, res.output
    text = plain(res.stdout)
    assert "95% interval" in text and "Most influential: t" in text
    assert "mutual_cooperation: stable for alice (nash)" in text


def test_montecarlo_refuses_a_parameter_twice(invoke, payoff_file):
    res = invoke("montecarlo", payoff_file, "--param", "t=uniform:0:1", "--param", "t=uniform:0:2")
    assert res.exit_code != 0 and "given twice" in res.output


def test_sweep_refuses_a_second_parameter(invoke, payoff_file):
    res = invoke("sweep", payoff_file, "--param", "t=-1:1:5", "--param", "t=0:1:3", "--no-plot")
    assert res.exit_code != 0
    assert "one parameter" in res.output and "detente map" in res.output


def test_sweep_cli_tipping_point(invoke, payoff_file):
    res = invoke("sweep", payoff_file, "--param", "t=-1:1:5", "--no-plot", "-f", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["tipping_points"]
    assert all(abs(t["value"]) <= 0.5 / 1000 for t in data["tipping_points"])    # default precision
    conflict = detente.load(payoff_file)
    q = Question("nash", outcome="mutual_cooperation")
    grid = np.asarray(data["values"])
    assert data["series"][q.key] == study_one_at_a_time(conflict, {"t": grid}, [q])[:, 0].tolist()


def test_montecarlo_on_a_dask_scheduler_address(invoke, payoff_file):
    from distributed import LocalCluster

    args = ["montecarlo", payoff_file, "--param", "t=uniform:-1:1", "-n", "400", "--seed", "2", "-f", "json"]
    local = json.loads(invoke(*args).stdout)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        res = invoke(*args, "--scheduler", "dask", "--address", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    remote = json.loads(res.stdout)
    assert remote["scheduler"] == "dask"
    assert remote["counts"] == local["counts"]


@pytest.mark.slow      # waits for the connection timeout (10 s)
def test_montecarlo_unreachable_scheduler_is_a_clear_error(invoke, payoff_file):
    res = invoke("montecarlo", payoff_file, "--param", "t=uniform:-1:1", "-n", "10", "--scheduler", "dask",
                 "--address", "tcp://127.0.0.1:9")
    assert res.exit_code != 0
    assert "cannot reach the Dask scheduler" in res.output
