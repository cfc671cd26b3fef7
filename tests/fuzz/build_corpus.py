"""Rebuild the regression corpus from a campaign's failures file (maintainer tool, not a test).

    PYTHONPATH=src:tests python -m fuzz.build_corpus FAILURES.jsonl

For each failing seed (at most ``--per-class`` per class of failure) the generated input is
written to ``corpus/`` and its outcome today, with the start of its error message, to
``corpus/expected.json``; the hand-written cases already there are kept.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from fuzz.gen import case
from fuzz.harness import run_case

CORPUS = Path(__file__).resolve().parent / "corpus"


def failure_class(before: dict, after: dict) -> str:
    err, msg = before.get("error", ""), after.get("error", "")
    rules = [("RecursionError", "deep-nesting"), ("4300 digits", "huge-integer"), ("unhashable", "gmcr-unhashable-name"),
             ("surrogates not allowed", "lone-surrogate"), ("aliases expanded", "alias-bomb"),
             ("refers to itself", "alias-cycle"), ("DETENTE_MAX_CANDIDATE_STATES", "many-options"),
             ("DETENTE_MAX_STATES", "many-options"), ("DETENTE_MAX_RUN_WORK", "analysis-cost"),
             ("DETENTE_MAX_NESTING", "deep-nesting"), ("beyond level", "third-level-perception"),
             ("no feasible state", "empty-outcome"), ("no state the DM is aware", "perception-without-states"),
             ("floating-point resolution", "absurd-precision"), ("non-finite", "payoff-non-finite"),
             ("finite number", "non-finite-number"), ("lone surrogate", "lone-surrogate")]
    for needle, name in rules:
        if needle in err or needle in msg:
            return name
    return "slow-model" if before.get("outcome") == "hang" else "other"


def message_fragment(error: str) -> str:
    reason = re.sub(r"\s+", " ", error.split(": ", 1)[-1])
    reason = re.sub(r"^fuzz\.\w+(, field '[^']*')?: ", "", reason)
    return reason[:60].strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("failures")
    ap.add_argument("--per-class", type=int, default=3)
    ap.add_argument("--max-bytes", type=int, default=150_000)
    args = ap.parse_args()
    index_path = CORPUS / "expected.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
    counts: dict[str, int] = {}
    for v in index.values():
        counts[v["class"]] = counts.get(v["class"], 0) + 1
    for line in Path(args.failures).read_text().splitlines():
        before = json.loads(line)
        fmt, text = case(before["seed"])
        if len(text.encode("utf-8", "surrogatepass")) > args.max_bytes:
            continue
        after = run_case(fmt, text)
        cls = failure_class(before, after)
        if counts.get(cls, 0) >= args.per_class:
            continue
        counts[cls] = counts.get(cls, 0) + 1
        name = f"{cls}-{before['seed']}.{fmt}"
        (CORPUS / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        entry = {"class": cls, "outcome": after["outcome"], "found": f"{before['outcome']}: {before['error'][:120]}"}
        if after.get("error") and after["outcome"] == "refused":
            entry["message"] = message_fragment(after["error"])
        index[name] = entry
    index_path.write_text(json.dumps(dict(sorted(index.items())), indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"{len(index)} corpus entries: {counts}")


if __name__ == "__main__":
    main()
