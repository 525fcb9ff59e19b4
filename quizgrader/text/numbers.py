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
