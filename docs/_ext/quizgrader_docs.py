"""Sphinx directives that write reference pages from the code, so that they cannot drift.

``quizgrader-format`` (in a MyST page) renders the question format from the JSON Schema that
``quizgrader schema`` prints, through :mod:`formatref`.
"""
from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from formatref import format_markdown
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class FormatDirective(SphinxDirective):
    """``quizgrader-format``: the question format's objects and fields, from the schema."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from quizgrader.api import schema

        container = nodes.section()
        container.document = self.state.document
        lines = StringList(format_markdown(schema()), self.get_source_info()[0])
        self.state.nested_parse(lines, self.content_offset, container, match_titles=True)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("quizgrader-format", FormatDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
