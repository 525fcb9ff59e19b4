"""Output files that appear whole or not at all, and never clobber what they should not.

:func:`atomic_writer` writes to a temporary file in the target's folder and renames it over
the target when the block finishes (a crash, Ctrl-C or SIGTERM leaves the old file, or none,
never half of a new one, and no temporary file). Where the target is not a regular file:

- ``-`` is standard output;
- a symbolic link is followed: the file it points to is replaced, the link stays;
- a character device or FIFO (``/dev/null``, a pipe) is written through, never replaced;
- a folder is an error.

A replaced file keeps its permissions (a 0600 grades file stays 0600). The new file and its
folder are flushed to disk (fsync) before and after the rename, so a power cut leaves the old
file or the new one. Temporary names carry the writer's process id: one left behind by a
process that was killed (SIGKILL cannot be caught) is removed by the next writer there.
"""
from __future__ import annotations

import os
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

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
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[IO[Any]]:
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
    folder = target.parent if str(target.parent) else Path(".")
    sweep(folder, target.name)
    fd, tmp = make_temp(folder, temp_prefix(target.name))
    try:
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def make_temp(folder: str | Path, prefix: str, suffix: str = ".tmp",
              directory: bool = False) -> tuple[int, str]:
    """A new temporary file in ``folder`` (its open descriptor and path; 0600), or with
    ``directory`` a folder (descriptor -1; 0700), named ``prefix`` + random + ``suffix``.

    Unlike :func:`tempfile.mkstemp`, an exception that interrupts the making (Ctrl-C, or
    SIGTERM turned into one) removes the entry again: a signal can be received by any thread
    (BLAS's, the pool's), and the main thread then runs its handler at the next instruction,
    which can be right after the file was made and before its name reached the caller's
    clean-up (seen under load in CI: a grades file's temporary left behind)."""
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            if directory:
                os.mkdir(path, 0o700)
                return -1, path
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL
                           | getattr(os, "O_CLOEXEC", 0), 0o600), path
        except FileExistsError:
            continue
        except OSError:
            raise
        except BaseException:               # interrupted: the entry may have been made
            try:
                os.rmdir(path) if directory else os.unlink(path)
            except OSError:
                pass
            raise
    raise FileExistsError(17, "no free temporary name", str(folder))


def temp_prefix(name: str) -> str:
    """The prefix of this process's temporary entries for ``name``."""
    return f".{name}.quizgrader-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: Path, name: str) -> None:
    """Remove the temporary entries for ``name`` in ``folder`` left by processes that no
    longer run (files or staging folders)."""
    import shutil
    start = f".{name}.quizgrader-"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for e in entries:
        if not e.name.startswith(start):
            continue
        pid = e.name[len(start):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path, ignore_errors=True)
            else:
                os.unlink(e.path)
        except OSError:
            pass


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def exchange(a: Path, b: Path) -> bool:
    """Swap the two paths ``a`` and ``b`` in one atomic step (Linux renameat2 with
    RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b),
                     RENAME_EXCHANGE) == 0


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
