"""One row of a responses CSV graded: the columns of the header, the grades CSV's row (one
layout, :class:`GradeRow`, that every writer formats), the memo of (question, answer[,
variant]) results with their pre-formatted output, and the summary's counts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields

from ..errors import ResponsesError
from ..graded import GradedAnswer, error
from ..idtext import id_problem
from ..question.schema import variant_name
from ..text.numbers import score as fmt_score
from ..text.reports.gradereport import class_summary
from .csvcells import quote, row_text, safe_cell, undecodable
from .gradebook import Gradebook

#: learner -> question -> the last graded answer (for the learner files)
Learners = dict[str, dict[str, str]]
HEADER = ("learner", "question", "answer")
#: An optional column of the responses: the variant of a template's question the learner
#: was given (else it is derived from the learner id).
VARIANT = "variant"


@dataclass(frozen=True)
class GradeRow:
    """One row of the grades CSV, in the order of its columns (:data:`OUT_HEADER`): the one
    layout that ``grade``, ``regrade`` and the service's grades.csv write. Scores are
    already formatted (``""`` for none); :meth:`text` makes the text cells safe."""

    learner: str
    question: str
    answer: str
    score: str
    max_score: str
    status: str
    feedback: str = ""
    provenance: str = ""
    variant: str = ""

    @classmethod
    def graded(cls, learner: str, question: str, answer: str, g: GradedAnswer,
               variant: int | None) -> GradeRow:
        """The row of a graded answer (or of an answer the question could not grade)."""
        return cls(learner, question, answer, fmt_score(g.score), fmt_score(g.max_score),
                   g.status, g.feedback, g.provenance, "" if variant is None else str(variant))

    @classmethod
    def error(cls, learner: str, question: str, answer: str, reason: str,
              variant: str = "") -> GradeRow:
        """The row of an input row that could not be read as an answer; it keeps its place."""
        return cls(learner, question, answer, "", "1", f"error: {reason}", variant=variant)

    def text(self) -> str:
        """The row as CSV text, no line end: text cells safe from spreadsheet formulas,
        quoted as the csv module quotes."""
        return row_text((safe_cell(self.learner), safe_cell(self.question),
                         safe_cell(self.answer), self.score, self.max_score,
                         safe_cell(self.status), safe_cell(self.feedback), self.provenance,
                         safe_cell(self.variant)))


#: The grades CSV's header: :class:`GradeRow`'s fields.
OUT_HEADER = tuple(f.name for f in fields(GradeRow))


@dataclass
class Mean:
    """A running mean of one question's scores."""

    total: float = 0.0
    count: int = 0

    def add(self, score: float, times: int = 1) -> None:
        """Count ``rows`` rows that scored ``score``."""
        self.total += score * times
        self.count += times


@dataclass
class Summary:
    """What a class run counted: rows, graded, errors, each question's mean."""
    rows: int = 0
    graded: int = 0
    errors: int = 0
    headerless: bool = False
    per_question: defaultdict[str, Mean] = field(default_factory=lambda: defaultdict(Mean))

    def lines(self) -> list[str]:
        """The summary in words (see :func:`~quizgrader.text.reports.gradereport.class_summary`)."""
        return class_summary(self.rows, self.graded, self.errors, self.headerless,
                             {q: (m.total, m.count) for q, m in self.per_question.items()})


def columns(first: list[str]) -> tuple[dict[str, int] | None, str | None, bool]:
    """Column indices from the header row; (None, reason, _) if a column is missing or
    named twice; headerless=True when the first row is data."""
    names = [c.strip().lstrip("\ufeff").lower() for c in first]
    twice = [h for h in HEADER if names.count(h) > 1]
    if twice:
        return None, f"the header names column {twice[0]} twice", False
    if names.count(VARIANT) > 1:
        return None, f"the header names column {VARIANT} twice", False
    if set(HEADER) <= set(names):
        cols = {h: names.index(h) for h in HEADER}
        if VARIANT in names:
            cols[VARIANT] = names.index(VARIANT)
        return cols, None, False
    if any(n in HEADER for n in names) or any(n in ("score", "status") for n in names):
        missing = ", ".join(h for h in HEADER if h not in names)
        return None, f"the header has no column {missing}", False
    return {h: i for i, h in enumerate(HEADER)}, None, True


class HeaderError(ResponsesError):
    """A responses CSV whose first row is neither its header nor a row to grade."""


#: What a responses CSV's first row should be, as an error says it.
EXPECTED = "expected learner,question,answer (and optionally variant), separated by commas"
#: Delimiters a spreadsheet may have saved instead of commas, as an error names them.
DELIMITERS = {";": "';'", "\t": "tabs", "|": "'|'"}


def _shown(first: list[str]) -> str:
    cells = [c.strip().lstrip("\ufeff") for c in first[:12]]
    return ", ".join(c if len(c) <= 40 else c[:37] + "..." for c in cells) + \
        (", ..." if len(first) > 12 else "")


