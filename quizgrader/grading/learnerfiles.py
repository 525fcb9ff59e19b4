"""One Markdown feedback file per learner (``grade --feedback-dir``), all written or none.

File names come from learner ids made safe (letters, digits, ``.``, ``_``, ``-``); an id
that had to be changed, or whose name another learner already took (compared without case,
as some file systems do), gets a short hash of the exact id, so two learners never share a
file. ``index.csv`` lists learner → file. The files are written into a staging folder first
and moved into place only when every one was written: a full disk or a read-only folder
leaves the folder as it was.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..errors import QuizgraderError
from ..text.document import render
from ..text.gradereport import learner_blocks
from .csvcells import safe_cell
from .gradebook import Gradebook

INDEX = "index.csv"


class FeedbackError(QuizgraderError):
    """The feedback folder cannot be written."""


def _safe(learner: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", learner).strip("._")[:80] or "learner"


def filenames(learners: list[str]) -> dict[str, str]:
    """A distinct, stable file name for every learner id (see the module docstring)."""
    out: dict[str, str] = {}
    taken = {INDEX.lower()}
    for learner in sorted(learners):
        stem = _safe(learner)
        name = f"{stem}.md"
        if stem != learner or name.lower() in taken:
            digest = hashlib.sha256(learner.encode("utf-8", "surrogatepass")).hexdigest()
            k = 8
            name = f"{stem}-{digest[:k]}.md"
            while name.lower() in taken:                     # adversarial ids: lengthen it
                k += 4
                name = f"{stem}-{digest[:k]}.md"
        taken.add(name.lower())
        out[learner] = name
    return out


def write_learner_files(folder: str, learners: dict[str, dict[str, str]], book: Gradebook,
                        notes: dict[str, str] | None = None) -> dict[str, str]:
    """learners: learner -> {question -> answer} (the last graded submission of each); the
    feedback comes from ``book`` (full explanations); ``notes``: a paragraph for some
    learners (why their score changed). Returns learner -> file name."""
    out = Path(folder)
    names = filenames(list(learners))
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".quizgrader-", dir=out))
    except OSError as e:
        raise FeedbackError(f"{folder}: cannot write feedback files: {e.strerror or e}") \
            from None
    try:
        for learner, name in names.items():
            answers = [book.entry(qid).answered(answer, book.grade(qid, answer))
                       for qid, answer in learners[learner].items()]
            blocks = learner_blocks(learner, answers, (notes or {}).get(learner))
            (staging / name).write_text(render(blocks, "markdown"), encoding="utf-8",
                                        newline="")
        with open(staging / INDEX, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["learner", "file"])
            w.writerows((safe_cell(learner), name) for learner, name in sorted(names.items()))
    except OSError as e:
        raise FeedbackError(f"{folder}: cannot write feedback files: {e.strerror or e}; "
                            f"none was changed") from None
    try:
        for name in [*names.values(), INDEX]:
            os.replace(staging / name, out / name)
    except OSError as e:
        raise FeedbackError(f"{folder}: cannot move feedback files into place: "
                            f"{e.strerror or e}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names
