"""The attempts database's schema, versioned: ``schema_version`` holds the version and
:data:`MIGRATIONS` are applied in order when the service starts.

Each migration runs in one transaction with its version bump, so an interrupted one leaves
the schema as it was; and under a lock (a PostgreSQL advisory lock; SQLite's write lock,
taken with BEGIN IMMEDIATE), with the version read again inside it, so services starting
together apply each migration once. A migration only adds (tables, columns, indexes): an
upgrade never loses an attempt.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from .dberrors import DatabaseError

#: The advisory lock key of quizgrader's migrations (any fixed 64-bit number).
LOCK_KEY = 7_461_203_118


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


def _v3(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE attempts ADD COLUMN idempotency_key VARCHAR(200)"))
    conn.execute(text("CREATE UNIQUE INDEX ix_attempts_idempotency_key ON attempts "
                      "(idempotency_key)"))


def _v4(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE attempts ADD COLUMN variant INTEGER"))


def _v5(conn: Connection) -> None:
    """The LTI tool's tables (:mod:`.lti.store`); an LTI learner id is ``iss|sub``, longer
    than a typed name (SQLite does not enforce VARCHAR lengths)."""
    sqlite = conn.dialect.name == "sqlite"
    if not sqlite:
        conn.execute(text("ALTER TABLE attempts ALTER COLUMN learner TYPE VARCHAR(800)"))
    serial = "INTEGER PRIMARY KEY NOT NULL"
    conn.execute(text("CREATE TABLE lti_states (state VARCHAR(64) PRIMARY KEY NOT NULL, "
                      "nonce VARCHAR(64) NOT NULL, issuer VARCHAR(500) NOT NULL, "
                      "client_id VARCHAR(200) NOT NULL, created FLOAT NOT NULL)"))
    conn.execute(text("CREATE TABLE lti_nonces (nonce VARCHAR(200) PRIMARY KEY NOT NULL, "
                      "used FLOAT NOT NULL)"))
    conn.execute(text("CREATE TABLE lti_sessions (id VARCHAR(64) PRIMARY KEY NOT NULL, "
                      "kind VARCHAR(20) NOT NULL, learner VARCHAR(800) NOT NULL, "
                      "name VARCHAR(200) NOT NULL, issuer VARCHAR(500) NOT NULL, "
                      "client_id VARCHAR(200) NOT NULL, deployment_id VARCHAR(200) NOT NULL, "
                      "user_id VARCHAR(300) NOT NULL, question VARCHAR(100) NOT NULL, "
                      "lineitem VARCHAR(2000) NOT NULL, return_url VARCHAR(2000) NOT NULL, "
                      "data VARCHAR(4000) NOT NULL, created FLOAT NOT NULL)"))
    conn.execute(text(f"CREATE TABLE lti_outbox (attempt {serial} REFERENCES attempts(id), "
                      "issuer VARCHAR(500) NOT NULL, client_id VARCHAR(200) NOT NULL, "
                      "lineitem VARCHAR(2000) NOT NULL, user_id VARCHAR(300) NOT NULL, "
                      "score_given FLOAT NOT NULL, score_maximum FLOAT NOT NULL, "
                      "timestamp VARCHAR(40) NOT NULL, status VARCHAR(10) NOT NULL, "
                      "tries INTEGER NOT NULL, next_try FLOAT NOT NULL, "
                      "claimed_until FLOAT NOT NULL, answer VARCHAR(1000) NOT NULL, "
                      "created FLOAT NOT NULL)"))
    conn.execute(text("CREATE INDEX ix_lti_outbox_due ON lti_outbox (status, next_try)"))


#: (version, what it does, the step); version n is reached by applying 1..n in order.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "attempts", _v1),
    (2, "attempts.provenance and an index on (learner, question)", _v2),
    (3, "attempts.idempotency_key, unique", _v3),
    (4, "attempts.variant (the variant of a template's question the learner answered)", _v4),
    (5, "LTI: login states, used nonces, sessions, the score outbox", _v5),
]
VERSION = MIGRATIONS[-1][0]


def version(conn: Connection) -> int:
    """The schema version of the database (0 for a new one)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    found = conn.execute(text("SELECT version FROM schema_version")).scalar_one()
    return int(found)


def _locked(engine: Engine) -> Connection:
    """A connection whose next transaction holds the migrations' lock."""
    return engine.connect().execution_options(immediate=True)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


def migrate(engine: Engine, upto: int = VERSION,
            steps: list[tuple[int, str, Callable[[Connection], None]]] | None = None) -> int:
    """Bring the schema to version ``upto``; returns the version found before."""
    steps = MIGRATIONS if steps is None else steps
    with _locked(engine) as conn, conn.begin():
        _lock(conn)
        if not inspect(conn).has_table("schema_version"):
            conn.execute(text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
            conn.execute(text("INSERT INTO schema_version (version) VALUES (0)"))
        found = version(conn)
    if found > VERSION:
        raise DatabaseError(f"the database is at schema version {found}, newer than this "
                            f"quizgrader's ({VERSION}): upgrade quizgrader")
    for v, _, step in steps:
        if not found < v <= upto:
            continue
        with _locked(engine) as conn, conn.begin():
            _lock(conn)
            if version(conn) >= v:               # another service applied it meanwhile
                continue
            step(conn)
            conn.execute(text("UPDATE schema_version SET version = :v"), {"v": v})
    return found
