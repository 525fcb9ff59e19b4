"""What LTI keeps in the attempts database (schema version 5, :mod:`..migrations`).

- ``lti_states``: a login's ``state`` and ``nonce`` until its launch (10 minutes at most);
- ``lti_nonces``: every nonce a launch used, so a replayed ``id_token`` is refused;
- ``lti_sessions``: a launched learner (or an instructor at the picker), named by a random id
  the page carries in a hidden field, so it works where the browser drops third-party cookies;
- ``lti_outbox``: a score to send, written in the transaction that stores its attempt and
  marked ``sent`` (or ``failed`` with the platform's answer) by :mod:`.ags`.

Times are Unix seconds (float). A launch's checks run before anything is written: the state's
removal, the nonce and the session are then one transaction.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .jose import LtiRefused

STATE_SECONDS = 600.0
SESSION_SECONDS = 8 * 3600.0
NONCE_SECONDS = 24 * 3600.0

metadata = MetaData()

states = Table(
    "lti_states", metadata,
    Column("state", String(64), primary_key=True),
    Column("nonce", String(64), nullable=False),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("created", Float, nullable=False),
)
nonces = Table(
    "lti_nonces", metadata,
    Column("nonce", String(200), primary_key=True),
    Column("used", Float, nullable=False),
)
sessions = Table(
    "lti_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),          # "resource" or "deeplink"
    Column("learner", String(800), nullable=False),      # iss|sub
    Column("name", String(200), nullable=False),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("deployment_id", String(200), nullable=False),
    Column("user_id", String(300), nullable=False),      # the token's sub
    Column("question", String(100), nullable=False),
    Column("lineitem", String(2000), nullable=False),    # "" without AGS score scope
    Column("return_url", String(2000), nullable=False),
    Column("data", String(4000), nullable=False),
    Column("created", Float, nullable=False),
)
outbox = Table(
    "lti_outbox", metadata,
    Column("attempt", Integer, primary_key=True),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("lineitem", String(2000), nullable=False),
    Column("user_id", String(300), nullable=False),
    Column("score_given", Float, nullable=False),
    Column("score_maximum", Float, nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("status", String(10), nullable=False),        # pending, sent, failed
    Column("tries", Integer, nullable=False),
    Column("next_try", Float, nullable=False),
    Column("claimed_until", Float, nullable=False),
    Column("answer", String(1000), nullable=False),      # the platform's last answer
    Column("created", Float, nullable=False),
)


@dataclass(frozen=True)
class State:
    state: str
    nonce: str
    issuer: str
    client_id: str


@dataclass(frozen=True)
class Session:
    """A launched learner at a question, or an instructor at the picker."""
    id: str
    kind: str
    learner: str
    name: str
    issuer: str
    client_id: str
    deployment_id: str
    user_id: str
    question: str
    lineitem: str
    return_url: str
    data: str


def new_state(engine: Engine, issuer: str, client_id: str, now: float | None = None) -> State:
    """A fresh state and nonce for a login, stored (old states, sessions, nonces dropped)."""
    now = time.time() if now is None else now
    s = State(secrets.token_urlsafe(32), secrets.token_urlsafe(32), issuer, client_id)
    with engine.begin() as conn:
        conn.execute(delete(states).where(states.c.created < now - STATE_SECONDS))
        conn.execute(delete(sessions).where(sessions.c.created < now - SESSION_SECONDS))
        conn.execute(delete(nonces).where(nonces.c.used < now - NONCE_SECONDS))
        conn.execute(insert(states).values(state=s.state, nonce=s.nonce, issuer=issuer,
                                           client_id=client_id, created=now))
    return s


def state(engine: Engine, value: str, now: float | None = None) -> State | None:
    """The stored login state ``value`` if it has not expired."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        r = conn.execute(select(states).where(states.c.state == value,
                                              states.c.created >= now - STATE_SECONDS)).first()
    return None if r is None else State(r.state, r.nonce, r.issuer, r.client_id)


def nonce_used(engine: Engine, nonce: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(nonces.c.nonce).where(nonces.c.nonce == nonce)).first() \
            is not None


def launch(engine: Engine, used: State, session: Session, now: float | None = None) -> None:
    """Spend the login ``used`` (its state and nonce, once) and open ``session``; a second
    launch with the same state or nonce is refused (409) and changes nothing."""
    now = time.time() if now is None else now
    try:
        with engine.begin() as conn:
            gone = conn.execute(delete(states).where(states.c.state == used.state))
            if gone.rowcount != 1:
                raise LtiRefused(409, "this launch was already used (its state is spent)")
            conn.execute(insert(nonces).values(nonce=used.nonce, used=now))
            conn.execute(insert(sessions).values(**session.__dict__, created=now))
    except IntegrityError:
        raise LtiRefused(409, "this launch was already used (its nonce is spent)") from None


