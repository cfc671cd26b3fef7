"""Coalition analysis: which groups of decision makers can break an equilibrium by moving jointly.

Two views are offered, both used in practice:

- **Inohara & Hipel (2008) coalition stability** (:func:`coalition_stability`). A coalition H
  (two or more DMs) keeps its members as separate movers: its joint moves are the legal
  sequences of its members' unilateral moves (no DM twice in succession), R_H(s). Its
  *coalitional improvements* are

      R_H^{++}(s) = {q ∈ R_H(s) : q ≻_j s for every j ∈ H}.

  For a state s and a coalition H, with N−H the DMs outside H moving as individuals:

  ========  ================================================================================
  concept   s is stable for H iff
  ========  ================================================================================
  CNash     R_H^{++}(s) = ∅
  CGMR      every s1 ∈ R_H^{++}(s) has some s2 ∈ R_{N−H}(s1) with s ≿_j s2 for some j ∈ H
  CSMR      ... with s ≿_j s2 for some j ∈ H, and every s3 ∈ R_H(s2) has s ≿_k s3 for some k ∈ H
  CSEQ      ... some s2 ∈ R^+_{N−H}(s1) (each step a UI of its mover) with s ≿_j s2 for some j ∈ H
  ========  ================================================================================

  A sanction deters a joint move when, after it, not every member is better off than at s:
  the member who is not will not join. For |H| = 1 these are exactly Nash, GMR, SMR and SEQ.
  A state is a *coalitional equilibrium* under a concept when it is an equilibrium of the
  usual kind and stable for every coalition analysed.

- **Merged DMs, the GMCR+ view** (:func:`merged_analysis`). A coalition structure partitions
  the DMs; each block acts as one DM. In option form a block's move changes any of its
  members' options at once (feasibly, respecting irreversibility); in graph form it is a legal
  sequence of its members' moves. A block improves only when every member strictly gains, and a
  state is deterred for a block when some member is no better off. Stability then follows the
  usual definitions with blocks in place of DMs (sanctions are legal sequences of the other
  blocks' moves; for SEQ each step strictly improves every member of the block making it).

Sources: Inohara, T. & Hipel, K. W., "Coalition analysis in the graph model for conflict
resolution", Systems Engineering 11(4), 2008; Kilgour, Hipel, Fang & Peng, "Coalition analysis
in group decision support", Group Decision and Negotiation 10(2), 2001; the coalition
reachability rules of Xu, Hipel, Kilgour & Fang, *Conflict Resolution Using the Graph Model*
(Springer 2018).

>>> import detente
>>> from detente.analysis.coalitions import coalition_stability
>>> res = coalition_stability(detente.examples.prisoners_dilemma())
>>> res.equilibria["nash"], res.coalition_equilibria["nash"]     # both defecting; the pair can escape
([1], [])
>>> [b["coalition"] for b in res.breakers(1, "nash")]
[['alice', 'bob']]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.stability import CONCEPT_LABELS, normalize_concepts, stability
from ..errors import DetenteError, ModelError
from ..engine.coalition import CoalitionReach, LevelReach, merged_stable
from ..model import Conflict
from .common import DEFAULT_CONCEPTS, as_compiled, coalition_list, coalition_names, dm_indices, state_list
from .compile import Compiled

SEQUENTIAL_CONCEPTS = ("nash", "gmr", "smr", "seq")


# -- Inohara & Hipel coalition stability -----------------------------------------------------------
@dataclass
class CoalitionAnalysis:
    """Coalition stability (Inohara & Hipel 2008) for a set of coalitions; see the module docstring.

    ``stable[concept][H]`` is a boolean array over states (0-based) for coalition H (a tuple of
    DM indices); ``individual[concept]`` the usual per-DM stability. Public state numbers are 1-based.
    """

    compiled: Compiled
    concepts: list[str]
    coalitions: list[tuple[int, ...]]
    stable: dict[str, dict[tuple[int, ...], np.ndarray]]
    individual: dict[str, np.ndarray]
    engine: CoalitionReach | None = field(default=None, repr=False)
    _searches: dict[tuple[tuple[int, ...], int], LevelReach] = field(default_factory=dict, repr=False)

    @property
    def dm_names(self) -> list[str]:
        return self.compiled.game.dm_names

    def names(self, members: Sequence[int]) -> list[str]:
        return coalition_names(self.compiled, members)

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """The usual (non-cooperative) equilibria, per concept (1-based)."""
        return {c: (np.flatnonzero(self.individual[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    def _coalition_mask(self, c: str) -> np.ndarray:
        mask = np.asarray(self.individual[c].all(axis=0)).copy()
        for h in self.coalitions:
            mask &= self.stable[c][h]
        return mask

    @property
    def coalition_equilibria(self) -> dict[str, list[int]]:
        """States stable for every DM and every analysed coalition, per concept (1-based)."""
        return {c: (np.flatnonzero(self._coalition_mask(c)) + 1).tolist() for c in self.concepts}

    def stable_states(self, coalition: Iterable[str | int], concept: str) -> list[int]:
        """State numbers stable for one analysed coalition."""
        c = normalize_concepts([concept])[0]
        h = dm_indices(self.compiled, coalition)
        if h not in self.stable.get(c, {}):
            raise ModelError(f"coalition {self.names(h)} was not analysed under {CONCEPT_LABELS[c]}",
                             field="coalitions")
        return (np.flatnonzero(self.stable[c][h]) + 1).tolist()

    def breakers(self, state: int, concept: str) -> list[dict[str, Any]]:
        """Coalitions for which ``state`` (1-based) is unstable, each with a coalitional
        improvement that no sanction deters and the joint legal sequence that reaches it."""
        c = normalize_concepts([concept])[0]
        t = _index(self.compiled, state)
        game = self.compiled.game
        out = []
        for h in self.coalitions:
            if self.stable[c][h][t]:
                continue
            witness = self._unanswered(h, t, c)
            reach = self._search(h, t)
            steps = [{"mover": game.dm_names[mv], "state": st + 1} for mv, st in reach.path(witness)]
            out.append({
                "coalition": self.names(h),
                "improvement": witness + 1,
                "path": steps,
                "levels": {game.dm_names[i]: [int(game.levels[i, t]), int(game.levels[i, witness])] for i in h},
            })
        return out

    def _unanswered(self, h: tuple[int, ...], t: int, c: str) -> int:
        """A coalitional improvement of h from t that no sanction deters (h is unstable at t)."""
        game = self.compiled.game
        imp = self._imp_row(h, t)
        if c == "nash":
            return int(imp[0])
        others = [j for j in range(game.n_dms) if j not in h]
        lv = game.levels[list(h)]
        if c in ("gmr", "seq") and others:
            # s1 is unanswered iff every member's minimum over what the others reach from s1
            # (by improving steps, for SEQ) is still above its level at t
            engine = self._engine()
            Y = np.stack([engine.sanction_min(others, j, c == "seq") for j in h])
            unanswered = imp[(Y[:, imp] > lv[:, [t]]).all(axis=0)]
            if unanswered.size:
                return int(unanswered[0])
            raise AssertionError("no unanswered coalitional improvement")  # pragma: no cover
        if not others:                # nothing answers the grand coalition
            return int(imp[0])
        # SMR: s1 is unanswered iff from every s2 the others reach from s1, the coalition can
        # move on (jointly, or by staying) to a state every member prefers to t
        engine = self._engine()
        beats = np.asarray((lv > lv[:, [t]]).all(axis=0))
        escape = engine.dag(h).closure_of_states(beats, np.bitwise_or)
        cornered = engine.dag(others).closure_of_states(escape, np.bitwise_and)
        unanswered = imp[cornered[imp]]
        if unanswered.size:
            return int(unanswered[0])
        raise AssertionError("no unanswered coalitional improvement")  # pragma: no cover

    def _engine(self) -> CoalitionReach:
        if self.engine is None:
            self.engine = CoalitionReach(self.compiled.game)
        return self.engine

    def _search(self, h: tuple[int, ...], t: int) -> LevelReach:
        """The breadth-first search of R_h(t), kept for the last few states asked about."""
        key = (h, t)
        if key not in self._searches:
            if len(self._searches) >= 64:
                self._searches.pop(next(iter(self._searches)))
            self._searches[key] = LevelReach(self.compiled.game.moves, h, t)
        return self._searches[key]

    def _imp_row(self, h: tuple[int, ...], t: int) -> np.ndarray:
        game = self.compiled.game
        reach = self._search(h, t)
        lv = game.levels[list(h)]
        states = np.asarray(reach.states_in_order(), dtype=np.int64)
        if states.size == 0:
            return states
        return states[(lv[:, states] > lv[:, [t]]).all(axis=0)]

    def coalitional_improvements(self, coalition: Iterable[str | int], state: int) -> list[int]:
        """R_H^{++}(state): the states every member strictly prefers that H can reach jointly."""
        h = dm_indices(self.compiled, coalition)
        return (self._imp_row(h, _index(self.compiled, state)) + 1).tolist()

    @property
    def broken(self) -> dict[str, dict[int, list[list[str]]]]:
        """{concept: {equilibrium: [coalitions that break it]}} for every usual equilibrium."""
        out: dict[str, dict[int, list[list[str]]]] = {}
        for c in self.concepts:
            out[c] = {}
            for s in np.flatnonzero(self.individual[c].all(axis=0)).tolist():
                out[c][s + 1] = [self.names(h) for h in self.coalitions if not self.stable[c][h][s]]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (1-based states; coalitions as lists of DM names)."""
        return {
            "conflict": self.compiled.conflict.name,
            "decision_makers": self.dm_names,
            "concepts": list(self.concepts),
            "coalitions": [self.names(h) for h in self.coalitions],
            "equilibria": self.equilibria,
            "coalition_equilibria": self.coalition_equilibria,
            "stability": {c: [{"coalition": self.names(h),
                               "stable_states": (np.flatnonzero(self.stable[c][h]) + 1).tolist()}
                              for h in self.coalitions] for c in self.concepts},
            "broken": {c: {str(s): [{"coalition": b["coalition"], "improvement": b["improvement"],
                                     "path": b["path"]} for b in self.breakers(s, c)]
                           for s in self.broken[c]} for c in self.concepts},
        }

    def summary(self) -> str:
        """A short plain-language account: which coalitions break which equilibria."""
        lines = [f"Coalition analysis of {self.compiled.conflict.name} "
                 f"({len(self.coalitions)} coalition(s) analysed)"]
        for c in self.concepts:
            label = CONCEPT_LABELS[c]
            eq = self.equilibria[c]
            lines.append(f"{label}: equilibria {eq or 'none'}; coalitional equilibria "
                         f"{self.coalition_equilibria[c] or 'none'}")
            for s, groups in self.broken[c].items():
                for b in self.breakers(s, c):
                    who = " + ".join(b["coalition"])
                    seq = ", ".join(f"{st['mover']} → {st['state']}" for st in b["path"])
                    lines.append(f"  state {s} is broken by {who}: jointly to state {b['improvement']} ({seq}), "
                                 f"which every member prefers and no sanction deters")
        return "\n".join(lines)


