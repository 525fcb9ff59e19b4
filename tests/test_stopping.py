"""Stopping cleanly (issue 33): Ctrl-C at a terminal, or SIGTERM, while the workers compute
ends every process within seconds, prints one line, exits 130 (SIGINT) or 143 (SIGTERM) and
leaves no temporary file (in the output's folder or the simulation cache).

Each command runs under a real pseudo-terminal (as a user's shell runs it: its own session and
process group, Ctrl-C typed as ``\\x03``), with an empty simulation cache so that the workers are
busy when the signal comes."""
from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import QS, ROOT


def _group(pgid: int) -> list[int]:
    """The processes whose process group is ``pgid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()       # after "pid (comm) "
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry))
    return found


def _read(fd: int, out: bytearray, seconds: float) -> bool:
    """Read the terminal for up to ``seconds``; False once it is closed."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if select.select([fd], [], [], min(left, 0.05))[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return True


def _run_and_stop(args: list[str], tmp: Path, how: str) -> tuple[int, str, float]:
    """Run ``quizgrader ARGS`` in a pty; once its workers run, stop it ``how`` (``ctrl-c``
    typed, SIGTERM to its process group, or ``sigterm-parent``: to the command alone). The
    exit code, what the terminal showed, and the seconds from the signal to the end; no
    process of its group may outlive it."""
    env = {**os.environ, "QUIZGRADER_CACHE_DIR": str(tmp / "cache"), "PYTHONPATH": str(ROOT)}
    pid, fd = pty.fork()
    if pid == 0:                                         # pragma: no cover (the child)
        os.chdir(tmp)
        os.execve(sys.executable, [sys.executable, "-m", "quizgrader.cli", *args], env)
    out = bytearray()
    try:
        start = time.monotonic()
        while len(_group(pid)) < 2 and time.monotonic() - start < 90:   # workers forked
            assert _read(fd, out, 0.1), out.decode(errors="replace")
        _read(fd, out, 1.5)                              # they are computing
        assert len(_group(pid)) >= 2, "no worker started"
        sent = time.monotonic()
        if how == "ctrl-c":
            os.write(fd, b"\x03")
        elif how == "sigterm-parent":                    # a supervisor's kill PID
            os.kill(pid, signal.SIGTERM)
        else:
            os.killpg(pid, signal.SIGTERM)
        while _read(fd, out, 0.1) and time.monotonic() - sent < 30:
            pass
        _, status = os.waitpid(pid, 0)
        took = time.monotonic() - sent
        left = _group(pid)                              # workers would still be in its group
    finally:
        os.close(fd)
        for p in _group(pid):                            # never leave one behind
            os.kill(p, signal.SIGKILL)
    assert left == [], f"processes left running: {left}"
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace"), took


def _responses(tmp: Path) -> Path:
    p = tmp / "class.csv"
    p.write_text("learner,question,answer\nann,c5w1-gru-alice-betty,C\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("command, how", [
    (["verify", QS], "ctrl-c"),
    (["variants", QS, "--dry-run"], "sigterm-parent"),
    (["export", QS, "--to", "moodle", "--out", "bank.xml"], "ctrl-c"),
    (["grade", QS, "--responses", "class.csv", "--out", "grades.csv", "--feedback-dir", "fb"],
     "sigterm"),
], ids=["verify-ctrl-c", "variants-sigterm-parent", "export-ctrl-c", "grade-sigterm"])
def test_a_stopped_command_ends_its_workers_says_so_once_and_leaves_nothing(tmp_path, command,
                                                                           how):
    _responses(tmp_path)
    before = set(os.listdir(tmp_path))
    code, shown, took = _run_and_stop(command, tmp_path, how)
    assert code == (130 if how == "ctrl-c" else 143), shown
    lines = [line.strip() for line in shown.replace("\r", "\n").splitlines() if line.strip()]
    assert lines[-1].endswith("quizgrader: interrupted"), shown
    assert shown.count("interrupted") == 1, shown
    assert "Traceback" not in shown and "Aborted" not in shown, shown
    assert took < 8, f"{took:.1f} s from the signal to the end"
    assert set(os.listdir(tmp_path)) <= before | {"cache"}, "an output or a temporary file"
    cache = tmp_path / "cache"
    left = [p.name for p in cache.rglob("*") if p.name.startswith(".")] if cache.exists() else []
    assert left == [], "temporary files in the simulation cache"
