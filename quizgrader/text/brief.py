"""The learner's levels of an explanation: ``short`` (one sentence: the conclusion, the
mechanism in plain words and the deciding number) and ``standard`` (that sentence first, then
why in one step, the counterfactual, the "can it learn" sentence where it matters).

No check names, two significant digits, no option letters: numbers come from the evidence
objects (:mod:`quizgrader.verify.results`) only.
"""
from __future__ import annotations

from ..question.schema import ClaimKind, Question
from ..sim import GATES, Curves
from ..verify import Check, Decision, Delivery, Flip, OptionVerdict, Tried
from . import gates
from .findings import spread
from .numbers import amount, per_step, plain
from .onestep import one_step
from .wording import (
    ONE_STEP,
    Thresholds,
    cap,
    claimed,
    fate,
    fate_over,
    held,
    model_name,
    setting,
    written,
)


def _flip_words(f: Flip) -> str:
    return gates.approx_all(f.pairs)


def cannot_learn(d: Delivery, T: int) -> str:
    """Why a model cannot deliver a preserved gradient: no write, or no carry."""
    if not d.reach0 > 0:
        return "it never writes an input (its reach after one step is 0)"
    best = d.deciding
    return (f"no gate setting carries the first input to step {T}" + (
        f" (at best {plain(best.carry)}× a normal write)" if best is not None else ""))


def _reason_failed(v: OptionVerdict) -> Flip | None:
    """The flip that shows the cited reason does not matter (check 3 failed)."""
    if v.joint is not None and not v.joint.changed:
        return v.joint
    return next((f for f in v.flips if not f.relevant), None)


def _fate_amount(c: Curves, s: Thresholds) -> str:
    """'vanishes, to essentially zero (9e-19)', 'is kept (1.0)'."""
    if c.behaviour in ("vanishes", "explodes"):
        return f"{fate(c, s)}, to {amount(c.final)}"
    return f"{fate(c, s)} ({amount(c.final)})"


def _gain(c: Curves, T: int) -> str:
    return f"the gain over {T} steps is {amount(c.final)}"


def core(q: Question, v: OptionVerdict) -> str:
    """One sentence: what the numbers say about the option, with the deciding number."""
    opt = v.option
    if opt.claim is None:
        return (opt.feedback or "").strip().split("\n")[0]
    claim, spec, T, s = opt.claim, q.models[opt.claim.model], q.horizon, q.simulation
    name = model_name(q, claim.model)
    d = v.delivery
    gated = bool(GATES[spec.cell])
    if v.unreachable:
        u = v.unreachable[0]
        return (f"{cap(name)} fixes {gates.equals(u.gate, u.fixed)}, so the case the option "
                f"cites, {gates.approx(u.gate, u.wanted)}, never happens in it.")
    if claim.has_setting and v.curves is not None:
        c = v.curves
        lead = f"In {name}" if claim.free else f"In {name} with {setting(claim)}"
        if c.behaviour != claim.gradient:
            return (f"{lead} the gradient {fate_over(c, s)}, not {claimed(claim.gradient)} as "
                    f"claimed.")
        f = _reason_failed(v) if v.decided_by == Decision.REASON_MATTERS else None
        if f is not None:
            cited = gates.symbol(f.gates[0]) if len(f.gates) == 1 else "these gates"
            return (f"{lead} the gradient {fate(c, s)} ({amount(c.final)}), but not "
                    f"because of {cited}: with {_flip_words(f)} it is {amount(f.curves.final)}.")
        if v.decided_by == Decision.MODEL_DELIVERS and d is not None:
            return (f"{lead} the gradient {fate(c, s)} ({amount(c.final)}), but the model "
                    f"cannot learn: {cannot_learn(d, T)}.")
        how = one_step(spec, claim.gates).plain
        return f"{lead}, {how}: the gradient {fate_over(c, s)}."
    if d is None:
        return ""
    where = f"In {name}" + (f", {written(d.scenario, gated)}" if d.scenario is not None and
                            written(d.scenario, gated) else "")
    if claim.gradient == "vanishes":
        if d.deciding is not None:
            t: Tried = d.deciding
            return (f"{where} the gain over {T} steps is {amount(t.curves.final)}: the "
                    f"gradient does not always vanish.")
        top = max(d.tried, key=lambda t: t.curves.final)
        every = "in every gate setting" if gated and len(d.tried) > 1 else ""
        return (f"In {name} the gradient vanishes over {T} steps{' ' + every if every else ''}"
                f": the largest gain is {amount(top.curves.final)}.")
    if claim.gradient == "explodes" and d.deciding is not None:
        c = d.deciding.curves
        contrast = "" if c.behaviour == "explodes" else ", not exploding as claimed"
        return f"{where} the gradient {fate_over(c, s)}{contrast}."
    if d.deciding is None or not v.passed(Check.MODEL_DELIVERS):
        return f"{cap(name)} cannot learn over {T} steps: {cannot_learn(d, T)}."
    t = d.deciding
    return (f"{cap(name)} carries an input over {T} steps: {written(t.scenario)}, it is still "
            f"{plain(t.carry)}× a normal write.")


