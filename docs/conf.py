"""Sphinx configuration of quizgrader's documentation (MyST Markdown pages, the Furo theme).

Build: ``python -m sphinx -W -n -b html docs docs/_build/html`` (warnings are errors).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))          # quizgrader_docs: the question format reference
sys.path.insert(0, str(HERE.parent))            # the package itself, for autodoc and sphinx-click

from quizgrader import __version__  # noqa: E402

project = "quizgrader"
author = "the quizgrader authors"
copyright = "the quizgrader authors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_click",
    "quizgrader_docs",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"quizgrader {release}"

# autodoc: the library's front door and the types it returns, in source order
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}

# -n (nitpicky): every cross-reference must resolve. Names from libraries whose inventories
# are not loaded (the docs build offline) are listed here rather than left dangling, and so
# are the package's internal types that signatures mention but the API page does not document
# (verdicts, banks, cells: documenting them pulls in pydantic's field metadata as types).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(np|numpy|pydantic|pathlib|typing|collections|datetime|click)\..*"),
    (r"py:.*", r"(Path|ndarray|NDArray|Any|Iterable|Sequence|Mapping|Callable|IO|TextIO)"),
    (r"py:.*", r"quizgrader\..*"),
    (r"py:.*", r"(Bank|Question|Model|Hold|Curves|Explanation|Summary|GradedAnswer)"),
    (r"py:.*", r"(PathLike|Deployment|Format)"),
    (r"py:.*", r"(QuestionVerdict|OptionVerdict|Status|Detail|ExportFormat|Literal)"),
]
