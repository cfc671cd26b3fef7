"""The safe expression language for conditions and payoff formulas.

Conditions select states ("ukraine.accept and not russia.attack"); formulas give each state a
number ("10 * us.support - cost_r if russia.fight else 0"). Both are parsed by a grammar into a
small tree and evaluated over *all states at once* with numpy; user text is never passed to
``eval``.

Grammar, loosest binding first::

    a if c else b        conditional (formula); ``q if p`` alone means "p implies q"
    p iff q              equivalence
    p implies q, p -> q  implication (right-associative)
    p or q, p | q
    p and q, p & q
    not p, !p, ~p
    x < y, <=, >, >=, ==, !=
    x + y, x - y
    x * y, x / y
    -x, x ** y
    123, 1.5e3, true, false, names (``dm.option``, ``option``, ``parameter``), f(x, y)

Booleans count as 1/0 in arithmetic, so ``5 * russia.fight`` is 5 where Russia fights.

>>> tree = parse("a and not b")
>>> import numpy as np
>>> evaluate(tree, {"a": np.array([True, True]), "b": np.array([False, True])}).tolist()
[True, False]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .. import limits
from ..errors import ExpressionError

if TYPE_CHECKING:  # pragma: no cover - lark is imported only when an expression is not in the cache
    from lark import Lark, Token, Tree
    from lark.exceptions import UnexpectedInput

_GRAMMAR = r"""
?start: expr

?expr: ternary

?ternary: iff_expr
        | iff_expr "if" iff_expr "else" ternary  -> cond
        | iff_expr "if" iff_expr                 -> if_rev

?iff_expr: implies_expr
         | implies_expr "iff" implies_expr       -> iff

?implies_expr: or_expr
             | or_expr IMPLIES implies_expr      -> implies

?or_expr: and_expr
        | or_expr OR and_expr                    -> or_

?and_expr: not_expr
         | and_expr AND not_expr                 -> and_

?not_expr: comparison
         | NOT not_expr                          -> not_

?comparison: sum
           | sum COMPOP sum                      -> compare

?sum: product
    | sum ADDOP product                          -> arith

?product: unary
        | product MULOP unary                    -> arith

?unary: power
      | "-" unary                                -> neg
      | "+" unary

?power: atom
      | atom "**" unary                          -> pow

?atom: NUMBER                                    -> number
     | "true"i                                   -> true
     | "false"i                                  -> false
     | NAME "(" [expr ("," expr)*] ")"           -> call
     | NAME                                      -> name
     | "(" expr ")"

