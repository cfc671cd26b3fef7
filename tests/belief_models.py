"""A two-party model with a belief derived from the other party's types, shared by the tests."""

ALLY = """
name: ally and rival
parameters:
  relief: {value: 0.2, range: [0, 1], unit: "share", period: "per quarter", source: assumption}
  p_tired: {value: 0.25, range: [0, 1], label: "prior weight of a tired ally", source: assumption}
  rate: 0.5
  offer: 0.3
beliefs:
  lam:
    about: ally
    types: {steady: 1.0, tired: p_tired}
    walks_away: ally.leave
    at: start
    rate: rate
decision_makers:
  - name: ally
    options: [leave]
    preferences: {payoff: "ally.leave * (relief - 0.5)"}
  - name: rival
    options: [settle]
    preferences: {payoff: "rival.settle * offer + (not rival.settle) * lam"}
outcomes:
  start: not ally.leave and not rival.settle
  settled: not ally.leave and rival.settle
perspectives:
  steady: {description: an ally that stays}
  tired: {parameters: {relief: 0.9}}
"""
