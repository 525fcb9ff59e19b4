"""What a login initiation and a launch must satisfy (LTI Core 1.3, Security Framework 1.0).

:func:`login_target` checks a third-party login initiation against the registered platforms;
:func:`checked` takes a launch's ``id_token`` through every rule of the contract, in order, and
returns what the tool needs of it. Each refusal is an :class:`~.jose.LtiRefused` with a 4xx
status and a message that says which rule failed; nothing is written before all have passed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..dberrors import storable_problem
from ..identity import lti_learner
from .jose import LtiRefused, header, verified
from .platformkeys import PlatformKeys
from .platforms import Platform, Platforms
from .store import State

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
RESOURCE = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
VERSION = "1.3.0"
#: Clock skew allowed on exp and iat (seconds).
LEEWAY = 60
#: Roles that may open the deep-linking picker (context and institution roles, LTI 1.3 §A.2).
STAFF = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")
MAX_TOKEN = 32 * 1024


@dataclass(frozen=True)
class Launch:
    """A launch that passed every check."""
    platform: Platform
    kind: str                      # RESOURCE or DEEP_LINKING
    deployment_id: str
    sub: str
    name: str
    question: str                  # the custom claim's question ("" for deep linking)
    lineitem: str                  # where scores go ("" without an AGS score scope)
    return_url: str                # deep linking: where the response is posted
    data: str                      # deep linking: the settings' opaque data, echoed back

    @property
    def learner(self) -> str:
        """The learner as the attempts store them: ``iss|sub``."""
        return lti_learner(self.platform.issuer, self.sub)


def login_target(platforms: Platforms, params: dict[str, str], public_url: str) -> Platform:
    """The platform a login initiation comes from, once its parameters check."""
    iss = params.get("iss", "")
    if not iss:
        raise LtiRefused(400, "login: iss is missing")
    platform = platforms.find(iss, params.get("client_id") or None)
    if platform is None:
        raise LtiRefused(400, f"login: no platform {iss[:200]!r}"
                              + (f" with client_id {params['client_id'][:100]!r}"
                                 if params.get("client_id") else "")
                              + " is registered with this tool")
    if not params.get("login_hint"):
        raise LtiRefused(400, "login: login_hint is missing")
    target = params.get("target_link_uri", "")
    if not _ours(target, public_url):
        raise LtiRefused(400, f"login: target_link_uri {target[:200]!r} is not this tool "
                              f"({public_url})")
    deployment = params.get("lti_deployment_id")
    if deployment is not None and deployment not in platform.deployment_ids:
        raise LtiRefused(400, f"login: deployment {deployment[:100]!r} is not registered for "
                              f"{platform.issuer}")
    return platform


def _ours(url: str, public_url: str) -> bool:
    """Whether ``url`` is at or under the tool's public URL."""
    a, b = urlsplit(url), urlsplit(public_url)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        return False
    base = b.path.rstrip("/")
    return a.path.rstrip("/") == base or a.path.startswith(base + "/")


def _claim(claims: dict[str, Any], name: str, kind: type, what: str) -> Any:
    value = claims.get(name)
    if not isinstance(value, kind):
        raise LtiRefused(400, f"id_token: {what} is missing or not a {kind.__name__}")
    return value


