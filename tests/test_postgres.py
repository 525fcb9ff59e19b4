"""The service's storage on both databases: SQLite (a temporary file) and a real PostgreSQL
server started in a temporary folder (Debian's ``postgresql``; ``.ci/run`` installs it).
Migrations under concurrent starts and a kill, idempotent retries, a database restart under
load, passwords never shown."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("sqlalchemy")
httpx = pytest.importorskip("httpx")

import pgkit  # noqa: E402
from conftest import GRU_FILE, GRU_ID  # noqa: E402
from servicekit import TOKEN, bank_of, start  # noqa: E402

from quizgrader.service import db  # noqa: E402
from quizgrader.service.dburl import engine_for, shown  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
N = [0]


@pytest.fixture(scope="module")
def pg():
    if pgkit.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt install postgresql; .ci/run does)")
    pytest.importorskip("psycopg")
    server = pgkit.start()
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'attempts.db'}"
    N[0] += 1
    return request.getfixturevalue("pg").createdb(f"t{N[0]}_{os.getpid()}")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> str:
    """The one question these tests answer (a service of it starts in a fraction of the
    whole bank's time)."""
    return str(bank_of(tmp_path_factory, (GRU_FILE.name,)))


def _connect(u: str) -> int:
    engine = db.connect(u)
    return db.count(engine)


def test_six_concurrent_starts_on_a_fresh_database(url):
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        assert pool.map(_connect, [url] * 6) == [0] * 6
    engine = db.connect(url)
    with engine.connect() as conn:
        assert db.version(conn) == db.VERSION
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM schema_version").scalar_one() == 1


def test_six_concurrent_starts_on_a_v1_database_keep_its_attempts(url):
    engine = engine_for(url)
    if engine.dialect.name == "sqlite":
        db.sqlite_transactions(engine)
    db.migrate(engine, upto=1)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO attempts (learner, question, answer, score, max_score, "
                             "created) VALUES ('old', 'q', 'C', 1, 1, CURRENT_TIMESTAMP)")
    engine.dispose()
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        assert pool.map(_connect, [url] * 6) == [1] * 6
    [a] = list(db.stored(db.connect(url)))
    assert a.learner == "old" and a.provenance == ""


KILLED = """
import sys, time
from sqlalchemy import text
from quizgrader.service import db, migrations
def slow(conn):
    conn.execute(text("ALTER TABLE attempts ADD COLUMN provenance VARCHAR(40) NOT NULL "
                      "DEFAULT ''"))
    print("half", flush=True)
    time.sleep(60)
engine = db.engine_for(sys.argv[1])
if engine.dialect.name == "sqlite":
    db.sqlite_transactions(engine)
migrations.migrate(engine, steps=[migrations.MIGRATIONS[0], (2, "slow", slow)])
"""


def test_a_migration_killed_half_way_leaves_the_schema_as_it_was(url):
    p = subprocess.Popen([sys.executable, "-c", KILLED, url], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "half"          # v1 done, v2's first statement run
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    engine = engine_for(url)
    with engine.connect() as conn:
        assert db.version(conn) == 1
        cols = {c["name"] for c in __import__("sqlalchemy").inspect(conn).get_columns(
            "attempts")}
    engine.dispose()
    assert "provenance" not in cols                       # rolled back with its version bump
    assert db.count(db.connect(url)) == 0                  # the next start migrates cleanly


def test_the_service_stores_and_reports_on_either_database(url, tmp_path, cache, bank):
    s = start(tmp_path / "unused.db", cache, url=url, bank=bank)
    try:
        for learner, answer in (("ann", ["C"]), ("bo", ["A"]), ("ann", ["B"])):
            r = httpx.post(s.url + "/api/attempts", timeout=60,
                           json={"learner": learner, "question": GRU_ID, "answer": answer})
            assert r.status_code == 200, r.text
        listed = httpx.get(s.url + "/api/attempts", headers=AUTH, timeout=30).json()
        assert [(a["learner"], a["answer"], a["score"]) for a in listed] == \
            [("ann", ["C"], 1.0), ("bo", ["A"], 0.0), ("ann", ["B"], 0.0)]
        stats = httpx.get(s.url + "/api/stats", headers=AUTH, timeout=30)
        assert stats.status_code == 200 and stats.json()["learners"] == 2
        csv = httpx.get(s.url + "/api/grades.csv", headers=AUTH, timeout=30).text
        assert csv.count("\n") == 4
        assert httpx.get(s.url + "/healthz", timeout=5).json()["database"] == "ok"
        assert not any("password" in line.lower() for line in s.log)
    finally:
        s.stop()


def test_an_idempotency_key_stores_a_retried_attempt_once(url, tmp_path, cache, bank):
    s = start(tmp_path / "unused.db", cache, url=url, bank=bank)
    try:
        body = {"learner": "ann", "question": GRU_ID, "answer": ["C"]}
        hdr = {"Idempotency-Key": "retry-0001"}
        ids = []

        def post() -> None:
            r = httpx.post(s.url + "/api/attempts", json=body, headers=hdr, timeout=60)
            assert r.status_code == 200, r.text
            ids.append(r.json()["attempt"])

        threads = [threading.Thread(target=post) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(ids)) == 1
        other = httpx.post(s.url + "/api/attempts", headers=hdr, timeout=60,
                           json={**body, "answer": ["A"]})
        assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]
        bad = httpx.post(s.url + "/api/attempts", json=body, timeout=60,
                         headers={"Idempotency-Key": "has space"})
        assert bad.status_code == 400
        assert len(httpx.get(s.url + "/api/attempts", headers=AUTH, timeout=30).json()) == 1
    finally:
        s.stop()


def test_a_postgresql_restart_under_load_gives_503s_or_successes_and_loses_nothing(
        pg, tmp_path, cache, bank):
    u = pg.createdb(f"restart_{os.getpid()}")
    s = start(tmp_path / "unused.db", cache, url=u, bank=bank)
    acked, statuses, errors = {}, [], []
    stop = threading.Event()
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(timeout=30) as c:
            n = 0
            while not stop.is_set():
                n += 1
                learner = f"c{k}-{n}"
                try:
                    r = c.post(s.url + "/api/attempts",
                               json={"learner": learner, "question": GRU_ID, "answer": ["C"]})
                except httpx.HTTPError as e:
                    with lock:
                        errors.append(repr(e))
                    continue
                with lock:
                    statuses.append(r.status_code)
                    if r.status_code == 200:
                        acked[r.json()["attempt"]] = learner
                    else:
                        assert r.json() == {"error": "the database is unavailable"}, r.text

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    try:
        for t in threads:
            t.start()
        time.sleep(3)
        pg.stop("fast")
        time.sleep(2)
        pg.start()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert errors == []                                  # no reset connection
        assert set(statuses) <= {200, 503} and 503 in statuses and 200 in statuses
        listed = httpx.get(s.url + "/api/attempts", headers=AUTH, timeout=60).json()
        by_id = {a["attempt"]: a["learner"] for a in listed}
        assert len(by_id) == len(listed)                     # each stored once
        assert all(by_id.get(i) == learner for i, learner in acked.items())
        log = [json.loads(line) for line in s.log if line.startswith("{")]
        assert all(r.get("status") != 500 for r in log)
    finally:
        stop.set()
        s.stop()


def test_passwords_never_appear_in_messages():
    url = "postgresql://qg:s3cret-pw@127.0.0.1:1/none"
    assert "s3cret-pw" not in shown(url) and "***" in shown(url)
    with pytest.raises(db.DatabaseError) as e:
        db.connect(url)
    assert "s3cret-pw" not in str(e.value) and "cannot open the database" in str(e.value)
    with pytest.raises(db.DatabaseError, match=r"no database driver .*pip install"):
        engine_for("postgresql+pg8000://qg:pw@127.0.0.1:1/x")


def test_after_an_idle_restart_the_next_attempt_is_stored(pg, tmp_path, cache, bank):
    u = pg.createdb(f"idle_{os.getpid()}")
    s = start(tmp_path / "unused.db", cache, url=u, bank=bank)
    try:
        body = {"learner": "ann", "question": GRU_ID, "answer": ["C"]}
        assert httpx.post(s.url + "/api/attempts", json=body, timeout=60).status_code == 200
        pg.stop("fast")                       # the pool's connections are now dead
        pg.start()
        for learner in ("bo", "cy"):          # pre-ping replaces them: nothing is lost
            r = httpx.post(s.url + "/api/attempts", json={**body, "learner": learner},
                           timeout=60)
            assert r.status_code == 200, r.text
        listed = httpx.get(s.url + "/api/attempts", headers=AUTH, timeout=30).json()
        assert [a["learner"] for a in listed] == ["ann", "bo", "cy"]
    finally:
        s.stop()