def token_ok(value: str) -> bool:
    """Whether ``value`` can be a state or session id this tool made (token_urlsafe(32):
    43 URL-safe characters); anything else is not looked up in the database."""
    return 1 <= len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_")
                                         for c in value)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session(engine: Engine, sid: str, kind: str, now: float | None = None) -> Session | None:
    """The open session ``sid`` of ``kind``, if it has not expired."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        r = conn.execute(select(sessions).where(
            sessions.c.id == sid, sessions.c.kind == kind,
            sessions.c.created >= now - SESSION_SECONDS)).first()
    if r is None:
        return None
    return Session(*(getattr(r, f) for f in Session.__dataclass_fields__))


def close(engine: Engine, sid: str) -> bool:
    """Close session ``sid``; False when it was already closed."""
    with engine.begin() as conn:
        return conn.execute(delete(sessions).where(sessions.c.id == sid)).rowcount == 1


def score_row(s: Session, attempt: int, score_given: float, score_maximum: float,
              timestamp: str, now: float | None = None) -> dict[str, Any]:
    """The outbox row of ``attempt`` by the learner of session ``s``."""
    now = time.time() if now is None else now
    return {"attempt": attempt, "issuer": s.issuer, "client_id": s.client_id,
            "lineitem": s.lineitem, "user_id": s.user_id, "score_given": score_given,
            "score_maximum": score_maximum, "timestamp": timestamp, "status": "pending",
            "tries": 0, "next_try": now, "claimed_until": 0.0, "answer": "", "created": now}


def queue(conn: Connection, row: dict[str, Any]) -> None:
    """Add a score to the outbox inside the caller's transaction (the attempt's)."""
    conn.execute(insert(outbox).values(**row))


@dataclass(frozen=True)
class Outgoing:
    """A claimed outbox row, to be sent."""
    attempt: int
    issuer: str
    client_id: str
    lineitem: str
    user_id: str
    score_given: float
    score_maximum: float
    timestamp: str
    tries: int
    created: float
    lease: float = 0.0              # when this sender's claim ends (its token)


def claim(engine: Engine, lease: float, limit: int = 1, now: float | None = None
          ) -> list[Outgoing]:
    """Pending scores that are due (the oldest ``limit``), each leased to this sender until
    ``now + lease``; another sender on the same database skips them meanwhile. A sender
    claims one row at a time and sends it within a deadline shorter than the lease, so the
    lease outlives the post. The lease's end, :attr:`Outgoing.lease`, is the claim's token:
    :func:`settle` writes only while it still holds."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        due = conn.execute(select(outbox).where(
            outbox.c.status == "pending", outbox.c.next_try <= now,
            outbox.c.claimed_until <= now).order_by(outbox.c.attempt).limit(limit)).all()
    mine = []
    for r in due:
        until = now + lease + secrets.randbelow(1_000_000) / 1e9     # unique to this claim
        with engine.begin() as conn:
            got = conn.execute(update(outbox).where(
                outbox.c.attempt == r.attempt, outbox.c.status == "pending",
                outbox.c.claimed_until <= now).values(claimed_until=until))
        if got.rowcount == 1:
            mine.append(Outgoing(r.attempt, r.issuer, r.client_id, r.lineitem, r.user_id,
                                 r.score_given, r.score_maximum, r.timestamp, r.tries,
                                 r.created, until))
    return mine


def settle(engine: Engine, attempt: int, status: str, answer: str, tries: int,
           next_try: float = 0.0, lease: float | None = None) -> bool:
    """Record a send's outcome: ``sent``, ``failed``, or ``pending`` again from ``next_try``;
    with ``lease`` (the claim's), only while that lease still holds. False: it did not."""
    cond = [outbox.c.attempt == attempt]
    if lease is not None:
        cond.append(outbox.c.claimed_until == lease)
    with engine.begin() as conn:
        done = conn.execute(update(outbox).where(*cond).values(
            status=status, answer=answer[:1000], tries=tries, next_try=next_try,
            claimed_until=0.0))
    return done.rowcount == 1


def passback(engine: Engine, attempts: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """The passback state of attempts (all, or those named): status, tries, the platform's
    last answer."""
    q = select(outbox.c.attempt, outbox.c.status, outbox.c.tries, outbox.c.answer)
    wanted = None if attempts is None else list(attempts)
    if wanted is not None and len(wanted) <= 500:     # more: read all (bound-parameter limits)
        q = q.where(outbox.c.attempt.in_(wanted))
    with engine.connect() as conn:
        return {r.attempt: {"status": r.status, "tries": r.tries, "answer": r.answer}
                for r in conn.execute(q)}
