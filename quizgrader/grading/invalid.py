"""Which question an invalid question file was meant to be, so that the rows that answer it
say the file is invalid (with its first ``file:line: what``) rather than "unknown question",
and a regrade leaves them out of its comparison."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..question.bank import Bank

#: A question file's ``id:`` line, read from the text when the file does not parse.
_ID_LINE = re.compile(r"""^id:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?[ \t]*(?:#.*)?$""",
                      re.MULTILINE)


def invalid_ids(bank: Bank) -> dict[str, str]:
    """The question id each invalid file of ``bank`` seems to hold (its ``id:`` line, else
    its name) -> the file's first problem line."""
    out: dict[str, str] = {}
    for f in bank.invalid:
        first = next((p for p in bank.problems if p.startswith(f + ":")), f"{f}: invalid")
        m = _ID_LINE.search(_head(f))
        out.setdefault(m.group(1) if m else Path(f).stem, first)
    return out


def _head(path: str) -> str:
    """The first 64 KiB of a regular file as text ("" for anything else or on an error)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        return os.read(fd, 1 << 16).decode("utf-8", errors="replace")
    except OSError:
        return ""
    finally:
        os.close(fd)
