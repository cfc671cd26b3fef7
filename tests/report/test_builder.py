"""What a report gathers: tableaux, equilibria matrix, outcomes, narratives, optional sections."""

from __future__ import annotations

import time

import numpy as np
import pytest
from report_helpers import big, toy

import detente
from detente.errors import DetenteError
from detente.report import builder
from detente import build_report
from detente.analysis import report_data as report_data_module
from detente.analysis.report_data import report_data
from detente.report.builder import write_report


def test_tableau_orders_states_by_preference_and_marks_each_concept(elmira):
    rep = build_report(elmira)
    a = rep.analysis
    game = a.compiled.game
    assert [t.dm for t in rep.tableaux] == a.dm_names
    for i, t in enumerate(rep.tableaux):
        assert sorted(r.state for r in t.rows) == list(range(1, a.n_states + 1))
        levels = [int(game.levels[i][r.state - 1]) for r in t.rows]
        assert levels == sorted(levels, reverse=True)                  # best first
        ranks = [r.rank for r in t.rows]
        assert ranks[0] == 1 and all(b - a_ in (0, 1) for a_, b in zip(ranks, ranks[1:]))
        for r in t.rows:
            t0 = r.state - 1
            moves = game.moves.targets(i, t0)
            assert r.uis == sorted((moves[game.levels[i][moves] > game.levels[i][t0]] + 1).tolist())
            for c in a.concepts:
                stable = bool(a.stable[c][i, t0])
                assert r.marks[c] == ("u" if not stable else ("r" if not r.uis else "s"))
                assert (c in r.equilibrium) == (r.state in a.equilibria[c])
            assert r.marks["nash"] in "ru"                              # Nash has no sanctions


def test_equilibria_matrix_and_outcomes_match_the_analysis(elmira):
    rep = build_report(elmira)
    a = rep.analysis
    union = sorted({s for c in a.concepts for s in a.equilibria[c]})
    assert [r.state for r in rep.equilibria.rows] == union
    for row in rep.equilibria.rows:
        assert row.under == {c: row.state in a.equilibria[c] for c in a.concepts}
    assert rep.equilibria.counts == {c: len(a.equilibria[c]) for c in a.concepts}
    hist = next(o for o in rep.outcomes if o.name == "historical")
    assert hist.states == [10] and hist.equilibrium_states["seq"] == [10]
    sq = next(o for o in rep.outcomes if o.name == "status_quo")
    assert sq.equilibrium_states["seq"] == [] and sq.unstable_for["seq"] == ["local"]
    assert any("status_quo" in line and "GMR" in line for line in rep.findings)


def test_status_quo_narratives_and_evolution(elmira):
    rep = build_report(elmira)
    assert rep.status_quo == 1
    first = rep.narratives[0]
    assert first.state == 1 and first.text == rep.analysis.explain(1)
    covered = {n.state for n in rep.narratives}
    assert set(rep.analysis.equilibria["seq"]) <= covered
    ev = rep.evolution
    assert ev is not None and ev.status_quo == 1
    assert ev.reachable["coalitional"]["seq"] == [7, 10]
    assert set(ev.diagrams) == {"improvements", "coalitional"}
    table = ev.tables[0]
    assert table.states == [1, 7, 10] and table.movers == ["local", "moe + uniroyal"]
    insist = dict(table.rows)["local.insist"]
    assert insist == ["N", "Y", "Y"]


def test_from_state_overrides_the_status_quo(elmira):
    rep = build_report(elmira, status_quo="historical")
    assert rep.status_quo == 10 and rep.evolution.status_quo == 10
    assert build_report(elmira, status_quo="3").status_quo == 3
    with pytest.raises(DetenteError) as err:
        build_report(elmira, status_quo="abandonment")      # four states
    assert err.value.field == "status_quo" and "4 states" in str(err.value)
    with pytest.raises(DetenteError):
        build_report(elmira, status_quo=99)


def test_no_status_quo_is_noted():
    rep = build_report(detente.examples.chicken())
    assert rep.status_quo is None and rep.evolution is None
    assert "no status quo" in rep.status_quo_note


def test_parameters_perspective_and_optional_sections():
    rep = build_report(toy(), parameters={"t": 1.0})
    assert rep.model.overrides == {"t": 1.0} and rep.model.parameters["t"] == 1.0
    assert rep.perspectives is not None and rep.perspectives.views == ["model", "hawk"]
    assert rep.perspectives.changes["hawk"] == "t=1 (model 0)"
    assert rep.perspectives.chart_svg.startswith("<svg")
    assert rep.hypergame is not None and rep.hypergame.outcomes
    assert len(rep.sweeps) == 1 and rep.sweeps[0].parameter == "t"
    assert rep.sweeps[0].tipping_points and rep.sweeps[0].chart_svg.startswith("<svg")
    as_hawk = build_report(toy(), perspective="hawk")
    assert as_hawk.perspective == "hawk"
    assert as_hawk.equilibria.counts == {c: len(v) for c, v in
                                         detente.analyze(toy(), perspective="hawk").equilibria.items()}
    bare = build_report(toy(), include=[])
    assert bare.perspectives is None and bare.hypergame is None and bare.sweeps == [] and bare.evolution is None


