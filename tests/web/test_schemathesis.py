"""The web API against its own OpenAPI document: generated requests (schemathesis) get no 5xx and
every response matches the document (status codes, content types, headers, bodies).

The repository's ``schemathesis.toml`` (read from the working directory) says which statuses count
as accepting valid data and rejecting invalid data: an oversize body's 413 is a rejection, and a
well-formed request whose scenario text is not a model gets the documented 422.
Size: ``DETENTE_SCHEMATHESIS_EXAMPLES`` examples per operation (default 8; CI-sized).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from detente.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
app = create_app("sqlite://", timeout=20, max_jobs=4, allowed_hosts=["testserver"])
schema = schemathesis.openapi.from_asgi("/openapi.json", app,
                                        config=schemathesis.config.SchemathesisConfig.from_path(
                                            str(ROOT / "schemathesis.toml")))
EXAMPLES = int(os.environ.get("DETENTE_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case):
    case.call_and_validate()