def _index(compiled: Compiled, state: int) -> int:
    if not 1 <= int(state) <= compiled.n_states:
        raise DetenteError(f"state {state} does not exist: the model has states 1..{compiled.n_states}",
                           field="state")
    return int(state) - 1


def coalition_stability(conflict: Conflict | Compiled | Any, *,
                        coalitions: Iterable[Iterable[str | int]] | None = None,
                        concepts: Iterable[str] = DEFAULT_CONCEPTS,
                        parameters: Mapping[str, float] | None = None,
                        perspective: str | None = None) -> CoalitionAnalysis:
    """Coalition Nash/GMR/SMR/SEQ (Inohara & Hipel 2008) for each coalition.

    ``coalitions``: lists of DM names; by default the conflict's declared coalitions, else every
    group of two or more DMs. Singletons may be given too (they reproduce the usual concepts).

    >>> import detente
    >>> res = coalition_stability(detente.examples.chicken(), coalitions=[["a", "b"]], concepts=["nash"])
    >>> res.stable_states(["a", "b"], "nash")     # only mutual swerving has no joint improvement
    [2, 3, 4]
    """
    compiled = as_compiled(conflict, parameters, perspective)
    concepts = normalize_concepts(concepts)
    bad = [c for c in concepts if c not in SEQUENTIAL_CONCEPTS]
    if bad:
        names = ", ".join(CONCEPT_LABELS[c] for c in bad)
        raise DetenteError(f"coalition analysis supports Nash, GMR, SMR and SEQ, not {names}", field="concepts")
    game = compiled.game
    m = game.n_states
    groups = coalition_list(compiled, coalitions, min_size=1)
    from .. import limits

    limits.check_coalition_analysis(m, len(groups), source=compiled.conflict.source)
    engine = CoalitionReach(game, source=compiled.conflict.source)
    stable: dict[str, dict[tuple[int, ...], np.ndarray]] = {c: {} for c in concepts}
    for h in groups:
        for c, verdict in engine.stable(h, concepts).items():
            stable[c][h] = verdict
    individual = stability(game, concepts)
    return CoalitionAnalysis(compiled, concepts, groups, stable, individual, engine)


