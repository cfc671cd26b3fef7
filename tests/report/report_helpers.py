"""Conflicts and checks shared by the report tests (fixtures are in conftest.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from detente.model import (Conflict, DecisionMaker, Option, Payoff, Perception, Perspective, Prioritization,
                           SweepSpec)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SVG_NS = "{http://www.w3.org/2000/svg}"


def toy() -> Conflict:
    """Two DMs with a parameter, a perspective, a perception and a declared sweep."""
    return Conflict(
        "toy",
        [DecisionMaker("a", [Option("go", "a")], Payoff("a.go * (t - 0.5) + b.go")),
         DecisionMaker("b", [Option("go", "b")], Payoff("b.go * (0.2 - a.go)"))],
        parameters={"t": 0.0}, outcomes={"a_goes": "a.go", "both": "a.go and b.go"}, status_quo=1,
        perspectives={"hawk": Perspective("hawk", "a likes going", parameters={"t": 1.0})},
        perceptions={"a": Perception("a", parameters={"t": 1.0})},
        sweeps=[SweepSpec("t", 0.0, 1.0, 5)])


def big(options=(5, 4, 4)) -> Conflict:
    """Three DMs and 2^13 = 8192 states (no feasibility constraint)."""
    names = ["a", "b", "c"]
    dms = []
    for name, k in zip(names, options):
        others = [f"{m}.o0" for m in names if m != name]
        dms.append(DecisionMaker(name, [Option(f"o{j}", name) for j in range(k)], Prioritization([
            f"not {others[0]}", f"{name}.o1", f"not {name}.o2 or {others[1]}", f"{name}.o0 iff {others[0]}"])))
    return Conflict("big", dms, outcomes={"calm": "not a.o0 and not b.o0 and not c.o0"}, status_quo=1)


def parse_svg(text: str) -> ET.Element:
    """Parse an SVG element (fails the test if it is not well-formed XML)."""
    root = ET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    return root


def svg_nodes(root: ET.Element) -> dict[int, ET.Element]:
    return {int(g.get("data-state")): g for g in root.iter(f"{SVG_NS}g")
            if (g.get("class") or "").split()[:1] == ["node"]}


def svg_arcs(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG_NS}path") if (p.get("class") or "").startswith("arc ")]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TagBalance(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()


def check_balanced(html: str) -> None:
    parser = TagBalance()
    parser.feed(html)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert not parser.stack, parser.stack[-5:]
