"""Plain text to the small HTML the LMS formats take (escaped, paragraphs kept)."""
from __future__ import annotations

import html


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """'<p>…</p>' per paragraph; single line breaks become <br>; &, <, > escaped."""
    return "".join("<p>" + "<br>".join(html.escape(line, quote=False)
                                       for line in p.strip().split("\n")) + "</p>"
                   for p in paragraphs if p.strip())


def text_html(text: str) -> str:
    """A block of text (blank lines between paragraphs) as HTML paragraphs."""
    return paragraphs_html([p for p in text.split("\n\n")])
