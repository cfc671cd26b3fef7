"""Each computation is bounded: a heavy request times out or dies with its client, and small
requests stay fast while heavy ones run (a real server on 127.0.0.1)."""

from __future__ import annotations

import os
import statistics
import threading
import time

import httpx
import pytest

import detente
from detente.io import dumps

PD = dumps(detente.examples.prisoners_dilemma(), "yaml")


def heavy_model(n_dm: int = 4, k: int = 5) -> str:
    """20 options (about a million states) with a payoff parameter: each analysis takes seconds,
    so a sweep of 20 steps (within the up-front work limit) takes minutes."""
    dms = []
    for d in range(n_dm):
        other = f"d{(d + 1) % n_dm}.o0"
        opts = ", ".join(f"o{j}" for j in range(k))
        dms.append(f"  - name: d{d}\n    options: [{opts}]\n"
                   f"    preferences: {{payoff: 'a * {other} - d{d}.o1 + 2 * d{d}.o2 + (d{d}.o3 or {other})'}}\n")
    return "name: heavy\nparameters: {a: 1}\ndecision_makers:\n" + "".join(dms)


HEAVY_SWEEP = {"scenario": heavy_model(), "parameter": "a", "lo": 0, "hi": 3, "steps": 20}


def job_processes(server_pid: int) -> list[int]:
    """The server's worker processes now alive: processes of its session (it was started as a
    session leader) that it did not start itself (those are the forkserver and resource tracker)."""
    jobs = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, ppid, sid = fields[0], int(fields[1]), int(fields[3])
        if sid == server_pid and int(pid) != server_pid and ppid != server_pid and state != "Z":
            jobs.append(int(pid))
    return jobs


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.slow
def test_small_requests_stay_fast_while_two_heavy_ones_run_then_time_out(server_factory, tmp_path):
    srv = server_factory(tmp_path / "l.db", "--timeout", "15")
    results: list[httpx.Response] = []

    def heavy() -> None:
        results.append(httpx.post(f"{srv.url}/api/sweep", json=HEAVY_SWEEP, timeout=120))

    threads = [threading.Thread(target=heavy) for _ in range(2)]
    for t in threads:
        t.start()
    assert wait_for(lambda: len(job_processes(srv.proc.pid)) == 2, 10)   # both heavy jobs are computing
    latencies = []
    with httpx.Client(timeout=30) as client:
        for _ in range(15):
            t0 = time.monotonic()
            r = client.post(f"{srv.url}/api/analyze", json={"scenario": PD})
            latencies.append(time.monotonic() - t0)
            assert r.status_code == 200 and r.json()["equilibria"]["nash"] == [1]
            t0 = time.monotonic()
            assert client.get(f"{srv.url}/api/models").status_code == 200
            latencies.append(time.monotonic() - t0)
    assert statistics.median(latencies) < 1.0, latencies
    for t in threads:
        t.join(timeout=60)
    assert [r.status_code for r in results] == [422, 422]
    assert all("15 s limit" in r.json()["detail"]["error"] for r in results)
    assert wait_for(lambda: not job_processes(srv.proc.pid), 5)          # and are gone once timed out


@pytest.mark.slow
def test_a_heavy_job_stops_when_its_client_disconnects(server_factory, tmp_path):
    srv = server_factory(tmp_path / "d.db", "--timeout", "600")
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{srv.url}/api/sweep", json=HEAVY_SWEEP, timeout=3)   # the client gives up after 3 s
    assert wait_for(lambda: not job_processes(srv.proc.pid), 5)
    # a background job is stopped when cancelled
    job = httpx.post(f"{srv.url}/api/jobs/sweep", json=HEAVY_SWEEP, timeout=10).json()
    assert wait_for(lambda: len(job_processes(srv.proc.pid)) == 1, 10)
    assert httpx.get(f"{srv.url}/api/job/{job['id']}").json()["state"] == "running"
    cancelled = httpx.delete(f"{srv.url}/api/job/{job['id']}").json()
    assert cancelled["state"] == "cancelled"
    assert wait_for(lambda: not job_processes(srv.proc.pid), 5)
