"""Grading a class: stream the responses CSV, write the grades CSV atomically.

In:  ``learner,question,answer`` (header required by name; a file whose first row is not a
     header is read in that column order, and said so). BOM, CRLF, quoted fields are fine.
     A first row that is neither (another delimiter, a header missing a column, a row whose
     question is not in the bank) is one error up front, and nothing is written.
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
from typing import BinaryIO, Callable, Iterator, TextIO, cast

from ..atomic import atomic_writer
from ..errors import ResponsesError
from .csvcells import FORMULA, row_text, undecodable
from .gradebook import Gradebook
from .records import MAX_LINE, Records
from .rows import (
    HEADER,
    OUT_HEADER,
    Grader,
    HeaderError,
    Learners,
    Summary,
    columns,
    first_field,
    header_problem,
)


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
    grader = Grader(book, summary, learners)
    records = Records(lines)
    read = records.line
    out.write(row_text(OUT_HEADER) + "\n")
    line = read()
    if not line:
        return
    first, bad = records.record(line)     # a header, or the first row in the usual order
    why = header_problem(first, book) if bad is None else None
    if why is not None:
        raise HeaderError(why)
    cols, problem, summary.headerless = columns(first)
    width = len(first)
    buf: list[str] = []
    if bad is not None:                  # no header to read: the row is an error, the rest
        cols, problem, summary.headerless = columns(list(HEADER))   # in the usual order
        width = 3
        summary.rows += 1
        buf.append(grader.row([], cols, bad, width))
    elif summary.headerless:
        summary.rows += 1
        buf.append(grader.row(first, cols, problem, width))
    records.learner = cols["learner"] if cols else None
    fast = cols == {h: i for i, h in enumerate(HEADER)} and width == 3 and problem is None
    memo, result, learner, n = grader.memo, grader.result, grader.learner, 0
    templates = grader.templates
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
                r = memo.get((q, a) if q not in templates else grader.key(q, a, learner_id))
                if r is None:
                    r = result(q, a, learner_id)
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
    why = header_problem(first, book)
    if why is not None:
        raise HeaderError(why)
    cols, problem, summary.headerless = columns(first)
    width = len(first)
    grader = Grader(book, summary, learners)
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
            except HeaderError as e:
                raise ResponsesError(f"{responses}:1: {e}") from None
            except csv.Error as e:
                raise ResponsesError(f"{responses}: not valid CSV: {e}") from None
    except OSError as e:
        raise ResponsesError(f"{out}: cannot write: {e.strerror or e}") from None
    return summary
