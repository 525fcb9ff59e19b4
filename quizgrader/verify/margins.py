"""Margins: how far, in decades, the number that decided a verdict sits from its threshold.

Every check is a yes/no built from comparisons of numbers with thresholds. Each comparison
has a margin |log10(value / threshold)|: how far the value must move, in decades, to flip it.
A combination of comparisons flips when the deciding ones do:

- all of several (AND): when true, the nearest one flipping flips it (min); when false,
  every false one must flip (max over the false ones);
- any of several (OR): when true, every true one must flip (max over the true ones); when
  false, the nearest one flipping flips it (min).

The :class:`Margin` kept is the deciding comparison's, so a report can name its numbers.

**(v4)** A value that is a median over seeds also has its 95 % interval
(:mod:`quizgrader.sim.spread`). A comparison whose threshold lies inside that interval
*straddles*: another seed set could flip it, however far the median sits. Straddling counts
as nearer to flipping than any margin in decades, so the rules above pick a straddling
comparison wherever one flipping flips the whole, and only when every one that must flip
straddles otherwise. A median of exactly 0 or a non-finite one is no margin of infinity when
its interval straddles: its margin is 0 decades.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
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
    ``value`` and ``threshold``; ``interval``: the value's 95 % interval over the seeds
    (None when unknown or not sampled)."""

    decades: float
    value: float = math.nan
    threshold: float = math.nan
    quantity: Quantity | None = None
    interval: tuple[float, float] | None = None

    @property
    def finite(self) -> bool:
        """True when a finite move of a number can flip the verdict."""
        return math.isfinite(self.decades)

    @property
    def straddles(self) -> bool:
        """The threshold lies inside the value's 95 % interval (v4)."""
        return self.interval is not None and \
            self.interval[0] <= self.threshold <= self.interval[1]

    def fragile(self, below: float) -> bool:
        """Another seed set could flip it: it straddles, or is within ``below`` decades."""
        return self.straddles or self.decades < below


#: The margin of something no number decides (or that no finite move can flip).
INFINITE = Margin(math.inf)
Part = tuple[bool, Margin]


def _decades(value: float, threshold: float) -> float:
    if math.isnan(value) or value == math.inf or value <= 0.0:
        return math.inf
    return abs(math.log10(value) - math.log10(threshold))   # value/threshold may underflow


def known(interval: tuple[float, float] | None) -> tuple[float, float] | None:
    """``interval`` with NaN read as +inf (it explodes), or None when it is unknown."""
    if interval is None or all(math.isnan(v) for v in interval):
        return None
    lo, hi = (math.inf if math.isnan(v) else v for v in interval)
    return lo, hi


def _edge(value: float, threshold: float, quantity: Quantity,
          interval: tuple[float, float] | None) -> Margin:
    m = Margin(_decades(value, threshold), value, threshold, quantity, known(interval))
    return replace(m, decades=0.0) if m.straddles and not m.finite else m


def gain_margin(gain: float, behaviour: Behaviour, s: Settings,
                interval: tuple[float, float] | None = None) -> Margin:
    """Decades between ``gain`` and the edge of ``behaviour``'s interval (vanishes: below
    vanish_below; explodes: above explode_above; preserved: between them), whichever side
    ``gain`` is on: the distance to leaving the interval, or to entering it. ``interval``:
    gain's 95 % interval over the seeds."""
    g = math.inf if math.isnan(gain) else gain
    edges = {"vanishes": (s.vanish_below,), "explodes": (s.explode_above,),
             "preserved": (s.vanish_below, s.explode_above)}[behaviour]
    return _pick([_edge(g, e, Quantity.GAIN, interval) for e in edges], largest=False)


def carry_margin(carry: float, s: Settings,
                 interval: tuple[float, float] | None = None) -> Margin:
    """Decades between carry(T) and the edge of the band [vanish_below, explode_above]
    that it is nearest (inside it or out); ``interval``: carry's 95 % interval."""
    c = math.inf if math.isnan(carry) else carry
    return _pick([_edge(c, e, Quantity.CARRY, interval)
                  for e in (s.vanish_below, s.explode_above)], largest=False)


def decade_margin(moved: float, interval: tuple[float, float] | None = None) -> Margin:
    """Decades between a flip's clipped move and the one-decade rule; ``interval``: the
    move's range over the flipped gain's 95 % interval."""
    return Margin(abs(moved - 1.0), moved, 1.0, Quantity.DECADES, known(interval))


def _nearness(m: Margin) -> tuple[bool, float]:
    """Sorts margins from the nearest to flipping: straddling ones first, then by decades."""
    return not m.straddles, m.decades


def _pick(margins: Sequence[Margin], largest: bool) -> Margin:
    if not margins:
        return INFINITE
    return (max if largest else min)(margins, key=_nearness)


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
