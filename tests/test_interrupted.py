"""Interrupted runs: a ``grade --feedback-dir`` killed at any moment leaves the folder wholly
old or wholly new, and the temporary files and staging folders of killed runs are removed by
the next run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GRU_FILE, GRU_ID


def _responses(path: Path, learners: int, answer: str) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write("learner,question,answer\n")
        for i in range(learners):
            f.write(f"l{i:05d},{GRU_ID},{answer}\n")
    return path


def _grade(tmp: Path, src: Path, fb: Path, out: str = "g.csv") -> subprocess.Popen:
    """Grade ``src`` on a bank of the one question it answers (the rest of the bank would
    only add its verification to the first run: the learner files are what is killed)."""
    bank = tmp / "bank"
    if not bank.exists():
        bank.mkdir()
        shutil.copy(GRU_FILE, bank)
    env = {**os.environ, "QUIZGRADER_CACHE_DIR": str(tmp / "cache")}
    return subprocess.Popen([sys.executable, "-m", "quizgrader.cli", "grade", str(bank),
                             "--responses", str(src), "--out", str(tmp / out),
                             "--feedback-dir", str(fb)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_feedback_run_leaves_the_folder_old_or_new(tmp_path, sig):
    fb = tmp_path / "fb"
    old_src = _responses(tmp_path / "old.csv", 1500, "A")
    new_src = _responses(tmp_path / "new.csv", 1500, "C")
    assert _grade(tmp_path, old_src, fb).wait(timeout=300) == 0
    (fb / "notes.txt").write_text("the instructor's own file", encoding="utf-8")
    old = _snapshot(fb)
    ref = tmp_path / "ref"
    assert _grade(tmp_path, new_src, ref, "ref.csv").wait(timeout=300) == 0
    new = {**_snapshot(ref), "notes.txt": old["notes.txt"]}
    seen = set()
    for delay in (0.3, 0.8, 1.3, 1.8, 2.5, 3.5):
        p = _grade(tmp_path, new_src, fb)
        time.sleep(delay)
        p.send_signal(sig)
        p.wait(timeout=120)
        now = _snapshot(fb)
        assert now in (old, new), f"a mix after {delay} s"
        seen.add("new" if now == new else "old")
        if now == new:                                  # start again from the old folder
            assert _grade(tmp_path, old_src, fb).wait(timeout=300) == 0
            assert _snapshot(fb) == old
    leftovers = [p.name for p in tmp_path.iterdir() if ".quizgrader-" in p.name]
    if sig == signal.SIGTERM:
        assert leftovers == []                          # SIGTERM unwinds: nothing left
    assert _grade(tmp_path, old_src, fb).wait(timeout=300) == 0   # the next run sweeps
    assert [p.name for p in tmp_path.iterdir() if ".quizgrader-" in p.name] == []
    assert [p.name for p in fb.iterdir() if p.name.startswith(".")] == []
