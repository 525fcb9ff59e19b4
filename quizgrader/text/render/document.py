"""A small document model and its three renderers: plain text, Markdown and HTML.

Every human-readable output (explanations, grade reports, per-learner files, handouts) is
built once as a list of blocks and rendered by these functions, so escaping and layout are
decided in one place. Text inside blocks is plain Unicode; the renderers escape it.

Blocks: :class:`Heading`, :class:`Para` (plain text or inline spans), :class:`Items` (a list),
:class:`Figure` (an image with a caption) and :class:`Section` (a group, indented in text,
a ``<section>`` or ``<div>`` in HTML).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .markup import esc, md, one_line


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Em:
    text: str


Inline = Union[str, Strong, Em]
Content = Union[str, tuple[Inline, ...]]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    content: Content
    cls: str | None = None


@dataclass(frozen=True)
class Items:
    items: tuple[Content, ...]
    cls: str | None = None


@dataclass(frozen=True)
class Figure:
    uri: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Section:
    blocks: tuple["Block", ...]
    cls: str | None = None
    anchor: str | None = None
    tag: str = "section"


Block = Union[Heading, Para, Items, Figure, Section]


def strong(text: str) -> Para:
    """A paragraph in bold."""
    return Para((Strong(text),))


def _spans(content: Content) -> tuple[Inline, ...]:
    return (content,) if isinstance(content, str) else content


# --- plain text ---------------------------------------------------------------------------

def _inline_text(content: Content) -> str:
    return "".join(s if isinstance(s, str) else s.text for s in _spans(content))


def _text_lines(block: Block, indent: str) -> list[str]:
    if isinstance(block, Heading):
        return [indent + one_line(block.text)] + ([""] if block.level == 1 else [])
    if isinstance(block, Para):
        return [indent + _inline_text(block.content)] + ([] if indent else [""])
    if isinstance(block, Items):
        return [indent + _inline_text(i) for i in block.items] + [""]
    if isinstance(block, Figure):
        return []
    lines: list[str] = []
    for i, b in enumerate(block.blocks):           # a section: heading, then indented body
        lines += _text_lines(b, indent if i == 0 and isinstance(b, Heading) else indent + "   ")
    return lines + [""]


def to_text(blocks: list[Block]) -> str:
    """Plain text: headings as lines, section bodies indented, blank lines between blocks."""
    lines = [line for b in blocks for line in _text_lines(b, "")]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# --- Markdown -----------------------------------------------------------------------------

def _inline_md(content: Content) -> str:
    return "".join(md(s) if isinstance(s, str) else
                   f"**{md(s.text)}**" if isinstance(s, Strong) else f"*{md(s.text)}*"
                   for s in _spans(content))


def _md_blocks(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + md(one_line(block.text))]
    if isinstance(block, Para):
        return [_inline_md(block.content)]
    if isinstance(block, Items):
        return ["\n".join("- " + _inline_md(i) for i in block.items)]
    if isinstance(block, Figure):
        return [f"![{md(block.alt)}]({block.uri})", f"*{md(block.caption)}*"]
    return [s for b in block.blocks for s in _md_blocks(b)]


def to_markdown(blocks: list[Block]) -> str:
    """Markdown: one block per paragraph, blank lines between, text escaped."""
    return "\n\n".join(s for b in blocks for s in _md_blocks(b)) + "\n"


# --- HTML ---------------------------------------------------------------------------------

def _attrs(cls: str | None, anchor: str | None = None) -> str:
    return (f' class="{esc(cls)}"' if cls else "") + (f' id="{esc(anchor)}"' if anchor else "")


def _inline_html(content: Content) -> str:
    return "".join(esc(s) if isinstance(s, str) else
                   f"<strong>{esc(s.text)}</strong>" if isinstance(s, Strong) else
                   f"<em>{esc(s.text)}</em>" for s in _spans(content))


def _html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{esc(one_line(block.text))}</h{block.level}>"
    if isinstance(block, Para):
        return f"<p{_attrs(block.cls)}>{_inline_html(block.content)}</p>"
    if isinstance(block, Items):
        return (f"<ol{_attrs(block.cls)}>" + "".join(f"<li>{_inline_html(i)}</li>"
                                                     for i in block.items) + "</ol>")
    if isinstance(block, Figure):
        return (f'<figure><img src="{esc(block.uri)}" alt="{esc(block.alt)}" width="640" '
                f'height="360"><figcaption>{esc(block.caption)}</figcaption></figure>')
    inner = "\n".join(_html(b) for b in block.blocks)
    return f"<{block.tag}{_attrs(block.cls, block.anchor)}>\n{inner}\n</{block.tag}>"


CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
.stem{white-space:pre-wrap}.key{background:#eef6ee;padding:.4rem .8rem;border-radius:4px}
ol.options{list-style:none;padding-left:0}ol.options li{margin:.3rem 0}
.option{border-left:3px solid #bbb;padding-left:1rem;margin:1.5rem 0}
.option.correct{border-color:#2e7d32}.option.wrong{border-color:#c62828}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
.bottom-line{background:#eef3fb;border-left:4px solid #0b57a8;padding:.6rem .9rem;border-radius:4px}
.guide{font-size:.9rem;color:#444}.finding{color:#7a3e00;background:#fff4e5;padding:.3rem .6rem}"""


def to_html(blocks: list[Block]) -> str:
    """The HTML of the blocks (a fragment, one element per line)."""
    return "\n".join(_html(b) for b in blocks)


def html_page(title: str, blocks: list[Block]) -> str:
    """A whole self-contained page (no network: the style is inline)."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
            + to_html(blocks) + "\n</body></html>\n")


def render(blocks: list[Block], fmt: str, title: str = "") -> str:
    """``blocks`` as ``text``, ``markdown`` or ``html`` (a whole page titled ``title``)."""
    if fmt == "markdown":
        return to_markdown(blocks)
    if fmt == "html":
        return html_page(title, blocks)
    return to_text(blocks)
