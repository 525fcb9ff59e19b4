"""The grading service as a real process on 127.0.0.1 with a temporary SQLite file: the HTTP
contract, bad input, the token rule, no key before submission, restarts and migrations."""
from __future__ import annotations

import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bankfiles import PLAIN, TEMPLATES
from click.testing import CliRunner

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
httpx = pytest.importorskip("httpx")

from conftest import ARTIFACTS, GRU_ID, QS  # noqa: E402
from servicekit import TOKEN, chromium, start  # noqa: E402

from quizgrader.cli import main  # noqa: E402
from quizgrader.text.bottomline import bottom_line  # noqa: E402
from quizgrader.text.explain import explain  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One simulation cache for the module's servers (each verifies the bank at start)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def server(tmp_path_factory, cache):
    s = start(tmp_path_factory.mktemp("db") / "attempts.db", cache)
    yield s
    s.stop()


def attempts(server) -> list[dict]:
    r = httpx.get(server.url + "/api/attempts", headers=AUTH)
    assert r.status_code == 200
    return r.json()


def post(server, body, **kw) -> httpx.Response:
    return httpx.post(server.url + "/api/attempts", json=body, timeout=60, **kw)


# --- learner endpoints ------------------------------------------------------------------------

def test_healthz_counts_the_served_questions(server):
    assert httpx.get(server.url + "/healthz").json() == {
        "ok": True, "questions": len(PLAIN) + len(TEMPLATES), "database": "ok"}


@pytest.fixture(scope="module")
def secrets(verified) -> list[str]:
    """What a learner must not see before answering: every explanation paragraph."""
    out = []
    for qv in verified.verdicts:
        for v in qv.options:
            e = explain(qv, v)
            out += [p for d in ("short", "standard", "full") for p in e.body(d) if len(p) > 40]
        out.append(bottom_line(qv))
    return out


def test_questions_carry_stems_and_options_and_nothing_more(server, secrets):
    data = httpx.get(server.url + "/api/questions").json()
    assert len(data) == len(PLAIN) + len(TEMPLATES)
    for q in data:
        assert set(q) == {"id", "title", "select", "stem", "options", "variant"}
        assert all(set(o) == {"id", "text"} for o in q["options"])
    one = httpx.get(f"{server.url}/api/questions/{GRU_ID}").json()
    assert one == next(q for q in data if q["id"] == GRU_ID)
    text = json.dumps(data, ensure_ascii=False)
    for secret in ["claim", "correct", "explanation", "gain", "\"key\"", "‖∂c"] + secrets:
        assert secret not in text, secret


def test_the_page_before_answering_shows_no_key_claim_or_explanation(server, secrets):
    index = httpx.get(server.url + "/").text
    page = httpx.get(f"{server.url}/q/{GRU_ID}").text
    assert f'href="/q/{GRU_ID}"' in index
    assert "Alice proposes to simplify the GRU" in page and 'name="answer" value="C"' in page
    assert '<label for="learner">' in page and '<label for="option-C">' in page
    for secret in ["is correct", "is wrong", "‖∂c", "data:image"] + secrets:
        assert secret not in page and secret not in index, secret