def test_optional_parts_that_fail_are_left_out_with_a_note(monkeypatch):
    def refuse(*args, **kwargs):
        raise DetenteError("too costly here", field="x")

    for name in ("evolve", "analyze_perspectives", "analyze_hypergame", "sweep"):
        monkeypatch.setattr(report_data_module, name, refuse)
    rep = build_report(toy())
    assert rep.perspectives is None and rep.hypergame is None and rep.sweeps == [] and rep.evolution is None
    joined = " ".join(rep.notes)
    for what in ("Perspectives could not", "hypergame could not", "Sweep of t could not", "Evolution from the status quo"):
        assert what in joined
    assert rep.graph is not None and rep.tableaux


def test_the_report_lays_out_results_and_runs_no_analysis(monkeypatch):
    """Every result comes from report_data; building the report from them computes nothing new."""
    data = report_data(toy(), status_quo=1)
    assert data.evolution is not None and data.perspectives is not None and data.hypergame is not None
    assert len(data.sweeps) == 1 and data.sweeps[0].spec.parameter == "t"

    def forbidden(*args, **kwargs):
        raise AssertionError("the report ran an analysis")

    import detente.analysis.equilibria as eq
    import detente.analysis.evolution as ev
    import detente.analysis.hypergame as hg
    import detente.analysis.perspectives as ps
    import detente.analysis.sweep as sw

    for module, name in ((eq, "analyze"), (ev, "evolve"), (hg, "analyze_hypergame"),
                         (ps, "analyze_perspectives"), (sw, "sweep"), (report_data_module, "report_data")):
        monkeypatch.setattr(module, name, forbidden)
    rep = builder.build_report(data)
    assert rep.analysis is data.analysis and rep.answer is data.answer
    assert rep.evolution.status_quo == 1 and rep.perspectives.views == ["model", "hawk"]
    assert rep.hypergame.concept == "seq" and rep.sweeps[0].tipping_points


def test_the_layout_step_refuses_a_conflict_with_a_pointer_to_both_steps():
    with pytest.raises(DetenteError) as err:
        builder.build_report(toy())
    assert "report_data(conflict" in str(err.value) and "detente.build_report" in str(err.value)


def test_report_data_refuses_unknown_parts():
    with pytest.raises(DetenteError) as err:
        report_data(toy(), include=["evolution", "tableaux"])
    assert err.value.field == "include" and "tableaux" in str(err.value)


def test_summary_mode_by_threshold(river):
    rep = build_report(river, summary_threshold=50)
    assert rep.summary_mode and rep.graph is None and rep.tableaux == []
    assert "96 states" in rep.graph_note and rep.model.option_rows == []
    assert rep.evolution is not None and rep.evolution.modes == ["improvements"]
    assert rep.equilibria.counts["gmr"] == 23 and len(rep.narratives) <= 1 + 3 + 6


def test_large_model_summarises_quickly(tmp_path):
    conflict = big()
    start = time.perf_counter()
    rep = build_report(conflict)
    paths = write_report(rep, tmp_path / "big.html")
    elapsed = time.perf_counter() - start
    assert rep.n_states == 8192 and rep.summary_mode
    assert rep.graph is None and rep.tableaux == []
    assert len(rep.equilibria.rows) == builder.MAX_EQUILIBRIA_ROWS < len(
        {s for c in rep.concepts for s in rep.analysis.equilibria[c]})
    assert "first 200" in rep.equilibria.note
    html = paths[0].read_text(encoding="utf-8")
    assert len(html) < 600_000 and "Summary mode" in html and 'id="tg"' not in html
    assert elapsed < 20


def test_graph_concept_must_be_analysed(elmira):
    rep = build_report(elmira, concepts=["nash", "gmr"])
    assert rep.graph_concept == "nash"           # SEQ if analysed, else the first concept
    assert build_report(elmira, concepts=["nash"], graph_concept="r").graph_concept == "nash"
    with pytest.raises(DetenteError):
        build_report(elmira, concepts=["nash"], graph_concept="seq")


def test_graph_form_model_section():
    from report_helpers import EXAMPLES

    rep = build_report(detente.load(EXAMPLES / "elmira-graph.yaml"))
    assert rep.model.graph_form and rep.model.state_names[0] == "delay"
    assert (1, 2) in rep.model.graph_moves["moe"]
    assert rep.tableaux[0].rows[0].label in rep.model.state_names


def test_write_report_rejects_unknown_suffix(tmp_path, elmira):
    rep = build_report(elmira, include=[])
    with pytest.raises(DetenteError) as err:
        write_report(rep, tmp_path / "r.pdf")
    assert err.value.field == "--output"


def test_preference_text_kinds():
    from detente.model import Payoff, Ranking

    assert builder.preference_text(Ranking([[3], [1, 2], [4]])) == ("ranking", ["best first: 3, [1, 2], 4"])
    kind, lines = builder.preference_text(Payoff("a  *\n b", {"k": 2.0}))
    assert kind == "payoff" and lines == ["a * b", "with k = 2"]
    assert np.all([isinstance(x, str) for x in lines])


def test_medium_model_filters_tableaux_and_skips_costly_evolution():
    rep = build_report(big((4, 3, 3)))                      # 1024 states: full mode, filtered views
    assert not rep.summary_mode and rep.n_states == 1024
    shown = sorted(int(x) for x in __import__("re").findall(r'data-state="(\d+)"', rep.graph.svg))
    assert len(shown) == rep.graph.n_nodes <= 60
    for t in rep.tableaux:
        assert sorted(r.state for r in t.rows) == shown
    assert "states of interest" in rep.tableau_note
    assert rep.model.option_rows == [] and "1024 states" in rep.model.note
    assert rep.evolution.modes == ["moves", "improvements"]
    assert "Coalitional improvements are not traced" in rep.evolution.note
