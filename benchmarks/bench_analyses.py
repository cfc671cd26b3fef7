"""Every analysis against the per-bit floor, measured in one run: the claims of issue 11.

Run from the repository root::

    python benchmarks/bench_analyses.py            # full run, writes benchmarks/results-analyses.md
    python benchmarks/bench_analyses.py --quick    # fewer sizes and repetitions, prints only
    python benchmarks/bench_analyses.py --command-line   # only the command-line rows (rewrites that section)
    python benchmarks/bench_analyses.py --only evolution --only inverse   # those columns only

What is measured (see benchmarks/README.md):

- **the floor**: the per-bit subset sweep. For every DM j and every state s, the max of u_j over
  {s} ∪ R_j(s), computed on j's (2^k × blocks) table by k in-place passes, one per option of j
  (each pass combines the two halves of one bit, respecting irreversible directions). It reads
  every state once per option of each DM, which no analysis can avoid; its block tables are
  built here, independently of the engine, untimed.
- on the benchmark conflict (4 DMs, option form, built by ``conflict_gen``) at 2^16 candidate
  states: SIM + SEQ-SIM for every DM; coalition stability for all coalitions (Nash, GMR, SMR,
  SEQ); coalitional evolution and evolution by unilateral moves from state 1; inverse GMR, SMR
  and SEQ of state 1 (all DMs free); evolution by moves also at 2^18 candidates. Each ratio
  is (analysis time) / (floor time), both measured in this run, start-up excluded. An analysis
  still running after ``--limit`` seconds is stopped and reported as "> limit";
- ``detente analyze FILE -f json`` at 2^20 candidate states against the in-process
  ``detente.load`` + ``detente.analyze`` of the same file (both as fresh processes, so both
  include the interpreter's start; best of 3);
- a small analysis from the shell (``detente analyze examples/prisoners-dilemma.yaml``) against
  ``python -c pass`` (best of 9 each, interleaved);
- the scaling curve of every analysis: 2^10 ... 2^16 candidate states with 4 DMs, and 4, 5, 6
  DMs at 2^15.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from conflict_gen import benchmark_conflict, option_counts  # noqa: E402

from detente.analysis.coalitions import coalition_stability, merged_analysis  # noqa: E402
from detente.analysis.compile import compile_conflict  # noqa: E402
from detente.analysis.evolution import evolve  # noqa: E402
from detente.analysis.inverse import inverse  # noqa: E402
from detente.engine.stability import stability  # noqa: E402
from detente.errors import DetenteError  # noqa: E402

TARGET = 1000.0
AIM = 100.0


class PerBitFloor:
    """Max of u_j over {s} ∪ R_j(s) for every DM j and state s, by one pass per option bit."""

    def __init__(self, codes: np.ndarray, dm_bits: list[list[int]], modes: list[str]):
        self.m = int(codes.size)
        self.tables = []
        for bits in dm_bits:
            K = 1 << len(bits)
            local = np.zeros(self.m, dtype=np.int64)
            mask = 0
            for p, bit in enumerate(bits):
                local |= ((codes >> bit) & 1) << p
                mask |= 1 << bit
            _, block = np.unique(codes & ~np.int64(mask), return_inverse=True)
            block = block.reshape(-1)
            B = int(block.max()) + 1
            table = np.full((K, B), self.m, dtype=np.intp)
            table[local, block] = np.arange(self.m)
            self.tables.append((table, local * B + block, [modes[b] for b in bits]))

    def run(self, levels: np.ndarray) -> list[np.ndarray]:
        out = []
        for j, (table, pos, modes) in enumerate(self.tables):
            lv = levels[j]
            dt = np.int8 if lv.max() < 127 else np.int16 if lv.max() < 32767 else np.int32
            ext = np.empty(self.m + 1, dtype=dt)
            ext[:-1] = lv
            ext[-1] = np.iinfo(dt).min
            F = ext[table]
            K = F.shape[0]
            for p, mode in enumerate(modes):
                v = F.reshape(K >> (p + 1), 2, -1)
                lo, hi = v[:, 0, :], v[:, 1, :]
                if mode == "both":
                    np.maximum(lo, hi, out=lo)
                    np.copyto(hi, lo)
                elif mode == "forward":
                    np.maximum(lo, hi, out=lo)
                else:
                    np.maximum(hi, lo, out=hi)
            out.append(F.reshape(-1)[pos])
        return out


class Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - timing helper
    raise Timeout()


def timed(fn, limit: float) -> float:
    """Wall seconds of one call, or inf if it is still running after ``limit`` seconds."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    t0 = time.perf_counter()
    try:
        fn()
        return time.perf_counter() - t0
    except Timeout:
        return float("inf")
    except DetenteError:           # e.g. a size limit: reported as "refused"
        return float("nan")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def floor_time(floor: PerBitFloor, levels: np.ndarray, n: int = 15) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        floor.run(levels)
        best = min(best, time.perf_counter() - t0)
    return best


