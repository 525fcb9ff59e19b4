"""The one base error class of quizgrader and its small subclasses.

Every error a user can cause is a :class:`QuizgraderError`; the CLI prints its message as one
line and exits 1. Anything else is a bug. Messages speak of the library's arguments
(``steps``, ``trust_key``), never of command-line flags: ``argument`` says which argument is to
blame, so the command line can name its own flag instead.
"""
from __future__ import annotations


class QuizgraderError(Exception):
    """Base class: a problem with the user's input, reported as one clear line."""

    def __init__(self, message: str, argument: str | None = None):
        super().__init__(message)
        self.argument = argument


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


class KeyDisputedError(QuizgraderError):
    """A question whose author key the simulation disputes, used where a key is needed."""


class MissingExtraError(QuizgraderError):
    """An optional dependency (an extra such as ``plot``) is not installed; ``argument`` is
    the argument that would do without it."""


class ExportError(QuizgraderError):
    """A bank that cannot be exported as asked."""
