"""Commands with a progress display, run under a pseudo-terminal (as a person runs them) and
with pipes (as scripts and CI do): the terminal shows progress, pipes and --json stay
silent, and both give the same results."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bankfiles import PLAIN
from conftest import GRU, QUESTIONS

LSTM_TEMPLATE = QUESTIONS / "lstm-gate-template.yaml"


def run_in_pty(args: list[str], env: dict[str, str], timeout: float = 120
               ) -> tuple[int, str, bytes]:
    """Run ``quizgrader args`` with stderr (and stdin) on a pseudo-terminal and stdout on a
    pipe; (exit code, stdout, what the terminal showed)."""
    main, sub = pty.openpty()
    with tempfile.TemporaryFile() as stdout:       # a file: a large stdout cannot block it
        p = subprocess.Popen([sys.executable, "-m", "quizgrader.cli", *args], stdin=sub,
                             stdout=stdout, stderr=sub, env=env)
        os.close(sub)
        screen, deadline = b"", time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if p.poll() is not None:
                    break
                if time.monotonic() > deadline:
                    p.kill()
                    raise AssertionError("the command hung")
                continue
            try:
                data = os.read(main, 65536)
            except OSError:              # the terminal closed: the command ended
                break
            if not data:
                break
            screen += data
        os.close(main)
        code = p.wait(timeout=60)
        stdout.seek(0)
        return code, stdout.read().decode("utf-8"), screen


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QUIZGRADER_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "80"}


def _class(tmp_path: Path, rows: int = 30_000) -> Path:
    src = tmp_path / "class.csv"
    with src.open("w", encoding="utf-8") as f:
        f.write("learner,question,answer\n")
        for i in range(rows):
            f.write(f"l{i},c5w1-gru-alice-betty,{'ABCD'[i % 4]}\n")
    return src


def test_grade_a_class_in_a_terminal_writes_every_row(tmp_path):
    src, out = _class(tmp_path), tmp_path / "grades.csv"
    code, _, screen = run_in_pty(["grade", GRU, "--responses", str(src), "--out", str(out)],
                                 _env(tmp_path))
    assert code == 0, screen.decode("utf-8", "replace")
    assert b"Traceback" not in screen and b"30000 rows: 30000 graded" in screen
    assert sum(1 for _ in out.open(encoding="utf-8")) == 30_001
    piped = subprocess.run([sys.executable, "-m", "quizgrader.cli", "grade", GRU, "--responses",
                            str(src), "--out", str(tmp_path / "g2.csv")], env=_env(tmp_path),
                           capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "\r" not in piped.stderr and "rows graded" not in \
        piped.stderr
    assert (tmp_path / "g2.csv").read_bytes() == out.read_bytes()


def test_verify_robust_shows_progress_on_a_terminal_only(tmp_path):
    env = _env(tmp_path)
    # the first seven plain questions (the course's), and 15 variants
    bank = [str(p) for p in PLAIN if p.stem.startswith(("c5w1-", "lstm-gru", "lstm-if",
                                                        "lstm-long", "rnn-vanish"))]
    bank.append(str(LSTM_TEMPLATE))
    code, out, screen = run_in_pty(["verify", *bank, "--robust"], env)
    assert code == 0 and b"verifying: " in screen and b" of 132" in screen
    assert "8 question(s) verified (22 with the 15 deployed variants of 1 template(s))" in out
    code, out, screen = run_in_pty(["verify", *bank, "--robust", "--json"], env)
    assert code == 0 and b"verifying" not in screen and out.startswith("{")
    piped = subprocess.run([sys.executable, "-m", "quizgrader.cli", "verify", *bank, "--robust"],
                           env=env, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "verifying" not in piped.stderr
