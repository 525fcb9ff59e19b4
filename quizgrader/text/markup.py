"""Plain text made safe for Markdown and for the small HTML the LMS formats take."""
from __future__ import annotations

import html

_MD_SPECIAL = set("\\`*_[]<>|")


def md(text: str) -> str:
    """Plain text for Markdown: the characters that would start emphasis, code, links or an
    HTML tag (``*`` in Γu*c̃<t>, the ``<t>`` in c<t>) are backslash-escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


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