def test_an_attempt_is_graded_stored_and_says_what_grade_says(server, cache, monkeypatch):
    before = len(attempts(server))
    r = post(server, {"learner": "ann", "question": GRU_ID, "answer": ["A"]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["score"] == 0.0 and data["max_score"] == 1.0 and data["correct"] == ["C"]
    assert [(f["option"], f["verdict"]) for f in data["feedback"]] == [("A", "wrong"),
                                                                       ("C", "missed")]
    stored = attempts(server)
    assert len(stored) == before + 1 and stored[-1]["attempt"] == data["attempt"]
    assert stored[-1]["answer"] == ["A"] and stored[-1]["learner"] == "ann"
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(cache))
    cli = CliRunner().invoke(main, ["grade", str(Path(QS) / f"{GRU_ID}.yaml"), "--answer", "A",
                                    "--format", "json"])
    assert data["text"] == json.loads(cli.stdout)["feedback"]          # the same bytes
    assert data["feedback"][0]["explanation"] in data["text"]


BAD = [
    ({"learner": "ann", "question": "nope", "answer": ["A"]}, 404, "unknown question 'nope'"),
    ({"learner": "ann", "question": GRU_ID, "answer": ["Z"]}, 400, "unknown option 'Z'"),
    ({"learner": "ann", "question": GRU_ID, "answer": []}, 400, "empty answer"),
    ({"learner": "ann", "question": GRU_ID, "answer": ["A", "C"]}, 400, "takes one option, got 2"),
    ({"learner": "x" * 201, "question": GRU_ID, "answer": ["C"]}, 400, "at most 200 characters"),
    ({"learner": "", "question": GRU_ID, "answer": ["C"]}, 400, "learner: a non-empty string"),
    ({"question": GRU_ID, "answer": ["C"]}, 400, "learner: a non-empty string"),
    ({"learner": "ann", "question": GRU_ID, "answer": "C"}, 400, "answer: a list of option ids"),
    ({"learner": "a\nb", "question": GRU_ID, "answer": ["C"]}, 400, "control characters"),
    (["not", "an", "object"], 400, "must be a JSON object"),
]


@pytest.mark.parametrize("body,status,message", BAD, ids=[b[2] for b in BAD])
def test_bad_attempts_are_4xx_with_one_message_and_store_nothing(server, body, status,
                                                                  message):
    before = len(attempts(server))
    r = post(server, body)
    assert r.status_code == status and message in r.json()["error"]
    assert set(r.json()) == {"error"} and len(attempts(server)) == before


@pytest.mark.parametrize("content,status,message", [
    (b"{not json", 400, "the body is not JSON"),
    (b'{"learner": "ann", "question": "' + b"x" * 70_000 + b'"}', 413, "over 64 kB"),
])
def test_a_body_that_is_not_json_or_too_large_is_refused(server, content, status, message):
    before = len(attempts(server))
    r = httpx.post(server.url + "/api/attempts", content=content,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == status and message in r.json()["error"]
    assert len(attempts(server)) == before


# --- instructor endpoints ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/attempts", "/api/stats", "/api/grades.csv"])
def test_instructor_endpoints_need_the_token(server, path):
    assert httpx.get(server.url + path).status_code == 401
    assert httpx.get(server.url + path, headers={"Authorization": "Bearer nope"}
                     ).status_code == 401
    assert httpx.get(server.url + path, headers=AUTH).status_code == 200


def test_without_a_configured_token_instructor_endpoints_are_403(tmp_path, cache):
    s = start(tmp_path / "a.db", cache, token=None)
    try:
        r = httpx.get(s.url + "/api/attempts", headers=AUTH)
        assert r.status_code == 403 and "instructor endpoints are off" in r.json()["error"]
    finally:
        s.stop()


def test_attempts_filter_and_order_and_the_grades_and_stats(server):
    for learner, answer in (("fil", ["C"]), ("fil", ["D"]), ("gus", ["C"])):
        assert post(server, {"learner": learner, "question": GRU_ID,
                             "answer": answer}).status_code == 200
    mine = httpx.get(server.url + "/api/attempts", params={"learner": "fil"},
                     headers=AUTH).json()
    assert [a["answer"] for a in mine] == [["C"], ["D"]] and mine[0]["attempt"] < \
        mine[1]["attempt"]
    csv_text = httpx.get(server.url + "/api/grades.csv", headers=AUTH).text
    lines = csv_text.splitlines()
    assert lines[0] == "learner,question,answer,score,max_score,status,feedback,provenance,variant"
    assert len(lines) - 1 == len(attempts(server))
    stats = httpx.get(server.url + "/api/stats", headers=AUTH).json()
    assert {"learners", "mean", "sd", "alpha", "questions", "misconceptions"} <= set(stats)
    gru = next(q for q in stats["questions"] if q["id"] == GRU_ID)
    assert {"id", "n", "facility", "discrimination_index", "discriminative_efficiency",
            "options"} <= set(gru)


# --- the page ---------------------------------------------------------------------------------

def test_submitting_the_form_shows_score_explanations_and_plots(server):
    r = httpx.post(f"{server.url}/q/{GRU_ID}", data={"learner": "hal", "answer": "A"}, timeout=60)
    assert r.status_code == 200
    page = r.text
    assert "Score: 0 / 1 (wrong)" in page and "A is wrong." in page and "C is correct." in page
    assert page.count('<img src="data:image/svg+xml;base64,') == 2
    bad = httpx.post(f"{server.url}/q/{GRU_ID}", data={"learner": "hal"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "empty answer" in bad.text


# --- operations -------------------------------------------------------------------------------

def test_a_killed_service_loses_no_acknowledged_attempt(tmp_path, cache):
    db = tmp_path / "a.db"
    s = start(db, cache)
    acked: list[int] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(timeout=10) as c:
            i = 0
            while not stop.is_set():
                try:
                    r = c.post(s.url + "/api/attempts", json={
                        "learner": f"k{i}", "question": GRU_ID, "answer": ["C"]})
                except httpx.HTTPError:
                    return
                if r.status_code == 200:
                    acked.append(r.json()["attempt"])
                i += 1

    t = threading.Thread(target=client)
    t.start()
    while len(acked) < 60:
        assert t.is_alive()
    s.stop(signal.SIGKILL)
    stop.set()
    t.join()
    s2 = start(db, cache)
    try:
        ids = {a["attempt"] for a in httpx.get(s2.url + "/api/attempts", headers=AUTH).json()}
        assert set(acked) <= ids and len(acked) >= 60
    finally:
        s2.stop()


def test_sigterm_stops_it_gracefully(tmp_path, cache):
    s = start(tmp_path / "a.db", cache)
    assert s.stop(signal.SIGTERM) == 0


def test_a_port_in_use_is_one_clear_error(tmp_path, cache):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        p = subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", QS, "--db",
                            f"sqlite:///{tmp_path / 'a.db'}", "--port", str(port)],
                           capture_output=True, text=True, timeout=120)
    finally:
        busy.close()
    assert p.returncode == 1
    assert p.stderr.strip() == (f"error: port {port} on 127.0.0.1 is in use (another service "
                                f"runs there?)")


def test_an_unwritable_database_is_one_clear_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", QS, "--db",
                        f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'a.db'}", "--port", "0"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and p.stderr.startswith("error: cannot open the database sqlite:")
    assert "Traceback" not in p.stderr


def test_an_upgrade_migrates_the_schema_and_keeps_every_attempt(tmp_path, cache):
    from sqlalchemy import create_engine, text

    from quizgrader.service import db
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    db.migrate(engine, upto=1)                                  # an older quizgrader's file
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO attempts (learner, question, answer, score, max_score, "
                          "created) VALUES ('old', :q, 'C', 1.0, 1.0, '2026-01-01 00:00:00')"),
                     {"q": GRU_ID})
    engine.dispose()
    s = start(path, cache)
    try:
        rows = httpx.get(s.url + "/api/attempts", headers=AUTH).json()
        assert [(a["learner"], a["answer"], a["provenance"]) for a in rows] == [
            ("old", ["C"], "")]
    finally:
        s.stop()
    version = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchone()[0]
    assert version == db.VERSION


