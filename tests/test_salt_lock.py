"""One assignment of variants (issue 33): the salt that gives each learner their variant is
part of the template's lock, so the command line and the service assign the same variant; a
salt given that disagrees with the lock is an error naming both; older locks without a salt
read as before."""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from test_variants import template

from quizgrader.cli import main
from quizgrader.grading.assign import assigned
from quizgrader.variants.lock import lock_path, read_lock

LEARNERS = [f"p{i:02d}" for i in range(24)]


@pytest.fixture
def bank(tmp_path, monkeypatch):
    """A folder with a small template deployed without any salt given."""
    monkeypatch.delenv("QUIZGRADER_SALT", raising=False)
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "bank"
    folder.mkdir()
    p = template(folder, "scale: [0.5]\nhorizon: [20, 30, 40]")
    r = CliRunner().invoke(main, ["variants", str(p)])
    assert r.exit_code == 0, r.output
    return folder


def _class(tmp: Path) -> Path:
    src = tmp / "class.csv"
    src.write_text("learner,question,answer\n" + "".join(f"{n},rnn-t,A\n" for n in LEARNERS),
                   "utf-8")
    return src


def _variants(grades: Path) -> dict[str, int]:
    with grades.open(encoding="utf-8") as f:
        return {row["learner"]: int(row["variant"]) for row in csv.DictReader(f)}


def test_the_lock_records_a_salt_once_and_keeps_it(bank):
    where = lock_path(bank / "rnn-t.yaml")
    lock = read_lock(where)
    assert lock.salt is not None and re.fullmatch(r"[0-9a-f]{16}", lock.salt)
    first = where.read_bytes()
    r = CliRunner().invoke(main, ["variants", str(bank / "rnn-t.yaml")])
    assert r.exit_code == 0 and f"with the salt {lock.salt!r}" in r.stdout
    assert where.read_bytes() == first                       # deployed again: the same lock


def test_the_command_line_and_the_service_assign_the_same_variants(bank, tmp_path):
    from quizgrader.service.served import Served
    salt = read_lock(lock_path(bank / "rnn-t.yaml")).salt
    numbers = read_lock(lock_path(bank / "rnn-t.yaml")).numbers()
    expected = {n: assigned(n, "rnn-t", numbers, salt) for n in LEARNERS}
    assert len(set(expected.values())) > 1
    grades = tmp_path / "grades.csv"
    r = CliRunner().invoke(main, ["grade", str(bank), "--responses", str(_class(tmp_path)),
                                  "--out", str(grades)])
    assert r.exit_code == 0, r.output
    assert _variants(grades) == expected                      # no --salt: the lock's
    one = CliRunner().invoke(main, ["grade", str(bank / "rnn-t.yaml"), "--answer", "A",
                                    "--learner", "p03", "--format", "json"])
    assert json.loads(one.stdout)["variant"] == expected["p03"]
    served = Served([str(bank)])                              # the service, no salt either
    assert {n: served.public("rnn-t", n)["variant"] for n in LEARNERS} == expected
    # the lock's own salt given again agrees
    again = Served([str(bank)], salt=salt)
    assert again.public("rnn-t", "p03")["variant"] == expected["p03"]


def test_the_running_service_gives_a_learner_the_variant_grade_gives(bank, tmp_path,
                                                                     monkeypatch):
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("uvicorn")
    from servicekit import start
    salt = read_lock(lock_path(bank / "rnn-t.yaml")).salt
    monkeypatch.setenv("QUIZGRADER_SALT", salt)               # the service: the lock's salt
    server = start(tmp_path / "a.db", tmp_path / "cache", bank=str(bank))
    monkeypatch.delenv("QUIZGRADER_SALT")                     # the command line: none given
    try:
        for name in ("p03", "p07"):
            one = CliRunner().invoke(main, ["grade", str(bank / "rnn-t.yaml"), "--answer", "A",
                                            "--learner", name, "--format", "json"])
            got = httpx.get(f"{server.url}/api/questions/rnn-t", params={"learner": name})
            assert got.json()["variant"] == json.loads(one.stdout)["variant"]
    finally:
        server.stop()


def test_a_salt_that_disagrees_with_the_lock_is_an_error_naming_both(bank, tmp_path,
                                                                     monkeypatch):
    where = lock_path(bank / "rnn-t.yaml")
    salt = read_lock(where).salt
    out = tmp_path / "grades.csv"
    args = ["grade", str(bank), "--responses", str(_class(tmp_path)), "--out", str(out)]
    r = CliRunner().invoke(main, [*args, "--salt", "course-2026"])
    assert r.exit_code == 1 and not out.exists()
    assert r.stderr.startswith(f"error: --salt gives the salt 'course-2026', but {where} "
                               f"assigns variants with the salt {salt!r}"), r.stderr
    monkeypatch.setenv("QUIZGRADER_SALT", "course-2026")
    for extra in ([], ["--learner", "p01"]):
        r = CliRunner().invoke(main, ["grade", str(bank / "rnn-t.yaml"), "--answer", "A",
                                      *extra])
        assert r.exit_code == 1, r.output
        assert r.stderr.startswith("error: $QUIZGRADER_SALT gives the salt 'course-2026', "
                                   f"but {where} assigns"), r.stderr
    r = CliRunner().invoke(main, ["variants", str(bank / "rnn-t.yaml")])   # not redeployed
    assert r.exit_code == 1 and "$QUIZGRADER_SALT gives the salt 'course-2026'" in r.stderr
    monkeypatch.setenv("QUIZGRADER_SALT", salt)                # the same salt: fine
    assert CliRunner().invoke(main, args).exit_code == 0


def test_the_service_refuses_to_start_with_a_salt_that_disagrees(bank, tmp_path):
    env = {**os.environ, "QUIZGRADER_SALT": "course-2026", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", str(bank), "--db",
                        f"sqlite:///{tmp_path / 'a.db'}", "--port", "0"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "error: $QUIZGRADER_SALT gives the salt 'course-2026', but" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_an_older_lock_without_a_salt_assigns_as_before_until_deployed_again(bank, tmp_path):
    p = bank / "rnn-t.yaml"
    data = yaml.safe_load(lock_path(p).read_text("utf-8"))
    del data["salt"]                                          # as locks were written before
    lock_path(p).write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    numbers = read_lock(lock_path(p)).numbers()
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 0 and "an older lock without a salt" in r.stderr
    grades = tmp_path / "grades.csv"
    r = CliRunner().invoke(main, ["grade", str(bank), "--responses", str(_class(tmp_path)),
                                  "--out", str(grades), "--salt", "course-2026"])
    assert r.exit_code == 0, r.output
    assert _variants(grades) == {n: assigned(n, "rnn-t", numbers, "course-2026")
                                 for n in LEARNERS}
    # deploying again records the salt it was used with, so nobody's variant moves
    assert CliRunner().invoke(main, ["variants", str(p), "--salt", "course-2026"]
                              ).exit_code == 0
    assert read_lock(lock_path(p)).salt == "course-2026"
