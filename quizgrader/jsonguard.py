"""One guard for every JSON document read from outside (a request body, a cache entry's
header): bounded size and nesting, so that no input can make the parser recurse until the
interpreter gives up (a RecursionError is not a clean error)."""
from __future__ import annotations

import json
from typing import Any

#: The deepest nesting of arrays and objects accepted.
MAX_DEPTH = 32


class JSONRefused(ValueError):
    """A JSON document that is too deep, too large or not JSON."""


def depth(raw: bytes | str) -> int:
    """The deepest nesting of ``[`` / ``{`` outside strings (a fast scan; no parsing)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    deepest = level = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            level += 1
            deepest = max(deepest, level)
        elif ch in "]}":
            level -= 1
    return deepest


def loads(raw: bytes | str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` with the size and depth bounds checked first."""
    if len(raw) > max_bytes:
        raise JSONRefused(f"it is over {max_bytes} bytes")
    if depth(raw) > max_depth:
        raise JSONRefused(f"it is nested deeper than {max_depth} levels")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise JSONRefused("it is not JSON") from None