IMPLIES: "implies" | "->" | "=>"
OR: "or" | "|"
AND: "and" | "&"
NOT: "not" | "!" | "~"
COMPOP: "<=" | ">=" | "==" | "!=" | "<" | ">"
ADDOP: "+" | "-"
MULOP: "*" | "/"
NAME: /(?!(and|or|not|if|else|iff|implies|true|false)\b)[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/i
NUMBER: /(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/

%import common.WS
%ignore WS
%ignore /#[^\n]*/
"""


@dataclass(frozen=True)
class Node:
    """One node of a parsed expression: ``op`` plus its arguments (nodes, or a name/number)."""

    op: str
    args: tuple[Any, ...]

    def names(self) -> set[str]:
        """Every variable name the expression mentions."""
        if self.op == "name":
            return {self.args[0]}
        found: set[str] = set()
        for arg in self.args:
            if isinstance(arg, Node):
                found |= arg.names()
        return found

    def functions(self) -> set[str]:
        """Every function name the expression calls."""
        found: set[str] = {self.args[0]} if self.op == "call" else set()
        for arg in self.args:
            if isinstance(arg, Node):
                found |= arg.functions()
        return found


class _ToNodesMethods:
    """How each rule of the grammar becomes a :class:`Node` (mixed into a lark ``Transformer``)."""

    def number(self, tok: Token) -> Node:
        value = float(tok)
        if not math.isfinite(value):
            shown = str(tok) if len(tok) <= 30 else f"{str(tok)[:12]}...({len(tok)} characters)"
            raise ExpressionError(f"the number {shown} is too large to compute with (the largest is about 1.8e308)")
        return Node("num", (value,))

    def true(self) -> Node:
        return Node("bool", (True,))

    def false(self) -> Node:
        return Node("bool", (False,))

    def name(self, tok: Token) -> Node:
        return Node("name", (str(tok),))

    def call(self, tok: Token, *args: Node | None) -> Node:
        return Node("call", (str(tok), *[a for a in args if a is not None]))

    def neg(self, x: Node) -> Node:
        return Node("neg", (x,))

    def pow(self, x: Node, y: Node) -> Node:
        return Node("pow", (x, y))

    def arith(self, x: Node, op: Token, y: Node) -> Node:
        return Node(str(op), (x, y))

    def compare(self, x: Node, op: Token, y: Node) -> Node:
        return Node(str(op), (x, y))

    def not_(self, _tok: Token, x: Node) -> Node:
        return Node("not", (x,))

    def and_(self, x: Node, _tok: Token, y: Node) -> Node:
        return Node("and", (x, y))

    def or_(self, x: Node, _tok: Token, y: Node) -> Node:
        return Node("or", (x, y))

    def implies(self, x: Node, _tok: Token, y: Node) -> Node:
        return Node("implies", (x, y))

    def iff(self, x: Node, y: Node) -> Node:
        return Node("iff", (x, y))

    def if_rev(self, q: Node, p: Node) -> Node:
        return Node("implies", (p, q))

    def cond(self, a: Node, c: Node, b: Node) -> Node:
        return Node("cond", (c, a, b))


@lru_cache(maxsize=1)
def _transformer() -> Any:
    from lark import Transformer, v_args

    methods = {k: v for k, v in vars(_ToNodesMethods).items() if not k.startswith("__")}
    return v_args(inline=True)(type("_ToNodes", (Transformer,), methods))()


MAX_DEPTH = limits.EXPRESSION_DEPTH.default
"""Deepest expression tree accepted by default (``not not ... x`` or ``a + b + ...`` count one level
each): deeper text is refused with a clear error instead of exhausting Python's recursion limit.
``DETENTE_MAX_EXPRESSION_DEPTH`` changes it; ``DETENTE_MAX_EXPRESSION_CHARS`` bounds the length."""


def _depth(tree: Tree) -> int:
    """Depth of a parse tree, walked without recursion (the text may be hostile)."""
    from lark import Tree

    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in node.children if isinstance(c, Tree))
    return deepest


def _parser_cache_path() -> str | bool:
    """Where Lark keeps the analysed grammar between runs: a file in the user's cache directory
    (``$XDG_CACHE_HOME/detente`` or ``~/.cache/detente``), so the LALR tables are built once,
    not on every start; ``False`` (no cache) if that directory cannot be made."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "detente")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK):
        return False
    return os.path.join(folder, "expression-grammar.lark-cache")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    from lark import Lark

    # Lark checks the grammar's hash before using a cached file and rebuilds if it changed
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False, cache=_parser_cache_path())


# -- parsed expressions kept between runs ---------------------------------------------------------
# A small analysis parses a few dozen expressions; importing lark and loading its tables costs
# more than everything else the model needs. Trees of expressions parsed before are kept as
# JSON in the user's cache folder (next to lark's own table cache) and read back without lark.
# Only successful parses are kept; the depth limit is checked again on every use, so a lower
# DETENTE_MAX_EXPRESSION_DEPTH still refuses a cached tree with the same message.

_TREE_CACHE_VERSION = 1
"""Bumped when the trees :func:`parse` makes change (a new operator, a different shape)."""
_TREE_CACHE_ENTRIES = 2_000
_TREE_CACHE_TEXT = 2_000
"""Most expressions kept (the least recently used go first; the file stays small enough to read in
about a millisecond), and the longest text kept (longer ones are parsed every time)."""


class _TreeCache:
    """Expression text -> (parse-tree depth, Node tree), read once from and written once to a JSON file."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, Node]] | None = None
        self.new: dict[str, list[Any]] = {}
        self.raw: dict[str, list[Any]] = {}
        self.used: set[str] = set()
        self.path: str | None = None

    def _stamp(self) -> str:
        """Changes with the grammar and with this module's code (any edit makes the trees stale)."""
        import zlib

        try:
            with open(__file__, "rb") as fh:
                code = zlib.crc32(fh.read())
        except OSError:  # pragma: no cover - no source file (a frozen build): the grammar decides
            code = zlib.crc32(_GRAMMAR.encode("utf-8"))
        return f"{_TREE_CACHE_VERSION}:{code:08x}"

    def _load(self) -> dict[str, tuple[int, Node]]:
        import json
        import os

        self.entries = {}
        lark_file = _parser_cache_path()
        if not isinstance(lark_file, str):
            return self.entries
        self.path = os.path.join(os.path.dirname(lark_file), "expression-trees.json")
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            if data.get("stamp") == self._stamp() and isinstance(data.get("trees"), dict):
                self.raw = data["trees"]
        except (OSError, ValueError, AttributeError):
            self.raw = {}
        return self.entries

    def get(self, text: str) -> tuple[int, Node] | None:
        entries = self._load() if self.entries is None else self.entries
        hit = entries.get(text)
        if hit is None and text in self.raw:
            try:
                depth, tree = self.raw[text]
                hit = entries[text] = (int(depth), _from_json(tree))
            except (TypeError, ValueError):
                return None
        if hit is not None:
            self.used.add(text)
        return hit

    def put(self, text: str, depth: int, node: Node) -> None:
        if self.entries is None:
            self._load()
        if self.path is None or len(text) > _TREE_CACHE_TEXT:
            return
        if not self.new:
            import atexit

            atexit.register(self.save)
        self.new[text] = [depth, _to_json(node)]

    def save(self) -> None:
        """Write the file (called at exit when new expressions were parsed); never fails loudly."""
        import json
        import os

        if not self.new or self.path is None:
            return
        # least recently used first: entries not used in this run, then those used, then the new ones
        trees = {k: v for k, v in self.raw.items() if k not in self.used and k not in self.new}
        trees.update({k: v for k, v in self.raw.items() if k in self.used and k not in self.new})
        trees.update(self.new)
        if len(trees) > _TREE_CACHE_ENTRIES:
            trees = dict(list(trees.items())[-_TREE_CACHE_ENTRIES:])
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"stamp": self._stamp(), "trees": trees}, fh, ensure_ascii=False, allow_nan=False)
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self.raw, self.new = trees, {}


