"""One Markdown feedback file per learner (``grade --feedback-dir``)."""
from __future__ import annotations

import re
from pathlib import Path

from .grade import Gradebook
from .gradecsv import atomic_writer, fmt_score
from .render import md


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
        answers = {qid: (a, book.grade(qid, a)) for qid, a in learners[learner].items()}
        total = sum(g.score or 0.0 for _, g in answers.values())
        lines = [f"# Feedback for {md(learner)}", "",
                 f"Total: {fmt_score(total)} / {fmt_score(float(len(answers)))}", ""]
        for qid in sorted(answers):
            answer, g = answers[qid]
            lines += [f"## {md(qid)}", "", f"Your answer: {md(answer)} (score "
                      f"{fmt_score(g.score)} / {fmt_score(g.max_score)})", "",
                      md(g.feedback), ""]
        with atomic_writer(out / name) as f:
            f.write("\n".join(lines))