def _why(q: Question, v: OptionVerdict, mechanism: bool) -> str:
    """Why, in one step: the model's fixed gates and the one-step derivative, and for an
    option that speaks of one timestep, what all the steps make of it."""
    claim, T, c = v.option.claim, q.horizon, v.curves
    if claim is None or c is None:
        return ""
    spec = q.models[claim.model]
    head = ""
    step = one_step(spec, claim.gates)
    plain_words = f": {step.plain}" if mechanism else ""
    cited = "" if claim.free and not GATES[spec.cell] else f"with {setting(claim)}, "
    out = f"Why: {head}{cited}{step.brief}{plain_words}"
    if not ONE_STEP.search(v.option.text):
        return out + f", {per_step(c.final, T)}."
    if c.behaviour == "preserved":
        return out + f", at every one of the {T} steps."
    return (out + f". The option speaks of one timestep, but the gradient crosses all {T}: "
                  f"each keeps {per_step(c.final, T).removesuffix(' per step')} of it.")


def _flip(f: Flip, as_claimed: bool, q: Question) -> str:
    s, T = q.simulation, q.horizon
    sym = gates.symbol(f.gates[0]) if len(f.gates) == 1 else "the cited gates"
    if f.changed:
        return (f"With {_flip_words(f)} instead it {_fate_amount(f.curves, s)}: {sym} makes "
                f"the difference.")
    if not as_claimed:
        return (f"Neither setting of {sym} rescues it: with {_flip_words(f)} it "
                f"{fate(f.curves, s)} too, to {amount(f.curves.final)}.")
    if f.relevant:
        return (f"With {_flip_words(f)} {_gain(f.curves, T)}, {plain(f.moved)} decades away, "
                f"so {sym} carries part of the effect.")
    return ""


def _delivery(q: Question, v: OptionVerdict) -> str:
    d, claim, T = v.delivery, v.option.claim, q.horizon
    if d is None or claim is None or claim.gradient != "preserved":
        return ""
    if v.passed(Check.MODEL_DELIVERS) and d.deciding is not None:
        t = d.deciding
        return (f"It can also learn: an input {written(t.scenario)} is still "
                f"{plain(t.carry)}× a normal write at step {T}.")
    return f"And the model cannot learn: {cannot_learn(d, T)}."


def standard(q: Question, v: OptionVerdict) -> tuple[str, ...]:
    """The standard explanation's paragraphs (after the verdict)."""
    opt = v.option
    if opt.claim is None:
        return (opt.feedback.strip(),) if opt.feedback else ()
    claim = opt.claim
    out = [core(q, v)]
    as_claimed = bool(v.passed(Check.AS_CLAIMED))
    if claim.has_setting and v.curves is not None and not v.unreachable:
        passed = v.decided_by == Decision.ALL_PASS
        out.append(_why(q, v, mechanism=not passed))
        if v.decided_by != Decision.REASON_MATTERS:
            out += [p for p in (_flip(f, as_claimed, q) for f in v.flips) if p][:1]
        # "can it learn" where it is part of the answer: a right option's, or a model that
        # cannot (a wrong option's working model would only distract from its reason)
        if claim.kind == ClaimKind.BECAUSE and (
                v.decided_by == Decision.ALL_PASS or
                (v.decided_by == Decision.REASON_MATTERS and
                 v.passed(Check.MODEL_DELIVERS) is False)):
            out.append(_delivery(q, v))
    elif not claim.gates and v.delivery is not None:
        t = v.delivery.deciding
        if t is not None and (claim.gradient != "preserved" or v.correct):
            step = one_step(q.models[claim.model], held(t.scenario))
            out.append(f"Why: {step.brief}: {step.plain}, "
                       f"{per_step(t.curves.final, q.horizon)}.")
    if v.fragile and v.margin is not None and v.margin.straddles:
        out.append(f"This verdict is uncertain: {spread(v.margin)}.")
    elif v.fragile and v.margin is not None:
        out.append(f"This verdict is close to its threshold ({plain(v.margin.decades)} decade): "
                   f"another seed set could flip it.")
    return tuple(p for p in out if p)


def short(q: Question, v: OptionVerdict) -> str:
    """The one-sentence explanation (after the verdict)."""
    return core(q, v)
