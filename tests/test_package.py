"""The conventions of a Python library: a version, type information, one import direction."""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

from click.testing import CliRunner

import quizgrader
from quizgrader.cli import main


def test_the_version_comes_from_the_metadata():
    assert quizgrader.__version__ == importlib.metadata.version("quizgrader")
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and quizgrader.__version__ in r.output


def test_the_package_ships_its_type_information():
    assert (Path(quizgrader.__file__).parent / "py.typed").exists()


def test_the_question_package_does_not_import_itself_through_its_init():
    bank = Path(quizgrader.__file__).parent / "question" / "bank.py"
    assert "from . import" not in bank.read_text(encoding="utf-8")
