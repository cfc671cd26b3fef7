"""Saved models against a real server: concurrent saves and a SIGKILL mid-burst lose nothing acknowledged."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import detente
from detente.io import dumps
from detente.web.store import Store

PD = dumps(detente.examples.prisoners_dilemma(), "yaml")


def variant(i: int) -> str:
    """A distinct valid model text per save (the name carries the save's number)."""
    return PD.replace("name: Prisoner's Dilemma", f"name: PD save {i}", 1) if "name: Prisoner's Dilemma" in PD \
        else f"# save {i}\n{PD}"


def test_store_revisions_restore_delete(tmp_path):
    store = Store(tmp_path / "m.db")
    assert store.save("pd", variant(1), "yaml")["revision"] == 1
    assert store.save("pd", variant(2), "yaml", note="second")["revision"] == 2
    assert [r["revision"] for r in store.revisions("pd")] == [2, 1]
    assert store.restore("pd", 1)["revision"] == 3
    assert store.get("pd")["scenario"] == variant(1)
    assert store.get("pd", 2)["scenario"] == variant(2)
    store.delete("pd")
    assert store.names() == []
    with pytest.raises(detente.DetenteError, match="no saved model"):
        store.get("pd")
    # SQLite runs in WAL mode with full fsync on commit.
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2   # FULL


def test_store_url_and_bad_url(tmp_path):
    assert Store(f"sqlite:///{tmp_path / 'x.db'}").url.endswith("x.db")
    with pytest.raises(detente.DetenteError, match="cannot open the database"):
        Store(f"sqlite:///{tmp_path / 'missing-dir' / 'sub' / 'x.db'}")
    with pytest.raises(detente.DetenteError, match="cannot use this database URL"):
        Store("nosuchdb://host/x")


def test_twenty_concurrent_saves_are_all_kept(server_factory, tmp_path):
    srv = server_factory(tmp_path / "c.db")

    def save(i: int) -> int:
        r = httpx.put(f"{srv.url}/api/models/shared", json={"scenario": variant(i), "format": "yaml"}, timeout=120)
        assert r.status_code == 200, r.text
        return r.json()["revision"]

    with ThreadPoolExecutor(20) as ex:
        revs = list(ex.map(save, range(20)))
    assert sorted(revs) == list(range(1, 21))         # every save got its own revision
    listed = httpx.get(f"{srv.url}/api/models/shared/revisions").json()
    assert sorted(r["revision"] for r in listed) == list(range(1, 21))
    texts = {httpx.get(f"{srv.url}/api/models/shared/revisions/{r}").json()["scenario"] for r in revs}
    assert texts == {variant(i) for i in range(20)}   # each acknowledged text is stored, none overwritten


def test_sigkill_during_a_burst_loses_nothing_acknowledged(server_factory, tmp_path):
    db = tmp_path / "k.db"
    srv = server_factory(db)
    acked: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int) -> None:
        i = 0
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                text = variant(1000 * w + i)
                try:
                    r = client.put(f"{srv.url}/api/models/m{w % 4}", json={"scenario": text, "format": "yaml"})
                except httpx.HTTPError:
                    return                      # the server is gone: this save was never acknowledged
                if r.status_code == 200:
                    with lock:
                        acked.append((f"m{w % 4}", r.json()["revision"], text))
                i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()                                   # SIGKILL mid-burst
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acked) >= 25, "the burst was too slow to test anything"

    store = Store(db)                            # the database as the killed server left it
    for name, rev, text in acked:
        assert store.get(name, rev)["scenario"] == text, (name, rev)
    srv2 = server_factory(db)                    # and a restarted server serves it
    for name, rev, text in acked[:5]:
        assert httpx.get(f"{srv2.url}/api/models/{name}/revisions/{rev}").json()["scenario"] == text
