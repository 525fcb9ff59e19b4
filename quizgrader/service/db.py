"""Attempts in a real database: SQLite by default (one file, WAL, fsync on commit), or any
SQLAlchemy URL.

The schema is versioned and migrated at start (:mod:`.migrations`: one transaction and one
lock per migration); URLs, drivers and timeouts are :mod:`.dburl`'s.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .dberrors import BUSY_SECONDS, DatabaseError, DatabaseUnavailable
from .dburl import engine_for, shown
from .migrations import VERSION, migrate, version

metadata = MetaData()
attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(800), nullable=False),     # typed (200) or iss|sub
    Column("question", String(100), nullable=False),
    Column("answer", String(600), nullable=False),        # option ids joined by ";"
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("provenance", String(40), nullable=False, server_default=""),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("variant", Integer, nullable=True),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    # Switching a fresh file to WAL needs its exclusive lock, and six services starting at
    # once on one new file once got "database is locked" at connect (under a loaded suite):
    # retry for the busy timeout rather than trust the busy handler to cover the switch.
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cur.execute("PRAGMA synchronous=FULL")        # a commit is on disk before we answer
    cur.close()


def connect(url: str) -> Engine:
    """An engine for ``url`` (see :func:`.dburl.engine_for`), migrated to the current schema
    under a lock (:func:`.migrations.migrate`); a clear error if impossible."""
    try:
        engine = engine_for(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            sqlite_transactions(engine)
        migrate(engine)
        _remember_file(engine)
        return engine
    except DatabaseError:
        raise
    except (SQLAlchemyError, ValueError) as e:
        reason = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise DatabaseError(f"cannot open the database {shown(url)}: {reason}") from None


def sqlite_transactions(engine: Engine) -> None:
    """SQLite transactions that cover DDL too (pysqlite's own BEGIN skips it, so a migration
    could stop between its statements): SQLAlchemy emits every BEGIN itself, IMMEDIATE (the
    write lock at once) when the connection asks for ``immediate``."""
    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _file(engine: Engine) -> str | None:
    """The SQLite file behind ``engine`` (None for other databases or memory)."""
    if engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    return path if path and path != ":memory:" and not path.startswith("file:") else None


_IDENTITY: dict[int, tuple[str, int, int]] = {}


def _remember_file(engine: Engine) -> None:
    path = _file(engine)
    if path is not None:
        st = os.stat(path)
        _IDENTITY[id(engine)] = (path, st.st_dev, st.st_ino)


def check_file(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailable` if the SQLite file was deleted or replaced since
    the service opened it (an attempt written there would be lost)."""
    known = _IDENTITY.get(id(engine))
    if known is None:
        return
    path, dev, ino = known
    try:
        st = os.stat(path)
    except OSError:
        raise DatabaseUnavailable(f"the database file {path} is gone") from None
    if (st.st_dev, st.st_ino) != (dev, ino):
        raise DatabaseUnavailable(f"the database file {path} was replaced")


def ping(engine: Engine) -> None:
    """A round trip to the database that could store an attempt (raises when it cannot): on
    SQLite it takes and releases the write lock, so a lock held elsewhere counts."""
    check_file(engine)
    if engine.dialect.name == "sqlite":               # BEGIN IMMEDIATE, then roll back
        with engine.connect().execution_options(immediate=True) as conn:
            tx = conn.begin()
            tx.rollback()
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@dataclass(frozen=True)
class Attempt:
    """One stored attempt."""
    id: int
    learner: str
    question: str
    answer: tuple[str, ...]
    score: float
    max_score: float
    provenance: str
    created: datetime
    variant: int | None = None


def store(engine: Engine, learner: str, question: str, answer: tuple[str, ...], score: float,
          max_score: float, provenance: str, idempotency_key: str | None = None,
          variant: int | None = None,
          also: Callable[[Connection, int], None] | None = None) -> tuple[int, bool]:
    """Insert one attempt and commit it: (its id, True). With an ``idempotency_key`` already
    stored, nothing is inserted: (that attempt's id, False) (see :func:`by_key`). ``also``
    writes more in the same transaction (an LTI score's outbox row), given the new id."""
    check_file(engine)
    try:
        with engine.begin() as conn:
            row = conn.execute(insert(attempts).values(
                learner=learner, question=question, answer=";".join(answer), score=score,
                max_score=max_score, provenance=provenance, created=datetime.now(timezone.utc),
                idempotency_key=idempotency_key, variant=variant))
            key = row.inserted_primary_key
            if key is None:
                raise DatabaseUnavailable("the database did not return the new attempt's id")
            if also is not None:
                also(conn, int(key[0]))
            return int(key[0]), True
    except IntegrityError:
        found = by_key(engine, idempotency_key) if idempotency_key is not None else None
        if found is None:
            raise
        return found.id, False


def by_key(engine: Engine, idempotency_key: str) -> Attempt | None:
    """The attempt stored with ``idempotency_key``, if any."""
    q = select(attempts).where(attempts.c.idempotency_key == idempotency_key)
    with engine.connect() as conn:
        r = conn.execute(q).first()
    return None if r is None else _attempt(r)


def _attempt(r: Any) -> Attempt:
    """A stored row as an :class:`Attempt` (times read as UTC where the driver drops it)."""
    created = r.created if r.created.tzinfo else r.created.replace(tzinfo=timezone.utc)
    return Attempt(r.id, r.learner, r.question, tuple(a for a in r.answer.split(";") if a),
                   r.score, r.max_score, r.provenance, created, r.variant)


#: Attempts read per query by :func:`stored` (memory is bounded by a page, not the table).
PAGE = 1000


def stored(engine: Engine, learner: str | None = None, question: str | None = None,
           page: int = PAGE) -> Iterator[Attempt]:
    """The stored attempts, oldest first, optionally of one learner and/or question: read
    ``page`` rows per query (by id, each query on a connection of its own and none held
    between pages), so any number of attempts takes the memory of one page."""
    last = 0
    while True:
        q = select(attempts).where(attempts.c.id > last).order_by(attempts.c.id).limit(page)
        if learner is not None:
            q = q.where(attempts.c.learner == learner)
        if question is not None:
            q = q.where(attempts.c.question == question)
        with engine.connect() as conn:
            rows = conn.execute(q).all()
        for r in rows:
            yield _attempt(r)
        if len(rows) < page:
            return
        last = rows[-1].id


def nth(engine: Engine, attempt: int, learner: str, question: str) -> int:
    """Which attempt of ``learner`` at ``question`` the stored attempt ``attempt`` is (1, 2…)."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(attempts).where(
            attempts.c.learner == learner, attempts.c.question == question,
            attempts.c.id <= attempt)).scalar_one()


def count(engine: Engine) -> int:
    """How many attempts are stored."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM attempts")).scalar_one()


__all__ = ["BUSY_SECONDS", "VERSION", "Attempt", "DatabaseError", "DatabaseUnavailable",
           "attempts", "by_key", "check_file", "connect", "count", "migrate", "nth", "ping",
           "shown", "store", "stored", "version"]
