"""Attempts in a real database: SQLite by default (one file, WAL, fsync on commit), or any
SQLAlchemy URL.

The schema is versioned: ``schema_version`` holds the version, and :data:`MIGRATIONS` are
applied in order, each in its own transaction, when the service starts. A migration only adds
(tables, columns, indexes), so an upgrade never loses an attempt.
"""
from __future__ import annotations

import os
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
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import QuizgraderError


class DatabaseError(QuizgraderError):
    """The database cannot be opened, migrated or written."""


class DatabaseUnavailable(DatabaseError):
    """The database stopped answering while serving (locked, full, gone): a 503."""


#: Seconds a statement waits for a lock before the database counts as unavailable.
BUSY_SECONDS = 2.0


metadata = MetaData()
attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False),
    Column("question", String(100), nullable=False),
    Column("answer", String(600), nullable=False),        # option ids joined by ";"
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("provenance", String(40), nullable=False, server_default=""),
    Column("created", DateTime(timezone=True), nullable=False),
)


def _v1(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT "
                      "NOT NULL, learner VARCHAR(200) NOT NULL, question VARCHAR(100) "
                      "NOT NULL, answer VARCHAR(600) NOT NULL, score FLOAT NOT NULL, "
                      "max_score FLOAT NOT NULL, created TIMESTAMP NOT NULL)"
                      if conn.dialect.name == "sqlite" else
                      "CREATE TABLE attempts (id SERIAL PRIMARY KEY, learner VARCHAR(200) NOT "
                      "NULL, question VARCHAR(100) NOT NULL, answer VARCHAR(600) NOT NULL, "
                      "score FLOAT NOT NULL, max_score FLOAT NOT NULL, created TIMESTAMP WITH "
                      "TIME ZONE NOT NULL)"))


def _v2(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE attempts ADD COLUMN provenance VARCHAR(40) NOT NULL "
                      "DEFAULT ''"))
    conn.execute(text("CREATE INDEX ix_attempts_learner_question ON attempts "
                      "(learner, question)"))


#: (version, what it does, the step); version n is reached by applying 1..n in order.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "attempts", _v1),
    (2, "attempts.provenance and an index on (learner, question)", _v2),
]
VERSION = MIGRATIONS[-1][0]


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")        # a commit is on disk before we answer
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    cur.close()


def version(conn: Connection) -> int:
    """The schema version of the database (0 for a new one)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(text("SELECT version FROM schema_version")).scalar_one()


def migrate(engine: Engine, upto: int = VERSION) -> int:
    """Bring the schema to version ``upto``; returns the version found before."""
    with engine.begin() as conn:
        if not inspect(conn).has_table("schema_version"):
            conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
            conn.execute(text("INSERT INTO schema_version (version) VALUES (0)"))
        found = version(conn)
    if found > VERSION:
        raise DatabaseError(f"the database is at schema version {found}, newer than this "
                            f"quizgrader's ({VERSION}): upgrade quizgrader")
    for v, _, step in MIGRATIONS:
        if found < v <= upto:
            with engine.begin() as conn:
                step(conn)
                conn.execute(text("UPDATE schema_version SET version = :v"), {"v": v})
    return found


def connect(url: str) -> Engine:
    """An engine for ``url``, migrated to the current schema; a clear error if impossible."""
    try:
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS}
                               if url.startswith("sqlite") else {}, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine)
        _remember_file(engine)
        return engine
    except DatabaseError:
        raise
    except (SQLAlchemyError, ValueError) as e:
        reason = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise DatabaseError(f"cannot open the database {url}: {reason}") from None


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
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
        else:
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


def store(engine: Engine, learner: str, question: str, answer: tuple[str, ...], score: float,
          max_score: float, provenance: str) -> int:
    """Insert one attempt and commit it; its id."""
    check_file(engine)
    with engine.begin() as conn:
        row = conn.execute(insert(attempts).values(
            learner=learner, question=question, answer=";".join(answer), score=score,
            max_score=max_score, provenance=provenance, created=datetime.now(timezone.utc)))
        key = row.inserted_primary_key
        if key is None:
            raise DatabaseUnavailable("the database did not return the new attempt's id")
        return int(key[0])


def stored(engine: Engine, learner: str | None = None, question: str | None = None
           ) -> Iterator[Attempt]:
    """The stored attempts, oldest first, optionally of one learner and/or question."""
    q = select(attempts).order_by(attempts.c.id)
    if learner is not None:
        q = q.where(attempts.c.learner == learner)
    if question is not None:
        q = q.where(attempts.c.question == question)
    with engine.connect() as conn:
        for r in conn.execute(q):
            created = r.created if r.created.tzinfo else r.created.replace(tzinfo=timezone.utc)
            yield Attempt(r.id, r.learner, r.question, tuple(a for a in r.answer.split(";") if a),
                          r.score, r.max_score, r.provenance, created)


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
