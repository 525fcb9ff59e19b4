"""One Markdown feedback file per learner (``grade --feedback-dir``)."""
from __future__ import annotations

import re
from pathlib import Path

from ..atomic import atomic_writer
from ..text.document import render
from ..text.gradereport import learner_blocks
from .gradebook import Gradebook


def filename(learner: str) -> str:
    """A safe, stable file name for a learner id."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", learner).strip("._") or "learner"
    return stem[:100] + ".md"


def write_learner_files(folder: str, learners: dict[str, dict[str, str]], book: Gradebook
                        ) -> None:
    """learners: learner -> {question -> answer} (the last graded submission of each); the
    feedback comes from ``book`` (full explanations)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    used: dict[str, str] = {}
    for learner in sorted(learners):
        name = filename(learner)
        if name in used and used[name] != learner:
            name = name[:-3] + f"-{len(used)}.md"
        used[name] = learner
        answers = [book.entry(qid).answered(answer, book.grade(qid, answer))
                   for qid, answer in learners[learner].items()]
        with atomic_writer(out / name) as f:
            f.write(render(learner_blocks(learner, answers), "markdown"))
