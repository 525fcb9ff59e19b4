"""Shared settings, paths and examples of the suite.

The paths and the suite's usual example question are imported by the test modules
(``from conftest import GRU_FILE``), so that none defines its own."""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
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
# none, points QUIZGRADER_CACHE_DIR at its own tmp_path or at "off". Under pytest-xdist the
# workers inherit the controller's (the cache's writes are atomic), so that the bank is
# simulated once per session, not once per worker; the process that made it removes it.
_SHARED = "QUIZGRADER_TEST_CACHE"
if os.environ.get(_SHARED) and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["QUIZGRADER_CACHE_DIR"] = os.environ[_SHARED]
else:
    _CACHE = tempfile.mkdtemp(prefix="quizgrader-test-cache-")
    os.environ["QUIZGRADER_CACHE_DIR"] = os.environ[_SHARED] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, True)


@pytest.fixture(scope="session")
def verified():
    """The shipped bank verified once for the session, as the commands verify it (on the
    process pool, with the session's cache; each template's deployed variants included).
    Read-only: a test that changes a verdict verifies its own."""
    from quizgrader import api
    report = api.verify([QS])
    assert not report.problems
    return report


@pytest.fixture(scope="session")
def plain_verdicts(verified):
    """The verdicts of the bank's plain questions (no template), in file order."""
    from bankfiles import PLAIN
    by_path = {qv.path: qv for qv in verified.verdicts}
    return [by_path[str(p)] for p in PLAIN]