def analyses(compiled) -> dict:
    """The measured analyses: name -> callable on the compiled conflict."""
    game = compiled.game
    return {
        "core (Nash, GMR, SMR, SEQ)": lambda: stability(game, ("nash", "gmr", "smr", "seq")),
        "SIM + SEQ-SIM": lambda: stability(game, ("sim", "seqsim")),
        "all coalitions (Nash, GMR, SMR, SEQ)": lambda: coalition_stability(compiled),
        "merged DMs, two pairs (Nash, GMR, SMR, SEQ)": lambda: merged_analysis(compiled, structure=[[0, 1], [2, 3]]),
        "coalitional evolution from state 1": lambda: evolve(compiled, status_quo=1, modes=["coalitional"], concepts=["nash"]),
        "evolution by moves from state 1": lambda: evolve(compiled, status_quo=1, modes=["moves"], concepts=["nash"]),
        "inverse GMR of state 1": lambda: inverse(compiled, state=1, concept="gmr"),
        "inverse SMR of state 1": lambda: inverse(compiled, state=1, concept="smr"),
        "inverse SEQ of state 1": lambda: inverse(compiled, state=1, concept="seq"),
    }


def measure(counts: list[int], repeat: int, limit: float, skip: set[str], only: list[str] | None = None) -> dict:
    conflict = benchmark_conflict(counts)
    compiled = compile_conflict(conflict)
    game = compiled.game
    floor = PerBitFloor(compiled.space.codes, game.dm_bits, [o.reversibility for o in conflict.options])
    check = floor.run(game.levels)
    nash = stability(game, ("nash",))["nash"]
    for j in range(game.n_dms):   # the floor computes what the Nash test compares against
        assert np.array_equal(np.maximum(check[j], game.levels[j]) <= game.levels[j], nash[j])
    row = {"options": sum(counts), "dms": len(counts), "states": game.n_states, "times": {}, "floor": float("inf")}
    for name, fn in analyses(compiled).items():
        if only and not any(o.lower() in name.lower() for o in only):
            continue
        if name in skip:
            row["times"][name] = None
            continue
        best = float("inf")
        for _ in range(repeat):
            gc.collect()
            t = timed(fn, limit)
            row["floor"] = min(row["floor"], floor_time(floor, game.levels))   # side by side
            best = t if t != t else min(best, t)
            if t == float("inf") or t != t:
                break
        row["times"][name] = best
        if best == float("inf") or best != best:
            skip.add(name)          # larger sizes would only be slower (or refused too)
    return row


LARGE_MOVES = "evolution by moves from state 1"


def measure_large_moves(n_options: int, repeat: int, limit: float) -> dict:
    """Evolution by unilateral moves from state 1 on the benchmark conflict with 2^n candidates."""
    conflict = benchmark_conflict(option_counts(n_options))
    compiled = compile_conflict(conflict)
    game = compiled.game
    floor = PerBitFloor(compiled.space.codes, game.dm_bits, [o.reversibility for o in conflict.options])
    best, fl = float("inf"), float("inf")
    reached = 0
    for _ in range(repeat):
        gc.collect()
        t = timed(lambda: evolve(compiled, status_quo=1, modes=["moves"], concepts=["nash"]), limit)
        fl = min(fl, floor_time(floor, game.levels))
        best = min(best, t)
        if t == float("inf"):
            break
    if best != float("inf"):
        reached = len(evolve(compiled, status_quo=1, modes=["moves"], concepts=["nash"]).reached["moves"])
    return {"states": game.n_states, "time": best, "floor": fl, "reached": reached}


