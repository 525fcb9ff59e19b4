"""A short run of bench/soak_service.py: a real service under plain attempts, LTI launches and
answers, and hostile launches (a trickling JWKS, made-up keys) loses no attempt, sends no score
twice and answers no 500 (the latency figures are the bench's; they are not asserted here)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("fastapi")
pytest.importorskip("joserfc")
pytest.importorskip("httpx")

BENCH = ROOT / "bench" / "soak_service.py"


def test_a_short_soak_loses_nothing_and_sends_no_score_twice(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(BENCH.parent.parent), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, str(BENCH), "3", "2", "1", "8"], capture_output=True,
                       text=True, timeout=240, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    assert "PROBLEM" not in r.stdout and "scores at the platform" in r.stdout, r.stdout
