"""GMCR+ save files (``.gmcr``, JSON) to :class:`~detente.model.Conflict` and back.

Format (as written and read by GMCR+, the open-source ``gmcr-py``, ``data_01_conflictModel.py``):

- ``options``: ``[{"name", "permittedDirection": "both"|"fwd"|"back"}]``; ``fwd`` = only N→Y
  (our ``forward``), ``back`` = only Y→N (our ``backward``);
- ``decisionMakers``: ``[{"name", "options": [0-based indices into options],
  "preferences": [condition, ...] (most important first), "preferenceRanking"?,
  "misperceptions"?}]``;
- ``infeasibles``: ``[condition, ...]``; ``useManualPreferenceRanking`` (older files:
  ``useManualPreferenceVectors`` with ``preferenceVector``); ``coalitions``; ``program``; ``version``.
- A condition is ``[[optionIndex, "Y"|"N"], ...]`` (all must hold); a compound condition is
  ``{"compound": true, "members": [condition, ...]}`` (any may hold). GMCR+'s text entry
  (``1, -3``, ``q if p``, ``q iff p``) is turned into such conditions before saving.
- Option indices in conditions refer to the file's ``options`` list. **On loading, GMCR+ moves
  options so that each DM's options are contiguous, DMs in order, each DM's options in the order
  of its ``options`` index list**, and only then numbers states (option 1 = lowest bit, feasible
  states numbered 1..m by increasing code). Rankings (``preferenceRanking``, ``preferenceVector``)
  list those state numbers best first; a nested list is a group of ties.

The importer builds the Conflict's option lists in that order, so state numbers agree with
GMCR+. Names are kept exactly as written (an empty or repeated name is numbered); expressions use
the identifiers derived from them (:mod:`detente.model.names`), made unique where two collide. The exporter also stores the full scenario under a ``"detente"`` key,
which GMCR+ ignores; on import it is used only if the GMCR+ part still matches it exactly.
"""

from __future__ import annotations

import json
import os
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from .. import limits
from ..errors import DetenteError, FileFormatError, ModelError
from ..model import Conflict, DecisionMaker, Feasibility, Option, Perception, Prioritization, Ranking
from ..model.expressions import parse
from ..model.names import identifier
from ._states import as_mask, expression_functions, feasible_codes, state_env
from .scenario import conflict_to_data, data_to_conflict, parse_json, read_text
from .validate import check_ranking, combine, validate_conflict

DIRECTIONS = {"both": "both", "fwd": "forward", "back": "backward"}
TO_DIRECTION = {v: k for k, v in DIRECTIONS.items()}
MAX_CONDITION_OPTIONS = 16
META_KEY = "detente"


# -- names ------------------------------------------------------------------------------------------
def unique_identifier(text: str, used: set[str], fallback: str) -> str:
    """The identifier derived from ``text`` (:func:`~detente.model.names.identifier`), made unique
    (case-insensitively) within ``used`` by a ``_2``, ``_3``... suffix; added to ``used``."""
    s = identifier(text, fallback)
    base, k = s, 2
    while s.lower() in used:
        s = f"{base}_{k}"
        k += 1
    used.add(s.lower())
    return s


def unique_names(names: list[str], fallback: str) -> list[str]:
    """Names as written, except an empty name (``fallback`` and its number) or a repeated one
    (``name (2)``): GMCR+ allows both, a table or JSON key needs distinct names."""
    out: list[str] = []
    seen: set[str] = set()
    for k, name in enumerate(names):
        s = name if name.strip() else f"{fallback} {k + 1}"
        base, j = s, 2
        while s.lower() in seen:
            s = f"{base} ({j})"
            j += 1
        seen.add(s.lower())
        out.append(s)
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text):,} characters)"


