"""Explanations of each option, grounded in the simulated numbers (pure, deterministic text).

An explanation is a list of paragraphs in plain Unicode; :mod:`quizgrader.render` turns it into
text, Markdown, HTML or JSON.
"""
from __future__ import annotations

from .equations import fixed_phrase, reduced
from .gates import SYMBOL
from .scenarios import describe
from .simreport import fmt
from .simulate import Curves
from .verify import OptionVerdict, QuestionVerdict

NOTATION = {
    ("gru", "update"): "Careful with the notation: in the course's GRU, Γu ≈ 0 keeps the memory "
                       "(c<t> ≈ c<t−1>) and Γu ≈ 1 overwrites it with c̃<t>. Cho et al. (2014) "
                       "and PyTorch write z = 1 − Γu, so there it is z ≈ 1 that keeps it.",
    ("lstm", "forget"): "In the LSTM, Γf ≈ 1 keeps the memory (c<t> = Γu*c̃<t> + Γf*c<t−1>); "
                        "PyTorch calls Γf f and Γu i.",
}


def _gates(holds_or_when) -> str:
    return ", ".join(f"{SYMBOL.get(g, g)} ≈ {v}" for g, v in holds_or_when)


def _numbers(c: Curves) -> str:
    T = c.steps
    return f"‖∂c<{T}>/∂c<0>‖ = {fmt(float(c.gain[-1]))} ({fmt(c.factor)} per step)"


def _says(behaviour: str) -> str:
    return {"preserved": "is preserved", "vanishes": "vanishes", "explodes": "explodes"}[behaviour]


def tagged_paragraphs(qv: QuestionVerdict, v: OptionVerdict) -> list[tuple[str, str]]:
    """The explanation of one option as (check, paragraph) pairs: the verdict ("verdict"), the
    model ("model"), the numbers under the option's gates ("reachable" or "as-claimed"), each
    flipped gate ("reason-matters"), the delivery check ("model-delivers"), then "note"s."""
    q, opt = qv.question, v.option
    verdict = f"{opt.id} is {'correct' if v.correct else 'wrong'}."
    if opt.claim is None:
        verdict = f"{opt.id} is {'correct' if v.correct else 'wrong'} (the author's " \
                  f"judgement; no simulation decides this option)."
        return [("verdict", verdict)] + ([("note", opt.feedback)] if opt.feedback else [])
    out = [("verdict", verdict)]
    claim, T = opt.claim, q.horizon
    spec = q.models[claim.model]
    label = q.label(claim.model)
    fixes = fixed_phrase(spec)
    eq = "; ".join(reduced(spec))
    out.append(("model", f"{label} {fixes}, so {eq}." if fixes else
                f"{label} is a full {spec.cell.upper()}: {eq}."))
    when = sorted(claim.when.items())
    if v.unreachable:
        gate, value = v.unreachable[0]
        w = claim.when[gate]
        out.append(("reachable", f"The option's reason needs {SYMBOL[gate]} ≈ {w}, but {label} "
                    f"fixes {SYMBOL[gate]} = {value:g}: that case never happens in this model."))
    elif v.curves is not None:
        cond = f"With {_gates(when)}" if when else "With all gates free"
        agree = "as the option says" if v.curves.behaviour == claim.gradient else \
            f"whereas the option says it {_says(claim.gradient)}"
        out.append(("as-claimed", f"{cond}, over {T} steps {_numbers(v.curves)}: the gradient "
                    f"{_says(v.curves.behaviour)}, {agree}."))
    for f in v.flips:
        same = f.curves.behaviour == v.curves.behaviour
        out.append(("reason-matters", f"With {SYMBOL[f.gate]} ≈ {f.value} instead, "
                    f"{_numbers(f.curves)}: " + (
                        "the same behaviour, so the cited gate is not the reason: "
                        f"{SYMBOL[f.gate]} explains nothing here." if same else
                        f"it {_says(f.curves.behaviour)}, so {SYMBOL[f.gate]} is what makes the "
                        f"difference.")))
    d = v.delivery
    if d is not None and (not v.checks.get("model-delivers") or v.correct):
        out.append(("model-delivers", _delivery(claim.gradient, bool(v.checks.get(
            "model-delivers")), d, T, q.simulation.vanish_below)))
    for gate, _ in when:
        note = NOTATION.get((spec.cell, gate))
        if note:
            out.append(("note", note))
            break
    if opt.feedback:
        out.append(("note", opt.feedback))
    return out


def option_paragraphs(qv: QuestionVerdict, v: OptionVerdict) -> list[str]:
    """The explanation of one option: verdict, model, numbers, reason, delivery, notation."""
    return [text for _, text in tagged_paragraphs(qv, v)]


def _delivery(gradient: str, ok: bool, d, T: int, vanish_below: float) -> str:
    if gradient == "explodes":
        return (f"With all gates free {_numbers(d.curves)}: the gradient "
                f"{'explodes' if ok else 'does not explode'}.")
    if gradient == "vanishes":
        if ok:
            if d.tried == 1:
                return "In the only gate setting there is (all gates free), the gradient vanishes."
            return f"In every one of the {d.tried} gate settings tried, the gradient vanishes."
        return (f"But with {describe(d.scenario)} the gradient does not vanish: "
                f"{_numbers(d.curves)}.")
    if ok:
        r1, rT = float(d.curves.reach[0]), float(d.curves.reach[-1])
        return (f"The model can also learn: with {describe(d.scenario)} it keeps the gradient "
                f"({_numbers(d.curves)}) while the first input still moves the memory "
                f"(‖∂c<{T}>/∂x<1>‖ = {fmt(rT)}, from {fmt(r1)} after one step).")
    if d.reads_inputs is False:
        r1, rT = float(d.curves.reach[0]), float(d.curves.reach[-1])
        return (f"And the model cannot learn: wherever it keeps the gradient, the first input "
                f"never gets into the memory (‖∂c<{T}>/∂x<1>‖ = {fmt(rT)}, from {fmt(r1)} after "
                f"one step; {d.tried} gate settings tried). A memory that is never written "
                f"ignores every input.")
    return (f"In none of the {d.tried} gate settings tried does this model keep the gradient "
            f"over {T} steps.")


def explanation(qv: QuestionVerdict, v: OptionVerdict) -> str:
    """The whole explanation of one option as one plain-text paragraph block."""
    return "\n\n".join(option_paragraphs(qv, v))


def short_explanation(qv: QuestionVerdict, v: OptionVerdict) -> str:
    """One line: the verdict and the measured sentence that decides it (for a grades CSV)."""
    paras = tagged_paragraphs(qv, v)
    if v.option.claim is None:
        return paras[0][1]
    deciding = v.decided_by if v.decided_by in dict(paras) else \
        "as-claimed" if v.option.claim.when else "model-delivers"   # "whatever the gates do"
    if deciding == "reason-matters":       # a flip that changed nothing (one paragraph each)
        flipped = [t for tag, t in paras if tag == deciding]
        text = next(t for f, t in zip(v.flips, flipped)
                    if f.curves.behaviour == v.curves.behaviour)
    else:
        text = dict(paras).get(deciding) or dict(paras).get("model-delivers", "")
    return f"{paras[0][1]} {text}".rstrip()
