"""What verification found, in words: each finding, the status of a question, and the check
that decided each option."""
from __future__ import annotations

from ..verify import (
    Decision,
    Finding,
    FindingKind,
    KeyChoice,
    Margin,
    Quantity,
    QuestionVerdict,
    Status,
)
from .numbers import fmt, plain

CHECK_WORDS = {
    Decision.REACHABLE: "the case the reason cites cannot happen in this model",
    Decision.AS_CLAIMED: "the gradient does not do what the option says",
    Decision.REASON_MATTERS: "the cited gate makes no difference",
    Decision.MODEL_DELIVERS: "the model cannot do it in any gate setting",
    Decision.ALL_PASS: "every check passes",
    Decision.STATIC: "decided by the author",
}


def ids(options: list[str] | tuple[str, ...], empty: str = "none") -> str:
    """Option ids as 'A, C' (``empty`` when there are none)."""
    return ", ".join(options) or empty


def deciding_number(m: Margin, horizon: int) -> str:
    """'gain(100) = 0.0123 against 0.01' and the like."""
    what = {Quantity.GAIN: f"gain({horizon})",
            Quantity.CARRY: f"carry({horizon}) = reach({horizon})/reach₀(1)",
            Quantity.DECADES: "a flipped gate's move in decades"}.get(
                m.quantity or Quantity.GAIN, "the deciding number")
    return f"{what} = {fmt(m.value)} against {fmt(m.threshold)}"


def spread(m: Margin) -> str:
    """Why a straddling verdict could flip (v4): 'another seed set could flip it: the
    median's 95 % interval over the cells spans 1.5 … 7.6e7'."""
    lo, hi = m.interval or (m.value, m.value)
    if m.quantity == Quantity.DECADES:
        what = (f"over the median's 95 % interval of the flipped gain, the move spans "
                f"{lo:.2f} … {hi:.2f} decades")
    else:
        what = f"the median's 95 % interval over the cells spans {plain(lo)} … {plain(hi)}"
    return f"another seed set could flip it: {what}"


def message(qv: QuestionVerdict, f: Finding) -> str:
    """One finding in words."""
    computed = ids(qv.computed_key)
    if f.kind == FindingKind.AMBIGUOUS:
        n = len(qv.computed_key)
        passing = "no option passes" if n == 0 else f"{n} options pass ({computed})"
        return f"ambiguous: select: one, but {passing}"
    if f.kind == FindingKind.KEY_MISMATCH:
        author = qv.author_key or []
        only_a = ids([i for i in author if i not in qv.computed_key], "-")
        only_c = ids([i for i in qv.computed_key if i not in author], "-")
        whose = (f"variant {qv.question.variant}'s locked key" if qv.question.key_from_lock
                 else "the author's key")
        return (f"key mismatch: {whose} is {ids(author, 'empty')}, the simulation's "
                f"is {computed} (only in the author's key: {only_a}; only in the "
                f"simulation's: {only_c})")
    if f.kind == FindingKind.FRAGILE:
        v = qv.verdict(f.options[0])
        m = v.margin if v is not None else None
        if v is None or m is None:
            return f"fragile: {ids(f.options)}"
        below = qv.question.simulation.fragile_below
        head = (f"fragile: {v.option.id} is {'correct' if v.correct else 'wrong'} by "
                f"{m.decades:.2f} decade ({deciding_number(m, qv.question.horizon)})")
        if m.straddles:
            return f"{head}, but {spread(m)}"
        return f"{head}, less than {below:g}: another seed could flip it"
    var = f.variation
    if var is None:
        return f"unstable: {ids(f.options)} flipped"
    return (f"unstable: with seed {var.seed} and hidden {var.hidden} the key is "
            f"{ids(var.computed_key)} instead of {computed} ({ids(f.options)} flipped)")


def finding(qv: QuestionVerdict) -> str | None:
    """The sentence of the finding that sets the question's status, or None when it is ok."""
    kind = {Status.AMBIGUOUS: FindingKind.AMBIGUOUS, Status.KEY_MISMATCH: FindingKind.KEY_MISMATCH,
            Status.UNSTABLE: FindingKind.UNSTABLE}.get(qv.status)
    return next((message(qv, f) for f in qv.findings if f.kind == kind), None)


def refusal(qv: QuestionVerdict, choice: KeyChoice, use: str) -> str:
    """Why a question with no usable key cannot be ``use``d ('graded', 'exported')."""
    hint = "; --trust-key (trust_key=True) uses the author's key" if choice.can_trust else ""
    return f"question {qv.question.name} cannot be {use}: {finding(qv)}{hint}"
