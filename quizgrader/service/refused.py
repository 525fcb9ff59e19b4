"""The service's refusals and the reading of a request body, shared by its endpoints."""
from __future__ import annotations

import asyncio

from fastapi import Request

from .guard import BODY_TIMEOUT

MAX_BODY = 64 * 1024


class Refused(Exception):
    """Bad input: answered with ``status`` and ``{"error": message}``, nothing stored."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def read_body(request: Request) -> bytes:
    """The request's body: at most MAX_BODY bytes, all of it within BODY_TIMEOUT s."""
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > MAX_BODY:
        raise Refused(413, f"the body is over {MAX_BODY // 1024} kB")
    chunks, total = [], 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BODY_TIMEOUT
    stream = request.stream().__aiter__()
    while True:
        left = deadline - loop.time()
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), max(left, 0.001))
        except StopAsyncIteration:
            break
        except asyncio.TimeoutError:
            raise Refused(408, f"the body did not arrive within {BODY_TIMEOUT:g} s") from None
        total += len(chunk)
        if total > MAX_BODY:
            raise Refused(413, f"the body is over {MAX_BODY // 1024} kB")
        chunks.append(chunk)
    return b"".join(chunks)
