"""A simulation cache on disk, so that grading after `verify` does not simulate again.

Each entry is one simulation's curves, stored as ``<sha256>.npz`` (float64 arrays, read with
``allow_pickle=False``). The name hashes the simulation key (model, scenario, horizon,
settings, endpoints-only or full) together with a fingerprint of the code that computes it:
the source of every module of :mod:`quizgrader.sim` (this folder), numpy's version and this
format's version. Editing the equations, or upgrading numpy, therefore misses every old entry.

A cache is a speed-up only: an entry that cannot be read is recomputed, and an entry that
cannot be written is skipped.

Where: ``$QUIZGRADER_CACHE_DIR`` if set (empty or ``off`` turns the cache off), else
``$XDG_CACHE_HOME/quizgrader``, else ``~/.cache/quizgrader``.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from .model import BEHAVIOURS, Curves

FORMAT = "quizgrader-simcache-1"
#: The folder whose code decides the numbers: every ``*.py`` below it is fingerprinted.
SOURCES = Path(__file__).parent


def source_files() -> list[Path]:
    """The files :func:`fingerprint` hashes, in a fixed order."""
    return sorted(SOURCES.rglob("*.py"))


@cache
def fingerprint() -> str:
    """sha256 over the simulation code, numpy's version and the cache format."""
    h = hashlib.sha256(f"{FORMAT}\0numpy {np.__version__}\0".encode())
    for f in source_files():
        h.update(f.relative_to(SOURCES).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def default_dir() -> Path | None:
    """The cache folder from the environment (see the module docstring); None if off."""
    env = os.environ.get("QUIZGRADER_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "quizgrader" if xdg else Path.home() / ".cache" / "quizgrader"


class DiskCache:
    """Curves on disk under ``root``, keyed by a simulation key's ``repr``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.hits = self.misses = 0

    def _path(self, key: object) -> Path:
        digest = hashlib.sha256(f"{fingerprint()}\0{key!r}".encode()).hexdigest()
        return self.root / digest[:2] / f"{digest}.npz"

    def get(self, key: object) -> Curves | None:
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as z:
                curves = Curves(z["gain"].astype(np.float64), z["reach"].astype(np.float64),
                                str(z["behaviour"]))
        except (OSError, ValueError, KeyError, EOFError):
            self.misses += 1
            return None
        if curves.behaviour not in BEHAVIOURS:
            self.misses += 1
            return None
        self.hits += 1
        return curves

    def put(self, key: object, curves: Curves) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    np.savez(f, gain=curves.gain, reach=curves.reach,
                             behaviour=np.array(curves.behaviour))
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass                       # read-only or full disk: run without caching


def open_cache(enabled: bool = True) -> DiskCache | None:
    """The default disk cache, or None when disabled (by flag or environment)."""
    root = default_dir() if enabled else None
    return DiskCache(root) if root is not None else None
