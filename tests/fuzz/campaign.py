"""A long fuzz campaign: many generated cases, each in a worker process with a time and memory cap.

Run from the repository root (not part of the test suite)::

    PYTHONPATH=src:tests python -m fuzz.campaign --start 0 --count 20000 --workers 2 --timeout 20

Workers import detente once and run cases one by one; a case that runs past ``--timeout``
seconds is a hang (its worker is killed and replaced), one that hits the address-space cap
(``--memory``, GiB) is a memory blow-up. Prints a summary by outcome and by failure class and
writes every non-passing case to ``--out`` (JSON lines: seed, outcome, stage, error).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import select
import subprocess
import sys
import time


def worker(memory_gib: float) -> None:
    import resource

    limit = int(memory_gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import detente.analysis.briefing
    import detente.cli.validate_cmd  # noqa: F401
    from fuzz.gen import case
    from fuzz.harness import run_case

    for line in sys.stdin:
        seed = int(line)
        try:
            fmt, text = case(seed)
            res = run_case(fmt, text)
        except MemoryError:
            res = {"outcome": "memory", "stage": "?", "error": "MemoryError"}
        except BaseException as exc:  # noqa: BLE001
            res = {"outcome": "crash", "stage": "harness", "error": f"{type(exc).__name__}: {exc}"[:400]}
        res["seed"] = seed
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


class Worker:
    def __init__(self, memory: float):
        env = dict(os.environ)
        self.p = subprocess.Popen([sys.executable, "-m", "fuzz.campaign", "--worker", "--memory", str(memory)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, bufsize=1)
        self.seed: int | None = None
        self.started = 0.0

    def send(self, seed: int) -> None:
        self.seed, self.started = seed, time.monotonic()
        self.p.stdin.write(f"{seed}\n")
        self.p.stdin.flush()

    def kill(self) -> None:
        self.p.kill()
        self.p.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--memory", type=float, default=4.0)
    ap.add_argument("--out", default="fuzz-failures.jsonl")
    ap.add_argument("--seeds-from", help="rerun the seeds listed in a failures file")
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker(args.memory)
        return
    seeds = list(range(args.start, args.start + args.count))
    if args.seeds_from:
        with open(args.seeds_from) as f:
            seeds = [json.loads(line)["seed"] for line in f if line.strip()]
    pending = collections.deque(seeds)
    workers = [Worker(args.memory) for _ in range(args.workers)]
    counts: collections.Counter = collections.Counter()
    classes: collections.Counter = collections.Counter()
    t0 = time.monotonic()
    done = 0
    with open(args.out, "w") as out:
        def record(res: dict) -> None:
            nonlocal done
            done += 1
            counts[res["outcome"]] += 1
            if res["outcome"] not in ("ok", "refused"):
                classes[(res["outcome"], res.get("where") or res.get("error", "")[:80])] += 1
                out.write(json.dumps(res) + "\n")
                out.flush()

        for w in workers:
            if pending:
                w.send(pending.popleft())
        while any(w.seed is not None for w in workers):
            busy = [w for w in workers if w.seed is not None]
            ready, _, _ = select.select([w.p.stdout for w in busy], [], [], 0.5)
            for w in busy:
                if w.p.stdout in ready:
                    line = w.p.stdout.readline()
                    if not line:  # died (e.g. killed by the OS)
                        record({"seed": w.seed, "outcome": "died", "stage": "?", "error": "worker died"})
                        w.kill()
                        w.__init__(args.memory)  # type: ignore[misc]
                    else:
                        record(json.loads(line))
                    w.seed = None
                elif time.monotonic() - w.started > args.timeout:
                    record({"seed": w.seed, "outcome": "hang", "stage": "?", "error": f"over {args.timeout} s"})
                    w.kill()
                    w.__init__(args.memory)  # type: ignore[misc]
                    w.seed = None
                if w.seed is None and pending:
                    w.send(pending.popleft())
            if done and done % 1000 == 0:
                print(f"{done} cases, {time.monotonic() - t0:.0f} s: {dict(counts)}", file=sys.stderr, flush=True)
    for w in workers:
        w.kill()
    print(f"{done} cases in {time.monotonic() - t0:.0f} s: {dict(counts)}")
    for (outcome, where), k in classes.most_common():
        print(f"{k:6d}  {outcome:9s} {where}")


if __name__ == "__main__":
    main()
