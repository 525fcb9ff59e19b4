"""Which misreadings a learner holds: evidence for and against, and the chance rule.

A learner holds a misreading M (a :attr:`~.readings.Reading.key`) when

1. the answers of at least two different questions are evidence for M;
2. more answers are evidence for M than against it;
3. a learner answering the same questions uniformly at random would show evidence for M in
   as many of them with probability below :data:`CHANCE` (5 %): the upper tail of the
   Poisson-binomial distribution of the number of questions showing it, each question q
   with its own chance share p_q (:meth:`~.evidence.QuestionEvidence.share`):
   P(X ≥ k) for X = Σ Bernoulli(p_q). A misreading most options of a question share needs
   correspondingly more questions.

Each held misreading names one question of the bank that would tell it apart and that the
learner has not answered: a plain question first, then a variant of a template; among those,
the one where a random answer shows it least often (its options tell it apart best), then
the bank's order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .evidence import Carrier, QuestionEvidence
from .readings import Reading, common

#: The chance rule's level: a random answerer shows as much evidence less often than this.
CHANCE = 0.05
#: Evidence from at least this many questions.
AT_LEAST = 2
#: Distinct (question, answer) judgements remembered.
MEMO = 100_000


@dataclass(frozen=True)
class Answer:
    """A learner's last graded answer to one question (its name: ``id`` or ``id#n``)."""

    question: str
    chosen: tuple[str, ...]


@dataclass(frozen=True)
class Mark:
    """One answer for or against a misreading: the question's name and the option that
    shows it (chosen wrong, or a right one left out: ``left_out``; against: the option
    judged rightly)."""

    question: str
    option: str
    left_out: bool = False


@dataclass(frozen=True)
class Held:
    """A misreading a learner holds: as their answers for it show it (``reading``: the
    first one's, a gate value they disagree on as NaN),
    the answers for and against, the chance tail, and the question that would tell it
    apart (its id and variant), if the bank has one the learner has not answered."""

    reading: Reading
    support: tuple[Mark, ...]
    against: tuple[Mark, ...]
    chance: float
    next: tuple[str, int | None] | None


def tail(shares: Sequence[float], k: int) -> float:
    """P(X ≥ k) for X the number of successes of independent trials with ``shares``
    (Poisson-binomial), by the exact recursion over the trials."""
    dist = [1.0]                                   # dist[j] = P(j successes so far)
    for p in shares:
        nxt = [0.0] * (len(dist) + 1)
        for j, d in enumerate(dist):
            nxt[j] += d * (1.0 - p)
            nxt[j + 1] += d * p
        dist = nxt
    return min(1.0, sum(dist[k:]))


class Bank:
    """The evidence of every gradable question of a bank, by name, in the bank's order."""

    def __init__(self, questions: Sequence[QuestionEvidence]):
        self.questions = {e.name: e for e in questions}
        self._memo: dict[tuple[str, tuple[str, ...]],
                         dict[tuple[str, ...], tuple[bool, Carrier]]] = {}

    def _judged(self, e: QuestionEvidence, chosen: tuple[str, ...]
                ) -> dict[tuple[str, ...], tuple[bool, Carrier]]:
        """What an answer shows for each misreading the question carries (memoised per
        distinct answer: a class has few)."""
        memo = self._memo.get((e.name, chosen))
        if memo is None:
            memo = {}
            for key in dict.fromkeys(c.reading.key for c in e.carriers):
                found, by = e.judge(key, chosen)
                if found is not None and by is not None:
                    memo[key] = (found, by)
            if len(self._memo) < MEMO:
                self._memo[(e.name, chosen)] = memo
        return memo

    def holds(self, answers: Sequence[Answer]) -> list[Held]:
        """The misreadings a learner with ``answers`` holds, the most certain first (lowest
        chance tail, then most evidence, then kind and gates)."""
        answered = [(self.questions[a.question], self._judged(self.questions[a.question],
                                                               a.chosen))
                    for a in answers if a.question in self.questions]
        first: dict[tuple[str, ...], Reading] = {}
        for _, judged in answered:
            for key, (found, by) in judged.items():
                if found:
                    first.setdefault(key, by.reading)
        out = []
        for key, r in first.items():
            support: list[Mark] = []
            shown: list[Reading] = []
            against: list[Mark] = []
            shares: list[float] = []
            for e, judged in answered:
                seen = judged.get(key)
                if seen is not None:
                    found, by = seen
                    (support if found else against).append(
                        Mark(e.name, by.option, by.right if found else False))
                    if found:
                        shown.append(by.reading)
                share = e.share(key)
                if share:
                    shares.append(share)
            if len(support) < AT_LEAST or len(support) <= len(against):
                continue
            p = tail(shares, len(support))
            if p < CHANCE:
                out.append(Held(common(shown), tuple(support), tuple(against), p,
                                self.next(key, {e.name for e, _ in answered})))
        return sorted(out, key=lambda h: (h.chance, -len(h.support), h.reading.key))

    def next(self, key: tuple[str, ...], answered: set[str]) -> tuple[str, int | None] | None:
        """The question (id, variant) that would tell ``key`` apart, not yet answered."""
        ids = {n.split("#")[0] for n in answered}
        order = {n: i for i, n in enumerate(self.questions)}
        candidates = [e for e in self.questions.values()
                      if e.name not in answered and e.tests(key)]
        if not candidates:
            return None
        best = min(candidates, key=lambda e: (e.question.variant is not None,
                                              e.question.id in ids, e.share(key),
                                              order[e.name]))
        return best.question.id, best.question.variant
