"""The web API: analyses as JSON, clear 422 errors, the page itself."""

from pathlib import Path

from fastapi.testclient import TestClient

import detente
from detente.io import dumps, loads
from detente.web.app import create_app

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

client = TestClient(create_app("sqlite://", timeout=60), base_url="http://127.0.0.1")


def test_page_loads():
    r = client.get("/")
    assert r.status_code == 200 and "<script" in r.text and "detente" in r.text
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert header in r.headers
    assert "script-src 'self'" in r.headers["content-security-policy"]


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
    assert v["ok"] and v["n_states"] == 4 and v["decision_makers"] == ["alice", "bob"]
    assert v["rankings"]["alice"] == [[3], [4], [1], [2]]


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


def _error(r, status):
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert set(detail) == {"error", "field", "source", "message", "problems"}
    return detail


def test_validate_reports_every_problem_with_its_field():
    bad = PD.replace('"not alice.cooperate"', '"not alice.cooprate"').replace('"not bob.cooperate"', '"bob.coop"')
    v = client.post("/api/validate", json={"scenario": bad}).json()
    assert not v["ok"]
    fields = [p["field"] for p in v["problems"]]
    assert fields == ["decision_makers[0].preferences.prioritization[1]",
                      "decision_makers[1].preferences.prioritization[1]"]
    assert "alice.cooprate" in v["problems"][0]["error"]


def test_models_crud_compare_restore_export(tmp_path):
    c = TestClient(create_app(tmp_path / "m.db"), base_url="http://127.0.0.1")
    assert c.get("/api/models").json() == []
    _error(c.get("/api/models/pd"), 404)
    r = c.put("/api/models/pd", json={"scenario": PD, "format": "yaml"})
    assert r.json()["revision"] == 1
    changed = PD.replace('"bob.cooperate", "not alice.cooperate"', '"not alice.cooperate", "bob.cooperate"')
    assert c.put("/api/models/pd", json={"scenario": changed, "format": "yaml", "note": "swap"}).json()["revision"] == 2
    got = c.get("/api/models/pd").json()
    assert {"scenario", "format"} <= set(got) and got["scenario"] == changed and got["format"] == "yaml"
    assert got["revision"] == 2 and c.get("/api/models/pd?revision=1").json()["scenario"] == PD
    assert [r["revision"] for r in c.get("/api/models/pd/revisions").json()] == [2, 1]
    diff = c.get("/api/models/pd/compare?a=1&b=2").json()["diff"]
    assert "-" in diff and "+" in diff and "not alice.cooperate" in diff
    assert c.post("/api/models/pd/revisions/1/restore").json()["revision"] == 3
    assert c.get("/api/models/pd").json()["scenario"] == PD
    _error(c.get("/api/models/pd/revisions/9"), 404)
    # export as .gmcr: the file reads back with the same equilibria
    r = c.get("/api/models/pd/export?format=gmcr")
    assert r.status_code == 200 and 'filename="pd.gmcr"' in r.headers["content-disposition"]
    back = detente.analyze(loads(r.text, "gmcr"))
    assert back.equilibria == detente.analyze(loads(PD)).equilibria
    # a model that does not load is not saved
    d = _error(c.put("/api/models/pd", json={"scenario": "name: x", "format": "yaml"}), 422)
    assert d["field"] == "decision_makers"
    # gmcr text saved as gmcr
    gm = dumps(loads(PD), "gmcr")
    assert c.put("/api/models/pd-gmcr", json={"scenario": gm, "format": "gmcr"}).status_code == 200
    assert c.get("/api/models/pd-gmcr").json()["format"] == "gmcr"
    assert c.delete("/api/models/pd").json() == {"deleted": "pd"}
    assert [m["name"] for m in c.get("/api/models").json()] == ["pd-gmcr"]


