"""Saved models: every save is one transaction that adds a revision; nothing acknowledged is lost.

The store keeps two tables (SQLAlchemy Core, so any database SQLAlchemy speaks works):

- ``models``: one row per model name, with its newest revision number;
- ``revisions``: every saved text (scenario as sent, and its format), numbered 1, 2, ... per model.

A save (:meth:`Store.save`) runs in one transaction: it creates the model row if needed, takes the
next revision number, inserts the revision and moves the model's pointer; it returns only after
the commit, so a save that was answered is on disk. On SQLite (the default) the database runs in
WAL mode with ``synchronous=FULL`` (each commit is fsynced) and write transactions start with
``BEGIN IMMEDIATE`` so concurrent saves queue on the lock instead of failing; on other databases
the row lock and the unique (model, number) key give the same guarantee, with a retry on a
conflicting insert.

>>> store = Store("sqlite://")
>>> store.save("pd", "name: PD", "yaml")["revision"]
1
>>> store.save("pd", "name: PD 2", "yaml")["revision"]
2
>>> [r["revision"] for r in store.revisions("pd")]
[2, 1]
>>> store.get("pd", 1)["scenario"]
'name: PD'
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from ..errors import DetenteError

metadata = MetaData()

models = Table(
    "models", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("revision", Integer, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
)

revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", Integer, ForeignKey("models.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("format", String(8), nullable=False),
    Column("scenario", Text, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("created", DateTime(timezone=True), nullable=False),
    UniqueConstraint("model_id", "number", name="uq_revision_number"),
)


class NotFound(DetenteError):
    """A model or revision that does not exist (the API answers 404)."""


def default_db_path() -> Path:
    """The default database file in the user's data folder.

    ``$XDG_DATA_HOME/detente/models.db`` (``~/.local/share`` if unset) on Linux and other Unixes,
    ``~/Library/Application Support/detente/models.db`` on macOS, ``%APPDATA%\\detente\\models.db``
    on Windows.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "detente" / "models.db"


