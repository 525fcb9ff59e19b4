"""Which deployed variant of a template a learner gets (variants.md, "Using variants").

The variant is numbers[h mod n], h the first 8 bytes of sha256(salt, question id, learner id)
and n the number of deployed variants: the same learner always gets the same variant of a
question (on every run and machine), learners spread evenly over the variants, and a course's
salt (``--salt`` / ``$QUIZGRADER_SALT``) makes its assignment differ from another course's.
"""
from __future__ import annotations

import hashlib
import os

SALT_ENV = "QUIZGRADER_SALT"


def course_salt(salt: str | None = None) -> str:
    """The salt given, else ``$QUIZGRADER_SALT``, else none ("")."""
    return salt if salt is not None else os.environ.get(SALT_ENV, "")


def assigned(learner: str, question_id: str, numbers: tuple[int, ...], salt: str = "") -> int:
    """The variant number (one of ``numbers``, the deployed ones) of ``learner``."""
    digest = hashlib.sha256(f"{salt}\0{question_id}\0{learner}".encode()).digest()
    return numbers[int.from_bytes(digest[:8], "big") % len(numbers)]
