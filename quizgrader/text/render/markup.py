"""Plain text made safe for Markdown and for the small HTML the LMS formats take."""
from __future__ import annotations

import html
import re

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_MD_SPECIAL = set("\\`*_[]<>|")


_LINE_START = re.compile(r"(?m)^([ \t]*)([#=+-]|\d+(?=[.)]))")


def md(text: str) -> str:
    """Plain text for Markdown: the characters that would start emphasis, code, links or an
    HTML tag (``*`` in Γu*c̃<t>, the ``<t>`` in c<t>) are backslash-escaped, and so is what
    would make a line a heading, a list item or a rule (``#``, ``-``, ``+``, ``=``, ``1.``)."""
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)

    def mark(m: re.Match[str]) -> str:
        lead, what = m.groups()
        return lead + (what + "\\" if what[0].isdigit() else "\\" + what)

    return _LINE_START.sub(mark, escaped)


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other control characters become spaces."""
    return _CONTROLS.sub(" ", text)


def esc(text: str) -> str:
    """Text for HTML element content and attribute values."""
    return html.escape(text, quote=True)


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """'<p>…</p>' per paragraph; single line breaks become <br>; &, <, > escaped."""
    return "".join("<p>" + "<br>".join(html.escape(line, quote=False)
                                       for line in p.strip().split("\n")) + "</p>"
                   for p in paragraphs if p.strip())


def text_html(text: str) -> str:
    """A block of text (blank lines between paragraphs) as HTML paragraphs."""
    return paragraphs_html([p for p in text.split("\n\n")])
