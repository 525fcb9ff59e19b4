"""Connection guards: a client must send a request's headers within :data:`HEADER_TIMEOUT`
seconds of connecting (or of its previous response), so connections that stall half-way
(slowloris) are closed instead of starving the server.

uvicorn times out idle keep-alive connections but not partial requests: its keep-alive timer
is cancelled by the first byte of the next request. :class:`GuardedH11Protocol` adds the
missing timer around uvicorn's h11 protocol. Bodies are bounded in the app (see
``app.body``).
"""
from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a connection may take to send a request's headers.
HEADER_TIMEOUT = 10.0
#: Seconds a request may take to send its body.
BODY_TIMEOUT = 10.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _waiting(self) -> bool:
        """True while no request is in progress (its headers have not all arrived)."""
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self) -> None:
        self._header_timer = None
        if self._waiting() and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._waiting():
            self._arm()
        super().data_received(data)
        if not self._waiting():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._waiting() and not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
