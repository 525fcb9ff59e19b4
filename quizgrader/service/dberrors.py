"""The database's errors and the lock wait, shared by the modules that open, migrate and use it."""
from __future__ import annotations

from ..errors import QuizgraderError


class DatabaseError(QuizgraderError):
    """The database cannot be opened, migrated or written."""


class DatabaseUnavailable(DatabaseError):
    """The database stopped answering while serving (locked, full, gone): a 503."""


#: Seconds a statement waits for a lock before the database counts as unavailable.
BUSY_SECONDS = 2.0


def storable_problem(value: str, what: str, limit: int) -> str | None:
    """Why the text ``value`` cannot go into a column of ``limit`` characters on every
    database the service runs on (None: it can). PostgreSQL refuses a NUL character and a
    string longer than its column, and no driver can encode a lone surrogate: such input is
    refused before the database with this message, so it is never mistaken for an outage."""
    if "\x00" in value:
        return f"{what}: holds a NUL character (U+0000), which cannot be stored"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return f"{what}: holds half of a surrogate pair, which cannot be stored"
    if len(value) > limit:
        return f"{what}: at most {limit} characters, got {len(value)}"
    return None
