"""Reading, loading and verifying banks within the work limits, the step every job starts
with: :func:`read_bank` reads the files, :func:`load_within_limits` also takes out what would
exceed the work limits, :func:`verify` and :func:`verify_file` verify what it loads."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from ..apitypes import Verification
from ..errors import QuestionError, QuizgraderError
from ..grading.assign import Salt, as_salt, assigned, locked_salt
from ..question import Bank, Question, load_bank
from ..sim import Simulator
from ..sim.diskcache import open_cache
from ..sim.parallel import default_workers, single_blas
from ..variants import reader
from ..verify import QuestionVerdict, verify_question, verify_robust
from ..verify.batch import verify_bank
from ..verify.budget import too_large

PathLike = str | Path


def simulator(*, cache: bool = True, full: bool = False) -> Simulator:
    """A simulator with the disk cache (unless ``cache`` is False or the environment turns it
    off); ``full`` computes whole curves (for plots) on every run."""
    return Simulator(open_cache(cache), always_full=full)


def allowed(allow_large: bool) -> bool:
    """Large work was asked for, by argument or by ``$QUIZGRADER_ALLOW_LARGE``."""
    return allow_large or os.environ.get("QUIZGRADER_ALLOW_LARGE", "") not in ("", "0")


def read_bank(paths: Iterable[PathLike]) -> Bank:
    """Read every question file under ``paths`` (``-`` reads stdin; templates with their
    locks, each deployed variant a question), without verifying anything."""
    return load_bank([str(p) for p in paths], reader())


def load_within_limits(paths: Iterable[PathLike], *, allow_large: bool = False) -> Bank:
    """The bank under ``paths`` (:func:`read_bank`), with every question whose verification
    would exceed the work limits (:class:`~quizgrader.sim.budget.Limits`) taken out as a
    problem, unless ``allow_large``."""
    bank = read_bank(paths)
    if not allowed(allow_large):
        for path, q in list(bank.questions):
            if path in bank.refused:              # another variant of it was too large
                continue
            why = too_large(q)
            if why:
                bank.refuse(path, ("horizon",), why)
    return bank


def first_variants(questions: list[tuple[str, Question]]) -> list[tuple[str, Question]]:
    """The questions with only the first deployed variant of each template."""
    seen: set[str] = set()
    out = []
    for path, q in questions:
        if q.variant is None or q.id not in seen:
            out.append((path, q))
            seen.add(q.id)
    return out


def verify(paths: Iterable[PathLike], *, cache: bool = True, robust: bool = False,
           workers: int | None = None, allow_large: bool = False,
           sim: Simulator | None = None,
           progress: Callable[[int, int], None] | None = None) -> Verification:
    """Load every question under ``paths`` and verify each. With ``robust``, verify each
    again under 5 seed sets and the hidden size doubled: a question whose key changes is
    ``unstable``. The work is spread over ``workers`` processes (default: the cores this
    process may use, or ``$QUIZGRADER_WORKERS``); the verdicts do not depend on it. With
    ``sim``, everything runs here on that simulator instead."""
    bank = load_within_limits(paths, allow_large=allow_large)
    if sim is not None:
        with single_blas():
            verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
            if robust:
                verdicts = [verify_robust(qv, sim) for qv in verdicts]
        return Verification(verdicts, bank)
    store = open_cache(cache)
    verdicts = verify_bank(bank.questions, store.root if store else None,
                           default_workers() if workers is None else workers, robust, progress)
    return Verification(verdicts, bank)


def pick_variant(questions: list[tuple[str, Question]], variant: int | None,
                 where: str) -> tuple[str, Question]:
    """The one question of ``questions`` (the variants of one template, or one plain
    question): variant ``variant``, or the first deployed one when it is None."""
    (name, q) = questions[0]
    if variant is None:
        return name, q
    if q.variant is None:
        raise QuizgraderError(f"{where}: question {q.id} has no variants (it is not a "
                              f"template)", "variant")
    found = next(((p, v) for p, v in questions if v.variant == variant), None)
    if found is None:
        deployed = ", ".join(str(v.variant) for _, v in questions)
        raise QuizgraderError(f"{where}: question {q.id} has no deployed variant {variant} "
                              f"(deployed: {deployed})", "variant")
    return found


def verify_file(path: PathLike, *, cache: bool = True, allow_large: bool = False,
                variant: int | None = None, learner: str | None = None,
                salt: Salt | str = "") -> QuestionVerdict:
    """Load and verify the one question in ``path`` (``-`` reads stdin); of a template,
    variant ``variant``, or the one ``learner`` gets with its lock's salt (default: its first
    deployed variant); ``salt``, a salt given, must agree with the lock's (SaltError)."""
    bank = load_within_limits([path], allow_large=allow_large)
    if bank.problems:
        raise QuestionError(bank.problems)
    ids = list(dict.fromkeys(q.id for _, q in bank.questions))
    if len(ids) != 1:
        n = len(ids)
        example = bank.questions[0][0] if n else str(Path(path) / "q.yaml")
        raise QuizgraderError(f"{path}: {'no question' if n == 0 else f'{n} questions'}; this "
                              f"takes one question file (e.g. {example})", "path")
    numbers = tuple(q.variant for _, q in bank.questions if q.variant is not None)
    lock = bank.questions[0][1].lock
    mine = locked_salt(as_salt(salt), *lock) if lock else as_salt(salt).value or ""
    if learner is not None and numbers:
        variant = assigned(learner, ids[0], numbers, mine)
    name, q = pick_variant(bank.questions, variant, str(path))
    with single_blas():
        return verify_question(q, name, simulator(cache=cache))
