"""The lab's HTML: a fragment per question (its sliders, plots, sentences, tables and option
buttons) and the assets it needs inline (uPlot, vendored with its licence, and the lab's own
script and style), so that the same markup serves the service's page and the offline handout.

No CDN and no build step: the assets are package data, read once.
"""
from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

#: uPlot's version and licence, said in the page beside its code.
UPLOT = "uPlot 1.6.32 (MIT licence, © Leon Sorokin; quizgrader/lab/static/uPlot.LICENSE)"


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("quizgrader.lab", "templates"),
                       autoescape=select_autoescape(default=True),
                       keep_trailing_newline=True)


@cache
def asset(name: str) -> str:
    """The text of a static file of the lab (``uPlot.iife.min.js``, ``lab.js``, ...)."""
    return (files("quizgrader.lab") / "static" / name).read_text("utf-8")


def script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` ('<' escaped, so no '</script>')."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def fragment(desc: dict[str, Any], uid: str, api: str | None = None,
             data: dict[str, Any] | None = None, level: int = 2) -> str:
    """One question's lab: its data from ``api`` (the service) or the embedded ``data`` (the
    offline grid, :func:`.offline.grid_data`); ``uid`` makes its element ids unique in a page
    that holds several; ``level`` is its heading's."""
    from markupsafe import Markup
    return _env().get_template("lab.html").render(
        desc=desc, uid=uid, api=api, level=level, offline=data is not None,
        desc_json=Markup(script_json(desc)),
        data_json=Markup(script_json(data)) if data is not None else None)


def head() -> str:
    """The style the lab needs (uPlot's and its own), for a page's ``<head>``."""
    return f"<style>{asset('uPlot.min.css')}\n{asset('lab.css')}</style>"


def scripts() -> str:
    """uPlot and the lab's script, inline, once per page (after the fragments)."""
    return (f"<script>/* {UPLOT} */\n{asset('uPlot.iife.min.js')}</script>\n"
            f"<script>{asset('lab.js')}</script>")
