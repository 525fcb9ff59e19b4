"""Deploying the variants of question templates, and writing their locks."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..errors import ConfigError
from ..grading.assign import course_salt
from ..sim.diskcache import open_cache
from ..sim.parallel import default_workers
from .verifying import allowed

if TYPE_CHECKING:
    from ..variants.deploy import Deployment

PathLike = str | Path


def variants(paths: Iterable[PathLike], *, count: int = 20, cache: bool = True,
             workers: int | None = None, allow_large: bool = False, write: bool = True,
             progress: Callable[[int, int], None] | None = None, salt: str | None = None
             ) -> tuple[list[tuple[Deployment, str | None]], list[str]]:
    """Deploy the variants of every template under ``paths`` (files with ``params``):
    ``count`` candidates each, verified robustly on ``workers`` processes; the lock
    ``<id>.variants.yaml`` written beside each template that deployed a variant (unless
    ``write`` is False), with the salt that assigns learners their variants: ``salt``
    (default ``$QUIZGRADER_SALT``), else the lock's own, else a new random one (see
    :mod:`quizgrader.grading.assign`). Returns each deployment with the lock's path, and
    the problems."""
    from ..variants.run import deploy_all, templates_under
    if not 1 <= count <= 1000:
        raise ConfigError(f"count must be between 1 and 1000, got {count}", "count")
    templates, problems = templates_under([str(p) for p in paths])
    store = open_cache(cache)
    found = deploy_all(templates, count, store.root if store else None,
                       default_workers() if workers is None else workers,
                       allowed(allow_large), write, progress, course_salt(salt))
    return found, problems
