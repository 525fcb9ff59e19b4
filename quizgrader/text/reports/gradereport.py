"""Words of grading: the feedback of an answer, the report of one graded answer, the summary
of a class and each learner's feedback file."""
from __future__ import annotations

import json
from typing import Mapping, Sequence

from ...graded import GradedAnswer
from ...question.schema import Question
from ..explain import Detail, Explanation
from ..notes import cells, compact_guide, guides, notation, reading_guide
from ..numbers import score as fmt_score
from ..render.document import Block, Heading, Para, Section, Strong, render, strong


def answer_feedback(explanations: Mapping[str, Explanation], chosen: Sequence[str],
                    missed: Sequence[str], detail: Detail,
                    texts: Mapping[str, str] | None = None) -> str:
    """Each chosen option's explanation at ``detail``, then each right option the answer
    missed, quoted whole (``texts``: option id -> text) and explained at the same detail:
    why it is right, not only that it is."""
    def right(o: str) -> str:
        text = texts.get(o, "") if texts else ""
        quoted = f" “{text}”" if text else ""
        stop = "" if text.rstrip().endswith((".", "!", "?")) else "."
        return f"The right answer includes {o}{quoted}{stop}"

    if detail == "short":
        parts = [explanations[o].line(o) for o in chosen]
        parts += [f"{right(o)} {explanations[o].short}".rstrip() for o in missed]
        return " ".join(parts)
    parts = [explanations[o].text(detail, o) for o in chosen]
    parts += [f"{right(o)}\n\n{explanations[o].text(detail, o)}" for o in missed]
    return "\n\n".join(parts)


#: Headings of the options of a graded answer: chosen, and right but not chosen.
CHOSEN, MISSED = "Your answer", "A right answer you did not choose"
#: The heading of a learner's diagnosis (quizgrader.diagnosis), in files and on the page.
PATTERN = "A pattern in your answers"


def verdict_word(score: float, max_score: float) -> str:
    """'correct', 'partly correct' or 'wrong'."""
    return "correct" if score == max_score else "partly correct" if score > 0 else "wrong"


def question_words(q: Question) -> str:
    """A question's id as a report names it: ``c5w1-gru-template (variant 3)`` for a
    variant."""
    return q.id if q.variant is None else f"{q.id} (variant {q.variant})"


def headline(a: GradedAnswer) -> str:
    """'q: answer C: score 1 / 1 (correct)'."""
    return (f"{question_words(a.question)}: answer {';'.join(a.chosen)}: score "
            f"{fmt_score(a.score)} / "
            f"{a.max_score:g} ({verdict_word(a.score or 0.0, a.max_score)})")


def _option(a: GradedAnswer, oid: str, level: int, detail: Detail | None,
            quoted: bool = False) -> Section:
    """An option with its explanation at ``detail`` (None: the verdict alone, under a quote
    of its text: a missed right option, which the bottom line explains)."""
    e = a.explanations[oid]
    text = a.question.get(oid).text                # quoted whole, never cut
    if quoted:
        text = f"“{text}”"
    if detail is None:
        return Section((Heading(level, f"{oid}. {text}"), Para(e.verdict(oid))),
                       cls="option")
    if detail == "short":
        return Section((Heading(level, f"{oid}. {text}"), Para(e.line(oid))), cls="option")
    body = list(e.body(detail))     # whole, even where the bottom line says it too (v4)
    # a learner file's one answer to a select-one question: its score already says the verdict
    verdict = () if quoted and a.question.select == "one" else (strong(e.verdict(oid)),)
    return Section((Heading(level, f"{oid}. {text}"), *verdict, *(Para(p) for p in body)),
                   cls="option")


def answer_blocks(a: GradedAnswer, level: int = 2, stem: bool = True, compact: bool = False,
                  guide: bool = True) -> list[Block]:
    """The bottom line, the options chosen with their explanations, and the right options
    the answer missed (shorter: the bottom line says why they are right). ``compact`` (learner
    files): the score in the heading and the options' texts quoted."""
    blocks: list[Block] = [Para(a.question.stem.strip(), cls="stem")] if stem else []
    if a.bottom_line:
        blocks.append(Para((Strong("Bottom line:"), " " + a.bottom_line), cls="bottom-line"))
    if guide:                       # what the gain is, before the first option
        blocks.append(Para(reading_guide(a.question) if a.detail != "short" else
                           compact_guide(a.question), cls="guide"))
    if wrong_gate(a) or guide:          # one answer: which gate value keeps, per cell type
        blocks += [Para(n, cls="guide")
                   for n in notation(m.cell for m in a.question.models.values())]
    mine = "Your answer" if len(a.chosen) == 1 else "Your answers"
    if compact:                                   # a learner file: the score goes here
        mine += f": {a.answer} (score {fmt_score(a.score)} / {fmt_score(a.max_score)})"
    blocks.append(Heading(level, mine))
    blocks += [_option(a, o, level + 1, a.detail, compact) for o in a.chosen]
    if a.missed:
        head = "The right answer" if len(a.missed) == 1 else "The right answers"
        blocks.append(Heading(level, head))          # why it is right, at the same detail
        blocks += [_option(a, o, level + 1, a.detail, compact) for o in a.missed]
    return blocks


def wrong_gate(a: GradedAnswer) -> bool:
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


def answer_report(a: GradedAnswer, fmt: str) -> str:
    """The report of one graded answer (``grade --answer``) as text, markdown or json."""
    q = a.question
    if fmt == "json":
        feedback = answer_feedback(a.explanations, a.chosen, a.missed, a.detail,
                                   {o.id: o.text for o in q.options}) \
            if a.score is not None else ""
        return json.dumps({"question": q.id, "variant": q.variant, "answer": list(a.chosen),
                           "score": a.score,
                           "max_score": a.max_score, "status": a.status,
                           "missed": list(a.missed), "bottom_line": a.bottom_line,
                           "detail": a.detail, "feedback": feedback},
                          indent=2, ensure_ascii=False) + "\n"
    if a.score is None:
        return f"{question_words(q)}: {a.status}\n"
    notes = notes_blocks([n for n in a.notes if n != reading_guide(q)]) \
        if a.detail == "full" else []
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


def learner_blocks(learner: str, answers: Sequence[GradedAnswer], note: str | None = None,
                   pattern: str | None = None) -> list[Block]:
    """A learner's feedback file: the total (and ``note``: why it changed, after a regrade),
    ``pattern`` (a misreading their answers show, :mod:`quizgrader.diagnosis`), then per
    question its title and stem, the answer and score, the chosen options and the right
    ones missed, with explanations."""
    total = sum(a.score or 0.0 for a in answers)
    blocks: list[Block] = [Heading(1, f"Feedback for {learner}"),
                           Para(f"Total: {fmt_score(total)} / "
                                f"{fmt_score(float(len(answers)))}")]
    if note:
        blocks.append(Para(note))
    if pattern:
        blocks += [Heading(2, PATTERN), Para(pattern)]
    graded = [a.question for a in answers if a.score is not None]
    if graded:    # the reading guide once, before the first option; notation with its answer
        notes = set(notation(c for q in graded for c in cells(q)))
        blocks += [Heading(2, "How to read these explanations"),
                   *notes_blocks([n for n in guides(graded) if n not in notes])]
    for a in sorted(answers, key=lambda a: a.question.id):
        blocks.append(Heading(2, a.question.title))
        blocks += answer_blocks(a, 3, stem=False, compact=True, guide=False) \
            if a.score is not None else \
            [Para(f"Your answer: {a.answer}"), Para(a.status)]
    return blocks
