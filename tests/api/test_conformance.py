"""One public API: every analysis takes the conflict first and the rest as keywords in one
shared order; every result type has to_dict(), summary() and (where it applies) equilibria
keyed by concept. New analyses and result types must pass here to be exported."""

from __future__ import annotations

import inspect
import json

import pytest

import detente
from detente import analysis
from detente.model import Conflict, DecisionMaker, Option, Payoff, Perception, Perspective

ANALYSES = ["analyze", "sweep", "monte_carlo", "evolve", "coalition_stability", "merged_analysis",
            "limited_move", "inverse", "analyze_perspectives", "analyze_hypergame", "brief", "report_data"]
SHARED_ORDER = ["concepts", "parameters", "perspective", "progress"]


def toy() -> Conflict:
    """a goes when t > 0.5; b always goes."""
    return Conflict("toy", [DecisionMaker("a", [Option("go")], Payoff("a.go * (t - 0.5)")),
                            DecisionMaker("b", [Option("go")], Payoff("b.go"))],
                    parameters={"t": 0.0}, outcomes={"a_goes": "a.go"})


def build_results() -> dict[type, object]:
    pd = detente.examples.prisoners_dilemma()
    sw = detente.sweep(toy(), parameter="t", lo=0.0, hi=1.0, steps=5, precision=1e-3)
    return {
        detente.Analysis: detente.analyze(pd),
        detente.Briefing: detente.brief(pd, outcome="mutual_cooperation", concepts=["nash"]),
        detente.CoalitionAnalysis: detente.coalition_stability(pd),
        detente.MergedAnalysis: detente.merged_analysis(pd, structure=[["alice", "bob"]]),
        detente.Evolution: detente.evolve(pd, status_quo=1),
        detente.HypergameAnalysis: detente.analyze_hypergame(pd),
        detente.InverseResult: detente.inverse(pd, state=4, concept="nash"),
        detente.LimitedMove: detente.limited_move(detente.examples.chicken(), horizons=3),
        detente.MonteCarloResult: detente.monte_carlo(
            toy(), distributions={"t": detente.parse_distribution("uniform:0:1")}, n=20, seed=1),
        detente.PerspectiveComparison: detente.analyze_perspectives(pd),
        detente.ReportData: detente.report_data(pd, status_quo=1, include=["evolution"]),
        detente.SweepResult: sw,
        detente.TippingPoint: sw.tipping_points[0],
    }


@pytest.fixture(scope="module")
def results() -> dict[type, object]:
    return build_results()


PART_MODULES = ["hypergame", "perspectives"]
"""Analyses whose results are made of typed parts: every exported class there with to_dict() is a
part (or a result type) and is checked here."""


def deal() -> Conflict:
    """A seller who underrates what the trade is worth to the buyer; a view with a lower price."""
    return Conflict("deal", [
        DecisionMaker("buyer", [Option("buy")], Payoff("buyer.buy * seller.sell * (value - price) - 0.1 * buyer.buy")),
        DecisionMaker("seller", [Option("sell")], Payoff("seller.sell * (price - reserve)")),
    ], parameters={"value": 10.0, "price": 6.0, "reserve": 5.0}, outcomes={"trade": "buyer.buy and seller.sell"},
        perspectives={"cheap": Perspective("cheap", parameters={"price": 4.0})},
        perceptions={"seller": Perception("seller", parameters={"value": 5.0},
                                          of_others={"buyer": Perception("buyer")})})


def build_parts() -> dict[type, list[object]]:
    """Every part of a hypergame and of a perspectives comparison, by type."""
    h = detente.analyze_hypergame(deal())
    cmp = detente.analyze_perspectives(deal())
    diffs = cmp.differences()
    found: list[object] = [*h.perceived.values(), *h.views.values(), *h.choices.values(), *h.differences.values(),
                           *[p for d in h.differences.values() for p in d.parameters.values()],
                           *h.outcomes, *h.perceived_equilibria, *h.second_level,
                           *[x.departure for x in [*h.outcomes, *h.perceived_equilibria] if x.departure],
                           diffs, *diffs.outcomes, *[d for o in diffs.outcomes for d in o.dms], *diffs.states,
                           *[r for s in diffs.states for r in s.reasons.values()], *cmp.changes.values(),
                           *[p for c in cmp.changes.values() for p in c.parameters.values()]]
    parts: dict[type, list[object]] = {}
    for x in found:
        parts.setdefault(type(x), []).append(x)
    return parts


@pytest.fixture(scope="module")
def parts() -> dict[type, list[object]]:
    return build_parts()


