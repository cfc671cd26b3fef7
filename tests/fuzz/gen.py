"""A seeded, structure-aware generator of hostile scenario files and expressions.

Each case is built from a random but well-formed scenario (YAML/JSON schema) or GMCR+ ``.gmcr``
structure, then mutated: values replaced by wrong types, missing or duplicated fields, unknown
names, huge and non-finite numbers, unicode and lone surrogates, long strings, deep nesting,
YAML alias bombs, tens of options, contradictory constraints, nested perceptions, absurd sweep
specs; and at the text level: truncation, byte flips, deep brackets, 5,000-digit integers.

``case(seed)`` is deterministic: the same seed gives the same ``(fmt, text)``.

>>> fmt, text = case(7)
>>> fmt in ("yaml", "json", "gmcr") and isinstance(text, str)
True
"""

from __future__ import annotations

import json
import random
from typing import Any

import yaml

KINDS = ("yaml", "yaml", "yaml", "json", "gmcr")

WORDS = ["alpha", "beta", "gamma", "attack", "accept", "modify", "withdraw", "sanction", "talk", "fight"]
UNICODE = ["Україна", "Россия", "名前", "ü", "é ö", "dm with spaces", "<script>alert(1)</script>", "a|b*c",
           "x\u200by", "\u202etxt", "😀", "a\tb", "a\nb"]


