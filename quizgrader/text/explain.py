"""Explanations of each option, grounded in the simulated numbers (pure, deterministic text).

:func:`explain` turns an option's typed verdict into an :class:`Explanation`: the verdict
sentence, one paragraph per piece of evidence, and the paragraph that decided the option (for
short feedback), chosen from the evidence itself rather than found again in the prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..question.schema import Claim, ClaimKind, ModelSpec, Question
from ..sim import Curves, Scenario, free_gates
from ..verify import Check, Decision, Delivery, Flip, OptionVerdict, QuestionVerdict
from . import gates
from .equations import fixed_phrase, reduced
from .numbers import fmt
from .onestep import one_step

NOTATION = {
    "gru": "Careful with the notation: in the course's GRU, Γu ≈ 0 keeps the memory "
           "(c<t> ≈ c<t−1>) and Γu ≈ 1 overwrites it with c̃<t>. Cho et al. (2014) and PyTorch "
           "write z = 1 − Γu, so there it is z ≈ 1 that keeps it.",
    "lstm": "In the LSTM, Γf ≈ 1 keeps the memory (c<t> = Γu*c̃<t> + Γf*c<t−1>); PyTorch calls "
            "Γf f and Γu i.",
}
#: An option that speaks of one timestep ("for a timestep", "through that timestep").
ONE_STEP = re.compile(r"\b(a|one|that|each|single)\s+(time\s?step|step)\b", re.IGNORECASE)


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


def cap(text: str) -> str:
    """The sentence-initial form of ``text``."""
    return text[:1].upper() + text[1:]


def model_name(q: Question, name: str) -> str:
    """How explanations name a model: its label, or 'the model “name”'."""
    return q.models[name].label or f"the model “{name}”"


def does(behaviour: str) -> str:
    return {"preserved": "is preserved", "vanishes": "vanishes", "explodes": "explodes"}[behaviour]


def measured(c: Curves) -> str:
    """'the gain is 1.00 (1.00 per step)'."""
    return f"the gain is {fmt(c.final)} ({fmt(c.factor)} per step)"


def agreement(behaviour: str, claimed: str) -> str:
    return "as the option says" if behaviour == claimed else \
        f"whereas the option says it {does(claimed)}"


def share(x: float) -> str:
    """A share of reach: '89.2 %', 'none', 'a fraction 5.86e-19'."""
    return "none" if x == 0 else f"{fmt(100 * x)} %" if x >= 1e-3 else f"a fraction {fmt(x)}"


def reading(q: Question) -> str:
    T, s = q.horizon, q.simulation
    return (f"How to read the numbers: the gain ‖∂c<{T}>/∂c<0>‖ measures how much a change of "
            f"the memory at step 0 still moves it at step {T}, that is, the size of the gradient "
            f"that flows back over {T} steps (the median over {s.seeds} random cells). A gain "
            f"near 1 passes the gradient on whole; below {s.vanish_below:g} less than "
            f"{100 * s.vanish_below:g} % of it is left and it vanishes; above "
            f"{s.explode_above:g} it is amplified more than {s.explode_above:g}-fold and "
            f"explodes. The per-step factor, gain^(1/{T}), is what one step multiplies it by on "
            f"average.")


def _model(name: str, spec: ModelSpec) -> str:
    fixes, eq = fixed_phrase(spec), "; ".join(reduced(spec))
    if fixes:
        return f"{cap(name)} {fixes}, so {eq}."
    if spec.cell == "rnn":
        act = {"relu": "ReLU"}.get(spec.activation or "tanh", spec.activation or "tanh")
        return f"{cap(name)} is a plain {act} RNN, with no gates: {eq}."
    return f"{cap(name)} is a full {spec.cell.upper()}: {eq}."


def _setting(claim: Claim, spec: ModelSpec) -> str:
    return ", ".join(gates.approx(g, v) + (f" (fixed at {spec.fixed[g]:g})" if g in spec.fixed
                                           else "") for g, v in sorted(claim.gates.items()))


def _timestep(setting: str, c: Curves) -> str:
    T = c.steps
    end = ("so it crosses the whole sequence without much decay" if c.behaviour == "preserved"
           else "so a decay that looks small in one step adds up over the sequence"
           if c.factor > 0.5 and c.behaviour == "vanishes" else "")
    return (f"The option speaks of one timestep; the simulation keeps {setting} at all {T} "
            f"steps, because a gradient that crosses {T} steps is multiplied by every step's "
            f"factor. Here one step multiplies it by {fmt(c.factor)} and {T} steps give "
            f"{fmt(c.final)}" + (f", {end}." if end else "."))


def _flip(f: Flip, claim: Curves, kept: str) -> str:
    if len(f.gates) > 1:
        head = f"With all the cited gates flipped ({gates.approx_all(f.pairs)})"
        return (f"{head}, {measured(f.curves)}: " + (
            f"the gradient {does(f.curves.behaviour)}, so together they make the difference."
            if f.changed else "the same behaviour, so the cited gates do not make the "
                              "difference."))
    gate, s = f.gates[0], gates.symbol(f.gates[0])
    head = (f"With {gates.approx(gate, f.values[0])} instead{kept}, the gain is "
            f"{fmt(f.curves.final)} against {fmt(claim.final)}: ")
    if f.changed:
        return head + f"it {does(f.curves.behaviour)}, so {s} is what makes the difference."
    if f.relevant:
        return head + (f"the same behaviour, but {f.moved:.1f} decades apart, so {s} carries "
                       f"part of the effect.")
    if f.moved >= 1.0:                      # the only cited gate: it had to change the class
        return head + (f"the gradient {does(f.curves.behaviour)} all the same, "
                       f"{f.moved:.1f} decades away: flipping the one gate the reason cites does "
                       f"not change what the gradient does, so {s} is not the reason.")
    same = ("both past the same threshold" if claim.behaviour != "preserved" else
            f"only {f.moved:.2f} decade apart (less than one)")
    return head + (f"the same behaviour, {same}, so {s} is not part of the reason: {s} "
                   f"explains nothing here.")


def _kept(claim: Claim, f: Flip) -> str:
    """' (Γf ≈ 1 kept)': the other cited gates, when a flip changes one of several."""
    rest = [(g, w) for g, w in sorted(claim.gates.items()) if g not in f.gates]
    return f" ({gates.approx_all(rest)} kept)" if rest else ""


def _delivery(claim: Claim, ok: bool, d: Delivery, q: Question, spec: ModelSpec) -> str:
    T, n = q.horizon, len(d.tried)
    free = free_gates(spec.model())

    def name(sc: Scenario) -> str:
        return gates.scenario(sc, free)

    only = spec.cell == "rnn" or n == 1
    where = ("The model has no gate left to set, so there is one setting" if only
             else f"{n} gate settings were tried ({'; '.join(name(t.scenario) for t in d.tried)})")
    if claim.gradient == "explodes" or (only and claim.gradient == "vanishes"):
        t = d.tried[0]
        setting = "" if only else "With all gates free, "
        agree = agreement(t.curves.behaviour, claim.gradient)
        return (f"{setting}{'Over' if only else 'over'} {T} steps {measured(t.curves)}: the "
                f"gradient {does(t.curves.behaviour)}, {agree}.")
    if claim.gradient == "vanishes":
        if ok:
            top = max(d.tried, key=lambda t: t.curves.final)
            return (f"{where}, and in every one the gradient vanishes: the largest gain is "
                    f"{fmt(top.curves.final)}, with {name(top.scenario)}.")
        return (f"But with {name(d.scenario)} the gradient does not vanish: "
                f"{measured(d.curves)}.")
    if ok:
        t = d.deciding
        return (f"The model can also learn: with {name(t.scenario)} it keeps the "
                f"gradient (gain {fmt(t.curves.final)}) while the first input still moves the "
                f"memory: {share(t.share)} of the effect x<1> had after one step is left at step "
                f"{T}.")
    if d.reads_inputs is False:
        keeping = [t for t in d.tried if t.curves.behaviour == "preserved"]
        return (f"And the model cannot learn: wherever it keeps the gradient ("
                f"{'; '.join(name(t.scenario) for t in keeping)}), the first input never "
                f"gets into the memory: {share(max(t.share for t in keeping))} of the effect x<1> "
                f"had after one step is left at step {T}. A memory that is never written "
                f"ignores every input.")
    top = max(d.tried, key=lambda t: t.curves.final if t.curves.behaviour != "explodes" else 0)
    return (f"{where}, and in none does this model keep the gradient over {T} steps (the "
            f"nearest: {name(top.scenario)}, gain {fmt(top.curves.final)}).")


def explain(qv: QuestionVerdict, v: OptionVerdict) -> Explanation:
    """The explanation of one option: verdict, model, how to read the numbers, the numbers
    under the option's gates and why in one step, each flip, the delivery check, notation."""
    q, opt = qv.question, v.option
    cells = {q.models[opt.claim.model].cell} if opt.claim else {m.cell for m in q.models.values()}
    notes = [NOTATION[c] for c in sorted(cells) if c in NOTATION]
    verdict = f"{opt.id} is {'correct' if v.correct else 'wrong'}."
    if opt.claim is None:
        verdict = (f"{opt.id} is {'correct' if v.correct else 'wrong'} (the author's "
                   f"judgement; no simulation decides this option).")
        return Explanation(verdict, tuple(notes + ([opt.feedback] if opt.feedback else [])), "")
    claim, spec = opt.claim, q.models[opt.claim.model]
    name = model_name(q, claim.model)
    body = [_model(name, spec), reading(q)]
    numbers = ""
    if v.unreachable:
        u = v.unreachable[0]
        numbers = (f"The option's reason needs {gates.approx(u.gate, u.wanted)}, but {name} fixes "
                   f"{gates.equals(u.gate, u.fixed)}: that case never happens in this model.")
        body.append(numbers)
    elif claim.gates and v.curves is not None:
        setting = _setting(claim, spec)
        numbers = (f"With {setting} at every step, over {q.horizon} steps {measured(v.curves)}: "
                   f"the gradient {does(v.curves.behaviour)}, "
                   f"{agreement(v.curves.behaviour, claim.gradient)}.")
        body += [numbers, f"Why, in one step: {one_step(spec, claim.gates)}."]
        if ONE_STEP.search(opt.text):
            body.append(_timestep(setting, v.curves))
    flips = [_flip(f, v.curves, _kept(claim, f)) for f in v.flips]
    joint = _flip(v.joint, v.curves, "") if v.joint is not None else ""
    body += flips + ([joint] if joint else [])
    d, delivers = v.delivery, bool(v.passed(Check.MODEL_DELIVERS))
    delivery = _delivery(claim, delivers, d, q, spec) if d is not None else ""
    if delivery and (not delivers or v.correct or claim.kind == ClaimKind.BARE):
        body.append(delivery)
        if claim.kind == ClaimKind.BARE and (d.deciding is not None or spec.cell == "rnn"):
            held = {h.gate: h.value for h in (d.scenario or ()) if h.always}
            body.append(f"Why, in one step: {one_step(spec, held)}.")
    body += notes + ([opt.feedback] if opt.feedback else [])
    if v.decided_by in (Decision.REACHABLE, Decision.AS_CLAIMED):
        deciding = numbers
    elif v.decided_by == Decision.REASON_MATTERS:
        deciding = joint if v.joint is not None and not v.joint.changed else \
            next(p for f, p in zip(v.flips, flips) if not f.relevant)
    elif v.decided_by == Decision.MODEL_DELIVERS or not claim.gates:
        deciding = delivery
    else:                                              # all pass: the claim's own numbers
        deciding = numbers
    return Explanation(verdict, tuple(body), deciding)
