"""Reading a grades CSV into a :class:`~.itemstats.Scores` table, streaming.

Only rows whose status is ``graded`` count, and a learner's last one per question. Memory
grows with learners × questions (12 bytes each), not with rows: a million-row file is read
line by line into per-question arrays that double when more learners arrive.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ..errors import QuizgraderError
from ..question import Question
from .itemstats import Scores

NEEDED = ("learner", "question", "answer", "score", "max_score", "status")


#: Options a question may have in a grades file (each is a bit of an int64 mask).
MAX_OPTIONS = 63


class GradesError(QuizgraderError):
    """A grades CSV that cannot be read."""


@dataclass
class _Item:
    options: list[str]
    score: np.ndarray
    chosen: np.ndarray
    maximum: float = 0.0
    full: list[set[str]] = field(default_factory=list)     # answers that scored full marks


def rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The rows of a grades CSV as dicts (header required), with clear errors."""
    try:
        f = open(path, encoding="utf-8", errors="replace", newline="")
    except OSError as e:
        raise GradesError(f"{path}: cannot read: {e.strerror or e}") from None
    with f:
        reader = csv.DictReader(f)
        missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            raise GradesError(f"{path}:1: not a grades CSV: no column {', '.join(missing)} "
                              f"(write one with quizgrader grade --responses)")
        try:
            yield from reader
        except csv.Error as e:
            raise GradesError(f"{path}:{reader.line_num}: not valid CSV: {e}") from None


def _ids(answer: str) -> list[str]:
    return [a.strip().upper() for a in answer.split(";") if a.strip()]


def read_scores(path: str | Path, questions: dict[str, Question] | None = None,
                keys: dict[str, set[str]] | None = None, by_variant: bool = False) -> Scores:
    """The class in the grades CSV ``path`` (see :func:`scores_from`)."""
    return scores_from(rows(path), questions, keys, by_variant)


def scores_from(graded: Iterable[dict[str, str]], questions: dict[str, Question] | None = None,
                keys: dict[str, set[str]] | None = None, by_variant: bool = False) -> Scores:
    """The class in ``graded`` (grades rows as dicts). ``questions`` (from the bank) give
    each item's options in order; ``keys`` the keys (otherwise a key is inferred from an
    answer that scored full marks). With ``by_variant``, each variant of a template's
    question is an item of its own, ``id#n`` (the rows' variant column)."""
    learners: dict[str, int] = {}
    items: dict[str, _Item] = {}
    varied: set[str] = set()
    capacity = 1024
    for row in graded:
        if row["status"] != "graded" or not row["score"] or row["learner"] is None:
            continue
        qid = row["question"].strip()
        variant = (row.get("variant") or "").strip()
        if by_variant and variant:
            qid = f"{qid}#{variant}"
        elif variant:
            varied.add(qid)              # variants have keys of their own: none is inferred
        q = (questions or {}).get(qid)
        item = items.get(qid)
        if item is None:
            item = items[qid] = _Item([o.id for o in q.options] if q else [],
                                      np.full(capacity, np.nan), np.zeros(capacity, np.int64))
        li = learners.setdefault(row["learner"], len(learners))
        if li >= capacity:
            capacity *= 2
            for it in items.values():
                it.score = np.concatenate([it.score, np.full(capacity - len(it.score), np.nan)])
                it.chosen = np.concatenate([it.chosen, np.zeros(capacity - len(it.chosen),
                                                                np.int64)])
        upper = {o.upper(): o for o in item.options}
        mask, chosen = 0, []
        for oid in _ids(row["answer"]):
            name = upper.get(oid)
            if name is None:
                if q is not None:
                    continue
                if len(item.options) >= MAX_OPTIONS:
                    raise GradesError(f"question {qid[:60]!r} has more than {MAX_OPTIONS} "
                                      f"distinct option ids in the grades (a question has at "
                                      f"most 26): not grades written by quizgrader grade")
                item.options.append(oid)
                name = upper[oid] = oid
            chosen.append(name)
            mask |= 1 << item.options.index(name)
        try:
            score, maximum = float(row["score"]), float(row["max_score"] or 1)
        except ValueError:
            continue                                  # not a grades row we wrote
        item.score[li], item.chosen[li] = score, mask
        item.maximum = max(item.maximum, maximum)
        if score >= maximum and len(item.full) < 1:
            item.full.append(set(chosen))
    L = len(learners)
    ids = sorted(items)
    return Scores(
        learners=list(learners), items=ids,
        options=[items[i].options for i in ids],
        keys=[(keys or {}).get(i) or (items[i].full[0] if items[i].full and i not in varied
                                      else None) for i in ids],
        score=np.stack([items[i].score[:L] for i in ids], axis=1) if ids else np.zeros((L, 0)),
        chosen=np.stack([items[i].chosen[:L] for i in ids], axis=1) if ids
        else np.zeros((L, 0), np.int64),
        maxima=np.array([items[i].maximum or 1.0 for i in ids]))
