"""A misbehaving HTTP server on 127.0.0.1 for the tests (a platform's JWKS or scores endpoint
gone bad), on raw sockets so it can do what no framework would: ``trickle`` sends the headers
and then one byte every ``every`` seconds; ``huge`` sends a body of ``size`` bytes (without a
Content-Length, or declaring it with ``declare``); ``slow`` waits ``delay`` seconds, then
answers ``body``; ``error`` answers 500. Every connection ends within ``max_seconds``."""
from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from typing import Any


class Hostile:
    def __init__(self, mode: str = "slow", body: Any = None, delay: float = 0.0,
                 every: float = 0.2, size: int = 100 * 2**20, declare: bool = False,
                 max_seconds: float = 30.0):
        self.mode, self.delay, self.every, self.size = mode, delay, every, size
        self.declare, self.max_seconds = declare, max_seconds
        self.body = json.dumps(body if body is not None else {"keys": []}).encode()
        self.requests = 0
        self.sent = 0                                    # body bytes written, all connections
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._handle(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/jwks"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _count(self, n: int) -> None:
        with self._lock:
            self.sent += n

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            got = conn.recv(4096)
            if not got:
                return
            data += got
        with self._lock:
            self.requests += 1
        end = time.monotonic() + self.max_seconds
        try:
            if self.mode == "error":
                conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n"
                             b"Connection: close\r\n\r\noops")
            elif self.mode == "slow":
                time.sleep(min(self.delay, self.max_seconds))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                             % len(self.body) + self.body)
                self._count(len(self.body))
            elif self.mode == "trickle":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\n\r\n")
                while time.monotonic() < end:
                    conn.sendall(b" ")
                    self._count(1)
                    time.sleep(self.every)
            elif self.mode == "huge":
                length = b"Content-Length: %d\r\n" % self.size if self.declare else b""
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + length
                             + b"Connection: close\r\n\r\n")
                chunk = b"[" * 65536
                left = self.size
                while left > 0 and time.monotonic() < end:
                    n = conn.send(chunk[:left])
                    self._count(n)
                    left -= n
        except OSError:
            pass                                  # the client hung up: what we want
        finally:
            try:
                conn.close()
            except OSError:
                pass
