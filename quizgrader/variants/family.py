"""Reading a template with its lock into the deployed variants (what a bank holds of it).

A locked variant is the template rendered with the parameters the lock stored (not drawn
again), so it is the same question whatever the drawing code does later. When the template
gives no key, the lock's key is the variant's key: ``verify`` then flags a locked key that the
simulation no longer gives as a key mismatch.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import QuestionError
from ..question.bank import Note, TemplateReader
from ..question.schema import Question
from ..question.yamlnodes import Located
from .draw import candidates
from .lock import Lock, lock_path, read_lock
from .template import Template, read_template

#: Candidates ``validate`` renders of a template that has no lock yet.
VALIDATE_COUNT = 20


def locked_variants(t: Template, lock: Lock, where: Path) -> list[Question]:
    """The template's variants at the lock's parameters, in the lock's order."""
    if lock.template != t.id:
        raise QuestionError([f"{where}:1: template: this lock is of {lock.template!r}, not of "
                             f"{t.id!r} ({t.path})"])
    seen: set[int] = set()
    out, problems = [], []
    for v in lock.variants:
        if v.number in seen:
            problems.append(f"{where}:1: variants: variant {v.number} is listed twice")
            continue
        seen.add(v.number)
        try:
            q = t.variant(v.number, v.params)
        except QuestionError as e:
            problems += e.problems
            continue
        q = q if q.key is not None else q.with_locked_key(list(v.key))
        out.append(q.with_lock(lock.salt, str(where)))
    if problems:
        raise QuestionError(problems)
    if not out:
        raise QuestionError([f"{where}:1: variants: no variant is deployed (run quizgrader "
                             f"variants {t.path})"])
    return out


def read_family(path: str, raw: bytes, located: Located, need_lock: bool = True
                ) -> tuple[list[Question], list[str]]:
    """The deployed variants of the template in ``path`` and warnings (a lock older than
    the template). Without a lock: an error, or with ``need_lock`` False the first
    candidates rendered (to validate a template before deploying it)."""
    t = read_template(path, raw, located)
    where = lock_path(path)
    if not where.is_file():
        if need_lock:
            raise QuestionError([f"{path}:{located.line(('params',))}: params: a template "
                                 f"whose variants are not deployed (no {where.name}): run "
                                 f"quizgrader variants {path}"])
        problems: list[str] = []
        rendered: list[Question] = []
        for n, values in candidates(t.id, t.params, VALIDATE_COUNT):
            try:
                rendered.append(t.variant(n, values))
            except QuestionError as e:
                problems += e.problems
        if problems:
            raise QuestionError(problems)
        return rendered[:1], \
            [f"{path}: a template whose variants are not deployed yet (no {where.name}): run "
             f"quizgrader variants {path}"]
    lock = read_lock(where)
    variants = locked_variants(t, lock, where)
    stale = [] if lock.provenance.question == t.digest else [
        f"{where}: the template {path} changed since its variants were deployed: run "
        f"quizgrader variants {path} (and commit the new lock)"]
    if lock.salt is None:
        stale.append(Note(f"{where}: note: an older lock without a salt: learners get their "
                          f"variants with the salt given (--salt, $QUIZGRADER_SALT) or none, "
                          f"as before; run quizgrader variants {path} to record it in the "
                          f"lock"))
    return variants, stale


def reader(need_lock: bool = True) -> TemplateReader:
    """A :data:`~quizgrader.question.bank.TemplateReader` for :func:`load_bank`."""
    def read(path: str, raw: bytes, located: Located) -> tuple[list[Question], list[str]]:
        return read_family(path, raw, located, need_lock)
    return read