def _fresh(cmd: list[str], n: int, cpu: bool = False) -> float:
    """Best wall time (or CPU time of the child, user + system) of ``n`` fresh runs of ``cmd``."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    # an installed package has its bytecode (pip compiles it); without this a shell that sets
    # PYTHONDONTWRITEBYTECODE would time the compiling of every detente module on every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    best = float("inf")
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best = min(best, used if cpu else wall)
    return best


def cli_json_ratio(n_options: int, repeat: int) -> dict:
    from detente.io import dump_scenario

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench{n_options}.yaml"
        dump_scenario(benchmark_conflict(option_counts(n_options)), path)
        api = [sys.executable, "-c", "import sys, detente; detente.analyze(detente.load(sys.argv[1]))", str(path)]
        cli = [sys.executable, "-m", "detente", "analyze", str(path), "-f", "json"]
        t_api = t_cli = float("inf")
        for _ in range(repeat):      # interleaved, so both see the same machine
            t_api = min(t_api, _fresh(api, 1))
            t_cli = min(t_cli, _fresh(cli, 1))
    return {"options": n_options, "api": t_api, "cli": t_cli}


SMALL = "examples/prisoners-dilemma.yaml"


def startup_ratio(repeat: int) -> dict:
    """``detente analyze SMALL`` from the shell, the same load + analyze through the API in a fresh
    process, and ``python -c pass``: best of ``repeat`` each, interleaved (wall and CPU time)."""
    small = [sys.executable, "-m", "detente", "analyze", SMALL]
    api = [sys.executable, "-c", "import sys, detente; print(detente.analyze(detente.load(sys.argv[1])).equilibria)",
           SMALL]
    empty = [sys.executable, "-c", "pass"]
    numpy_only = [sys.executable, "-c", "import numpy"]
    _fresh(small, 1)                 # first run builds caches (bytecode, parser tables, expression trees)
    t_pass = t_small = c_pass = c_small = t_api = c_api = t_np = c_np = float("inf")
    for _ in range(repeat):
        t_pass = min(t_pass, _fresh(empty, 1))
        t_small = min(t_small, _fresh(small, 1))
        t_api = min(t_api, _fresh(api, 1))
        c_pass = min(c_pass, _fresh(empty, 1, cpu=True))
        c_small = min(c_small, _fresh(small, 1, cpu=True))
        c_api = min(c_api, _fresh(api, 1, cpu=True))
        t_np = min(t_np, _fresh(numpy_only, 1))
        c_np = min(c_np, _fresh(numpy_only, 1, cpu=True))
    return {"pass": t_pass, "small": t_small, "api": t_api, "cpu_pass": c_pass, "cpu_small": c_small,
            "cpu_api": c_api, "numpy": t_np, "cpu_numpy": c_np}


def command_line_rows(cli: dict, st: dict) -> list[str]:
    """The "Command line" table of the results file."""
    return [
        "| measure | time | reference | ratio | target |",
        "|---|---|---|---|---|",
        f"| `detente analyze FILE -f json`, 2^20 candidate states | {cli['cli']:.2f} s | "
        f"`detente.load` + `detente.analyze` in a fresh process: {cli['api']:.2f} s | **{cli['cli'] / cli['api']:.2f}** "
        "| ≤ 2 |",
        f"| `detente analyze {SMALL}` | {st['small'] * 1e3:.0f} ms | "
        f"`python -c pass`: {st['pass'] * 1e3:.0f} ms | **{st['small'] / st['pass']:.1f}** | ≤ 20 (aim 10) |",
        f"| same, in CPU time of the process (less sensitive to other load) | {st['cpu_small'] * 1e3:.0f} ms | "
        f"{st['cpu_pass'] * 1e3:.0f} ms | {st['cpu_small'] / st['cpu_pass']:.1f} | |",
        f"| the same load + analyze through the API in a fresh process (`import detente`, no CLI) | "
        f"{st['api'] * 1e3:.0f} ms (CPU {st['cpu_api'] * 1e3:.0f} ms) | `python -c pass` | "
        f"{st['api'] / st['pass']:.1f} (CPU {st['cpu_api'] / st['cpu_pass']:.1f}) | |",
        f"| `python -c \"import numpy\"` alone (its BLAS thread pool adds CPU time on other threads) | "
        f"{st['numpy'] * 1e3:.0f} ms (CPU {st['cpu_numpy'] * 1e3:.0f} ms) | `python -c pass` | "
        f"{st['numpy'] / st['pass']:.1f} (CPU {st['cpu_numpy'] / st['cpu_pass']:.1f}) | |",
    ]


def print_startup(st: dict) -> None:
    print(f"start-up: {st['small'] * 1e3:.0f} ms vs python -c pass {st['pass'] * 1e3:.0f} ms: "
          f"{st['small'] / st['pass']:.1f}x (CPU time {st['cpu_small'] / st['cpu_pass']:.1f}x); "
          f"API load + analyze {st['api'] * 1e3:.0f} ms: {st['api'] / st['pass']:.1f}x "
          f"(CPU {st['cpu_api'] / st['cpu_pass']:.1f}x)")


def command_line_only(args) -> int:
    """``--command-line``: measure only the command-line rows and rewrite that section of the
    results file (the rest of it is left as the last full run wrote it)."""
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load_avg()
    cli = cli_json_ratio(20, 1 if args.quick else 3)
    print(f"CLI json at 2^20: {cli['cli']:.2f} s vs load+analyze {cli['api']:.2f} s: {cli['cli'] / cli['api']:.2f}x")
    st = startup_ratio(3 if args.quick else 9)
    print_startup(st)
    output = args.output or (None if args.quick else HERE / "results-analyses.md")
    if output is None or not output.exists():
        return 0
    text = output.read_text(encoding="utf-8")
    start = text.index("## Command line")
    end = text.find("\n## ", start + 3)
    end = len(text) if end < 0 else end + 1
    section = ["## Command line", "",
               f"Measured by `python benchmarks/bench_analyses.py --command-line` (this section only), run started "
               f"{started}; load average before {load_before}, after {load_avg()}; best of "
               f"{1 if args.quick else 3} (JSON) and {3 if args.quick else 9} (start-up), interleaved.", "",
               *command_line_rows(cli, st), ""]
    output.write_text(text[:start] + "\n".join(section) + "\n" + text[end:], encoding="utf-8")
    print(f"wrote the command-line section of {output}")
    return 0


def fmt_t(t) -> str:
    if t is None:
        return "skipped"
    if t == float("inf"):
        return "> limit"
    if t != t:
        return "refused"
    return f"{t * 1000:.1f} ms" if t < 10 else f"{t:.1f} s"


def fmt_r(t, floor) -> str:
    if t is None:
        return "-"
    if t == float("inf"):
        return "> limit"
    if t != t:
        return "refused"
    return f"{t / floor:.0f}"


def cell(t, floor) -> str:
    if t is None or t != t or t == float("inf"):
        return fmt_t(t)
    return f"{fmt_t(t)} ({t / floor:.0f}×)"


def load_avg() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds before an analysis is stopped")
    ap.add_argument("--output", type=Path, default=None)
    ap.add_argument("--only", action="append", default=None, metavar="TEXT",
                    help="measure only the analyses whose name contains TEXT (repeatable); skips the "
                         "command-line rows and writes no file unless --output is given")
    ap.add_argument("--command-line", action="store_true",
                    help="measure only the command-line rows (JSON output at 2^20 states, start-up) and rewrite "
                         "that section of the results file")
    args = ap.parse_args(argv)
    if args.command_line:
        return command_line_only(args)
    repeat = 1 if args.quick else 3
    output = args.output or (None if args.quick or args.only else HERE / "results-analyses.md")
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load_avg()

    # the main case first: 2^16 candidate states, 4 DMs
    main_row = measure(option_counts(16), repeat, args.limit, set(), args.only)
    print(f"2^16: {main_row['states']:,} states, floor {main_row['floor'] * 1e3:.3f} ms")
    for name, t in main_row["times"].items():
        print(f"  {name:40s} {fmt_t(t):>12s}  ratio {fmt_r(t, main_row['floor'])}")
    large = None
    if not args.only or any(o.lower() in LARGE_MOVES for o in args.only):
        large = measure_large_moves(18, repeat, args.limit)
        print(f"{LARGE_MOVES} at 2^18: {large['states']:,} states, {fmt_t(large['time'])}, "
              f"ratio {fmt_r(large['time'], large['floor'])}")
    if args.only:
        cli = st = None
    else:
        cli = cli_json_ratio(20, 1 if args.quick else 3)
        print(f"CLI json at 2^20: {cli['cli']:.2f} s vs load+analyze {cli['api']:.2f} s: {cli['cli'] / cli['api']:.2f}x")
        st = startup_ratio(3 if args.quick else 9)
        print_startup(st)

    curve = []
    skip: set[str] = set()
    sizes = (10, 12, 14) if args.quick else (10, 12, 14, 16)
    for n in sizes:
        row = main_row if n == 16 else measure(option_counts(n), 1, args.limit, skip, args.only)
        curve.append(row)
        print(f"  2^{n}: " + ", ".join(f"{k.split(' (')[0]} {fmt_r(v, row['floor'])}" for k, v in row["times"].items()))
    dm_curve = []
    skip = set()
    for d in ((4, 5) if args.quick else (4, 5, 6)):
        row = measure(option_counts(15, d), 1, args.limit, skip, args.only)
        dm_curve.append(row)
        print(f"  {d} DMs: " + ", ".join(f"{k.split(' (')[0]} {fmt_r(v, row['floor'])}" for k, v in row["times"].items()))

    if output:
        names = list(main_row["times"])
        lines = [
            "# Every analysis against the per-bit floor",
            "",
            "Written by `python benchmarks/bench_analyses.py` (see `benchmarks/README.md`). Ratios are",
            "(analysis time) / (floor time), both measured in this run; start-up excluded except where said.",
            "",
            f"- run started {started}; load average before {load_before}, after {load_avg()} "
            f"(1, 5, 15 min) on {os.cpu_count()} cores"
            f"{'' if os.getloadavg()[0] < 1.5 else ' shared with other work, so absolute times are inflated'}; "
            "the floor is timed right after each analysis, so the ratios see the same machine",
            f"- Python {sys.version.split()[0]}, numpy {np.__version__}; best of {repeat} for the main case, "
            f"analyses stopped after {args.limit:.0f} s",
            "",
            f"## Main case: 4 DMs, 16 options, {main_row['states']:,} feasible states",
            "",
            f"Floor (per-bit subset sweep, every DM): {main_row['floor'] * 1e3:.3f} ms.",
            "",
            f"| analysis | time | / floor | ≤ {TARGET:.0f}× | ≤ {AIM:.0f}× (aim) |",
            "|---|---|---|---|---|",
        ]
        for name in names:
            t = main_row["times"][name]
            r = None if t is None or t != t or t == float("inf") else t / main_row["floor"]
            lines.append(f"| {name} | {fmt_t(t)} | {fmt_r(t, main_row['floor'])} | "
                         f"{'yes' if r is not None and r <= TARGET else 'NO'} | "
                         f"{'yes' if r is not None and r <= AIM else 'no'} |")
        if large is not None:
            lines += ["", f"## Evolution by unilateral moves at {large['states']:,} states (2^18 candidates, 4 DMs)", "",
                      f"Evolution from state 1, every DM moving (mode `moves`): {fmt_t(large['time'])}, "
                      f"{fmt_r(large['time'], large['floor'])}× the floor ({large['floor'] * 1e3:.3f} ms) of that size; "
                      f"{large['reached']:,} states reached."]
        if cli is not None and st is not None:
            lines += ["", "## Command line", "", *command_line_rows(cli, st)]
        lines += [
            "",
            "## Scaling curve: states (4 DMs)",
            "",
            "| options | states | floor ms | " + " | ".join(names) + " |",
            "|---|---|---|" + "---|" * len(names),
        ]
        for row in curve:
            lines.append(f"| {row['options']} | {row['states']:,} | {row['floor'] * 1e3:.3f} | "
                         + " | ".join(cell(row['times'][k], row['floor']) for k in names) + " |")
        lines += ["", "## Scaling curve: decision makers (15 options)", "",
                  "| DMs | states | floor ms | " + " | ".join(names) + " |",
                  "|---|---|---|" + "---|" * len(names)]
        for row in dm_curve:
            lines.append(f"| {row['dms']} | {row['states']:,} | {row['floor'] * 1e3:.3f} | "
                         + " | ".join(cell(row['times'][k], row['floor']) for k in names) + " |")
        lines += ["", "Cells read: time (ratio to the floor of that size). \"> limit\": stopped after the "
                  "time limit; larger sizes are then skipped.", ""]
        output.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
