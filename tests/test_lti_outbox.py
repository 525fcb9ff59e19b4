"""The score outbox sends each score once with several services on one database, when the
platform's scores endpoint is slow: two senders (each with its own engine, as two services)
on SQLite and on a PostgreSQL of the tests' own, against the platform emulator on 127.0.0.1."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("joserfc")
pytest.importorskip("httpx")

from hostile import Hostile  # noqa: E402
from ltiplatform import Emulator  # noqa: E402

from quizgrader.service import db  # noqa: E402
from quizgrader.service.lti import ags, keys, platforms, store  # noqa: E402

ROWS = 8
DELAY = 0.6                 # the scores endpoint's answer time
LEASE = 3.0                 # shorter than ROWS * DELAY: a batch would outlive its lease


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'attempts.db'}"
        return
    import pgkit
    if pgkit.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt install postgresql; .ci/run does)")
    pytest.importorskip("psycopg")
    pg = pgkit.start()
    try:
        yield pg.createdb("outbox")
    finally:
        pg.close()


def test_two_services_send_each_score_once_to_a_slow_platform(url, tmp_path, monkeypatch):
    platform = Emulator(score_delay=DELAY)
    platform.start()
    tool_keys = keys.load(tmp_path / "keys")
    jwks = Hostile(mode="slow", body=tool_keys.jwks(), max_seconds=5)   # the tool's JWKS
    platform.tool_url = f"http://127.0.0.1:{jwks.port}"
    (tmp_path / "platforms.toml").write_text(platform.config(), encoding="utf-8")
    registered = platforms.load(tmp_path / "platforms.toml")
    monkeypatch.setattr(ags, "LEASE", LEASE)
    engines = [db.connect(url), db.connect(url)]
    try:
        for i in range(ROWS):
            s = store.Session("s", "resource", f"{platform.issuer}|u{i}", "U", platform.issuer,
                              platform.client_id, platform.deployment, f"u{i}", "q",
                              f"{platform.url}/lineitems/item-{i}", "", "")
            db.store(engines[0], s.learner, "q", ("C",), 1.0, 1.0, "", also=lambda conn, new,
                     s=s: store.queue(conn, store.score_row(s, new, 1.0, 1.0,
                                                            "2026-12-07T09:00:00.000Z")))
        senders = [ags.Sender(e, registered, tool_keys) for e in engines]
        end = time.monotonic() + 40

        def run(sender: ags.Sender) -> None:
            while time.monotonic() < end:
                sender.run_once()
                states = store.passback(engines[0])
                if all(v["status"] != "pending" for v in states.values()):
                    return
                time.sleep(0.05)
        threads = [threading.Thread(target=run, args=(s,)) for s in senders]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        sent = Counter(s["item"] for s in platform.scores)
        assert sent == {f"item-{i}": 1 for i in range(ROWS)}, sent
        assert {v["status"] for v in store.passback(engines[0]).values()} == {"sent"}
        assert not platform.refusals
    finally:
        for e in engines:
            e.dispose()
        jwks.close()
        platform.stop()


def test_an_outcome_is_written_only_while_the_claim_holds(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'a.db'}")
    s = store.Session("s", "resource", "i|u", "U", "i", "c", "d", "u", "q", "http://x/li",
                      "", "")
    db.store(engine, "i|u", "q", ("C",), 1.0, 1.0, "", also=lambda conn, new: store.queue(
        conn, store.score_row(s, new, 1.0, 1.0, "t", now=0.0)))
    [first] = store.claim(engine, lease=1.0, now=10.0)
    assert store.claim(engine, lease=1.0, now=10.5) == []          # leased
    [second] = store.claim(engine, lease=1.0, now=11.5)            # the lease ran out
    assert not store.settle(engine, first.attempt, "sent", "204", 1, lease=first.lease)
    assert store.settle(engine, second.attempt, "sent", "204", 1, lease=second.lease)
    engine.dispose()
