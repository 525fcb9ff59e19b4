"""Finding the templates under the paths given, and deploying each (writing its lock)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..atomic import write_output
from ..errors import QuestionError
from ..grading.assign import Salt, deploy_salt
from ..question.bank import expand, is_template, read_located
from .deploy import DEFAULT_COUNT, Deployment, deploy
from .lock import lock_path, lock_text, read_lock
from .template import Template, read_template


def templates_under(paths: Iterable[str]) -> tuple[list[Template], list[str]]:
    """The templates named or below folders (question files without ``params`` in a folder
    are skipped; named, they are a problem), and the problems."""
    files, problems = expand(paths)
    named = {str(p) for p in paths}
    out = []
    for f in files:
        if f == "-":
            problems.append("-: variants are deployed from a template file (its lock is "
                            "written beside it), not from stdin")
            continue
        try:
            raw, located = read_located(f)
            if not is_template(located):
                if f in named:
                    problems.append(f"{f}: not a template (no params): nothing to deploy")
                continue
            out.append(read_template(f, raw, located))
        except QuestionError as e:
            problems += e.problems
    return out, problems


def salts(templates: list[Template], given: Salt) -> list[str]:
    """The salt each template's lock will record (:func:`.assign.deploy_salt`): SaltError,
    before any work, when ``given`` disagrees with a lock's."""
    out = []
    for t in templates:
        where = lock_path(t.path)
        try:
            existing, has_lock = read_lock(where).salt, True
        except (QuestionError, OSError):    # none, or unreadable: it is written anew
            existing, has_lock = None, False
        out.append(deploy_salt(given, existing, has_lock, str(where)))
    return out


def deploy_all(templates: list[Template], count: int = DEFAULT_COUNT,
               store: Path | None = None, workers: int = 1, allow_large: bool = False,
               write: bool = True, progress: Callable[[int, int], None] | None = None,
               salt: Salt | None = None) -> list[tuple[Deployment, str | None]]:
    """Each template deployed, and the lock file written (atomically) when some variant
    was deployed and ``write``; each lock's salt as :func:`salts` says."""
    out: list[tuple[Deployment, str | None]] = []
    for t, chosen in zip(templates, salts(templates, salt or Salt()), strict=True):
        d = deploy(t, count, store, workers, allow_large, progress, chosen)
        written = None
        if write and d.deployed:
            written = str(lock_path(t.path))
            write_output(written, lock_text(d.lock).encode())
        out.append((d, written))
    return out
