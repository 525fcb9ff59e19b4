"""Words of grading: the feedback of an answer, the report of one graded answer, the summary
of a class and each learner's feedback file."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..question.schema import Question
from .document import Block, Heading, Para, Section, Strong, render, strong
from .explain import Detail, Explanation
from .lms import quote
from .notes import cells, compact_guide, guides, notation
from .numbers import score as fmt_score


@dataclass(frozen=True)
class Answered:
    """One graded answer with what its report shows: the question, the chosen options, the
    right options the answer missed, every option's explanation, the question's bottom line
    and its notes (reading guide, notation), and the detail to show them at."""

    question: Question
    answer: str
    chosen: tuple[str, ...]
    missed: tuple[str, ...]
    score: float | None
    max_score: float
    status: str
    explanations: Mapping[str, Explanation]
    bottom_line: str = ""
    notes: tuple[str, ...] = ()
    detail: Detail = "standard"


def answer_feedback(explanations: Mapping[str, Explanation], chosen: Sequence[str],
                    missed: Sequence[str], detail: Detail) -> str:
    """Each chosen option's explanation at ``detail``, then the right options the answer
    missed (at ``short``: one line each, and the missed options named)."""
    if detail == "short":
        parts = [explanations[o].line(o) for o in chosen]
        if missed:
            parts.append(f"The right answer includes {', '.join(missed)}.")
        return " ".join(parts)
    parts = [explanations[o].text(detail, o) for o in chosen]
    parts += [f"The right answer includes {o}:\n\n{explanations[o].text(_missed(detail), o)}"
              for o in missed]
    return "\n\n".join(parts)


def _missed(detail: Detail) -> Detail:
    """A right option the learner missed is shown shorter than the chosen ones: the bottom
    line already says why it is right."""
    return "full" if detail == "full" else "short"


#: Headings of the options of a graded answer: chosen, and right but not chosen.
CHOSEN, MISSED = "Your answer", "A right answer you did not choose"


def verdict_word(score: float, max_score: float) -> str:
    """'correct', 'partly correct' or 'wrong'."""
    return "correct" if score == max_score else "partly correct" if score > 0 else "wrong"


def question_words(q: Question) -> str:
    """A question's id as a report names it: ``c5w1-gru-template (variant 3)`` for a
    variant."""
    return q.id if q.variant is None else f"{q.id} (variant {q.variant})"


def headline(a: Answered) -> str:
    """'q: answer C: score 1 / 1 (correct)'."""
    return (f"{question_words(a.question)}: answer {';'.join(a.chosen)}: score "
            f"{fmt_score(a.score)} / "
            f"{a.max_score:g} ({verdict_word(a.score or 0.0, a.max_score)})")


def _option(a: Answered, oid: str, level: int, detail: Detail | None,
            quoted: bool = False) -> Section:
    """An option with its explanation at ``detail`` (None: the verdict alone, under a quote
    of its text: a missed right option, which the bottom line explains)."""
    e = a.explanations[oid]
    text = a.question.get(oid).text
    if quoted or detail is None:
        text = quote(text)
    if detail is None:
        return Section((Heading(level, f"{oid}. {text}"), Para(e.verdict(oid))),
                       cls="option")
    if detail == "short":
        return Section((Heading(level, f"{oid}. {text}"), Para(e.line(oid))), cls="option")
    said = a.bottom_line.lower()                   # said once, in the bottom line
    body = [p for p in e.body(detail) if p.lower() not in said]
    # a learner file's one answer to a select-one question: its score already says the verdict
    verdict = () if quoted and a.question.select == "one" else (strong(e.verdict(oid)),)
    return Section((Heading(level, f"{oid}. {text}"), *verdict, *(Para(p) for p in body)),
                   cls="option")


def answer_blocks(a: Answered, level: int = 2, stem: bool = True, compact: bool = False
                  ) -> list[Block]:
    """The bottom line, the options chosen with their explanations, and the right options
    the answer missed (shorter: the bottom line says why they are right). ``compact`` (learner
    files): the score in the heading and the options' texts quoted."""
    blocks: list[Block] = [Para(a.question.stem.strip(), cls="stem")] if stem else []
    if a.bottom_line:
        blocks.append(Para((Strong("Bottom line:"), " " + a.bottom_line), cls="bottom-line"))
    if wrong_gate(a):
        blocks += [Para(n, cls="guide")
                   for n in notation(m.cell for m in a.question.models.values())]
    mine = "Your answer" if len(a.chosen) == 1 else "Your answers"
    if compact:                                   # a learner file: the score goes here
        mine += f": {a.answer} (score {fmt_score(a.score)} / {fmt_score(a.max_score)})"
    blocks.append(Heading(level, mine))
    blocks += [_option(a, o, level + 1, a.detail, compact) for o in a.chosen]
    if a.missed:
        head = "The right answer" if len(a.missed) == 1 else "The right answers"
        shown: Detail | None = "full" if a.detail == "full" else \
            None if a.bottom_line else "short"
        if shown is None and compact:               # one line: the bottom line says why
            blocks.append(Para(f"{head}: " + "; ".join(
                f"{o} {quote(a.question.get(o).text)}" for o in a.missed) + "."))
        else:
            blocks.append(Heading(level, head))
            blocks += [_option(a, o, level + 1, shown) for o in a.missed]
    return blocks


