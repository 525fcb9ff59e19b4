"""Variants through a course: the service gives two learners two variants in a real browser,
a regrade after one variant's key changed names only the learners who had it, and the item
statistics by variant."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_variants import template

from quizgrader.cli import main
from quizgrader.grading.assign import assigned
from quizgrader.variants.lock import lock_path, read_lock

SALT = "course-2026"


def _grade(bank: Path, src: Path, out: Path, *extra: str) -> None:
    r = CliRunner().invoke(main, ["grade", str(bank), "--responses", str(src), "--out",
                                  str(out), "--salt", SALT, *extra])
    assert r.exit_code == 0, r.output


def test_a_regrade_after_one_variants_key_changed_names_only_its_learners(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "cache"))   # verdict snapshots
    bank = tmp_path / "bank"
    bank.mkdir()
    p = template(bank, "scale: [0.5]\nhorizon: [20, 30, 40]")
    assert CliRunner().invoke(main, ["variants", str(p), "--salt", SALT]).exit_code == 0
    numbers = read_lock(lock_path(p)).numbers()
    learners = [f"s{i:02d}" for i in range(30)]
    src = tmp_path / "class.csv"
    src.write_text("learner,question,answer\n" + "".join(f"{n},rnn-t,A\n" for n in learners),
                   "utf-8")
    before = tmp_path / "before.csv"
    _grade(bank, src, before)
    # the author changes what option A claims, for a horizon of 30 only: variant 2's key
    text = p.read_text("utf-8").replace(
        "claim: {model: m, gradient: vanishes}",
        "claim: {model: m, gradient: \"{{ 'explodes' if horizon == 30 else 'vanishes' }}\"}")
    text = text.replace("claim: {model: m, gradient: preserved}",
                        "claim: {model: m, gradient: \"{{ 'vanishes' if horizon == 30 else "
                        "'preserved' }}\"}")
    p.write_text(text, "utf-8")
    assert CliRunner().invoke(main, ["variants", str(p)]).exit_code == 0   # keeps its salt
    assert [v.key for v in read_lock(lock_path(p)).variants] == [["A"], ["B"], ["A"]]
    after = tmp_path / "after.csv"
    r = CliRunner().invoke(main, ["regrade", str(bank), "--responses", str(src), "--previous",
                                  str(before), "--out", str(after), "--salt", SALT, "--json"])
    assert r.exit_code == 0, r.output
    moved = json.loads(r.stdout)["moved"]
    had_2 = {n for n in learners if assigned(n, "rnn-t", numbers, SALT) == 2}
    assert had_2 and {m["learner"] for m in moved} == had_2
    assert all(m["questions"][0]["variant"] == 2 for m in moved)
    assert all("key A before, key B now" in m["questions"][0]["reasons"] for m in moved), moved
    # the lock loses variant 3: its learners are named, never moved to another variant
    lock = yaml.safe_load(lock_path(p).read_text("utf-8"))
    lock["variants"] = [v for v in lock["variants"] if v["number"] != 3]
    lock_path(p).write_text(yaml.safe_dump(lock, sort_keys=False, allow_unicode=True), "utf-8")
    again = tmp_path / "again.csv"
    r = CliRunner().invoke(main, ["regrade", str(bank), "--responses", str(src), "--previous",
                                  str(before), "--out", str(again), "--salt", SALT])
    assert r.exit_code == 1                                   # those rows are errors now
    had_3 = {n for n in learners if assigned(n, "rnn-t", numbers, SALT) == 3}
    for n in had_3:
        assert f"{n}: 1 → 0" in r.stdout
    assert "variant 3 is no longer deployed (it was removed from the lock)" in r.stdout
    rows = {row["learner"]: row for row in csv.DictReader(again.open(encoding="utf-8"))}
    assert all(rows[n]["status"].startswith("error: variant 3 of question rnn-t is no longer "
                                            "deployed") for n in had_3)
    assert all(rows[n]["status"] == "graded" and rows[n]["variant"] == "1"
               for n in learners if n not in had_3 | had_2)


def test_stats_by_variant_reports_each_variant_with_its_own_key(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(GRU_TEMPLATE, bank)
    shutil.copy(lock_path(GRU_TEMPLATE), bank)
    lock = {v.number: v.key[0] for v in read_lock(lock_path(GRU_TEMPLATE)).variants}
    numbers = tuple(lock)
    rows = []
    for i in range(400):                 # everybody right, except on variant 4: always "B"
        name = f"p{i:03d}"
        v = assigned(name, "c5w1-gru-template", numbers, SALT)
        rows.append(f"{name},c5w1-gru-template,{'B' if v == 4 else lock[v]}\n")
    src = tmp_path / "class.csv"
    src.write_text("learner,question,answer\n" + "".join(rows), "utf-8")
    grades = tmp_path / "grades.csv"
    _grade(bank, src, grades)
    r = CliRunner().invoke(main, ["stats", str(grades), "--bank", str(bank), "--by-variant",
                                  "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    [whole] = data["questions"]
    assert all(o["correct"] is None for o in whole["options"])     # the key varies
    variants = {v["variant"]: v for v in data["variants"]}
    assert set(variants) <= set(numbers) and variants[4]["facility"] == 0
    assert variants[4]["harder"] and not any(v["harder"] for n, v in variants.items() if n != 4)
    assert [o["id"] for o in variants[4]["options"] if o["correct"]] == [lock[4]]
    text = CliRunner().invoke(main, ["stats", str(grades), "--bank", str(bank),
                                     "--by-variant"]).stdout
    assert "c5w1-gru-template#4:" in text and "much harder than its question" in text


# --- the service --------------------------------------------------------------------------------

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from conftest import ARTIFACTS, GRU_TEMPLATE  # noqa: E402
from servicekit import TOKEN, chromium, start  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    bank = tmp_path_factory.mktemp("bank")
    shutil.copy(GRU_TEMPLATE, bank)
    shutil.copy(lock_path(GRU_TEMPLATE), bank)
    s = start(tmp_path_factory.mktemp("db") / "attempts.db", tmp_path_factory.mktemp("cache"),
              bank=str(bank), extra=("--salt", SALT))
    yield s
    s.stop()


def two_learners() -> tuple[tuple[str, int, str], tuple[str, int, str]]:
    """Two learners whose variants have different keys: (name, variant, key)."""
    lock = {v.number: v.key[0] for v in read_lock(lock_path(GRU_TEMPLATE)).variants}
    found: dict[str, tuple[str, int, str]] = {}
    for i in range(200):
        name = f"learner{i}"
        v = assigned(name, "c5w1-gru-template", tuple(lock), SALT)
        found.setdefault(lock[v], (name, v, lock[v]))
        if len(found) == 2:
            break
    a, b = found.values()
    return a, b


def test_the_api_serves_each_learner_their_variant_and_stores_it(served):
    (ann, va, ka), (bob, vb, kb) = two_learners()
    qa = httpx.get(f"{served.url}/api/questions/c5w1-gru-template",
                   params={"learner": ann}).json()
    qb = httpx.get(f"{served.url}/api/questions/c5w1-gru-template",
                   params={"learner": bob}).json()
    assert (qa["variant"], qb["variant"]) == (va, vb) and qa["stem"] != qb["stem"]
    assert "key" not in json.dumps(qa) and "claim" not in json.dumps(qa)
    page = httpx.get(f"{served.url}/q/c5w1-gru-template", params={"learner": ann}).text
    assert page == httpx.get(f"{served.url}/q/c5w1-gru-template", params={"learner": ann}).text
    assert f'name="variant" value="{va}"' in page and qa["stem"].split("\n")[0] in page
    who = httpx.get(f"{served.url}/q/c5w1-gru-template").text     # no learner: who is it?
    assert "Show my question" in who and 'name="answer"' not in who
    # a page of ann's variant submitted under bob's name is refused, nothing stored
    r = httpx.post(f"{served.url}/q/c5w1-gru-template", data={
        "learner": bob, "variant": str(va), "answer": ka})
    assert r.status_code == 409 and f"answers variant {vb}" in r.text
    for name, v, key in ((ann, va, ka), (bob, vb, kb)):
        r = httpx.post(served.url + "/api/attempts", timeout=60,
                       json={"learner": name, "question": "c5w1-gru-template", "answer": [key]})
        assert r.status_code == 200 and r.json()["variant"] == v and r.json()["score"] == 1.0
    stored = httpx.get(served.url + "/api/attempts", headers={
        "Authorization": f"Bearer {TOKEN}"}).json()
    assert {(a["learner"], a["variant"]) for a in stored} >= {(ann, va), (bob, vb)}
    grades = httpx.get(served.url + "/api/grades.csv", headers={
        "Authorization": f"Bearer {TOKEN}"}).text.splitlines()
    assert grades[0].endswith(",provenance,variant")
    assert any(line.startswith(f"{ann},") and line.endswith(f",{va}") for line in grades)
    stats = httpx.get(served.url + "/api/stats", headers={
        "Authorization": f"Bearer {TOKEN}"}).json()
    [item] = [q for q in stats["questions"] if q["id"] == "c5w1-gru-template"]
    assert all(o["correct"] is None for o in item["options"])    # each variant has its key


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed "
                    "(.ci/run installs it)")
def test_two_learners_see_two_variants_in_a_real_browser(served):
    sync = pytest.importorskip("playwright.sync_api")
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    seen = []
    with sync.sync_playwright() as p:
        browser = chromium(p)
        try:
            for k, (name, variant, key) in enumerate(two_learners()):
                page = browser.new_page(viewport={"width": 900, "height": 1100})
                page.goto(f"{served.url}/q/c5w1-gru-template")
                page.get_by_label("Your name or learner id").fill(name)
                page.get_by_role("button", name="Show my question").click()
                page.wait_for_selector("p.stem")
                stem = page.inner_text("p.stem")
                assert f"Answering as {name}" in page.inner_text("form")
                page.screenshot(path=str(shots / f"variant-question-{k + 1}.png"))
                page.locator(f"#option-{key}").check()
                page.get_by_role("button", name="Submit my answer").click()
                page.wait_for_selector("#score")
                assert page.inner_text("#score") == "Score: 1 / 1 (correct)"
                assert f"{key} is correct." in page.content()
                seen.append((variant, stem))
                page.close()
        finally:
            browser.close()
    assert seen[0][0] != seen[1][0] and seen[0][1] != seen[1][1]
    assert (shots / "variant-question-1.png").stat().st_size > 5_000
