"""Elmira built in code (Fang, Hipel & Kilgour 1993), shared by the analysis tests.

Option form: 12 states in GMCR+ numbering (book 5 = here 7, book 8 = here 10, book 9 = here
5, 6, 11, 12). Graph form: the book's 9 states and moves. Extra keyword arguments (status quo,
outcomes) go to the :class:`~detente.model.Conflict`.
"""

from detente.model import Conflict, DecisionMaker, Feasibility, GraphForm, Option, Ranking


def elmira_option(**extra) -> Conflict:
    return Conflict("Elmira", [
        DecisionMaker("MoE", [Option("modify", "MoE", "forward")],
                      Ranking([[9], [3], [4], [10], [7], [1], [2], [8], [5, 6, 11, 12]])),
        DecisionMaker("Uniroyal", [Option("delay", "Uniroyal", "backward"), Option("accept", "Uniroyal"),
                                   Option("abandon", "Uniroyal", "forward")],
                      Ranking([[1], [4], [10], [7], [5, 6, 11, 12], [2], [3], [9], [8]])),
        DecisionMaker("LG", [Option("insist", "LG")],
                      Ranking([[9], [3], [7], [1], [10], [8], [4], [2], [5, 6, 11, 12]])),
    ], feasibility=Feasibility(mutually_exclusive=[["delay", "accept", "abandon"]],
                               at_least_one=[["delay", "accept", "abandon"]]), **extra)


def elmira_graph(**extra) -> Conflict:
    moves = {
        "MoE": [(1, 2), (3, 4), (5, 6), (7, 8)],
        "Uniroyal": [(1, 3), (2, 4), (5, 7), (6, 8)] + [(s, 9) for s in range(1, 9)],
        "LG": [(1, 5), (5, 1), (2, 6), (6, 2), (3, 7), (7, 3), (4, 8), (8, 4)],
    }
    return Conflict("Elmira (graph)", [
        DecisionMaker("MoE", preference=Ranking([[7], [3], [4], [8], [5], [1], [2], [6], [9]])),
        DecisionMaker("Uniroyal", preference=Ranking([[1], [4], [8], [5], [9], [2], [3], [7], [6]])),
        DecisionMaker("LG", preference=Ranking([[7], [3], [5], [1], [8], [6], [4], [2], [9]])),
    ], graph=GraphForm([f"s{k}" for k in range(1, 10)], moves), **extra)
