"""One question's jobs: the explanation of its options, and grading one answer."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..apitypes import Explained
from ..errors import ConfigError, QuizgraderError
from ..grading import Gradebook, GradedAnswer
from ..grading.assign import course_salt
from ..idtext import id_problem
from ..text.explain import DETAILS, Detail, explain as explain_option
from .verifying import verify_file

PathLike = str | Path


def check_detail(detail: str | None) -> None:
    """Refuse an explanation level that is not short, standard or full."""
    if detail is not None and detail not in DETAILS:
        raise ConfigError(f"unknown detail {detail!r} (choose from {', '.join(DETAILS)})",
                          "detail")


def explain(path: PathLike, *, option: str | None = None, cache: bool = True,
            allow_large: bool = False, variant: int | None = None) -> Explained:
    """The explanation of every option of the question in ``path`` (or of ``option``), at
    every level (:class:`~quizgrader.text.explain.Explanation`); of a template, of
    ``variant`` (default: its first deployed variant)."""
    qv = verify_file(path, cache=cache, allow_large=allow_large, variant=variant)
    chosen = list(qv.options)
    if option is not None:
        v = qv.verdict(option)
        if v is None:
            ids = ", ".join(o.id for o in qv.question.options)
            raise QuizgraderError(f"{path}: no option {option!r} (options: {ids})")
        chosen = [v]
    return Explained(qv, [(v, explain_option(qv, v)) for v in chosen])


def grade_answer(path: PathLike, answer: str | Sequence[str], *, trust_key: bool = False,
                 cache: bool = True, allow_large: bool = False,
                 detail: Detail = "standard", variant: int | None = None,
                 learner: str | None = None, salt: str | None = None) -> GradedAnswer:
    """Grade one answer (``"A;C"`` or ``["A", "C"]``) to the question in ``path``, with
    feedback at ``detail`` (short, standard or full). Of a template: ``variant``, or the
    variant ``learner`` gets (assigned with the salt of the template's lock; a ``salt``
    given, default ``$QUIZGRADER_SALT``, must agree with it: SaltError), or else its first
    deployed variant."""
    check_detail(detail)
    if variant is not None and learner is not None:
        raise ConfigError("give a variant or a learner, not both", "variant")
    if learner is not None:
        problem = id_problem(learner, "learner id")
        if problem:
            raise ConfigError(problem, "learner")
    qv = verify_file(path, cache=cache, allow_large=allow_large, variant=variant,
                     learner=learner, salt=course_salt(salt))
    if not isinstance(answer, str) and any(";" in a for a in answer):
        raise ConfigError("an option id in a list cannot hold ';' (give [\"A\", \"C\"] or "
                          "\"A;C\")", "answer")
    text = answer if isinstance(answer, str) else ";".join(answer)
    return Gradebook([qv], trust_key, detail).entries[qv.question.name].grade(text)
