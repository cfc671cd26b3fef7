"""Reading YAML and JSON text safely: every resource limit is checked before the work.

What a hostile file can do to a naive parser, and what is checked here instead:

- a huge file: its size is checked before it is read or parsed (``DETENTE_MAX_DOCUMENT_BYTES``);
- deep nesting (``[[[[...]]]]`` thousands of levels): the nesting depth is measured on a flat
  scan (YAML events, JSON brackets) before any recursive step, so no ``RecursionError``
  (``DETENTE_MAX_NESTING``);
- YAML alias bombs (anchors repeated in lists of anchors): the composed node graph is walked
  once, counting each node as often as aliases repeat it, and refused before anything is built
  (``DETENTE_MAX_DOCUMENT_NODES``); self-referencing anchors are refused;
- integer literals with thousands of digits: kept as :class:`HugeNumber` (``DETENTE_MAX_NUMBER_DIGITS``),
  which the schema then refuses with the field's name;
- text that cannot be written (lone surrogates such as ``"\\ud800"``), anywhere, keys included.

Every refusal is a :class:`~detente.errors.FileFormatError` (or ``ModelTooLargeError`` for
sizes) naming the file and, where known, the line or the field.

>>> parse_yaml("a: [1, 2]", "x.yaml")
{'a': [1, 2]}
>>> try:
...     parse_json("[" * 100 + "]" * 100, "x.json")
... except Exception as exc:
...     print(type(exc).__name__)
ModelTooLargeError
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from .. import limits
from ..errors import FileFormatError


def check_document_size(n_bytes: int, source: str) -> None:
    """Refuse a document over ``DETENTE_MAX_DOCUMENT_BYTES`` before reading or parsing it."""
    limits.DOCUMENT_BYTES.check(n_bytes, subject="the file", source=source)


class HugeNumber:
    """Stands for a whole-number literal with more digits than ``DETENTE_MAX_NUMBER_DIGITS``:
    never converted (Python refuses past 4,300 digits, and nothing detente computes needs more
    than a float's 309), it fails the schema with the field's name like any wrong value."""

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"a whole number of {self.digits:,} digits (too large)"


def _int_literal(text: str) -> int | HugeNumber:
    digits = len(text.lstrip("+-").lstrip("0"))
    if digits > limits.NUMBER_DIGITS.value():
        return HugeNumber(digits)
    return int(text)


# -- YAML ---------------------------------------------------------------------------------------------
class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, unhashable keys and over-long integers."""

    source = "<string>"


def _construct_mapping(loader: _SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    out: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be plain text",
                                                    key_node.start_mark) from None
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


def _construct_int(loader: _SafeLoader, node: yaml.ScalarNode) -> int:
    value = str(node.value).replace("_", "")
    body = value.lstrip("+-")
    if body.startswith(("0x", "0o", "0b")) or ":" in body:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    return _int_literal(value)  # type: ignore[return-value]


_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

if hasattr(yaml, "CSafeLoader"):
    class _CSafeLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """libyaml's SafeLoader (about 15x faster) with the same checks; on a syntax error the
        text is read again with the pure-Python loader, whose messages and locations we report."""

        source = "<string>"

    _CSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _LOADERS: tuple[type, ...] = (_CSafeLoader, _SafeLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_SafeLoader,)


def _yaml_error(exc: yaml.YAMLError, source: str) -> FileFormatError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = exc.problem or exc.context or "syntax error"
        return FileFormatError(f"malformed YAML at {where}{what}", source=source)
    return FileFormatError(f"malformed YAML: {exc}", source=source)


def _scan_yaml_events(text: str, source: str, loader_class: type) -> None:
    """Nesting depth from the event stream (flat, no recursion)."""
    max_depth = limits.NESTING.value()
    depth = 0
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > max_depth:
                    mark = event.start_mark
                    limits.NESTING.check(depth, subject=f"the nesting at line {mark.line + 1}", source=source)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        _dispose(loader)


def _dispose(loader) -> None:
    dispose = getattr(loader, "dispose", None)
    if dispose is not None:
        dispose()


def _expanded_size(root: yaml.Node, source: str) -> None:
    """Count nodes as the constructed data will hold them (aliases expanded) and measure the
    expanded depth, on the node graph, each distinct node visited once; refuse cycles."""
    max_nodes, max_depth = limits.DOCUMENT_NODES.value(), limits.NESTING.value()
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in kids)
            depth[key] = 1 + max((depth[id(c)] for c in kids), default=0)
            if size[key] > max_nodes:
                mark = node.start_mark
                limits.DOCUMENT_NODES.check(size[key], subject=f"the value at line {mark.line + 1} (with YAML "
                                            "aliases expanded)", source=source)
            if depth[key] > max_depth:
                mark = node.start_mark
                limits.NESTING.check(depth[key], subject=f"the value at line {mark.line + 1} (with YAML aliases "
                                     "expanded)", source=source)
            continue
        if key in size:
            continue
        if key in on_path:
            mark = node.start_mark
            raise FileFormatError(f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: an anchor "
                                  "refers to itself (a value cannot contain itself)", source=source)
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in size:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    return []


