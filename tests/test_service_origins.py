"""Who may speak for whom, and input the database cannot hold, on a real ``quizgrader serve``
that is also an LTI tool (platform emulator on 127.0.0.1), over SQLite and PostgreSQL.

- one identity namespace per origin: an LTI learner's ``iss|sub`` can never be typed or posted
  on a plain path, nor used there to read their variant of a template;
- an answer is a list of option ids, one per item (``["A;C"]`` is not two options);
- values PostgreSQL refuses (NUL, over-long) are a 4xx before the database on either one,
  never a 503 "the database is unavailable".
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GRU_ID

pytest.importorskip("fastapi")
pytest.importorskip("joserfc")
httpx = pytest.importorskip("httpx")

from ltiplatform import Emulator, form_fields, running  # noqa: E402
from servicekit import TOKEN, bank_of, start  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MANY = "gradient-clipping"                                  # select: many, static
TEMPLATE = "c5w1-gru-template"
FILES = (f"{GRU_ID}.yaml", f"{MANY}.yaml", f"{TEMPLATE}.yaml", f"{TEMPLATE}.variants.yaml")


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    return bank_of(tmp_path_factory, FILES)


platform = pytest.fixture(scope="module", name="platform")(running)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tool(request, tmp_path_factory, platform, bank, cache):
    """The tool on SQLite, then on a PostgreSQL of the tests' own."""
    folder = tmp_path_factory.mktemp(request.param)
    pg, url = None, None
    if request.param == "postgresql":
        import pgkit
        if pgkit.binaries() is None:
            pytest.skip("PostgreSQL is not installed (apt install postgresql; .ci/run does)")
        pytest.importorskip("psycopg")
        pg = pgkit.start()
        url = pg.createdb("origins")
    config = folder / "platforms.toml"
    config.write_text(platform.config(), encoding="utf-8")
    server = start(folder / "attempts.db", cache, bank=str(bank),
                   url=url, extra=("--lti-config", str(config)))
    platform.tool_url = server.url
    yield server
    server.stop()
    if pg is not None:
        pg.close()


def launched(tool, platform: Emulator, hint: str, **spec) -> tuple[httpx.Client, httpx.Response]:
    """Login, the platform's auth, and the launch posted to the tool."""
    platform.tool_url = tool.url
    platform.launch(hint, **spec)
    c = httpx.Client(follow_redirects=False, timeout=60)
    r = c.get(tool.url + "/lti/login", params={
        "iss": platform.issuer, "login_hint": "u", "client_id": platform.client_id,
        "target_link_uri": tool.url + "/lti/launch", "lti_message_hint": hint})
    assert r.status_code == 302, r.text
    _, fields = form_fields(c.get(r.headers["location"]).text)
    return c, c.post(tool.url + "/lti/launch", data=fields)


