"""Misreadings, derived from why an option is wrong (or what its flip would be).

Each wrong option of a verified question carries one misreading, named by the check that
decided it and the gates it cites (verification.md); nothing here knows what a gate does:

=====================  ===========================================================
kind                   the option was wrong because
=====================  ===========================================================
polarity               as claimed failed, and the cited gates at their other values
                       give the claimed behaviour
wrong-gate             reason matters failed: a cited gate makes no difference
keeping-is-learning    model delivers failed for ``preserved`` while the claim's own
                       setting keeps the gradient (kept only because nothing is written)
always-vanishes        model delivers failed for ``vanishes``: a setting keeps it
removal                reachable failed: the model fixes the cited gate elsewhere
direction              as claimed failed otherwise, or model delivers failed with the
                       behaviour itself confused (vanishes / kept / explodes)
=====================  ===========================================================

A right option whose cited gates, flipped, change the behaviour carries the ``polarity``
misreading of its flip: leaving it out is evidence for that misreading. The flip of a
because-claim is the verification's own (check 3); an ``if`` claim has none, so the caller
simulates it (:func:`flip_behaviour`), the same counterfactual check 3 runs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from ..question.schema import ClaimKind, Question
from ..sim import Scenario, Simulator
from ..verify import Decision, OptionVerdict, flipped

#: A setting: (gate, value) pairs in gate order; values are 0 / 1 (held) or a fixed value.
Setting = tuple[tuple[str, float], ...]


class Kind(StrEnum):
    """The six misreadings of the contract (diagnosis.md)."""

    POLARITY = "polarity"
    WRONG_GATE = "wrong-gate"
    KEEPING_IS_LEARNING = "keeping-is-learning"
    ALWAYS_VANISHES = "always-vanishes"
    REMOVAL = "removal"
    DIRECTION = "direction"


@dataclass(frozen=True)
class Reading:
    """One misreading as one option shows it.

    cell     : the cell type the options speak of ('gru')
    gates    : the setting the learner's belief is about (polarity: the cited gates at the
               values the learner credits; wrong-gate: the irrelevant gates; removal: the
               unreachable gates at the value cited; keeping-is-learning / always-vanishes:
               the model's fixed gates and the cited ones; direction: the cited gates)
    believed : the behaviour the learner expects there ('preserved', 'vanishes', 'explodes')
    measured : the behaviour the simulation measured there ('' when it did not run)
    other    : polarity: the setting that does give ``believed``; wrong-gate: the gates that
               decide instead (the relevant cited ones, else the model's fixed ones);
               removal: the values the model fixes; always-vanishes: the setting that keeps
               the gradient (its holds always; see ``kept``); otherwise ()
    kept     : always-vanishes: the scenario that keeps the gradient, whole
    fixed    : the fixed gates of the option's model (a gate of ``gates`` or ``other`` that
               is here is fixed there, not held)
    """

    kind: Kind
    cell: str
    gates: Setting
    believed: str
    measured: str = ""
    other: Setting = ()
    kept: Scenario = ()
    fixed: Setting = ()

    @cached_property
    def key(self) -> tuple[str, ...]:
        """What makes two readings the same misreading: kind, cell and gate set (the values
        and behaviours are the learner's own; they may differ between questions)."""
        return (self.kind.value, self.cell, ",".join(g for g, _ in self.gates))


def common(readings: list[Reading]) -> Reading:
    """The first of ``readings`` (one misreading as several answers show it), with a gate
    value the answers do not agree on as NaN ("at either value"): a ``polarity`` reading
    is kept whole, its values being the learner's belief."""
    first = readings[0]
    if first.kind == Kind.POLARITY or len(readings) == 1:
        return first

    def agreed(of: list[Setting]) -> Setting:
        values: dict[str, set[float]] = {}
        for pairs in of:
            for g, v in pairs:
                values.setdefault(g, set()).add(v)
        return tuple((g, v if len(values[g]) == 1 and sum(g in dict(p) for p in of) == len(of)
                      else math.nan) for g, v in of[0])

    return replace(first, gates=agreed([r.gates for r in readings]),
                   fixed=agreed([r.fixed for r in readings]))


def _setting(pairs: dict[str, float] | dict[str, int]) -> Setting:
    return tuple((g, float(v)) for g, v in sorted(pairs.items()))


def flip_behaviour(sim: Simulator | None, q: Question, v: OptionVerdict) -> str | None:
    """The behaviour over the horizon with every cited gate at its other value: the
    verification's joint (or single) flip for a because-claim, simulated here for an ``if``
    claim (None without ``sim``); None without cited gates, or when the claim's setting is
    unreachable."""
    claim = v.option.claim
    if claim is None or not claim.gates or v.unreachable:
        return None
    if v.joint is not None:
        return v.joint.curves.behaviour
    if len(v.flips) == 1:
        return v.flips[0].curves.behaviour
    if sim is None:
        return None
    model = q.models[claim.model].model()
    other, holds = flipped(model, claim.gates, *sorted(claim.gates))
    return sim.run(other, holds, q.horizon, q.simulation.settings(), full=False).behaviour


def reading(q: Question, v: OptionVerdict, flip: str | None) -> Reading | None:
    """The misreading that choosing ``v``'s option (wrong) or leaving it out (right) shows;
    ``flip``: the behaviour with its cited gates flipped (:func:`flip_behaviour`)."""
    r = _reading(q, v, flip)
    claim = v.option.claim
    if r is None or claim is None:
        return r
    return replace(r, fixed=_setting(q.models[claim.model].model().fixed_gates))


def _reading(q: Question, v: OptionVerdict, flip: str | None) -> Reading | None:
    claim = v.option.claim
    if claim is None or v.decided_by == Decision.STATIC:
        return None
    model = q.models[claim.model].model()
    cell, fixed, cited = model.cell, model.fixed_gates, _setting(claim.gates)
    measured = v.curves.behaviour if v.curves is not None else ""
    other = tuple((g, 1.0 - x) for g, x in cited)
    if v.correct:                     # its flip would be wrong: "the other values do it"
        if flip is None or flip == claim.gradient or claim.kind == ClaimKind.BARE:
            return None
        return Reading(Kind.POLARITY, cell, other, claim.gradient, flip, cited)
    d = v.decided_by
    if d == Decision.REACHABLE:
        return Reading(Kind.REMOVAL, cell,
                       tuple((u.gate, float(u.wanted)) for u in v.unreachable),
                       claim.gradient, "", tuple((u.gate, u.fixed) for u in v.unreachable))
    if d == Decision.AS_CLAIMED:
        if cited and flip == claim.gradient:
            return Reading(Kind.POLARITY, cell, cited, claim.gradient, measured, other)
        return Reading(Kind.DIRECTION, cell, cited, claim.gradient, measured)
    if d == Decision.REASON_MATTERS:
        idle = {f.gates[0] for f in v.flips if not f.relevant} or {g for g, _ in cited}
        deciding = tuple((g, x) for g, x in cited if g not in idle) or _setting(fixed)
        return Reading(Kind.WRONG_GATE, cell, tuple((g, x) for g, x in cited if g in idle),
                       claim.gradient, measured, deciding)
    if d == Decision.MODEL_DELIVERS:
        setting = _setting({**fixed, **claim.gates})
        if claim.gradient == "preserved" and measured == "preserved":
            return Reading(Kind.KEEPING_IS_LEARNING, cell, setting, "preserved", measured)
        if claim.gradient == "vanishes":
            keep = v.delivery.deciding if v.delivery is not None else None
            kept = keep.curves.behaviour if keep is not None else ""
            holds = _setting({h.gate: h.value for h in keep.scenario if h.always}) \
                if keep else ()
            return Reading(Kind.ALWAYS_VANISHES, cell, setting, "vanishes", kept, holds,
                           keep.scenario if keep else ())
        delivered = v.delivery.deciding if v.delivery is not None else None
        seen = delivered.curves.behaviour if claim.gradient == "explodes" and delivered \
            else measured
        return Reading(Kind.DIRECTION, cell, cited, claim.gradient, seen)
    return None
