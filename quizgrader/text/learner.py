"""The learner's levels of an explanation: ``short`` (one sentence: the conclusion with its
configuration and the deciding number) and ``standard`` (that sentence, then the deciding
cause, the counterfactual, and whether the model can learn where it matters).

Explanations v4: every number is said with its whole configuration (:mod:`.config`), the
cause is the gate that decides, fixed gates first (:mod:`.cause`), and each deciding check
refutes the claim kind it is about. No check names, no option letters: numbers come from
the evidence objects (:mod:`quizgrader.verify.results`) only, through :mod:`.reasons`.
"""
from __future__ import annotations

from typing import Sequence

from ..question.schema import ClaimKind, Question
from ..sim import GATES
from ..verify import Check, Decision, OptionVerdict
from ..verify.results import Tried
from . import gates
from .cause import because, cause
from .config import setting_words, whole
from .contrasts import flip, right_model, steps_sentence, versus_sentence
from .findings import spread
from .numbers import amount, plain
from .onestep import one_step
from .reasons import (
    NORMAL_WRITE,
    amount_words,
    cannot_learn,
    cited,
    claim_config,
    counterexample,
    factor_words,
    flip_setting,
    reason,
    reason_failed,
    scenario_config,
    wrote_nothing,
)
from .wording import ONE_STEP, cap, claimed, decap, fate, fate_over, held, model_name


def core(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()) -> str:
    """One sentence: what the numbers say about the option, in its whole configuration."""
    opt = v.option
    if opt.claim is None:
        return (opt.feedback or "").strip().split("\n")[0]
    claim, s, T = opt.claim, q.simulation, q.horizon
    name = model_name(q, claim.model)
    d = v.delivery
    if v.unreachable:
        u = v.unreachable[0]
        return (f"{cap(name)} fixes {gates.equals(u.gate, u.fixed)}, so the case the option "
                f"cites, {gates.approx(u.gate, u.wanted)}, never happens in it.")
    if claim.has_setting and v.curves is not None:
        c, cfg = v.curves, claim_config(q, v)
        lead = f"In {whole(q, cfg)}"
        if c.behaviour != claim.gradient:
            return (f"{lead}, the gradient {fate_over(c, s)}, not {claimed(claim.gradient)} "
                    f"as claimed.")
        f = reason_failed(v) if v.decided_by == Decision.REASON_MATTERS else None
        deciding = cause(q, cfg)
        if f is not None and deciding.fixed and \
                not set(f.gates) & set(deciding.deciders):
            fixed = " and ".join(f"{gates.symbol(g)} fixed at {cfg.values()[g]:g}"
                                 for g in deciding.deciders)
            if deciding.copies and d is not None and wrote_nothing(d):
                # the gradient is kept only trivially: lead with why that does not work
                return (f"{lead}, the memory never changes: {fixed} copies every step and "
                        f"writes nothing, so ∂c<{q.horizon}>/∂c<0> is exactly the identity but "
                        f"no gradient reaches any input or cell weight; {cited(f)} plays no part.")
            return (f"{lead}, the gradient {fate(c, s)} ({amount(c.final)}), but because of "
                    f"{fixed}, not of {cited(f)}.")
        if f is not None:
            return (f"{lead}, the gradient {fate(c, s)} ({amount(c.final)}), but not because "
                    f"of {cited(f)}: with {flip_setting(f)} it is "
                    f"{amount(f.curves.final)}.")
        if v.decided_by == Decision.MODEL_DELIVERS and d is not None:
            t = counterexample(q, v, others)
            if claim.gradient == "vanishes" and t is not None:
                other = scenario_config(q, claim.model, t.scenario)
                return (f"{lead}, the gradient vanishes ({amount(c.final)}), but not in every "
                        f"setting: in {whole(q, other)} it {amount_words(t.curves, s)}.")
            if claim.gradient == "preserved":
                return (f"{lead}, the gradient {fate(c, s)} ({amount(c.final)}), but the model "
                        f"cannot learn: {cannot_learn(q, d, claim.model)}.")
            if claim.gradient == "explodes" and d.deciding is not None:
                free = scenario_config(q, claim.model, d.deciding.scenario)
                return (f"{lead}, the gradient explodes ({amount(c.final)}), but in "
                        f"{whole(q, free)}, as the model runs, it "
                        f"{amount_words(d.deciding.curves, s)}.")
        return f"{lead}, the gradient {fate_over(c, s)}."
    if d is None:
        return ""
    if claim.gradient == "vanishes":
        t = counterexample(q, v, others)
        if t is not None:
            other = scenario_config(q, claim.model, t.scenario)
            return (f"In {whole(q, other)}, the gradient {fate_over(t.curves, s)}: not "
                    f"always vanishing.")
        top = max(d.tried, key=lambda t: t.curves.final)
        every = " in every setting tried" \
            if GATES[q.models[claim.model].cell] and len(d.tried) > 1 else ""
        held = setting_words(scenario_config(q, claim.model, top.scenario), free=False)
        where = f", with {held}" if held else ""
        if not every:
            return f"In {name} the gradient vanishes over {T} steps, to {amount(top.curves.final)}."
        return (f"In {name} the gradient vanishes over {T} steps{every}: at most "
                f"{plain(top.curves.final)}{where}.")
    if claim.gradient == "explodes" and d.deciding is not None:
        c = d.deciding.curves
        contrast = "" if c.behaviour == "explodes" else ", not exploding as claimed"
        cfg = scenario_config(q, claim.model, d.deciding.scenario)
        return f"In {whole(q, cfg)}, the gradient {fate_over(c, s)}{contrast}."
    if d.deciding is None or not v.passed(Check.MODEL_DELIVERS):
        return f"{cap(name)} cannot learn over {T} steps: {cannot_learn(q, d, claim.model)}."
    carrier = d.deciding
    cfg = scenario_config(q, claim.model, carrier.scenario)
    return (f"{cap(name)} carries an input over {T} steps: in {whole(q, cfg)}, an input "
            f"written at step 1 is still {plain(carrier.carry)}× {NORMAL_WRITE} at step {T}.")