class Gen:
    """Random scenario structures, expressions and mutations from one seed."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    # -- primitives -------------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def ident(self, used: set[str] | None = None) -> str:
        while True:
            name = self.r.choice(WORDS) + (str(self.r.randrange(100)) if self.chance(0.5) else "")
            if used is None or name not in used:
                if used is not None:
                    used.add(name)
                return name

    def hostile_number(self) -> Any:
        return self.r.choice([
            float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 1e300, 1e-300, 5e-324, 0, -0.0, 1,
            10 ** 30, -(10 ** 30), 2 ** 63, 2 ** 64 + 1, 10 ** 400, True, 0.1 + 0.2, 1e-12, 123456789.123456789,
        ])

    def hostile_value(self) -> Any:
        k = self.r.randrange(16)
        if k == 0:
            return None
        if k == 1:
            return self.hostile_number()
        if k == 2:
            return "\ud800" if self.chance(0.5) else f"x\udfff{self.ident()}"
        if k == 3:
            return "x" * self.r.choice([1000, 20000, 200000])
        if k == 4:
            return self.r.choice(UNICODE)
        if k == 5:
            v: Any = 1
            for _ in range(self.r.choice([5, 50, 300])):
                v = [v] if self.chance(0.5) else {"k": v}
            return v
        if k == 6:
            return []
        if k == 7:
            return {}
        if k == 8:
            return {"name": self.ident(), "x": [1, 2]}
        if k == 9:
            return [self.ident(), 3, None]
        if k == 10:
            return self.r.choice(["", " ", "and", "not", "true", "if", "1e999", "a.b.c.d", "__class__", "-"])
        if k == 11:
            return self.expression(["a", "b"], depth=self.r.randrange(1, 6))
        if k == 12:
            return self.r.choice([True, False])
        if k == 13:
            return self.r.randrange(-5, 50)
        if k == 14:
            return self.hostile_expression(["a.x", "b.y", "t"])
        return self.r.choice(["Y", "N", "both", "fwd", "back", "forward", "irreversible"])

    # -- expressions ---------------------------------------------------------------------------------
    def expression(self, names: list[str], depth: int = 3, numeric: bool = False) -> str:
        r = self.r
        if depth <= 0 or self.chance(0.25):
            if numeric and (not names or self.chance(0.4)):
                return r.choice(["1", "2.5", "0", "1e3", "10", "0.1", "3"])
            return r.choice(names) if names else "true"
        if numeric:
            op = r.choice(["+", "-", "*", "/", "**", "if", "call", "paren"])
            if op == "if":
                return (f"{self.expression(names, depth - 1, True)} if {self.expression(names, depth - 1)} "
                        f"else {self.expression(names, depth - 1, True)}")
            if op == "call":
                fn = r.choice(["min", "max", "abs", "sqrt", "exp", "log", "clip"])
                n_args = {"clip": 3, "min": 2, "max": 2}.get(fn, 1)
                return f"{fn}({', '.join(self.expression(names, depth - 1, True) for _ in range(n_args))})"
            if op == "paren":
                return f"({self.expression(names, depth - 1, True)})"
            return f"{self.expression(names, depth - 1, True)} {op} {self.expression(names, depth - 1, True)}"
        op = r.choice(["and", "or", "not", "->", "iff", "paren", "cmp"])
        if op == "not":
            return f"not {self.expression(names, depth - 1)}"
        if op == "paren":
            return f"({self.expression(names, depth - 1)})"
        if op == "cmp":
            return (f"{self.expression(names, depth - 1, True)} {r.choice(['<', '<=', '==', '!=', '>'])} "
                    f"{self.expression(names, depth - 1, True)}")
        return f"{self.expression(names, depth - 1)} {op} {self.expression(names, depth - 1)}"

    def hostile_expression(self, names: list[str]) -> str:
        r = self.r
        k = r.randrange(14)
        base = self.expression(names, 3, numeric=self.chance(0.5))
        if k == 0:
            return "not " * r.choice([100, 250, 5000]) + base
        if k == 1:
            return "(" * r.choice([150, 300, 3000]) + base + ")" * r.choice([150, 300, 3000])
        if k == 2:
            return " + ".join([names[0] if names else "1"] * r.choice([100, 1000, 20000]))
        if k == 3:
            return "9" * r.choice([400, 5000]) + " * " + base
        if k == 4:
            return f"1e{r.choice([308, 309, 999, 99999])} * {base}"
        if k == 5:
            return base + r.choice([" and", " +", "(", ")", " if", " ->", "**", ",", "@", "$x", "'", "\"", "\\"])
        if k == 6:
            return base.replace(" ", r.choice(["", "\t", "\n", "\u00a0"]), 1)
        if k == 7:
            return f"{r.choice(['undefined', 'os.system', '__import__', 'a.b.c', 'eval'])}({base})"
        if k == 8:
            return f"exp(exp(exp({base})))"
        if k == 9:
            return f"1e300 * (1 + {base})"
        if k == 10:
            return f"{base} / 0"
        if k == 11:
            return "10 ** 10 ** 10 ** 10"
        if k == 12:
            return "x" * r.choice([1, 300, 100000])
        return f"{base} if {base}"

    # -- scenario structures ----------------------------------------------------------------------------
    def preferences(self, option_keys: list[str], params: list[str], n_states: int) -> dict:
        r = self.r
        kind = r.choice(["prioritization", "prioritization", "payoff", "payoff_obj", "ranking"])
        names = option_keys + params
        if kind == "prioritization":
            return {"prioritization": [self.expression(option_keys, 2) for _ in range(r.randrange(0, 5))]}
        if kind == "payoff":
            return {"payoff": self.expression(names, 3, numeric=True)}
        if kind == "payoff_obj":
            local = self.ident()
            return {"payoff": {"formula": self.expression(names + [local], 3, numeric=True),
                               "parameters": {local: r.uniform(-5, 5)}}}
        states = list(range(1, n_states + 1))
        r.shuffle(states)
        if self.chance(0.3) and len(states) > 2:
            states = [states[:2]] + states[2:]
        return {"ranking": states}

    def scenario(self) -> dict:
        r = self.r
        used: set[str] = set()
        n_dms = r.choice([2, 2, 2, 3, 3, 4]) if not self.chance(0.03) else r.choice([1, 8, 30])
        many = self.chance(0.04)
        dms = []
        option_keys: list[str] = []
        for _ in range(n_dms):
            name = self.ident(used)
            n_opts = r.randrange(1, 4) if not many else r.randrange(6, 11)
            opts_used: set[str] = set()
            opts: list[Any] = []
            for _ in range(n_opts):
                oname = self.ident(opts_used)
                option_keys.append(f"{name}.{oname}")
                if self.chance(0.3):
                    opts.append({"name": oname, "reversible": r.choice(["both", "forward", "backward", "irreversible"]),
                                 "label": r.choice(UNICODE)})
                else:
                    opts.append(oname)
            dms.append({"name": name, "options": opts})
        params = {self.ident(used): round(r.uniform(-3, 3), 3) for _ in range(r.randrange(0, 3))}
        pnames = list(params)
        n_states = 2 ** min(len(option_keys), 12)
        for dm in dms:
            dm["preferences"] = self.preferences(option_keys, pnames, n_states)
        data: dict = {"name": r.choice(["Test", "Ünïcode", "x"]), "decision_makers": dms}
        if params:
            data["parameters"] = params
        if self.chance(0.3):
            data["definitions"] = {self.ident(used): self.expression(option_keys, 2)}
        if self.chance(0.5):
            feas: dict = {}
            if self.chance(0.5):
                feas["infeasible"] = [self.expression(option_keys, 2) for _ in range(r.randrange(1, 3))]
            if self.chance(0.3):
                feas["mutually_exclusive"] = [r.sample(option_keys, min(2, len(option_keys)))]
            if self.chance(0.2):
                feas["at_least_one"] = [r.sample(option_keys, min(2, len(option_keys)))]
            if self.chance(0.2):
                a, b = r.choice(option_keys), r.choice(option_keys)
                feas["implications"] = [f"{a} -> {b}", {"if": b, "then": f"not {a}"}]
            if self.chance(0.2):
                feas["patterns"] = [{r.choice(option_keys): r.choice(["Y", "N"])}]
            data["feasibility"] = feas
        if self.chance(0.6):
            data["outcomes"] = {self.ident(used): self.expression(option_keys, 2) for _ in range(r.randrange(1, 3))}
            if self.chance(0.3):
                data["outcomes"]["listed"] = [1, 2]
        if self.chance(0.4):
            data["status_quo"] = r.choice([1, next(iter(data.get("outcomes", {"x": 1}))), self.expression(option_keys, 1)])
        if self.chance(0.3):
            data["perspectives"] = {
                self.ident(used): {"description": "view",
                                   "preferences": {dms[0]["name"]: self.preferences(option_keys, pnames, n_states)},
                                   **({"parameters": {pnames[0]: r.uniform(-2, 2)}} if pnames else {})}}
        if self.chance(0.3):
            data["perceptions"] = self.perceptions(dms, option_keys, pnames, n_states, r.choice([1, 1, 2, 2, 3]))
        if self.chance(0.2) and len(dms) >= 3:
            data["coalitions"] = [[dms[0]["name"], dms[1]["name"]]]
        if self.chance(0.25) and pnames:
            sweep: dict = {"parameter": pnames[0], "lo": -1.0, "hi": 1.0, "steps": r.choice([2, 5, 11])}
            if self.chance(0.3):
                sweep["precision"] = r.choice([0.01, 1e-6, 1e-300, 5e-324])
            if "perspectives" in data and self.chance(0.5):
                sweep["perspective"] = next(iter(data["perspectives"]))
            data["sweeps"] = [sweep]
        if self.chance(0.05):
            data = self.graph_form(data)
        return data

    def perceptions(self, dms, option_keys, pnames, n_states, levels: int) -> dict:
        r = self.r
        out: dict = {}
        holder = dms[0]["name"]
        other = dms[1]["name"] if len(dms) > 1 else holder
        entry: dict = {"preferences": {other: self.preferences(option_keys, pnames, n_states)}}
        if pnames and self.chance(0.4):
            entry["parameters"] = {pnames[0]: r.choice([0.5, float("inf"), float("nan"), -1.0])}
        if self.chance(0.3):
            entry["unaware_options"] = [r.choice(option_keys)]
        if levels >= 2:
            inner = self.perceptions(list(reversed(dms)), option_keys, pnames, n_states, levels - 1)
            entry["of_others"] = inner
        out[holder] = entry
        return out

    def graph_form(self, data: dict) -> dict:
        r = self.r
        m = r.randrange(1, 8)
        dms = [{"name": d["name"], "preferences": {"ranking": r.sample(range(1, m + 1), m)}}
               for d in data["decision_makers"]]
        moves = {d["name"]: [[r.randrange(1, m + 1), r.randrange(1, m + 1)] for _ in range(r.randrange(0, 5))]
                 for d in dms}
        return {"name": "graph", "decision_makers": dms,
                "graph": {"states": [f"s{k}" for k in range(m)], "moves": moves}}

    def gmcr(self) -> dict:
        r = self.r
        n_dms = r.choice([2, 2, 3]) if not self.chance(0.03) else r.choice([1, 6])
        many = self.chance(0.05)
        options: list = []
        dms: list = []
        for d in range(n_dms):
            idx = []
            for _ in range(r.randrange(1, 4) if not many else r.randrange(7, 11)):
                idx.append(len(options))
                options.append({"name": r.choice(WORDS + UNICODE), "permittedDirection": r.choice(["both", "fwd", "back"])})
            dms.append({"name": r.choice(WORDS + UNICODE), "options": idx})
        n = len(options)

        def cond():
            lits = [[r.randrange(n), r.choice("YN")] for _ in range(r.randrange(1, 3))]
            if self.chance(0.15):
                return {"compound": True, "members": [lits, [[r.randrange(n), "Y"]]]}
            return lits

        manual = self.chance(0.2)
        for dm in dms:
            dm["preferences"] = [cond() for _ in range(r.randrange(0, 4))]
            if self.chance(0.2):
                dm["misperceptions"] = [cond()]
            if manual:
                m = 2 ** min(n, 10)
                dm["preferenceRanking"] = r.sample(range(1, m + 1), m)
        data = {"options": options, "decisionMakers": dms, "infeasibles": [cond() for _ in range(r.randrange(0, 3))],
                "useManualPreferenceRanking": manual, "program": "gmcr+", "version": 2}
        if self.chance(0.2) and n_dms >= 2:
            data["coalitions"] = [[0, 1]]
        return data

    # -- mutations -------------------------------------------------------------------------------
    def paths(self, data: Any, prefix: tuple = ()) -> list[tuple]:
        out = [prefix]
        if isinstance(data, dict):
            for k, v in data.items():
                out.extend(self.paths(v, prefix + (k,)))
        elif isinstance(data, list):
            for i, v in enumerate(data):
                out.extend(self.paths(v, prefix + (i,)))
        return out

    def mutate(self, data: Any, n: int) -> Any:
        for _ in range(n):
            paths = self.paths(data)
            path = self.r.choice(paths)
            if not path:
                if self.chance(0.1):
                    data = self.hostile_value()
                continue
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            last = path[-1]
            k = self.r.randrange(6)
            if k == 0 and isinstance(parent, dict):
                del parent[last]
            elif k == 1 and isinstance(parent, dict):
                parent[self.r.choice(["extra", "nme", "Name", "options ", "formula", "of_others", "\ud800"])] = \
                    self.hostile_value()
            elif k == 2 and isinstance(parent, list):
                parent.append(self.hostile_value() if self.chance(0.5) else parent[last])
            elif k == 3 and isinstance(parent[last], str):
                parent[last] = self.hostile_expression(["a.x", "b.y"]) if self.chance(0.5) else self.hostile_value()
            else:
                parent[last] = self.hostile_value()
        return data

    # -- serialisation and text-level mutations ---------------------------------------------------
    def to_text(self, data: Any, fmt: str) -> str:
        if fmt == "yaml" and self.chance(0.9):
            try:
                return yaml.safe_dump(data, sort_keys=False, allow_unicode=self.chance(0.5), width=1000)
            except (yaml.YAMLError, RecursionError, ValueError):
                pass
        try:
            return json.dumps(data, ensure_ascii=self.chance(0.5))
        except (RecursionError, ValueError):
            return "{}"

    def text_mutate(self, text: str, fmt: str) -> str:
        r = self.r
        k = r.randrange(12)
        if k == 0 and text:
            return text[: r.randrange(len(text))]
        if k == 1 and text:
            i = r.randrange(len(text))
            return text[:i] + r.choice(["\x00", "{", "]", "\"", "'", "&a", "*a", "!!python/object", "\ufeff", "\ud800",
                                        "\t", "- ", ": "]) + text[i + 1:]
        if k == 2:
            depth = r.choice([200, 1000, 3000, 100000])
            return "[" * depth + "1" + "]" * depth if fmt != "yaml" or self.chance(0.5) else "- " * depth + "x"
        if k == 3:
            return text.replace("1", "1" * r.choice([4400, 5000]), 1) if "1" in text else text + "\nx: " + "7" * 5000
        if k == 4 and fmt == "yaml":
            return self.alias_bomb()
        if k == 5:
            i = text.find("\n", r.randrange(len(text) or 1))
            return text if i < 0 else text[:i] + text[text.rfind("\n", 0, i): i] + text[i:]  # duplicate a line
        if k == 6 and fmt == "yaml":
            return "deep: " + "{a: " * r.choice([500, 5000]) + "1" + "}" * 5000 + "\n" + text
        if k == 7:
            return text + "\n" + "#" * 10 + "x" * r.choice([10, 1 << 20])
        return text

    def alias_bomb(self) -> str:
        r = self.r
        width, levels = r.choice([(9, 9), (10, 6), (4, 12), (2, 40)])
        lines = ["name: bomb", 'l0: &l0 ["alpha.attack and not beta.fight"]']
        for k in range(1, levels):
            lines.append(f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * width)}]")
        target = r.choice(["prioritization", "infeasible", "description", "parameters"])
        last = f"*l{levels - 1}"
        if target == "prioritization":
            body = f"preferences: {{prioritization: {last}}}"
        else:
            body = "preferences: {prioritization: [beta.fight]}"
        lines += ["decision_makers:",
                  f"  - {{name: alpha, options: [attack], {body}}}",
                  "  - {name: beta, options: [fight], preferences: {prioritization: [alpha.attack]}}"]
        if target == "infeasible":
            lines.append(f"feasibility: {{infeasible: {last}}}")
        elif target == "description":
            lines.append(f"description: {last}")
        elif target == "parameters":
            lines.append(f"parameters: {{x: {last}}}")
        if self.chance(0.2):
            lines.append("rec: &r [*r]")
        return "\n".join(lines) + "\n"


def case(seed: int) -> tuple[str, str]:
    """One generated case: ``(fmt, text)`` with fmt ``yaml``, ``json`` or ``gmcr``."""
    g = Gen(seed)
    fmt = g.r.choice(KINDS)
    data = g.gmcr() if fmt == "gmcr" else g.scenario()
    mode = g.r.random()
    if mode < 0.2:
        pass  # well-formed
    elif mode < 0.8:
        data = g.mutate(data, g.r.choice([1, 1, 2, 3]))
    text = g.to_text(data, "yaml" if fmt == "yaml" else "json")
    if mode >= 0.8:
        text = g.text_mutate(text, fmt)
    return fmt, text


def expression_case(seed: int) -> str:
    """One generated (often hostile) expression over the names ``a.x``, ``b.y`` and ``t``."""
    g = Gen(seed)
    if g.chance(0.5):
        return g.hostile_expression(["a.x", "b.y", "t"])
    return g.expression(["a.x", "b.y", "t"], g.r.randrange(1, 7), numeric=g.chance(0.5))
