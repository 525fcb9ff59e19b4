"""Deciding each option by simulation: the checks of the verification semantics (v3).

An option's claim names a model M, gate values G (its ``when`` or its ``if``) and a behaviour
g over the horizon T. A because-claim (``when``) runs all four checks, a conditional claim
(``if``) checks 1 and 2 (``if: free``: with no gate held), a bare claim (no gates) check 4:

1. reachable      a gate of G that M fixes at v is cited at w with |v − w| < 0.5;
2. as-claimed     with G held, the behaviour over T is g;
3. reason-matters flipping all of G together changes the behaviour, and flipping each gate
                  alone changes it or moves gain(T) by ≥ 1 decade (clipped to the thresholds);
4. model-delivers preserved (v3): some scenario of M carries the first input to T:
                  carry(T) = reach(T) / reach₀(1) is within [vanish_below, explode_above],
                  reach₀(1) the reach after one step with every free gate free; vanishes:
                  every scenario loses the gain; explodes: all gates free explodes.

Every verdict comes from simulated numbers; nothing here knows what a gate "does". Each check
also has a margin (:mod:`.margins`), and each median its 95 % interval over the seeds (v4):
gain(T) and reach(T) (so carry(T)) from the simulation, a flip's move from its gain's.
Check 4 scans the scenarios in order, a few at a time, and stops once the verdict is decided
by a number that is not fragile (at least ``fragile_below`` from its threshold, which lies
outside its interval; its margin is then the best found: the fragile flag is exact, the
margin a lower bound); otherwise it tries them all. Only the numbers at t = 1 and t = T are
computed here; plots ask the simulator for full curves.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

from ..question.schema import Claim, ClaimKind, Option, Question
from ..sim import Curves, Hold, Model, Scenario, Settings, Simulator, all_scenarios
from ..sim.model import pairs
from .margins import INFINITE, Part, all_of, any_of, carry_margin, decade_margin, gain_margin, known
from .results import (
    Check,
    CheckResult,
    Decision,
    Delivery,
    Flip,
    OptionVerdict,
    QuestionVerdict,
    Tried,
    Unreachable,
)

ORDER: tuple[Check, ...] = tuple(Check)


def claim_holds(gates: dict[str, int], fixed: dict[str, float]) -> Scenario:
    """The holds of the cited gates that the model does not fix."""
    return tuple(Hold(g, int(v)) for g, v in sorted(gates.items()) if g not in fixed)


def flipped(model: Model, gates: dict[str, int], *flip: str) -> tuple[Model, Scenario]:
    """The model and scenario with the gates ``flip`` at their other value (a fixed gate is
    re-fixed at it)."""
    fixed = model.fixed_gates
    other = {**gates, **{g: 1 - gates[g] for g in flip}}
    if any(g in fixed for g in flip):
        fixed.update({g: float(other[g]) for g in flip if g in fixed})
        model = replace(model, fixed=pairs(fixed))
    return model, claim_holds(other, fixed)


def _clipped_log(gain: float, s: Settings) -> float:
    g = math.inf if math.isnan(gain) else gain
    return math.log10(min(max(g, s.vanish_below), s.explode_above))


def _moved_interval(c: Curves, claim: Curves, s: Settings) -> tuple[float, float] | None:
    """The range of a flip's clipped move in decades while its gain(T) spans its 95 %
    interval (the claim's gain at its median)."""
    interval = known(c.gain_interval)
    if interval is None:
        return None
    b = _clipped_log(claim.final, s)
    lo, hi = (_clipped_log(g, s) - b for g in interval)
    return (0.0 if lo <= 0.0 <= hi else min(abs(lo), abs(hi))), max(abs(lo), abs(hi))


def _flip(c: Curves, gates: dict[str, int], flip: tuple[str, ...], s: Settings, claim: Curves
          ) -> Flip:
    """The evidence of flipping ``flip`` (curves ``c``) against the claim's curves. Flipping
    every cited gate must change the behaviour; one gate of several may instead move the
    gain by a decade (when it is the only cited gate, its flip is the joint one)."""
    changed = c.behaviour != claim.behaviour
    moved = abs(_clipped_log(c.final, s) - _clipped_log(claim.final, s))
    change: Part = (changed, gain_margin(c.final, claim.behaviour, s, c.gain_interval))
    relevant, margin = any_of([change, (moved >= 1.0,
                                        decade_margin(moved, _moved_interval(c, claim, s)))]) \
        if len(flip) < len(gates) else change
    return Flip(flip, tuple(1 - gates[g] for g in flip), c, changed, moved, relevant, margin)


def _carry(reach: float, reach0: float) -> float:
    """reach / reach₀(1): 0 for a cell that never writes an input, +inf for NaN."""
    carry = reach / reach0 if reach0 > 0 else 0.0
    return math.inf if math.isnan(carry) else carry


def _tried(c: Curves, scenario: Scenario, reach0: float, s: Settings) -> Tried:
    carry = _carry(float(c.reach[-1]), reach0)
    interval = known(c.reach_interval)
    return Tried(scenario, c, carry, s.vanish_below <= carry <= s.explode_above,
                 None if interval is None else (_carry(interval[0], reach0),
                                                _carry(interval[1], reach0)))


def _scan(sim: Simulator, model: Model, T: int, s: Settings, reach0: float,
          decided: Callable[[list[Tried]], bool]) -> list[Tried]:
    """Simulate the model's scenarios in order, 2, then 4, 8, ... at a time, until
    ``decided(tried)`` or none is left."""
    scenarios, size = all_scenarios(model), 2
    tried: list[Tried] = []
    while len(tried) < len(scenarios):
        batch = scenarios[len(tried):len(tried) + size]
        runs = sim.run_many([(model, sc) for sc in batch], T, s, full=False)
        tried += [_tried(c, sc, reach0, s) for c, sc in zip(runs, batch, strict=True)]
        if decided(tried):
            break
        size *= 2
    return tried


def deliver(sim: Simulator, model: Model, claim: Claim, T: int, s: Settings,
            fragile_below: float) -> tuple[Part, Delivery]:
    """Check 4: can the model do what the option says, in some (or every) scenario?"""
    free = sim.run(model, (), T, s, full=False)
    reach0 = float(free.reach[0])
    if claim.gradient == "explodes":
        t = _tried(free, (), reach0, s)
        ok = t.curves.behaviour == "explodes"
        return ((ok, gain_margin(t.curves.final, "explodes", s, t.curves.gain_interval)),
                Delivery((t,), t, reach0))
    if claim.gradient == "vanishes":
        def parts(tried: list[Tried]) -> Part:
            return all_of([(t.curves.behaviour == "vanishes",
                            gain_margin(t.curves.final, "vanishes", s, t.curves.gain_interval))
                           for t in tried])
    else:
        def parts(tried: list[Tried]) -> Part:
            return any_of([(t.carries, carry_margin(t.carry, s, t.carry_interval))
                           for t in tried])

    def decided(tried: list[Tried]) -> bool:       # an outcome only a robust number gives
        ok, margin = parts(tried)
        return ok == (claim.gradient == "preserved") and not margin.fragile(fragile_below)

    tried = tuple(_scan(sim, model, T, s, reach0, decided))
    part = parts(list(tried))
    if claim.gradient == "vanishes":
        counter = next((t for t in tried if t.curves.behaviour != "vanishes"), None)
        return part, Delivery(tried, counter, reach0)
    carrying = [t for t in tried if t.carries]
    if carrying:
        return part, Delivery(tried, max(carrying, key=lambda t: t.carry), reach0)
    nearest = min(tried, key=lambda t: carry_margin(t.carry, s).decades) if reach0 > 0 \
        else None
    return part, Delivery(tried, nearest, reach0)


def verify_option(sim: Simulator, q: Question, opt: Option) -> OptionVerdict:
    """The verdict of one option of ``q``, simulated on ``sim``."""
    if opt.claim is None:
        return OptionVerdict(opt, bool(opt.correct), Decision.STATIC)
    claim, T, s = opt.claim, q.horizon, q.simulation.settings()
    model = q.models[claim.model].model()
    fixed, gates = model.fixed_gates, claim.gates
    checks: list[CheckResult] = []
    unreachable = tuple(Unreachable(g, w, fixed[g]) for g, w in sorted(gates.items())
                        if g in fixed and abs(fixed[g] - w) >= 0.5)
    scenario: Scenario = ()
    curves: Curves | None = None
    flips: tuple[Flip, ...] = ()
    joint: Flip | None = None
    delivery: Delivery | None = None
    if claim.has_setting:
        checks.append(CheckResult(Check.REACHABLE, not unreachable, None))
        if not unreachable:
            scenario = claim_holds(gates, fixed)
            because = claim.kind == ClaimKind.BECAUSE
            flips_of: list[tuple[str, ...]] = [(g,) for g in sorted(gates)] if because else []
            if because and len(gates) > 1:
                flips_of.append(tuple(sorted(gates)))
            runs = sim.run_many([(model, scenario)] + [flipped(model, gates, *f)
                                                       for f in flips_of], T, s, full=False)
            curves = runs[0]
            checks.append(CheckResult(Check.AS_CLAIMED, curves.behaviour == claim.gradient,
                                      gain_margin(curves.final, claim.gradient, s,
                                                  curves.gain_interval)))
            if because:
                evidence = [_flip(c, gates, f, s, curves)
                            for c, f in zip(runs[1:], flips_of, strict=True)]
                flips = tuple(evidence[:len(gates)])
                joint = evidence[len(gates)] if len(evidence) > len(gates) else None
                ok, margin = all_of(([(joint.changed, joint.margin)] if joint else [])
                                    + [(f.relevant, f.margin) for f in flips])
                checks.append(CheckResult(Check.REASON_MATTERS, ok, margin))
    else:
        curves = sim.run(model, (), T, s, full=False)
    if claim.kind != ClaimKind.IF:
        (ok, margin), delivery = deliver(sim, model, claim, T, s, q.simulation.fragile_below)
        checks.append(CheckResult(Check.MODEL_DELIVERS, ok, margin))
    failed = next((c for c in ORDER for r in checks if r.check == c and not r.passed), None)
    correct, margin = all_of([(r.passed, r.margin or INFINITE) for r in checks])
    if not correct:              # the deciding check's own margin: its number is the reason
        margin = next(r.margin or INFINITE for r in checks if r.check == failed)
    numeric = margin if margin.finite else None
    fragile = numeric is not None and numeric.fragile(q.simulation.fragile_below)
    return OptionVerdict(opt, correct, Decision(failed or Decision.ALL_PASS), tuple(checks),
                         unreachable, scenario, curves, flips, joint, delivery, numeric, fragile)


def verify_question(q: Question, path: str = "", sim: Simulator | None = None
                    ) -> QuestionVerdict:
    """Every option of ``q`` (one shared simulator: each simulation runs once)."""
    sim = sim or Simulator()
    return QuestionVerdict(q, path, tuple(verify_option(sim, q, o) for o in q.options))
