"""Benchmark of batched parameter studies (``detente.analysis.study``): ratios measured in one run.

Run from the repository root::

    python benchmarks/bench_batch.py                 # full run (a few minutes on a quiet machine)
    python benchmarks/bench_batch.py --quick         # smaller sizes, same checks
    python benchmarks/bench_batch.py --param lambda_r --samples 400000

What is measured (see benchmarks/README.md and results_batch.md):

1. **Monte Carlo on the flagship.** ``detente montecarlo examples/ukraine-ceasefire.yaml --param
   NAME=uniform:LO:HI -n N --format json`` run as a whole command (a fresh interpreter: start-up,
   loading, sampling, analysis, JSON) for Russia's belief parameter (``--param``; when the name
   is not a parameter of the file, the first ranged parameter whose name mentions lambda, else
   the first ranged one). Analyses per second, and the ratio to the one-at-a-time loop
   (``detente.analyze(conflict, parameters={NAME: value})`` per draw, timed on a subset of the
   same draws in the same run, per draw). Then the answers on a grid across the range: batched
   and one-at-a-time must be identical.
2. **Dask.** A 2-worker ``LocalCluster`` (processes, one thread each) against the same study in
   this process, for growing study sizes: parallel efficiency = T_local / (2 · T_dask), and the
   smallest size at which Dask is faster than staying local.
3. **A 201×201 lever map of the flagship**: ``detente map`` when the command exists, otherwise
   ``study()`` on the 2-D grid of two ranged parameters; every cell of a random subset checked
   against a single analysis.
4. **Throughput against state count**: generated 4-DM conflicts (``conflict_gen``) whose
   preference statements are weighted by parameters (payoff form), from flagship size to 2^16
   candidate states, every weight drawn per sample (so no two samples share their preferences):
   batched samples per second, one-at-a-time per second, ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import detente  # noqa: E402
from detente.analysis.study import Question, study, study_one_at_a_time  # noqa: E402
from detente.model import Conflict, Payoff  # noqa: E402

FLAGSHIP = ROOT / "examples" / "ukraine-ceasefire.yaml"
CONCEPTS = ("nash", "gmr", "smr", "seq")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def ranged(conflict: Conflict) -> list[str]:
    out = []
    for name in conflict.parameters:
        try:
            if conflict.parameter(name).range:
                out.append(name)
        except Exception:  # noqa: BLE001 - older models carry no parameter metadata
            pass
    return out


def pick_parameter(conflict: Conflict, wanted: str | None) -> str:
    """``wanted`` when the model has it (a parameter, or a derived belief, which a sample then
    sets directly), else the first ranged parameter whose name mentions lambda, else the first
    ranged one."""
    if wanted and (wanted in conflict.parameters or wanted in getattr(conflict, "beliefs", {})):
        return wanted
    candidates = ranged(conflict) or list(conflict.parameters)
    lam = [p for p in candidates if "lambda" in p.lower()]
    return (lam or candidates)[0]


def param_range(conflict: Conflict, name: str) -> tuple[float, float]:
    try:
        rng = conflict.parameter(name).range
    except Exception:  # noqa: BLE001
        rng = None
    if rng:
        return float(rng[0]), float(rng[1])
    if name not in conflict.parameters:          # a derived belief without a declared range
        return (0.0, 1.0)
    v = float(conflict.parameters[name])
    return (0.0, 2 * v) if v > 0 else (v - 1, v + 1)


def flagship_questions(conflict: Conflict) -> list[Question]:
    return [Question(c, outcome=o, dm=dm) for c in CONCEPTS for o in conflict.outcomes
            for dm in (None, *conflict.dm_names)]


# -- 1. Monte Carlo --------------------------------------------------------------------------
def bench_montecarlo(samples: int, wanted: str | None, subset: int) -> dict:
    conflict = detente.load(FLAGSHIP)
    name = pick_parameter(conflict, wanted)
    lo, hi = param_range(conflict, name)
    cmd = [sys.executable, "-m", "detente", "montecarlo", str(FLAGSHIP), "--param", f"{name}=uniform:{lo}:{hi}",
           "-n", str(samples), "--format", "json", "--no-progress"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    shares = json.loads(proc.stdout)["shares"]
    # the one-at-a-time loop on the first draws of the same seed
    from detente.analysis.montecarlo import parse_distribution

    draws = parse_distribution(f"uniform:{lo}:{hi}").sample(np.random.default_rng(0), samples)[:subset]
    t, c = time.perf_counter(), time.process_time()
    for v in draws:
        detente.analyze(conflict, parameters={name: float(v)})
    per_one = (time.perf_counter() - t) / subset
    per_one_cpu = (time.process_time() - c) / subset
    # the answers on a grid: batched vs one-at-a-time
    grid = {name: np.linspace(lo, hi, 201)}
    qs = flagship_questions(conflict)
    same = bool(np.array_equal(study(conflict, grid, qs), study_one_at_a_time(conflict, grid, qs)))
    rate = samples / wall
    return {"parameter": name, "range": [lo, hi], "samples": samples, "wall_s": wall, "rate": rate,
            "one_at_a_time_rate": 1 / per_one, "ratio": rate * per_one, "grid_identical": same,
            "answers": len(shares), "cpu_s": cpu, "cpu_rate": samples / cpu,
            "one_at_a_time_cpu_rate": 1 / per_one_cpu, "cpu_ratio": samples / cpu * per_one_cpu}


# -- 2. Dask -----------------------------------------------------------------------------------
def payoff_conflict(n_options: int, seed: int = 7) -> Conflict:
    """The engine benchmark's conflict with each preference statement weighted by a parameter."""
    from conflict_gen import benchmark_conflict, option_counts

    c = benchmark_conflict(option_counts(n_options), seed)
    for i, dm in enumerate(c.decision_makers):
        statements = dm.preference.statements  # type: ignore[union-attr]
        k = len(statements)
        terms = []
        for j, s in enumerate(statements):
            w = f"w{i}_{j}"
            c.parameters[w] = float(2 ** (k - 1 - j))
            terms.append(f"{w} * ({s})")
        dm.preference = Payoff(" + ".join(terms))
    c.outcomes = {"quiet": " and ".join(f"not {o.key}" for o in c.options[:2])}
    return c


