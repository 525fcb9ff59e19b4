"""Database URLs: the driver we test for each database, its timeouts, and the URL as it may
be shown (never with its password).

``postgresql://`` and ``postgres://`` mean psycopg 3 here (``postgresql+psycopg://``, the
``postgres`` extra): SQLAlchemy's own default for ``postgresql://`` has been psycopg2 on some
versions. A missing driver is one line naming the extra.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from .dberrors import BUSY_SECONDS, DatabaseError

#: Seconds to wait for a connection, and for one statement, before the database counts as
#: unavailable (a frozen server must not hang requests).
CONNECT_SECONDS = 5
STATEMENT_MS = 5000


def normalised(url: str) -> str:
    """``url`` with the driver we test: postgresql+psycopg:// for PostgreSQL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def shown(url: str) -> str:
    """``url`` as messages may show it: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@")[-1] if "@" in url else url


def engine_for(url: str) -> Engine:
    """An engine for ``url`` with pre-ping and the timeouts above."""
    url = normalised(url)
    args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        args = {"timeout": BUSY_SECONDS}
    elif url.startswith("postgresql+psycopg"):
        args = {"connect_timeout": CONNECT_SECONDS,
                "options": f"-c statement_timeout={STATEMENT_MS} -c lock_timeout={STATEMENT_MS}"}
    try:
        return create_engine(url, connect_args=args, pool_pre_ping=True)
    except ModuleNotFoundError as e:
        extra = "postgres" if "postgres" in url else None
        hint = f": pip install 'quizgrader[{extra}]'" if extra else ""
        raise DatabaseError(f"no database driver for {shown(url)} ({e.name} is missing)"
                            f"{hint}") from None
