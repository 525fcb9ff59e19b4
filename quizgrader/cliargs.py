"""Values typed on the command line: ``G=V`` gate assignments for ``--fix`` and ``--hold``."""
from __future__ import annotations

import re

from .errors import ConfigError
from .sim import Hold

_ASSIGN = re.compile(r"^\s*([a-z]+)\s*=\s*([^@\s]+)\s*(?:@\s*(\d+)\s*(:)?\s*(\d+)?)?\s*$")


def parse_assignment(text: str) -> tuple[str, float, int, int | None]:
    """Parse ``gate=value`` or ``gate=value@start[:[stop]]`` as typed on the command line."""
    m = _ASSIGN.match(text)
    if not m:
        raise ConfigError(f"{text!r}: expected GATE=VALUE, e.g. update=0 or update=1@1")
    gate, value, start, colon, stop = m.groups()
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{text!r}: {value!r} is not a number") from None
    if start is None:
        return gate, number, 1, None
    first = int(start)
    last = (int(stop) if stop else None) if colon else first
    return gate, number, first, last


def parse_fixes(fixes: tuple[str, ...]) -> dict[str, float]:
    """``--fix G=V`` flags as a mapping gate -> constant."""
    fixed: dict[str, float] = {}
    for text in fixes:
        gate, value, start, stop = parse_assignment(text)
        if (start, stop) != (1, None):
            raise ConfigError(f"--fix {text}: a fixed gate holds at every step (no @)")
        if gate in fixed:
            raise ConfigError(f"--fix {gate} given twice")
        fixed[gate] = value
    return fixed


def parse_holds(holds: tuple[str, ...]) -> tuple[Hold, ...]:
    """``--hold G=0|1[@A[:B]]`` flags as holds."""
    out = []
    for text in holds:
        gate, value, start, stop = parse_assignment(text)
        if value not in (0.0, 1.0):
            raise ConfigError(f"--hold {text}: a held gate is 0 or 1 (use --fix for a constant)")
        out.append(Hold(gate, int(value), start, stop))
    return tuple(out)