def weight_samples(conflict: Conflict, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Every weight times a uniform(0.6, 1.4) draw; one stream per parameter, so the first k
    rows are the same whatever n."""
    return {p: v * np.random.default_rng([seed, i]).uniform(0.6, 1.4, n)
            for i, (p, v) in enumerate(conflict.parameters.items())}


def _process_cpu() -> float:
    import resource as _r

    u = _r.getrusage(_r.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def bench_dask(sizes: list[int], n_options: int) -> dict:
    from distributed import Client, LocalCluster

    conflict = payoff_conflict(n_options)
    qs = [Question(c, outcome="quiet", dm=dm) for c in CONCEPTS for dm in (None, *conflict.dm_names)]
    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        study(conflict, weight_samples(conflict, 8), qs, client=client)          # workers warm
        for n in sizes:
            s = weight_samples(conflict, n, seed=n)
            t, c = time.perf_counter(), time.process_time()
            local = study(conflict, s, qs)
            t_local, c_local = time.perf_counter() - t, time.process_time() - c
            before = client.run(_process_cpu)
            t, c = time.perf_counter(), time.process_time()
            remote = study(conflict, s, qs, client=client)
            t_dask, c_driver = time.perf_counter() - t, time.process_time() - c
            after = client.run(_process_cpu)
            c_workers = sum(after[k] - before[k] for k in after)
            rows.append({"samples": n, "local_s": t_local, "dask_s": t_dask,
                         "efficiency": t_local / (2 * t_dask), "identical": bool(np.array_equal(local, remote)),
                         "local_cpu_s": c_local, "dask_cpu_s": c_workers + c_driver,
                         "cpu_efficiency": c_local / max(c_workers + c_driver, 1e-9)})
    pays = next((r["samples"] for r in rows if r["dask_s"] < r["local_s"]), None)
    return {"n_options": n_options, "states": detente.analyze(conflict, concepts=["nash"]).n_states, "rows": rows,
            "dask_pays_from": pays}


# -- 3. the 201 x 201 map ------------------------------------------------------------------------
def bench_map(side: int, check: int) -> dict:
    conflict = detente.load(FLAGSHIP)
    names = ranged(conflict) or list(conflict.parameters)
    if {"p_restrainers", "deal_x"} <= set(conflict.parameters):      # the flagship's own map example
        x, y = "p_restrainers", "deal_x"
    else:
        x = pick_parameter(conflict, "lambda_r")
        y = next(p for p in names if p != x)
    (xlo, xhi), (ylo, yhi) = param_range(conflict, x), param_range(conflict, y)
    xs, ys = np.linspace(xlo, xhi, side), np.linspace(ylo, yhi, side)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    dms = [d for d in ("russia", "ukraine") if d in conflict.dm_names]
    qs = [Question(c, outcome="ceasefire") for c in CONCEPTS] + [Question("seq", outcome="ceasefire", dm=d)
                                                                 for d in dms]
    import detente.cli as cli

    if hasattr(cli, "load_all"):
        cli.load_all()
    has_map = "map" in getattr(cli, "COMMANDS", {}) or any(
        getattr(cmd, "name", None) == "map" for cmd in cli.app.registered_commands)
    how = "study() on the grid"
    t = time.perf_counter()
    grid = study(conflict, {x: X.ravel(), y: Y.ravel()}, qs)
    wall = time.perf_counter() - t
    cmd_wall = None
    if has_map:
        how = "detente map"
        cmd = [sys.executable, "-m", "detente", "map", str(FLAGSHIP), "--x", f"{x}={xlo}:{xhi}:{side}",
               "--y", f"{y}={ylo}:{yhi}:{side}", "--outcome", "ceasefire", *[a for d in dms for a in ("--dm", d)],
               "--concept", "seq", "--format", "json"]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_env())
        cmd_wall = time.perf_counter() - t if proc.returncode == 0 else None
    rng = np.random.default_rng(1)
    cells = rng.integers(0, side * side, check)
    one = study_one_at_a_time(conflict, {x: X.ravel()[cells], y: Y.ravel()[cells]}, qs)
    return {"x": x, "y": y, "cells": side * side, "study_s": wall, "command_s": cmd_wall, "how": how,
            "checked_cells": int(check), "identical": bool(np.array_equal(grid[cells], one)), "answers": len(qs)}


# -- 4. throughput against state count ---------------------------------------------------------
def bench_scaling(option_sizes: list[int], budget: float) -> list[dict]:
    out = []
    for n_opt in option_sizes:
        conflict = payoff_conflict(n_opt)
        m = detente.analyze(conflict, concepts=["nash"]).n_states
        qs = [Question(c, outcome="quiet") for c in CONCEPTS]
        t = time.perf_counter()
        detente.analyze(conflict, concepts=CONCEPTS)
        one = time.perf_counter() - t
        k = max(2, min(20, int(budget / 4 / max(one, 1e-6))))
        n = max(8, min(20_000, int(budget / max(one, 1e-6))))
        s = weight_samples(conflict, max(n, k), seed=1)
        t, c = time.perf_counter(), time.process_time()
        ref = study_one_at_a_time(conflict, {p: v[:k] for p, v in s.items()}, qs)
        one, one_cpu = (time.perf_counter() - t) / k, (time.process_time() - c) / k
        n = max(256, min(20_000, int(budget / max(one, 1e-6))))
        s = weight_samples(conflict, max(n, k), seed=1)
        t, c = time.perf_counter(), time.process_time()
        got = study(conflict, s, qs)
        batch, batch_cpu = (time.perf_counter() - t) / max(n, k), (time.process_time() - c) / max(n, k)
        out.append({"options": n_opt, "states": m, "samples": n, "batch_rate": 1 / batch, "one_rate": 1 / one,
                    "ratio": one / batch, "cpu_ratio": one_cpu / batch_cpu, "batch_cpu_rate": 1 / batch_cpu,
                    "identical": bool(np.array_equal(got[:k], ref))})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (same checks)")
    ap.add_argument("--samples", type=int, default=None, help="Monte Carlo draws (default 400,000; quick 50,000)")
    ap.add_argument("--param", default="lambda_r", help="Russia's belief parameter (default lambda_r)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["montecarlo", "dask", "map", "scaling"])
    args = ap.parse_args()
    quick = args.quick
    print(f"# bench_batch {'(quick) ' if quick else ''}— {platform.platform()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, numpy {np.__version__}, load {os.getloadavg()[0]:.1f}")
    if "montecarlo" not in args.skip:
        r = bench_montecarlo(args.samples or (50_000 if quick else 400_000), args.param, 100 if quick else 300)
        print(f"\n## Monte Carlo: {r['samples']:,} draws of {r['parameter']} ~ uniform{tuple(r['range'])}, "
              f"whole `detente montecarlo ... --format json` command")
        print(f"wall {r['wall_s']:.2f} s  ->  {r['rate']:,.0f} analyses/s  (one-at-a-time {r['one_at_a_time_rate']:,.0f}/s)")
        print(f"ratio to the one-at-a-time loop: {r['ratio']:,.0f}x   ({r['answers']} watched answers)")
        print(f"by CPU time (user+sys, insensitive to other load): command {r['cpu_s']:.2f} s -> "
              f"{r['cpu_rate']:,.0f} analyses/s, one-at-a-time {r['one_at_a_time_cpu_rate']:,.0f}/s, "
              f"ratio {r['cpu_ratio']:,.0f}x")
        print(f"201-point grid, batched == one-at-a-time: {r['grid_identical']}")
    if "dask" not in args.skip:
        sizes = [500, 2_000, 8_000] if quick else [1_000, 4_000, 16_000, 64_000, 256_000]
        r = bench_dask(sizes, 8)
        print(f"\n## Dask: 2-worker LocalCluster vs this process ({r['n_options']} options, {r['states']} states, "
              "every preference weight drawn per sample)")
        print("samples   local s   dask s   efficiency   local CPU s   dask CPU s (workers+driver)   CPU ratio   identical")
        for row in r["rows"]:
            print(f"{row['samples']:>7,}  {row['local_s']:8.2f}  {row['dask_s']:7.2f}   {row['efficiency']:9.2f}   "
                  f"{row['local_cpu_s']:11.2f}   {row['dask_cpu_s']:26.2f}   {row['cpu_efficiency']:9.2f}   "
                  f"{row['identical']}")
        print("efficiency = local wall / (2 x dask wall); CPU ratio = local CPU / all CPU the Dask run used "
              "(the share of the work that was useful; 1 = no overhead)")
        print(f"Dask faster than local from {r['dask_pays_from']:,} samples" if r["dask_pays_from"]
              else "Dask never faster at these sizes")
    if "map" not in args.skip:
        r = bench_map(201, 100 if quick else 400)
        print(f"\n## 201x201 map of the flagship: {r['x']} x {r['y']} ({r['cells']:,} cells, {r['answers']} answers each)")
        print(f"study() {r['study_s']:.2f} s" + (f";  `detente map` command {r['command_s']:.2f} s"
                                                  if r["command_s"] is not None else "  (no `detente map` command yet)"))
        print(f"{r['checked_cells']} random cells equal to single analyses: {r['identical']}")
    if "scaling" not in args.skip:
        sizes = [5, 8, 10, 12] if quick else [5, 8, 10, 12, 14, 16]
        # (a study of at least CONDENSE_MIN_ROWS samples also condenses GMR/SMR reach on big models)
        print("\n## Throughput against state count (every preference weight drawn per sample)")
        print("options   states   samples   batch/s   one-at-a-time/s   ratio   batch/CPU-s   CPU ratio   identical")
        for r in bench_scaling(sizes, 3.0 if quick else 8.0):
            print(f"{r['options']:>7}  {r['states']:>7,}  {r['samples']:>8,}  {r['batch_rate']:>8,.1f}  "
                  f"{r['one_rate']:>16,.1f}  {r['ratio']:>6.1f}  {r['batch_cpu_rate']:>12,.1f}  {r['cpu_ratio']:>9.1f}  "
                  f"{r['identical']}")


if __name__ == "__main__":
    main()
