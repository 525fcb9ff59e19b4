"""Grading a class: stream the responses CSV, write the grades CSV atomically.

In:  ``learner,question,answer`` (header required by name; a file whose first row is not a
     header is read in that column order, and said so). BOM, CRLF, quoted fields are fine.
Out: ``learner,question,answer,score,max_score,status,feedback,provenance``, one row per
     input row (blank lines and broken rows included, with an ``error: ...`` status), same
     order; provenance is the graded question's (see :mod:`quizgrader.analysis.impact`).
Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are written with a
leading apostrophe. Duplicate submissions are all graded; per-learner totals count the last.
"""
from __future__ import annotations

import csv
import io
import itertools
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator, TextIO, cast

from ..atomic import atomic_writer
from ..errors import ResponsesError
from ..idtext import id_problem
from ..text.gradereport import class_summary
from ..text.numbers import score as fmt_score
from .csvcells import FORMULA, quote, row_text, safe_cell, undecodable
from .gradebook import Gradebook, Graded
from .records import MAX_LINE, Records

#: learner -> question -> the last graded answer (for the learner files)
Learners = dict[str, dict[str, str]]
HEADER = ("learner", "question", "answer")
OUT_HEADER = HEADER + ("score", "max_score", "status", "feedback", "provenance")
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
        """The summary in words (see :func:`~quizgrader.text.gradereport.class_summary`)."""
        return class_summary(self.rows, self.graded, self.errors, self.headerless,
                             {q: (m.total, m.count) for q, m in self.per_question.items()})


def _columns(first: list[str]) -> tuple[dict[str, int] | None, str | None, bool]:
    """Column indices from the header row; (None, reason, _) if a column is missing or
    named twice; headerless=True when the first row is data."""
    names = [c.strip().lstrip("\ufeff").lower() for c in first]
    twice = [h for h in HEADER if names.count(h) > 1]
    if twice:
        return None, f"the header names column {twice[0]} twice", False
    if set(HEADER) <= set(names):
        return {h: names.index(h) for h in HEADER}, None, False
    if any(n in HEADER for n in names) or any(n in ("score", "status") for n in names):
        missing = ", ".join(h for h in HEADER if h not in names)
        return None, f"the header has no column {missing}", False
    return {h: i for i, h in enumerate(HEADER)}, None, True


class _Result:
    """A graded (question, answer) pair and the pre-formatted end of its output rows."""

    __slots__ = ("qid", "answer", "graded", "middle", "count")

    def __init__(self, question: str, answer: str, g: Graded):
        self.qid, self.answer, self.graded, self.count = question.strip(), answer, g, 0
        tail = (fmt_score(g.score), fmt_score(g.max_score), safe_cell(g.status),
                safe_cell(g.feedback), g.provenance)
        self.middle = "," + row_text((safe_cell(question), safe_cell(answer), *tail)) + "\n"


def first_field(line: str) -> str:
    """The first field of a line that is not a whole record (an unterminated quote, say):
    up to the first comma, its quotes removed."""
    head = line.rstrip("\r\n").split(",", 1)[0]
    return head.strip('"') if len(head) < 1000 else head[:1000]


class _Grader:
    """The per-row work of :func:`grade_stream`, with its memo of (question, answer) results."""

    def __init__(self, book: Gradebook, summary: Summary, learners: Learners | None):
        self.book, self.summary, self.learners = book, summary, learners
        self.memo: dict[tuple[str, str], _Result] = {}
        self.errors = 0                     # row-level errors (not from a question's answer)

    def result(self, question: str, answer: str) -> _Result:
        r = self.memo.get((question, answer))
        if r is None:
            r = _Result(question, answer, self.book.grade(question, answer))
            entry = self.book.entry(question)
            if entry is not None:             # ids match ignoring case: count under the real id
                r.qid = entry.id
            if len(self.memo) < 10_000:    # distinct answers are few; bound it anyway
                self.memo[(question, answer)] = r
            else:
                self._tally(r, 1)           # not kept: count it now
                return r
        r.count += 1
        return r

    def _tally(self, r: _Result, rows: int) -> None:
        """Count ``rows`` output rows of result ``r`` in the summary."""
        if r.graded.score is None:
            self.errors += rows
        else:
            self.summary.graded += rows
            self.summary.per_question[r.qid].add(r.graded.score, rows)

    def learner(self, name: str, r: _Result) -> None:
        if self.learners is not None and r.graded.score is not None:
            self.learners.setdefault(name, {})[r.qid] = r.answer

    def row(self, row: list[str], cols: dict[str, int] | None, problem: str | None,
            width: int) -> str:
        """The output line for one parsed input row (the general path); ``problem`` is why
        the row (or the whole file) cannot be graded, if anything is."""
        if not row:
            self.errors += 1
            return row_text(("", "", "", "", "1", f"error: {problem or 'blank line'}",
                              "", "")) + "\n"
        vals = [row[cols[h]] if cols and cols[h] < len(row) else "" for h in HEADER] \
            if cols else (row + ["", "", ""])[:3]
        reason = (problem if problem else
                  "NUL byte in the row (a binary file?)" if any("\0" in v for v in row) else
                  f"row has {len(row)} fields, expected {width}" if len(row) != width else
                  "not UTF-8 text" if any(undecodable(v) for v in vals) else
                  id_problem(vals[0], "learner id"))
        if reason is not None:
            self.errors += 1
            return row_text((*(safe_cell(v) for v in vals), "", "1", f"error: {reason}", "", "")) \
                + "\n"
        r = self.result(vals[1], vals[2])
        self.learner(vals[0], r)
        return quote(safe_cell(vals[0])) + r.middle

    def finish(self) -> None:
        """Fold the memo's row counts into the summary."""
        for r in self.memo.values():
            if r.count:
                self._tally(r, r.count)
        self.summary.errors = self.errors


