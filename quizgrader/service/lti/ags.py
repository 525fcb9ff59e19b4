"""Score passback (LTI Assignment and Grade Services 2.0): the outbox's sender.

Each graded attempt of a launched learner left a row in ``lti_outbox`` in the transaction that
stored the attempt (:func:`.store.queue`). A :class:`Sender` thread claims due rows, gets an
access token by the client-credentials grant with a JWT assertion signed by the tool's key
(cached until shortly before it expires) and posts the score to ``{lineitem}/scores`` (the
``/scores`` goes before any query string). The row is then ``sent``; a platform that is down,
slow, rate-limiting or answering 5xx is tried again with exponential backoff (1 s doubling to
5 minutes); another 4xx is ``failed`` with the platform's answer, as is a score still unsent
after :data:`GIVE_UP` seconds.

Any number of services may share one database and send its outbox: a sender claims one row
at a time for :data:`LEASE` seconds and sends it within :data:`SEND_DEADLINE` seconds (the
token and the post together, a deadline for the whole exchange, not per read), so no other
sender can claim the row while its post is under way; the outcome is written only while the
claim still holds.

A row is marked sent only after the platform accepted it, so a crash between the two sends it
again after the restart; the score carries its attempt's timestamp, so the platform reads the
repeat as the same score, never as a newer one.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy.engine import Engine

from . import store
from .jose import signed
from .keys import ToolKeys
from .launch import SCORE_SCOPE
from .platforms import Platform, Platforms

log = logging.getLogger("quizgrader.lti")
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BASE_DELAY, MAX_DELAY = 1.0, 300.0
GIVE_UP = 3 * 24 * 3600.0
LEASE = 60.0
#: Seconds one score's whole exchange (token and post) may take; well inside the lease.
SEND_DEADLINE = 20.0
#: Seconds one network step (connect, one read) may take.
TIMEOUT = 10.0
#: Bytes of a platform's answer read at most.
MAX_ANSWER = 64 * 1024


class Late(Exception):
    """The exchange ran past its deadline."""


@dataclass
class Answer:
    """A platform's answer, read within a deadline."""
    status_code: int
    text: str

    def json(self) -> object:
        return json.loads(self.text)


def bounded(client: httpx.Client, method: str, url: str, end: float,
            **kw: object) -> Answer:
    """``method url`` answered by ``end`` (monotonic): each network step at most
    :data:`TIMEOUT` s and never past ``end``, the body read in chunks with the deadline
    checked between them, at most :data:`MAX_ANSWER` bytes kept."""
    left = end - time.monotonic()
    if left <= 0:
        raise Late(f"no time left for {url}")
    body = bytearray()
    with client.stream(method, url, timeout=min(TIMEOUT, left), **kw) as r:  # type: ignore[arg-type]
        for chunk in r.iter_bytes():
            if len(body) < MAX_ANSWER:
                body += chunk[:MAX_ANSWER - len(body)]
            if time.monotonic() > end:
                raise Late(f"{url} answered too slowly")
        return Answer(r.status_code, body.decode("utf-8", "replace"))


def scores_url(lineitem: str) -> str:
    """The scores endpoint of a line item: ``/scores`` appended to its path, before any
    query string (AGS 2.0 §3.4)."""
    p = urlsplit(lineitem)
    return urlunsplit((p.scheme, p.netloc, p.path.rstrip("/") + "/scores", p.query, ""))


def delay(tries: int) -> float:
    """Seconds to wait before try ``tries + 1``."""
    return min(BASE_DELAY * 2.0 ** max(tries - 1, 0), MAX_DELAY)


@dataclass
class _Token:
    value: str
    until: float


class TokenError(Exception):
    """No access token: the platform's answer."""


