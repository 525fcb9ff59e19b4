"""Output files that appear whole or not at all, and never clobber what they should not.

:func:`atomic_writer` writes to a temporary file in the target's folder and renames it over
the target when the block finishes (a crash, Ctrl-C or SIGTERM leaves the old file, or none,
never half of a new one, and no temporary file). Where the target is not a regular file:

- ``-`` is standard output;
- a symbolic link is followed: the file it points to is replaced, the link stays;
- a character device or FIFO (``/dev/null``, a pipe) is written through, never replaced;
- a folder is an error.

A replaced file keeps its permissions (a 0600 grades file stays 0600).
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import QuizgraderError


class OutputError(QuizgraderError):
    """An output that cannot be written where asked."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: Path) -> tuple[Path, int | None]:
    """The file to write for ``path`` (links followed) and its mode if it exists."""
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        return real, os.stat(real).st_mode
    except FileNotFoundError:
        return real, None


@contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """A writable file for ``path`` (see the module docstring). Text is UTF-8 with the line
    ends written as given."""
    if str(path) == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    target, mode = _target(Path(path))
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):          # /dev/null, a FIFO: write through
        with (open(target, "wb") if binary else
              open(target, "w", encoding="utf-8", newline="")) as f:
            yield f
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent or ".")
    try:
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def write_output(path: str | Path, data: bytes) -> None:
    """``data`` to ``path`` through :func:`atomic_writer`, as one clear error if it fails."""
    try:
        with atomic_writer(path, binary=True) as f:
            f.write(data)
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None


def check_distinct(source: str, out: str) -> None:
    """Refuse to write ``out`` over the input file ``source`` (it would be destroyed)."""
    if "-" in (source, out):
        return
    try:
        same = os.path.samefile(source, out)
    except OSError:
        same = False
    if same:
        raise OutputError(f"{out}: this is the input file {source}; writing the output there "
                          f"would destroy it")