def _tried(q: Question, model: str, tried: Sequence[Tried]) -> str:
    """The settings a delivery check tried, said whole: 'every setting tried (Γu and Γo
    each ≈ 0, ≈ 1 or free, or a write then a keep)'."""
    order = GATES[q.models[model].cell]
    steady = [t for t in tried if all(h.stop is None for h in t.scenario)]
    varied = [g for g in order if any(h.gate == g for t in steady for h in t.scenario)]
    head = "every setting tried"
    if not varied or len(steady) != 3 ** len(varied):
        return head
    symbols = [gates.symbol(g) for g in varied]
    names = " and ".join([", ".join(symbols[:-1]), symbols[-1]] if len(symbols) > 1 else symbols)
    each = " each" if len(varied) > 1 else ""
    once = [t for t in tried if t not in steady]
    more = "".join(f", or {setting_words(scenario_config(q, model, t.scenario))}"
                   for t in once)
    return f"{head} ({names}{each} ≈ 0, ≈ 1 or free{more})"


def _learn(q: Question, v: OptionVerdict) -> str:
    """Whether the model can learn, for a preserved claim: cause before effect."""
    d, claim = v.delivery, v.option.claim
    if d is None or claim is None or claim.gradient != "preserved":
        return ""
    if v.passed(Check.MODEL_DELIVERS) and d.deciding is not None:
        t = d.deciding
        cfg = scenario_config(q, claim.model, t.scenario)
        how = setting_words(cfg).replace(" (", "; ").rstrip(")")
        return (f"It can also carry an input: one written at step 1 ({how}) is still "
                f"{plain(t.carry)}× {NORMAL_WRITE} at step {q.horizon}.")
    if wrote_nothing(d) and v.curves is not None:
        c = cause(q, claim_config(q, v))
        if c.copies and c.fixed:
            return ("For the same reason nothing is ever written: the memory stays what it "
                    "was at step 0, so the model cannot learn from its inputs.")
    return f"But the model cannot learn: {cannot_learn(q, d, claim.model)}."


