"""The gate lab (lab.md) end to end: the service's page and API in headless Chromium, after
answering and in practice mode, and the offline handout with every network request refused.

One small bank (the course's GRU question), one service per mode and one browser for the
module."""
import json
import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
httpx = pytest.importorskip("httpx")
sync = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not shutil.which("chromium"),
                                reason="Debian's chromium is not installed (.ci/run installs it)")

from click.testing import CliRunner  # noqa: E402
from conftest import GRU_ID  # noqa: E402
from servicekit import bank_of, chromium, start  # noqa: E402

from quizgrader.cli import main  # noqa: E402
from quizgrader.jobs.verifying import verify  # noqa: E402
from quizgrader.text.numbers import amount  # noqa: E402

SHOTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return bank_of(tmp_path_factory, ("c5w1-gru-alice-betty.yaml",))


@pytest.fixture(scope="module")
def cache():
    """The session's simulation cache: the in-process verification below and the services
    share its entries."""
    return Path(os.environ["QUIZGRADER_CACHE_DIR"])


@pytest.fixture(scope="module")
def server(tmp_path_factory, bank, cache):
    s = start(tmp_path_factory.mktemp("db") / "attempts.db", cache, bank=str(bank))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with sync.sync_playwright() as p:
        b = chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def verdict(bank):
    return verify([bank], cache=True).verdicts[0]


def answered(server, browser, width=1280):
    """A page on the lab of the GRU question, reached from the result page after answering."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server.url}/q/{GRU_ID}")
    page.get_by_label("Your name or learner id").fill("lab-learner")
    page.get_by_label("C. Betty's model", exact=False).check()
    page.get_by_role("button", name="Submit my answer").click()
    page.wait_for_selector("#score")
    page.get_by_role("link", name="Open the gate lab").click()
    page.wait_for_function("document.querySelectorAll('.lab-sentence:empty').length === 0")
    return page


def panel(page, model):
    return page.locator(f'.lab-model[data-model="{model}"]')


def moved(page, model, before):
    """Wait until ``model``'s sentence is no longer ``before``; the new one."""
    page.wait_for_function(
        "([m, s]) => document.querySelector(`.lab-model[data-model=\"${m}\"] .lab-sentence`)"
        ".textContent !== s", arg=[model, before])
    return panel(page, model).locator(".lab-sentence").inner_text()


def test_a_slider_moved_by_keyboard_changes_the_curve_and_the_sentence(server, browser):
    page = answered(server, browser)
    try:
        betty = panel(page, "betty")
        slider = betty.get_by_label("Γu (update gate)")
        sentence = betty.locator(".lab-sentence").inner_text()
        plot = betty.locator(".lab-plot canvas").screenshot()
        final = betty.locator(".lab-plot").get_attribute("data-final")
        assert "with Γu free" in sentence
        slider.focus()
        page.keyboard.press("ArrowRight")                     # free -> 0.001 (≈ 0)
        after = moved(page, "betty", sentence)
        assert after.startswith("In Betty's model (Γr fixed at 1) with Γu ≈ 0, where c<t> ≈ "
                                "0.001*c̃<t> + 0.999*c<t−1>, the gradient (the solid curve) "
                                "is kept over 100 steps")
        assert slider.get_attribute("aria-valuetext") == "0.001 (≈ 0)"
        assert betty.locator(".lab-plot").get_attribute("data-final") != final
        assert betty.locator(".lab-plot canvas").screenshot() != plot
        rows = betty.locator(".lab-table tbody tr").all_inner_texts()
        assert [r.split()[0] for r in rows] == ["1", "10", "50", "100"]
        assert page.locator(".lab-sentence[aria-live=polite]").count() == 2
    finally:
        page.close()


def test_the_sentence_says_the_number_of_the_api_and_of_simulate(server, browser):
    page = answered(server, browser)
    try:
        betty = panel(page, "betty")
        before = betty.locator(".lab-sentence").inner_text()
        betty.get_by_label("Γu (update gate)").focus()
        for _ in range(5):                                     # free, 0.001, 0.01, 0.1, 0.5
            page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('.lab-model[data-model=betty] "
                               "output').textContent === '0.9'")
        sentence = moved(page, "betty", before)
        while "held at 0.9" not in sentence:                  # the last of the moves
            sentence = moved(page, "betty", sentence)
        ticket = re.search(r"ticket=(\w+)", page.url).group(1)
    finally:
        page.close()
    r = httpx.get(f"{server.url}/api/lab/{GRU_ID}",
                  params={"model": "betty", "update": "0.9", "ticket": ticket}, timeout=60)
    assert r.status_code == 200
    got = r.json()
    assert set(got) == {"model", "gates", "steps", "t", "gain", "reach", "behaviour",
                        "sentence", "table"}                  # never a key or a verdict
    assert got["gates"] == {"update": 0.9, "reset": "fixed:1"} and len(got["gain"]) == 100
    run = CliRunner().invoke(main, ["simulate", "--cell", "gru", "--fix", "reset=1", "--hold",
                                    "update=0.9", "--steps", "100", "--json"])
    assert run.exit_code == 0, run.output
    simulated = json.loads(run.output)["gain"][-1]
    assert got["gain"][-1] == simulated
    assert sentence == got["sentence"]
    assert f"to {amount(simulated)}:" in sentence and "held at 0.9" in sentence


