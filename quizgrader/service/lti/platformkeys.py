"""The platforms' public keys: each platform's JWKS, fetched when first needed, cached (for
its ``Cache-Control: max-age``, else an hour), and fetched again when a token names a ``kid``
the cache does not hold (the platform rotated its key).

An outside server must not stall the tool, so per JWKS URL (per platform):

- a fetch has an overall deadline (:data:`DEADLINE`), checked between the body's chunks, not
  a timeout per read, and its size cap (:data:`MAX_JWKS`) is enforced while streaming;
- one fetch is in flight at a time, and the launches that need it wait for it and share its
  result (single flight), at most :data:`MAX_WAITERS` of them (more are a quick 503);
- an unknown ``kid`` and a failed fetch lead to another fetch at most once per
  :data:`REFETCH_EVERY` seconds; meanwhile the launch is refused at once;
- platforms never wait for each other: a launch whose key is cached never waits at all.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from .jose import LtiRefused

DEFAULT_AGE = 3600.0
MAX_JWKS = 256 * 1024
#: Seconds a whole JWKS fetch may take (connect, headers and body).
DEADLINE = 5.0
#: Seconds one network step (connect, one read) may take; a fetch ends at most this long
#: after its deadline.
STEP = 2.0
#: Seconds between two fetches of one platform's JWKS for an unknown kid or after a failure.
REFETCH_EVERY = 5.0
#: Launches that may wait for one platform's fetch in flight.
MAX_WAITERS = 8


@dataclass
class _Fetched:
    keys: dict[str, dict[str, Any]]          # kid -> JWK ("" for a key without kid)
    until: float


@dataclass
class _Slot:
    """One JWKS URL's cache, its fetch in flight and the last fetch's outcome."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    fetched: _Fetched | None = None
    error: LtiRefused | None = None
    tried: float = float("-inf")             # when the last fetch ended (monotonic)
    inflight: threading.Event | None = None
    waiters: int = 0


class PlatformKeys:
    """A cache of JWKS by URL, safe to share between threads."""

    def __init__(self, client: httpx.Client | None = None, deadline: float = DEADLINE,
                 step: float = STEP, refetch_every: float = REFETCH_EVERY,
                 max_waiters: int = MAX_WAITERS):
        self.client = client or httpx.Client(timeout=step, follow_redirects=False)
        self.deadline, self.step = deadline, step
        self.refetch_every, self.max_waiters = refetch_every, max_waiters
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()             # guards _slots only, never held on I/O
        self.fetches = 0

    def _slot(self, url: str) -> _Slot:
        with self._lock:
            return self._slots.setdefault(url, _Slot())

    def key(self, jwks_url: str, kid: str | None) -> dict[str, Any]:
        """The JWK named ``kid`` at ``jwks_url`` (without a kid: the only key there)."""
        slot = self._slot(jwks_url)
        while True:
            with slot.lock:
                now = time.monotonic()
                got = slot.fetched
                if got is not None and got.until > now:
                    found = self._pick(got, kid)
                    if found is not None:
                        return found
                    if now - slot.tried < self.refetch_every:
                        raise self._unknown(jwks_url, kid, now - slot.tried)
                elif slot.error is not None and now - slot.tried < self.refetch_every:
                    raise slot.error
                event = slot.inflight
                if event is None:                 # this thread fetches, the others wait
                    event = slot.inflight = threading.Event()
                    lead = True
                elif slot.waiters >= self.max_waiters:
                    raise LtiRefused(503, f"the platform's JWKS ({jwks_url}) is being fetched "
                                          f"for {slot.waiters} launches already: try again "
                                          f"in a moment")
                else:
                    slot.waiters += 1
                    lead = False
            if lead:
                self._lead(slot, jwks_url, event)
            else:
                try:
                    done = event.wait(self.deadline + self.step + 1.0)
                finally:
                    with slot.lock:
                        slot.waiters -= 1
                if not done:
                    raise LtiRefused(504, f"the platform's JWKS ({jwks_url}) did not arrive "
                                          f"within {self.deadline:g} s")
            # the fetch ended: look again (a fresh cache, or its error, or a kid it lacks)

    def _lead(self, slot: _Slot, url: str, event: threading.Event) -> None:
        fetched, error = None, None
        try:
            fetched = self._fetch(url)
        except LtiRefused as e:
            error = e
        finally:
            with slot.lock:
                slot.tried = time.monotonic()
                if fetched is not None:
                    slot.fetched, slot.error = fetched, None
                else:
                    slot.error = error or LtiRefused(502, f"cannot fetch the platform's JWKS "
                                                          f"from {url}")
                slot.inflight = None
            event.set()

    @staticmethod
    def _unknown(url: str, kid: str | None, ago: float) -> LtiRefused:
        return LtiRefused(401, f"id_token: signed by key {kid!r}, which the platform's JWKS "
                               f"({url}) does not hold (fetched {ago:.0f} s ago)")

    @staticmethod
    def _pick(got: _Fetched, kid: str | None) -> dict[str, Any] | None:
        if kid is not None:
            return got.keys.get(kid)
        return next(iter(got.keys.values())) if len(got.keys) == 1 else None

    def _fetch(self, url: str) -> _Fetched:
        """The JWKS at ``url``, read within the deadline and the size cap."""
        self.fetches += 1
        end = time.monotonic() + self.deadline
        body = bytearray()
        try:
            with self.client.stream("GET", url, headers={"Accept": "application/json"},
                                    timeout=self.step) as r:
                if r.status_code != 200:
                    raise LtiRefused(502, f"the platform's JWKS at {url} answered "
                                          f"{r.status_code}")
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_JWKS:
                    raise self._too_big(url)
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS:
                        raise self._too_big(url)
                    if time.monotonic() > end:
                        raise self._late(url)
                cache_control = r.headers.get("cache-control", "")
        except httpx.TimeoutException:
            raise self._late(url) from None
        except httpx.HTTPError as e:
            raise LtiRefused(502, f"cannot fetch the platform's JWKS from {url}: "
                                  f"{type(e).__name__}") from None
        if time.monotonic() > end:
            raise self._late(url)
        try:
            data = json.loads(bytes(body))
            keys = {str(k.get("kid", "")): k for k in data["keys"]
                    if isinstance(k, dict) and k.get("kty") == "RSA"
                    and k.get("use", "sig") == "sig"}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise LtiRefused(502, f"the platform's JWKS at {url} is not a JWK set") from None
        m = re.search(r"max-age=(\d+)", cache_control)
        age = min(float(m.group(1)), 24 * 3600.0) if m else DEFAULT_AGE
        return _Fetched(keys, time.monotonic() + age)

    def _late(self, url: str) -> LtiRefused:
        return LtiRefused(504, f"the platform's JWKS at {url} did not arrive within "
                               f"{self.deadline:g} s")

    @staticmethod
    def _too_big(url: str) -> LtiRefused:
        return LtiRefused(502, f"the platform's JWKS at {url} is over {MAX_JWKS // 1024} kB")
