"""Signing and checking the JWTs of LTI (RS256 only), on joserfc.

joserfc checks a signature and nothing else unless asked, with the algorithms named by the
caller: every claim rule of a launch is written out in :mod:`.launch`, so none is skipped by a
library default (pylti1p3 skips PyJWT's audience check, for one).
"""
from __future__ import annotations

import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import extract_compact

from .keys import ToolKeys
from .platforms import LtiError

ALGORITHM = "RS256"


class LtiRefused(LtiError):
    """A request the tool refuses: answered with ``status`` and the message, nothing stored."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def header(token: str) -> dict[str, Any]:
    """The (unverified) JOSE header of a compact JWT."""
    try:
        h = extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError) as e:
        raise LtiRefused(400, f"id_token: not a signed JWT ({e})") from None
    if h.get("alg") != ALGORITHM:
        raise LtiRefused(401, f"id_token: signed with {h.get('alg')!r}; LTI needs RS256")
    return dict(h)


def verified(token: str, jwk: dict[str, Any]) -> dict[str, Any]:
    """The claims of ``token`` once its RS256 signature checks against the public ``jwk``."""
    try:
        key = RSAKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as e:
        raise LtiRefused(502, f"the platform's key {jwk.get('kid')!r} cannot be read: {e}") \
            from None
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError) as e:
        raise LtiRefused(401, f"id_token: the signature does not check ({e})") from None
    if not isinstance(claims, dict):
        raise LtiRefused(400, "id_token: its claims are not a JSON object")
    return dict(claims)


def signed(keys: ToolKeys, claims: dict[str, Any], lifetime: int = 300,
           now: float | None = None) -> str:
    """``claims`` with ``iat``, ``exp`` and a fresh ``jti``, signed by the tool's current key."""
    t = int(time.time() if now is None else now)
    full = {"iat": t, "exp": t + lifetime, "jti": uuid.uuid4().hex, **claims}
    return jwt.encode({"alg": ALGORITHM, "kid": keys.kid, "typ": "JWT"}, full, keys.current,
                      algorithms=[ALGORITHM])