def test_each_option_button_shows_the_number_its_explanation_quotes(server, browser, verdict):
    from quizgrader.text.explain import explain
    page = answered(server, browser)
    try:
        for v in verdict.options:
            quoted = next(f for f in json.loads(_figures(verdict))[v.option.id]
                          if f["kind"] == "gain")
            text = " ".join(explain(verdict, v).paragraphs("standard", v.option.id))
            assert amount(quoted["value"]) in text
            model = quoted["model"]
            page.get_by_role("button", name=f"Show option {v.option.id}'s setting").click()
            page.wait_for_function(
                "([m, want]) => (document.querySelector(`.lab-model[data-model=\"${m}\"]`)"
                ".getAttribute('data-setting') || '') === want",
                arg=[model, _setting_key(model, quoted["gates"], verdict)])
            sentence = panel(page, model).locator(".lab-sentence").inner_text()
            assert amount(quoted["value"]) in sentence, (v.option.id, sentence)
    finally:
        page.close()


def _figures(verdict) -> str:
    """Each option's figures as ``verify --json`` gives them."""
    from quizgrader.text.reports.verifyreport import verify_json
    doc = json.loads(verify_json([verdict], [], []))
    return json.dumps({o["id"]: o["figures"] for o in doc["questions"][0]["options"]})


def _setting_key(model, gates, verdict) -> str:
    """The lab's key of a figure's configuration ('betty|update=0.001')."""
    eps = verdict.question.simulation.epsilon
    held = {"held:0": f"{eps:g}", "held:1": f"{1 - eps:g}", "free": "free"}
    return model + "|" + "&".join(f"{g}={held[s]}" for g, s in gates.items()
                                  if not s.startswith("fixed"))


def test_the_lab_of_an_unanswered_question_is_refused_unless_practice_mode(
        server, bank, cache, tmp_path):
    for url in (f"/api/lab/{GRU_ID}?model=betty&update=0.9", f"/lab/{GRU_ID}",
                f"/api/lab/{GRU_ID}?model=betty&ticket=0123456789abcdef0123456789abcdef"):
        r = httpx.get(server.url + url, timeout=60)
        assert r.status_code == 403 and "after you have answered" in r.text
    practice = start(tmp_path / "practice.db", cache, bank=str(bank),
                     extra=("--lab", "always"))
    try:
        r = httpx.get(f"{practice.url}/api/lab/{GRU_ID}",
                      params={"model": "alice", "reset": "0.001"}, timeout=60)
        assert r.status_code == 200 and r.json()["behaviour"] == "vanishes"
        assert not {"correct", "verdict", "key", "explanation"} & set(r.json())
        bad = httpx.get(f"{practice.url}/api/lab/{GRU_ID}",
                        params={"model": "alice", "reset": "0.3"}, timeout=60)
        assert bad.status_code == 400 and "0.001, 0.01, 0.1, 0.5" in bad.json()["error"]
        assert httpx.get(f"{practice.url}/lab/{GRU_ID}", timeout=60).status_code == 200
    finally:
        practice.stop()


def test_the_offline_handout_works_with_every_network_request_refused(bank, browser,
                                                                       tmp_path):
    out = tmp_path / "handout.html"
    run = CliRunner().invoke(main, ["export", str(bank), "--to", "html", "--out", str(out)])
    assert run.exit_code == 0, run.output
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    refused, errors = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def only_the_file(route):
        if route.request.url == out.as_uri():
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()
    page.route("**/*", only_the_file)
    try:
        page.goto(out.as_uri())
        page.wait_for_function("document.querySelectorAll('.lab-sentence:empty').length === 0")
        alice = panel(page, "alice")
        before = alice.locator(".lab-sentence").inner_text()
        alice.get_by_label("Γr (reset gate)").focus()
        page.keyboard.press("End")                              # the grid's last: ≈ 1
        after = moved(page, "alice", before)
        assert after.startswith("In Alice's model (Γu fixed at 1) with Γr ≈ 1")
        page.get_by_role("button", name="Show option C's setting").click()
        page.wait_for_function("document.querySelector('.lab-model[data-model=betty] "
                               ".lab-sentence').textContent.includes('Γu ≈ 0')")
    finally:
        page.close()
    assert refused == [] and errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_lab(server, browser, width):
    SHOTS.mkdir(exist_ok=True)
    page = answered(server, browser, width)
    try:
        page.get_by_role("button", name="Show option D's setting").click()
        page.wait_for_function("document.querySelector('.lab-model[data-model=betty] "
                               ".lab-sentence').textContent.includes('Γu ≈ 1')")
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot = SHOTS / f"lab-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    assert shot.stat().st_size > 10_000
