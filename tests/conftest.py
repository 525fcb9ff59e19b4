"""Shared settings, paths and examples of the suite.

The paths and the suite's usual example question are imported by the test modules
(``from conftest import GRU_FILE``), so that none defines its own."""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings

#: The repository, the tests' folder, and the question bank (every file a fixture); ``QS`` is
#: the bank's folder as a command line takes it.
ROOT = Path(__file__).parent.parent
TESTS = ROOT / "tests"
QUESTIONS = ROOT / "questions"
QS = str(QUESTIONS)
#: The course's GRU question (Alice and Betty): its file, the file as a command line takes
#: it, and its id.
GRU_FILE = QUESTIONS / "c5w1-gru-alice-betty.yaml"
GRU = str(GRU_FILE)
GRU_ID = "c5w1-gru-alice-betty"
#: The bank's GRU template (variants of that question).
GRU_TEMPLATE = QUESTIONS / "c5w1-gru-template.yaml"
#: Where browser tests leave their screenshots (CI keeps the folder).
ARTIFACTS = ROOT / "test-artifacts"


def clean(r) -> None:
    """A command that ended as a user's mistake should: no traceback, no exception but the
    exit itself, every ``error:`` line says something. (Each part is asserted alone: written
    as one ``and``/``or`` chain, a SystemExit made the traceback check moot.)"""
    assert "Traceback" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    for line in r.output.splitlines():
        if line.startswith("error:"):
            assert line.removeprefix("error:").strip(), r.output


def refused(r) -> None:
    """A refusal: exit 1 or 2, and :func:`clean`."""
    assert r.exit_code in (1, 2), r.output
    clean(r)

settings.register_profile("dev", deadline=None, max_examples=60)
settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The CLI keeps a simulation cache on disk; tests never touch the user's. They share one of
# their own for the session (the bank's templates have 35 variants, simulated once, not in
# every test that reads the bank), removed at the end; a test that needs an empty cache, or
# none, points QUIZGRADER_CACHE_DIR at its own tmp_path or at "off".
_CACHE = tempfile.mkdtemp(prefix="quizgrader-test-cache-")
os.environ["QUIZGRADER_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
