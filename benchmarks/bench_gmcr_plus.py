"""Side by side with GMCR+ (its solver, gmcr-py, run from a local copy you provide).

    python benchmarks/bench_gmcr_plus.py --gmcr-py /path/to/gmcr-py [--options 12]

The benchmark conflict (``conflict_gen``, 4 DMs) is written as a GMCR+ ``.gmcr`` file by
detente's exporter; GMCR+'s ``LogicalSolver`` loads it and computes all six concepts
(``findEquilibria``: Nash, GMR, SEQ, SIM, SEQ-SIM, SMR for every DM and state), and detente
analyses the same file with the same six concepts (both after loading, best of ``--repeat``,
interleaved). gmcr-py is not part of detente and is not included; point ``--gmcr-py`` at a
checkout of https://github.com/onp/gmcr-py. Note that GMCR+ defines SEQ-SIM as SIM and SEQ
together, detente as simultaneous sanctions restricted to unilateral improvements.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from conflict_gen import benchmark_conflict, option_counts  # noqa: E402

import detente  # noqa: E402
from detente.io import dump_gmcr  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="detente vs GMCR+ on the benchmark conflict")
    ap.add_argument("--gmcr-py", type=Path, required=True, help="a local checkout of gmcr-py")
    ap.add_argument("--options", type=int, default=12, help="options (2^N candidate states)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.gmcr_py))
    cwd = os.getcwd()
    os.chdir(args.gmcr_py)            # gmcr-py reads its version file relative to its folder
    import data_01_conflictModel as gm_model  # noqa: PLC0415 - third-party, from the given path
    import data_02_conflictSolvers as gm_solvers  # noqa: PLC0415
    os.chdir(cwd)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.gmcr"
        dump_gmcr(benchmark_conflict(option_counts(args.options)), path)
        data = json.loads(path.read_text())
        conflict = detente.load(path)
    concepts = ["nash", "gmr", "smr", "seq", "sim", "seqsim"]
    t_gm = t_dt = float("inf")
    for _ in range(args.repeat):
        gm = gm_model.ConflictModel()
        gm.json_import(data)
        t0 = time.perf_counter()
        solver = gm_solvers.LogicalSolver(gm)
        solver.findEquilibria()
        t_gm = min(t_gm, time.perf_counter() - t0)
        t0 = time.perf_counter()
        res = detente.analyze(conflict, concepts=concepts)
        t_dt = min(t_dt, time.perf_counter() - t0)
    m = res.n_states
    gm_eq = {c: int(v.sum()) for c, v in zip(["nash", "gmr", "seq", "sim", "seqsim_gmcr", "smr"], solver.allEquilibria)}
    print(f"{m:,} states, 6 concepts: GMCR+ {t_gm:.2f} s, detente {t_dt:.3f} s: detente {t_gm / t_dt:.0f}x faster")
    print("equilibria: GMCR+", gm_eq, " detente", {c: len(v) for c, v in res.equilibria.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
