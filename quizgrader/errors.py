"""The one base error class of quizgrader and its small subclasses.

Every error a user can cause is a :class:`QuizgraderError`; the CLI prints its
message as one line and exits 1. Anything else is a bug.
"""
from __future__ import annotations


class QuizgraderError(Exception):
    """Base class: a problem with the user's input, reported as one clear line."""


class ConfigError(QuizgraderError):
    """A simulation setting that makes no sense (unknown gate, value outside [0, 1], ...)."""


class WeightsError(QuizgraderError):
    """A weights file that cannot be read or has the wrong arrays or shapes."""


class QuestionError(QuizgraderError):
    """One or more problems in question files; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ResponsesError(QuizgraderError):
    """A responses CSV that cannot be read at all (rows with problems are graded as errors)."""


class ExportError(QuizgraderError):
    """A bank that cannot be exported as asked (a disputed key, a missing optional extra)."""
