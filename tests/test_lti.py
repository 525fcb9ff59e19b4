"""The service as an LTI 1.3 tool, end to end on 127.0.0.1: a real ``quizgrader serve``
process and a platform emulator of the tests' own (tests/ltiplatform.py, written from the
specifications). Login → launch → answer → the score at the platform; deep linking; every
refusal of the contract answers 4xx and stores nothing; an outage and a SIGKILL lose no score
and send none twice."""
from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("joserfc")
httpx = pytest.importorskip("httpx")

from conftest import ARTIFACTS, GRU_ID  # noqa: E402
from ltiplatform import DL, INSTRUCTOR, LEARNER, LTI, Emulator, Key, form_fields, running  # noqa: E402
from servicekit import TOKEN, bank_of, chromium, start  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEMPLATE = "c5w1-gru-template"
FILES = (f"{GRU_ID}.yaml", f"{TEMPLATE}.yaml", f"{TEMPLATE}.variants.yaml")


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    """A small bank: the course's GRU question and a template with its variants."""
    return bank_of(tmp_path_factory, FILES)


platform = pytest.fixture(scope="module", name="platform")(running)


def tool_start(folder: Path, platform: Emulator, bank: Path, cache: Path,
               url: str | None = None):
    """The tool for ``platform``, its config, keys and database in ``folder`` (or at
    ``url``)."""
    config = folder / "platforms.toml"
    config.write_text(platform.config(), encoding="utf-8")
    server = start(folder / "attempts.db", cache, bank=str(bank), url=url,
                   extra=("--lti-config", str(config)))
    platform.tool_url = server.url
    return server


@pytest.fixture(scope="module")
def tool(tmp_path_factory, platform, bank):
    server = tool_start(tmp_path_factory.mktemp("tool"), platform, bank,
                        tmp_path_factory.mktemp("cache"))
    yield server
    server.stop()


def login(tool, platform: Emulator, hint: str, **params: str):
    """A browser's way through login initiation and the platform's auth endpoint: the
    client (with its cookies) and the form the platform auto-posts to the tool."""
    c = httpx.Client(follow_redirects=False, timeout=60)
    r = c.get(tool.url + "/lti/login", params={
        "iss": platform.issuer, "login_hint": "user-hint", "client_id": platform.client_id,
        "target_link_uri": tool.url + "/lti/launch", "lti_message_hint": hint, **params})
    assert r.status_code == 302, r.text
    auth = c.get(r.headers["location"])
    assert auth.status_code == 200, auth.text
    action, fields = form_fields(auth.text)
    assert action == tool.url + "/lti/launch"
    return c, fields


def launched(tool, platform: Emulator, hint: str, **spec) -> tuple[httpx.Client, str]:
    platform.launch(hint, **spec)
    c, fields = login(tool, platform, hint)
    page = c.post(tool.url + "/lti/launch", data=fields)
    assert page.status_code == 200, page.text
    return c, page.text


def answer(c: httpx.Client, tool, page: str, options: list[str]) -> httpx.Response:
    _, fields = form_fields(page)
    return c.post(tool.url + "/lti/answer", data={**fields, "answer": options})


def attempts(tool) -> list[dict]:
    return httpx.get(tool.url + "/api/attempts", headers=AUTH).json()


def scores_for(platform: Emulator, item: str, n: int = 1, wait: float = 30) -> list[dict]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        got = [s for s in platform.scores if s["item"] == item]
        if len(got) >= n:
            return got
        time.sleep(0.05)
    return [s for s in platform.scores if s["item"] == item]