def wrong_gate(a: Answered) -> bool:
    """The answer chose a wrong option that cites the same gates of the same model as a right
    one, at other values: the notation mix-up the notation note is for."""
    q = a.question

    def sig(oid: str) -> tuple[str, tuple[str, ...]] | None:
        c = q.get(oid).claim
        return None if c is None or not c.gates else (c.model, tuple(sorted(c.gates)))

    right = {sig(o.id) for o in q.options if a.explanations[o.id].correct} - {None}
    return any(not a.explanations[o].correct and sig(o) in right for o in a.chosen)


def notes_blocks(notes: Sequence[str]) -> list[Block]:
    """The reading guide and notation notes, once, as small print."""
    return [Para(n, cls="guide") for n in dict.fromkeys(notes)]


def answer_report(a: Answered, fmt: str) -> str:
    """The report of one graded answer (``grade --answer``) as text, markdown or json."""
    q = a.question
    if fmt == "json":
        feedback = answer_feedback(a.explanations, a.chosen, a.missed, a.detail) \
            if a.score is not None else ""
        return json.dumps({"question": q.id, "variant": q.variant, "answer": list(a.chosen),
                           "score": a.score,
                           "max_score": a.max_score, "status": a.status,
                           "missed": list(a.missed), "bottom_line": a.bottom_line,
                           "detail": a.detail, "feedback": feedback},
                          indent=2, ensure_ascii=False) + "\n"
    if a.score is None:
        return f"{question_words(q)}: {a.status}\n"
    notes = notes_blocks(a.notes) if a.detail == "full" else \
        [] if a.detail == "short" else [Para(compact_guide(q), cls="guide")]
    if fmt == "markdown":
        return render([Heading(1, q.title), strong(headline(a)),
                       *answer_blocks(a, stem=False), *notes], "markdown")
    return render([Heading(1, headline(a)), *answer_blocks(a, 3, False), *notes], "text")


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
        blocks.append(Heading(2, a.question.title))
        blocks += answer_blocks(a, 3, stem=False, compact=True) if a.score is not None else \
            [Para(f"Your answer: {a.answer}"), Para(a.status)]
    graded = [a.question for a in answers if a.score is not None]
    if graded:        # the reading guide once; a notation note went with the answer it helps
        notes = set(notation(c for q in graded for c in cells(q)))
        blocks += [Heading(2, "How to read these explanations"),
                   *notes_blocks([n for n in guides(graded) if n not in notes])]
    return blocks
