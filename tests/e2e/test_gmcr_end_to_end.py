"""End to end: GMCR+ ``.gmcr`` files through ``detente analyze FILE --format json``.

This is the check an outside reviewer would run: write GMCR+ save files (random ones, the
documented Prisoner's Dilemma and the Elmira sample), run the command line on them, and
compare every reported stability verdict with a brute force written straight from the
definitions in the project's graph-model reference (GMCR+ option reordering and state
numbering, prioritization weights 2^(k-1-j), manual rankings with ties, unilateral moves
with permitted directions, coalition reachability by the Omega rules, Nash/GMR/SMR/SEQ).

The checker below deliberately imports nothing of detente's model, engine, reference or io
code: only the command line (as a subprocess, and in-process through typer's test runner).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app

ROOT = Path(__file__).resolve().parents[2]
ELMIRA = ROOT / "examples" / "elmira.gmcr"
CONCEPTS = ("nash", "gmr", "smr", "seq")
SEED = 20240611
N_SUBPROCESS = 40
N_IN_PROCESS = 300
MAX_LISTED_STATES = 200          # `analyze` lists every state up to this many by default

# The Prisoner's Dilemma exactly as written in the reference text.
PD_GMCR = """\
{"options": [{"name": "Cooperate with 2", "permittedDirection": "both"},
             {"name": "Cooperate with One", "permittedDirection": "both"}],
 "decisionMakers": [
   {"name": "Prisoner One", "options": [0], "preferences": [[[1, "Y"]], [[0, "N"]]]},
   {"name": "prisoner 2", "options": [1], "preferences": [[[0, "Y"]], [[1, "N"]]]}],
 "infeasibles": [], "useManualPreferenceVectors": false, "program": "gmcr-py"}
