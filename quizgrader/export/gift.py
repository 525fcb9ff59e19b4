"""GIFT, Moodle's plain-text question format.

One question per block, blocks separated by a blank line:
``::title::[html]<p>stem</p>{ =right#feedback ~wrong#feedback ####general feedback }``;
``select: many`` uses weights ``~%50%right`` (the same fractions as the Moodle XML export).
``~ = # { } : \\`` are escaped with a backslash, and the HTML is kept on one line so that no
blank line can split a question. Inside HTML, braces are written as the entities ``&lbrace;``
and ``&rbrace;`` instead: they look the same, and no parser can mistake them for the end of
the answer block (pygiftparser, for one, stops at the first ``}``, escaped or not).
"""
from __future__ import annotations

from ..text.render.markup import paragraphs_html, text_html
from .items import Item, categorised
from .moodle import fractions

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """GIFT text: special characters backslash-escaped, line breaks removed."""
    out = "".join("\\" + ch if ch in SPECIAL else ch for ch in text)
    return " ".join(out.splitlines())


def escape_html(fragment: str) -> str:
    """GIFT text for an HTML fragment: braces as entities, the rest as :func:`escape`."""
    return escape(fragment.replace("{", "&lbrace;").replace("}", "&rbrace;"))


def question(item: Item) -> str:
    """One question as a GIFT block."""
    frac = fractions(item)
    lines = [f"// question: {item.ident}",
             f"::{escape(item.name)}::[html]{escape_html(text_html(item.stem))}{{"]
    for o in item.options:
        f = frac[o.id]
        if item.learner:
            mark = "~"
        elif item.select == "one":
            mark = "=" if f == "100" else "~"
        else:
            mark = f"~%{f}%"
        fb = f"#{escape_html(paragraphs_html(o.explanation))}" if o.explanation else ""
        text = o.text if item.shuffle else f"{o.id}. {o.text}"    # the letters feedback uses
        lines.append(f"\t{mark}{escape_html(text_html(text))}{fb}")
    if item.general:          # GIFT has no feedback for a wrong answer: the general one says why
        general = paragraphs_html(item.general + item.missed)
        lines.append(f"\t####{escape_html(general)}")
    lines.append("}")
    return "\n".join(lines)


def write(items: list[Item]) -> bytes:
    """The whole bank as one GIFT file (UTF-8); one question per variant of a template, the
    variants in a category of their own (``$CATEGORY:``), as the Moodle XML export."""
    blocks = []
    for switch, item in categorised(items):
        if switch is not None:
            blocks.append(f"$CATEGORY: {switch}")
        blocks.append(question(item))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
