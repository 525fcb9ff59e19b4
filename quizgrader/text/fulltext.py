"""The ``full`` level of an explanation, for authors and mentors: the model's equations, the
numbers at three digits under the option's gates, the one-step derivative, each flipped gate,
every gate setting the delivery check tried, and which check decided with its margin.

The reading guide and the notation note are not here: a document gives them once.
"""
from __future__ import annotations

from ..question.schema import Claim, ClaimKind, ModelSpec, Question
from ..sim import GATES, Curves, Scenario, free_gates
from ..verify import Check, Decision, Delivery, Flip, OptionVerdict
from . import gates
from .cells import name as cell_name, with_init
from .equations import reduced
from .findings import spread
from .numbers import FLOOR, factor, fmt, per_step
from .onestep import one_step
from .reasons import reason
from .wording import ONE_STEP, cap, held, model_name, removing, written


def does(behaviour: str) -> str:
    """'is preserved', 'vanishes', 'explodes'."""
    return {"preserved": "is preserved", "vanishes": "vanishes", "explodes": "explodes"}[behaviour]


def measured(c: Curves) -> str:
    """'the gain is 1.00 (1.00 per step)'; an underflowed gain gives its bound."""
    if c.final == 0:
        return (f"the gain is below {FLOOR:g}, where it underflows "
                f"({per_step(c.final, c.steps)})")
    return f"the gain is {fmt(c.final)} ({factor(c.final, c.steps)} per step)"


def agreement(behaviour: str, claimed: str) -> str:
    """'as the option says' or 'whereas the option says it …'."""
    return "as the option says" if behaviour == claimed else \
        f"whereas the option says it {does(claimed)}"


def _model(name: str, spec: ModelSpec) -> str:
    fixes, eq = removing(spec), "; ".join(reduced(spec))
    init = with_init(spec)
    if fixes:
        return f"{cap(name)} {fixes}{',' + init if init else ''}, so {eq}."
    if spec.cell in ("rnn", "indrnn"):
        act = spec.model().activation
        act = {"relu": "ReLU"}.get(act, act)
        if spec.cell == "indrnn":
            units = f"{act} units" + init.replace(" with ", " and ", 1)
            return f"{cap(name)} is an IndRNN with {units}: {eq}."
        return f"{cap(name)} is a plain {act} RNN, with no gates{',' + init if init else ''}: {eq}."
    return f"{cap(name)} is a full {cell_name(spec.cell)}{init}: {eq}."


def _setting(claim: Claim, spec: ModelSpec) -> str:
    if claim.free:
        return "no gate held"
    return ", ".join(gates.approx(g, v) + (f" (fixed at {spec.fixed[g]:g})" if g in spec.fixed
                                           else "") for g, v in sorted(claim.gates.items()))


def _timestep(setting: str, c: Curves) -> str:
    T = c.steps
    one = "keeps it" if c.behaviour == "preserved" else "already loses part of it"
    return (f"The option speaks of one timestep; the simulation keeps {setting} at all {T} "
            f"steps, because a gradient that crosses {T} steps is multiplied by every step's "
            f"factor. Here one step {one} ({per_step(c.final, T)}), and {T} steps give "
            f"{fmt(c.final)}.")


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
    if claim.behaviour != "preserved":
        return head + (f"the gradient {does(f.curves.behaviour)} all the same: neither setting "
                       f"of {s} rescues it.")
    return head + (f"the same behaviour, only {f.moved:.2f} decade apart (less than one), so "
                   f"{s} is not part of the reason: {s} explains nothing here.")


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
        if d.deciding is None:
            return ""
        return (f"But with {name(d.deciding.scenario)} the gradient does not vanish: "
                f"{measured(d.deciding.curves)}.")
    if ok and d.deciding is not None:
        t = d.deciding
        return (f"The model can also learn: {written(t.scenario)}, the first input's effect "
                f"on the memory at step {T} is {fmt(t.carry)} times that of a normal write "
                f"(reach({T}) = {fmt(t.curves.reach[-1])} against reach₀(1) = {fmt(d.reach0)} "
                f"with all gates free); {n} gate setting(s) were tried.")
    if not d.reach0 > 0:
        return (f"And the model cannot learn: with all gates free the first input does not "
                f"reach the memory at all (reach₀(1) = {fmt(d.reach0)}): a memory that is never "
                f"written ignores every input.")
    if d.deciding is not None:
        t = d.deciding
        return (f"{where}, and none carries the first input to step {T}: the nearest, "
                f"{name(t.scenario)}, keeps {fmt(t.carry)} times a normal write (reach({T}) = "
                f"{fmt(t.curves.reach[-1])} against reach₀(1) = {fmt(d.reach0)}), outside "
                f"[{q.simulation.vanish_below:g}, {q.simulation.explode_above:g}].")
    top = max(d.tried, key=lambda t: t.curves.final if t.curves.behaviour != "explodes" else 0)
    return (f"{where}, and in none does this model keep the gradient over {T} steps (the "
            f"nearest: {name(top.scenario)}, gain {fmt(top.curves.final)}).")


