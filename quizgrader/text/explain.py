"""Explanations of each option, grounded in the simulated numbers (pure, deterministic text).

One evidence model (an option's typed :class:`~quizgrader.verify.OptionVerdict`), three
renderings:

- ``short``    one sentence (≤ 30 words): the conclusion, the mechanism, the deciding number;
- ``standard`` for learners (≤ 90 words): that sentence, why in one step, the counterfactual
               and whether the model can learn (:mod:`.brief`);
- ``full``     for authors and mentors: every check, scenario and margin (:mod:`.fulltext`).

No level names an option by its letter: the verdict line is written by whoever shows it
(:meth:`Explanation.verdict`), with the letter where the reader sees letters and "this
option" where an LMS shuffles them. The reading guide and notation notes are given once per
document (:mod:`.notes`), never per option.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..verify import OptionVerdict, QuestionVerdict
from .fulltext import full as full_text
from .learner import short as short_text, standard as standard_text

Detail = Literal["short", "standard", "full"]
DETAILS: tuple[Detail, ...] = ("short", "standard", "full")


@dataclass(frozen=True)
class Explanation:
    """One option's explanation at every level.

    correct  : the verdict
    static   : the author decides (no simulation)
    short    : the short level's sentence (after the verdict)
    standard : the standard level's paragraphs (after the verdict)
    full     : the full level's paragraphs (after the verdict)
    deciding : the full paragraph that decided the verdict ('' for a static option)
    """

    correct: bool
    static: bool
    short: str
    standard: tuple[str, ...]
    full: tuple[str, ...]
    deciding: str = ""

    def verdict(self, label: str | None = None) -> str:
        """'C is correct.'; without a label (shuffled LMS feedback) 'This option is correct.'"""
        who = label if label is not None else "This option"
        word = "correct" if self.correct else "wrong"
        if self.static:
            return f"{who} is {word} (the author's judgement; no simulation decides it)."
        return f"{who} is {word}."

    def body(self, detail: Detail) -> tuple[str, ...]:
        """The paragraphs after the verdict at ``detail``."""
        if detail == "short":
            return (self.short,) if self.short else ()
        return self.standard if detail == "standard" else self.full

    def paragraphs(self, detail: Detail = "standard", label: str | None = None) -> list[str]:
        """The verdict, then the body; at ``short`` one paragraph."""
        if detail == "short":
            return [self.line(label)]
        return [self.verdict(label), *self.body(detail)]

    def text(self, detail: Detail = "standard", label: str | None = None) -> str:
        """The explanation as text, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs(detail, label))

    def line(self, label: str | None = None) -> str:
        """One line: the verdict and the short sentence."""
        if self.static:
            who = label if label is not None else "This option"
            head = f"{who} is {'correct' if self.correct else 'wrong'} (author's judgement)."
        else:
            head = self.verdict(label)
        return f"{head} {self.short}".rstrip()


def explain(qv: QuestionVerdict, v: OptionVerdict) -> Explanation:
    """The explanation of one option of ``qv`` at every level."""
    q = qv.question
    full, deciding = full_text(q, v)
    return Explanation(v.correct, v.option.claim is None, short_text(q, v, qv.options),
                       standard_text(q, v, qv.options), full, deciding)
