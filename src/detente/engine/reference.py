"""A brute-force reference, written straight from the definitions, for testing the fast engine.

Nothing here is clever or fast: unilateral moves are found by comparing every pair of states,
coalition reachability follows the two rules of the definition literally (possible last movers
Ω_H(s, q)), and each solution concept is the sentence from the table, checked state by state.
Use it on small models (tens of states) to cross-check :mod:`detente.engine.stability`.

>>> R = option_form_moves([0, 1, 2, 3], [[0], [1]], ["both", "both"])
>>> sorted(R[0][0]), sorted(R[1][0])
([1], [2])
"""

from __future__ import annotations

from itertools import product
from collections.abc import Sequence


def option_form_moves(codes: Sequence[int], dm_options: Sequence[Sequence[int]],
                      modes: Sequence[str]) -> list[list[set[int]]]:
    """R[i][s]: the set of state indices DM i can move to from state index s.

    q ∈ R_i(s) iff q ≠ s, q agrees with s on every option i does not control, and no option
    changes in a forbidden direction ("forward": only N→Y; "backward": only Y→N).
    """
    m = len(codes)
    out: list[list[set[int]]] = []
    for opts in dm_options:
        own = set(opts)
        R: list[set[int]] = [set() for _ in range(m)]
        for s in range(m):
            for q in range(m):
                if q == s:
                    continue
                ok = True
                for o in range(len(modes)):
                    a, b = (codes[s] >> o) & 1, (codes[q] >> o) & 1
                    if o not in own:
                        if a != b:
                            ok = False
                            break
                    elif modes[o] == "forward" and a == 1 and b == 0:
                        ok = False
                        break
                    elif modes[o] == "backward" and a == 0 and b == 1:
                        ok = False
                        break
                if ok:
                    R[s].add(q)
        out.append(R)
    return out


def coalition_reach(R: list[list[set[int]]], H: Sequence[int], s: int,
                    levels: Sequence[Sequence[float]] | None = None) -> set[int]:
    """R_H(s) by the definition's rules (R_H^+(s) if ``levels`` given: every step a UI).

    1. j ∈ H and q ∈ R_j(s)  ⇒  q ∈ R_H(s), j ∈ Ω(s, q);
    2. q ∈ R_H(s), j ∈ H, q' ∈ R_j(q), Ω(s, q) ≠ {j}  ⇒  q' ∈ R_H(s), j ∈ Ω(s, q').
    """
    def moves(j: int, x: int) -> set[int]:
        if levels is None:
            return R[j][x]
        return {q for q in R[j][x] if levels[j][q] > levels[j][x]}

    omega: dict[int, set[int]] = {}
    for j in H:
        for q in moves(j, s):
            omega.setdefault(q, set()).add(j)
    changed = True
    while changed:
        changed = False
        for q in list(omega):
            for j in H:
                if omega[q] == {j}:
                    continue
                for q2 in moves(j, q):
                    lasts = omega.setdefault(q2, set())
                    if j not in lasts:
                        lasts.add(j)
                        changed = True
    return set(omega)


def stable(R: list[list[set[int]]], levels: Sequence[Sequence[float]], i: int, s: int, concept: str,
           codes: Sequence[int] | None = None, dm_options: Sequence[Sequence[int]] | None = None) -> bool:
    """Is state s stable for DM i under ``concept``? Straight from the definitions table."""
    u = levels[i]
    n = len(R)
    others = [j for j in range(n) if j != i]
    uis = [q for q in R[i][s] if u[q] > u[s]]
    if concept == "nash":
        return not uis
    if concept == "gmr":
        return all(any(u[s2] <= u[s] for s2 in coalition_reach(R, others, s1)) for s1 in uis)
    if concept == "smr":
        return all(any(u[s2] <= u[s] and all(u[s3] <= u[s] for s3 in R[i][s2])
                       for s2 in coalition_reach(R, others, s1)) for s1 in uis)
    if concept == "seq":
        return all(any(u[s2] <= u[s] for s2 in coalition_reach(R, others, s1, levels)) for s1 in uis)
    if concept in ("sim", "seqsim"):
        assert codes is not None and dm_options is not None
        index = {c: k for k, c in enumerate(codes)}
        choice_lists = []
        for j in others:
            t = R[j][s] if concept == "sim" else {q for q in R[j][s] if levels[j][q] > levels[j][s]}
            choice_lists.append([None] + sorted(t))
        for s1 in uis:
            answered = False
            for combo in product(*choice_lists):
                if all(c is None for c in combo):
                    continue
                code = codes[s1]
                for j, q in zip(others, combo):
                    if q is None:
                        continue
                    for o in dm_options[j]:
                        code = (code & ~(1 << o)) | (codes[q] & (1 << o))
                if code in index and u[index[code]] <= u[s]:
                    answered = True
                    break
            if not answered:
                return False
        return True
    raise ValueError(concept)


def stability_table(R, levels, concepts=("nash", "gmr", "smr", "seq"), codes=None, dm_options=None):
    """{concept: [[stable for DM i at state s, ...] for each i]} for every DM and state."""
    m = len(R[0]) if R else 0
    return {c: [[stable(R, levels, i, s, c, codes, dm_options) for s in range(m)] for i in range(len(R))]
            for c in concepts}
