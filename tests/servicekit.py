"""Starting the real service in a subprocess on 127.0.0.1 for the service tests."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import QS, QUESTIONS

TOKEN = "test-token-1234"


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    db: Path
    log: list[str] = field(default_factory=list)

    def stop(self, sig: int | None = None) -> int:
        if self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)


def start(db: Path, cache: Path, token: str | None = TOKEN, bank: str = QS,
          extra: tuple[str, ...] = (), timeout: float = 180, url: str | None = None) -> Server:
    """``quizgrader serve`` on a free port of 127.0.0.1, ready to answer; attempts in the
    SQLite file ``db``, or in the database at ``url``."""
    env = {**os.environ, "QUIZGRADER_CACHE_DIR": str(cache)}
    env.pop("QUIZGRADER_ADMIN_TOKEN", None)
    cmd = [sys.executable, "-m", "quizgrader.cli", "serve", bank, "--db",
           url or f"sqlite:///{db}",
           "--port", "0", *extra]
    if token:
        env["QUIZGRADER_ADMIN_TOKEN"] = token
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    ready = threading.Event()
    url: list[str] = []

    def drain() -> None:
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            m = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
            if m and not url:
                url.append(m.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    ready.wait(timeout)
    if not url:
        proc.kill()
        raise RuntimeError("the service did not start:\n" + "\n".join(lines))
    server = Server(url[0], proc, db, lines)
    import httpx
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the service does not answer /healthz")
        time.sleep(0.1)


def chromium(playwright):
    """Debian's headless chromium under Playwright, without background traffic."""
    import shutil
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def bank_of(tmp_path_factory: pytest.TempPathFactory, names: tuple[str, ...]) -> Path:
    """A small bank for a test module: these files of the shipped bank, copied."""
    folder = tmp_path_factory.mktemp("bank")
    for name in names:
        shutil.copy(QUESTIONS / name, folder / name)
    return folder
