"""The misconception view: options that claim the same thing, grouped across questions.

Two options belong together when they claim the same gradient for the same kind of cell under
the same gate values (``when`` or ``if``), e.g. every option saying "in a GRU, Γu ≈ 1 keeps
the gradient". For each group: its options (and whether each is right), how many learners
chose one of them, and out of how many who answered those questions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..question import Question
from .itemstats import Scores


@dataclass(frozen=True)
class Misconception:
    """A claim (cell, gates, behaviour) that options of several questions share."""
    cell: str
    gates: tuple[tuple[str, int], ...]
    gradient: str
    options: tuple[tuple[str, str, bool | None], ...]    # (question, option, correct)
    chose: int                                            # learners who chose one of them
    of: int                                               # learners who answered those


def misconceptions(s: Scores, questions: dict[str, Question]) -> list[Misconception]:
    """Every claim setting two or more options share, or that a wrong option makes."""
    groups: dict[tuple[str, tuple[tuple[str, int], ...], str],
                 list[tuple[int, int, bool | None]]] = {}
    for j, qid in enumerate(s.items):
        q = questions.get(qid)
        if q is None:
            continue
        for b, oid in enumerate(s.options[j]):
            opt = q.option(oid)
            if opt is None or opt.claim is None:
                continue
            c = opt.claim
            group = (q.models[c.model].cell, tuple(sorted(c.gates.items())), c.gradient)
            key = s.keys[j]
            groups.setdefault(group, []).append((j, b, None if key is None else oid in key))
    out = []
    for (cell, gates, gradient), members in sorted(groups.items()):
        if not gates or (len(members) < 2 and all(ok is not False for _, _, ok in members)):
            continue
        cols = sorted({j for j, _, _ in members})
        answered = ~np.isnan(s.score[:, cols]).all(axis=1)
        picked = np.zeros(len(s.learners), dtype=bool)
        for j, b, _ in members:
            picked |= ((s.chosen[:, j] >> b) & 1).astype(bool)
        out.append(Misconception(cell, gates, gradient,
                                 tuple((s.items[j], s.options[j][b], ok) for j, b, ok in members),
                                 int((picked & answered).sum()), int(answered.sum())))
    return out