def stored(tool) -> list[dict]:
    r = httpx.get(tool.url + "/api/attempts", headers=AUTH, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


# --- one identity namespace per origin ------------------------------------------------------

def test_a_launched_learner_cannot_be_named_on_a_plain_path(tool, platform):
    c, page = launched(tool, platform, "ann", sub="2", question=TEMPLATE)
    assert page.status_code == 200
    lti_id = f"{platform.issuer}|2"
    before = stored(tool)
    refusals = [
        httpx.post(tool.url + "/api/attempts",
                   json={"learner": lti_id, "question": GRU_ID, "answer": ["C"]}),
        httpx.post(f"{tool.url}/q/{GRU_ID}", data={"learner": lti_id, "answer": "C"}),
        httpx.get(f"{tool.url}/q/{TEMPLATE}", params={"learner": lti_id}),
        httpx.get(f"{tool.url}/q/{GRU_ID}", params={"learner": lti_id}),
        httpx.get(f"{tool.url}/api/questions/{TEMPLATE}", params={"learner": lti_id}),
        httpx.get(f"{tool.url}/api/questions", params={"learner": lti_id}),
        httpx.post(f"{tool.url}/q/{GRU_ID}", data={"learner": "any|thing", "answer": "C"}),
    ]
    for r in refusals:
        assert r.status_code == 400, (r.request.url, r.status_code)
        assert "kept for learners launched from a course platform" in r.text, r.text
    assert stored(tool) == before
    # the launched learner's own page is theirs; an instructor may look at their variant
    _, fields = form_fields(page.text)
    mine = httpx.get(f"{tool.url}/api/questions/{TEMPLATE}", params={"learner": lti_id},
                     headers=AUTH)
    assert mine.status_code == 200 and str(mine.json()["variant"]) == fields["variant"]
    wrong = httpx.get(f"{tool.url}/api/questions/{TEMPLATE}", params={"learner": lti_id},
                      headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401


# --- an answer is a list of option ids --------------------------------------------------------

@pytest.mark.parametrize("answer", [["A;C"], ["A", "C;"], [";"]])
def test_an_answer_item_is_one_option_id(tool, answer):
    before = len(stored(tool))
    r = httpx.post(tool.url + "/api/attempts",
                   json={"learner": "ann", "question": MANY, "answer": answer})
    assert r.status_code == 400 and "unknown option" in r.json()["error"], r.text
    form = httpx.post(f"{tool.url}/q/{MANY}", data={"learner": "ann", "answer": answer})
    assert form.status_code == 400 and "unknown option" in form.text
    assert len(stored(tool)) == before
    ok = httpx.post(tool.url + "/api/attempts",
                    json={"learner": "ann", "question": MANY, "answer": ["a", " C "]})
    assert ok.status_code == 200 and ok.json()["feedback"][0]["option"] == "A"


def test_answer_items_must_be_strings(tool):
    r = httpx.post(tool.url + "/api/attempts",
                   json={"learner": "ann", "question": GRU_ID, "answer": ["C", 3]})
    assert r.status_code == 400 and r.json() == {
        "error": "answer: a list of option ids is needed, e.g. [\"C\"]"}


# --- input the database cannot hold is a 4xx on either database ------------------------------

LONG_ITEM = "/lineitems/long?pad=" + "x" * 2100
CLAIMS = {
    "NUL in sub": ({"claims": {"sub": "ann\x00"}}, "sub"),
    "NUL in name": ({"claims": {"name": "Ann\x00Learner"}}, "name"),
    "2,100-char line item": ({"lineitem": "LONG"}, "lineitem"),
}


@pytest.mark.parametrize("case", sorted(CLAIMS))
def test_a_launch_claim_the_database_cannot_hold_is_a_400(tool, platform, case):
    spec, words = CLAIMS[case]
    if spec.get("lineitem") == "LONG":
        spec = {"lineitem": platform.url + LONG_ITEM}
    _, r = launched(tool, platform, "bad-" + case.replace(" ", "-").replace(",", ""), **spec)
    assert r.status_code == 400 and words in r.text, (r.status_code, r.text[-400:])
    assert "unavailable" not in r.text


@pytest.mark.parametrize("field", ["session", "state"])
def test_a_nul_in_an_lti_form_field_is_a_4xx(tool, field):
    path = "/lti/launch" if field == "state" else "/lti/answer"
    data = {"state": "ab\x00cd", "id_token": "x.y.z"} if field == "state" else \
        {"session": "ab\x00cd", "answer": "C"}
    r = httpx.post(tool.url + path, data=data)
    assert r.status_code in (400, 403) and "unavailable" not in r.text, r.text
    long = httpx.post(tool.url + path, data={**data, field: "s" * 5000})
    assert long.status_code in (400, 403), long.text


@pytest.mark.parametrize("params,words", [
    ({"learner": "ann\x00"}, "learner"),
    ({"question": "q\x00"}, "question"),
    ({"learner": "a" * 900}, "learner"),
    ({"question": "q" * 300}, "question"),
])
def test_an_instructor_query_the_database_cannot_hold_is_a_400(tool, params, words):
    r = httpx.get(tool.url + "/api/attempts", params=params, headers=AUTH)
    assert r.status_code == 400 and r.json()["error"].startswith(words), r.text


def test_a_nul_in_the_plain_form_is_a_400(tool):
    r = httpx.post(f"{tool.url}/q/{GRU_ID}", content=b"learner=ann%00&answer=C",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "control characters" in r.text


def test_a_value_the_database_refuses_is_a_400_not_an_outage(tmp_path, caplog):
    """The last line of defence: a DataError (the input's fault) that reaches the app's
    handler is a 400 with a one-line log, while an OperationalError is still a 503."""
    from types import SimpleNamespace

    from sqlalchemy.exc import DataError, OperationalError
    from starlette.testclient import TestClient

    from quizgrader.service import db
    from quizgrader.service.app import create_app

    engine = db.connect(f"sqlite:///{tmp_path / 'a.db'}")
    app = create_app(SimpleNamespace(entries={}, cache=False), engine,  # type: ignore[arg-type]
                     None)

    def refuses() -> None:
        raise DataError("INSERT …", {}, ValueError("PostgreSQL text fields cannot contain NUL"))

    def down() -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    app.add_api_route("/refuses", refuses)
    app.add_api_route("/down", down)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/refuses")
    assert r.status_code == 400 and "cannot be stored by the database" in r.json()["error"]
    assert "traceback" not in caplog.text
    assert client.get("/down").status_code == 503
    engine.dispose()