def _to_json(node: Node) -> list[Any]:
    return [node.op, *[_to_json(a) if isinstance(a, Node) else a for a in node.args]]


def _from_json(data: Any) -> Node:
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        raise ValueError("not an expression tree")
    return Node(data[0], tuple(_from_json(a) if isinstance(a, list) else a for a in data[1:]))


_TREES = _TreeCache()


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse ``text`` into an expression tree, or raise :class:`ExpressionError` saying where.

    >>> parse("x if c else 2").op
    'cond'
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression as text, got {type(text).__name__} {text!r}")
    if not text.strip():
        raise ExpressionError("empty expression")
    max_chars = limits.EXPRESSION_CHARS.value()
    if len(text) > max_chars:
        raise ExpressionError(f"the expression is too long: {len(text):,} characters, over the limit of "
                              f"{max_chars:,} (split it into definitions, or set {limits.EXPRESSION_CHARS.env} "
                              "to allow more)")
    max_depth = limits.EXPRESSION_DEPTH.value()
    cached = _TREES.get(text)
    if cached is not None:
        _check_depth(text, cached[0], max_depth)
        return cached[1]
    from lark.exceptions import LarkError, UnexpectedInput, VisitError

    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise ExpressionError(_describe_parse_error(text, exc)) from None
    except LarkError as exc:  # pragma: no cover - defensive
        raise ExpressionError(f"cannot parse {text!r}: {exc}") from None
    depth = _depth(tree)
    _check_depth(text, depth, max_depth)
    try:
        node = _transformer().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    _TREES.put(text, depth, node)
    return node


def _check_depth(text: str, depth: int, max_depth: int) -> None:
    if depth > max_depth:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"cannot parse {shown!r}: nested more than {max_depth} levels deep "
                              f"(split it into definitions or shorter conditions, or set "
                              f"{limits.EXPRESSION_DEPTH.env} to allow more)")


def _describe_parse_error(text: str, exc: UnexpectedInput) -> str:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    pos = getattr(exc, "pos_in_stream", None)
    if pos is None:
        pos = getattr(exc, "column", 1) - 1
    if isinstance(exc, UnexpectedEOF) or pos is None or pos >= len(text):
        return f"cannot parse {text!r}: the expression ends too early"
    if isinstance(exc, UnexpectedCharacters):
        what = f"unexpected character {text[pos]!r}"
    elif isinstance(exc, UnexpectedToken):
        what = f"unexpected {exc.token!s}" if str(exc.token) else "unexpected end"
    else:
        what = "syntax error"
    return f"cannot parse {text!r}: {what} at position {pos + 1}\n    {text}\n    {' ' * pos}^"


Value = Union[np.ndarray, float, bool]
Function = Callable[..., Any]


def _as_bool(x: Value, node: Node) -> Value:
    return np.asarray(x) != 0 if not isinstance(x, (bool, np.bool_)) else x


def _as_num(x: Value) -> Value:
    if isinstance(x, np.ndarray) and x.dtype == bool:
        return x.astype(np.float64)
    if isinstance(x, (bool, np.bool_)):
        return float(x)
    return x


_BUILTINS: dict[str, Function] = {
    "min": lambda *a: _reduce_args(np.minimum, a),
    "max": lambda *a: _reduce_args(np.maximum, a),
    "abs": np.abs,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "clip": lambda x, lo, hi: np.clip(x, lo, hi),
}


