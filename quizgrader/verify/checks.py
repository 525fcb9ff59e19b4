"""Deciding each option by simulation: the four checks of the verification semantics.

For an option with a claim (model M, ``when`` gates W, claimed behaviour g over horizon T):

1. reachable      no gate in W is fixed by M nearer the other value;
2. as-claimed     with W held, the behaviour over T is g;
3. reason-matters flipping each gate of W (0 ↔ 1) changes the behaviour;
4. model-delivers preserved: some scenario of M keeps gain(T) and reach(T) > vanish_below ×
                  reach(1); vanishes: every scenario loses it; explodes: all gates free explodes.

Every verdict comes from simulated numbers; nothing here knows what a gate "does". Only the
numbers at t = 1 and t = T are computed here; plots ask the simulator for full curves.
"""
from __future__ import annotations

from dataclasses import replace

from ..question.schema import Claim, Option, Question
from ..sim import Hold, Model, Scenario, Settings, Simulator, all_scenarios
from .results import (
    Check,
    Decision,
    Delivery,
    Flip,
    OptionVerdict,
    QuestionVerdict,
    Unreachable,
)

ORDER: tuple[Check, ...] = tuple(Check)


def claim_holds(when: dict[str, int], fixed: dict[str, float]) -> Scenario:
    """The holds of the cited gates that the model does not fix."""
    return tuple(Hold(g, int(v)) for g, v in sorted(when.items()) if g not in fixed)


def flipped(model: Model, when: dict[str, int], gate: str) -> tuple[Model, Scenario]:
    """The model and scenario with ``gate`` at the other value (a fixed gate is re-fixed)."""
    fixed = model.fixed_gates
    other = {**when, gate: 1 - when[gate]}
    if gate in fixed:
        fixed[gate] = float(other[gate])
        model = replace(model, fixed=fixed)
    return model, claim_holds(other, fixed)


def deliver(sim: Simulator, model: Model, claim: Claim, T: int, settings: Settings) -> tuple[
        bool, Delivery]:
    """Check 4: can the model do what the option says, in some (or every) scenario?"""
    if claim.gradient == "explodes":
        c = sim.run(model, (), T, settings, full=False)
        return c.behaviour == "explodes", Delivery((), c, 1, None)
    scenarios = all_scenarios(model)
    if claim.gradient == "vanishes":
        for i, s in enumerate(scenarios, 1):
            c = sim.run(model, s, T, settings, full=False)
            if c.behaviour != "vanishes":
                return False, Delivery(s, c, i, None)    # a counter-example
        return True, Delivery(None, None, len(scenarios), None)
    preserving = None
    for i, s in enumerate(scenarios, 1):
        c = sim.run(model, s, T, settings, full=False)
        if c.behaviour == "preserved":
            if float(c.reach[-1]) > settings.vanish_below * float(c.reach[0]):
                return True, Delivery(s, c, i, True)
            preserving = preserving or (s, c)
    if preserving is not None:     # keeps the gradient only by never reading its inputs
        return False, Delivery(preserving[0], preserving[1], len(scenarios), False)
    return False, Delivery(None, None, len(scenarios), None)


def verify_option(sim: Simulator, q: Question, opt: Option) -> OptionVerdict:
    """The verdict of one option of ``q``, simulated on ``sim``."""
    if opt.claim is None:
        return OptionVerdict(opt, bool(opt.correct), Decision.STATIC)
    claim, T, settings = opt.claim, q.horizon, q.simulation.settings()
    model = q.models[claim.model].model()
    fixed = model.fixed_gates
    checks: dict[Check, bool] = {}
    unreachable = tuple(Unreachable(g, w, fixed[g]) for g, w in sorted(claim.when.items())
                        if g in fixed and abs(fixed[g] - w) >= 0.5)
    scenario: Scenario = ()
    curves, flips = None, ()
    if claim.when:
        checks[Check.REACHABLE] = not unreachable
        if not unreachable:
            scenario = claim_holds(claim.when, fixed)
            curves = sim.run(model, scenario, T, settings, full=False)
            checks[Check.AS_CLAIMED] = curves.behaviour == claim.gradient
            flips = tuple(_flip(sim, model, claim.when, g, T, settings, curves.behaviour)
                          for g in sorted(claim.when))
            checks[Check.REASON_MATTERS] = all(f.changed for f in flips)
    else:
        curves = sim.run(model, (), T, settings, full=False)
    checks[Check.MODEL_DELIVERS], delivery = deliver(sim, model, claim, T, settings)
    failed = next((c for c in ORDER if checks.get(c) is False), None)
    return OptionVerdict(opt, failed is None, Decision(failed or Decision.ALL_PASS), checks,
                         unreachable, scenario, curves, flips, delivery)


def _flip(sim: Simulator, model: Model, when: dict[str, int], gate: str, T: int,
          settings: Settings, claimed: str) -> Flip:
    c = sim.run(*flipped(model, when, gate), T, settings, full=False)
    return Flip(gate, 1 - when[gate], c, c.behaviour != claimed)


def verify_question(q: Question, path: str = "", sim: Simulator | None = None
                    ) -> QuestionVerdict:
    """Every option of ``q`` (one shared simulator: each simulation runs once)."""
    sim = sim or Simulator()
    return QuestionVerdict(q, path, tuple(verify_option(sim, q, o) for o in q.options))
