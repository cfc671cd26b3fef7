"""The briefing's text lays out the briefing's results; where a sweep tips is computed by brief()."""

from __future__ import annotations

import json

import detente
from detente.analysis import equilibria
from detente.analysis.briefing import FocalTipping
from detente.model import Conflict, DecisionMaker, Option, Payoff, SweepSpec
from detente.report.briefing import briefing_text


def deterrence(k: float = 1.0) -> Conflict:
    """a gains t by going; b's punishment costs a k and b 0.5, so b never carries it out: a holds
    back under SEQ only for t <= 0, under GMR (the threat counts) for t <= k."""
    return Conflict("deterrence", [DecisionMaker("a", [Option("go", "a")], Payoff("t * a.go - k * b.punish")),
                                   DecisionMaker("b", [Option("punish", "b")], Payoff("-0.5 * b.punish"))],
                    parameters={"t": 1.5, "k": k}, outcomes={"calm": "not a.go and not b.punish"}, status_quo=1,
                    sweeps=[SweepSpec("t", -1.0, 2.0, 7)])


def test_brief_locates_where_the_rejecting_party_holds_and_the_sanction_between(monkeypatch):
    b = detente.brief(deterrence(), outcome="calm")
    assert len(b.tippings) == 1
    t = b.tippings[0]
    assert isinstance(t, FocalTipping) and (t.dm, t.sweep, t.concept, t.holds_below) == ("a", 0, "seq", True)
    assert abs(t.value) < 1e-3 and t.wider == "gmr" and abs(t.wider_value - 1) < 1e-3
    assert t.deterred == 2 and t.sanction_path == [("b", 4)]
    json.dumps(b.to_dict()["tippings"])

    def forbidden(*args, **kwargs):
        raise AssertionError("the text ran an analysis")

    monkeypatch.setattr(equilibria, "analyze", forbidden)
    text = briefing_text(b)
    assert ("Along t, it holds for a under SEQ below 0.0002441. Between 0.0002441 and 1 only GMR deters its "
            "move to 2: the sanction (b to 4) exists but is not credible") in text


def test_the_midpoint_keeps_the_parameters_set_by_the_caller():
    """The verdict between the two thresholds is taken with the caller's other parameters too."""
    assert all(t.wider is None for t in detente.brief(deterrence(k=0.0), outcome="calm").tippings)
    set_by_caller = detente.brief(deterrence(k=0.0), outcome="calm", parameters={"k": 1.0})
    assert [(t.wider, t.deterred) for t in set_by_caller.tippings] == [("gmr", 2)]
