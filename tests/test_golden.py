"""Golden files: the explanations of every bank question at every level (short, standard,
full) as text, the full one also as Markdown, and each question's bottom line.

A wording change shows up here as a diff to review. After reviewing it, rewrite the files with

    QUIZGRADER_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
from __future__ import annotations

import os

import pytest
from bankfiles import PLAIN
from cellcases import KERNELS, kernel
from conftest import TESTS

from quizgrader.question import load_question
from quizgrader.sim import Simulator
from quizgrader.text.reports.explaindoc import explain_doc
from quizgrader.verify import verify_question

GOLDEN = TESTS / "golden"
BANK = PLAIN
#: (format, detail) -> the golden file's suffix
SUFFIX = {("text", "short"): "short.txt", ("text", "standard"): "standard.txt",
          ("text", "full"): "txt", ("markdown", "full"): "md"}


@pytest.fixture(scope="module")
def sims():
    """One simulator per backend: the numpy reference and the compiled kernels must both
    give these texts (their numbers differ only in digits no text shows)."""
    return {name: Simulator() for name in KERNELS}


@pytest.mark.parametrize("kern", KERNELS)
@pytest.mark.parametrize("fmt", sorted(SUFFIX), ids=["-".join(k) for k in sorted(SUFFIX)])
@pytest.mark.parametrize("path", BANK, ids=[p.stem for p in BANK])
def test_explanations_match_the_golden_files(sims, path, fmt, kern):
    with kernel(kern):
        qv = verify_question(load_question(path), sim=sims[kern])
    got = explain_doc(qv, list(qv.options), fmt[0], fmt[1])
    golden = GOLDEN / f"{path.stem}.{SUFFIX[fmt]}"
    if os.environ.get("QUIZGRADER_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert "γ" not in got, "a gate symbol Γ was lower-cased"
    assert golden.exists(), f"no golden file {golden.name}: run with QUIZGRADER_UPDATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_bank_question():
    stems = {p.stem for p in BANK}
    assert {p.name.split(".")[0] for p in GOLDEN.iterdir()} <= stems
