"""Finding the templates under the paths given, and deploying each (writing its lock)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..atomic import write_output
from ..errors import QuestionError
from ..question.bank import expand, is_template, read_located
from .deploy import DEFAULT_COUNT, Deployment, deploy
from .lock import lock_path, lock_text
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


def deploy_all(templates: list[Template], count: int = DEFAULT_COUNT,
               store: Path | None = None, workers: int = 1, allow_large: bool = False,
               write: bool = True, progress: Callable[[int, int], None] | None = None
               ) -> list[tuple[Deployment, str | None]]:
    """Each template deployed, and the lock file written (atomically) when some variant
    was deployed and ``write``."""
    out: list[tuple[Deployment, str | None]] = []
    for t in templates:
        d = deploy(t, count, store, workers, allow_large, progress)
        written = None
        if write and d.deployed:
            written = str(lock_path(t.path))
            write_output(written, lock_text(d.lock).encode())
        out.append((d, written))
    return out