def checked(token: str, used: State, platforms: Platforms, keys: PlatformKeys,
            nonce_spent: bool, now: float | None = None) -> Launch:
    """The launch in ``token`` (posted with the login state ``used``), every rule checked."""
    if len(token) > MAX_TOKEN:
        raise LtiRefused(400, "id_token: over 32 kB")
    platform = platforms.find(used.issuer, used.client_id)
    if platform is None:
        raise LtiRefused(400, f"the platform {used.issuer!r} is no longer registered")
    h = header(token)
    claims = verified(token, keys.key(platform.jwks_url, h.get("kid")))
    now = time.time() if now is None else now
    if claims.get("iss") != platform.issuer:
        raise LtiRefused(401, f"id_token: issued by {str(claims.get('iss'))[:200]!r}, not by "
                              f"{platform.issuer!r}")
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if platform.client_id not in auds:
        raise LtiRefused(401, f"id_token: meant for another audience ({str(aud)[:200]}), not "
                              f"client_id {platform.client_id!r}")
    if (len(auds) > 1 or "azp" in claims) and claims.get("azp") != platform.client_id:
        raise LtiRefused(401, f"id_token: azp {claims.get('azp')!r} is not client_id "
                              f"{platform.client_id!r}")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
        raise LtiRefused(401, "id_token: exp and iat are needed")
    if exp < now - LEEWAY:
        raise LtiRefused(401, f"id_token: expired {int(now - exp)} s ago")
    if iat > now + LEEWAY:
        raise LtiRefused(401, "id_token: issued in the future (iat): check the clocks")
    if claims.get("nonce") != used.nonce:
        raise LtiRefused(401, "id_token: its nonce is not the one this login sent")
    if nonce_spent:
        raise LtiRefused(409, "id_token: replayed (its nonce was used by an earlier launch)")
    deployment = claims.get(LTI + "deployment_id")
    if deployment not in platform.deployment_ids:
        raise LtiRefused(403, f"id_token: deployment {str(deployment)[:100]!r} is not "
                              f"registered for {platform.issuer}")
    if claims.get(LTI + "version") != VERSION:
        raise LtiRefused(400, f"id_token: LTI version {claims.get(LTI + 'version')!r}; this "
                              f"tool speaks {VERSION}")
    kind = claims.get(LTI + "message_type")
    if kind not in (RESOURCE, DEEP_LINKING):
        raise LtiRefused(400, f"id_token: message type {str(kind)[:100]!r} is not one this tool "
                              f"handles ({RESOURCE}, {DEEP_LINKING})")
    sub = _claim(claims, "sub", str, "sub (the user)")
    if not sub or len(sub) > 255:
        raise LtiRefused(400, "id_token: sub must be 1 to 255 characters")
    _storable(sub, "sub", 255)
    given = claims.get("name")
    name = given[:200] if isinstance(given, str) else ""
    _storable(name, "name", 200)
    if kind == DEEP_LINKING:
        roles = claims.get(LTI + "roles")
        if not isinstance(roles, list) or not any(
                isinstance(r, str) and r.endswith(STAFF) for r in roles):
            raise LtiRefused(403, "only an instructor may pick this tool's questions (the "
                                  "launch's roles hold no instructor role)")
        settings = _claim(claims, DL + "deep_linking_settings", dict, "deep_linking_settings")
        url = settings.get("deep_link_return_url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise LtiRefused(400, "id_token: deep_link_return_url is missing")
        _storable(url, "deep_link_return_url", 2000)
        data = settings.get("data")
        echoed = data if isinstance(data, str) else ""
        _storable(echoed, "deep_linking_settings.data", 4000)
        return Launch(platform, kind, deployment, sub, name, "", "", url, echoed)
    custom = claims.get(LTI + "custom")
    question = custom.get("question") if isinstance(custom, dict) else None
    if not isinstance(question, str) or not question:
        raise LtiRefused(400, "id_token: the custom claim names no question "
                              "({\"question\": \"<id>\"}): link the resource again through "
                              "deep linking")
    ags = claims.get(AGS)
    lineitem = ""
    if isinstance(ags, dict) and SCORE_SCOPE in (ags.get("scope") or []):
        item = ags.get("lineitem")
        lineitem = item if isinstance(item, str) and url_ok(item) else ""
        _storable(lineitem, "the AGS lineitem URL", 2000)
    return Launch(platform, kind, deployment, sub, name, question[:100], lineitem, "", "")


def _storable(value: str, what: str, limit: int) -> None:
    """Refuse a claim the database cannot hold (NUL, over-long) before anything is stored."""
    problem = storable_problem(value, what, limit)
    if problem:
        raise LtiRefused(400, "id_token: " + problem)


def url_ok(url: str) -> bool:
    """Whether ``url`` is an http(s) URL the tool may post to."""
    return urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)