"""


# ------------------------------------------------------------------------------------------------
# Independent brute force, straight from the definitions
# ------------------------------------------------------------------------------------------------
class Brute:
    """Everything `analyze` reports, recomputed from a parsed .gmcr dictionary."""

    def __init__(self, data: dict):
        options = data["options"]
        dms = data["decisionMakers"]
        n = len(options)
        # GMCR+ reordering: DMs in order, each DM's options in the order of its index list.
        order = [k for dm in dms for k in dm["options"]]
        assert sorted(order) == list(range(n))
        self.bit = {k: pos for pos, k in enumerate(order)}
        self.owner_bits = [[self.bit[k] for k in dm["options"]] for dm in dms]
        self.direction = {self.bit[k]: options[k].get("permittedDirection", "both") for k in range(n)}
        self.n_dms = len(dms)

        infeasible = data.get("infeasibles", [])
        self.codes = [c for c in range(1 << n) if not any(self.holds(cond, c) for cond in infeasible)]
        self.m = len(self.codes)
        index = {c: t for t, c in enumerate(self.codes)}

        if "useManualPreferenceRanking" in data:
            manual = data["useManualPreferenceRanking"]
        else:
            manual = data.get("useManualPreferenceVectors", False)
        self.levels = []
        for dm in dms:
            if manual:
                ranking = dm.get("preferenceRanking", dm.get("preferenceVector"))
                lv = [None] * self.m
                for g, entry in enumerate(ranking):
                    for s in entry if isinstance(entry, list) else [entry]:
                        lv[s - 1] = len(ranking) - g            # best first: higher = better
                assert None not in lv
            else:
                stmts = dm.get("preferences", [])
                k = len(stmts)
                lv = [sum(2 ** (k - 1 - j) for j, st in enumerate(stmts) if self.holds(st, c)) for c in self.codes]
            self.levels.append(lv)

        # R_i(s): other DMs' bits fixed, q != s feasible, every changed bit in a permitted direction.
        self.moves = []
        for i in range(self.n_dms):
            mine = 0
            for b in self.owner_bits[i]:
                mine |= 1 << b
            per_state = []
            for c in self.codes:
                targets = []
                for q in self.codes:
                    if q == c or (q & ~mine) != (c & ~mine):
                        continue
                    ok = True
                    for b in self.owner_bits[i]:
                        before, after = c >> b & 1, q >> b & 1
                        if before == after:
                            continue
                        d = self.direction[b]
                        if (d == "fwd" and after == 0) or (d == "back" and after == 1):
                            ok = False
                            break
                    if ok:
                        targets.append(index[q])
                per_state.append(targets)
            self.moves.append(per_state)
        self.improve = [[[q for q in self.moves[i][s] if self.levels[i][q] > self.levels[i][s]]
                         for s in range(self.m)] for i in range(self.n_dms)]
        self._reach_cache: dict = {}

    def holds(self, cond, code: int) -> bool:
        """A condition (AND of literals) or a compound one (OR of conditions) at a decimal code."""
        if isinstance(cond, dict):
            return any(self.holds(member, code) for member in cond["members"])
        return all((code >> self.bit[k] & 1) == (yn == "Y") for k, yn in cond)

    def reach(self, members: tuple[int, ...], s: int, improving: bool) -> set[int]:
        """R_H(s) (or R_H^+(s)) by the two Omega rules, applied until nothing changes."""
        key = (members, s, improving)
        if key in self._reach_cache:
            return self._reach_cache[key]
        arcs = self.improve if improving else self.moves
        omega: dict[int, set[int]] = {}
        todo = []
        for j in members:                                   # rule 1
            for q in arcs[j][s]:
                omega.setdefault(q, set()).add(j)
                todo.append(q)
        while todo:                                         # rule 2
            q = todo.pop()
            last = omega[q]
            for j in members:
                if last == {j}:
                    continue
                for q2 in arcs[j][q]:
                    got = omega.setdefault(q2, set())
                    if j not in got:
                        got.add(j)
                        todo.append(q2)
        out = set(omega)
        self._reach_cache[key] = out
        return out

    def stable(self, concept: str, i: int, s: int) -> bool:
        u = self.levels[i]
        others = tuple(j for j in range(self.n_dms) if j != i)
        for s1 in self.improve[i][s]:
            if concept == "nash":
                return False
            if concept == "gmr":
                ok = any(u[s2] <= u[s] for s2 in self.reach(others, s1, False))
            elif concept == "smr":
                ok = any(u[s2] <= u[s] and all(u[s3] <= u[s] for s3 in self.moves[i][s2])
                         for s2 in self.reach(others, s1, False))
            elif concept == "seq":
                ok = any(u[s2] <= u[s] for s2 in self.reach(others, s1, True))
            else:
                raise ValueError(concept)
            if not ok:
                return False
        return True

    def table(self) -> dict[str, list[list[int]]]:
        """{concept: per DM, the sorted 1-based states stable for that DM}."""
        return {c: [[s + 1 for s in range(self.m) if self.stable(c, i, s)] for i in range(self.n_dms)]
                for c in CONCEPTS}


# ------------------------------------------------------------------------------------------------
# Random GMCR+ files
# ------------------------------------------------------------------------------------------------
NAME_POOL = ["Prisoner One", "prisoner 2", "Local Government", "MoE", "Ünion", "and", "3rd party",
             "A-b", "Dm", "DM", "x", "Government of Z", "Uniroyal", "not"]
OPTION_POOL = ["Cooperate", "Cooperate with 2", "Modify", "Delay", "Accept", "Abandon", "Insist",
               "Escalate!", "or", "if", "Y", "option 1", "Stop", "Go"]


def _literals(rng: random.Random, n: int, size: int) -> list:
    ks = rng.sample(range(n), min(size, n))
    lits = [[k, rng.choice("YN")] for k in ks]
    if rng.random() < 0.05:                                 # a repeated literal is harmless
        lits.append(list(lits[0]))
    return lits


def _condition(rng: random.Random, n: int, max_size: int = 3):
    if rng.random() < 0.3:
        return {"compound": True,
                "members": [_literals(rng, n, rng.randint(1, max_size)) for _ in range(rng.randint(1, 3))]}
    return _literals(rng, n, rng.randint(1, max_size))


def _ranking(rng: random.Random, m: int) -> list:
    states = list(range(1, m + 1))
    rng.shuffle(states)
    out: list = []
    t = 0
    while t < m:
        size = 1 if rng.random() < 0.6 else rng.randint(2, 4)
        group = states[t:t + size]
        t += size
        out.append(group if len(group) > 1 or rng.random() < 0.1 else group[0])
    return out


def _feasible_count(options: list, dms: list, infeasibles: list) -> int:
    probe = {"options": options, "decisionMakers": dms, "infeasibles": infeasibles}
    order = [k for dm in dms for k in dm["options"]]
    bit = {k: pos for pos, k in enumerate(order)}

    def holds(cond, c):
        if isinstance(cond, dict):
            return any(holds(mm, c) for mm in cond["members"])
        return all((c >> bit[k] & 1) == (yn == "Y") for k, yn in cond)

    return sum(1 for c in range(1 << len(probe["options"])) if not any(holds(x, c) for x in infeasibles))


def random_gmcr(rng: random.Random) -> dict:
    """A random GMCR+ save file: options listed in an order unrelated to ownership."""
    while True:
        n_dms = rng.randint(2, 5)
        counts = [rng.randint(1, 3) for _ in range(n_dms)]
        if sum(counts) <= 8:
            break
    n = sum(counts)
    file_order = list(range(n))
    rng.shuffle(file_order)                              # file index of each owned slot
    dms = []
    t = 0
    for d, c in enumerate(counts):
        own = file_order[t:t + c]
        t += c
        rng.shuffle(own)
        dms.append({"name": rng.choice(NAME_POOL), "options": own})
    options = [{"name": rng.choice(OPTION_POOL),
                "permittedDirection": rng.choices(["both", "fwd", "back"], [3, 1, 1])[0]} for _ in range(n)]
    while True:
        infeasibles = [_condition(rng, n, 3) for _ in range(rng.randint(0, 3))]
        m = _feasible_count(options, dms, infeasibles)
        if m >= 1:
            break
    style = rng.choice(["prioritization", "prioritization", "ranking", "vector"])
    for dm in dms:
        dm["preferences"] = [_condition(rng, n) for _ in range(rng.randint(0, 4))]
        if style == "ranking":
            dm["preferenceRanking"] = _ranking(rng, m)
        elif style == "vector":
            dm["preferenceVector"] = _ranking(rng, m)
        elif rng.random() < 0.2:                         # present but unused (manual flag off)
            dm["preferenceRanking"] = _ranking(rng, m)
    data = {"options": options, "decisionMakers": dms, "infeasibles": infeasibles}
    if style == "vector":
        data["useManualPreferenceVectors"] = True
    elif style == "ranking" or rng.random() < 0.5:
        data["useManualPreferenceRanking"] = style == "ranking"
    else:
        data["useManualPreferenceVectors"] = False
    if rng.random() < 0.3:
        data["coalitions"] = list(range(n_dms))          # GMCR+ writes every DM on its own
    data["program"] = "gmcr-py"
    if rng.random() < 0.5:
        data["version"] = "0.3.12"
    return data


def _cases(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [random_gmcr(rng) for _ in range(count)]


# ------------------------------------------------------------------------------------------------
# Comparing the command's JSON with the brute force
# ------------------------------------------------------------------------------------------------
def check_report(report: dict, data: dict, label: str) -> None:
    brute = Brute(data)
    table = brute.table()
    names = report["decision_makers"]
    assert len(names) == len(data["decisionMakers"]), label
    written = [dm["name"] for dm in data["decisionMakers"]]
    if len({w.lower() for w in written}) == len(written):
        assert names == written, f"{label}: decision makers keep their names as written"
    else:                                                # a repeated name is numbered: "DM (2)"
        assert all(n == w or n.startswith(f"{w} (") for n, w in zip(names, written)), label
    file_options = [o["name"] for o in data["options"]]
    got_options = {o["name"] for o in report["options"]}
    assert {o for o in file_options if file_options.count(o) == 1} <= got_options, \
        f"{label}: options keep their names as written"
    assert report["n_states"] == brute.m, label

    for concept in CONCEPTS:
        expected_eq = [s for s in range(1, brute.m + 1) if all(s in per_dm for per_dm in table[concept])]
        assert sorted(report["equilibria"][concept]) == expected_eq, f"{label}: {concept} equilibria"
        got = report["stability"][concept]
        assert set(got) == set(names), label
        for i, name in enumerate(names):
            assert sorted(got[name]) == table[concept][i], f"{label}: {concept} stability for {name}"

    listed = report["states"]
    ids = [st["id"] for st in listed]
    if brute.m <= MAX_LISTED_STATES:
        assert ids == list(range(1, brute.m + 1)), label
    else:
        assert set(ids) <= set(range(1, brute.m + 1)), label
    for st in listed:
        assert st["code"] == brute.codes[st["id"] - 1], f"{label}: code of state {st['id']}"
    # Reported levels must order the listed states exactly as the brute force does.
    for i, name in enumerate(names):
        for a in listed:
            for b in listed:
                mine = brute.levels[i][a["id"] - 1] - brute.levels[i][b["id"] - 1]
                theirs = a["levels"][name] - b["levels"][name]
                assert (mine > 0) == (theirs > 0) and (mine == 0) == (theirs == 0), \
                    f"{label}: {name} levels of states {a['id']}, {b['id']}"


def _self_consistent(brute: Brute) -> None:
    """The checker obeys the inclusions the reference states (Nash ⊆ SMR ⊆ GMR, Nash ⊆ SEQ ⊆ GMR)."""
    t = brute.table()
    for i in range(brute.n_dms):
        nash, gmr, smr, seq = (set(t[c][i]) for c in CONCEPTS)
        assert nash <= smr <= gmr and nash <= seq <= gmr


def _run_subprocess(path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "detente", "analyze", str(path), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, f"{path.name}: exit {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


def _run_in_process(runner: CliRunner, path: Path) -> dict:
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, f"{path.name}: exit {result.exit_code}\n{result.output}"
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------------
def test_checker_on_prisoners_dilemma_by_hand():
    """The brute force itself gives the textbook answer: mutual defection (state 1) is the only
    Nash equilibrium; mutual cooperation (state 4) is held by the credible threat of defection."""
    brute = Brute(json.loads(PD_GMCR))
    assert brute.codes == [0, 1, 2, 3]
    t = brute.table()
    eq = {c: [s for s in range(1, 5) if all(s in p for p in t[c])] for c in CONCEPTS}
    assert eq["nash"] == [1]
    assert eq["gmr"] == eq["smr"] == eq["seq"] == [1, 4]


def test_checker_literal_omega_rule_allows_b_c_b():
    """B, C, B is a legal sequence: the checker reaches a state only that sequence reaches."""
    data = {"options": [{"name": n, "permittedDirection": "both"} for n in ("b1", "b2", "c")],
            "decisionMakers": [{"name": "B", "options": [0, 1], "preferences": []},
                               {"name": "C", "options": [2], "preferences": []}],
            # (b1, b2, c) = (N, N, Y) and (N, Y, N) are infeasible: codes 4 and 2
            "infeasibles": [[[0, "N"], [1, "N"], [2, "Y"]], [[0, "N"], [1, "Y"], [2, "N"]]]}
    brute = Brute(data)
    assert brute.codes == [0, 1, 3, 5, 6, 7]
    start = brute.codes.index(0)
    # B alone: 000 -> 100, 110; C alone cannot move from 000 (001 is infeasible).
    assert {brute.codes[q] for q in brute.moves[0][start]} == {1, 3}
    assert brute.moves[1][start] == []
    # 011 (code 6) needs B (-> 100), C (-> 101), B again (-> 011).
    reached = {brute.codes[q] for q in brute.reach((0, 1), start, False)}
    assert reached == {0, 1, 3, 5, 6, 7}
    code6 = brute.codes.index(6)
    one_or_two = set(brute.moves[0][start]) | {q2 for q in brute.moves[0][start] for q2 in brute.moves[1][q]}
    assert code6 not in one_or_two           # so it takes the third step, B moving again


def test_prisoners_dilemma_from_the_reference(tmp_path):
    path = tmp_path / "pd.gmcr"
    path.write_text(PD_GMCR, encoding="utf-8")
    report = _run_subprocess(path)
    assert report["decision_makers"] == ["Prisoner One", "prisoner 2"]        # names as written
    assert report["equilibria"]["nash"] == [1]
    check_report(report, json.loads(PD_GMCR), "prisoners dilemma")


def test_console_script_on_the_reference_example(tmp_path):
    """The installed `detente` command (not just `python -m detente`) gives the same report."""
    beside = Path(sys.executable).parent / "detente"
    exe = str(beside) if beside.exists() else shutil.which("detente")
    assert exe is not None, "the detente console script is not installed (pip install -e .)"
    path = tmp_path / "Prisoners Dilemma.gmcr"
    path.write_text(PD_GMCR, encoding="utf-8")
    proc = subprocess.run([exe, "analyze", str(path), "--format", "json"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    check_report(json.loads(proc.stdout), json.loads(PD_GMCR), "prisoners dilemma (console script)")


def test_elmira_sample():
    data = json.loads(ELMIRA.read_text(encoding="utf-8"))
    report = _run_subprocess(ELMIRA)
    check_report(report, data, "elmira")
    _self_consistent(Brute(data))


def test_random_files_through_the_installed_command(tmp_path):
    cases = _cases(N_SUBPROCESS, SEED)
    paths = []
    for t, data in enumerate(cases):
        path = tmp_path / f"random_{t:03d}.gmcr"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(_run_subprocess, paths))
    for t, (data, report) in enumerate(zip(cases, reports)):
        check_report(report, data, f"random_{t:03d}.gmcr: {json.dumps(data)}")


def test_random_files_in_process(tmp_path):
    runner = CliRunner()
    for t, data in enumerate(_cases(N_IN_PROCESS, SEED + 1)):
        path = tmp_path / f"random_{t:03d}.gmcr"
        path.write_text(json.dumps(data), encoding="utf-8")
        report = _run_in_process(runner, path)
        brute = Brute(data)
        if t % 10 == 0:
            _self_consistent(brute)
        check_report(report, data, f"random_{t:03d}.gmcr: {json.dumps(data)}")
