"""``/healthz``'s look at the database: an answer within :data:`HEALTH_TIMEOUT` seconds
whatever the database does."""
from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from . import db

#: Seconds /healthz waits for the database before calling it unavailable.
HEALTH_TIMEOUT = 1.5


class HealthCheck:
    """The database's health, answered within :data:`HEALTH_TIMEOUT` s whatever the database
    does: one ping at a time runs in its own thread; a ping still hanging counts as down."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="healthz")
        self.pending: Future[bool] | None = None

    def _ping(self) -> bool:
        try:
            db.ping(self.engine)
            return True
        except (SQLAlchemyError, db.DatabaseError, OSError):
            return False

    async def check(self) -> bool:
        if self.pending is None or self.pending.done():
            self.pending = self.pool.submit(self._ping)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self.pending), HEALTH_TIMEOUT)
        except asyncio.TimeoutError:
            return False

    async def workers(self) -> bool:
        """Whether the request thread pool runs a job within :data:`HEALTH_TIMEOUT` s (every
        worker busy: the service cannot answer, whatever the database says)."""
        try:
            await asyncio.wait_for(run_in_threadpool(_nothing), HEALTH_TIMEOUT)
            return True
        except asyncio.TimeoutError:
            return False


def _nothing() -> None:
    return None
