"""Words that LMS exports add around the explanations: the general feedback of a question."""
from __future__ import annotations

from typing import Sequence

from ..verify import QuestionVerdict
from .explain import NOTATION


def general_feedback(qv: QuestionVerdict, key: Sequence[str]) -> tuple[str, ...]:
    """The question-level feedback: the key and how it was decided, notation, source."""
    q = qv.question
    simulated = any(o.claim is not None for o in q.options)
    how = (f" Each option was checked by simulating {q.simulation.seeds} random cells over "
           f"{q.horizon} steps (gain = median ‖∂c<{q.horizon}>/∂c<0>‖)." if simulated else "")
    out = [f"The right answer{'s are' if len(key) > 1 else ' is'} {', '.join(key)}.{how}"]
    cells = {spec.cell for spec in q.models.values()}
    out += [note for cell, note in sorted(NOTATION.items()) if cell in cells]
    if q.source:
        out.append(f"Source: {q.source}")
    return tuple(out)


def why_right(option_id: str, text: str, explanation: Sequence[str]) -> tuple[str, ...]:
    """A right option's explanation for a learner who did not choose it."""
    return (f"The right answer includes {option_id}: {text}", *explanation)
