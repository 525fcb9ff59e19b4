"""Margins: how far, in decades, the number that decided a verdict sits from its threshold.

Every check is a yes/no built from comparisons of numbers with thresholds. Each comparison
has a margin |log10(value / threshold)|: how far the value must move, in decades, to flip it.
A combination of comparisons flips when the deciding ones do:

- all of several (AND): when true, the nearest one flipping flips it (min); when false,
  every false one must flip (max over the false ones);
- any of several (OR): when true, every true one must flip (max over the true ones); when
  false, the nearest one flipping flips it (min).

The :class:`Margin` kept is the deciding comparison's, so a report can name its numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Sequence

from ..sim import Behaviour, Settings


class Quantity(StrEnum):
    """What a margin's value measures."""

    GAIN = "gain"                  # gain(T) against a vanishing or exploding threshold
    CARRY = "carry"                # carry(T) = reach(T) / reach₀(1) against either threshold
    DECADES = "decades"            # a flip's clipped move in decades against 1


@dataclass(frozen=True)
class Margin:
    """``decades`` (≥ 0; inf when no finite move of a number flips the verdict) between
    ``value`` and ``threshold``."""

    decades: float
    value: float = math.nan
    threshold: float = math.nan
    quantity: Quantity | None = None

    @property
    def finite(self) -> bool:
        """True when a finite move of a number can flip the verdict."""
        return math.isfinite(self.decades)


#: The margin of something no number decides (or that no finite move can flip).
INFINITE = Margin(math.inf)
Part = tuple[bool, Margin]


def _decades(value: float, threshold: float) -> float:
    if math.isnan(value) or value == math.inf or value <= 0.0:
        return math.inf
    return abs(math.log10(value) - math.log10(threshold))   # value/threshold may underflow


def gain_margin(gain: float, behaviour: Behaviour, s: Settings) -> Margin:
    """Decades between ``gain`` and the edge of ``behaviour``'s interval (vanishes: below
    vanish_below; explodes: above explode_above; preserved: between them), whichever side
    ``gain`` is on: the distance to leaving the interval, or to entering it."""
    g = math.inf if math.isnan(gain) else gain
    edges = {"vanishes": (s.vanish_below,), "explodes": (s.explode_above,),
             "preserved": (s.vanish_below, s.explode_above)}[behaviour]
    return min((Margin(_decades(g, e), g, e, Quantity.GAIN) for e in edges),
               key=lambda m: m.decades)


def carry_margin(carry: float, s: Settings) -> Margin:
    """Decades between carry(T) and the edge of the band [vanish_below, explode_above]
    that it is nearest (inside it or out)."""
    c = math.inf if math.isnan(carry) else carry
    return min((Margin(_decades(c, e), c, e, Quantity.CARRY)
                for e in (s.vanish_below, s.explode_above)), key=lambda m: m.decades)


def decade_margin(moved: float) -> Margin:
    """Decades between a flip's clipped move and the one-decade rule."""
    return Margin(abs(moved - 1.0), moved, 1.0, Quantity.DECADES)


def _pick(margins: Sequence[Margin], largest: bool) -> Margin:
    if not margins:
        return INFINITE
    return (max if largest else min)(margins, key=lambda m: m.decades)


def all_of(parts: Sequence[Part]) -> Part:
    """AND of parts, with its margin (see the module docstring)."""
    ok = all(p for p, _ in parts)
    if ok:
        return True, _pick([m for _, m in parts], largest=False)
    return False, _pick([m for p, m in parts if not p], largest=True)


def any_of(parts: Sequence[Part]) -> Part:
    """OR of parts, with its margin (see the module docstring)."""
    ok = any(p for p, _ in parts)
    if ok:
        return True, _pick([m for p, m in parts if p], largest=True)
    return False, _pick([m for _, m in parts], largest=False)
