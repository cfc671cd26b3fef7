"""The one-page answer: verdicts, why in the model's numbers, levers, beliefs, forecast, maps."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.analysis.answer import answer, state_meaning
from detente.cli import app
from detente.report.answer import answer_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-ceasefire.yaml"


@pytest.fixture(scope="module")
def flagship_answer():
    return answer(detente.load(EXAMPLE), grid=33)


def test_verdicts_and_moves_in_words(flagship_answer):
    a = flagship_answer
    assert a.focal_meaning == "ceasefire" and a.status_quo_meaning == "status quo"
    russia = a.party("russia")
    assert not russia.accepts and russia.move == a.status_quo and russia.move_meaning == "status quo"
    assert russia.move_change == "Russia signs: yes → no"
    assert a.party("ukraine").accepts


def test_why_terms_add_up_to_the_payoffs(flagship_answer):
    a = flagship_answer
    russia = a.party("russia")
    env = a.analysis.compiled.env
    from detente.model.expressions import evaluate, parse
    from detente.model.functions import expression_functions

    formula = detente.load(EXAMPLE).dm("russia").preference.formula
    values = evaluate(parse(formula), env, expression_functions())
    assert sum(t.at_deal for t in russia.terms) == pytest.approx(values[a.focal_state - 1])
    assert sum(t.at_move for t in russia.terms) == pytest.approx(values[russia.move - 1])
    prize = next(t for t in russia.terms if "exit" in t.label)
    assert prize.at_move > prize.at_deal      # the exit prize is what waiting buys


def test_levers_nearest_first_and_beliefs(flagship_answer):
    russia = flagship_answer.party("russia")
    names = [lv.parameter for lv in russia.levers]
    assert {"deal_x", "nato_gain", "us_commitment"} <= set(names)
    dist = [min(abs(t - lv.value) for t in lv.thresholds) / (lv.range[1] - lv.range[0]) for lv in russia.levers]
    assert dist == sorted(dist)
    (belief,) = flagship_answer.beliefs
    assert belief.name == "lambda_r" and [t for t, _, walks in belief.types if walks] == ["restrainers"]


def test_answer_text_is_plain_words_with_the_map(flagship_answer):
    text = answer_text(flagship_answer, {0: "map.png"})
    assert "**Russia (the Kremlin)** does not take 'ceasefire'" in text
    assert "would take it if" in text and "![map" in text
    assert "What United States (administration) would have to make Russia (the Kremlin) believe" in text


def test_state_meaning_prefers_single_state_outcomes(flagship_answer):
    res = flagship_answer.analysis
    assert state_meaning(res, flagship_answer.focal_state) == "ceasefire"
    assert "US supports Ukraine" not in state_meaning(res, flagship_answer.party("us").move)


def test_brief_opens_with_the_answer_and_writes_the_map(tmp_path):
    out = CliRunner().invoke(app, ["brief", str(EXAMPLE), "--pictures", str(tmp_path)])
    assert out.exit_code == 0, out.output
    head = out.stdout.split("## Perspective")[0]
    assert "## The answer" in head and "does not take" in head
    (png,) = tmp_path.glob("*.png")
    assert png.stat().st_size > 10_000


def test_report_has_the_answer_first(tmp_path):
    out = CliRunner().invoke(app, ["report", str(EXAMPLE), "-o", str(tmp_path / "r.html")])
    assert out.exit_code == 0, out.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.index('<section id="answer">') < html.index('<section id="summary">')
    assert '<figure class="map"><svg' in html


def test_markdown_answer_escapes_user_text(tmp_path):
    c = detente.load(EXAMPLE)
    c.dm("russia").label = "<script>alert(1)</script>"
    a = answer(c, grid=9)
    text = answer_text(a)
    assert "<script>" not in text and "&lt;script&gt;" in text
