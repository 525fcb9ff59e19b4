"""A held misreading in words: the instructor's sentence, and the learner's paragraph.

The learner's paragraph ("a pattern in your answers") is plain: no check names, at most
:data:`BUDGET` words, the evidence named by the learner's own options (the letter and the
question's title, as the learner saw them in their file or on the page). Every gate value
and behaviour in it comes from the :class:`~.readings.Reading`, never from a rule typed per
gate.
"""
from __future__ import annotations

from typing import Mapping

from ..question.schema import Question
from ..text.cells import name as cell_name
from ..text.gates import scenario as scenario_words, symbol
from ..text.wording import words
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


def setting(pairs: Setting) -> str:
    """'Γf ≈ 0 and Γu ≈ 1' ('=' for a value that is not 0 or 1)."""
    return " and ".join(f"{symbol(g)} ≈ {v:g}" if v in (0.0, 1.0) else f"{symbol(g)} = {v:g}"
                        for g, v in pairs)


def _gates(pairs: Setting) -> str:
    return " and ".join(symbol(g) for g, _ in pairs)


def sure(h: Held) -> str:
    """How sure, in words: 'two of two', 'three of four'."""
    return f"{number(len(h.support))} of {number(len(h.support) + len(h.against))}"


def sentence(r: Reading) -> str:
    """The misreading as an instructor reads it: 'believes Γu ≈ 1 keeps the gradient in the
    GRU (Γu ≈ 0 does)'."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return (f"believes {setting(r.gates)} {DOES[r.believed]} in the {cell} "
                f"({setting(r.other)} does)")
    if r.kind == Kind.WRONG_GATE:
        decides = f"what {_gates(r.other)} does" if r.other else "an effect it takes no part in"
        return f"credits {_gates(r.gates)} with {decides} in the {cell}"
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return (f"takes a {cell} that never writes an input ({setting(r.gates)}) for one that "
                f"remembers")
    if r.kind == Kind.ALWAYS_VANISHES:
        kept = f" (it keeps it with {scenario_words(r.kept)})" if r.kept else ""
        return f"thinks the {cell} must lose the gradient{kept}"
    if r.kind == Kind.REMOVAL:
        return (f"reads 'removing {_gates(r.gates)}' as {setting(r.gates)}, a value the model "
                f"does not have ({setting(r.other)})")
    where = f" with {setting(r.gates)}" if r.gates else ""
    return (f"expects the gradient to be {'kept' if r.believed == 'preserved' else r.believed} "
            f"in the {cell}{where}, where it {IS.get(r.measured, r.measured)}")


def _finding(r: Reading) -> str:
    """What was measured instead, for the learner (plain words, one sentence)."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return (f"The simulation measured the opposite: in the {cell} it is {setting(r.other)} "
                f"that {DOES[r.believed]}.")
    if r.kind == Kind.WRONG_GATE:
        decides = f" what decides is {_gates(r.other)}" if r.other else ""
        return (f"Flipping {_gates(r.gates)} there changes nothing measurable:{decides}."
                if decides else f"Flipping {_gates(r.gates)} there changes nothing measurable.")
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return ("That model keeps the gradient only because it never writes an input, so it "
                "cannot learn from the sequence.")
    if r.kind == Kind.ALWAYS_VANISHES:
        kept = f" with {scenario_words(r.kept)}" if r.kept else ""
        return f"The {cell} can keep it: the simulation kept it{kept}."
    if r.kind == Kind.REMOVAL:
        return (f"That model fixes {setting(r.other)}, so {setting(r.gates)} never happens "
                f"in it.")
    return f"The simulation measured that the gradient {IS.get(r.measured, r.measured)} there."


def _belief(r: Reading) -> str:
    """What the learner's options have in common, after 'you chose options where'."""
    cell = cell_name(r.cell)
    if r.kind == Kind.POLARITY:
        return f"{setting(r.gates)} {DOES[r.believed]} in the {cell}"
    if r.kind == Kind.WRONG_GATE:
        return f"{_gates(r.gates)} decides what happens to the gradient in the {cell}"
    if r.kind == Kind.KEEPING_IS_LEARNING:
        return f"a {cell} that never writes an input ({setting(r.gates)}) remembers"
    if r.kind == Kind.ALWAYS_VANISHES:
        return f"the {cell} must lose the gradient"
    if r.kind == Kind.REMOVAL:
        return f"{setting(r.gates)} can happen in a model that fixes {setting(r.other)}"
    where = f" with {setting(r.gates)}" if r.gates else ""
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
    head = (f"In {sure(h)} questions that test it, you chose as if {_belief(r)}")
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
