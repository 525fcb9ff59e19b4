"""The shipped bank's files: plain questions, and templates of variants (with their locks)."""
from __future__ import annotations

from conftest import QUESTIONS

_ALL = sorted(p for p in QUESTIONS.glob("*.yaml") if not p.name.endswith(".variants.yaml"))
#: Template files (those with params), each with a lock beside it.
TEMPLATES = [p for p in _ALL if "\nparams:" in p.read_text(encoding="utf-8")]
#: Plain question files.
PLAIN = [p for p in _ALL if p not in TEMPLATES]
