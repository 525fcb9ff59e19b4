"""The document of ``explain``: the question's findings, its bottom line, the reading guide
and notation notes once, then each option with its explanation at the chosen detail."""
from __future__ import annotations

import json

from ...verify import OptionVerdict, QuestionVerdict
from ..bottomline import bottom_line
from ..explain import Detail, explain
from ..findings import message
from ..notes import guides
from ..numbers import json_number
from ..render.document import Block, Heading, Para, Section, render, strong


def option_blocks(qv: QuestionVerdict, v: OptionVerdict, detail: Detail = "full",
                  level: int = 2, cls: str | None = "option") -> Section:
    """One option: its text as a heading, the verdict in bold, then the explanation."""
    e = explain(qv, v)
    label = v.option.id
    if detail == "short":
        body: list[Block] = [Para(e.line(label))]
    else:
        body = [strong(e.verdict(label)), *(Para(p) for p in e.body(detail))]
    return Section((Heading(level, f"{label}. {v.option.text}"), *body), cls=cls)


def findings_lines(qv: QuestionVerdict) -> list[str]:
    """One line per finding (key mismatch, ambiguous, fragile, unstable)."""
    return [f"Finding: {message(qv, f)}" for f in qv.findings]


def head_blocks(qv: QuestionVerdict, guide: bool = True, symbols: bool = True
                ) -> list[Block]:
    """What precedes the options: findings, the bottom line, the notes (``symbols``: with
    the blocks of Wc that the full level's formulas name)."""
    blocks: list[Block] = [Para(line, cls="finding") for line in findings_lines(qv)]
    blocks.append(Para(f"Bottom line: {bottom_line(qv)}", cls="bottom-line"))
    if guide:
        blocks += [Para(p, cls="guide") for p in guides([qv.question], symbols)]
    return blocks


def explain_blocks(qv: QuestionVerdict, options: list[OptionVerdict],
                   detail: Detail = "full") -> list[Block]:
    """The whole document of ``explain``: title, stem, head, options."""
    q = qv.question
    title = q.title if q.variant is None else f"{q.title} (variant {q.variant})"
    return [Heading(1, title), Para(q.stem.strip(), cls="stem"),
            *head_blocks(qv, symbols=detail == "full"),
            *(option_blocks(qv, v, detail) for v in options)]


def explain_doc(qv: QuestionVerdict, options: list[OptionVerdict], fmt_name: str,
                detail: Detail = "full") -> str:
    """The explanations of ``options`` as text, markdown, html or json."""
    q = qv.question
    if fmt_name == "json":
        return json.dumps({"id": q.id, "variant": q.variant, "title": q.title,
                           "computed_key": qv.computed_key,
                           "findings": [message(qv, f) for f in qv.findings],
                           "bottom_line": bottom_line(qv), "notes": guides([q], detail == "full"),
                           "detail": detail,
                           "options": [{"id": v.option.id, "text": v.option.text,
                                        "correct": v.correct, "decided_by": v.decided_by,
                                        "gain": json_number(v.gain), "fragile": v.fragile,
                                        "explanation": explain(qv, v).paragraphs(
                                            detail, v.option.id)}
                                       for v in options]},
                          indent=2, ensure_ascii=False) + "\n"
    return render(explain_blocks(qv, options, detail), fmt_name, q.title)
