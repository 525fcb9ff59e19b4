"""Scores of an answer and reading an answer ``A;C`` (pure functions).

Scores (PrairieLearn's names), for a chosen set C, key K, options N:
  all-or-nothing  1 if C = K else 0                  (always for select: one)
  net-correct     max(0, (|C ∩ K| − |C \\ K|) / |K|)
  each-answer     (|C ∩ K| + |N \\ (C ∪ K)|) / |N|
"""
from __future__ import annotations

from typing import Sequence


def score(chosen: set[str], key: set[str], options: Sequence[str], scheme: str) -> float:
    """The score in [0, 1] of ``chosen`` under ``scheme``."""
    if scheme == "all-or-nothing" or not key:
        return 1.0 if chosen == key else 0.0
    if scheme == "net-correct":
        return max(0.0, (len(chosen & key) - len(chosen - key)) / len(key))
    right = len(chosen & key) + len([o for o in options if o not in chosen and o not in key])
    return right / len(options)


def parse_answer(answer: str, options: Sequence[str], select: str, question_id: str
                 ) -> tuple[tuple[str, ...], str | None]:
    """Option ids from 'A;C' (case-insensitive, spaces ignored), or () and an error reason."""
    parts = [p.strip() for p in answer.replace(" ", "").split(";")]
    if not any(parts):
        return (), "empty answer"
    return parse_ids(parts, options, select, question_id, answer)


def parse_ids(parts: Sequence[str], options: Sequence[str], select: str, question_id: str,
              answer: str | None = None) -> tuple[tuple[str, ...], str | None]:
    """Option ids from a list of them, each item one id (case-insensitive): ``["A;C"]`` is
    the unknown option 'A;C', not two options. () and an error reason when not."""
    if not parts:
        return (), "empty answer"
    answer = ";".join(parts) if answer is None else answer
    lookup = {o.upper(): o for o in options}
    chosen: list[str] = []
    for p in (p.strip() for p in parts):
        if not p:
            return (), f"empty option id in {answer!r}"
        oid = lookup.get(p.upper())
        if oid is None:
            shown = p if len(p) <= 20 else p[:17] + "..."
            return (), f"unknown option {shown!r} (options: {', '.join(options)})"
        if oid in chosen:
            return (), f"option {oid} given twice"
        chosen.append(oid)
    if select == "one" and len(chosen) > 1:
        return (), f"question {question_id} takes one option, got {len(chosen)}"
    return tuple(chosen), None
