"""What the functions of :mod:`quizgrader.api` return (a graded answer is
:class:`quizgrader.grading.GradedAnswer`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .grading import Summary
from .question import Bank
from .sim import Curves, Hold, Model
from .text.explain import Explanation
from .verify import OptionVerdict, QuestionVerdict, Status


@dataclass(frozen=True)
class Verification:
    """A verified bank: the verdicts of its valid questions and the problems of the rest."""

    verdicts: list[QuestionVerdict]
    bank: Bank

    @property
    def problems(self) -> list[str]:
        """One line per file that could not be verified (``file:line: path: message``)."""
        return self.bank.problems

    @property
    def ok(self) -> bool:
        """No invalid file or stale lock, and every question's status is ok."""
        return not self.bank.problems and not self.bank.warnings and \
            all(v.status == Status.OK for v in self.verdicts)

    @property
    def fragile(self) -> bool:
        """Some verdict sits within its question's fragile_below of a threshold."""
        return any(v.fragile for v in self.verdicts)


@dataclass(frozen=True)
class Explained:
    """A verified question and the explanation of each requested option."""

    verdict: QuestionVerdict
    options: list[tuple[OptionVerdict, Explanation]]


@dataclass(frozen=True)
class ClassGrade:
    """A graded class: the summary, and the bank's invalid files."""

    summary: Summary
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)   # learner -> feedback file name


@dataclass(frozen=True)
class Exported:
    """An exported bank: the file's bytes and the ids of the questions in it."""

    data: bytes
    ids: list[str]


@dataclass(frozen=True)
class Simulation:
    """One simulated configuration: the model, its holds, the curves and a title."""

    model: Model
    holds: tuple[Hold, ...]
    curves: Curves
    title: str