# -- reading helpers --------------------------------------------------------------------------------
class _Reader:
    """Collects problems with their field paths while reading a .gmcr structure."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[DetenteError] = []

    def fail(self, reason: str, field: str | None) -> None:
        self.errors.append(FileFormatError(reason, field=field))

    def check(self) -> None:
        if self.errors:
            raise combine(self.errors, self.source)

    def index(self, value: Any, n: int, field: str, what: str = "an option index") -> int | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(f"expected {what} (a whole number), got {_shown(value)}", field)
            return None
        try:
            k = int(value)
            if isinstance(value, float) and value != k:
                raise ValueError
        except (ValueError, OverflowError):
            self.fail(f"expected {what} (a whole number), got {_shown(value)}", field)
            return None
        if not 0 <= k < n:
            things = "options" if "option" in what else "decision makers"
            self.fail(f"{what.split(' ', 1)[1]} {k} out of range: the file has {n} {things} (0..{n - 1})", field)
            return None
        return k

    def condition(self, value: Any, n: int, field: str):
        """('and', [(file_index, taken)]) or ('or', [[(file_index, taken)], ...]), or None."""
        if isinstance(value, dict):
            members = value.get("members")
            if not isinstance(members, list):
                self.fail("a compound condition needs a 'members' list of conditions", field)
                return None
            out = []
            for j, member in enumerate(members):
                lits = self.literals(member, n, f"{field}.members[{j}]")
                if lits is None:
                    return None
                out.append(lits)
            return ("or", out)
        lits = self.literals(value, n, field)
        return None if lits is None else ("and", lits)

    def literals(self, value: Any, n: int, field: str):
        if not isinstance(value, list):
            self.fail(f"expected a condition: a list of [optionIndex, \"Y\"|\"N\"] pairs, got {_shown(value)}", field)
            return None
        out = []
        ok = True
        for j, pair in enumerate(value):
            where = f"{field}[{j}]"
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                self.fail(f"expected a pair [optionIndex, \"Y\"|\"N\"], got {_shown(pair)}", where)
                ok = False
                continue
            k = self.index(pair[0], n, f"{where}[0]")
            yn = pair[1]
            if yn not in ("Y", "N"):
                self.fail(f"expected \"Y\" or \"N\", got {_shown(yn)}", f"{where}[1]")
                ok = False
            if k is None:
                ok = False
            if ok:
                out.append((k, yn == "Y"))
        return out if ok else None

    def ranking(self, value: Any, field: str):
        if not isinstance(value, list):
            self.fail(f"expected a ranking: a list of state numbers best first (ties as nested lists), "
                      f"got {_shown(value)}", field)
            return None
        order = []
        for k, entry in enumerate(value):
            group = entry if isinstance(entry, list) else [entry]
            for j, s in enumerate(group):
                if isinstance(s, bool) or not isinstance(s, int):
                    where = f"{field}[{k}]" + (f"[{j}]" if isinstance(entry, list) else "")
                    self.fail(f"expected a state number, got {_shown(s)}", where)
                    return None
            order.append(list(group))
        return order


def _conditions(r: _Reader, dm: dict, key: str, n: int, where: str) -> list:
    """The DM's list of conditions under ``key`` (preferences or misperceptions); the bad ones are
    reported to ``r`` and left out."""
    raw = dm.get(key, [])
    if not isinstance(raw, list):
        r.fail(f"expected a list of conditions, got {_shown(raw)}", f"{where}.{key}")
        return []
    conds = (r.condition(c, n, f"{where}.{key}[{j}]") for j, c in enumerate(raw))
    return [c for c in conds if c is not None]


def _condition_text(cond, keys: list[str], bit_of: list[int]) -> str:
    """Expression text for a parsed condition; ``keys[k]`` names file option k (literals are
    written in numbering order, members of a compound condition in the file's order)."""
    def conj(lits) -> str:
        if not lits:
            return "true"
        ordered = sorted(dict.fromkeys(lits), key=lambda lit: (bit_of[lit[0]], lit[1]))
        return " and ".join(keys[k] if taken else f"not {keys[k]}" for k, taken in ordered)

    kind, body = cond
    if kind == "and":
        return conj(body)
    if not body:
        return "false"
    parts = [conj(m) for m in body]
    if len(parts) == 1:
        return parts[0]
    return " or ".join(f"({p})" if " and " in p else p for p in parts)


def _condition_mask(cond, codes: np.ndarray, bit_of: list[int]) -> np.ndarray:
    """Which codes satisfy a parsed condition; ``bit_of[k]`` is file option k's bit."""
    def conj(lits) -> np.ndarray:
        ok = np.ones(codes.shape, dtype=bool)
        for k, taken in lits:
            ok &= ((codes >> bit_of[k]) & 1).astype(bool) == taken
        return ok

    kind, body = cond
    if kind == "and":
        return conj(body)
    out = np.zeros(codes.shape, dtype=bool)
    for m in body:
        out |= conj(m)
    return out


# -- import -----------------------------------------------------------------------------------------
def gmcr_to_conflict(data: Any, source: str = "<api>", use_metadata: bool = True) -> Conflict:
    """The Conflict a parsed ``.gmcr`` file describes (numbering as in GMCR+)."""
    if not isinstance(data, dict):
        raise FileFormatError("a .gmcr file is a JSON object with 'options' and 'decisionMakers'", source=source)
    if use_metadata and isinstance(data.get(META_KEY), dict):
        restored = _from_metadata(data, source)
        if restored is not None:
            return restored
    r = _Reader(source)
    for key in ("options", "decisionMakers"):
        if key not in data:
            r.fail("required, but missing", key)
        elif not isinstance(data[key], list):
            r.fail(f"expected a list, got {type(data[key]).__name__}", key)
    r.check()
    raw_options: list = data["options"]
    raw_dms: list = data["decisionMakers"]
    n = len(raw_options)

    manual = False
    for key in ("useManualPreferenceRanking", "useManualPreferenceVectors"):
        if key in data:
            if not isinstance(data[key], bool):
                r.fail(f"expected true or false, got {_shown(data[key])}", key)
            else:
                manual = data[key]
            break

    # options
    names: list[str] = []
    directions: list[str] = []
    for i, o in enumerate(raw_options):
        where = f"options[{i}]"
        if not isinstance(o, dict):
            r.fail(f"expected an option {{\"name\", \"permittedDirection\"}}, got {_shown(o)}", where)
            names.append(f"option {i}")
            directions.append("both")
            continue
        if "name" not in o:
            r.fail("required, but missing", f"{where}.name")
        name = o.get("name", f"option {i}")
        if not isinstance(name, (str, int, float)) or isinstance(name, bool):
            r.fail(f"expected a name (text), got {_shown(name)}", f"{where}.name")
        names.append(str(name))
        d = o.get("permittedDirection", "both")
        if not isinstance(d, str) or d not in DIRECTIONS:
            r.fail(f"expected \"both\", \"fwd\" or \"back\", got {d!r}", f"{where}.permittedDirection")
            d = "both"
        directions.append(DIRECTIONS[d])

    # decision makers and who controls what
    owner: dict[int, int] = {}
    dm_options: list[list[int]] = []
    dm_names: list[str] = []
    for d, dm in enumerate(raw_dms):
        where = f"decisionMakers[{d}]"
        own: list[int] = []
        dm_options.append(own)
        if not isinstance(dm, dict):
            r.fail(f"expected a decision maker {{\"name\", \"options\", \"preferences\"}}, got {_shown(dm)}", where)
            dm_names.append(f"dm {d}")
            continue
        if "name" not in dm:
            r.fail("required, but missing", f"{where}.name")
        dm_name = dm.get("name", f"dm {d}")
        if not isinstance(dm_name, (str, int, float)) or isinstance(dm_name, bool):
            r.fail(f"expected a name (text), got {_shown(dm_name)}", f"{where}.name")
        dm_names.append(str(dm_name))
        opts = dm.get("options")
        if opts is None:
            r.fail("required, but missing", f"{where}.options")
            continue
        if not isinstance(opts, list):
            r.fail(f"expected a list of option indices, got {opts!r}", f"{where}.options")
            continue
        for j, value in enumerate(opts):
            k = r.index(value, n, f"{where}.options[{j}]")
            if k is None or k in own:        # GMCR+ ignores an option listed twice by one DM
                continue
            if k in owner:
                r.fail(f"option {k} ('{names[k]}') is already controlled by decisionMakers[{owner[k]}] "
                       f"('{dm_names[owner[k]]}'); an option belongs to one decision maker", f"{where}.options[{j}]")
                continue
            owner[k] = d
            own.append(k)
    for k in range(n):
        if k not in owner and not r.errors:
            r.fail(f"option '{names[k]}' is controlled by no decision maker (list its index in one "
                   f"decision maker's 'options')", f"options[{k}]")
    if len(raw_dms) < 2:
        r.fail("a conflict needs at least two decision makers", "decisionMakers")
    if n == 0:
        r.fail("a conflict needs at least one option", "options")
    r.check()

    # GMCR+ numbering: DMs in order, each DM's options in the order of its index list.
    order = [k for own in dm_options for k in own]
    bit_of = [0] * n
    for pos, k in enumerate(order):
        bit_of[k] = pos

    # Names stay as written; expressions use identifiers derived from them, made unique.
    dm_names = unique_names(dm_names, "DM")
    used_dm: set[str] = set()
    dm_ids = [unique_identifier(nm, used_dm, "dm") for nm in dm_names]
    option_ids: dict[int, str] = {}
    for d, own in enumerate(dm_options):
        used: set[str] = set()
        for k, written in zip(own, unique_names([names[k] for k in own], "option")):
            names[k] = written
            option_ids[k] = unique_identifier(written, used, "option")
    keys = [f"{dm_ids[owner[k]]}.{option_ids[k]}" for k in range(n)]

    # conditions
    infeasibles = []
    raw_inf = data.get("infeasibles", [])
    if not isinstance(raw_inf, list):
        r.fail(f"expected a list of conditions, got {_shown(raw_inf)}", "infeasibles")
        raw_inf = []
    for j, c in enumerate(raw_inf):
        cond = r.condition(c, n, f"infeasibles[{j}]")
        if cond is not None:
            infeasibles.append(cond)
    prefs: list[list] = []
    misperceptions: list[list] = []
    for d, dm in enumerate(raw_dms):
        where = f"decisionMakers[{d}]"
        prefs.append(_conditions(r, dm, "preferences", n, where))
        misperceptions.append(_conditions(r, dm, "misperceptions", n, where))
    rankings: list = [None] * len(raw_dms)
    if manual:
        for d, dm in enumerate(raw_dms):
            key = "preferenceRanking" if "preferenceRanking" in dm else "preferenceVector"
            if key not in dm:
                r.fail("the file uses manual preference rankings, but this decision maker has no "
                       "preferenceRanking", f"decisionMakers[{d}]")
                continue
            rankings[d] = (key, r.ranking(dm[key], f"decisionMakers[{d}].{key}"))
    coalitions: list[list[str]] = []
    raw_co = data.get("coalitions", [])
    if not isinstance(raw_co, list):
        r.fail(f"expected a list, got {_shown(raw_co)}", "coalitions")
        raw_co = []
    seen_co: dict[int, int] = {}
    for j, item in enumerate(raw_co):
        members = item if isinstance(item, list) else [item]
        idx = []
        for t, value in enumerate(members):
            where = f"coalitions[{j}]" + (f"[{t}]" if isinstance(item, list) else "")
            k = r.index(value, len(raw_dms), where, "a decision maker index")
            if k is None:
                continue
            if k in seen_co:
                r.fail(f"decision maker {k} is in two coalitions (also coalitions[{seen_co[k]}])", where)
                continue
            seen_co[k] = j
            idx.append(k)
        if len(idx) >= 2:
            coalitions.append([dm_names[k] for k in idx])
    r.check()

    # feasible states, computed exactly as GMCR+ does (bit ops on the reordered options)
    limits.check_candidates(n, field="options", source=source)
    kept = []
    for start in range(0, 1 << n, 1 << 20):
        codes = np.arange(start, min(start + (1 << 20), 1 << n), dtype=np.int64)
        feasible = np.ones(codes.shape, dtype=bool)
        for cond in infeasibles:
            feasible &= ~_condition_mask(cond, codes, bit_of)
        kept.append(codes[feasible])
    feasible_codes_ = np.concatenate(kept)
    m = int(feasible_codes_.size)
    if m == 0:
        raise ModelError("the infeasible conditions remove every state", field="infeasibles", source=source)

    for d, rk in enumerate(rankings):
        if rk is not None and rk[1] is not None:
            r.errors.extend(check_ranking(rk[1], m, f"decisionMakers[{d}].{rk[0]}"))
    r.check()

    decision_makers = []
    for d, own in enumerate(dm_options):
        options = [Option(names[k], dm_names[d], directions[k],  # type: ignore[arg-type]
                          id=option_ids[k] if option_ids[k] != identifier(names[k], "option") else "")
                   for k in own]
        pref: Ranking | Prioritization
        if manual:
            pref = Ranking([list(g) for g in rankings[d][1]])
        else:
            pref = Prioritization([_condition_text(c, keys, bit_of) for c in prefs[d]])
        decision_makers.append(DecisionMaker(dm_names[d], options, pref,
                                             id=dm_ids[d] if dm_ids[d] != identifier(dm_names[d], "dm") else ""))
    perceptions = {}
    for d, misp in enumerate(misperceptions):
        if misp:
            hidden = np.zeros(m, dtype=bool)
            for cond in misp:
                hidden |= _condition_mask(cond, feasible_codes_, bit_of)
            states = (np.flatnonzero(hidden) + 1).tolist()
            if states:
                perceptions[dm_names[d]] = Perception(dm_names[d], unaware_states=states)
    conflict = Conflict(
        name=Path(source).stem if source and not source.startswith("<") else "GMCR+ model",
        decision_makers=decision_makers,
        feasibility=Feasibility(infeasible=[_condition_text(c, keys, bit_of) for c in infeasibles]),
        perceptions=perceptions,
        coalitions=coalitions,
        source=source,
    )
    validate_conflict(conflict, source)
    return conflict


def _from_metadata(data: dict, source: str) -> Conflict | None:
    """The scenario stored by detente's exporter, if the GMCR+ part of the file still matches it."""
    scenario = data[META_KEY].get("scenario")
    if not isinstance(scenario, dict):
        return None
    try:
        conflict = data_to_conflict(scenario, source, validate=False)
        expected = conflict_to_gmcr(conflict, metadata=False)
    except (DetenteError, ValueError, TypeError, KeyError, IndexError):
        return None
    if _canonical(expected) != _canonical(data):
        return None
    validate_conflict(conflict, source)
    return conflict


def _canonical(data: dict) -> Any:
    def cond(c):
        if isinstance(c, dict):
            return ("or", sorted(cond(m) for m in c.get("members", [])))
        return ("and", tuple(sorted((int(k), str(v)) for k, v in c)))

    def ranking(x):
        return None if x is None else [sorted(g) if isinstance(g, list) else g for g in x]

    manual = data.get("useManualPreferenceRanking", data.get("useManualPreferenceVectors", False))
    try:
        return {
            "options": [(o.get("name"), o.get("permittedDirection", "both")) for o in data["options"]],
            "dms": [(dm.get("name"), list(dm.get("options", [])), [cond(c) for c in dm.get("preferences", [])],
                     ranking(dm.get("preferenceRanking", dm.get("preferenceVector"))) if manual else None,
                     sorted(cond(c) for c in dm.get("misperceptions", [])))
                    for dm in data["decisionMakers"]],
            "infeasibles": sorted(cond(c) for c in data.get("infeasibles", [])),
            "manual": bool(manual),
            "coalitions": data.get("coalitions", []),
        }
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def loads_gmcr(text: str, source: str = "<string>") -> Conflict:
    """Read a GMCR+ file's text."""
    return gmcr_to_conflict(parse_json(text, source), source)


def load_gmcr(path: str | os.PathLike[str]) -> Conflict:
    """Read a GMCR+ ``.gmcr`` file; states are numbered exactly as GMCR+ numbers them."""
    return loads_gmcr(read_text(path), str(path))


# -- export -----------------------------------------------------------------------------------------
def _minimize(nvars: int, ones: set[int]) -> list[tuple[int, int]]:
    """A small sum-of-products cover of ``ones`` as (value, care_mask) terms (Quine-McCluskey + greedy)."""
    full = (1 << nvars) - 1
    if not ones:
        return []
    if len(ones) == 1 << nvars:
        return [(0, 0)]
    current = {(v, 0) for v in ones}          # (value, don't-care mask)
    primes: set[tuple[int, int]] = set()
    while current:
        merged: set[tuple[int, int]] = set()
        used: set[tuple[int, int]] = set()
        for v, dc in current:
            for b in range(nvars):
                bit = 1 << b
                if dc & bit or v & bit:
                    continue
                partner = (v | bit, dc)
                if partner in current:
                    merged.add((v, dc | bit))
                    used.add((v, dc))
                    used.add(partner)
        primes |= current - used
        current = merged

    def covered(term):
        v, dc = term
        bits = [1 << b for b in range(nvars) if dc & (1 << b)]
        out = set()
        for choice in product((0, 1), repeat=len(bits)):
            x = v
            for c, bit in zip(choice, bits):
                if c:
                    x |= bit
            out.add(x)
        return out

    cover_sets = {p: covered(p) for p in primes}
    remaining = set(ones)
    chosen: list[tuple[int, int]] = []
    while remaining:
        best = max(sorted(cover_sets), key=lambda p: (len(cover_sets[p] & remaining), bin(p[1]).count("1")))
        chosen.append(best)
        remaining -= cover_sets[best]
    return sorted(((v, full & ~dc) for v, dc in chosen), key=lambda t: (bin(t[1]).count("1"), t[0], t[1]))


def _option_deps(conflict: Conflict, text: str, extra_params: dict | None = None) -> set[int] | None:
    """Indices of the options a condition depends on (through definitions too), None if unknown names."""
    names = conflict.option_names()
    params = set(conflict.parameters) | set(extra_params or {})
    seen: set[str] = set()
    out: set[int] = set()
    todo = [text]
    while todo:
        node = parse(todo.pop())
        for name in node.names():
            if name in seen:
                continue
            seen.add(name)
            if name in params:
                continue
            if name in names:
                out.add(names[name])
            elif name in conflict.definitions:
                todo.append(conflict.definitions[name])
            else:
                lowered = {k.lower(): v for k, v in names.items()}
                if name.lower() in lowered:
                    out.add(lowered[name.lower()])
                else:
                    return None
    return out


def _to_terms(conflict: Conflict, text: str, funcs) -> list[list[tuple[int, bool]]] | None:
    """A condition as a list of AND-terms of (option index, taken), or None if it is too complex."""
    deps = _option_deps(conflict, text)
    if deps is None or len(deps) > MAX_CONDITION_OPTIONS:
        return None
    idx = sorted(deps)
    k = len(idx)
    assign = np.arange(1 << k, dtype=np.int64)
    codes = np.zeros(assign.shape, dtype=np.int64)
    for j, opt in enumerate(idx):
        codes |= ((assign >> j) & 1) << opt
    try:
        env = state_env(conflict, codes, funcs)
        mask = as_mask(_evaluate(text, env, funcs), codes.size, "condition")
    except DetenteError:
        return None
    ones = set(np.flatnonzero(mask).tolist())
    terms = []
    for value, care in _minimize(k, ones):
        terms.append([(idx[j], bool(value >> j & 1)) for j in range(k) if care >> j & 1])
    return terms


def _evaluate(text: str, env, funcs):
    from ..model.expressions import evaluate
    return evaluate(parse(text), env, funcs)


def _lits(term) -> list:
    return [[k, "Y" if taken else "N"] for k, taken in term]


def _gmcr_condition(terms):
    if len(terms) == 1:
        return _lits(terms[0])
    if any(len(t) == 0 for t in terms):
        return []
    return {"compound": True, "members": [_lits(t) for t in terms]}


def _levels(conflict: Conflict, pref, env, m: int, where: str, funcs) -> np.ndarray:
    from ..model.levels import preference_levels
    return np.asarray(preference_levels(pref, env, m, where, funcs))


def _ranking_from_levels(levels: np.ndarray) -> list:
    out = []
    for level in sorted(set(levels.tolist()), reverse=True):
        group = (np.flatnonzero(levels == level) + 1).tolist()
        out.append(group[0] if len(group) == 1 else group)
    return out


def conflict_to_gmcr(conflict: Conflict, metadata: bool = True) -> dict:
    """The GMCR+ file content for an option-form conflict (see :func:`_conflict_to_gmcr`)."""
    try:
        return _conflict_to_gmcr(conflict, metadata)
    except DetenteError as exc:
        raise exc.located(source=conflict.source) from None


def _conflict_to_gmcr(conflict: Conflict, metadata: bool) -> dict:
    """The GMCR+ file content for an option-form conflict.

    Prioritization statements and feasibility constraints become GMCR+ conditions (compound
    where needed). If any DM ranks states by ``ranking`` or ``payoff`` (or a statement cannot be
    expressed as GMCR+ conditions), every DM gets a manual ``preferenceRanking``. Perceptions'
    unaware options/states become GMCR+ ``misperceptions``.
    """
    src = conflict.source
    if conflict.graph is not None:
        raise FileFormatError("a graph-form model cannot be saved as .gmcr: GMCR+ files are in option form",
                              source=src)
    validate_conflict(conflict)
    funcs = expression_functions()
    opts = conflict.options
    n = len(opts)
    codes = feasible_codes(conflict, funcs)
    m = int(codes.size)

    infeasibles = []
    for where, text in conflict.feasibility.sources():
        terms = _to_terms(conflict, text, funcs)
        if terms is None:
            raise FileFormatError(f"cannot write {text!r} as GMCR+ conditions (it involves more than "
                                  f"{MAX_CONDITION_OPTIONS} options or values other than options)", field=where,
                                  source=src)
        for t in terms:
            lits = _lits(t)
            if lits not in infeasibles:
                infeasibles.append(lits)

    manual = False
    preferences: list[list] = []
    for dm in conflict.decision_makers:
        conds: list = []
        if isinstance(dm.preference, Prioritization):
            for text in dm.preference.statements:
                terms = _to_terms(conflict, text, funcs)
                if terms is None:
                    manual = True
                    conds = []
                    break
                conds.append(_gmcr_condition(terms))
        else:
            manual = True
        preferences.append(conds)

    env = state_env(conflict, codes, funcs) if manual else None
    if env is not None and conflict.beliefs:
        # rankings of a model with derived beliefs: derive them, then the definitions that use them
        from ..model.beliefs import derive_beliefs, option_replies
        from ..model.evaluation import add_definitions, option_columns, split_definitions

        bits, k = [], 0
        for dm in conflict.decision_makers:
            bits.append(list(range(k, k + len(dm.options))))
            k += len(dm.options)
        replies = option_replies(codes, bits, [o.reversibility for o in conflict.options])
        params = {k: float(v) for k, v in conflict.parameters.items()}
        env.update(derive_beliefs(conflict, option_columns(conflict, codes), m, replies, params, funcs))
        add_definitions(conflict, env, m, funcs, only=split_definitions(conflict)[1])
    dms = []
    start = 0
    for d, dm in enumerate(conflict.decision_makers):
        entry: dict = {"name": dm.name, "options": list(range(start, start + len(dm.options))),
                       "preferences": preferences[d]}
        start += len(dm.options)
        if manual:
            lv = _levels(conflict, dm.preference, env, m, f"decision_makers[{d}].preferences", funcs)
            entry["preferenceRanking"] = _ranking_from_levels(lv)
        p = conflict.perceptions.get(dm.name)
        if p is not None and (p.unaware_options or p.unaware_states):
            misp = []
            for name in p.unaware_options:
                misp.append([[conflict.option_index(name), "Y"]])
            for s in sorted(set(int(x) for x in p.unaware_states)):
                code = int(codes[s - 1])
                misp.append([[k, "Y" if code >> k & 1 else "N"] for k in range(n)])
            entry["misperceptions"] = misp
        dms.append(entry)

    coalitions: list = []
    index = {dm.name: i for i, dm in enumerate(conflict.decision_makers)}
    groups = [[index[conflict.dm(x).name] for x in g] for g in conflict.coalitions]
    flat = [i for g in groups for i in g]
    if len(flat) != len(set(flat)):
        groups = []
    emitted: set[int] = set()
    for i in range(len(conflict.decision_makers)):
        if i in emitted:
            continue
        g = next((g for g in groups if i in g), None)
        if g is None:
            coalitions.append(i)
            emitted.add(i)
        else:
            coalitions.append(list(g))
            emitted.update(g)

    from .._version import __version__

    out: dict = {
        "options": [{"name": o.name, "permittedDirection": TO_DIRECTION[o.reversibility]} for o in opts],
        "decisionMakers": dms,
        "infeasibles": infeasibles,
        "useManualPreferenceRanking": manual,
        "coalitions": coalitions,
        "program": "detente",
        "version": __version__,
    }
    if metadata:
        out[META_KEY] = {"format": 1, "scenario": conflict_to_data(conflict)}
    return out


def dumps_gmcr(conflict: Conflict, metadata: bool = True) -> str:
    return json.dumps(conflict_to_gmcr(conflict, metadata), indent=1, ensure_ascii=False) + "\n"


def dump_gmcr(conflict: Conflict, path: str | os.PathLike[str], metadata: bool = True) -> None:
    """Write ``conflict`` as a GMCR+ ``.gmcr`` file."""
    try:
        text = dumps_gmcr(conflict, metadata)
    except DetenteError as exc:
        raise exc.located(source=str(path)) from None
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"cannot write the file: {exc.strerror or exc}", source=str(path)) from None


__all__ = ["load_gmcr", "loads_gmcr", "dump_gmcr", "dumps_gmcr", "gmcr_to_conflict", "conflict_to_gmcr",
           "unique_identifier", "unique_names"]
