"""Reading the answers to diagnose: a grades CSV (what ``quizgrader grade`` writes).

Only rows whose status is ``graded`` count, and each learner's last one per question (of a
template, the last variant answered). A row the bank cannot place (a question it does not
have, a variant not deployed, an option the question does not have) is a problem named by
file and line, and left out; a file that is not a grades CSV is an error.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..errors import QuizgraderError
from ..grading.scoring import parse_answer
from ..question.schema import Question, variant_name, variant_number
from .holding import Answer

NEEDED = ("learner", "question", "answer", "status")


class DiagnosisError(QuizgraderError):
    """Answers that cannot be diagnosed (a file that is not a grades CSV, say)."""


@dataclass
class Answers:
    """learner -> question id -> the last graded answer, and the rows left out, why."""

    learners: dict[str, dict[str, Answer]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def of(self, learner: str) -> list[Answer]:
        """A learner's answers, in the order of the questions' ids."""
        return [a for _, a in sorted(self.learners.get(learner, {}).items())]

    def all(self) -> dict[str, list[Answer]]:
        """Every learner's answers."""
        return {learner: self.of(learner) for learner in self.learners}


def read_answers(path: str | Path, questions: Mapping[str, Question]) -> Answers:
    """The graded answers of the grades CSV ``path`` to ``questions`` (every question of the
    bank by name: ``id``, or ``id#n`` for a variant)."""
    ids: dict[str, list[str]] = {}
    for n, q in questions.items():
        ids.setdefault(q.id, []).append(n)
    out = Answers()
    try:
        f = open(path, encoding="utf-8-sig", errors="strict", newline="")
    except OSError as e:
        raise DiagnosisError(f"{path}: cannot read: {e.strerror or e}") from None
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
            if header is None:
                raise DiagnosisError(f"{path}: empty file: expected a grades CSV (write one "
                                     f"with quizgrader grade --responses ... --out FILE)")
            cols = {c.strip().lower(): i for i, c in enumerate(header)}
            missing = [c for c in NEEDED if c not in cols]
            if missing:
                raise DiagnosisError(f"{path}:1: not a grades CSV: no column "
                                     f"{', '.join(missing)} (write one with quizgrader grade "
                                     f"--responses ... --out FILE)")
            for row in reader:
                _row(row, cols, f"{path}:{reader.line_num}", questions, ids, out)
        except csv.Error as e:
            raise DiagnosisError(f"{path}:{reader.line_num}: not valid CSV: {e}") from None
        except UnicodeDecodeError:
            raise DiagnosisError(f"{path}:{reader.line_num + 1}: not UTF-8 text") from None
    return out


def _row(row: list[str], cols: dict[str, int], where: str, questions: Mapping[str, Question],
         ids: Mapping[str, list[str]], out: Answers) -> None:
    """Record one row of a grades CSV (or its problem)."""
    if not row or not any(c.strip() for c in row):
        return
    if len(row) <= max(cols[c] for c in NEEDED):
        out.problems.append(f"{where}: {len(row)} fields, the header has {len(cols)}")
        return
    cell = {c: row[i].strip() for c, i in cols.items() if i < len(row)}
    if cell["status"] != "graded":
        return                                     # an error row of the grading: no answer
    qid, learner = cell["question"], row[cols["learner"]]
    names = ids.get(qid)
    if names is None:
        shown = qid if len(qid) <= 40 else qid[:37] + "..."
        out.problems.append(f"{where}: question {shown!r} is not in the bank")
        return
    variant = cell.get("variant", "")
    if variant:
        number = variant_number(variant)
        name = variant_name(qid, number) if number is not None else ""
        if name not in questions:
            out.problems.append(f"{where}: question {qid} has no deployed variant "
                                f"{variant[:20]!r}")
            return
    elif len(names) == 1 and questions[names[0]].variant is None:
        name = names[0]
    else:
        out.problems.append(f"{where}: question {qid} is a template, but the row names no "
                            f"variant (grade the answers again with this bank)")
        return
    q = questions[name]
    chosen, problem = parse_answer(cell["answer"], [o.id for o in q.options], q.select, qid)
    if problem:
        out.problems.append(f"{where}: {problem}")
        return
    out.learners.setdefault(learner, {})[qid] = Answer(name, chosen)
