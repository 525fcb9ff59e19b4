"""The platforms' public keys: each platform's JWKS, fetched when first needed, cached (for
its ``Cache-Control: max-age``, else an hour), and fetched again once when a token names a
``kid`` the cache does not hold (the platform rotated its key)."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from .jose import LtiRefused

DEFAULT_AGE = 3600.0
MAX_JWKS = 256 * 1024
TIMEOUT = 5.0


@dataclass
class _Fetched:
    keys: dict[str, dict[str, Any]]          # kid -> JWK ("" for a key without kid)
    until: float


class PlatformKeys:
    """A cache of JWKS by URL, safe to share between threads."""

    def __init__(self, client: httpx.Client | None = None):
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        self._cache: dict[str, _Fetched] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def key(self, jwks_url: str, kid: str | None) -> dict[str, Any]:
        """The JWK named ``kid`` at ``jwks_url`` (without a kid: the only key there)."""
        with self._lock:
            got = self._cache.get(jwks_url)
            fresh = got is not None and got.until > time.monotonic()
            if got is None or not fresh or self._pick(got, kid) is None:
                got = self._fetch(jwks_url)
                self._cache[jwks_url] = got
            found = self._pick(got, kid)
        if found is None:
            raise LtiRefused(401, f"id_token: signed by key {kid!r}, which the platform's JWKS "
                                  f"({jwks_url}) does not hold")
        return found

    @staticmethod
    def _pick(got: _Fetched, kid: str | None) -> dict[str, Any] | None:
        if kid is not None:
            return got.keys.get(kid)
        return next(iter(got.keys.values())) if len(got.keys) == 1 else None

    def _fetch(self, url: str) -> _Fetched:
        self.fetches += 1
        try:
            r = self.client.get(url, headers={"Accept": "application/json"})
            body = r.content[:MAX_JWKS + 1]
        except httpx.HTTPError as e:
            raise LtiRefused(502, f"cannot fetch the platform's JWKS from {url}: "
                                  f"{type(e).__name__}") from None
        if r.status_code != 200 or len(body) > MAX_JWKS:
            raise LtiRefused(502, f"the platform's JWKS at {url} answered {r.status_code}")
        try:
            data = r.json()
            keys = {str(k.get("kid", "")): k for k in data["keys"]
                    if isinstance(k, dict) and k.get("kty") == "RSA"
                    and k.get("use", "sig") == "sig"}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise LtiRefused(502, f"the platform's JWKS at {url} is not a JWK set") from None
        m = re.search(r"max-age=(\d+)", r.headers.get("cache-control", ""))
        age = min(float(m.group(1)), 24 * 3600.0) if m else DEFAULT_AGE
        return _Fetched(keys, time.monotonic() + age)
