"""The database's errors and the lock wait, shared by the modules that open, migrate and use it."""
from __future__ import annotations

from ..errors import QuizgraderError


class DatabaseError(QuizgraderError):
    """The database cannot be opened, migrated or written."""


class DatabaseUnavailable(DatabaseError):
    """The database stopped answering while serving (locked, full, gone): a 503."""


#: Seconds a statement waits for a lock before the database counts as unavailable.
BUSY_SECONDS = 2.0
