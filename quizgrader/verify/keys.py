"""The one key policy: which key grading, exports and the service use for a question.

The computed key, when the question's status is ok; the author's key, when it is disputed
and the caller trusts the author (``trust_key``); otherwise none: the question is refused,
and the refusal says why (its status).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .results import QuestionVerdict, Status


class KeySource(StrEnum):
    """Where a key comes from: the simulation, or the author."""
    COMPUTED = "computed"
    AUTHOR = "author"


@dataclass(frozen=True)
class KeyChoice:
    """The key to use for a question, or the reason there is none.

    key     : option ids in option order, or None when the question is refused
    source  : where the key comes from (None when refused)
    refused : the status that refused the question (None when there is a key)
    can_trust : a refused question has an author key that ``trust_key`` would use
    """

    key: tuple[str, ...] | None
    source: KeySource | None
    refused: Status | None
    can_trust: bool = False


def choose_key(qv: QuestionVerdict, trust_key: bool = False) -> KeyChoice:
    """The key policy (see the module docstring)."""
    author = qv.author_key
    if trust_key and author is not None:
        return KeyChoice(tuple(author), KeySource.AUTHOR, None)
    if qv.status == Status.OK:
        return KeyChoice(tuple(qv.computed_key), KeySource.COMPUTED, None)
    return KeyChoice(None, None, qv.status, author is not None)
