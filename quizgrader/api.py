"""The library's front door: typed keyword arguments in, objects out::

    from quizgrader import api
    report = api.verify(["questions/"])
    for qv in report.verdicts:
        print(qv.question.id, qv.status, qv.computed_key)
    result = api.grade_answer("questions/c5w1-gru-alice-betty.yaml", "C")
    print(result.score, result.feedback)

Errors are :class:`~quizgrader.errors.QuizgraderError` subclasses whose messages speak of
these functions' arguments. ``cache`` turns the disk cache of simulations on or off (it is
also off when ``$QUIZGRADER_CACHE_DIR`` is ``off``). Work beyond the limits of
:class:`~quizgrader.sim.budget.Limits` (a minute, a gigabyte) is refused before it starts
unless ``allow_large`` (or ``$QUIZGRADER_ALLOW_LARGE=1``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from .apitypes import ClassGrade, Explained, Exported, Simulation, Verification
from .grading import GradedAnswer
from .jobs.classgrading import grade_class, regrade
from .jobs.deploying import variants
from .jobs.exporting import ExportFormat, export
from .jobs.question import explain, grade_answer
from .jobs.simulation import MAX_SCALE, simulate
from .jobs.statistics import stats
from .jobs.verifying import load_within_limits, read_bank, simulator, verify, verify_file
from .question import load_question

PathLike = str | Path
Format = Literal["text", "markdown", "json", "html"]


def schema() -> dict[str, Any]:
    """The JSON Schema of the question format, for editors (YAML language server)."""
    from .text.reports.schemadoc import author_schema
    # the title after the models' schema, whose own title ("Question") it replaces
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://quizgrader.invalid/question-v1.schema.json",
            **author_schema(), "title": "quizgrader question (format v1.2)"}


def schema_json() -> str:
    """The JSON Schema of :func:`schema` as text (what ``quizgrader schema`` prints)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["ClassGrade", "Explained", "ExportFormat", "Exported", "Format",
           "GradedAnswer", "MAX_SCALE", "Simulation", "Verification", "explain", "export",
           "grade_answer", "grade_class", "load_question", "load_within_limits", "read_bank",
           "regrade", "schema", "schema_json", "simulate", "simulator", "stats", "variants",
           "verify", "verify_file"]
