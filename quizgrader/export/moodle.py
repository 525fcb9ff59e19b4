"""Moodle XML (``multichoice`` questions), for Moodle's question bank import.

Fractions come from the key. Moodle only accepts percentages from a fixed list, and grades a
multiple-answer question as the sum of the chosen options' fractions, floored at 0. So for
``select: many`` with k correct options of N:

- net-correct:    correct +100/k, wrong −100/k   (exactly PrairieLearn's net-correct)
- all-or-nothing: correct +100/k, wrong −100     (a wrong choice scores 0; a partial
                                                   subset of the key still earns credit:
                                                   Moodle's core multichoice cannot refuse it)
- each-answer:    correct +100/k, wrong −100/N   (Moodle gives no credit for leaving a wrong
                                                   option out, so this is the closest)

each value rounded to the nearest percentage on Moodle's list (exact for k, N ≤ 10).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..text.render.markup import paragraphs_html, text_html
from .items import Item, categorised

#: Moodle's allowed fractions (and their negatives), as Moodle writes them.
ALLOWED = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
           "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")


def nearest(percent: float) -> str:
    """The allowed fraction nearest to ``percent`` (sign kept)."""
    best = min(ALLOWED, key=lambda a: abs(float(a) - abs(percent)))
    return "-" + best if percent < 0 and best != "0" else best


def fractions(item: Item) -> dict[str, str]:
    """Each option's fraction (all "0" in a learner export, which has no key)."""
    key = set(item.key)
    if item.learner or not key:
        return {o.id: "0" for o in item.options}
    if item.select == "one":
        return {o.id: "100" if o.id in key else "0" for o in item.options}
    right = nearest(100.0 / len(key))
    wrong = {"net-correct": nearest(-100.0 / len(key)), "all-or-nothing": "-100",
             "each-answer": nearest(-100.0 / len(item.options))}[item.scheme]
    return {o.id: right if o.id in key else wrong for o in item.options}


def _text(parent: ET.Element, tag: str, html_text: str | None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": "html", **attrs} if html_text is not None
                       else attrs)
    ET.SubElement(el, "text").text = html_text if html_text is not None else ""
    return el


def _plain(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def question(item: Item) -> ET.Element:
    """One ``multichoice`` question element."""
    q = ET.Element("question", {"type": "multichoice"})
    name = ET.SubElement(q, "name")
    ET.SubElement(name, "text").text = item.name
    _text(q, "questiontext", text_html(item.stem))
    _text(q, "generalfeedback", paragraphs_html(item.general))
    _plain(q, "defaultgrade", "1")
    _plain(q, "penalty", "0")
    _plain(q, "hidden", "0")
    _plain(q, "idnumber", item.ident)
    _plain(q, "single", "true" if item.select == "one" else "false")
    _plain(q, "shuffleanswers", "true" if item.shuffle else "false")
    _plain(q, "answernumbering", "abc" if item.shuffle else "ABCD")
    _plain(q, "showstandardinstruction", "0")
    _text(q, "correctfeedback", "")
    for tag in ("partiallycorrectfeedback", "incorrectfeedback"):   # why the key is right
        _text(q, tag, paragraphs_html(item.missed))
    frac = fractions(item)
    for o in item.options:
        a = _text(q, "answer", text_html(o.text), fraction=frac[o.id])
        _text(a, "feedback", paragraphs_html(o.explanation))
    return q


def category(path: str) -> ET.Element:
    """A category entry: the questions after it are imported into ``path``."""
    q = ET.Element("question", {"type": "category"})
    ET.SubElement(ET.SubElement(q, "category"), "text").text = path
    return q


def write(items: list[Item]) -> bytes:
    """The whole bank as one Moodle XML file (UTF-8); the variants of a template in their own
    category (``$course$/top/quizgrader/<id>``), the other questions in the bank's."""
    quiz = ET.Element("quiz")
    for switch, item in categorised(items):
        if switch is not None:
            quiz.append(category(switch))
        quiz.append(ET.Comment(f" question: {item.ident} "))
        quiz.append(question(item))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"
