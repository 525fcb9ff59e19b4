"""Grading: scores, the gradebook of a verified bank, class CSVs and per-learner files."""
from ..graded import GradedAnswer
from .classcsv import grade_csv, grade_rows, grade_stream
from .gradebook import Entry, Gradebook
from .learnerfiles import write_learner_files
from .rows import Summary
from .scoring import parse_answer, score

__all__ = ["Entry", "Gradebook", "GradedAnswer", "Summary", "grade_csv", "grade_rows",
           "grade_stream", "parse_answer", "score", "write_learner_files"]
