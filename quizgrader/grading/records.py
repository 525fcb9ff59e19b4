"""Reading CSV records from a text stream so that no input can stop the others being read.

Bounds: a physical line longer than MAX_LINE characters is one error row (the rest of it is
skipped unread); a quoted field that spans lines may take MAX_RECORD_LINES lines and
MAX_RECORD characters. A quote that does not close within those bounds, or before the end of
the file, is a malformed row: its first line becomes one error row and the lines after it are
read again as rows of their own, so a stray ``"`` loses nothing. A record the csv module
refuses (a field over its 128 KiB limit, say) is an error row too.
"""
from __future__ import annotations

import csv
from collections import deque
from typing import Iterator, TextIO

MAX_LINE = 1 << 20                 # characters in one physical line
MAX_SKIP = 64 << 20                # characters skipped in an overlong line before giving up
MAX_RECORD = 1 << 20               # characters in one record
MAX_RECORD_LINES = 8               # physical lines in one record
OVERLONG = "\0overlong"            # the sentinel line of a line over MAX_LINE


class Records:
    """The lines and records of a CSV text opened with ``newline=""``."""

    def __init__(self, text: TextIO, learner: int | None = 0):
        """``learner``: the column that may hold line breaks (None: none may)."""
        self.learner = learner
        self._read = text.readline
        self.pending: deque[str] = deque()  # lines to read again, before the text's next
        self.cut = False                   # True once an endless line stopped the reading

    def line(self) -> str:
        """The next physical line with its line end ('' at the end of the text), or
        OVERLONG for a line longer than MAX_LINE (skipped to its end)."""
        if self.pending:
            return self.pending.popleft()
        if self.cut:
            return ""
        line = self._read(MAX_LINE + 1)
        if len(line) <= MAX_LINE or line.endswith(("\n", "\r")):
            return line
        return self.overlong(line)

    def overlong(self, line: str) -> str:
        """Skip the rest of a line whose first MAX_LINE + 1 characters are ``line``."""
        skipped = len(line)
        while skipped < MAX_SKIP:         # skip the rest of the overlong line, in chunks
            rest = self._read(MAX_LINE)
            skipped += len(rest)
            if not rest or rest.endswith(("\n", "\r")):
                return OVERLONG
        self.cut = True                   # no line end in sight (/dev/zero?): stop here
        return OVERLONG

    def record(self, line: str) -> tuple[list[str], str | None]:
        """The fields of the record that starts with ``line``, or ([], reason). The csv
        module reads the record, asking for more lines only while a quoted field is open."""
        if line is OVERLONG:
            return [], (f"line longer than {MAX_LINE >> 20} MiB" if not self.cut else
                        f"line longer than {MAX_SKIP >> 20} MiB; the input was not read "
                        f"further")
        lines, short = [line], []

        def feed() -> Iterator[str]:
            yield line
            size = len(line)
            while True:
                nxt = self.line() if len(lines) < MAX_RECORD_LINES and size < MAX_RECORD \
                    else ""
                if not nxt or nxt is OVERLONG:
                    short.append(nxt)          # the quote did not close in time
                    return
                lines.append(nxt)
                size += len(nxt)
                yield nxt

        problem: str | None
        try:
            row = next(csv.reader(feed()), [])
        except csv.Error as e:
            row, problem = [], f"not valid CSV ({e})"
        else:
            problem = None
        broken = len(lines) > 1 and any(
            "\n" in f or "\r" in f for i, f in enumerate(row) if i != self.learner)
        if short or broken:
            again = lines[1:] + ([short[0]] if short and short[0] else [])
            self.pending.extendleft(reversed(again))      # read them again, alone
            return [], "unterminated quote"
        return row, problem
