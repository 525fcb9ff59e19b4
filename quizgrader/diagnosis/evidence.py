"""Which options of a verified question carry which misreading, and what an answer shows.

For one misreading M (a :attr:`Reading.key`) and one question, the *relevant* options are
the wrong options that carry M and the right options whose flip would be M. An answer is:

- evidence for M when it chooses a relevant wrong option, or, in a ``select: many``
  question (where each option is judged on its own), leaves out a relevant right option;
  one count per question however many options show it. In a ``select: one`` question
  leaving out the key says nothing beyond the option chosen instead.
- evidence against M (it gets the same distinction right) when it shows none for M and
  judges the relevant options rightly: the key chosen (``select: one``), or every relevant
  option judged as the key does (``select: many``);
- neither otherwise (another wrong option chosen).

The chance share of M is how often a learner answering uniformly at random would show
evidence for it: in a ``select: one`` question the share of its options that carry it; in a
``select: many`` question, where such a learner decides each option by a coin, 1 − 2⁻ʳ for r
relevant options (each chosen wrong option or left-out right one is a coin's outcome).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Iterator

from ..question.schema import Question
from ..sim import Simulator
from ..verify import QuestionVerdict, Status
from .readings import Reading, flip_behaviour, reading


@dataclass(frozen=True)
class Carrier:
    """An option that carries a misreading: wrong (choosing it shows it) or right
    (leaving it out shows it)."""

    option: str
    right: bool
    reading: Reading


@dataclass(frozen=True)
class QuestionEvidence:
    """One gradable question (a plain question, or one variant of a template) and the
    misreadings its options carry."""

    question: Question
    key: frozenset[str]
    carriers: tuple[Carrier, ...]

    @cached_property
    def name(self) -> str:
        """The question's name: its id, or ``id#n`` for a variant."""
        return self.question.name

    @cached_property
    def shares(self) -> dict[tuple[str, ...], float]:
        """The chance share of every misreading the options carry (see :meth:`share`)."""
        out = {}
        for key in dict.fromkeys(c.reading.key for c in self.carriers):
            rel = self.relevant(key)
            out[key] = 1.0 - 0.5 ** len(rel) if self.question.select == "many" else \
                sum(1 for c in rel if not c.right) / len(self.question.options)
        return out

    def relevant(self, key: tuple[str, ...]) -> list[Carrier]:
        """The options relevant to the misreading ``key``."""
        return [c for c in self.carriers if c.reading.key == key]

    def tests(self, key: tuple[str, ...]) -> bool:
        """True when some answer to this question would show evidence for ``key``."""
        return any(c.reading.key == key and (not c.right or self.question.select == "many")
                   for c in self.carriers)

    def share(self, key: tuple[str, ...]) -> float:
        """The chance that a uniformly random answer shows evidence for ``key``."""
        return self.shares.get(key, 0.0)

    def judge(self, key: tuple[str, ...], chosen: Iterable[str]
              ) -> tuple[bool | None, Carrier | None]:
        """(True, the option that shows it) for evidence, (False, the option judged
        rightly) for counter-evidence, (None, None) otherwise (see the module docstring)."""
        picked = set(chosen)
        rel = self.relevant(key)
        if not rel:
            return None, None
        many = self.question.select == "many"
        chose = [c for c in rel if not c.right and c.option in picked]
        left = [c for c in rel if many and c.right and c.option not in picked]
        if chose or left:
            return True, (chose + left)[0]
        if many:
            return False, rel[0]
        if picked and picked <= self.key:
            return False, next((c for c in rel if c.option in picked), rel[0])
        return None, None

    def shown(self, chosen: Iterable[str]) -> Iterator[Carrier]:
        """The carriers whose misreading this answer shows evidence for, one per key."""
        seen: set[tuple[str, ...]] = set()
        for c in self.carriers:
            if c.reading.key in seen:
                continue
            found, by = self.judge(c.reading.key, chosen)
            if found and by is not None:
                seen.add(c.reading.key)
                yield by


def question_evidence(qv: QuestionVerdict, sim: Simulator | None) -> QuestionEvidence | None:
    """The evidence of a verified question, or None when it has no key to grade with
    (its status is not ok). ``sim`` simulates the flips of ``if`` claims (None: an ``if``
    claim's flip is unknown, and its wrong options count as ``direction``)."""
    if qv.status != Status.OK:
        return None
    q = qv.question
    carriers = []
    for v in qv.options:
        r = reading(q, v, flip_behaviour(sim, q, v))
        if r is not None:
            carriers.append(Carrier(v.option.id, v.correct, r))
    return QuestionEvidence(q, frozenset(qv.computed_key), tuple(carriers))
