"""The reference in docs/ covers the code: every command of the click tree has its generated
section, every field of the question format its row, every environment variable the package
reads its line. (The site itself is built by ``.ci/run`` with ``sphinx -W -n``; these checks
need no Sphinx.)"""
from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
import types
import typing

import click
import pydantic
from conftest import ROOT

from quizgrader import api, cli
from quizgrader.question.schema import Question

DOCS = ROOT / "docs"
PKG = ROOT / "quizgrader"


def formatref() -> types.ModuleType:
    """docs/_ext/formatref.py, the renderer of the question format's reference."""
    path = DOCS / "_ext" / "formatref.py"
    spec = importlib.util.spec_from_file_location("formatref", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("formatref", module)
    spec.loader.exec_module(module)
    return module


def commands(group: click.Group, prefix: str) -> dict[str, click.Command]:
    """Every command under ``group`` by its full name (``quizgrader lti show``), groups too."""
    out: dict[str, click.Command] = {prefix: group}
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            out |= commands(command, full)
        else:
            out[full] = command
    return out


def directives(page: str) -> dict[str, str]:
    """The sphinx-click directives of a page: their ``:prog:`` -> the object they document
    (``module:attribute``)."""
    found = re.findall(r"^\.\. click:: (\S+)\n\s+:prog: (.+)$", page, re.M)
    progs = [prog.strip() for _, prog in found]
    assert len(progs) == len(set(progs)), "a command is documented twice"
    return {prog.strip(): target for target, prog in found}


def test_every_command_has_its_generated_reference():
    documented = directives((DOCS / "reference" / "cli.md").read_text(encoding="utf-8"))
    tree = commands(cli.main, "quizgrader")
    assert set(documented) == set(tree)
    for prog, target in documented.items():     # each directive documents that very command
        module, _, attribute = target.partition(":")
        assert getattr(importlib.import_module(module), attribute) is tree[prog], prog


def fields(model: type[pydantic.BaseModel], seen: set[type] | None = None
           ) -> dict[str, set[str]]:
    """Every pydantic model reachable from ``model`` -> its fields as a file spells them."""
    seen = set() if seen is None else seen
    if model in seen:
        return {}
    seen.add(model)
    out = {model.__name__: {f.alias or name for name, f in model.model_fields.items()}}
    for f in model.model_fields.values():
        for inner in nested(f.annotation):
            out |= fields(inner, seen)
    return out


def nested(annotation: object) -> list[type[pydantic.BaseModel]]:
    """The pydantic models inside a type (``dict[str, ModelSpec]``, ``Claim | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in nested(arg)]


def test_every_field_of_the_question_format_is_in_the_reference():
    rows = formatref().field_rows(api.schema())
    documented = {model: {row[0] for row in model_rows} for model, model_rows in rows.items()}
    expected = fields(Question)
    expected["Question"].add("params")            # a template's parameters (format v1.2)
    assert set(expected) <= set(documented)
    for model, names in expected.items():
        assert names <= documented[model], (model, names - documented[model])
    for model, model_rows in rows.items():        # and each says what it is for
        for name, _type, _required, _limits, meaning in model_rows:
            assert meaning.strip(), f"{model}.{name} has no description"


def test_the_format_reference_page_renders_the_schema():
    page = (DOCS / "reference" / "question-format.md").read_text(encoding="utf-8")
    assert "```{quizgrader-format}" in page
    text = "\n".join(formatref().format_markdown(api.schema()))
    for name in ("recurrent_range", "fragile_below", "feedback", "`if`", "params"):
        assert name in text


def test_every_environment_variable_is_on_the_reference_page():
    used = {m for p in PKG.rglob("*.py")
            for m in re.findall(r"QUIZGRADER_[A-Z_]+", p.read_text(encoding="utf-8"))}
    page = (DOCS / "reference" / "codes-limits-environment.md").read_text(encoding="utf-8")
    assert used and {v for v in used if f"`{v}`" not in page} == set()


def test_the_readme_runs_the_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tests = next(line for line in ci.splitlines() if line.startswith("pip install"))
    docs = next(line for line in ci.splitlines() if "sphinx" in line and
                not line.startswith("#"))
    assert tests in readme and docs in readme


def test_every_http_route_is_in_the_http_reference():
    def plain(text: str) -> str:                  # /q/{qid} and /q/{id} are one route
        return re.sub(r"\{[a-z_]+\}", "{}", text)

    page = plain((DOCS / "reference" / "http.md").read_text(encoding="utf-8"))
    routes = {plain(path) for p in (PKG / "service").rglob("*.py")
              for path in re.findall(r"@app\.(?:get|post|api_route)\(\"([^\"]+)\"",
                                     p.read_text(encoding="utf-8"))}
    assert "/api/attempts" in routes and "/lti/launch" in routes
    assert {r for r in routes if f"{r}`" not in page and f"{r}[" not in page} == set()


def test_the_readme_lists_every_extra():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = set(pyproject["project"]["optional-dependencies"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert {e for e in extras if f"| `{e}` |" not in readme} == set()