# -- merged DMs (GMCR+) ----------------------------------------------------------------------------
@dataclass
class MergedAnalysis:
    """Stability with a coalition structure whose blocks act as single DMs (the GMCR+ view).

    ``units`` are the blocks (tuples of DM indices, in structure order); ``stable[concept]`` is
    (n_units × m) boolean; state numbers in public results are 1-based.
    """

    compiled: Compiled
    concepts: list[str]
    units: list[tuple[int, ...]]
    stable: dict[str, np.ndarray]

    @property
    def unit_names(self) -> list[str]:
        return [" + ".join(coalition_names(self.compiled, u)) for u in self.units]

    @property
    def equilibria(self) -> dict[str, list[int]]:
        return {c: (np.flatnonzero(self.stable[c].all(axis=0)) + 1).tolist() for c in self.concepts}

    def stable_states(self, unit: Iterable[str | int], concept: str) -> list[int]:
        c = normalize_concepts([concept])[0]
        h = dm_indices(self.compiled, unit)
        if h not in self.units:
            raise ModelError(f"{coalition_names(self.compiled, h)} is not a block of the coalition structure",
                             field="structure")
        return (np.flatnonzero(self.stable[c][self.units.index(h)]) + 1).tolist()

    def summary(self) -> str:
        """Plain text: the blocks and the equilibria with blocks acting as single DMs."""
        lines = [f"{self.compiled.conflict.name}, blocks acting as one: {'; '.join(self.unit_names)}"]
        lines += [f"  {CONCEPT_LABELS[c]} equilibria: {state_list(eq)}" for c, eq in self.equilibria.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conflict": self.compiled.conflict.name,
            "structure": [coalition_names(self.compiled, u) for u in self.units],
            "concepts": list(self.concepts),
            "equilibria": self.equilibria,
            "stability": {c: {name: (np.flatnonzero(self.stable[c][k]) + 1).tolist()
                              for k, name in enumerate(self.unit_names)} for c in self.concepts},
        }


