"""The diagnosis in the service: the learner's result page shows "A pattern in your answers"
once their stored answers hold a misreading (in a real browser, screenshot in
test-artifacts/), and ``GET /api/diagnosis`` gives instructors the contract's JSON."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
httpx = pytest.importorskip("httpx")

from servicekit import TOKEN, chromium, start  # noqa: E402

SMALL = Path(__file__).parent / "diagnosis-bank"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHECK_NAMES = re.compile(r"as-claimed|model-delivers|reason-matters|all-pass", re.IGNORECASE)


def polarity(qid: str) -> str:
    """The option of the small bank's question written to carry ``polarity``."""
    text = (SMALL / f"{qid}.yaml").read_text(encoding="utf-8")
    return dict((k, o) for o, k in re.findall(r"- id: (\w)\s+# ([\w-]+)", text))["polarity"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = start(tmp_path_factory.mktemp("db") / "attempts.db", tmp_path_factory.mktemp("cache"),
              bank=str(SMALL))
    yield s
    s.stop()


def test_api_diagnosis_needs_the_token(server):
    assert httpx.get(server.url + "/api/diagnosis").status_code == 401
    r = httpx.get(server.url + "/api/diagnosis", headers=AUTH, params={"learner": "a\0b"})
    assert r.status_code == 400


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_the_result_page_shows_the_pattern_once_it_is_held(server):
    sync = pytest.importorskip("playwright.sync_api")
    shots = Path(__file__).parent.parent / "test-artifacts"
    shots.mkdir(exist_ok=True)
    with sync.sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1000})
            for n, qid in enumerate(("gru-diagnosis-one", "gru-diagnosis-two")):
                page.goto(f"{server.url}/q/{qid}")
                page.get_by_label("Your name or learner id").fill("ann")
                page.locator(f"#option-{polarity(qid)}").check()
                page.get_by_role("button", name="Submit my answer").click()
                page.wait_for_selector("#score")
                assert page.locator("section.pattern").count() == n     # not after one answer
            pattern = page.locator("section.pattern")
            assert pattern.locator("h2").inner_text() == "A pattern in your answers"
            text = pattern.locator("p").inner_text()
            assert "two of two" in text and "Γu ≈ 1 keeps the gradient" in text
            assert not CHECK_NAMES.search(text)
            # right after the bottom line, before the options' feedback
            first = page.locator("section.feedback").first
            assert pattern.bounding_box()["y"] < first.bounding_box()["y"]
            page.screenshot(path=str(shots / "diagnosis-result.png"), full_page=False)
        finally:
            browser.close()
    assert (shots / "diagnosis-result.png").stat().st_size > 10_000
    data = httpx.get(server.url + "/api/diagnosis", headers=AUTH).json()
    (ann,) = data["learners"]
    assert ann["learner"] == "ann" and ann["paragraph"] == text
    assert [m["kind"] for m in ann["misreadings"]] == ["polarity"]
    assert data["class"][0]["learners"] == 1
    one = httpx.get(server.url + "/api/diagnosis", headers=AUTH, params={"learner": "bob"})
    assert one.json() == {"learners": [], "class": []}


def test_an_lti_learner_sees_the_pattern_too(tmp_path_factory):
    """The LTI tool's result page (the same template) shows it once it is held."""
    pytest.importorskip("joserfc")
    from ltiplatform import form_fields, running

    platform_run = running()
    platform = next(platform_run)
    folder = tmp_path_factory.mktemp("lti")
    config = folder / "platforms.toml"
    config.write_text(platform.config(), encoding="utf-8")
    tool = start(folder / "attempts.db", tmp_path_factory.mktemp("cache"), bank=str(SMALL),
                 extra=("--lti-config", str(config)))
    platform.tool_url = tool.url
    try:
        pages = []
        for qid in ("gru-diagnosis-one", "gru-diagnosis-two"):
            hint = f"diag-{qid}"
            platform.launch(hint, sub="lia-7", name="Lia", question=qid)
            c = httpx.Client(follow_redirects=False, timeout=60)
            r = c.get(tool.url + "/lti/login", params={
                "iss": platform.issuer, "login_hint": "user-hint",
                "client_id": platform.client_id, "target_link_uri": tool.url + "/lti/launch",
                "lti_message_hint": hint})
            _, fields = form_fields(c.get(r.headers["location"]).text)
            page = c.post(tool.url + "/lti/launch", data=fields).text
            _, fields = form_fields(page)
            pages.append(c.post(tool.url + "/lti/answer",
                                data={**fields, "answer": [polarity(qid)]}).text)
        assert "A pattern in your answers" not in pages[0]
        assert "A pattern in your answers" in pages[1] and "two of two" in pages[1]
    finally:
        tool.stop()
        next(platform_run, None)