def _reduce_args(fn: Callable[[Any, Any], Any], args: tuple[Any, ...]) -> Any:
    if not args:
        raise ExpressionError("min()/max() need at least one argument")
    out = args[0]
    for a in args[1:]:
        out = fn(out, a)
    return out


def builtin_functions() -> dict[str, Function]:
    """The functions every expression may call (min, max, abs, sqrt, exp, log, clip)."""
    return dict(_BUILTINS)


def evaluate(node: Node, env: Mapping[str, Value], functions: Mapping[str, Function] | None = None) -> Value:
    """Evaluate a parsed expression with variables from ``env`` (arrays broadcast over states).

    Unknown names and functions raise :class:`ExpressionError` with close matches suggested.
    """
    funcs = _BUILTINS if functions is None else functions
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _eval(node, env, funcs)


def _eval(node: Node, env: Mapping[str, Value], funcs: Mapping[str, Function]) -> Value:
    op, args = node.op, node.args
    if op == "num":
        return args[0]
    if op == "bool":
        return args[0]
    if op == "name":
        name = args[0]
        if name in env:
            return env[name]
        lowered = {k.lower(): k for k in env}
        if name.lower() in lowered:
            return env[lowered[name.lower()]]
        raise ExpressionError(f"unknown name '{name}'{_suggest(name, env)}")
    if op == "call":
        fname = args[0]
        fn = funcs.get(fname) or funcs.get(fname.lower())
        if fn is None:
            raise ExpressionError(f"unknown function '{fname}'{_suggest(fname, funcs)}")
        vals = [_as_num(_eval(a, env, funcs)) for a in args[1:]]
        try:
            return fn(*vals)
        except ExpressionError:
            raise
        except (TypeError, ValueError) as exc:
            raise ExpressionError(f"bad call {fname}(...): {exc}") from None
    if op == "neg":
        return -_as_num(_eval(args[0], env, funcs))
    if op == "not":
        return np.logical_not(_as_bool(_eval(args[0], env, funcs), node))
    if op in ("and", "or", "implies", "iff"):
        a = _as_bool(_eval(args[0], env, funcs), node)
        b = _as_bool(_eval(args[1], env, funcs), node)
        if op == "and":
            return np.logical_and(a, b)
        if op == "or":
            return np.logical_or(a, b)
        if op == "implies":
            return np.logical_or(np.logical_not(a), b)
        return np.equal(a, b)
    if op == "cond":
        c = _as_bool(_eval(args[0], env, funcs), node)
        a = _as_num(_eval(args[1], env, funcs))
        b = _as_num(_eval(args[2], env, funcs))
        return np.where(c, a, b)
    a = _as_num(_eval(args[0], env, funcs))
    b = _as_num(_eval(args[1], env, funcs))
    if op == "+":
        return np.add(a, b)
    if op == "-":
        return np.subtract(a, b)
    if op == "*":
        return np.multiply(a, b)
    if op == "/":
        return np.true_divide(a, b)
    if op == "pow":
        return np.power(np.asarray(a, dtype=float), b)
    comparisons = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                   "==": np.equal, "!=": np.not_equal}
    if op in comparisons:
        return comparisons[op](a, b)
    raise ExpressionError(f"unsupported operator {op!r}")  # pragma: no cover


def _suggest(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def check_names(node: Node, known: Iterable[str], functions: Iterable[str] = ()) -> None:
    """Raise :class:`ExpressionError` if ``node`` mentions a name or function not in ``known``."""
    known_set = set(known)
    lowered = {k.lower() for k in known_set}
    for name in sorted(node.names()):
        if name not in known_set and name.lower() not in lowered:
            raise ExpressionError(f"unknown name '{name}'{_suggest(name, known_set)}")
    fn_known = set(functions) | set(_BUILTINS)
    for fname in sorted(node.functions()):
        if fname not in fn_known and fname.lower() not in fn_known:
            raise ExpressionError(f"unknown function '{fname}'{_suggest(fname, fn_known)}")


def to_text(node: Node) -> str:
    """Render a parsed expression back to (fully parenthesised) text."""
    op, args = node.op, node.args
    if op == "num":
        v = args[0]
        return str(int(v)) if float(v).is_integer() else repr(v)
    if op == "bool":
        return "true" if args[0] else "false"
    if op == "name":
        return args[0]
    if op == "call":
        return f"{args[0]}({', '.join(to_text(a) for a in args[1:])})"
    if op == "neg":
        return f"-{to_text(args[0])}"
    if op == "not":
        return f"not {to_text(args[0])}"
    if op == "cond":
        return f"({to_text(args[1])} if {to_text(args[0])} else {to_text(args[2])})"
    if op == "pow":
        return f"({to_text(args[0])} ** {to_text(args[1])})"
    return f"({to_text(args[0])} {op} {to_text(args[1])})"
