"""Words of grading: the feedback of an answer, the report of one graded answer, the summary
of a class and each learner's feedback file."""
from __future__ import annotations

import json
from typing import Mapping, Sequence

from ..question.schema import Question
from .document import Block, Heading, Para, render, strong
from .explain import Explanation
from .numbers import score as fmt_score


def answer_feedback(explanations: Mapping[str, Explanation], chosen: Sequence[str],
                    missed: Sequence[str], full: bool) -> str:
    """Each chosen option's explanation (whole, or its one-line short form), then the right
    options the answer missed."""
    if full:
        parts = [explanations[o].long for o in chosen]
        parts += [f"The right answer includes {o}:\n\n{explanations[o].long}" for o in missed]
        return "\n\n".join(parts)
    parts = [explanations[o].short for o in chosen]
    if missed:
        parts.append(f"The right answer includes {', '.join(missed)}.")
    return " ".join(parts)


def verdict_word(score: float, max_score: float) -> str:
    return "correct" if score == max_score else "partly correct" if score > 0 else "wrong"


def answer_report(q: Question, chosen: Sequence[str], score: float | None, max_score: float,
                  status: str, feedback: str, fmt: str) -> str:
    """The report of one graded answer (``grade --answer``) as text, markdown or json."""
    if fmt == "json":
        return json.dumps({"question": q.id, "answer": list(chosen), "score": score,
                           "max_score": max_score, "status": status, "feedback": feedback},
                          indent=2, ensure_ascii=False) + "\n"
    if score is None:
        return f"{q.id}: {status}\n"
    head = (f"{q.id}: answer {';'.join(chosen)}: score {fmt_score(score)} / "
            f"{max_score:g} ({verdict_word(score, max_score)})")
    if fmt == "markdown":
        return render([Heading(1, q.title), strong(head), Para(feedback)], "markdown")
    return f"{head}\n\n{feedback}\n"


def class_summary(rows: int, graded: int, errors: int, headerless: bool,
                  means: Mapping[str, tuple[float, int]]) -> list[str]:
    """The lines ``grade --responses`` prints: rows, errors and each question's mean."""
    out = [f"{rows} rows: {graded} graded, {errors} errors"]
    if headerless:
        out.insert(0, "note: no header row; columns read as learner,question,answer")
    for qid in sorted(means):
        total, count = means[qid]
        out.append(f"  {qid}: mean score {total / count:.3f} over {count} answers")
    return out


def learner_blocks(learner: str, answers: Mapping[str, tuple[str, float | None, float, str]]
                   ) -> list[Block]:
    """A learner's feedback file: the total, then per question the answer, score and
    feedback. ``answers``: question id -> (answer, score, max_score, feedback)."""
    total = sum(s or 0.0 for _, s, _, _ in answers.values())
    blocks: list[Block] = [Heading(1, f"Feedback for {learner}"),
                           Para(f"Total: {fmt_score(total)} / "
                                f"{fmt_score(float(len(answers)))}")]
    for qid in sorted(answers):
        answer, s, max_score, feedback = answers[qid]
        blocks += [Heading(2, qid), Para(f"Your answer: {answer} (score {fmt_score(s)} / "
                                         f"{fmt_score(max_score)})"), Para(feedback)]
    return blocks