def grade_stream(book: Gradebook, lines: TextIO, out: TextIO, summary: Summary,
                 learners: Learners | None = None, progress: Callable[[int], None] | None = None,
                 chunk: int = 4096) -> None:
    """Grade the responses CSV read from ``lines`` into the grades CSV written to ``out``.

    ``lines`` must be opened with newline="" (so quoted line breaks survive). Records are read
    by :class:`.records.Records`, which bounds every line and record and turns what cannot be
    read into error rows, so every input row has its output row. Plain rows (three unquoted
    ASCII-or-UTF-8 fields, the usual column order) take a fast path: a split and a lookup in
    the memo of (question, answer) results, whose output tail is formatted once; any other
    row is parsed by :mod:`csv` and graded by the same rules.
    """
    grader = _Grader(book, summary, learners)
    records = Records(lines)
    read = records.line
    out.write(row_text(OUT_HEADER) + "\n")
    line = read()
    if not line:
        return
    first, bad = records.record(line)     # a header, or the first row in the usual order
    cols, problem, summary.headerless = _columns(first)
    width = len(first)
    buf: list[str] = []
    if bad is not None:                  # no header to read: the row is an error, the rest
        cols, problem, summary.headerless = _columns(list(HEADER))   # in the usual order
        width = 3
        summary.rows += 1
        buf.append(grader.row([], cols, bad, width))
    elif summary.headerless:
        summary.rows += 1
        buf.append(grader.row(first, cols, problem, width))
    records.learner = cols["learner"] if cols else None
    fast = cols == {h: i for i, h in enumerate(HEADER)} and width == 3 and problem is None
    memo, result, learner, n = grader.memo, grader.result, grader.learner, 0
    keep = learners is not None
    readline, pending, limit = lines.readline, records.pending, MAX_LINE + 1
    while True:
        if pending or records.cut:
            line = read()
        else:                                    # Records.line, inlined for the usual case
            line = readline(limit)
            if len(line) == limit and not line.endswith(("\n", "\r")):
                line = records.overlong(line)
        if not line:
            break
        n += 1
        if fast and '"' not in line and "\0" not in line:
            s = line.rstrip("\r\n")
            parts = s.split(",")
            if len(parts) == 3 and (s.isascii() or not undecodable(s)) and \
                    parts[0].isprintable() and parts[0] and not parts[0].isspace():
                learner_id, q, a = parts
                r = memo.get((q, a))
                if r is None:
                    r = result(q, a)
                else:
                    r.count += 1
                if keep:
                    learner(learner_id, r)
                buf.append((("'" + learner_id) if learner_id.startswith(FORMULA)
                            else learner_id) + r.middle)
                if len(buf) >= chunk:
                    _flush(out, buf, progress)
                continue
        row, bad = records.record(line)
        if bad and not row and line.strip("\r\n"):     # keep the learner id of a broken row
            row = [first_field(line)]
        buf.append(grader.row(row, cols, bad or problem, width))
        if len(buf) >= chunk:
            _flush(out, buf, progress)
    _flush(out, buf, progress)
    summary.rows += n
    grader.finish()


def _flush(out: TextIO, buf: list[str], progress: Callable[[int], None] | None) -> None:
    out.write("".join(buf))
    if progress is not None:
        progress(len(buf))
    buf.clear()


def grade_rows(book: Gradebook, reader: Iterator[list[str]], summary: Summary,
               learners: Learners | None = None) -> Iterator[list[str]]:
    """The reference for :func:`grade_stream`, one parsed row at a time (used in tests).
    Yields the output rows, header first."""
    yield list(OUT_HEADER)
    first = next(reader, None)
    if first is None:
        return
    cols, problem, summary.headerless = _columns(first)
    width = len(first)
    grader = _Grader(book, summary, learners)
    rows = itertools.chain((first,), reader) if summary.headerless else reader
    for row in rows:
        summary.rows += 1
        yield next(csv.reader(io.StringIO(grader.row(row, cols, problem, width), newline="")))
    grader.finish()


def _encoding(raw: BinaryIO, name: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 when the file starts with its byte-order mark;
    UTF-16 without one is refused rather than graded as garbage."""
    try:
        head = raw.peek(4)[:4]  # type: ignore[attr-defined]  # files and stdin are buffered
    except (AttributeError, OSError):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 4 and (head[1::2] == b"\0\0" or head[0::2] == b"\0\0"):
        raise ResponsesError(f"{name}: looks like UTF-16 without a byte-order mark; save it as "
                             f"UTF-8 (or UTF-16 with its BOM)")
    return "utf-8-sig"


def grade_csv(book: Gradebook, responses: str, out: str,
              learners: dict[str, dict[str, str]] | None = None,
              progress: Callable[[int], None] | None = None) -> Summary:
    """Grade ``responses`` (a path, or - for stdin) into ``out`` (written atomically). With
    ``learners`` (a dict), each learner's last graded answer per question is recorded there
    (learner -> question -> answer), for the per-learner files."""
    summary = Summary()
    try:
        raw = sys.stdin.buffer if responses == "-" else open(responses, "rb")
    except OSError as e:
        raise ResponsesError(f"{responses}: cannot read: {e.strerror or e}") from None
    encoding = _encoding(raw, responses)
    try:
        with raw, io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape",
                                   newline="") as text:
            try:
                with atomic_writer(out) as f:
                    grade_stream(book, text, cast(TextIO, f), summary, learners, progress)
            except csv.Error as e:
                raise ResponsesError(f"{responses}: not valid CSV: {e}") from None
    except OSError as e:
        raise ResponsesError(f"{out}: cannot write: {e.strerror or e}") from None
    return summary