def _why(q: Question, v: OptionVerdict) -> str:
    """'Why: <deciding cause>' with the per-step factor where no timestep sentence says it."""
    c = v.curves
    if c is None:
        return ""
    text = reason(q, v, numbers=v.decided_by != Decision.REASON_MATTERS)
    out = f"Why: {decap(text)}."
    if not ONE_STEP.search(v.option.text) and c.behaviour != "preserved":
        out += (f" On average each step multiplies the gradient by "
                f"{factor_words(c.final, q.horizon)}.")
    return out


def _bare_why(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()) -> str:
    """A claim without gates: the cause in the deciding setting (for a vanishes claim that
    holds, the model as it is: its fixed gates)."""
    claim, d = v.option.claim, v.delivery
    if claim is None or d is None:
        return ""
    t = counterexample(q, v, others) if claim.gradient == "vanishes" else d.deciding
    if claim.gradient == "vanishes" and t is None:
        cfg = scenario_config(q, claim.model, ())
        text = because(q, cause(q, cfg), cfg) if cfg.of("fixed") else ""
        if not GATES[q.models[claim.model].cell]:
            text = (f"{one_step(q.models[claim.model], {}).plain}; at this initial weight "
                    f"scale their product shrinks it (much larger weights could make it explode)")
        top = max(d.tried, key=lambda t: t.curves.final)
        best = "at best " if len(d.tried) > 1 else ""
        scale = ", at this weight scale (much larger weights could make it explode)" \
            if GATES[q.models[claim.model].cell] else ""
        tried = f" over {_tried(q, claim.model, d.tried)}" if best else ""
        step = (f"On average each step multiplies the gradient by {best}"
                f"{factor_words(top.curves.final, q.horizon)}{tried}{scale}.")
        return f"Why: {decap(text)}. {step}" if text else step
    if t is None or (claim.gradient == "preserved" and not v.correct):
        return ""
    cfg = scenario_config(q, claim.model, t.scenario)
    text = because(q, cause(q, cfg), cfg) or one_step(q.models[claim.model],
                                                      held(t.scenario)).plain
    return (f"Why: {decap(text)}. On average each step multiplies the gradient by "
            f"{factor_words(t.curves.final, q.horizon)}.")


def standard(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()
             ) -> tuple[str, ...]:
    """The standard explanation's paragraphs (after the verdict)."""
    opt = v.option
    if opt.claim is None:
        return (opt.feedback.strip(),) if opt.feedback else ()
    claim = opt.claim
    out = [core(q, v, others)]
    if claim.has_setting and v.curves is not None and not v.unreachable:
        out.append(_why(q, v))
        out.append(steps_sentence(q, v))
        if v.decided_by != Decision.REASON_MATTERS:
            out.insert(1, right_model(q, v, others))   # right model, wrong reason: first
            out.append(flip(q, v, others) or versus_sentence(q, v, others))
        if claim.kind == ClaimKind.BECAUSE and claim.gradient == "preserved" and (
                v.decided_by == Decision.ALL_PASS or
                (v.decided_by == Decision.REASON_MATTERS and
                 v.passed(Check.MODEL_DELIVERS) is False)) and \
                not any(w in out[0] for w in ("cannot learn", "never changes")):  # said once
            out.append(_learn(q, v))
    elif not claim.gates:
        out.append(_bare_why(q, v, others))
    if v.fragile and v.margin is not None and v.margin.straddles:
        out.append(f"This verdict is uncertain: {spread(v.margin)}.")
    elif v.fragile and v.margin is not None:
        out.append(f"This verdict is close to its threshold ({plain(v.margin.decades)} decade): "
                   f"another seed set could flip it.")
    return tuple(p for p in out if p)


def short(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()) -> str:
    """The one-sentence explanation (after the verdict)."""
    return core(q, v, others)
