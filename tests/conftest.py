import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, max_examples=60)
settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The CLI keeps a simulation cache on disk; tests never touch the user's (a test that wants it
# points QUIZGRADER_CACHE_DIR at its own tmp_path).
os.environ["QUIZGRADER_CACHE_DIR"] = "off"
