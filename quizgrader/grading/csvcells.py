"""Cells of the grades CSV: quoted by hand (csv.writer leaves a lone CR unquoted), safe
from spreadsheet formulas, and honest about bytes that were not UTF-8."""
from __future__ import annotations

from typing import Iterable

FORMULA = ("=", "+", "-", "@", "\t", "\r")
_SPECIAL = (",", '"', "\r", "\n")


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
    """Neutralise spreadsheet formulas, NUL and undecodable bytes in an output cell (the
    last two become U+FFFD)."""
    if undecodable(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return "'" + text if text.startswith(FORMULA) else text


def quote(cell: str) -> str:
    """One CSV cell, quoted when it holds a comma, a quote or a line break (csv.writer leaves
    a lone CR unquoted, which would split the row when read back)."""
    if any(ch in cell for ch in _SPECIAL):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def row_text(cells: Iterable[str]) -> str:
    """One CSV row as text (no line end), quoted as the csv module quotes."""
    return ",".join(quote(c) for c in cells)
