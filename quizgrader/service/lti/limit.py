"""LTI work cannot take every worker from the plain API: at most :data:`SLOTS` LTI requests
are in progress at once (a launch may wait seconds for a platform's JWKS); one more is a quick
503 with ``Retry-After``. The plain API keeps the rest of the thread pool (40 threads)."""
from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

#: LTI requests in progress at once (the thread pool has 40 threads).
SLOTS = 16
PREFIX = "/lti/"
EXEMPT = ("/lti/jwks",)                     # no outside server and no database behind it


@dataclass
class Gate:
    """How many LTI requests are in progress, of ``slots``; ``refused`` counts the 503s."""
    slots: int = SLOTS
    busy: int = 0
    refused: int = 0


class LtiLimit:
    """ASGI middleware admitting at most ``gate.slots`` LTI requests at once."""

    def __init__(self, app: ASGIApp, gate: Gate):
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIX) or path in EXEMPT:
            await self.app(scope, receive, send)
            return
        gate = self.gate
        if gate.busy >= gate.slots:           # one event loop: no lock needed
            gate.refused += 1
            busy = HTMLResponse("<!doctype html><title>Busy</title><p>The quiz tool is busy "
                                "with other launches: try again in a moment.</p>",
                                status_code=503, headers={"Retry-After": "2"})
            await busy(scope, receive, send)
            return
        gate.busy += 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.busy -= 1