def database_url(db: str | os.PathLike[str] | None) -> str:
    """An SQLAlchemy URL from ``--db``: a URL as is (``postgresql://...``), a path as an SQLite file."""
    if db is None:
        path = default_db_path()
    else:
        text = os.fspath(db)
        if "://" in text:
            return text
        path = Path(text).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 60}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised through every save
            # Let SQLAlchemy (not the driver) decide when transactions start: see _begin below.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # pragma: no cover - exercised through every save
            # Take the write lock at the start, so two saves never deadlock upgrading read locks.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """Models and their revisions in a database named by an SQLAlchemy URL (or an SQLite path).

    Parameters
    ----------
    db : str or path, optional
        An SQLAlchemy URL (``sqlite:///models.db``, ``postgresql://user@host/db``) or a file path
        (an SQLite database). Default: :func:`default_db_path`.

    Examples
    --------
    >>> s = Store("sqlite://")
    >>> s.save("m", "{}", "json")["revision"], s.names()
    (1, ['m'])
    """

    def __init__(self, db: str | os.PathLike[str] | None = None):
        self.url = database_url(db)
        try:
            self.engine = _make_engine(self.url)
        except Exception as exc:  # an unknown dialect or a missing driver
            raise DetenteError(f"cannot use this database URL: {exc.__class__.__name__}: {exc}".splitlines()[0],
                               field="db", source=self.url) from None
        # One shared connection (in-memory SQLite) must not run two transactions at once.
        self._lock = threading.Lock() if isinstance(self.engine.pool, StaticPool) else None
        try:
            metadata.create_all(self.engine)
        except Exception as exc:  # the URL's database cannot be opened or created
            raise DetenteError(f"cannot open the database: {exc.__class__.__name__}: {exc}".splitlines()[0],
                               field="db", source=self.url) from None

    # -- reading --------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Every model's name, sorted."""
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(models.c.name).order_by(models.c.name))]

    def list(self) -> list[dict[str, Any]]:
        """Every model with its newest revision number and time of last save."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(models.c.name, models.c.revision, models.c.updated)
                                .order_by(models.c.name)).all()
        return [{"name": n, "revision": r, "updated": _iso(u)} for n, r, u in rows]

    def get(self, name: str, revision: int | None = None) -> dict[str, Any]:
        """A model's text at ``revision`` (default: the newest)."""
        with self.engine.connect() as conn:
            model = conn.execute(select(models).where(models.c.name == name)).first()
            if model is None:
                raise NotFound(f"no saved model named {name!r}", field="name")
            number = model.revision if revision is None else revision
            row = conn.execute(select(revisions).where(revisions.c.model_id == model.id,
                                                       revisions.c.number == number)).first()
        if row is None:
            raise NotFound(f"model {name!r} has no revision {number} (newest: {model.revision})",
                           field="revision")
        return {"name": name, "scenario": row.scenario, "format": row.format, "revision": row.number,
                "latest": model.revision, "note": row.note, "saved": _iso(row.created)}

    def revisions(self, name: str) -> "builtins.list[dict[str, Any]]":
        """A model's revisions, newest first (number, format, note, time, size)."""
        with self.engine.connect() as conn:
            model = conn.execute(select(models.c.id).where(models.c.name == name)).first()
            if model is None:
                raise NotFound(f"no saved model named {name!r}", field="name")
            rows = conn.execute(select(revisions.c.number, revisions.c.format, revisions.c.note,
                                       revisions.c.created, func.length(revisions.c.scenario))
                                .where(revisions.c.model_id == model.id)
                                .order_by(revisions.c.number.desc())).all()
        return [{"revision": n, "format": f, "note": note, "saved": _iso(c), "size": int(size or 0)}
                for n, f, note, c, size in rows]

    # -- writing --------------------------------------------------------------------------------
    def save(self, name: str, scenario: str, fmt: str, note: str = "") -> dict[str, Any]:
        """Store a new revision of ``name`` in one transaction; returns its number once committed."""
        for attempt in range(20):
            try:
                if self._lock is not None:
                    with self._lock:
                        return self._save_once(name, scenario, fmt, note)
                return self._save_once(name, scenario, fmt, note)
            except IntegrityError:
                # Another writer took the same name or number first (databases without BEGIN
                # IMMEDIATE): the transaction was rolled back; try again with fresh numbers.
                time.sleep(0.01 * (attempt + 1))
            except OperationalError as exc:  # database locked for too long
                if attempt >= 5:
                    raise DetenteError(f"the database is busy: {exc.orig}", field="db") from None
                time.sleep(0.05 * (attempt + 1))
        raise DetenteError("could not save after 20 tries: too many concurrent saves", field="db")

    def _save_once(self, name: str, scenario: str, fmt: str, note: str) -> dict[str, Any]:
        now = _now()
        with self.engine.begin() as conn:
            model = conn.execute(select(models.c.id, models.c.revision).where(models.c.name == name)
                                 .with_for_update()).first()
            if model is None:
                inserted = conn.execute(models.insert().values(name=name, revision=0, created=now,
                                                               updated=now)).inserted_primary_key
                assert inserted is not None
                model_id = inserted[0]
                number = 1
            else:
                model_id = model.id
                number = model.revision + 1
            conn.execute(revisions.insert().values(model_id=model_id, number=number, format=fmt,
                                                   scenario=scenario, note=note, created=now))
            conn.execute(models.update().where(models.c.id == model_id).values(revision=number, updated=now))
        return {"name": name, "revision": number, "saved": _iso(now)}

    def restore(self, name: str, revision: int) -> dict[str, Any]:
        """Save revision ``revision``'s text again as the newest revision (history is kept)."""
        old = self.get(name, revision)
        return self.save(name, old["scenario"], old["format"], note=f"restored revision {revision}")

    def delete(self, name: str) -> None:
        """Delete a model and all its revisions (one transaction)."""
        with self.engine.begin() as conn:
            model = conn.execute(select(models.c.id).where(models.c.name == name)).first()
            if model is None:
                raise NotFound(f"no saved model named {name!r}", field="name")
            conn.execute(revisions.delete().where(revisions.c.model_id == model.id))
            conn.execute(models.delete().where(models.c.id == model.id))

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["NotFound", "Store", "database_url", "default_db_path"]
