"""A simulation cache on disk, so that grading after `verify` does not simulate again.

Each entry is one simulation's curves and the 95 % intervals of their last values, in a
file of its own named by a hash of the simulation key (model, scenario, horizon, settings,
endpoints-only or full) and of a fingerprint of the code that computes it: the source of
every module of :mod:`quizgrader.sim` (this folder), numpy's version, the backend (numpy or
numba, see :mod:`.kernels`) and this format's version. Editing the equations, upgrading numpy or
switching the backend therefore misses every old entry.

An entry checks itself: it holds its whole key and a SHA-256 of its numbers, both compared
when it is read, and its size must be what its length says; it is read from a regular file
only (never a FIFO), never unpickled or decompressed. The behaviour is derived again from the
gain. An entry that fails any check is recomputed, and an entry that cannot be written is
skipped: a cache is a speed-up only.

Where: ``$QUIZGRADER_CACHE_DIR`` if set (empty or ``off`` turns the cache off), else
``$XDG_CACHE_HOME/quizgrader``, else ``~/.cache/quizgrader``.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path

import numpy as np

from ..atomic import make_temp
from ..jsonguard import loads as guarded_loads
from .kernels import backend

FORMAT = "quizgrader-simcache-3"           # 3: the intervals at T (semantics v4)
MAGIC = b"QGSIM3\n"
#: The numbers stored after the curves: gain(T)'s interval (lo, hi), then reach(T)'s.
SPREAD = 4
MAX_HEADER = 1 << 16
#: The folder whose code decides the numbers: every ``*.py`` below it is fingerprinted.
SOURCES = Path(__file__).parent


def source_files() -> list[Path]:
    """The files :func:`fingerprint` hashes, in a fixed order."""
    return sorted(SOURCES.rglob("*.py"))


def fingerprint() -> str:
    """sha256 over the simulation code, numpy's version, the backend that computes the
    Jacobian products (:func:`.kernels.backend`) and the cache format."""
    return hashlib.sha256(f"{_sources()}\0{backend()}".encode()).hexdigest()


@cache
def _sources() -> str:
    h = hashlib.sha256(f"{FORMAT}\0numpy {np.__version__}\0".encode())
    for f in source_files():
        h.update(f.relative_to(SOURCES).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def default_dir() -> Path | None:
    """The cache folder from the environment (see the module docstring); None if off."""
    env = os.environ.get("QUIZGRADER_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):                       # the XDG spec: a relative path is ignored
        return Path(xdg) / "quizgrader"
    home = _home()
    return home / ".cache" / "quizgrader" if home is not None else None


def _home() -> Path | None:
    """The user's home: $HOME when it is an absolute path other than /, else the password
    database's; None when there is none (no cache then, rather than one at /.cache)."""
    home = os.environ.get("HOME", "")
    if not (os.path.isabs(home) and home.rstrip("/")):
        try:
            import pwd
            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError, OSError):
            return None
    return Path(home) if os.path.isabs(home) and home.rstrip("/") else None


class DiskCache:
    """Curves (gain and reach, t = 1..T, and the :data:`SPREAD` interval ends at T) on disk
    under ``root``, keyed by a key's ``repr``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.hits = self.misses = 0

    def _ident(self, key: object) -> str:
        return f"{fingerprint()}\0{key!r}"

    def _path(self, ident: str) -> Path:
        digest = hashlib.sha256(ident.encode()).hexdigest()
        return self.root / digest[:2] / f"{digest}.qgsim"

    def get(self, key: object) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(gain, reach, spread) stored for ``key``, or None (absent, or failing a check)."""
        ident = self._ident(key)
        found = _read(self._path(ident), ident)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: object, gain: np.ndarray, reach: np.ndarray,
            spread: tuple[float, ...] = (np.nan,) * SPREAD) -> None:
        """Store the curves of ``key`` and their :data:`SPREAD` interval ends (NaN: unknown;
        skipped when the folder cannot be written)."""
        if len(spread) != SPREAD:
            raise ValueError(f"need {SPREAD} interval ends, got {len(spread)}")
        ident = self._ident(key)
        path = self._path(ident)
        payload = (np.ascontiguousarray(gain, dtype="<f8").tobytes()
                   + np.ascontiguousarray(reach, dtype="<f8").tobytes()
                   + np.asarray(spread, dtype="<f8").tobytes())
        header = json.dumps({"key": ident, "steps": len(gain),
                             "sha256": hashlib.sha256(payload).hexdigest()}).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = make_temp(path.parent, ".")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(MAGIC + header + b"\n" + payload)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass                       # read-only or full disk: run without caching


def _read(path: Path, ident: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """An entry's curves if every check passes (module docstring), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_HEADER + (16 << 24):
                return None
            data = f.read(st.st_size + 1)
        if not data.startswith(MAGIC):
            return None
        end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
        header = guarded_loads(data[len(MAGIC):end], MAX_HEADER)
        payload = data[end + 1:]
        steps = header["steps"]
        if (header["key"] != ident or not isinstance(steps, int) or steps < 1
                or len(payload) != 8 * (2 * steps + SPREAD)
                or hashlib.sha256(payload).hexdigest() != header["sha256"]):
            return None
        numbers = np.frombuffer(payload, dtype="<f8").astype(np.float64)
        return numbers[:steps], numbers[steps:2 * steps], numbers[2 * steps:]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None                    # JSONRefused is a ValueError: a spoiled entry


def open_cache(enabled: bool = True) -> DiskCache | None:
    """The default disk cache, or None when disabled (by flag or environment)."""
    root = default_dir() if enabled else None
    return DiskCache(root) if root is not None else None
