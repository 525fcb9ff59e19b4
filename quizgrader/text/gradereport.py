"""Words of grading: the feedback of an answer, the report of one graded answer, the summary
of a class and each learner's feedback file."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..question.schema import Question
from .document import Block, Heading, Para, Section, render, strong
from .explain import Explanation
from .numbers import score as fmt_score


@dataclass(frozen=True)
class Answered:
    """One graded answer with what its report shows: the question, the chosen options, the
    right options the answer missed, and every option's explanation."""

    question: Question
    answer: str
    chosen: tuple[str, ...]
    missed: tuple[str, ...]
    score: float | None
    max_score: float
    status: str
    explanations: Mapping[str, Explanation]


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


#: Headings of the options of a graded answer: chosen, and right but not chosen.
CHOSEN, MISSED = "Your answer", "A right answer you did not choose"


def verdict_word(score: float, max_score: float) -> str:
    return "correct" if score == max_score else "partly correct" if score > 0 else "wrong"


def headline(a: Answered) -> str:
    """'q: answer C: score 1 / 1 (correct)'."""
    return (f"{a.question.id}: answer {';'.join(a.chosen)}: score {fmt_score(a.score)} / "
            f"{a.max_score:g} ({verdict_word(a.score, a.max_score)})")


def _option(a: Answered, oid: str, level: int) -> Section:
    e = a.explanations[oid]
    text = a.question.option(oid).text
    return Section((Heading(level, f"{oid}. {text}"), strong(e.verdict),
                    *(Para(p) for p in e.body)), cls="option")


def answer_blocks(a: Answered, level: int = 2) -> list[Block]:
    """The question, the options chosen with their explanations, and the right options the
    answer missed with why they are right."""
    blocks: list[Block] = [Para(a.question.stem.strip(), cls="stem"),
                           Heading(level, "Your answer" if len(a.chosen) == 1 else
                                   "Your answers")]
    blocks += [_option(a, o, level + 1) for o in a.chosen]
    if a.missed:
        blocks.append(Heading(level, "Why the right answer you did not choose is right"
                                     if len(a.missed) == 1 else
                                     "Why the right answers you did not choose are right"))
        blocks += [_option(a, o, level + 1) for o in a.missed]
    return blocks


def answer_report(a: Answered, fmt: str) -> str:
    """The report of one graded answer (``grade --answer``) as text, markdown or json."""
    q = a.question
    if fmt == "json":
        feedback = answer_feedback(a.explanations, a.chosen, a.missed, True) if a.score \
            is not None else ""
        return json.dumps({"question": q.id, "answer": list(a.chosen), "score": a.score,
                           "max_score": a.max_score, "status": a.status,
                           "missed": list(a.missed), "feedback": feedback},
                          indent=2, ensure_ascii=False) + "\n"
    if a.score is None:
        return f"{q.id}: {a.status}\n"
    if fmt == "markdown":
        return render([Heading(1, q.title), strong(headline(a)), *answer_blocks(a)], "markdown")
    return render([Heading(1, headline(a)), Heading(2, q.title), *answer_blocks(a, 3)], "text")


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


def learner_blocks(learner: str, answers: Sequence[Answered], note: str | None = None
                   ) -> list[Block]:
    """A learner's feedback file: the total (and ``note``: why it changed, after a regrade),
    then per question its title and stem, the answer and score, the chosen options and the
    right ones missed, with explanations."""
    total = sum(a.score or 0.0 for a in answers)
    blocks: list[Block] = [Heading(1, f"Feedback for {learner}"),
                           Para(f"Total: {fmt_score(total)} / "
                                f"{fmt_score(float(len(answers)))}")]
    if note:
        blocks.append(Para(note))
    for a in sorted(answers, key=lambda a: a.question.id):
        blocks += [Heading(2, f"{a.question.title} ({a.question.id})"),
                   Para(f"Your answer: {a.answer} (score {fmt_score(a.score)} / "
                        f"{fmt_score(a.max_score)})")]
        blocks += answer_blocks(a, 3) if a.score is not None else [Para(a.status)]
    return blocks
