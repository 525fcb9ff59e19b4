"""Which deployed variant of a template a learner gets (variants.md, "Using variants").

The variant is numbers[h mod n], h the first 8 bytes of sha256(salt, question id, learner id)
and n the number of deployed variants: the same learner always gets the same variant of a
question (on every run and machine), learners spread evenly over the variants, and a course's
salt makes its assignment differ from another course's.

The salt is part of a template's lock (``salt:``), chosen when its variants are deployed
(``quizgrader variants --salt`` / ``$QUIZGRADER_SALT``, else the salt the lock already has,
else a new random one), so every command and the service assign the same variants. A salt
given later (``--salt`` / ``$QUIZGRADER_SALT``) must agree with the lock's: one that does not
is an error naming both. A lock written before locks held a salt assigns with the salt given,
else none (""), as it did; the next ``quizgrader variants`` records that salt in it.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass

from ..errors import QuizgraderError

SALT_ENV = "QUIZGRADER_SALT"


class SaltError(QuizgraderError):
    """A salt given that disagrees with the salt a template's lock records."""


@dataclass(frozen=True)
class Salt:
    """The salt a user gave, and where it came from.

    value  : the salt (None: none was given)
    source : ``--salt``, ``$QUIZGRADER_SALT`` or a caller's own name for it
    """
    value: str | None = None
    source: str = ""


def course_salt(salt: str | None = None) -> Salt:
    """The salt given (``--salt``), else ``$QUIZGRADER_SALT``, else none."""
    if salt is not None:
        return Salt(salt, "--salt")
    env = os.environ.get(SALT_ENV)
    return Salt(env, f"${SALT_ENV}") if env is not None else Salt()


def as_salt(salt: Salt | str | None) -> Salt:
    """A :class:`Salt` from what a caller passes: a plain string is a salt given (``""``:
    none)."""
    if isinstance(salt, Salt):
        return salt
    return Salt(salt, "the salt given") if salt else Salt()


def locked_salt(given: Salt, locked: str | None, lock: str) -> str:
    """The salt that assigns the variants of the template locked in ``lock``, whose salt is
    ``locked`` (None: an older lock without one); SaltError when ``given`` disagrees."""
    if locked is None:
        return given.value or ""
    if given.value is not None and given.value != locked:
        raise SaltError(f"{given.source} gives the salt {given.value!r}, but {lock} assigns "
                        f"variants with the salt {locked!r} (chosen when they were "
                        f"deployed): drop {given.source} so that every command and the "
                        f"service assign the same variants (to change the assignment on "
                        f"purpose, remove the lock's salt line and run quizgrader variants "
                        f"again with the new salt)")
    return locked


def deploy_salt(given: Salt, existing: str | None, has_lock: bool, lock: str) -> str:
    """The salt a deployment records: the lock's own (a salt given must agree), else for an
    older lock without one the salt given or none (so that its learners keep their variants),
    else the salt given, else a new random one."""
    if existing is not None:
        return locked_salt(given, existing, lock)
    if has_lock:
        return given.value or ""
    return given.value if given.value is not None else secrets.token_hex(8)


def assigned(learner: str, question_id: str, numbers: tuple[int, ...], salt: str = "") -> int:
    """The variant number (one of ``numbers``, the deployed ones) of ``learner``."""
    digest = hashlib.sha256(f"{salt}\0{question_id}\0{learner}".encode()).digest()
    return numbers[int.from_bytes(digest[:8], "big") % len(numbers)]
