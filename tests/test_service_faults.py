"""The service under attack and faults (a real process on 127.0.0.1, a temporary SQLite file):
hostile input is a 4xx, stalled connections are closed, a database that stops answering is a
503 JSON error and an honest /healthz, and nothing acknowledged is lost."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from conftest import GRU_FILE, GRU_ID  # noqa: E402
from servicekit import TOKEN, bank_of, start  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> str:
    """The one question these tests answer: a service starts in a fraction of the time it
    takes to verify and explain the whole bank, and each test starts its own."""
    return str(bank_of(tmp_path_factory, (GRU_FILE.name,)))


@pytest.fixture()
def server(tmp_path, cache, bank):
    s = start(tmp_path / "attempts.db", cache, bank=bank)
    yield s
    s.stop()


def stored(server) -> list[dict]:
    r = httpx.get(server.url + "/api/attempts", headers=AUTH, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def post_raw(server, body: bytes, client: httpx.Client | None = None) -> httpx.Response:
    c = client or httpx
    return c.post(server.url + "/api/attempts", content=body, timeout=30,
                  headers={"Content-Type": "application/json"})


def test_hostile_json_is_a_400_and_the_connection_goes_on(server):
    with httpx.Client() as c:
        deep = b"[" * 20_000 + b"]" * 20_000                       # 40 kB, under the limit
        r = post_raw(server, deep, c)
        assert r.status_code == 400 and "nested deeper than 32" in r.json()["error"]
        for learner in ("\ud800x", "a\u202eb", "zero\u200bwidth", "line\u2028break", "nb\u00a0sp"):
            body = json.dumps({"learner": learner, "question": GRU_ID, "answer": ["C"]}).encode()
            r = post_raw(server, body, c)
            assert r.status_code == 400 and r.json()["error"].startswith("learner:"), learner
        ok = post_raw(server, json.dumps({"learner": "ann", "question": GRU_ID,
                                          "answer": ["C"]}).encode(), c)
        assert ok.status_code == 200                               # same keep-alive connection
    assert [a["learner"] for a in stored(server)] == ["ann"]
    assert not any("Traceback" in line for line in server.log)


def test_a_form_with_bad_percent_escapes_is_refused_not_merged(server):
    for raw in ("learner=ann%FF&answer=C", "learner=ann%FE&answer=C"):
        r = httpx.post(f"{server.url}/q/{GRU_ID}", content=raw.encode(), timeout=30,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400 and "not UTF-8" in r.text
    assert stored(server) == []


def test_the_page_numbers_attempts_per_learner_and_keeps_the_name(server):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    httpx.post(server.url + "/api/attempts", json={"learner": "bo", "question": GRU_ID,
                                                   "answer": ["A"]}, timeout=30)
    r = httpx.post(f"{server.url}/q/{GRU_ID}", content=b"learner=ivy&answer=C", headers=form,
                   timeout=30)
    assert "Your attempt 1 at this question was saved for ivy." in r.text
    r = httpx.post(f"{server.url}/q/{GRU_ID}", content=b"learner=ivy&answer=B", headers=form,
                   timeout=30)
    assert "Your attempt 2 at this question" in r.text
    empty = httpx.post(f"{server.url}/q/{GRU_ID}", content=b"learner=ivy", headers=form,
                       timeout=30)
    assert empty.status_code == 400 and 'value="ivy"' in empty.text


def test_the_bearer_scheme_is_case_insensitive(server):
    for scheme in ("Bearer", "bearer", "BEARER"):
        r = httpx.get(server.url + "/api/attempts", timeout=10,
                      headers={"Authorization": f"{scheme} {TOKEN}"})
        assert r.status_code == 200, scheme
    assert httpx.get(server.url + "/api/attempts", timeout=10,
                     headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_stalled_headers_and_bodies_are_cut_off(server):
    host, port = server.url.removeprefix("http://").split(":")
    half = socket.create_connection((host, int(port)))
    half.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")           # never ends its headers
    slow = socket.create_connection((host, int(port)))
    slow.sendall(b"POST /api/attempts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                 b"\r\nContent-Length: 100\r\n\r\n{\"learner\":")   # never ends its body
    idle = [socket.create_connection((host, int(port))) for _ in range(50)]
    start = time.monotonic()
    half.settimeout(20)
    assert half.recv(100) == b""                                     # closed by the server
    slow.settimeout(20)
    answer = slow.recv(4096)
    assert b" 408 " in answer.split(b"\r\n")[0]
    assert time.monotonic() - start < 15
    for s in idle:
        s.settimeout(20)
        assert s.recv(10) == b""
    for s in (half, slow, *idle):
        s.close()
    assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200


def test_a_held_database_lock_is_a_503_and_healthz_says_so_within_2_s(server):
    lock = sqlite3.connect(server.db, timeout=1, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        t = time.monotonic()
        h = httpx.get(server.url + "/healthz", timeout=10)
        assert time.monotonic() - t < 2.0
        assert h.status_code == 503 and h.json()["database"] == "unavailable"
        r = httpx.post(server.url + "/api/attempts", timeout=30,
                       json={"learner": "ann", "question": GRU_ID, "answer": ["C"]})
        assert r.status_code == 503 and r.json() == {"error": "the database is unavailable"}
        assert r.headers["retry-after"] == "2"
        assert httpx.get(server.url + "/api/questions", timeout=5).status_code == 200
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert httpx.get(server.url + "/healthz", timeout=5).json()["database"] == "ok"
    records = [json.loads(line) for line in server.log if line.startswith("{")
               and '"database unavailable"' in line]
    assert records and "traceback" in records[0]
    assert [a["learner"] for a in stored(server)] == []


def test_a_deleted_database_file_stops_acknowledging(server):
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(server.db) + suffix)
        if p.exists():
            p.unlink()
    r = httpx.post(server.url + "/api/attempts", timeout=30,
                   json={"learner": "ann", "question": GRU_ID, "answer": ["C"]})
    assert r.status_code == 503
    assert httpx.get(server.url + "/healthz", timeout=5).status_code == 503


@pytest.mark.parametrize("token,message", [("has space", "printable ASCII without spaces"),
                                           ("tökenwith", "printable ASCII"),
                                           ("short", "at least 8")])
def test_unusable_admin_tokens_are_refused_at_start(tmp_path, bank, token, message):
    env = {**os.environ, "QUIZGRADER_ADMIN_TOKEN": token,
           "QUIZGRADER_CACHE_DIR": str(tmp_path / "c")}
    p = subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", bank, "--db",
                        f"sqlite:///{tmp_path / 'a.db'}", "--port", "0"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and message in p.stderr and "Traceback" not in p.stderr


def test_a_token_in_argv_is_refused(tmp_path, bank):
    p = subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", bank, "--admin-token",
                        "s3cret-token"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "QUIZGRADER_ADMIN_TOKEN" in p.stderr


def test_a_token_file_works(tmp_path, cache, bank):
    f = tmp_path / "token"
    f.write_text(TOKEN + "\n", encoding="utf-8")
    s = start(tmp_path / "a.db", cache, token=None, extra=("--admin-token-file", str(f)),
              bank=bank)
    try:
        assert httpx.get(s.url + "/api/attempts", headers=AUTH, timeout=10).status_code == 200
        assert not any(TOKEN in line for line in s.log)
    finally:
        s.stop()


def test_sigterm_right_after_start_stops_cleanly(tmp_path, cache, bank):
    for _ in range(4):
        s = start(tmp_path / "a.db", cache, bank=bank)
        assert s.stop(signal.SIGTERM) == 0


def test_sigterm_the_moment_serving_is_announced_is_not_lost(tmp_path, cache, bank):
    env = {**os.environ, "QUIZGRADER_CACHE_DIR": str(cache)}
    env.pop("QUIZGRADER_ADMIN_TOKEN", None)
    for _ in range(4):
        p = subprocess.Popen([sys.executable, "-m", "quizgrader.cli", "serve", bank, "--db",
                              f"sqlite:///{tmp_path / 'b.db'}", "--port", "0"], env=env,
                             stderr=subprocess.PIPE, text=True)
        for line in p.stderr:
            if line.startswith("serving"):
                p.send_signal(signal.SIGTERM)
                break
        assert p.wait(timeout=30) == 0
        p.stderr.close()
