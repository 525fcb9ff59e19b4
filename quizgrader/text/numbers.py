"""Numbers for people and for JSON."""
from __future__ import annotations

import math


def fmt(v: float) -> str:
    """A number for people: 3 significant digits, scientific when small or large."""
    if v != v or v in (float("inf"), float("-inf")):
        return "inf" if v != v or v > 0 else "-inf"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:#.3g}".rstrip(".")       # keeps trailing zeros: 1.00, 0.660
    return f"{v:.2e}"


def score(x: float | None) -> str:
    """A score as written in grades: up to 4 significant digits, '' for none."""
    return "" if x is None else f"{x:.4g}"


def json_number(v: float | None) -> float | None:
    """JSON has no inf or NaN: those (and None) become null."""
    return None if v is None or not math.isfinite(v) else float(v)


#: Below this a number is "essentially zero" in learner text.
TINY = 1e-12
#: A gain that underflowed to 0 is below this (the simulation keeps nothing smaller).
FLOOR = 1e-300


def plain(v: float) -> str:
    """A number for learners: two significant digits ('0.66', '1.0', '77', '9e-19',
    '7.7e-301', '8.7e22'); not finite: 'inf'."""
    if v != v or v in (float("inf"), float("-inf")):
        return "inf" if v != v or v > 0 else "-inf"
    if v == 0:
        return "0"
    r = float(f"{v:.2g}")
    a = abs(r)
    if 100 <= a < 1e4:
        return f"{r:.0f}"
    if 1e-3 <= a < 100:
        return f"{r:#.2g}".rstrip(".")
    mantissa, exp = f"{v:.1e}".split("e")
    return f"{mantissa.removesuffix('.0')}e{int(exp)}"


def amount(v: float) -> str:
    """A gain for learners: plain, or 'essentially zero (7.7e-301)' below 1e-12, or
    'essentially zero (below 1e-300)' where it underflowed."""
    if v == 0:
        return f"essentially zero (below {FLOOR:g})"
    if 0 < abs(v) < TINY:
        return f"essentially zero ({plain(v)})"
    return plain(v)


def factor(gain: float, steps: int) -> str:
    """The per-step factor gain^(1/T) with as many significant digits (four at least) as it
    takes for the printed factor, raised to T, to give the gain back to two significant
    digits: '0.6600' for 9e-19 over 100 steps; 0.52 over 1000 needs '0.99935'.
    An underflowed gain gives the bound it implies, not finite gains 'inf'."""
    if gain == 0:
        return plain(FLOOR ** (1.0 / steps))
    if not math.isfinite(gain) or gain < 0:
        return "inf"
    f = gain ** (1.0 / steps)
    want = plain(gain)
    for digits in range(4, 18):           # four at least: two settings compare digit by digit
        text = f"{f:#.{digits}g}".rstrip(".")
        if plain(float(text) ** steps) == want:
            return text
    return repr(f)


def per_step(gain: float, steps: int) -> str:
    """The per-step factor for learners: '0.65996 per step' (see :func:`factor`), or for an
    underflowed gain the bound it implies: 'under 0.0010 per step'."""
    if gain == 0:
        return f"under {factor(gain, steps)} per step"
    if not math.isfinite(gain):
        return "without bound"
    return f"{factor(gain, steps)} per step"
