"""What verification found, in words: the status of a question and the check that decided
each option."""
from __future__ import annotations

from ..verify import Decision, KeyChoice, QuestionVerdict, Status

CHECK_WORDS = {
    Decision.REACHABLE: "the case the reason cites cannot happen in this model",
    Decision.AS_CLAIMED: "the gradient does not do what the option says",
    Decision.REASON_MATTERS: "the cited gate makes no difference",
    Decision.MODEL_DELIVERS: "the model cannot do it in any gate setting",
    Decision.ALL_PASS: "every check passes",
    Decision.STATIC: "decided by the author",
}


def ids(options: list[str] | tuple[str, ...], empty: str = "none") -> str:
    return ", ".join(options) or empty


def finding(qv: QuestionVerdict) -> str | None:
    """One sentence naming what is wrong with the question, or None."""
    computed = ids(qv.computed_key)
    if qv.status == Status.AMBIGUOUS:
        n = len(qv.computed_key)
        passing = "no option passes" if n == 0 else f"{n} options pass ({computed})"
        return f"ambiguous: select: one, but {passing}"
    if qv.status == Status.KEY_MISMATCH:
        author = qv.author_key or []
        only_a = ids([i for i in author if i not in qv.computed_key], "-")
        only_c = ids([i for i in qv.computed_key if i not in author], "-")
        return (f"key mismatch: the author's key is {ids(author, 'empty')}, the simulation's "
                f"is {computed} (only in the author's key: {only_a}; only in the "
                f"simulation's: {only_c})")
    return None


def refusal(qv: QuestionVerdict, choice: KeyChoice, use: str) -> str:
    """Why a question with no usable key cannot be ``use``d ('graded', 'exported')."""
    hint = "; trust the author's key to use it" if choice.can_trust else ""
    return f"question {qv.question.id} cannot be {use}: {finding(qv)}{hint}"
