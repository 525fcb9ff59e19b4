"""Reports of verification and explanations: text, Markdown, HTML and JSON (deterministic)."""
from __future__ import annotations

import html
import json

from .explain import option_paragraphs
from .simreport import fmt
from .verify import OptionVerdict, QuestionVerdict

CHECK_WORDS = {
    "reachable": "the case the reason cites cannot happen in this model",
    "as-claimed": "the gradient does not do what the option says",
    "reason-matters": "the cited gate makes no difference",
    "model-delivers": "the model cannot do it in any gate setting",
    "all-pass": "every check passes",
    "static": "decided by the author",
}


_MD_SPECIAL = set("\\`*_[]<>|")


def md(text: str) -> str:
    """Plain text for Markdown: the characters that would start emphasis, code, links or an
    HTML tag (``*`` in Γu*c̃<t>, the ``<t>`` in c<t>) are backslash-escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _num(v: float | None) -> float | None:
    return None if v is None or v != v or abs(v) == float("inf") else float(v)


def finding(qv: QuestionVerdict) -> str | None:
    """One sentence naming what is wrong with the question, or None."""
    computed = ", ".join(qv.computed_key) or "none"
    if qv.status == "ambiguous":
        n = len(qv.computed_key)
        return (f"ambiguous: select: one, but {'no option passes' if n == 0 else f'{n} options pass ({computed})'}")
    if qv.status == "key-mismatch":
        author, comp = set(qv.author_key or []), set(qv.computed_key)
        only_a = ", ".join(i for i in qv.author_key if i not in comp) or "-"
        only_c = ", ".join(i for i in qv.computed_key if i not in author) or "-"
        return (f"key mismatch: the author's key is {', '.join(qv.author_key) or 'empty'}, the "
                f"simulation's is {computed} (only in the author's key: {only_a}; only in the "
                f"simulation's: {only_c})")
    return None


def verify_text(qv: QuestionVerdict) -> str:
    q = qv.question
    head = f"{q.id} ({qv.path})" if qv.path else q.id
    note = finding(qv)
    if note is None:
        agrees = " agrees" if qv.author_key is not None else " (no author key to compare)"
        note = f"ok: key {', '.join(qv.computed_key) or 'none'}{agrees}"
    lines = [f"{head}: {note}"]
    for v in qv.options:
        mark = "✓" if v.correct else "✗"
        nums = f"; gain({q.horizon}) = {fmt(v.gain)}" if v.gain is not None else ""
        flip = "".join(f"; with {f.gate}≈{f.value}: {fmt(float(f.curves.gain[-1]))}"
                       for f in v.flips)
        lines.append(f"  {mark} {v.option.id}  {v.decided_by}: {CHECK_WORDS[v.decided_by]}"
                     f"{nums}{flip}")
    return "\n".join(lines) + "\n"


def verify_json(verdicts: list[QuestionVerdict], invalid: list[str]) -> str:
    """The ``verify --json`` contract; invalid files appear with status "invalid"."""
    from .explain import explanation
    qs = []
    for qv in verdicts:
        qs.append({"id": qv.question.id, "path": qv.path, "computed_key": qv.computed_key,
                   "author_key": qv.author_key, "status": qv.status, "finding": finding(qv),
                   "options": [{"id": v.option.id, "correct": v.correct,
                                "decided_by": v.decided_by, "gain": _num(v.gain),
                                "checks": v.checks, "explanation": explanation(qv, v)}
                               for v in qv.options]})
    for path in invalid:
        qs.append({"id": None, "path": path, "computed_key": [], "author_key": None,
                   "status": "invalid", "options": []})
    return json.dumps({"questions": qs}, indent=2, ensure_ascii=False) + "\n"


def explain_doc(qv: QuestionVerdict, options: list[OptionVerdict], fmt_name: str) -> str:
    """The explanations of ``options`` as text, markdown, html or json."""
    q = qv.question
    if fmt_name == "json":
        return json.dumps({"id": q.id, "title": q.title, "computed_key": qv.computed_key,
                           "options": [{"id": v.option.id, "text": v.option.text,
                                        "correct": v.correct, "decided_by": v.decided_by,
                                        "gain": _num(v.gain),
                                        "explanation": option_paragraphs(qv, v)}
                                       for v in options]},
                          indent=2, ensure_ascii=False) + "\n"
    if fmt_name == "markdown":
        parts = [f"# {md(q.title)}\n", md(q.stem.strip()) + "\n"]
        for v in options:
            paras = option_paragraphs(qv, v)
            parts.append(f"## {md(v.option.id)}. {md(v.option.text)}\n")
            parts.append(f"**{md(paras[0])}**\n")
            parts.extend(md(p) + "\n" for p in paras[1:])
        return "\n".join(parts)
    if fmt_name == "html":
        e = html.escape
        body = [f"<h1>{e(q.title)}</h1>", f"<p>{e(q.stem.strip())}</p>"]
        for v in options:
            paras = option_paragraphs(qv, v)
            body.append(f'<section class="option"><h2>{e(v.option.id)}. {e(v.option.text)}</h2>')
            body.append(f"<p><strong>{e(paras[0])}</strong></p>")
            body.extend(f"<p>{e(p)}</p>" for p in paras[1:])
            body.append("</section>")
        return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                f"<title>{e(q.title)}</title></head><body>\n" + "\n".join(body)
                + "\n</body></html>\n")
    blocks = [f"{q.title} ({q.id})", ""]
    for v in options:
        blocks.append(f"{v.option.id}. {v.option.text}")
        blocks.extend("   " + p for p in option_paragraphs(qv, v))
        blocks.append("")
    return "\n".join(blocks)