class Tokens:
    """Access tokens by platform, cached until 30 s before they expire."""

    def __init__(self, client: httpx.Client, keys: ToolKeys):
        self.client, self.keys = client, keys
        self._cache: dict[tuple[str, str], _Token] = {}
        self.requests = 0

    def get(self, p: Platform, end: float | None = None) -> str:
        end = time.monotonic() + TIMEOUT if end is None else end
        key = (p.issuer, p.client_id)
        got = self._cache.get(key)
        if got is not None and got.until > time.monotonic():
            return got.value
        assertion = signed(self.keys, {"iss": p.client_id, "sub": p.client_id,
                                       "aud": p.assertion_audience})
        self.requests += 1
        r = bounded(self.client, "POST", p.token_url, end, data={
            "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion, "scope": SCORE_SCOPE},
            headers={"Accept": "application/json"})
        if r.status_code != 200:
            raise TokenError(f"token endpoint answered {r.status_code}: {r.text[:300]}")
        try:
            data = r.json()
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            value = str(data["access_token"])
            life = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise TokenError(f"token endpoint answered no access_token: {r.text[:300]}") \
                from None
        self._cache[key] = _Token(value, time.monotonic() + max(life - 30.0, 0.0))
        return value

    def forget(self, p: Platform) -> None:
        self._cache.pop((p.issuer, p.client_id), None)


class Sender:
    """Sends the outbox's scores, in a thread of its own (:meth:`start`), or a round at a
    time (:meth:`run_once`)."""

    def __init__(self, engine: Engine, platforms: Platforms, keys: ToolKeys,
                 client: httpx.Client | None = None, poll: float = 5.0,
                 lease: float | None = None, deadline: float | None = None):
        self.engine, self.platforms, self.poll = engine, platforms, poll
        self.lease = LEASE if lease is None else lease
        self.deadline = min(SEND_DEADLINE if deadline is None else deadline, self.lease / 2)
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        self.tokens = Tokens(self.client, keys)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Look at the outbox now (an attempt was just stored)."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="lti-scores", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as e:                # the database is down: try again later
                log.warning("lti score sender: %s", str(e).splitlines()[0] if str(e) else e)
            self._wake.wait(self.poll)
            self._wake.clear()

    def run_once(self, most: int = 100) -> int:
        """Send what is due, one claimed row at a time (at most ``most``); returns how many
        rows were tried."""
        tried = 0
        while tried < most and not self._stop.is_set():
            due = store.claim(self.engine, self.lease, limit=1)
            if not due:
                break
            self._send(due[0])
            tried += 1
        return tried

    def _send(self, o: store.Outgoing) -> None:
        p = self.platforms.find(o.issuer, o.client_id)
        tries = o.tries + 1
        if p is None:
            store.settle(self.engine, o.attempt, "failed",
                         f"the platform {o.issuer} ({o.client_id}) is no longer registered",
                         tries, lease=o.lease)
            return
        body = {"userId": o.user_id, "scoreGiven": o.score_given,
                "scoreMaximum": o.score_maximum, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": o.timestamp}
        end = time.monotonic() + self.deadline
        try:
            token = self.tokens.get(p, end)
            r = bounded(self.client, "POST", scores_url(o.lineitem), end,
                        content=json.dumps(body).encode(), headers={
                            "Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE})
        except (httpx.HTTPError, TokenError, Late) as e:
            self._again(o, tries, str(e) or type(e).__name__)
            return
        answer = f"{r.status_code} {r.text[:500]}".strip()
        if 200 <= r.status_code < 300:
            store.settle(self.engine, o.attempt, "sent", answer, tries, lease=o.lease)
            log.info("lti score sent: attempt %d to %s", o.attempt, o.issuer)
        elif r.status_code == 401:                        # the token expired early
            self.tokens.forget(p)
            self._again(o, tries, answer)
        elif r.status_code in (408, 425, 429) or r.status_code >= 500:
            self._again(o, tries, answer)
        else:
            store.settle(self.engine, o.attempt, "failed", answer, tries, lease=o.lease)

    def _again(self, o: store.Outgoing, tries: int, answer: str) -> None:
        now = time.time()
        if now - o.created > GIVE_UP:
            store.settle(self.engine, o.attempt, "failed", f"gave up after {tries} tries: "
                         f"{answer}", tries, lease=o.lease)
            return
        store.settle(self.engine, o.attempt, "pending", answer, tries, now + delay(tries),
                     lease=o.lease)
