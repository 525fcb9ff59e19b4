"""The instructor exports stream (a page of attempts at a time, bounded memory) and say what
they said when they were built whole: a real ``quizgrader serve`` on a SQLite file holding
more attempts than one page."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from conftest import GRU_ID, QS  # noqa: E402
from servicekit import TOKEN, start  # noqa: E402

from quizgrader.service import db  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MANY = "gradient-clipping"
N = 2 * db.PAGE + 345                             # three pages, the last one partial


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    bank = folder / "bank"
    bank.mkdir()
    for name in (GRU_ID, MANY):
        shutil.copy(Path(QS) / f"{name}.yaml", bank)
    s = start(folder / "attempts.db", folder / "cache", bank=str(bank))
    rows = []
    for i in range(N):                            # written straight to the file: fast
        q, a = (GRU_ID, "C" if i % 3 else "A") if i % 2 else (MANY, "A;C" if i % 5 else "B")
        rows.append((f"learner-{i % 700}", q, a, 1.0 if a in ("C", "A;C") else 0.0, 1.0, "",
                     f"2026-12-0{1 + i % 7} 10:00:00.000000"))
    with sqlite3.connect(s.db) as conn:
        conn.executemany("INSERT INTO attempts (learner, question, answer, score, max_score, "
                         "provenance, created) VALUES (?,?,?,?,?,?,?)", rows)
    r = httpx.post(s.url + "/api/attempts", json={"learner": "ann", "question": GRU_ID,
                                                  "answer": ["C"]})
    assert r.status_code == 200
    yield s
    s.stop()


def whole(server) -> list[dict]:
    """The attempts as the endpoint built them before it streamed: the whole list at once."""
    engine = db.connect(f"sqlite:///{server.db}")
    try:
        return [{"attempt": a.id, "learner": a.learner, "question": a.question,
                 "answer": list(a.answer), "score": a.score, "max_score": a.max_score,
                 "provenance": a.provenance, "created": a.created.isoformat(),
                 "variant": a.variant, "passback": None}
                for a in db.stored(engine, page=10 ** 9)]
    finally:
        engine.dispose()


def test_attempts_stream_the_same_bytes_as_the_whole_list(server):
    with httpx.stream("GET", server.url + "/api/attempts", headers=AUTH, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert "content-length" not in r.headers          # streamed, not built whole
        body = r.read()
    expected = whole(server)
    assert len(expected) == N + 1 and [a["attempt"] for a in expected] == list(range(1, N + 2))
    assert body == json.dumps(expected, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode("utf-8")
    one = httpx.get(server.url + "/api/attempts", params={"learner": "learner-3"},
                    headers=AUTH).json()
    assert one == [a for a in expected if a["learner"] == "learner-3"]
    none = httpx.get(server.url + "/api/attempts", params={"learner": "nobody"}, headers=AUTH)
    assert none.status_code == 200 and none.content == b"[]"


def test_the_grades_csv_streams_one_row_per_attempt(server):
    with httpx.stream("GET", server.url + "/api/grades.csv", headers=AUTH, timeout=60) as r:
        assert r.status_code == 200 and "content-length" not in r.headers
        text = r.read().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = whole(server)
    assert len(rows) == len(expected)
    assert [(r["learner"], r["question"], r["answer"], r["status"]) for r in rows] == [
        (a["learner"], a["question"], ";".join(a["answer"]), "graded") for a in expected]
    assert {r["score"] for r in rows} == {"0", "1"}


def test_the_statistics_count_every_attempt(server):
    stats = httpx.get(server.url + "/api/stats", headers=AUTH).json()
    assert stats["learners"] == 701                       # read a page at a time
    assert {q["id"]: q["n"] for q in stats["questions"]} == {GRU_ID: 351, MANY: 350}


def test_stored_reads_a_page_per_query(server):
    engine = db.connect(f"sqlite:///{server.db}")
    queries: list[str] = []
    from sqlalchemy import event
    event.listen(engine, "before_cursor_execute",
                 lambda *a: queries.append(a[2]) if "FROM attempts" in a[2] else None)
    try:
        got = sum(1 for _ in db.stored(engine, page=500))
    finally:
        engine.dispose()
    assert got == N + 1 and len(queries) == (N + 1) // 500 + 1
