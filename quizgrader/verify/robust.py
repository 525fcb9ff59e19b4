"""Robust keys: verify a question again under variations that must not change a well-posed
answer (5 seed sets: seed .. seed+4, and the hidden size doubled). The key is unstable when
any variation changes it."""
from __future__ import annotations

from dataclasses import replace

from ..question.schema import Question
from ..sim import Simulator
from .checks import verify_question
from .results import QuestionVerdict, Robustness, Variation

SEED_SETS = 5


def variations(q: Question) -> list[tuple[int, int]]:
    """(seed, hidden) of every variation, the plain verification's own first."""
    s = q.simulation
    return [(s.seed + k, s.hidden) for k in range(SEED_SETS)] + [(s.seed, 2 * s.hidden)]


def varied(q: Question, seed: int, hidden: int) -> Question:
    """``q`` simulated with another seed and hidden size (the format's bounds do not apply:
    doubling the largest hidden size is a variation too)."""
    sim = q.simulation.model_copy(update={"seed": seed, "hidden": hidden})
    return q.model_copy(update={"simulation": sim})


def with_robustness(qv: QuestionVerdict, others: list[QuestionVerdict]) -> QuestionVerdict:
    """``qv`` with the :class:`Robustness` of its variations' verdicts ``others`` (in the
    order of :func:`variations`; the first is ``qv`` itself)."""
    base = [v.correct for v in qv.options]
    out = []
    for (seed, hidden), other in zip(variations(qv.question), others, strict=True):
        flipped = tuple(v.option.id for v, b in zip(other.options, base, strict=True)
                        if v.correct != b)
        out.append(Variation(seed, hidden, tuple(other.computed_key), flipped))
    return replace(qv, robust=Robustness(tuple(out)))


def verify_robust(qv: QuestionVerdict, sim: Simulator) -> QuestionVerdict:
    """``qv`` with its :class:`Robustness`: every variation verified on ``sim`` (which shares
    the plain verification's simulations)."""
    q = qv.question
    others = [qv if k == 0 else verify_question(varied(q, seed, hidden), qv.path, sim)
              for k, (seed, hidden) in enumerate(variations(q))]
    return with_robustness(qv, others)
