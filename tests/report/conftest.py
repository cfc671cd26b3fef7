"""Fixtures shared by the report tests."""

from __future__ import annotations

import pytest
from report_helpers import EXAMPLES

import detente
from detente.model import Conflict


@pytest.fixture(scope="session")
def elmira() -> Conflict:
    return detente.load(EXAMPLES / "elmira.yaml")


@pytest.fixture(scope="session")
def river() -> Conflict:
    """96 states: big enough to be filtered."""
    return detente.load(EXAMPLES / "river-basin.yaml")


@pytest.fixture(scope="session")
def flagship() -> Conflict:
    return detente.load(EXAMPLES / "ukraine-ceasefire.yaml")
