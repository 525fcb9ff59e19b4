"""A synthetic class with planted behaviour, answering a verified bank (diagnosis.md, "How it
is judged"): learners who always choose an option an as-claimed failure makes wrong, learners
who always choose an option whose cited gate is irrelevant, experts (the key) and guessers
(uniformly random answers). Each learner answers every plain question and one variant of
each template; the planted ones answer the key where the bank has no option of their kind.
A planted learner holds one misreading: among the misreadings that options of their kind
carry (:mod:`quizgrader.diagnosis.readings`) and that the bank can tell apart at all
(:func:`plants`), one drawn from their own seeded generator. They choose an option carrying it
wherever the question has one (drawn among several), and otherwise answer as the key does
(in a ``select: many`` question they also leave out the right options their reading
denies)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quizgrader.diagnosis import Answer, Bank, tail
from quizgrader.diagnosis.holding import CHANCE
from quizgrader.verify import Decision, OptionVerdict, QuestionVerdict, Status

AS_CLAIMED, IRRELEVANT, EXPERT, GUESSER = "as-claimed", "irrelevant-gate", "expert", "guesser"
KINDS = (AS_CLAIMED, IRRELEVANT, EXPERT, GUESSER)
#: The misreadings each planted behaviour should be found as.
PLANTED = {AS_CLAIMED: {"polarity", "direction"}, IRRELEVANT: {"wrong-gate"}}


def _as_claimed(v: OptionVerdict) -> bool:
    return not v.correct and v.decided_by == Decision.AS_CLAIMED


def _irrelevant(v: OptionVerdict) -> bool:
    return not v.correct and v.decided_by == Decision.REASON_MATTERS and \
        any(not f.relevant for f in v.flips)


RULES = {AS_CLAIMED: _as_claimed, IRRELEVANT: _irrelevant}


@dataclass(frozen=True)
class Learner:
    """A planted learner: their id, behaviour, planted misreading (a reading's key) and
    answers."""

    id: str
    kind: str
    plant: tuple[str, ...] | None
    answers: tuple[Answer, ...]


def _answer(qv: QuestionVerdict, kind: str, rng: np.random.Generator, bank: Bank,
            plant: tuple[str, ...] | None) -> tuple[str, ...]:
    q = qv.question
    ids = [o.id for o in q.options]
    key = tuple(qv.computed_key)
    if kind == GUESSER:
        if q.select == "one":
            return (ids[int(rng.integers(len(ids)))],)
        while True:
            mask = rng.integers(0, 2, len(ids))
            if mask.any():
                return tuple(o for o, m in zip(ids, mask, strict=True) if m)
    if kind == EXPERT:
        return key
    e = bank.questions.get(q.name)
    carried = e.relevant(plant) if e is not None and plant else []
    mine = [v.option.id for v in qv.options if RULES[kind](v)
            and v.option.id in {c.option for c in carried}]
    if q.select == "one":
        return (mine[int(rng.integers(len(mine)))],) if mine else key
    left_out = {c.option for c in carried if c.right}        # judged as their reading has it
    return tuple(o for o in ids if (o in key and o not in left_out) or o in mine)


def plants(verdicts: list[QuestionVerdict], bank: Bank, kind: str) -> list[tuple[str, ...]]:
    """The misreadings options of ``kind`` carry that the bank can tell apart: a learner who
    shows one wherever an option of ``kind`` carries it (one variant per template, the most
    telling) would hold it by the chance rule, over every question that tests it."""
    shown: dict[tuple[str, ...], set[str]] = {}
    for qv in verdicts:
        e = bank.questions.get(qv.question.name)
        for c in e.carriers if e is not None else ():
            v = qv.verdict(c.option)
            if v is not None and RULES[kind](v):
                shown.setdefault(c.reading.key, set()).add(qv.question.id)
    out = []
    for k, ids in sorted(shown.items()):
        best: dict[str, float] = {}
        for e in bank.questions.values():
            if e.tests(k):
                qid = e.question.id
                best[qid] = min(best.get(qid, 1.0), e.share(k))
        if len(ids) >= 2 and tail(list(best.values()), len(ids)) < CHANCE:
            out.append(k)
    return out


def planted_class(verdicts: list[QuestionVerdict], bank: Bank, per_kind: int, seed: int = 0
                  ) -> list[Learner]:
    """``per_kind`` learners of each behaviour of :data:`KINDS`, answering ``verdicts``
    (whose misreadings ``bank`` holds)."""
    ok = [qv for qv in verdicts if qv.status == Status.OK]
    families: dict[str, list[QuestionVerdict]] = {}
    for qv in ok:
        families.setdefault(qv.question.id, []).append(qv)
    keys = {kind: plants(ok, bank, kind) for kind in RULES}
    out = []
    for k, kind in enumerate(KINDS):
        for i in range(per_kind):
            rng = np.random.default_rng([seed, k, i])
            options = keys.get(kind, [])
            plant = options[int(rng.integers(len(options)))] if options else None
            answers = []
            for qid in sorted(families):
                fam = families[qid]
                qv = fam[int(rng.integers(len(fam)))]
                answers.append(Answer(qv.question.name, _answer(qv, kind, rng, bank, plant)))
            out.append(Learner(f"{kind}-{i:02d}", kind, plant, tuple(answers)))
    return out
