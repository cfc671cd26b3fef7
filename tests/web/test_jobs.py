"""Worker processes: results, errors with the CLI's message, the memory and time limits."""

from __future__ import annotations

import pytest
from test_limits import heavy_model

import detente
from detente.io import dumps
from detente.web.jobs import JobRefused, Pool

PD = dumps(detente.examples.prisoners_dilemma(), "yaml")


def test_a_job_returns_its_result_and_errors_carry_the_field():
    pool = Pool(timeout=60)
    assert pool.start("analyze", {"scenario": PD}).wait_blocking()["equilibria"]["nash"] == [1]
    bad = pool.start("analyze", {"scenario": PD.replace("bob.cooperate", "bob.coop", 1)})
    with pytest.raises(JobRefused):
        bad.wait_blocking()
    assert bad.status == 422 and "bob.coop" in bad.error["error"] and bad.error["field"]


def test_memory_limit_stops_a_job_with_a_clear_message():
    job = Pool(timeout=120, memory_mb=300).start("analyze", {"scenario": heavy_model()})
    with pytest.raises(JobRefused, match="memory"):
        job.wait_blocking()
    assert job.status == 422 and not job.process.is_alive()


def test_time_limit_stops_a_job():
    job = Pool(timeout=1).start("sweep", {"scenario": heavy_model(), "parameter": "a", "lo": 0, "hi": 1,
                                          "steps": 20})
    with pytest.raises(JobRefused, match="1 s limit"):
        job.wait_blocking()
    assert not job.process.is_alive()


def test_too_many_jobs_are_refused_with_429():
    pool = Pool(timeout=30, max_jobs=1)
    first = pool.start("sweep", {"scenario": heavy_model(), "parameter": "a", "lo": 0, "hi": 1, "steps": 20})
    with pytest.raises(JobRefused) as info:
        pool.start("analyze", {"scenario": PD})
    assert info.value.status == 429
    first.cancel()
    assert first.state == "cancelled" and not first.process.is_alive()