def test_foreign_host_is_refused():
    d = _error(client.get("/api/examples", headers={"host": "evil.example.com"}), 400)
    assert d["field"] == "host"
    assert client.get("/api/examples", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/api/examples", headers={"host": "localhost:1234"}).status_code == 200
    assert client.get("/api/examples", headers={"host": "[::1]:80"}).status_code == 200
    allowed = TestClient(create_app("sqlite://", allowed_hosts=["detente.lan"]), base_url="http://detente.lan")
    assert allowed.get("/api/examples").status_code == 200


def test_oversize_bodies_get_413_and_fields_are_bounded():
    big = "x" * (50 * 1024 * 1024)
    d = _error(client.post("/api/analyze", content=big, headers={"content-type": "application/json"}), 413)
    assert "larger than" in d["error"]
    r = client.post("/api/analyze", json={"scenario": PD, "concepts": ["nash"] * 5000})
    assert _error(r, 422)["field"] == "concepts"
    r = client.post("/api/analyze", json={"scenario": PD, "parameters": {f"p{i}": 1 for i in range(5000)}})
    assert _error(r, 422)["field"] == "parameters"
    _error(client.post("/api/analyze", json={"scenario": ""}), 422)
    _error(client.get("/api/examples/" + "a" * 5000), 422)
    _error(client.post("/api/analyze", json={"scenario": PD, "parameters": {"x": 1e300}}), 422)


def test_lone_surrogates_never_give_500():
    # JSON can carry a lone surrogate (\ud800); it is refused with the field, never a 500.
    for path in ("/api/analyze", "/api/validate", "/api/jobs/analyze"):
        r = client.post(path, content=b'{"scenario": "name: a\\ud800"}', headers={"content-type": "application/json"})
        d = _error(r, 422)
        assert d["field"] == "scenario" and "unicode" in d["error"]
    r = client.put("/api/models/m", content=b'{"scenario": "x\\udfff"}', headers={"content-type": "application/json"})
    assert _error(r, 422)["field"] == "scenario"
    r = client.post("/api/analyze", content=b'{"scenario": "x", "parameters": {"\\ud800": 1}}',
                    headers={"content-type": "application/json"})
    assert _error(r, 422)["field"].startswith("parameters")
    # an undecodable name in the path is read with replacement characters: a normal name, no 500
    assert client.get("/api/models/x%ED%A0%80").status_code == 404


def test_openapi_documents_the_error_shape():
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status in ("400", "413", "422"):
                assert status in op["responses"], (method, path, status)
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody")


def test_every_exploration_task_answers_for_the_examples():
    elmira = (EXAMPLES / "elmira.yaml").read_text(encoding="utf-8")
    flagship = (EXAMPLES / "ukraine-ceasefire.yaml").read_text(encoding="utf-8")
    g = client.post("/api/graph", json={"scenario": elmira, "focus": [7]}).json()
    assert {n["id"] for n in g["nodes"] if n["equilibrium"]} == {5, 6, 7, 10, 11, 12}
    assert all(a["dm"] in (0, 1, 2) for a in g["arcs"]) and g["decision_makers"][0]["name"] == "moe"
    ev = client.post("/api/evolve", json={"scenario": elmira}).json()
    assert ev["status_quo"] == 1 and 7 in ev["reachable_equilibria"]["moves"]["nash"]
    co = client.post("/api/coalitions", json={"scenario": elmira}).json()
    assert co["coalitions"] == [["moe", "uniroyal"]]
    inv = client.post("/api/inverse", json={"scenario": elmira, "state": "1", "concept": "nash"}).json()
    assert inv["state"] == 1 and "distance" in inv
    hg = client.post("/api/hypergame", json={"scenario": flagship}).json()
    assert hg["outcomes"] and "perceived" in hg
    _error(client.post("/api/hypergame", json={"scenario": PD}), 422)      # no perceptions: said so
    pv = client.post("/api/perspectives", json={"scenario": flagship}).json()
    assert len(pv["views"]) >= 3
    assert pv["changes"]["kremlin"] == "p_restrainers=0.6 (model 0.3); delta=0.93 (model 0.9)"
    assert any(line.startswith("Outcome 'ceasefire' (SEQ): an equilibrium in credible_commitment")
               for line in pv["differences"]) and pv["differences_left_out"] == 0
    br = client.post("/api/brief", json={"scenario": flagship}).json()
    assert "ceasefire" in br["text"]
    rep = client.post("/api/report", json={"scenario": elmira}).json()
    assert rep["html"].startswith("<!doctype html>") or rep["html"].lower().startswith("<!doctype html")
    conv = client.post("/api/convert", json={"scenario": elmira, "to": "gmcr"}).json()
    assert conv["format"] == "gmcr" and "decisionMakers" in conv["scenario"]
    parsed = client.post("/api/parse", json={"scenario": "name: draft\ndecision_makers: [{name: a}]"}).json()
    assert parsed["data"]["decision_makers"] == [{"name": "a"}]      # a draft that does not validate yet
