"""Explanations of each option, grounded in the simulated numbers (pure, deterministic text).

:func:`explain` turns an option's typed verdict into an :class:`Explanation`: the verdict
sentence, one paragraph per piece of evidence, and the sentence that decided the option (for
short feedback), chosen from the evidence itself rather than found again in the prose.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..question.schema import Claim, ModelSpec
from ..sim import Curves
from ..verify import Check, Decision, Delivery, Flip, OptionVerdict, QuestionVerdict
from . import gates
from .equations import fixed_phrase, reduced
from .numbers import fmt

NOTATION = {
    ("gru", "update"): "Careful with the notation: in the course's GRU, Γu ≈ 0 keeps the memory "
                       "(c<t> ≈ c<t−1>) and Γu ≈ 1 overwrites it with c̃<t>. Cho et al. (2014) "
                       "and PyTorch write z = 1 − Γu, so there it is z ≈ 1 that keeps it.",
    ("lstm", "forget"): "In the LSTM, Γf ≈ 1 keeps the memory (c<t> = Γu*c̃<t> + Γf*c<t−1>); "
                        "PyTorch calls Γf f and Γu i.",
}


@dataclass(frozen=True)
class Explanation:
    """One option's explanation.

    verdict  : 'C is correct.'
    body     : the paragraphs after the verdict, in reading order
    deciding : the paragraph that decided the verdict ('' for a static option)
    """

    verdict: str
    body: tuple[str, ...]
    deciding: str

    @property
    def paragraphs(self) -> list[str]:
        return [self.verdict, *self.body]

    @property
    def long(self) -> str:
        """The whole explanation, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def short(self) -> str:
        """One line: the verdict and the measured sentence that decides it."""
        return f"{self.verdict} {self.deciding}".rstrip()


def numbers(c: Curves) -> str:
    """'‖∂c<100>/∂c<0>‖ = 1.00 (1.00 per step)'."""
    return f"‖∂c<{c.steps}>/∂c<0>‖ = {fmt(c.final)} ({fmt(c.factor)} per step)"


def does(behaviour: str) -> str:
    return {"preserved": "is preserved", "vanishes": "vanishes", "explodes": "explodes"}[behaviour]


def _model(label: str, spec: ModelSpec) -> str:
    fixes, eq = fixed_phrase(spec), "; ".join(reduced(spec))
    return f"{label} {fixes}, so {eq}." if fixes else f"{label} is a full {spec.cell.upper()}: {eq}."


def _flip(f: Flip) -> str:
    s = gates.symbol(f.gate)
    return (f"With {gates.approx(f.gate, f.value)} instead, {numbers(f.curves)}: " + (
        f"it {does(f.curves.behaviour)}, so {s} is what makes the difference." if f.changed else
        f"the same behaviour, so the cited gate is not the reason: {s} explains nothing here."))


def _delivery(claim: Claim, ok: bool, d: Delivery, T: int) -> str:
    if claim.gradient == "explodes":
        return (f"With all gates free {numbers(d.curves)}: the gradient "
                f"{'explodes' if ok else 'does not explode'}.")
    if claim.gradient == "vanishes":
        if ok:
            if d.tried == 1:
                return "In the only gate setting there is (all gates free), the gradient vanishes."
            return f"In every one of the {d.tried} gate settings tried, the gradient vanishes."
        return (f"But with {gates.scenario(d.scenario)} the gradient does not vanish: "
                f"{numbers(d.curves)}.")
    if ok:
        r1, rT = float(d.curves.reach[0]), float(d.curves.reach[-1])
        return (f"The model can also learn: with {gates.scenario(d.scenario)} it keeps the "
                f"gradient ({numbers(d.curves)}) while the first input still moves the memory "
                f"(‖∂c<{T}>/∂x<1>‖ = {fmt(rT)}, from {fmt(r1)} after one step).")
    if d.reads_inputs is False:
        r1, rT = float(d.curves.reach[0]), float(d.curves.reach[-1])
        return (f"And the model cannot learn: wherever it keeps the gradient, the first input "
                f"never gets into the memory (‖∂c<{T}>/∂x<1>‖ = {fmt(rT)}, from {fmt(r1)} after "
                f"one step; {d.tried} gate settings tried). A memory that is never written "
                f"ignores every input.")
    return (f"In none of the {d.tried} gate settings tried does this model keep the gradient "
            f"over {T} steps.")


def explain(qv: QuestionVerdict, v: OptionVerdict) -> Explanation:
    """The explanation of one option: verdict, model, numbers, reason, delivery, notation."""
    q, opt = qv.question, v.option
    if opt.claim is None:
        verdict = (f"{opt.id} is {'correct' if v.correct else 'wrong'} (the author's "
                   f"judgement; no simulation decides this option).")
        return Explanation(verdict, (opt.feedback,) if opt.feedback else (), "")
    claim, T = opt.claim, q.horizon
    spec = q.models[claim.model]
    label = q.label(claim.model)
    when = sorted(claim.when.items())
    body = [_model(label, spec)]
    numbers_para = ""
    if v.unreachable:
        u = v.unreachable[0]
        numbers_para = (f"The option's reason needs {gates.approx(u.gate, u.wanted)}, but "
                        f"{label} fixes {gates.equals(u.gate, u.fixed)}: that case never happens "
                        f"in this model.")
    elif v.curves is not None:
        cond = f"With {gates.approx_all(when)}" if when else "With all gates free"
        agree = "as the option says" if v.curves.behaviour == claim.gradient else \
            f"whereas the option says it {does(claim.gradient)}"
        numbers_para = (f"{cond}, over {T} steps {numbers(v.curves)}: the gradient "
                        f"{does(v.curves.behaviour)}, {agree}.")
    if numbers_para:
        body.append(numbers_para)
    flips = [_flip(f) for f in v.flips]
    body += flips
    d = v.delivery
    delivers = bool(v.passed(Check.MODEL_DELIVERS))
    delivery = _delivery(claim, delivers, d, T) if d is not None else ""
    if delivery and (not delivers or v.correct):
        body.append(delivery)
    note = next((NOTATION[(spec.cell, g)] for g, _ in when if (spec.cell, g) in NOTATION), None)
    if note:
        body.append(note)
    if opt.feedback:
        body.append(opt.feedback)
    if v.decided_by in (Decision.REACHABLE, Decision.AS_CLAIMED):
        deciding = numbers_para
    elif v.decided_by == Decision.REASON_MATTERS:
        deciding = next(p for f, p in zip(v.flips, flips) if not f.changed)
    elif v.decided_by == Decision.MODEL_DELIVERS or not when:
        deciding = delivery
    else:                                              # all pass: the claim's own numbers
        deciding = numbers_para
    return Explanation(f"{opt.id} is {'correct' if v.correct else 'wrong'}.", tuple(body),
                       deciding)
