"""The one text policy for identifiers (learner ids), shared by the grades CSV, the learner
files and the service: visible text only.

An identifier must be non-empty, at most ``limit`` characters, valid Unicode (no lone
surrogate, which no database driver can store) and printable: no control character, no
invisible or direction-changing format character (zero-width spaces, U+202E RIGHT-TO-LEFT
OVERRIDE), no line or paragraph separator and no space other than the ASCII one. Such ids
look like another learner's or hide text, so they are refused rather than "cleaned", which
would merge distinct learners.
"""
from __future__ import annotations

import unicodedata

#: The longest learner id accepted.
MAX_ID = 200


def id_problem(text: str, what: str = "learner", limit: int = MAX_ID) -> str | None:
    """Why ``text`` is not an acceptable identifier, or None."""
    if not text.strip():
        return f"{what}: a non-empty id is needed"
    if len(text) > limit:
        return f"{what}: at most {limit} characters, got {len(text)}"
    if text.isprintable():
        return None
    for ch in text:
        if ch.isprintable():
            continue
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return f"{what}: U+{ord(ch):04X} is half of a surrogate pair, not a character"
        kind = {"Cc": "control characters", "Cf": "invisible or direction-changing characters",
                "Zs": "spaces other than the plain one", "Zl": "line separators",
                "Zp": "paragraph separators"}.get(unicodedata.category(ch),
                                                  "unassigned or private characters")
        name = unicodedata.name(ch, "")
        return (f"{what}: {kind} are not allowed (U+{ord(ch):04X}{' ' + name if name else ''}"
                f"): an id must be visible text")
    return None                                    # unreachable: some char is not printable
