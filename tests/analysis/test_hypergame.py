"""Hypergames: perceived games, the choice rule, outcome labels, unseen states, second level."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.analysis.equilibria import analyze
from detente.analysis.hypergame import LABELS, PerceivedAnalysis, analyze_hypergame
from detente.errors import DetenteError, ModelError
from detente.model import (Conflict, DecisionMaker, Feasibility, GraphForm, Option, Payoff, Perception,
                           Prioritization, Ranking)

# States of a 2-DM, one-option-each conflict: 1 = NN, 2 = YN (first DM's option taken), 3 = NY, 4 = YY.
NEVER_RETALIATES = Prioritization(["not defender.retaliate"])
DEFENDER_TRUE = Prioritization(["defender.retaliate iff challenger.advance", "not challenger.advance"])


def deterrence(perceived_defender=NEVER_RETALIATES, of_others=None) -> Conflict:
    """A challenger who misreads the defender's resolve (deterrence failure).

    Truth: the defender retaliates if and only if the challenger advances, and prefers peace.
    The challenger likes advancing unopposed best, then peace, then war. It perceives a defender
    who never retaliates.
    """
    perceptions = {}
    if perceived_defender is not None:
        perceptions["challenger"] = Perception("challenger", preferences={"defender": perceived_defender})
    if of_others is not None:
        perceptions["defender"] = Perception("defender", of_others={"challenger": of_others})
    return Conflict("deterrence", [
        DecisionMaker("challenger", [Option("advance", "challenger")],
                      Prioritization(["not defender.retaliate", "challenger.advance"])),
        DecisionMaker("defender", [Option("retaliate", "defender")], DEFENDER_TRUE),
    ], perceptions=perceptions)


def covert(aware: bool = False) -> Conflict:
    """b has a covert option y that a does not know of; a would respond to it if it knew.

    a wants x exactly when b has not taken y; b always wants y, and likes a taking x.
    """
    return Conflict("covert", [
        DecisionMaker("a", [Option("x", "a")], Prioritization(["a.x iff not b.y"])),
        DecisionMaker("b", [Option("y", "b")], Prioritization(["b.y", "a.x"])),
    ], perceptions={} if aware else {"a": Perception("a", unaware_options=["b.y"])})


# -- misperceived preferences: unsteady, and the label goes with the misperception --------------
def test_misperceived_resolve_gives_an_unsteady_outcome():
    h = analyze_hypergame(deterrence(), concepts=["nash", "gmr", "smr", "seq"], concept_for_choice="seq")
    assert h.perceived["challenger"].equilibria["seq"] == [2]       # it expects to advance unopposed
    assert h.perceived["defender"].equilibria["seq"] == [1, 4]      # the truth
    assert h.choices["challenger"].states == [2]
    assert h.choices["defender"].states == [1]                      # peace, its favourite equilibrium
    [o] = h.outcomes
    assert o.states == [2] and o.label == "unsteady"
    assert o.options == {"challenger.advance": True, "defender.retaliate": False}
    assert o.perceived_stable == {"challenger": True, "defender": False}
    assert o.stable_in_reality["seq"] is False
    assert "defender would move to state 4" in o.summary()


def test_removing_the_misperception_removes_the_unsteady_label():
    # the same perception structure, now equal to the truth
    h = analyze_hypergame(deterrence(perceived_defender=DEFENDER_TRUE), concepts=["nash", "seq"], concept_for_choice="seq")
    assert [o.label for o in h.outcomes] == ["steady"]
    assert h.outcomes[0].states == [1]
    assert all(x.label != "unsteady" for x in h.perceived_equilibria)
    assert h.to_dict()["perceived"]["challenger"]["perceives_truth"] is True
    # and with no perception at all
    h0 = analyze_hypergame(deterrence(perceived_defender=None), concepts=["seq"], concept_for_choice="seq")
    assert [o.label for o in h0.outcomes] == ["steady"]


def test_the_mediator_story_labels_the_perceived_equilibrium_unsteady():
    h = analyze_hypergame(deterrence(), concepts=["seq"], concept_for_choice="seq")
    by_state = {x.state: x for x in h.perceived_equilibria}
    assert by_state[2].perceived_by == ["challenger"] and by_state[2].label == "unsteady"
    assert by_state[1].label == "unforeseen"     # peace holds, but the challenger did not see it
    # Takahashi-Fraser-Hipel hypergame equilibria: stable for each DM in its own game
    assert h.hypergame_equilibria["seq"] == [4]


@st.composite
def small_conflicts(draw):
    n_a = draw(st.integers(1, 2))
    n_b = draw(st.integers(1, 2))
    m = 1 << (n_a + n_b)
    perm_a = draw(st.permutations(list(range(1, m + 1))))
    perm_b = draw(st.permutations(list(range(1, m + 1))))
    cut = draw(st.integers(1, m))
    ranking_b = Ranking([list(perm_b[:cut])] + [[s] for s in perm_b[cut:]])   # a tie group at the top
    return Conflict("random", [
        DecisionMaker("a", [Option(f"o{k}", "a") for k in range(n_a)], Ranking([[s] for s in perm_a])),
        DecisionMaker("b", [Option(f"p{k}", "b") for k in range(n_b)], ranking_b),
    ])


@settings(max_examples=40, deadline=None)
@given(small_conflicts(), st.sampled_from(["nash", "gmr", "smr", "seq"]))
def test_perceiving_the_truth_never_gives_misperception_labels(conflict, concept):
    truth = {dm.name: dm.preference for dm in conflict.decision_makers}
    conflict.perceptions = {"a": Perception("a", preferences={"b": truth["b"]}),
                            "b": Perception("b", preferences={"a": truth["a"]})}
    h = analyze_hypergame(conflict, concepts=[concept], concept_for_choice=concept)
    assert {o.label for o in h.outcomes} <= {"steady", "unstable", "infeasible"}
    assert all(x.label == "steady" for x in h.perceived_equilibria)
    real = analyze(conflict, concepts=[concept])
    for dm in ("a", "b"):
        assert h.perceived[dm].equilibria == real.equilibria
    assert h.hypergame_equilibria[concept] == real.equilibria[concept]


@settings(max_examples=40, deadline=None)
@given(small_conflicts(), st.sampled_from(["nash", "seq"]))
def test_choices_are_the_most_preferred_perceived_equilibria(conflict, concept):
    conflict.perceptions = {"a": Perception("a", preferences={"b": Ranking([[s] for s in range(
        1, 1 + (1 << len(conflict.options)))])})}
    h = analyze_hypergame(conflict, concepts=[concept], concept_for_choice=concept)
    for k, dm in enumerate(("a", "b")):
        eq = h.perceived[dm].equilibria[concept]
        levels = h.reality.compiled.game.levels[k]
        if eq:
            best = max(levels[s - 1] for s in eq)
            assert h.choices[dm].states == [s for s in eq if levels[s - 1] == best]
        for s in h.choices[dm].states:
            assert h.perceived[dm].is_stable(s, dm, concept)
    for o in h.outcomes:
        assert o.label in LABELS


# -- unseen states -----------------------------------------------------------------------------
def test_unseen_states_create_equilibria_that_vanish_with_awareness():
    h = analyze_hypergame(covert(), concepts=["nash", "seq"], concept_for_choice="nash")
    real = h.reality.equilibria["nash"]
    assert real == [3]
    # a perceives only states 1 and 2 (y not taken); in its game, b cannot move to y at all
    pa = h.perceived["a"]
    assert isinstance(pa, PerceivedAnalysis) and pa.perceived_states == [1, 2]
    assert pa.equilibria["nash"] == [2] and 2 not in real
    assert pa.verdict(2, "b", "nash").sanctions == []            # b's move to 4 is unseen by a
    with pytest.raises(DetenteError):
        pa.verdict(4, "a", "nash")
    # in reality a cannot move from state 4, which it does not perceive: a new equilibrium
    assert h.aware.equilibria["nash"] == [3, 4]
    assert h.aware.verdict(4, "a", "nash").sanctions == []
    assert h.reality.verdict(4, "a", "nash").stable is False
    # with awareness, both extra equilibria vanish
    h2 = analyze_hypergame(covert(aware=True), concepts=["nash", "seq"], concept_for_choice="nash")
    assert h2.perceived["a"].equilibria["nash"] == real
    assert h2.aware.equilibria["nash"] == real


def test_covert_option_gives_a_stealthy_outcome_that_awareness_removes():
    h = analyze_hypergame(covert(), concepts=["nash", "seq"], concept_for_choice="nash")
    [o] = h.outcomes
    assert o.states == [4] and o.label == "stealthy"
    assert o.stable_with_awareness["nash"] is True and o.stable_in_reality["nash"] is False
    assert "a does not perceive state 4" in o.summary()
    h2 = analyze_hypergame(covert(aware=True), concepts=["nash"], concept_for_choice="nash")
    assert [(o.states, o.label) for o in h2.outcomes] == [([3], "steady")]


def test_unaware_of_its_own_option_a_dm_stays_put():
    # a can escalate (z) and would like to, but does not know it can: state 1 becomes an equilibrium
    c = Conflict("own", [
        DecisionMaker("a", [Option("z", "a")], Prioritization(["a.z", "b.w"])),
        DecisionMaker("b", [Option("w", "b")], Prioritization(["not b.w"])),
    ], perceptions={"a": Perception("a", unaware_options=["a.z"])})
    h = analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    assert h.reality.equilibria["nash"] == [2]
    assert h.aware.equilibria["nash"] == [1, 2]        # state 2 is frozen for a, state 1 too
    assert h.perceived["a"].equilibria["nash"] == [1]
    assert [(o.states, o.label) for o in h.outcomes] == [([1], "stealthy")]


@pytest.mark.parametrize("concepts", [["nash", "gmr", "smr", "seq"], ["sim", "seqsim"]])
def test_a_perceived_game_equals_the_model_with_unseen_states_removed(concepts):
    # an independent check: make the unseen states infeasible and renumber
    def build(**kw):
        return Conflict("three", [
            DecisionMaker("a", [Option("x", "a"), Option("x2", "a")],
                          Prioritization(["a.x iff b.y", "not c.v", "a.x2"])),
            DecisionMaker("b", [Option("y", "b")], Prioritization(["b.y iff c.v", "a.x"])),
            DecisionMaker("c", [Option("v", "c"), Option("u", "c")], Prioritization(["c.u", "a.x2 iff c.v"])),
        ], **kw)

    h = analyze_hypergame(build(perceptions={"b": Perception("b", unaware_options=["c.u"],
                                                             unaware_states=[2])}), concepts=concepts, concept_for_choice=concepts[0])
    full = h.reality.compiled.space.codes            # state 2 is code 1: only a.x taken
    removed = ["a.x and not a.x2 and not b.y and not c.v and not c.u", "c.u"]
    small = analyze(build(feasibility=Feasibility(infeasible=removed)), concepts=concepts)
    small_codes = small.compiled.space.codes
    pb = h.perceived["b"]
    for c in concepts:
        mapped = sorted(int(np.searchsorted(full, small_codes[s - 1])) + 1 for s in small.equilibria[c])
        assert pb.equilibria[c] == mapped, c


@settings(max_examples=60, deadline=None)
@given(small_conflicts(), st.data())
def test_perceived_games_match_removing_the_unseen_states(conflict, data):
    m = 1 << len(conflict.options)
    unseen = data.draw(st.lists(st.integers(1, m), max_size=m - 1, unique=True))
    conflict.perceptions = {"a": Perception("a", unaware_states=unseen)}
    concepts = ["nash", "gmr", "smr", "seq", "sim", "seqsim"]
    h = analyze_hypergame(conflict, concepts=concepts, concept_for_choice="seq")
    codes = h.reality.compiled.space.codes
    # the same game with the unseen states made infeasible (state s has code s - 1 here)
    cut = copy.deepcopy(conflict)
    cut.perceptions = {}
    keys = [o.key for o in conflict.options]
    cut.feasibility = Feasibility(infeasible=[
        " and ".join(k if (s - 1) >> b & 1 else f"not {k}" for b, k in enumerate(keys)) for s in unseen])
    kept = [s for s in range(1, m + 1) if s not in unseen]
    # rankings name states by number: renumber them for the smaller model
    for dm in cut.decision_makers:
        dm.preference = Ranking([[kept.index(s) + 1 for s in g if s in kept] for g in dm.preference.order
                                 if any(s in kept for s in g)])
    small = analyze(cut, concepts=concepts)
    for c in concepts:
        assert h.perceived["a"].equilibria[c] == [kept[s - 1] for s in small.equilibria[c]], c
    assert np.array_equal(codes, np.arange(m))


# -- parameters --------------------------------------------------------------------------------
def test_perceived_parameters_change_the_others_but_not_the_perceivers_own_preferences():
    c = Conflict("params", [
        DecisionMaker("a", [Option("x", "a")], Payoff("cost * a.x + b.y")),
        DecisionMaker("b", [Option("y", "b")], Payoff("cost * b.y + a.x")),
    ], parameters={"cost": -1.0}, perceptions={"a": Perception("a", parameters={"cost": 1.0})})
    h = analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    true_levels = h.reality.compiled.game.levels
    pa_levels = h.perceived["a"].compiled.game.levels
    assert np.array_equal(pa_levels[0], true_levels[0])          # a keeps its own true payoff
    assert not np.array_equal(pa_levels[1], true_levels[1])      # b, as a believes, likes y
    assert h.perceived["a"].equilibria["nash"] == [3]
    d = h.to_dict()["perceived"]["a"]["differences"]
    assert d["parameters"] == {"cost": {"true": -1.0, "perceived": 1.0}}
    assert d["preferences"] == ["b"]


# -- second level ------------------------------------------------------------------------------
def test_second_level_predicts_the_others_choice():
    # the defender correctly believes the challenger misreads it: it predicts the advance
    h = analyze_hypergame(deterrence(of_others=Perception("challenger", preferences={"defender": NEVER_RETALIATES})),
                          concepts=["seq"], concept_for_choice="seq")
    [x] = h.second_level
    assert (x.dm, x.about) == ("defender", "challenger")
    assert x.predicted.settings == [{"challenger.advance": True}]
    assert x.correct is True
    assert x.equilibria["seq"] == [2]
    # a defender that assumes the challenger sees the truth expects peace, and is wrong
    h2 = analyze_hypergame(deterrence(of_others=Perception("challenger", preferences={"defender": DEFENDER_TRUE})),
                           concepts=["seq"], concept_for_choice="seq")
    [y] = h2.second_level
    assert y.predicted.settings == [{"challenger.advance": False}]
    assert y.correct is False
    assert "wrong" in y.summary()


def test_second_level_respects_what_k_believes_j_cannot_see():
    c = covert(aware=True)
    c.perceptions = {"b": Perception("b", of_others={"a": Perception("a", unaware_options=["b.y"])})}
    h = analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    [x] = h.second_level
    assert x.equilibria["nash"] == [2]
    assert x.predicted.settings == [{"a.x": True}]
    assert x.correct is False                     # in truth a sees b.y and picks x = N


# -- output ------------------------------------------------------------------------------------
def test_json_shape():
    h = analyze_hypergame(deterrence(of_others=Perception("challenger")), concepts=["nash", "seq"], concept_for_choice="seq")
    d = json.loads(json.dumps(h.to_dict()))
    assert d["concept"] == "seq"
    assert set(d["perceived"]) == {"challenger", "defender"}
    assert d["perceived"]["challenger"]["equilibria"]["seq"] == [2]
    for o in d["outcomes"]:
        assert isinstance(o["states"], list) and all(isinstance(s, int) for s in o["states"])
        assert o["label"] in LABELS
        assert set(o["stable_in_reality"]) == {"nash", "seq"}
    assert d["second_level"][0]["about"] == "challenger"
    assert "hypergame_equilibria" in d and "perceived_equilibria" in d
    text = h.summary()
    assert "UNSTEADY" in text and "Second level" in text


def test_ties_give_every_combination_and_clashes_are_infeasible():
    c = Conflict("ties", [
        DecisionMaker("a", [Option("x", "a")], Ranking([[1, 2, 3]])),
        DecisionMaker("b", [Option("y", "b")], Ranking([[1, 2, 3]])),
    ], feasibility=Feasibility(infeasible=["a.x and b.y"]))
    h = analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    # everything is an equilibrium and equally liked: both settings for each DM
    assert len(h.outcomes) == 4
    assert sorted(o.label for o in h.outcomes) == ["infeasible", "steady", "steady", "steady"]


def test_graph_form_uses_the_common_choice():
    g = Conflict("g", [
        DecisionMaker("a", [], Ranking([[2], [1], [3]])),
        DecisionMaker("b", [], Ranking([[1], [2], [3]])),
    ], graph=GraphForm(["s1", "s2", "s3"], {"a": [(1, 2), (3, 2)], "b": [(2, 3), (3, 1)]}),
        perceptions={"a": Perception("a", preferences={"b": Ranking([[2], [1], [3]])})})
    h = analyze_hypergame(g, concepts=["nash"], concept_for_choice="nash")
    assert h.perceived["a"].equilibria["nash"] == [2]
    for o in h.outcomes:
        assert o.label in LABELS
        assert o.options is None and "options" not in o.to_dict()


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("perception, field", [
    ({"nobody": Perception("nobody")}, "perceptions.nobody"),
    ({"a": Perception("a", unaware_options=["b.nope"])}, "perceptions.a.unaware_options[0]"),
    ({"a": Perception("a", unaware_states=[9])}, "perceptions.a.unaware_states[0]"),
    ({"a": Perception("a", preferences={"a": Prioritization(["a.x"])})}, "perceptions.a.preferences.a"),
    ({"a": Perception("a", preferences={"zed": Prioritization(["a.x"])})}, "perceptions.a.preferences.zed"),
    ({"a": Perception("a", parameters={"nope": 1.0})}, "perceptions.a.parameters"),
    ({"a": Perception("a", unaware_options=["a.x", "b.y"], unaware_states=[1])}, "perceptions.a"),
    ({"a": Perception("a", of_others={"a": Perception("a")})}, "perceptions.a.of_others.a"),
])
def test_bad_perceptions_are_clear_errors(perception, field):
    c = covert(aware=True)
    c.perceptions = perception
    c.source = "scenario.yaml"
    with pytest.raises(DetenteError) as err:
        analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    assert err.value.field == field
    assert str(err.value).startswith("scenario.yaml, field")


def test_an_error_in_a_perceived_preference_points_at_the_perception():
    c = covert(aware=True)
    c.perceptions = {"a": Perception("a", preferences={"b": Prioritization(["b.y", "b.nope"])})}
    c.source = "scenario.yaml"
    with pytest.raises(DetenteError) as err:
        analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    assert err.value.field == "perceptions.a.preferences.b.prioritization[1]"
    c.perceptions = {"b": Perception("b", of_others={"a": Perception("a", preferences={"b": Ranking([[1]])})})}
    with pytest.raises(DetenteError) as err:
        analyze_hypergame(c, concepts=["nash"], concept_for_choice="nash")
    assert err.value.field == "perceptions.b.of_others.a.preferences.b.ranking"


def test_graph_form_rejects_unaware_options():
    g = Conflict("g", [DecisionMaker("a", [], Ranking([[1], [2]])), DecisionMaker("b", [], Ranking([[2], [1]]))],
                 graph=GraphForm(["s1", "s2"], {"a": [(1, 2)], "b": [(2, 1)]}),
                 perceptions={"a": Perception("a", unaware_options=["b.y"])})
    with pytest.raises(ModelError, match="option-form"):
        analyze_hypergame(g, concepts=["nash"], concept_for_choice="nash")


def test_unknown_concept_is_an_error():
    with pytest.raises(DetenteError):
        analyze_hypergame(covert(), concepts=["nash"], concept_for_choice="bogus")


# -- typed results: the same content as the plain data they replaced -------------------------------
GOLDEN = Path(__file__).with_name("golden") / "hypergame.json"
"""``to_dict()`` and ``summary()`` as the analysis gave them when it returned plain dicts."""


def golden_cases() -> dict:
    import detente

    uk = detente.load(Path(__file__).resolve().parents[2] / "examples" / "ukraine-ceasefire.yaml")
    covert2 = covert(aware=True)
    covert2.perceptions = {"b": Perception("b", of_others={"a": Perception("a", unaware_options=["b.y"])})}
    return {
        "uk": (uk, {}),
        "uk_nash": (uk, {"concepts": ["nash", "gmr"], "concept_for_choice": "nash"}),
        "det": (deterrence(), {"concepts": ["nash", "gmr", "smr", "seq"], "concept_for_choice": "seq"}),
        "det2": (deterrence(of_others=Perception("challenger", preferences={"defender": NEVER_RETALIATES})),
                 {"concepts": ["seq"], "concept_for_choice": "seq"}),
        "det3": (deterrence(of_others=Perception("challenger", preferences={"defender": DEFENDER_TRUE})),
                 {"concepts": ["seq", "nash"], "concept_for_choice": "seq"}),
        "covert": (covert(), {"concepts": ["nash", "seq"], "concept_for_choice": "nash"}),
        "covert2": (covert2, {"concepts": ["nash"], "concept_for_choice": "nash"}),
        "ties": (Conflict("ties", [DecisionMaker("a", [Option("x", "a")], Ranking([[1, 2, 3]])),
                                   DecisionMaker("b", [Option("y", "b")], Ranking([[1, 2, 3]]))],
                          feasibility=Feasibility(infeasible=["a.x and b.y"])),
                 {"concepts": ["nash"], "concept_for_choice": "nash"}),
        "own": (Conflict("own", [DecisionMaker("a", [Option("z", "a")], Prioritization(["a.z", "b.w"])),
                                 DecisionMaker("b", [Option("w", "b")], Prioritization(["not b.w"]))],
                         perceptions={"a": Perception("a", unaware_options=["a.z"])}),
                {"concepts": ["nash"], "concept_for_choice": "nash"}),
        "params": (Conflict("params", [DecisionMaker("a", [Option("x", "a")], Payoff("cost * a.x + b.y")),
                                       DecisionMaker("b", [Option("y", "b")], Payoff("cost * b.y + a.x"))],
                            parameters={"cost": -1.0}, perceptions={"a": Perception("a", parameters={"cost": 1.0})}),
                   {"concepts": ["nash", "seq"], "concept_for_choice": "nash"}),
    }


@pytest.mark.parametrize("name", sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))))
def test_typed_results_keep_the_plain_data_and_the_narrative(name):
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    conflict, kw = golden_cases()[name]
    h = analyze_hypergame(conflict, **kw)
    new = json.loads(json.dumps(h.to_dict()))
    # a DM without a perception used to get {} for its differences; now the empty shape
    for dm, v in old["to_dict"]["perceived"].items():
        if v["differences"] == {}:
            assert new["perceived"][dm]["differences"] == {"preferences": [], "parameters": {},
                                                           "unaware_options": [], "unaware_states": []}
            v["differences"] = new["perceived"][dm]["differences"]
    assert new == old["to_dict"]
    assert h.summary() == old["summary"]


def test_results_are_typed_data_with_the_prose_kept_apart():
    import dataclasses

    from detente.analysis import narrative
    from detente.analysis.hypergame import (Departure, HypergameOutcome, PerceivedEquilibrium, PerceivedView,
                                            SecondLevelView)

    h = analyze_hypergame(deterrence(of_others=Perception("challenger", preferences={"defender": DEFENDER_TRUE})),
                          concepts=["nash", "seq"], concept_for_choice="seq")
    [o] = h.outcomes
    assert isinstance(o, HypergameOutcome) and dataclasses.is_dataclass(o)
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.label = "steady"  # type: ignore[misc]
    # the reason is data: who moves, where to, which options change
    assert o.departure == Departure("defender", 2, 4, "seq", {"defender.retaliate": True})
    assert o.departure.summary() == "defender would move to state 4 (defender.retaliate N→Y) and no sanction deters it."
    assert o.to_dict()["explanation"] == o.explain() == narrative.outcome_explanation(o)
    assert all(isinstance(x, PerceivedEquilibrium) for x in h.perceived_equilibria)
    views = h.views
    assert isinstance(views["challenger"], PerceivedView)
    assert views["challenger"].differences.preferences == ["defender"] and not views["challenger"].perceives_truth
    assert views["defender"].perceives_truth and not views["defender"].differences.differs
    [x] = h.second_level
    assert isinstance(x, SecondLevelView) and x.predicted.settings == [{"challenger.advance": False}]
    assert x.actual.settings == [{"challenger.advance": True}] and x.correct is False
    # the top-level result answers like the others: equilibria by concept, 1-based states
    assert h.equilibria == h.hypergame_equilibria == {"nash": [4], "seq": [4]}
    assert "defender" not in narrative.perception_text(views["defender"].differences)


def test_a_perceived_parameter_the_model_lacks_is_described():
    from detente.analysis.hypergame import ParameterMisperception, PerceptionDifferences
    from detente.analysis.narrative import perception_text

    # the model has no true value to compare with: no "(true ...)" part, and no crash
    assert perception_text(PerceptionDifferences(parameters={"k": ParameterMisperception(None, 2.0)})) == "k=2"