def test_the_access_log_is_json_lines(server):
    httpx.get(server.url + "/healthz")
    entries = [json.loads(line) for line in server.log if line.startswith("{")]
    assert any(e["path"] == "/healthz" and e["status"] == 200 and e["method"] == "GET"
               for e in entries)
    assert {"time", "method", "path", "status", "ms", "client"} <= set(entries[-1])


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed "
                    "(.ci/run installs it)")
def test_a_learner_answers_in_a_real_browser(server):
    sync = pytest.importorskip("playwright.sync_api")
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    with sync.sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(f"{server.url}/q/{GRU_ID}")
            page.get_by_label("Your name or learner id").fill("ivy")
            page.get_by_label("B. Alice's model", exact=False).check()
            page.get_by_role("button", name="Submit my answer").click()
            page.wait_for_selector("#score")
            assert page.inner_text("#score") == "Score: 0 / 1 (wrong)"
            assert page.evaluate("document.activeElement.id") == "score"
            assert "B is wrong." in page.content() and "C is correct." in page.content()
            # the bottom line first, above every option's feedback; the reading guide once
            line = page.locator(".bottom-line")
            assert line.inner_text().startswith("Bottom line: In Betty's model")
            first = page.locator("section.feedback").first
            assert line.bounding_box()["y"] < first.bounding_box()["y"]
            assert page.content().count("How to read the numbers") == 1
            img = page.locator("figure img").first
            img.scroll_into_view_if_needed()
            size = img.evaluate("e => [e.naturalWidth, e.getBoundingClientRect().height]")
            assert size[0] > 100 and size[1] > 100
            page.screenshot(path=str(shots / "service-result.png"), full_page=True)
        finally:
            browser.close()
    assert (shots / "service-result.png").stat().st_size > 10_000
