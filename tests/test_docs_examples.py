"""The outputs the README and the tutorials show are what the commands print today: each
example is run and compared, so an explanation that changes changes the docs' test too."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from conftest import GRU_FILE, ROOT

from quizgrader.cli import main

TUTORIAL = ROOT / "docs" / "tutorials" / "first-question.md"
GRADING = ROOT / "docs" / "tutorials" / "grade-a-class.md"
README = ROOT / "README.md"


def block(text: str, after: str, lang: str) -> str:
    """The first fenced ``lang`` block after the line holding ``after``."""
    start = text.index(after)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, start)
    assert m is not None, f"no {lang} block after {after!r}"
    return m.group(1)


def tutorial_bank(tmp_path: Path) -> Path:
    bank = tmp_path / "my-bank"
    bank.mkdir()
    yaml_text = block(TUTORIAL.read_text(encoding="utf-8"), "## 1. Write the question", "yaml")
    (bank / "gru-update-gate.yaml").write_text(yaml_text, encoding="utf-8")
    return bank


def test_the_first_question_tutorial_shows_the_explanation_explain_prints(tmp_path):
    bank = tutorial_bank(tmp_path)
    r = CliRunner().invoke(main, ["explain", str(bank / "gru-update-gate.yaml"), "--option",
                                  "B", "--detail", "standard"])
    assert r.exit_code == 0, r.output
    shown = block(TUTORIAL.read_text(encoding="utf-8"), "learner would read it:", "text")
    assert r.stdout.endswith(shown), r.stdout


def test_the_grading_tutorial_shows_the_grades_grade_writes(tmp_path):
    bank = tutorial_bank(tmp_path)
    doc = GRADING.read_text(encoding="utf-8")
    src = tmp_path / "class.csv"
    src.write_text(block(doc, "## 2. The responses file", "text"), encoding="utf-8")
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(main, ["grade", str(bank), "--responses", str(src), "--out",
                                  str(out)])
    assert r.exit_code == 1, r.output

    def rows(text: str) -> list[str]:      # the provenance hashes the code: left out
        return [re.sub(r",[0-9a-f]{8}-[0-9a-f]{8},", ",<provenance>,", line)
                for line in text.splitlines()]

    shown = block(doc, "the rows that failed say why", "text")
    assert rows(out.read_text(encoding="utf-8")) == rows(shown)


def test_the_readme_shows_what_grade_prints():
    readme = README.read_text(encoding="utf-8")
    shown = block(readme, "A learner who answers A", "console")
    command, _, printed = shown.partition("\n")
    assert command == "$ quizgrader grade questions/c5w1-gru-alice-betty.yaml --answer A"
    r = CliRunner().invoke(main, ["grade", str(GRU_FILE), "--answer", "A"])
    assert r.exit_code == 0, r.output
    # '...' stands for lines left out: every other run of lines is printed, in this order
    at = 0
    for part in printed.split("...\n"):
        if part:
            found = r.stdout.find(part, at)
            assert found >= 0 and (at > 0 or found == 0), (part, r.stdout)
            at = found + len(part)
