"""LTI work cannot take every worker from the plain API: at most :data:`SLOTS` launches are
in progress at once (a launch may wait seconds for a platform's JWKS, the one outside server a
request waits on); one more is a quick 503 with ``Retry-After``. The plain API keeps the rest
of the thread pool (40 threads). The other LTI endpoints (login, answer, picker) wait on
nothing outside, like the plain API, and are not gated: a crowd of hostile launches cannot
keep a launched learner from answering."""
from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

#: Launches in progress at once (the thread pool has 40 threads).
SLOTS = 16
GATED = ("/lti/launch",)


@dataclass
class Gate:
    """How many launches are in progress, of ``slots``; ``refused`` counts the 503s."""
    slots: int = SLOTS
    busy: int = 0
    refused: int = 0


class LtiLimit:
    """ASGI middleware admitting at most ``gate.slots`` launches at once."""

    def __init__(self, app: ASGIApp, gate: Gate):
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").rstrip("/") not in GATED:
            await self.app(scope, receive, send)
            return
        gate = self.gate
        if gate.busy >= gate.slots:           # one event loop: no lock needed
            gate.refused += 1
            busy = HTMLResponse("<!doctype html><title>Busy</title><p>The quiz tool is busy "
                                "with other launches: open the activity again in a "
                                "moment.</p>",
                                status_code=503, headers={"Retry-After": "2"})
            await busy(scope, receive, send)
            return
        gate.busy += 1
        try:
            await self.app(scope, receive, send)
        finally:
            gate.busy -= 1