def test_launch_answer_and_the_score_reaches_the_gradebook(tool, platform):
    c, page = launched(tool, platform, "first", sub="ann-42", name="Ann Learner")
    assert "Answering as <strong>Ann Learner</strong>" in page
    assert "Your name or learner id" not in page          # the platform says who it is
    for secret in ("is correct", "is wrong", "Bottom line"):
        assert secret not in page                         # nothing before the attempt
    r = answer(c, tool, page, ["C"])
    assert r.status_code == 200 and "Score: 1 / 1 (correct)" in r.text
    assert "Your score goes to your course&#39;s gradebook." in r.text
    lab = re.search(r'href="(/lab/[^"]+)">Open the gate lab', r.text)   # after answering
    opened = c.get(tool.url + lab.group(1).replace("&amp;", "&")) if lab else None
    assert opened is not None and opened.status_code == 200
    assert "All questions" not in opened.text             # inside the platform, as its pages
    [score] = scores_for(platform, "first")
    assert score["userId"] == "ann-42"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1.0, 1.0)
    assert score["timestamp"].endswith("Z") and score["query"] == ""
    mine = [a for a in attempts(tool) if a["learner"] == f"{platform.issuer}|ann-42"]
    assert [a["question"] for a in mine] == [GRU_ID]
    deadline = time.monotonic() + 10
    while attempts(tool)[-1]["passback"]["status"] != "sent" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert attempts(tool)[-1]["passback"]["status"] == "sent"
    # a wrong second answer is a second score; the token is reused, not asked for again
    tokens = len(platform.tokens)
    r = answer(c, tool, page, ["B"])
    assert "Score: 0 / 1 (wrong)" in r.text
    assert [s["scoreGiven"] for s in scores_for(platform, "first", 2)] == [1.0, 0.0]
    assert len(platform.tokens) == tokens and not platform.refusals


def test_a_launched_learner_answers_their_own_variant(tool, platform):
    c, page = launched(tool, platform, "variant", sub="bo-7", question=TEMPLATE)
    _, fields = form_fields(page)
    learner = f"{platform.issuer}|bo-7"
    public = httpx.get(f"{tool.url}/api/questions/{TEMPLATE}",      # as the instructor
                       params={"learner": learner}, headers=AUTH).json()
    assert fields["variant"] == str(public["variant"]) and public["stem"] in page
    r = answer(c, tool, page, [public["options"][0]["id"]])
    assert r.status_code == 200
    [a] = [a for a in attempts(tool) if a["learner"] == learner]
    assert a["variant"] == public["variant"]
    assert len(scores_for(platform, "variant")) == 1


def test_a_line_item_url_with_a_query_string(tool, platform):
    c, page = launched(tool, platform, "query",
                       lineitem=f"{platform.url}/lineitems/query?type_id=3&course=7")
    answer(c, tool, page, ["C"])
    [score] = scores_for(platform, "query")
    assert score["query"] == "type_id=3&course=7"


def test_deep_linking_picker_and_a_signed_response(tool, platform):
    c, page = launched(tool, platform, "dl", deep_linking=True, sub="teacher-1")
    assert "Add questions to your course" in page and GRU_ID in page and TEMPLATE in page
    _, fields = form_fields(page)
    r = c.post(tool.url + "/lti/deep-link", data={**fields, "question": [GRU_ID, TEMPLATE]})
    assert r.status_code == 200
    action, back = form_fields(r.text)
    assert action == platform.url + "/deep-link-return"
    done = c.post(action, data=back)
    assert done.status_code == 200, done.text
    claims = platform.returns[-1]
    assert claims[DL + "data"] == "opaque-dl"
    items = claims[DL + "content_items"]
    assert [i["custom"] for i in items] == [{"question": GRU_ID}, {"question": TEMPLATE}]
    assert all(i["type"] == "ltiResourceLink" and i["url"] == tool.url + "/lti/launch"
               and i["lineItem"]["scoreMaximum"] == 1.0 and i["lineItem"]["label"]
               for i in items)
    # the picker's session is spent: a second post is refused
    again = c.post(tool.url + "/lti/deep-link", data={**fields, "question": [GRU_ID]})
    assert again.status_code == 403


TABLES = ("attempts", "lti_sessions", "lti_nonces", "lti_outbox")


