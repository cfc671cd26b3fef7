"""The web API: analyses as JSON, clear 422 errors, the page itself."""

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from detente.web.app import app  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PD = """
name: PD
decision_makers:
  - name: alice
    options: [cooperate]
    preferences: {prioritization: ["bob.cooperate", "not alice.cooperate"]}
  - name: bob
    options: [cooperate]
    preferences: {prioritization: ["alice.cooperate", "not bob.cooperate"]}
"""

client = TestClient(app)


def test_page_loads():
    r = client.get("/")
    assert r.status_code == 200 and "<script>" in r.text and "detente" in r.text


def test_analyze_returns_equilibria_and_states():
    r = client.post("/api/analyze", json={"scenario": PD})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["equilibria"]["nash"] == [1]
    assert data["equilibria"]["seq"] == [1, 4]
    assert [s["id"] for s in data["states"]] == [1, 2, 3, 4]


def test_explain_and_validate():
    r = client.post("/api/explain", json={"scenario": PD, "state": 4})
    assert r.status_code == 200
    assert "sanctioned by" in r.json()["text"]
    v = client.post("/api/validate", json={"scenario": PD}).json()
    assert v["n_states"] == 4 and v["decision_makers"] == ["alice", "bob"]


def test_bad_scenarios_are_422_with_field():
    bad = PD.replace('"not alice.cooperate"', '"not alice.cooprate"')
    r = client.post("/api/analyze", json={"scenario": bad})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "alice.cooprate" in detail["error"] and "prioritization" in detail["field"]
    r = client.post("/api/analyze", json={"scenario": "name: [unclosed"})
    assert r.status_code == 422
    r = client.post("/api/explain", json={"scenario": PD, "state": 9})
    assert r.status_code == 422 and "1..4" in r.json()["detail"]["error"]


def test_examples_and_sweep():
    names = client.get("/api/examples").json()
    assert "ukraine-ceasefire.yaml" in names
    assert client.get("/api/examples/..%2Fpyproject.toml").status_code == 404
    ex = client.get("/api/examples/ukraine-ceasefire.yaml").json()
    r = client.post("/api/sweep", json={"scenario": ex["scenario"], "parameter": "lambda_r", "lo": 0, "hi": 0.2,
                                        "steps": 5})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["tipping_points"] and data["svg"].startswith("<svg")
