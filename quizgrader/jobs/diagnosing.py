"""Diagnosing a class: verify the bank once, read the graded answers, and find what each
learner misreads (diagnosis.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from ..diagnosis import (
    Answer,
    Bank,
    Diagnosis,
    DiagnosisError,
    diagnose as _diagnose,
    question_evidence,
    read_answers,
)
from ..grading.scoring import parse_answer
from ..sim import Simulator
from ..sim.parallel import single_blas
from ..verify import QuestionVerdict
from .verifying import simulator, verify

PathLike = str | Path


def evidence_bank(verdicts: Iterable[QuestionVerdict], sim: Simulator | None = None) -> Bank:
    """The misreadings every gradable question's options carry (``sim`` simulates the
    flips of ``if`` claims; default: a simulator with the disk cache)."""
    sim = sim or simulator()
    with single_blas():
        found = [question_evidence(qv, sim) for qv in verdicts]
    return Bank([e for e in found if e is not None])


def patterns(bank: Bank, answers: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """learner -> their 'a pattern in your answers' paragraph, for the learners who hold a
    misreading; ``answers``: learner -> question name -> the answer as graded ('A;C')."""
    found: dict[str, list[Answer]] = {}
    for learner, mine in answers.items():
        found[learner] = []
        for name, answer in sorted(mine.items()):
            e = bank.questions.get(name)
            if e is None:
                continue
            q = e.question
            chosen, problem = parse_answer(answer, [o.id for o in q.options], q.select, q.id)
            if problem is None:
                found[learner].append(Answer(name, chosen))
    d = _diagnose(bank, found)
    out = {}
    for ld in d.learners:
        text = d.paragraph(ld.learner)
        if text is not None:
            out[ld.learner] = text
    return out


def diagnose(grades: PathLike, *, bank: Iterable[PathLike], cache: bool = True,
             allow_large: bool = False, learner: str | None = None
             ) -> tuple[Diagnosis, list[str]]:
    """What each learner of the grades CSV ``grades`` misreads, over the verified ``bank``
    (or only ``learner``); with the rows left out (file:line: why) and the bank's problems."""
    report = verify(bank, cache=cache, allow_large=allow_large)
    questions = {qv.question.name: qv.question for qv in report.verdicts}
    answers = read_answers(grades, questions)
    learners = answers.all()
    if learner is not None:
        if learner not in learners:
            raise DiagnosisError(f"{grades}: no graded answer of learner {learner[:80]!r}",
                                 "learner")
        learners = {learner: learners[learner]}
    evidence = evidence_bank(report.verdicts, simulator(cache=cache))
    return _diagnose(evidence, learners), report.problems + answers.problems