@pytest.mark.parametrize("name", ANALYSES)
def test_conflict_first_then_keywords_in_the_shared_order(name):
    fn = getattr(detente, name)
    params = list(inspect.signature(fn).parameters.values())
    assert params[0].name == "conflict" and params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    rest = params[1:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest), f"{name}: everything after the conflict"
    shared = [p.name for p in rest if p.name in SHARED_ORDER]
    assert shared == [s for s in SHARED_ORDER if s in shared], f"{name}: shared arguments out of order"
    # the analysis's own arguments come first, the shared ones last
    names = [p.name for p in rest]
    assert names[len(names) - len(shared):] == shared, f"{name}: own arguments after the shared ones"


def test_every_result_type_is_exported_and_covered(results):
    assert set(results) == set(analysis.RESULT_TYPES)
    for cls in analysis.RESULT_TYPES:
        assert getattr(detente, cls.__name__) is cls
        assert cls.__name__ in analysis.__all__
    # any exported class that produces plain data is a result type (so it is checked here)
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        if inspect.isclass(obj) and hasattr(obj, "to_dict"):
            assert obj in analysis.RESULT_TYPES, f"{name} has to_dict() but is not in RESULT_TYPES"


@pytest.mark.parametrize("cls", analysis.RESULT_TYPES, ids=lambda c: c.__name__)
def test_result_has_to_dict_summary_and_equilibria_by_concept(results, cls):
    res = results[cls]
    data = res.to_dict()
    assert isinstance(data, dict)
    json.dumps(data)                                  # plain data
    text = res.summary()
    assert isinstance(text, str) and text.strip()
    if hasattr(res, "equilibria"):
        eq = res.equilibria
        assert isinstance(eq, dict) and eq, cls.__name__
        for key, states in eq.items():
            assert isinstance(key, str), f"{cls.__name__}.equilibria keyed by {type(key).__name__}"
            assert isinstance(states, list) and all(type(s) is int for s in states), cls.__name__


def test_every_part_type_is_covered(parts):
    import importlib

    for name in PART_MODULES:
        module = importlib.import_module(f"detente.analysis.{name}")
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isclass(obj) and hasattr(obj, "to_dict") and obj not in analysis.RESULT_TYPES:
                assert obj in parts, f"{name}.{attr} has to_dict() but no instance is checked here"


@pytest.mark.parametrize("cls", sorted(build_parts(), key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_part_has_to_dict_and_summary(parts, cls):
    import dataclasses

    for part in parts[cls]:
        data = part.to_dict()
        assert isinstance(data, dict)
        json.dumps(data)
        text = part.summary()
        assert isinstance(text, str) and text.strip(), cls.__name__
        if not isinstance(part, detente.Analysis):
            assert dataclasses.is_dataclass(part) and cls.__dataclass_params__.frozen, f"{cls.__name__} is frozen data"


def test_progress_is_called_with_done_and_total():
    calls: list[tuple[int, int]] = []
    detente.brief(detente.examples.prisoners_dilemma(), outcome="mutual_cooperation", concepts=["nash"],
                  progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    sweep_calls: list[tuple[int, int]] = []
    detente.sweep(toy(), parameter="t", lo=0.0, hi=1.0, steps=3,
                  progress=lambda done, total: sweep_calls.append((done, total)))
    assert sweep_calls and all(isinstance(d, int) and isinstance(t, int) for d, t in sweep_calls)


def test_io_is_importable_without_calling_load():
    import importlib
    import subprocess
    import sys

    code = "import detente; print(detente.io.format_of('x.gmcr')); print(callable(detente.save))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["gmcr", "True"]
    assert importlib.import_module("detente.io") is detente.io


def test_save_and_load_round_trip(tmp_path):
    c = detente.conflict("Names", {"Local Government": ["Air Strike"], "USSR": ["Withdraw"]},
                         preferences={"Local Government": ["not air_strike"], "USSR": ["ussr.withdraw"]})
    for suffix in (".yaml", ".json", ".gmcr"):
        path = tmp_path / f"names{suffix}"
        detente.save(c, path)
        back = detente.load(path)
        assert back.dm_names == ["Local Government", "USSR"]
        assert [o.name for o in back.options] == ["Air Strike", "Withdraw"]
        assert detente.analyze(back).equilibria == detente.analyze(c).equilibria


def test_decision_maker_accepts_preferences_and_fills_in_its_options():
    dm = DecisionMaker("a", [Option("x"), "y"], preferences=["a.x"])
    assert [o.dm for o in dm.options] == ["a", "a"]
    assert dm.preference.statements == ["a.x"]
    with pytest.raises(detente.DetenteError, match="preferences once"):
        DecisionMaker("a", ["x"], ["a.x"], preferences=["a.x"])
    with pytest.raises(detente.DetenteError, match="preferences must be"):
        DecisionMaker("a", ["x"], preferences=3.5)
