"""The impact report of a regrade, in words and as JSON, and the note each learner reads."""
from __future__ import annotations

import json

from ...analysis.impact import Flip, Impact, Moved, OptionSnapshot, QuestionChange
from ..findings import ids
from ..numbers import fmt, json_number, plain, score


def _verdict(o: OptionSnapshot) -> str:
    return "right" if o.correct else "wrong"


def _numbers(o: OptionSnapshot, learner: bool) -> str:
    if learner:                       # no check names in learner text: the measured number
        return f"its gain {plain(o.gain)}" if o.gain is not None else "the author's judgement"
    gain = f" with gain {fmt(o.gain)}" if o.gain is not None else ""
    return f"decided by {o.decided_by}{gain}"


def flip_words(f: Flip, learner: bool = False) -> str:
    """An option whose verdict changed, in words (no check names for learners)."""
    if f.before is None:
        return f"option {f.option} is new" + (f" ({_verdict(f.after)})" if f.after else "")
    if f.after is None:
        return f"option {f.option} was removed (it was {_verdict(f.before)})"
    return (f"option {f.option} became {_verdict(f.after)} ({_numbers(f.before, learner)} "
            f"before; {_numbers(f.after, learner)} now)")


def reasons(c: QuestionChange, learner: bool = False) -> list[str]:
    """Why a question grades differently now, as short clauses."""
    changed = " and ".join(w for w, yes in (("the question file", c.question_file_changed),
                                            ("the code", c.code_changed)) if yes)
    if c.variant_removed:
        return [f"variant {c.variant} is no longer deployed (it was removed from the lock): "
                f"the answer was not graded again"]
    if not c.known_before:
        return [(f"{changed} changed" if changed else "the same question and code")
                + " (no record of the earlier verdicts to compare)"]
    what = []
    if c.key_before != c.key_after:
        was = "not graded" if c.key_before is None else f"key {ids(c.key_before)}"
        now = "not graded" if c.key_after is None else f"key {ids(c.key_after)}"
        what.append(f"{was} before, {now} now")
    what += [flip_words(f, learner) for f in c.flips]
    if c.scheme_before and c.scheme_after and c.scheme_before != c.scheme_after:
        what.append(f"scoring {c.scheme_before} before, {c.scheme_after} now")
    if not what:
        what.append("the same verdicts: the answer or the key policy (trusting the author's "
                    "key) changed")
    return ([f"{changed} changed"] if changed else []) + what


def _moved(m: Moved, learner: bool = False) -> str:
    b = score(m.before.score) if m.before and m.before.score is not None else "not graded"
    a = score(m.after.score) if m.after and m.after.score is not None else "not graded"
    which = f" (variant {m.why.variant})" if m.why.variant is not None else ""
    return f"{m.question}{which}: {b} → {a}: {'; '.join(reasons(m.why, learner))}"


def _whose(n: int) -> str:
    return "1 learner's" if n == 1 else f"{n} learners'"


def _unmatched(i: Impact) -> list[str]:
    out = [f"{q}: not regraded: its file is invalid ({problem}); "
           f"{_whose(n)} grades on it not compared" for q, problem, n in i.invalid]
    if i.only_new:
        out.append(f"{i.only_new} answer(s) graded now have no earlier grade in --previous "
                   f"(a truncated file, or one of another bank?): not compared")
    if i.only_previous:
        out.append(f"{i.only_previous} earlier grade(s) have no answer in the responses now: "
                   f"not compared")
    return out


def impact_text(i: Impact) -> str:
    """The impact report as text."""
    if not i.learners:
        return "\n".join([f"No score moved ({i.compared} learners compared)."]
                         + _unmatched(i)) + "\n"
    lines = [f"{len(i.learners)} of {i.compared} learners' scores moved:"]
    for c in i.learners:
        lines.append(f"{c.learner}: {score(c.before)} → {score(c.after)}")
        lines += [f"  {_moved(m)}" for m in c.moved]
    return "\n".join(lines + _unmatched(i)) + "\n"


def learner_note(moved: tuple[Moved, ...]) -> str:
    """The paragraph a learner's feedback file gains: why their score changed."""
    return "Your score changed because the questions were checked again: " + "; ".join(
        _moved(m, learner=True) for m in moved) + "."


def impact_json(i: Impact) -> str:
    """The impact report as JSON."""
    return json.dumps({"compared": i.compared, "only_new": i.only_new,
                       "only_previous": i.only_previous,
                       "invalid": [{"question": q, "problem": p, "learners": n}
                                   for q, p, n in i.invalid], "moved": [
        {"learner": c.learner, "before": round(c.before, 6), "after": round(c.after, 6),
         "questions": [{"question": m.question, "variant": m.why.variant,
                        "before": json_number(m.before.score) if m.before else None,
                        "after": json_number(m.after.score) if m.after else None,
                        "reasons": reasons(m.why)} for m in c.moved]}
        for c in i.learners]}, indent=2, ensure_ascii=False) + "\n"