def counts(tool) -> dict[str, int]:
    with sqlite3.connect(tool.db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _forged(platform):
    return {"sign_with": Key(platform.key.kid)}            # same kid, another key


REFUSALS = {
    "wrong key": (lambda p: {"sign_with": Key(p.key.kid)}, 401, "signature"),
    "unknown kid": (lambda p: {"kid": "rotated-away"}, 401, "does not hold"),
    "other audience": (lambda p: {"claims": {"aud": "someone-else"}}, 401, "audience"),
    "azp of another": (lambda p: {"claims": {"aud": [p.client_id, "x"], "azp": "x"}}, 401,
                       "azp"),
    "expired": (lambda p: {"claims": {"exp": int(time.time()) - 600,
                                      "iat": int(time.time()) - 900}}, 401, "expired"),
    "issued in the future": (lambda p: {"claims": {"iat": int(time.time()) + 900}}, 401,
                             "future"),
    "unknown deployment": (lambda p: {"claims": {LTI + "deployment_id": "other"}}, 403,
                           "deployment"),
    "another issuer in the token": (lambda p: {"claims": {"iss": "https://evil.example"}},
                                    401, "issued by"),
    "wrong version": (lambda p: {"claims": {LTI + "version": "1.1"}}, 400, "version"),
    "wrong message type": (lambda p: {"claims": {LTI + "message_type": "LtiSubmissionReview"}},
                           400, "message type"),
    "learner at the picker": (lambda p: {"deep_linking": True, "roles": [LEARNER]}, 403,
                              "instructor"),
    "question not in the bank": (lambda p: {"question": "no-such-question"}, 404,
                                 "does not serve"),
    "no question": (lambda p: {"question": None}, 400, "custom claim"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_refusal_is_4xx_and_stores_nothing(tool, platform, case):
    spec, status, words = REFUSALS[case]
    hint = "refused-" + case.replace(" ", "-")
    platform.launch(hint, **spec(platform))
    c, fields = login(tool, platform, hint)
    before = counts(tool)
    r = c.post(tool.url + "/lti/launch", data=fields)
    assert r.status_code == status and words in r.text, r.text
    assert counts(tool) == before


def test_a_replayed_launch_a_forged_state_and_a_missing_signature(tool, platform):
    platform.launch("replay")
    c, fields = login(tool, platform, "replay")
    assert c.post(tool.url + "/lti/launch", data=fields).status_code == 200
    before = counts(tool)
    again = c.post(tool.url + "/lti/launch", data=fields)
    assert again.status_code in (400, 409) and counts(tool) == before
    # the same token under a fresh login's state: its nonce is spent, or not this login's
    _, fresh = login(tool, platform, "replay")
    r = c.post(tool.url + "/lti/launch", data={**fresh, "id_token": fields["id_token"]})
    assert r.status_code in (401, 409) and "nonce" in r.text and counts(tool) == before
    r = c.post(tool.url + "/lti/launch", data={**fresh, "state": "forged-state"})
    assert r.status_code == 400 and "state" in r.text and counts(tool) == before
    head, body, _ = fresh["id_token"].split(".")
    r = c.post(tool.url + "/lti/launch", data={**fresh, "id_token": f"{head}.{body}."})
    assert r.status_code == 401 and counts(tool) == before
    from ltiplatform import b64
    none = b64(b'{"alg":"none","typ":"JWT"}') + "." + body + "."
    r = c.post(tool.url + "/lti/launch", data={**fresh, "id_token": none})
    assert r.status_code == 401 and "RS256" in r.text and counts(tool) == before


def test_an_unknown_kid_is_fetched_again_once(tool, platform):
    from quizgrader.service.lti.platformkeys import REFETCH_EVERY
    platform.launch("kid", kid="rotated-away")
    c, fields = login(tool, platform, "kid")
    time.sleep(REFETCH_EVERY)            # refetches are at most one per REFETCH_EVERY s
    before = platform.jwks_fetches
    assert c.post(tool.url + "/lti/launch", data=fields).status_code == 401
    assert platform.jwks_fetches == before + 1
    # at once, another unknown kid is refused without a fetch
    platform.launch("kid-2", kid="rotated-again")
    c, fields = login(tool, platform, "kid-2")
    r = c.post(tool.url + "/lti/launch", data=fields)
    assert r.status_code == 401 and platform.jwks_fetches == before + 1
    # the platform rotates its key: the next launch after the interval refetches and passes
    # (the platform keeps its new key: rotating back at once would be an unknown kid again
    # within the refetch interval, refused like any other)
    platform.key = Key("platform-key-2")
    time.sleep(REFETCH_EVERY)
    launched(tool, platform, "rotated")


@pytest.mark.parametrize("params,words", [
    ({"iss": "https://unknown.example"}, "no platform"),
    ({"client_id": "another-client"}, "no platform"),
    ({"target_link_uri": "https://elsewhere.example/x"}, "target_link_uri"),
    ({"login_hint": ""}, "login_hint"),
    ({"lti_deployment_id": "other"}, "deployment"),
])
def test_a_bad_login_initiation_is_refused_and_stores_nothing(tool, platform, params, words):
    with sqlite3.connect(tool.db) as conn:
        states = conn.execute("SELECT COUNT(*) FROM lti_states").fetchone()[0]
    base = {"iss": platform.issuer, "login_hint": "u", "client_id": platform.client_id,
            "target_link_uri": tool.url + "/lti/launch"}
    r = httpx.get(tool.url + "/lti/login", params={**base, **params})
    assert r.status_code == 400 and words in r.text
    with sqlite3.connect(tool.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM lti_states").fetchone()[0] == states


def test_an_empty_answer_shows_the_question_again_and_stores_nothing(tool, platform):
    c, page = launched(tool, platform, "empty")
    before = counts(tool)
    r = answer(c, tool, page, [])
    assert r.status_code == 400 and 'role="alert"' in r.text and "empty answer" in r.text
    assert "Answering as" in r.text and counts(tool) == before
    r = answer(c, tool, page.replace('name="variant" value=""', 'name="variant" value="3"'),
               ["C"])
    assert r.status_code == 409 and counts(tool) == before


def test_a_page_of_no_launch_is_refused(tool):
    r = httpx.post(tool.url + "/lti/answer", data={"session": "made-up", "answer": "C"})
    assert r.status_code == 403 and "open the activity again" in r.text


def test_the_tool_publishes_its_public_key_only(tool):
    keys = httpx.get(tool.url + "/lti/jwks").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])
    pem = next((tool.db.parent / "lti-keys").glob("*.pem"))
    assert pem.stat().st_mode & 0o777 == 0o600
    assert (tool.db.parent / "lti-keys").stat().st_mode & 0o777 == 0o700


def test_the_platform_down_then_back_gets_the_score_once(tool, platform):
    c, page = launched(tool, platform, "outage")
    platform.stop()                                      # connection refused
    try:
        r = answer(c, tool, page, ["C"])
        assert r.status_code == 200                      # the learner is not kept waiting
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            mine = attempts(tool)[-1]["passback"]
            if mine["tries"] >= 2:
                break
            time.sleep(0.1)
        assert mine["status"] == "pending" and mine["tries"] >= 2 and mine["answer"]
    finally:
        platform.start()
    assert len(scores_for(platform, "outage", wait=60)) == 1
    time.sleep(2)
    assert len(scores_for(platform, "outage", wait=0)) == 1
    assert attempts(tool)[-1]["passback"]["status"] == "sent"


def test_a_4xx_from_the_platform_is_failed_with_its_answer(tool, platform):
    c, page = launched(tool, platform, "gone", lineitem=f"{platform.url}/no-such-lineitem")
    answer(c, tool, page, ["C"])
    deadline = time.monotonic() + 20
    while attempts(tool)[-1]["passback"]["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    p = attempts(tool)[-1]["passback"]
    assert p["status"] == "failed" and p["answer"].startswith("404")


def test_a_sigkill_between_attempt_and_score_loses_no_score(tmp_path, platform, bank, tool):
    cache = tmp_path / "cache"
    server = tool_start(tmp_path, platform, bank, cache)
    try:
        c, page = launched(server, platform, "killed", sub="kim")
        platform.down = True                             # 503: the score stays in the outbox
        assert answer(c, server, page, ["C"]).status_code == 200
        server.stop(signal.SIGKILL)
        assert scores_for(platform, "killed", wait=0) == []
    finally:
        platform.down = False
    server = start(tmp_path / "attempts.db", cache, bank=str(bank),
                   extra=("--lti-config", str(tmp_path / "platforms.toml")))
    platform.tool_url = server.url
    try:
        assert len(scores_for(platform, "killed", wait=60)) == 1
        time.sleep(1.5)
        [score] = scores_for(platform, "killed", wait=0)
        assert score["userId"] == "kim" and score["scoreGiven"] == 1.0
    finally:
        server.stop()
        platform.tool_url = tool.url                     # the module's tool again


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed "
                    "(.ci/run installs it)")
def test_a_launch_in_a_real_browser(tool, platform):
    sync = pytest.importorskip("playwright.sync_api")
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    platform.launch("browser", sub="cy-3", name="Cy Browser")
    start_url = httpx.URL(tool.url + "/lti/login", params={
        "iss": platform.issuer, "login_hint": "cy", "client_id": platform.client_id,
        "target_link_uri": tool.url + "/lti/launch", "lti_message_hint": "browser"})
    with sync.sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1100})
            page.goto(str(start_url))                    # login → platform → auto-post
            page.wait_for_selector("text=Answering as")
            assert "Cy Browser" in page.inner_text("main")
            page.screenshot(path=str(shots / "lti-question.png"), full_page=True)
            page.get_by_label("C.", exact=False).check()
            page.get_by_role("button", name="Submit my answer").click()
            page.wait_for_selector("#score")
            assert page.inner_text("#score") == "Score: 1 / 1 (correct)"
            assert "gradebook" in page.inner_text("#passback")
            page.screenshot(path=str(shots / "lti-result.png"), full_page=True)
        finally:
            browser.close()
    [score] = scores_for(platform, "browser")
    assert score["userId"] == "cy-3" and score["scoreGiven"] == 1.0