def merged_analysis(conflict: Conflict | Compiled | Any, *, structure: Iterable[Iterable[str | int]],
                    concepts: Iterable[str] = DEFAULT_CONCEPTS,
                    parameters: Mapping[str, float] | None = None,
                    perspective: str | None = None) -> MergedAnalysis:
    """Stability when each block of ``structure`` acts as one DM (DMs not named stay alone).

    >>> import detente
    >>> res = merged_analysis(detente.examples.prisoners_dilemma(), structure=[["alice", "bob"]])
    >>> res.equilibria["nash"]            # merged, only the Pareto-optimal states remain
    [2, 3, 4]
    """
    compiled = as_compiled(conflict, parameters, perspective)
    concepts = normalize_concepts(concepts)
    bad = [c for c in concepts if c not in SEQUENTIAL_CONCEPTS]
    if bad:
        names = ", ".join(CONCEPT_LABELS[c] for c in bad)
        raise DetenteError(f"merged coalition analysis supports Nash, GMR, SMR and SEQ, not {names}",
                           field="concepts")
    game = compiled.game
    m, n = game.n_states, game.n_dms
    blocks = coalition_list(compiled, structure, min_size=1, where="structure")
    seen: set[int] = set()
    for k, b in enumerate(blocks):
        if seen & set(b):
            raise ModelError(f"decision maker(s) {coalition_names(compiled, sorted(seen & set(b)))} appear in "
                             f"more than one block", field=f"structure[{k}]")
        seen |= set(b)
    units = blocks + [(j,) for j in range(n) if j not in seen]
    from .. import limits

    # the improving moves of blocks of several DMs are listed: states x 2^(the block's options),
    # or states x states in graph form
    joint = 0.0
    n_joint = sum(len(u) > 1 for u in units)
    if "seq" in concepts and (n_joint >= 2 or (n_joint == 1 and len(units) > 1)):
        for u in units:
            if len(u) > 1:
                joint += float(m) * (2.0 ** sum(len(game.dm_bits[j]) for j in u) if game.dm_bits else m)
    limits.check_coalition_analysis(m, len(units), merged=True, joint_moves=joint,
                                    source=compiled.conflict.source)
    stable = merged_stable(game, units, concepts, source=compiled.conflict.source)
    return MergedAnalysis(compiled, concepts, units, stable)


__all__ = ["coalition_stability", "CoalitionAnalysis", "merged_analysis", "MergedAnalysis"]
