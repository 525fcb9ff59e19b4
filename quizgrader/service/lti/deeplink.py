"""Deep linking 2.0: the signed ``LtiDeepLinkingResponse`` that carries an instructor's
chosen questions back to the platform, one ``ltiResourceLink`` (with its ``lineItem``) each."""
from __future__ import annotations

import secrets
from typing import Any

from .jose import signed
from .keys import ToolKeys
from .launch import DL, LTI, VERSION
from .store import Session

#: Every question scores in [0, 1] (grading.scoring), so each line item's maximum is 1.
SCORE_MAXIMUM = 1.0


def content_item(public_url: str, qid: str, title: str) -> dict[str, Any]:
    """The resource link of question ``qid``: launched at ``/lti/launch`` with
    ``custom.question``, graded into a line item of its own."""
    return {"type": "ltiResourceLink", "title": title,
            "url": public_url.rstrip("/") + "/lti/launch",
            "custom": {"question": qid},
            "lineItem": {"scoreMaximum": SCORE_MAXIMUM, "label": title, "resourceId": qid}}


def response(keys: ToolKeys, s: Session, public_url: str, chosen: list[tuple[str, str]]
             ) -> str:
    """The response JWT for session ``s`` with the ``chosen`` (id, title) questions."""
    claims: dict[str, Any] = {
        "iss": s.client_id, "aud": s.issuer, "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": VERSION,
        LTI + "deployment_id": s.deployment_id,
        DL + "content_items": [content_item(public_url, q, t) for q, t in chosen]}
    if s.data:
        claims[DL + "data"] = s.data
    return signed(keys, claims)