def test_instructor_role_uris_open_the_picker(tool, platform):
    for role in (INSTRUCTOR,
                 "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"):
        _, page = launched(tool, platform, "roles-" + role[-5:], deep_linking=True,
                           roles=[role])
        assert "Add questions to your course" in page


def test_on_postgresql_a_launch_scores_once_and_a_replay_is_refused(tmp_path, platform, bank,
                                                                     tool):
    import pgkit
    if pgkit.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt install postgresql; .ci/run does)")
    pytest.importorskip("psycopg")
    pg = pgkit.start()
    server = None
    try:
        url = pg.createdb("lti")
        server = tool_start(tmp_path, platform, bank, tmp_path / "cache", url=url)
        platform.launch("pg", sub="pat-9")
        c, fields = login(server, platform, "pg")
        page = c.post(server.url + "/lti/launch", data=fields)
        assert page.status_code == 200
        assert c.post(server.url + "/lti/launch", data=fields).status_code in (400, 409)
        assert answer(c, server, page.text, ["C"]).status_code == 200
        [score] = scores_for(platform, "pg")
        assert score["userId"] == "pat-9"
        deadline = time.monotonic() + 10
        while attempts(server)[-1]["passback"]["status"] != "sent":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert attempts(server)[-1]["learner"] == f"{platform.issuer}|pat-9"
    finally:
        if server is not None:
            server.stop()
        platform.tool_url = tool.url
        pg.close()
