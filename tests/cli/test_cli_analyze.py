"""`detente analyze`: JSON shape, the table report, overrides, perspectives, big models, hooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detente.cli import common


def test_json_shape(invoke, pd_file):
    result = invoke("analyze", pd_file, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["equilibria"]) == {"nash", "gmr", "smr", "seq"}
    assert data["equilibria"]["nash"] == [1]
    assert data["equilibria"]["seq"] == [1, 4]
    assert [s["id"] for s in data["states"]] == [1, 2, 3, 4]
    assert all(type(s["id"]) is int for s in data["states"])
    assert data["states"][3]["pattern"] == "YY"
    assert data["stability"]["nash"] == {"alice": [1, 3], "bob": [1, 2]}
    assert data["outcomes"]["mutual_cooperation"]["states"] == [4]
    assert data["outcomes"]["mutual_cooperation"]["equilibrium"] == {"nash": False, "gmr": True, "smr": True,
                                                                      "seq": True}
    assert data["source"].endswith("pd.yaml")


def test_concepts_option_selects_and_normalises(invoke, pd_file):
    result = invoke("analyze", pd_file, "-f", "json", "--concept", "SEQ", "-c", "r,gmr")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["equilibria"]) == ["seq", "nash", "gmr"]
    assert set(data["stability"]) == {"seq", "nash", "gmr"}


def test_table_lists_states_and_equilibria(plain, invoke, pd_file):
    result = invoke("analyze", pd_file)
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "Prisoner's Dilemma" in out
    assert "cooperate" in out and "alice" in out and "bob" in out
    assert "Equilibria" in out
    assert "Nash: 1\n" in out
    assert "SEQ: 1, 4" in out
    assert "mutual_cooperation" in out and "EQ at 4" in out
    assert "no: unstable for alice, bob" in out  # mutual cooperation is not a Nash equilibrium
    # state 4 row: Y Y, stable for both under GMR/SMR/SEQ but not Nash
    row4 = next(line for line in out.splitlines() if line.strip("│ ").startswith("4 "))
    assert row4.count("Y") == 2 and "· G S Q" in row4


def test_markdown(invoke, pd_file):
    result = invoke("analyze", pd_file, "--format", "markdown", "-c", "nash")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Prisoner's Dilemma")
    assert "| state | alice.cooperate | bob.cooperate |" in out
    assert "| 1 | N | N | N | N | **EQ** | mutual_defection |" in out
    assert "- **Nash**: 1" in out


def test_set_changes_results_on_payoff_model(plain, invoke, payoff_file):
    base = json.loads(invoke("analyze", payoff_file, "-f", "json", "-c", "nash").stdout)
    assert base["equilibria"]["nash"] == [1]
    assert base["parameters"] == {"t": 1.0}
    changed = invoke("analyze", payoff_file, "-f", "json", "-c", "nash", "--set", "t=-1")
    assert changed.exit_code == 0, changed.output
    data = json.loads(changed.stdout)
    assert data["equilibria"]["nash"] == [4]
    assert data["parameters"] == {"t": -1.0}
    table = plain(invoke("analyze", payoff_file, "-c", "nash", "-s", "t=-1").stdout)
    assert "Nash: 4" in table and "t=-1" in table


def test_set_unknown_parameter_is_a_clear_error(plain, invoke, payoff_file):
    result = invoke("analyze", payoff_file, "--set", "temptation=2")
    assert result.exit_code == 2
    err = plain(result.stderr)
    assert "option '--set'" in err and "temptation" in err and "known: t" in err
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value, reason", [("t", "expected NAME=VALUE"), ("t=high", "must be a number"),
                                           ("=3", "expected NAME=VALUE")])
def test_set_bad_syntax(plain, invoke, payoff_file, value, reason):
    result = invoke("analyze", payoff_file, "--set", value)
    assert result.exit_code == 2
    assert "error: option '--set'" in plain(result.stderr) and reason in result.stderr


def test_perspective(invoke, tmp_path, payoff_text):
    path = tmp_path / "persp.yaml"
    path.write_text(payoff_text + "perspectives:\n  saints:\n    parameters: {t: -1}\n", encoding="utf-8")
    data = json.loads(invoke("analyze", path, "-f", "json", "-c", "nash", "--perspective", "saints").stdout)
    assert data["equilibria"]["nash"] == [4] and data["perspective"] == "saints"
    bad = invoke("analyze", path, "-p", "sinners")
    assert bad.exit_code == 2
    assert "option '--perspective'" in bad.stderr and "saints" in bad.stderr


def test_unknown_concept(invoke, pd_file):
    result = invoke("analyze", pd_file, "--concept", "nashh")
    assert result.exit_code == 2
    assert "option '--concept'" in result.stderr and "unknown solution concept 'nashh'" in result.stderr


def test_graph_form_table(plain, invoke, examples_dir):
    result = invoke("analyze", examples_dir / "elmira-graph.yaml", "-c", "nash")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "Nash: 5, 8, 9" in out and "name" in out and "status quo" in out


def _big_scenario(tmp_path: Path) -> Path:
    """Three DMs with three options each: 512 states."""
    dms = []
    for d in ("a", "b", "c"):
        others = [x for x in ("a", "b", "c") if x != d]
        dms.append(f"""  - name: {d}
    options: [x, y, z]
    preferences:
      prioritization: ["not {others[0]}.x", "{d}.y or {others[1]}.z", "not {d}.x", "{others[0]}.y"]""")
    text = "name: Big\ndecision_makers:\n" + "\n".join(dms) + "\noutcomes:\n  all_x: a.x and b.x and c.x\n"
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(markdown: str) -> list[int]:
    return [int(line.split("|")[1]) for line in markdown.splitlines() if line[:3].strip("| ").isdigit()]


def test_big_model_lists_only_equilibria_and_outcome_states(plain, invoke, tmp_path):
    path = _big_scenario(tmp_path)
    data = json.loads(invoke("analyze", path, "-f", "json", "-c", "nash").stdout)
    assert data["n_states"] == 512
    expected = sorted(set(data["equilibria"]["nash"]) | set(data["outcomes"]["all_x"]["states"]))
    result = invoke("analyze", path, "-f", "markdown", "-c", "nash")
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout) == expected
    assert f"showing {len(expected)} of 512 states" in result.stdout
    capped = invoke("analyze", path, "-f", "markdown", "-c", "nash", "--all-states")
    assert _rows(capped.stdout) == list(range(1, 501))
    assert "showing 500 of 512 states (the first 500 of 512 states); use --rows N" in capped.stdout
    everything = invoke("analyze", path, "-f", "markdown", "-c", "nash", "--all-states", "--rows", "0")
    assert _rows(everything.stdout) == list(range(1, 513))
    assert "showing" not in everything.stdout
    table = invoke("analyze", path, "-c", "nash")
    assert f"showing {len(expected)} of 512" in plain(table.stderr)
    small = invoke("analyze", path, "-f", "markdown", "-c", "nash", "--equilibria-only")
    assert _rows(small.stdout) == expected


def test_extension_hooks(plain, invoke, pd_file):
    seen = {}

    def add(conflict, analysis, opts):
        seen.update(opts)
        return {"extra": {"dms": len(conflict.decision_makers), "n": analysis.n_states}}

    def render(console, conflict, analysis):
        console.print(f"EXTRA SECTION for {conflict.name}: {analysis.equilibria['nash']}")

    common.ANALYZE_EXTENSIONS.append(add)
    common.ANALYZE_RENDERERS.append(render)
    try:
        data = json.loads(invoke("analyze", pd_file, "-f", "json").stdout)
        table = invoke("analyze", pd_file).stdout
    finally:
        common.ANALYZE_EXTENSIONS.remove(add)
        common.ANALYZE_RENDERERS.remove(render)
    assert data["extra"] == {"dms": 2, "n": 4}
    assert seen["concepts"] == ["nash", "gmr", "smr", "seq"] and seen["parameters"] == {}
    assert seen["perspective"] is None and seen["format"] == "json"
    assert "EXTRA SECTION for Prisoner's Dilemma: [1]" in plain(table)


def test_loader_can_be_replaced(invoke, monkeypatch):
    """The CLI goes through detente.load: a conflict built in code works the same way."""
    import detente

    monkeypatch.setattr(detente, "load", lambda path: detente.examples.chicken())
    result = invoke("analyze", "whatever.yaml", "-f", "json", "-c", "nash")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["equilibria"]["nash"] == [2, 3]


NAMED_GMCR = {
    "options": [{"name": "Air Strike", "permittedDirection": "both"},
                {"name": "Blockade (naval)", "permittedDirection": "fwd"},
                {"name": "Withdraw Missiles", "permittedDirection": "both"}],
    "decisionMakers": [{"name": "USA", "options": [0, 1], "preferences": [[[0, "N"]], [[2, "Y"]]]},
                       {"name": "USSR / Khrushchev", "options": [2], "preferences": [[[0, "N"]], [[2, "N"]]]}],
    "infeasibles": [], "useManualPreferenceRanking": False}


def test_gmcr_names_are_kept_as_written_in_table_json_and_markdown(plain, invoke, tmp_path):
    path = tmp_path / "cuba.gmcr"
    path.write_text(json.dumps(NAMED_GMCR), encoding="utf-8")
    data = json.loads(invoke("analyze", path, "--format", "json").stdout)
    assert data["decision_makers"] == ["USA", "USSR / Khrushchev"]
    assert all(set(per_dm) == {"USA", "USSR / Khrushchev"} for per_dm in data["stability"].values())
    assert [o["name"] for o in data["options"]] == ["Air Strike", "Blockade (naval)", "Withdraw Missiles"]
    assert [o["id"] for o in data["options"]] == ["usa.air_strike", "usa.blockade_naval",
                                                  "ussr_khrushchev.withdraw_missiles"]
    assert set(data["states"][0]["options"]) == {"USA.Air Strike", "USA.Blockade (naval)",
                                                 "USSR / Khrushchev.Withdraw Missiles"}
    table = plain(invoke("analyze", path).stdout)
    for name in ("USA", "USSR / Khrushchev", "Air Strike", "Blockade (naval)", "Withdraw Missiles"):
        assert name in table
    assert "ussr_khrushchev" not in table and "air_strike" not in table
    md = invoke("analyze", path, "--format", "markdown").stdout
    assert "stable for USSR / Khrushchev" in md and "USA.Air Strike" in md


def _flat_scenario(tmp_path: Path, n_options: int = 10) -> Path:
    """Two DMs indifferent between everything: every state is a Nash equilibrium."""
    half = n_options // 2
    text = "name: flat\ndecision_makers:\n"
    for dm, k in (("a", half), ("b", n_options - half)):
        text += f"  - name: {dm}\n    options: [{', '.join(f'o{j}' for j in range(k))}]\n"
        text += "    preferences: {prioritization: []}\n"
    path = tmp_path / "flat.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_big_table_is_capped_and_says_so(plain, invoke, tmp_path):
    from detente.cli.analyze_cmd import MAX_TABLE_ROWS

    path = _flat_scenario(tmp_path)              # 1024 states, all equilibria
    result = invoke("analyze", path, "-c", "nash")
    assert result.exit_code == 0, result.output
    out = plain(result.output)
    assert f"the first {MAX_TABLE_ROWS} of 1024" in out and "--format json" in out
    assert "\n│  1024 │" not in out and "│   500 │" in out.replace("┃", "│")
    # JSON lists every equilibrium, state lists on one line each
    data = json.loads(invoke("analyze", path, "-c", "nash", "-f", "json").stdout)
    assert data["equilibria"]["nash"] == list(range(1, 1025))
    assert data["stability"]["nash"]["a"] == list(range(1, 1025))


def test_json_writer_matches_the_standard_encoder():
    import numpy as np

    rng = np.random.default_rng(5)
    values = np.concatenate([rng.integers(-10**15, 10**15, 500), rng.integers(0, 10, 500), [0, -1, 9, 10, 99, 100]])
    assert json.loads(common.int_array_json(values)) == values.tolist()
    assert json.loads(common.numpy_int_json(values)) == values.tolist()
    assert common.numpy_int_json(values[:100]) == "[" + ", ".join(map(str, values[:100].tolist())) + "]"
    data = {"a": values[:70], "b": [{"x": "é\n\"q\"", "y": [1.5, None, True]}], "c": {}, "d": [], "e": (1, 2)}
    expected = {"a": values[:70].tolist(), "b": [{"x": "é\n\"q\"", "y": [1.5, None, True]}], "c": {}, "d": [],
                "e": [1, 2]}
    text = common.dumps_json(data)
    assert json.loads(text) == expected
    assert text.count("\n") < 20                 # lists of values stay on one line


def test_rows_caps_every_table_and_says_so(plain, invoke, tmp_path):
    path = _flat_scenario(tmp_path)              # 1024 states, all equilibria
    for fmt in ("table", "markdown"):
        result = invoke("analyze", path, "-c", "nash", "-f", fmt, "--rows", "7")
        assert result.exit_code == 0, result.output
        out = plain(result.output)
        assert "showing 7 of 1024 states (the first 7 of 1024" in re.sub(r"\s+", " ", out).replace("_", "")
        numbers = [int(m) for m in re.findall(r"^[|│]\s*(\d+)\s*[|│]", out, re.M)]
        assert numbers == list(range(1, 8)), fmt
    data = json.loads(invoke("analyze", path, "-c", "nash", "-f", "json", "--rows", "7").stdout)
    assert data["equilibria"]["nash"] == list(range(1, 1025))          # JSON is never capped
    res = invoke("analyze", path, "-c", "nash", "--rows", "-1")
    assert res.exit_code == 2 and "--rows" in plain(res.output)


def test_progress_follows_the_rendering(plain, invoke, tmp_path):
    path = _flat_scenario(tmp_path)
    shown = invoke("analyze", path, "-c", "nash", "--rows", "0", "--progress")
    assert shown.exit_code == 0, shown.output
    err = plain(shown.stderr)
    assert "analysing flat" in err and "rendering 1,024 states" in err
    assert "3072/3072" in err.replace(" ", "")              # built, measured and drawn: every row
    quiet = invoke("analyze", path, "-c", "nash", "--rows", "0")
    assert "rendering" not in plain(quiet.stderr)
    assert plain(quiet.stdout) == plain(shown.stdout)