def header_problem(first: list[str], book: Gradebook) -> str | None:
    """Why the first record of a responses CSV starts no class (None: it does): columns
    separated by another delimiter, a header without the columns, or a first row that is
    neither a header nor an answer to a question of ``book``. One error up front, instead
    of one per row."""
    if len(first) < 3:
        joined = ",".join(first).lstrip("\ufeff")
        for d, name in DELIMITERS.items():
            if len(joined.split(d)) >= 3:
                n = "one column" if len(first) == 1 else f"{len(first)} columns"
                shown = joined if len(joined) <= 80 else joined[:77] + "..."
                return f"the columns look separated by {name} (found {n}, {shown!r}); {EXPECTED}"
    _, problem, headerless = columns(first)
    if problem is not None:
        return f"{problem} (found {_shown(first)}); {EXPECTED}"
    if headerless:
        q = first[1].strip() if len(first) > 1 else ""
        if book.question_id(q) is None:
            shown = q if len(q) <= 40 else q[:37] + "..."
            return (f"the first row is neither a header nor an answer to a question of the bank "
                    f"(found {_shown(first)}; {shown!r} is not a question id); {EXPECTED}")
    return None


class RowMemo:
    """A graded (question, answer) pair, remembered with the text of its grades rows after
    the learner's cell (``middle``: the :class:`GradeRow` with an empty learner, whose
    cell is the empty text before the first comma)."""


    __slots__ = ("qid", "name", "answer", "graded", "middle", "count")

    def __init__(self, question: str, answer: str, g: GradedAnswer, variant: int | None):
        self.qid, self.answer, self.graded, self.count = question.strip(), answer, g, 0
        self.name = variant_name(self.qid, variant)
        self.middle = GradeRow.graded("", question, answer, g, variant).text() + "\n"


def first_field(line: str) -> str:
    """The first field of a line that is not a whole record (an unterminated quote, say):
    up to the first comma, its quotes removed."""
    head = line.rstrip("\r\n").split(",", 1)[0]
    return head.strip('"') if len(head) < 1000 else head[:1000]


class Grader:
    """The per-row work of :func:`grade_stream`, with its memo of (question, answer) results."""

    def __init__(self, book: Gradebook, summary: Summary, learners: Learners | None):
        self.book, self.summary, self.learners = book, summary, learners
        self.memo: dict[tuple[str, ...], RowMemo] = {}
        self.errors = 0                     # row-level errors (not from a question's answer)
        self.templates = set(book.families)

    def key(self, question: str, answer: str, learner: str, variant: str = ""
            ) -> tuple[str, ...]:
        """The memo key of a row: (question, answer), and the variant for a template's."""
        if variant:
            return question, answer, "=" + variant
        qid = question if question in self.templates else self.book.question_id(question)
        if qid in self.templates:
            return question, answer, str(self.book.variant_of(qid, learner))
        return question, answer

    def result(self, question: str, answer: str, learner: str = "", variant: str = ""
               ) -> RowMemo:
        key = self.key(question, answer, learner, variant)
        r = self.memo.get(key)
        if r is None:
            entry, problem = self.book.resolve(question, learner, variant)
            graded = entry.grade(answer) if entry is not None else \
                error(problem or "unknown question")
            r = RowMemo(question, answer, graded, entry.variant if entry else None)
            if entry is not None:             # ids match ignoring case: count under the real id
                r.qid, r.name = entry.id, entry.name
            if len(self.memo) < 10_000:    # distinct answers are few; bound it anyway
                self.memo[key] = r
            else:
                self._tally(r, 1)           # not kept: count it now
                return r
        r.count += 1
        return r

    def _tally(self, r: RowMemo, rows: int) -> None:
        """Count ``rows`` output rows of result ``r`` in the summary."""
        if r.graded.score is None:
            self.errors += rows
        else:
            self.summary.graded += rows
            self.summary.per_question[r.qid].add(r.graded.score, rows)

    def learner(self, name: str, r: RowMemo) -> None:
        if self.learners is not None and r.graded.score is not None:
            mine = self.learners.setdefault(name, {})
            if r.name != r.qid:              # a variant: the learner's last one counts
                for other in [n for n in mine if n.split("#")[0] == r.qid]:
                    del mine[other]
            mine[r.name] = r.answer

    def row(self, row: list[str], cols: dict[str, int] | None, problem: str | None,
            width: int) -> str:
        """The output line for one parsed input row (the general path); ``problem`` is why
        the row (or the whole file) cannot be graded, if anything is."""
        if not row:
            self.errors += 1
            return GradeRow.error("", "", "", problem or "blank line").text() + "\n"
        vals = [row[cols[h]] if cols and cols[h] < len(row) else "" for h in HEADER] \
            if cols else (row + ["", "", ""])[:3]
        reason = (problem if problem else
                  "NUL byte in the row (a binary file?)" if any("\0" in v for v in row) else
                  f"row has {len(row)} fields, expected {width}" if len(row) != width else
                  "not UTF-8 text" if any(undecodable(v) for v in vals) else
                  id_problem(vals[0], "learner id"))
        variant = row[cols[VARIANT]] if cols and VARIANT in cols and cols[VARIANT] < len(row) \
            else ""
        if reason is not None:
            self.errors += 1
            return GradeRow.error(vals[0], vals[1], vals[2], reason, variant).text() + "\n"
        r = self.result(vals[1], vals[2], vals[0], variant)
        self.learner(vals[0], r)
        return quote(safe_cell(vals[0])) + r.middle

    def finish(self) -> None:
        """Fold the memo's row counts into the summary."""
        for r in self.memo.values():
            if r.count:
                self._tally(r, r.count)
        self.summary.errors = self.errors


