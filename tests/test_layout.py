"""The package's shape: imports run one way (down the layers), no cycles, small modules, the
library never imports click, and the only words a learner reads come from ``text/``."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

PKG = ROOT / "quizgrader"
#: Each top-level part of the package and its floor; a module imports only from its floor or
#: below (and never in a cycle).
FLOOR = {"errors": 0, "atomic": 0, "idtext": 0, "jsonguard": 0, "apitypes": 5, "analysis": 2,
         "sim": 0, "question": 1, "verify": 2, "text": 3, "graded": 3,
         "grading": 4, "export": 4, "api": 5, "jobs": 5, "cliargs": 5, "cli": 7, "cli_course": 7,
         "cli_simulate": 7, "cli_variants": 7, "cli_lti": 7, "service": 6, "variants": 4,
         "lab": 4, "diagnosis": 5, "cli_diagnose": 7}
MODULES = sorted(p for p in PKG.rglob("*.py"))


def name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The quizgrader modules ``path`` imports (lazy imports inside functions included)."""
    here = name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("quizgrader")}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            if mod.startswith("quizgrader"):
                out.add(mod)
                out |= {f"{mod}.{a.name}" for a in node.names}
    known = {name(p) for p in MODULES}
    return {m for m in out if m in known and m != name(path)}


def part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


GRAPH = {name(p): imports(p) for p in MODULES}


def test_every_part_has_a_floor():
    assert {part(m) for m in GRAPH if part(m)} == set(FLOOR)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_down_the_layers(module):
    if not part(module):
        return
    up = [m for m in GRAPH[module] if part(m) and FLOOR[part(m)] > FLOOR[part(module)]]
    assert not up, f"{module} imports from a higher layer: {up}"


def test_no_import_cycle():
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        if state.get(m) == 2:
            return
        assert state.get(m) != 1, "import cycle: " + " -> ".join(trail + [m])
        state[m] = 1
        for d in sorted(GRAPH[m]):
            # a package's __init__ re-exports its modules: importing it is importing them
            if not (d == m.rsplit(".", 1)[0] and m.startswith(d + ".")):
                visit(d, trail + [m])
        state[m] = 2

    for m in sorted(GRAPH):
        visit(m, [])


#: Modules allowed past 300 lines, and why.
LONG = {"quizgrader.sim.kernels.cells": (
    "numba caches a compiled function under the file that defines it, so the time loop and "
    "every cell step it calls must share one file, or an edited cell would keep running its "
    "stale machine code inside a loop cached from another file")}


@pytest.mark.parametrize("path", MODULES, ids=[name(p) for p in MODULES])
def test_modules_are_small(path):
    limit = 600 if name(path) in LONG else 300
    assert len(path.read_text(encoding="utf-8").splitlines()) <= limit


def test_only_the_command_line_imports_click():
    users = {name(p) for p in MODULES if re.search(r"^\s*(import|from) click\b",
                                                    p.read_text(encoding="utf-8"), re.M)}
    assert users <= {"quizgrader.cli", "quizgrader.cliargs", "quizgrader.cli_course",
                     "quizgrader.cli_simulate", "quizgrader.cli_variants",
                     "quizgrader.cli_lti", "quizgrader.cli_diagnose"}


# Fragments of the sentences learners and authors read; outside text/ they may only appear in
# comments and docstrings (and in the command line's own --help).
PROSE = ["is correct", "is wrong", "right answer", "per step)", "keeps the gradient",
         "gate settings tried", "makes the difference", "explains nothing", "≈"]


#: A capability's own room keeps the words of its one output in a module of its own, built
#: from text/'s vocabulary (gate symbols, cell names, behaviours), because text/ sits below it
#: and cannot import its types: the diagnosis' paragraph, the lab's sentence.
WORDS = {"quizgrader.diagnosis.words", "quizgrader.lab.words"}


@pytest.mark.parametrize("path", [p for p in MODULES
                                  if part(name(p)) not in ("text", "cli", "cli_simulate")
                                  and name(p) not in WORDS],
                         ids=lambda p: name(p))
def test_prose_lives_in_the_text_layer(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr)
                  and isinstance(n.body[0].value, ast.Constant)}
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, str) and id(n) not in docstrings]
    strings += ["".join(v.value for v in n.values if isinstance(v, ast.Constant))
                for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    found = [(f, s) for s in strings for f in PROSE if f in s]
    assert not found, found
