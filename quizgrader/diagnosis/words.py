"""A held misreading in words: the instructor's sentence, and the learner's paragraph.

The learner's paragraph ("a pattern in your answers") is plain: no check names, at most
:data:`BUDGET` words, the evidence named by the learner's own options (the letter and the
question's title, as the learner saw them in their file or on the page). Every gate value
and behaviour in it comes from the :class:`~.readings.Reading`, never from a rule typed per
gate.
"""
from __future__ import annotations

import math
from typing import Mapping

from ..question.schema import Question
from ..text.cells import name as cell_name
from ..text.gates import symbol
from ..text.wording import words, written
from .holding import Held, Mark
from .readings import Kind, Reading, Setting

#: The learner paragraph's budget in words (explanations.md: standard level).
BUDGET = 60
NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
#: What a behaviour is, after "the gradient".
IS = {"preserved": "is kept", "vanishes": "vanishes", "explodes": "explodes"}
#: What a setting does to the gradient.
DOES = {"preserved": "keeps the gradient", "vanishes": "makes the gradient vanish",
        "explodes": "makes the gradient explode"}


def number(n: int) -> str:
    """'two' (a figure beyond ten)."""
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def setting(pairs: Setting, fixed: Setting = ()) -> str:
    """'Γf ≈ 0 and Γu ≈ 1'; a gate of ``fixed`` (the model's) as 'Γu fixed at 0'."""
    removed = {g for g, _ in fixed}
    return " and ".join(f"{symbol(g)} at the value each option names" if math.isnan(v) else
                        f"{symbol(g)} fixed at {v:g}" if g in removed else
                        f"{symbol(g)} ≈ {v:g}" if v in (0.0, 1.0) else f"{symbol(g)} = {v:g}"
                        for g, v in pairs)


def _gates(pairs: Setting) -> str:
    return " and ".join(symbol(g) for g, _ in pairs)


def _whole(r: Reading) -> Setting:
    """The model's fixed gates first, then the cited ones (a configuration named whole)."""
    cited = {g for g, _ in r.gates}
    return tuple(p for p in r.fixed if p[0] not in cited) + r.gates


def _kept(r: Reading) -> str:
    """'with the input written at step 1 (Γu ≈ 1, then ≈ 0)', 'with Γu ≈ 0'."""
    how = written(r.kept)
    return f"with the input {how}" if how.startswith("written") else how


def sure(h: Held) -> str:
    """How sure, in words: 'two of two', 'three of four'."""
    return f"{number(len(h.support))} of {number(len(h.support) + len(h.against))}"


def sentence(r: Reading) -> str:
    """The misreading as an instructor reads it: 'believes Γu ≈ 1 keeps the gradient in the
    GRU (Γu ≈ 0 does)'."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return (f"believes {setting(r.gates, r.fixed)} {DOES[r.believed]} in the {cell} "
                f"({setting(r.other, r.fixed)} does)")
    if r.kind == Kind.WRONG_GATE:
        decides = f"what {_gates(r.other)} does" if r.other else "an effect it takes no part in"
        return f"credits {_gates(r.gates)} with {decides} in the {cell}"
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return (f"takes a {cell} that never writes an input ({setting(r.gates, r.fixed)}) for "
                f"one that remembers")
    if r.kind == Kind.ALWAYS_VANISHES:
        kept = f"; it keeps it {_kept(r)}" if r.kept else ""
        return f"thinks the {cell} must lose the gradient{kept}"
    if r.kind == Kind.REMOVAL:
        return (f"reads 'removing {_gates(r.gates)}' as {setting(r.gates)}, a value the model "
                f"does not have ({setting(r.other, r.other)})")
    where = f" with {setting(_whole(r), r.fixed)}" if r.gates or r.fixed else ""
    return (f"expects the gradient to be {'kept' if r.believed == 'preserved' else r.believed} "
            f"in the {cell}{where}, where it {IS.get(r.measured, r.measured)}")


def _finding(r: Reading) -> str:
    """What was measured instead, for the learner (plain words, one sentence)."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return (f"The simulation measured the opposite: in the {cell} it is "
                f"{setting(r.other, r.fixed)} that {DOES[r.believed]}.")
    if r.kind == Kind.WRONG_GATE:
        decides = f" what decides is {_gates(r.other)}" if r.other else ""
        return (f"Flipping {_gates(r.gates)} there does not change what the gradient does:"
                f"{decides}." if decides else
                f"Flipping {_gates(r.gates)} there does not change what the gradient does.")
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return ("That model keeps the gradient only because it never writes an input, so it "
                "cannot learn from the sequence.")
    if r.kind == Kind.ALWAYS_VANISHES:
        kept = f" {_kept(r)}" if r.kept else ""
        return f"The {cell} can keep it: the simulation kept it{kept}."
    if r.kind == Kind.REMOVAL:
        return (f"That model has {setting(r.other, r.other)}, so {setting(r.gates)} never "
                f"happens in it.")
    return f"The simulation measured that the gradient {IS.get(r.measured, r.measured)} there."


def _belief(r: Reading) -> str:
    """What the learner's answers have in common, after 'your answers read as if'."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return f"{setting(r.gates, r.fixed)} {DOES[r.believed]} in the {cell}"
    if r.kind == Kind.WRONG_GATE:
        return f"{_gates(r.gates)} decides what happens to the gradient in the {cell}"
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return f"a {cell} that never writes an input ({setting(r.gates, r.fixed)}) remembers"
    if r.kind == Kind.ALWAYS_VANISHES:
        return f"the {cell} must lose the gradient"
    if r.kind == Kind.REMOVAL:
        return f"{setting(r.gates)} can happen in a model with {setting(r.other, r.other)}"
    where = f" with {setting(_whole(r), r.fixed)}" if r.gates or r.fixed else ""
    believed = {"preserved": "is kept", "vanishes": "vanishes", "explodes": "explodes"}
    return f"the gradient {believed[r.believed]} in the {cell}{where}"


def _evidence(m: Mark, q: Question | None) -> str:
    """'your D in “Simplifying the GRU”' (or 'leaving out C in ...' for a right option)."""
    where = f" in “{q.title}”" if q is not None else ""
    return f"leaving out {m.option}{where}" if m.left_out else f"your {m.option}{where}"


def paragraph(h: Held, questions: Mapping[str, Question]) -> str:
    """The learner's 'a pattern in your answers' paragraph, within :data:`BUDGET` words:
    the misreading, the learner's options that show it (as many as fit), what was measured
    instead, how sure (k of n questions that test it)."""
    r = h.reading
    k = len(h.support)
    head = (f"In {sure(h)} questions that test it, your answers read as if {_belief(r)}")
    tail = " " + _finding(r)

    marks = list(h.support)
    for titled in (True, False):
        for shown in range(k, 0, -1):
            items = [_evidence(m, questions.get(m.question) if titled else None)
                     for m in marks[:shown]]
            more = k - shown
            listed = ", ".join(items) + (f" and {number(more)} more" if more else "")
            text = f"{head} ({listed}).{tail}"
            if words(text) <= BUDGET:
                return text
    return f"{head}.{tail}"
