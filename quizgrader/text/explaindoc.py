"""The document of ``explain``: the question and each option with its explanation."""
from __future__ import annotations

import json

from ..verify import OptionVerdict, QuestionVerdict
from .document import Block, Heading, Para, Section, render, strong
from .explain import explain
from .numbers import json_number


def option_blocks(qv: QuestionVerdict, v: OptionVerdict, level: int = 2,
                  cls: str | None = "option") -> Section:
    """One option: its text as a heading, the verdict in bold, then the explanation."""
    e = explain(qv, v)
    return Section((Heading(level, f"{v.option.id}. {v.option.text}"), strong(e.verdict),
                    *(Para(p) for p in e.body)), cls=cls)


def explain_blocks(qv: QuestionVerdict, options: list[OptionVerdict]) -> list[Block]:
    q = qv.question
    return [Heading(1, q.title), Para(q.stem.strip(), cls="stem"),
            *(option_blocks(qv, v) for v in options)]


def explain_doc(qv: QuestionVerdict, options: list[OptionVerdict], fmt_name: str) -> str:
    """The explanations of ``options`` as text, markdown, html or json."""
    q = qv.question
    if fmt_name == "json":
        return json.dumps({"id": q.id, "title": q.title, "computed_key": qv.computed_key,
                           "options": [{"id": v.option.id, "text": v.option.text,
                                        "correct": v.correct, "decided_by": v.decided_by,
                                        "gain": json_number(v.gain),
                                        "explanation": explain(qv, v).paragraphs}
                                       for v in options]},
                          indent=2, ensure_ascii=False) + "\n"
    return render(explain_blocks(qv, options), fmt_name, q.title)