def _checks(v: OptionVerdict) -> str:
    """'Checks: reachable passed, as-claimed failed, ...; decided by as-claimed, margin 16.1
    decades.'"""
    ran = ", ".join(f"{c.check} {'passed' if c.passed else 'failed'}" for c in v.checks)
    margin = (f", margin {v.margin.decades:.2f} decade(s)" if v.margin is not None else "")
    m, fragile = v.margin, ""
    if v.fragile:
        fragile = f" (fragile: {spread(m)})" if m is not None and m.straddles else \
            " (fragile: another seed set could flip it)"
    return f"Checks: {ran}; decided by {v.decided_by}{margin}{fragile}."


def full(q: Question, v: OptionVerdict) -> tuple[tuple[str, ...], str]:
    """The full explanation's paragraphs (after the verdict), and the one that decided it."""
    opt = v.option
    if opt.claim is None:
        return ((opt.feedback,) if opt.feedback else ()), ""
    claim, spec = opt.claim, q.models[opt.claim.model]
    name = model_name(q, claim.model)
    body = [_model(name, spec)]
    numbers = ""
    if v.unreachable:
        u = v.unreachable[0]
        numbers = (f"The option's reason needs {gates.approx(u.gate, u.wanted)}, but {name} fixes "
                   f"{gates.equals(u.gate, u.fixed)}: that case never happens in this model.")
        body.append(numbers)
    elif claim.has_setting and v.curves is not None:
        setting = _setting(claim, spec)
        when = f"With {setting} at every step, over" if not claim.free else \
            f"With {setting}, over" if GATES[spec.cell] else "Over"
        numbers = (f"{when} {q.horizon} steps {measured(v.curves)}: "
                   f"the gradient {does(v.curves.behaviour)}, "
                   f"{agreement(v.curves.behaviour, claim.gradient)}.")
        if v.curves.behaviour == claim.gradient and not v.correct:
            numbers += " The conclusion holds; the option is wrong for another reason (below)."
        body += [numbers, f"Why, in one step: {one_step(spec, claim.gates).sentence}."]
        cause_text = reason(q, v)
        if not v.unreachable and cause_text != one_step(spec, claim.gates).plain:
            body.append(f"The deciding cause: {cause_text}.")
        if ONE_STEP.search(opt.text):
            body.append(_timestep(setting, v.curves))
    flips = [_flip(f, v.curves, _kept(claim, f)) for f in v.flips] if v.curves else []
    joint = _flip(v.joint, v.curves, "") if v.joint is not None and v.curves else ""
    body += flips + ([joint] if joint else [])
    d, delivers = v.delivery, bool(v.passed(Check.MODEL_DELIVERS))
    delivery = _delivery(claim, delivers, d, q, spec) if d is not None else ""
    if delivery and d is not None:
        body.append(delivery)
        if claim.kind == ClaimKind.BARE and (d.deciding is not None or spec.cell == "rnn"):
            hold = held(d.scenario)
            body.append(f"Why, in one step: {one_step(spec, hold).sentence}.")
    body.append(_checks(v))
    if opt.feedback:
        body.append(opt.feedback)
    if v.decided_by in (Decision.REACHABLE, Decision.AS_CLAIMED):
        deciding = numbers
    elif v.decided_by == Decision.REASON_MATTERS:
        deciding = joint if v.joint is not None and not v.joint.changed else \
            next(p for f, p in zip(v.flips, flips, strict=True) if not f.relevant)
    elif v.decided_by == Decision.MODEL_DELIVERS or not claim.has_setting:
        deciding = delivery
    else:                                              # all pass: the claim's own numbers
        deciding = numbers
    return tuple(body), deciding
