"""Grading a class: stream the responses CSV, write the grades CSV atomically.

In:  ``learner,question,answer`` (header required by name; a file whose first row is not a
     header is read in that column order, and said so). BOM, CRLF, quoted fields are fine.
Out: ``learner,question,answer,score,max_score,status,feedback``, one row per input row
     (blank lines and broken rows included, with an ``error: ...`` status), same order.
Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are written with a
leading apostrophe. Duplicate submissions are all graded; per-learner totals count the last.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .errors import ResponsesError
from .grade import Gradebook, Graded

HEADER = ("learner", "question", "answer")
OUT_HEADER = HEADER + ("score", "max_score", "status", "feedback")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def undecodable(text: str) -> bool:
    """True if ``text`` holds bytes that were not UTF-8 (surrogate escapes)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def safe_cell(text: str) -> str:
    """Neutralise spreadsheet formulas and undecodable bytes in an output cell."""
    if undecodable(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "'" + text if text.startswith(FORMULA) else text


def fmt_score(x: float | None) -> str:
    return "" if x is None else f"{x:.4g}"


@dataclass
class Summary:
    rows: int = 0
    graded: int = 0
    errors: int = 0
    headerless: bool = False
    per_question: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0, 0]))

    def lines(self) -> list[str]:
        out = [f"{self.rows} rows: {self.graded} graded, {self.errors} errors"]
        if self.headerless:
            out.insert(0, "note: no header row; columns read as learner,question,answer")
        for qid in sorted(self.per_question):
            total, n = self.per_question[qid]
            out.append(f"  {qid}: mean score {total / n:.3f} over {n} answers")
        return out


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[io.TextIOBase]:
    """A text file that appears at ``path`` only when the block finishes without error."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _columns(first: list[str]) -> tuple[dict[str, int] | None, str | None, bool]:
    """Column indices from the header row; (None, reason, _) if a column is missing;
    headerless=True when the first row is data."""
    names = [c.strip().lstrip("\ufeff").lower() for c in first]
    if set(HEADER) <= set(names):
        return {h: names.index(h) for h in HEADER}, None, False
    if any(n in HEADER for n in names) or any(n in ("score", "status") for n in names):
        missing = ", ".join(h for h in HEADER if h not in names)
        return None, f"the header has no column {missing}", False
    return {h: i for i, h in enumerate(HEADER)}, None, True


def grade_rows(book: Gradebook, reader: Iterator[list[str]], summary: Summary,
               learners: dict | None = None, progress: Callable[[int], None] | None = None
               ) -> Iterator[list[str]]:
    """Output rows (including the header) for the input rows."""
    yield list(OUT_HEADER)
    first = next(reader, None)
    if first is None:
        return
    cols, header_problem, summary.headerless = _columns(first)
    rows = reader if not summary.headerless else _chain(first, reader)
    width = len(first)
    tails: dict[Graded, list[str]] = {}
    for row in rows:
        summary.rows += 1
        if progress is not None and summary.rows % 4096 == 0:
            progress(4096)
        g: Graded
        if not row:
            vals, g = ["", "", ""], Graded(None, 1.0, "error: blank line", (), "")
        else:
            vals = [row[cols[h]] if cols and cols[h] < len(row) else "" for h in HEADER] \
                if cols else (row + ["", "", ""])[:3]
            if header_problem:
                g = Graded(None, 1.0, f"error: {header_problem}", (), "")
            elif len(row) != width:
                g = Graded(None, 1.0, f"error: row has {len(row)} fields, expected {width}",
                           (), "")
            elif any(undecodable(v) for v in vals):
                g = Graded(None, 1.0, "error: not UTF-8 text", (), "")
            else:
                g = book.grade(vals[1], vals[2])
        if g.score is None:
            summary.errors += 1
        else:
            summary.graded += 1
            acc = summary.per_question[vals[1].strip()]
            acc[0] += g.score
            acc[1] += 1
            if learners is not None:
                learners.setdefault(vals[0], {})[vals[1].strip()] = (vals[2], g)
        tail = tails.get(g)
        if tail is None:                   # the same few results recur: format them once
            tail = [fmt_score(g.score), fmt_score(g.max_score), safe_cell(g.status),
                    safe_cell(g.feedback)]
            if len(tails) < 10_000:
                tails[g] = tail
        yield [safe_cell(vals[0]), safe_cell(vals[1]), safe_cell(vals[2]), *tail]
    if progress is not None:
        progress(summary.rows % 4096)


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def grade_csv(book: Gradebook, responses: str, out: str, feedback_dir: str | None = None,
              progress: Callable[[int], None] | None = None) -> Summary:
    """Grade ``responses`` (a path, or - for stdin) into ``out`` (written atomically)."""
    import sys
    summary = Summary()
    learners: dict | None = {} if feedback_dir else None
    try:
        raw = sys.stdin.buffer if responses == "-" else open(responses, "rb")
    except OSError as e:
        raise ResponsesError(f"{responses}: cannot read: {e.strerror or e}") from None
    try:
        with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                   newline="") as text:
            reader = csv.reader(text)
            try:
                with atomic_writer(out) as f:
                    csv.writer(f, lineterminator="\n").writerows(
                        grade_rows(book, reader, summary, learners, progress))
            except csv.Error as e:
                raise ResponsesError(f"{responses}:{reader.line_num}: not valid CSV: {e}") \
                    from None
    except OSError as e:
        raise ResponsesError(f"{out}: cannot write: {e.strerror or e}") from None
    if feedback_dir:
        from .learnerfeedback import write_learner_files
        write_learner_files(feedback_dir, learners)
    return summary
