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

from dataclasses import dataclass, field, replace
from typing import Literal

from .gates import Hold
from .question.schema import Claim, Option, Question
from .scenarios import Scenario, Simulator, all_scenarios
from .simulate import Curves, Model, Settings

CheckName = Literal["reachable", "as-claimed", "reason-matters", "model-delivers"]
ORDER: tuple[CheckName, ...] = ("reachable", "as-claimed", "reason-matters", "model-delivers")


@dataclass(frozen=True)
class Flip:
    """The counterfactual of check 3: gate ``gate`` at ``value`` instead of the claimed one."""

    gate: str
    value: int
    curves: Curves


@dataclass(frozen=True)
class Delivery:
    """Check 4's evidence: the scenarios tried and, if any, the one that decided."""

    scenario: Scenario | None      # the deciding scenario (delivered / counter-example)
    curves: Curves | None
    tried: int
    reads_inputs: bool | None      # for preserved: did some preserving scenario read inputs?


@dataclass(frozen=True)
class OptionVerdict:
    option: Option
    correct: bool
    decided_by: str                                   # a check name, "static" or "all-pass"
    checks: dict[str, bool] = field(default_factory=dict)   # checks that ran
    unreachable: tuple[tuple[str, float], ...] = ()   # when-gates fixed at the other value
    scenario: Scenario = ()
    curves: Curves | None = None                      # the claim's scenario
    flips: tuple[Flip, ...] = ()
    delivery: Delivery | None = None

    @property
    def gain(self) -> float | None:
        return float(self.curves.gain[-1]) if self.curves is not None else None


@dataclass(frozen=True)
class QuestionVerdict:
    question: Question
    path: str
    options: tuple[OptionVerdict, ...]

    @property
    def computed_key(self) -> list[str]:
        return [v.option.id for v in self.options if v.correct]

    @property
    def author_key(self) -> list[str] | None:
        if self.question.key is None:
            return None
        return [o.id for o in self.question.options
                if any(k.upper() == o.id.upper() for k in self.question.key)]

    @property
    def status(self) -> str:
        if self.question.select == "one" and len(self.computed_key) != 1:
            return "ambiguous"
        if self.author_key is not None and self.author_key != self.computed_key:
            return "key-mismatch"
        return "ok"

    def verdict(self, option_id: str) -> OptionVerdict | None:
        want = option_id.strip().upper()
        return next((v for v in self.options if v.option.id.upper() == want), None)


def claim_holds(when: dict[str, int], fixed: dict[str, float]) -> Scenario:
    return tuple(Hold(g, int(v)) for g, v in sorted(when.items()) if g not in fixed)


def flipped(model: Model, when: dict[str, int], gate: str) -> tuple[Model, Scenario]:
    """The model and scenario with ``gate`` at the other value (a fixed gate is re-fixed)."""
    fixed = dict(model.fixed)
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
    if opt.claim is None:
        return OptionVerdict(opt, bool(opt.correct), "static")
    claim, T, settings = opt.claim, q.horizon, q.simulation.settings()
    model = q.models[claim.model].model()
    fixed = dict(model.fixed)
    checks: dict[str, bool] = {}
    unreachable = tuple((g, fixed[g]) for g, w in sorted(claim.when.items())
                        if g in fixed and abs(fixed[g] - w) >= 0.5)
    scenario: Scenario = ()
    curves, flips = None, ()
    if claim.when:
        checks["reachable"] = not unreachable
        if not unreachable:
            scenario = claim_holds(claim.when, fixed)
            curves = sim.run(model, scenario, T, settings, full=False)
            checks["as-claimed"] = curves.behaviour == claim.gradient
            flips = tuple(Flip(g, 1 - w, sim.run(*flipped(model, claim.when, g), T, settings,
                                                    full=False))
                          for g, w in sorted(claim.when.items()))
            checks["reason-matters"] = all(f.curves.behaviour != curves.behaviour
                                           for f in flips)
    else:
        curves = sim.run(model, (), T, settings, full=False)
    checks["model-delivers"], delivery = deliver(sim, model, claim, T, settings)
    failed = next((c for c in ORDER if checks.get(c) is False), None)
    return OptionVerdict(opt, failed is None, failed or "all-pass", checks, unreachable,
                         scenario, curves, flips, delivery)


def verify_question(q: Question, path: str = "", sim: Simulator | None = None
                    ) -> QuestionVerdict:
    sim = sim or Simulator()
    return QuestionVerdict(q, path, tuple(verify_option(sim, q, o) for o in q.options))
