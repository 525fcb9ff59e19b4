import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

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
