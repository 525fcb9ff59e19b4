"""The item statistics of a graded class, and the misconceptions its answers show."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from ..analysis.gradestable import read_scores
from ..analysis.itemstats import TestStats, test_stats
from ..analysis.misconceptions import Misconception, misconceptions
from ..question import Question
from ..verify import choose_key
from .verifying import verify

PathLike = str | Path


def stats(grades: PathLike, *, bank: Iterable[PathLike] | None = None, cache: bool = True,
          allow_large: bool = False, by_variant: bool = False
          ) -> tuple[TestStats, list[Misconception]]:
    """Item statistics of a graded class (each learner's last graded attempt per question).
    With ``bank``, options come in the bank's order, keys from its verification, and options
    that claim the same are grouped across questions (the misconception view). A template's
    question is one item over all its variants (its key varies, so no option is marked);
    with ``by_variant`` each variant is reported too, with its own key."""
    questions: dict[str, Question] = {}
    keys: dict[str, set[str]] = {}
    names: dict[str, Question] = {}
    named_keys: dict[str, set[str]] = {}
    if bank is not None:
        report = verify(bank, cache=cache, allow_large=allow_large)
        for qv in report.verdicts:
            q, choice = qv.question, choose_key(qv)
            names[q.name] = q
            questions.setdefault(q.id, q)          # a template: its first variant's options
            if choice.key:
                named_keys[q.name] = set(choice.key)
        keys = {n: k for n, k in named_keys.items() if names[n].variant is None}
    scores = read_scores(grades, questions, keys)
    test = test_stats(scores)
    if by_variant:
        per = test_stats(read_scores(grades, names, named_keys, by_variant=True))
        test = replace(test, variants=tuple(it for it in per.items if "#" in it.id))
    plain = {i: q for i, q in questions.items() if q.variant is None}
    return test, misconceptions(scores, plain) if plain else []