PURE_PYTHON_REREAD_CHARS = 200_000
"""A document libyaml refuses is read again by the pure-Python parser for its clearer message only
up to this size (the pure-Python parser would take minutes on a file of many megabytes)."""


def _check_raw_text(text: str, source: str) -> None:
    """Refuse a document whose text itself holds a lone surrogate (no parser can encode it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise FileFormatError(f"the text contains a lone surrogate {text[exc.start]!r} at line {line}, column "
                              f"{column}, which is not valid Unicode and cannot be written to any file",
                              source=source) from None


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text (safe tags only) with every limit checked before construction."""
    check_document_size(len(text), source)
    _check_raw_text(text, source)
    for k, loader_class in enumerate(_LOADERS):
        try:
            data = _load_yaml(text, source, loader_class)
            break
        except yaml.YAMLError as exc:
            # the pure-Python reader gives better messages, but reads about 20x slower: only small
            # documents are read again with it
            if k == len(_LOADERS) - 1 or len(text) > PURE_PYTHON_REREAD_CHARS:
                raise _yaml_error(exc, source) from None
    check_text(data, source)
    return data


def _load_yaml(text: str, source: str, loader_class: type) -> Any:
    _scan_yaml_events(text, source, loader_class)
    loader = loader_class(text)
    loader.source = source
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, source)
        return loader.construct_document(node)
    finally:
        _dispose(loader)


# -- JSON ---------------------------------------------------------------------------------------------
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(text: str, source: str) -> None:
    max_depth = limits.NESTING.value()
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        ch = m.group(0)
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, m.start()) + 1
                limits.NESTING.check(depth, subject=f"the nesting at line {line}", source=source)
        elif ch in "]}":
            depth -= 1


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text: duplicate keys refused, limits checked before the (recursive) decoder."""
    check_document_size(len(text), source)
    _check_raw_text(text, source)
    _json_depth(text, source)

    def no_duplicates(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise FileFormatError(f"malformed JSON: duplicate key '{k}'", source=source)
            out[k] = v
        return out

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates,
                          parse_int=_int_literal)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                              source=source) from None
    except RecursionError:  # pragma: no cover - depth is checked first
        raise FileFormatError("malformed JSON: nested too deeply", source=source) from None
    check_text(data, source)
    return data


# -- after parsing: text and size ---------------------------------------------------------------
def _seg(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    k = key if isinstance(key, str) and _writable(key) else repr(key)
    return f"{path}.{k}" if path else str(k)


def _writable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be written as UTF-8 (a lone surrogate), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"the text contains a lone surrogate {text[exc.start]!r} at character {exc.start + 1}, "
                "which is not valid Unicode and cannot be written to any file")
    return None


def check_text(data: Any, source: str) -> None:
    """Refuse text that cannot be written (keys and values), and more values than the limit,
    walking the data without recursion."""
    max_nodes = limits.DOCUMENT_NODES.value()
    count = 0
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        count += 1
        if count > max_nodes:
            limits.DOCUMENT_NODES.check(count, subject="the file", source=source)
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise FileFormatError(problem, field=path or None, source=source)
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    problem = text_problem(k)
                    if problem:
                        raise FileFormatError(f"a key {problem[4:]}", field=path or None, source=source)
                stack.append((v, _seg(path, k)))
        elif isinstance(value, list):
            stack.extend((v, _seg(path, i)) for i, v in enumerate(value))


__all__ = ["HugeNumber", "check_document_size", "check_text", "parse_json", "parse_yaml", "text_problem"]
