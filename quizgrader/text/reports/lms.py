"""Words that LMS exports add around the explanations: how an option is named where the LMS
shuffles the letters, the general feedback of a question, and why a right option is right."""
from __future__ import annotations

from typing import Sequence

from ...question.schema import Option, Question
from ..notes import compact_guide, notation
from ..wording import setting

#: Words of an option's text quoted to name it.
QUOTE_WORDS = 6


def quote(text: str) -> str:
    """'“Alice's model (removing Γu), because if Γr ≈ 0 …”': an option's text, shortened."""
    tokens = text.split()
    short = " ".join(tokens[:QUOTE_WORDS]) + (" …" if len(tokens) > QUOTE_WORDS else "")
    return f"“{short}”"


def describe(q: Question, opt: Option) -> str:
    """An option named without its letter: 'the option with Betty's model and Γu ≈ 0' where
    its model and cited gates tell it apart from the others, else a quote of its text."""
    def sig(o: Option) -> tuple[str, tuple[tuple[str, int], ...]] | None:
        c = o.claim
        return None if c is None or not c.gates else (c.model, tuple(sorted(c.gates.items())))

    mine = sig(opt)
    if mine is not None and opt.claim is not None and \
            sum(sig(o) == mine for o in q.options) == 1:
        label = q.models[mine[0]].label or f"the model “{mine[0]}”"
        return f"the option with {label} and {setting(opt.claim)}"
    return f"the option {quote(opt.text)}"


def name(q: Question, opt: Option, letters: bool) -> str:
    """How LMS feedback names an option: its letter where the learner sees it."""
    return opt.id if letters else describe(q, opt)


def general_feedback(q: Question, key: Sequence[str], bottom: str, letters: bool,
                     simulated: bool) -> tuple[str, ...]:
    """The question-level feedback: the bottom line, the key, how it was decided, notation,
    source. ``letters``: the learner sees the options' letters (no shuffling)."""
    how = (f" Each option was checked by simulating {q.simulation.seeds} random cells over "
           f"{q.horizon} steps (gain = median ‖∂c<{q.horizon}>/∂c<0>‖)." if simulated else "")
    right = [name(q, o, letters) for o in q.options if o.id in key]
    which = (f"The right answer{'s are' if len(right) > 1 else ' is'} {', '.join(right)}."
             if letters else
             f"The right answer{'s are' if len(right) > 1 else ' is'} " + "; ".join(right) + ".")
    out = ([f"Bottom line: {bottom}"] if bottom else []) + [which + how]
    if simulated:                 # what the gain is, in plain words, before any option's text
        out.insert(0, compact_guide(q))
    out += notation(m.cell for m in q.models.values())
    if q.source:
        out.append(f"Source: {q.source}")
    return tuple(out)


def why_right(q: Question, opt: Option, explanation: Sequence[str], letters: bool
              ) -> tuple[str, ...]:
    """A right option's explanation for a learner who did not choose it."""
    return (f"The right answer includes {name(q, opt, letters)}: {opt.text}", *explanation)
