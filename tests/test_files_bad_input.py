"""Bad input and hostile targets around the files quizgrader reads and writes: responses
CSVs, feedback folders, output paths, cache entries, exports."""
from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import GRU

from quizgrader.cli import main
from quizgrader.grading.learnerfiles import filenames
from quizgrader.sim import Hold, Model, Settings, Simulator
from quizgrader.sim.diskcache import DiskCache

Q = "c5w1-gru-alice-betty"


def grade(tmp_path, data: bytes, *extra):
    src = tmp_path / "r.csv"
    src.write_bytes(data)
    out = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", str(out),
                                  *extra])
    rows = list(csv.reader(out.open(encoding="utf-8", newline=""))) if out.exists() else []
    return r, rows


# --- responses CSV --------------------------------------------------------------------------

def test_a_field_over_the_csv_limit_is_one_error_row(tmp_path):
    big = "x" * 200_000
    r, rows = grade(tmp_path, f'learner,question,answer\nann,{Q},"{big}"\nbob,{Q},C\n'.encode())
    assert r.exit_code == 1 and len(rows) == 3
    assert rows[1][5].startswith("error: not valid CSV (field larger than field limit")
    assert rows[2][5] == "graded"


@pytest.mark.parametrize("body,statuses", [
    (f'ann,{Q},"C\nbob,{Q},C\ncy,{Q},A\n',
     ["error: unterminated quote", "graded", "graded"]),
    (f'ann,{Q},C"x\nbob,{Q},"C"\n', ["error: unknown option 'C\"x' (options: A, B, C, D)",
                                      "graded"]),
    (f'"ann\nsecond line",{Q},C\nbob,{Q},C\n',
     ["error: learner id: control characters are not allowed (U+000A): an id must be visible "
      "text", "graded"]),
])
def test_stray_and_unterminated_quotes_lose_no_row(tmp_path, body, statuses):
    r, rows = grade(tmp_path, ("learner,question,answer\n" + body).encode())
    assert [row[5] for row in rows[1:]] == statuses


def test_a_blank_line_is_counted_as_an_error(tmp_path):
    r, rows = grade(tmp_path, f"learner,question,answer\nann,{Q},C\n\nbob,{Q},C\n".encode())
    assert [row[5] for row in rows[1:]] == ["graded", "error: blank line", "graded"]
    assert r.exit_code == 1 and "3 rows: 2 graded, 1 errors" in r.stderr


def test_a_header_naming_a_column_twice_is_one_error_before_any_row(tmp_path):
    r, rows = grade(tmp_path, f"learner,question,answer,answer\nann,{Q},C,D\n".encode())
    assert r.exit_code == 1 and rows == []
    assert "r.csv:1: the header names column answer twice (found learner, question, " \
           "answer, answer)" in r.stderr


def test_utf16_with_a_bom_is_read_and_without_one_refused(tmp_path):
    text = f"learner,question,answer\r\nann,{Q},C\r\n"
    r, rows = grade(tmp_path, text.encode("utf-16"))
    assert r.exit_code == 0 and rows[1][:3] == ["ann", Q, "C"] and rows[1][5] == "graded"
    r, _ = grade(tmp_path, text.encode("utf-16-le"))
    assert r.exit_code == 1 and "looks like UTF-16 without a byte-order mark" in r.stderr


def test_a_line_without_end_is_one_error_row_and_the_rest_is_graded(tmp_path):
    data = (f"learner,question,answer\nann,{Q},C\n".encode() + b"z" * (3 << 20)
            + f"\nbob,{Q},C\n".encode())
    r, rows = grade(tmp_path, data)
    assert [row[5] for row in rows[1:]] == ["graded", "error: line longer than 1 MiB",
                                            "graded"]


# --- feedback folder ------------------------------------------------------------------------

def test_learners_whose_names_look_alike_never_share_a_file(tmp_path):
    names = filenames(["a b", "a_b", "a?b", "A_B", "x"])
    assert len(set(n.lower() for n in names.values())) == 5
    assert names["A_B"] == "A_B.md" and names["x"] == "x.md"       # safe and free: as is
    assert names["a_b"].startswith("a_b-")          # a_b.md is A_B.md where case is ignored
    body = "learner,question,answer\n" + "".join(f"{n},{Q},C\n" for n in ("a b", "a_b", "a?b"))
    fb = tmp_path / "fb"
    r, _ = grade(tmp_path, body.encode(), "--feedback-dir", str(fb))
    assert r.exit_code == 0
    index = list(csv.reader((fb / "index.csv").open(encoding="utf-8", newline="")))
    assert sorted(index[1:]) == sorted([[k, v] for k, v in filenames(["a b", "a_b", "a?b"])
                                        .items()])
    assert len(list(fb.glob("*.md"))) == 3


def test_a_learner_id_cannot_inject_markdown(tmp_path):
    fb = tmp_path / "fb"
    body = f'learner,question,answer\n"eve\n## Total: 100 / 1",{Q},C\nbob ## x,{Q},C\n'
    r, rows = grade(tmp_path, body.encode(), "--feedback-dir", str(fb))
    # a line break is not part of an id (one text policy with the service): that row is an
    # error, kept in place, and no file is written for it
    assert rows[1][5].startswith("error: learner id: control characters are not allowed")
    [f] = fb.glob("*.md")
    lines = f.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Feedback for bob ## x"
    assert not any(line.startswith("## x") for line in lines)


def test_a_feedback_folder_that_cannot_be_written_is_one_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    r, rows = grade(tmp_path, f"learner,question,answer\nann,{Q},C\n".encode(),
                    "--feedback-dir", str(blocker / "fb"))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {blocker / 'fb'}: cannot write feedback")
    assert "Traceback" not in r.output


# --- output targets -------------------------------------------------------------------------

def test_out_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    src = tmp_path / "r.csv"
    src.write_text(f"learner,question,answer\nann,{Q},C\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", str(link)])
    assert r.exit_code == 0 and link.is_symlink() and "graded" in target.read_text()


def test_out_to_a_character_device_writes_through_it(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text(f"learner,question,answer\nann,{Q},C\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", "/dev/null"])
    assert r.exit_code == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_out_equal_to_the_responses_is_refused_and_the_input_kept(tmp_path):
    src = tmp_path / "r.csv"
    body = f"learner,question,answer\nann,{Q},C\n"
    src.write_text(body, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", str(src)])
    assert r.exit_code == 1 and "this is the input file" in r.stderr
    assert src.read_text(encoding="utf-8") == body


def test_regrading_keeps_the_grades_file_mode(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text(f"learner,question,answer\nann,{Q},C\n", encoding="utf-8")
    out = tmp_path / "g.csv"
    out.write_text("old")
    os.chmod(out, 0o600)
    CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", str(out)])
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and "graded" in out.read_text()


def test_out_dash_is_stdout(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text(f"learner,question,answer\nann,{Q},C\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", str(src), "--out", "-"],
                           catch_exceptions=False)
    assert r.exit_code == 0 and r.stdout.startswith("learner,question,answer,score")
    assert not (Path.cwd() / "-").exists()


def test_sigterm_leaves_no_temporary_file(tmp_path):
    src = tmp_path / "r.csv"
    with src.open("w", encoding="utf-8") as f:
        f.write("learner,question,answer\n")
        f.writelines(f"l{i},{Q},C\n" for i in range(3_000_000))
    out = tmp_path / "out" / "g.csv"
    out.parent.mkdir()
    p = subprocess.Popen([sys.executable, "-m", "quizgrader.cli", "grade", GRU, "--responses",
                          str(src), "--out", str(out)], stderr=subprocess.PIPE,
                         env={**os.environ, "QUIZGRADER_CACHE_DIR": "off"})
    deadline = time.monotonic() + 60
    while not list(out.parent.glob(".g.csv.*.tmp")) and p.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("directory", [False, True])
def test_interrupt_right_after_the_temporary_is_made_leaves_nothing(tmp_path, monkeypatch,
                                                                      directory):
    """A signal received by another thread (BLAS's) is run by the main thread at its next
    instruction, which can be just after the temporary entry was made: it must go too."""
    from quizgrader import atomic
    made = os.mkdir if directory else os.open

    def then_interrupted(*args, **kwargs):
        made(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "mkdir" if directory else "open", then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.make_temp(tmp_path, ".g.csv.quizgrader-1-", directory=directory)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# --- cache entries --------------------------------------------------------------------------

MODEL, SETTINGS, HOLDS = Model("gru", {"reset": 1.0}), Settings(seeds=4), (Hold("update", 0),)


def cached_run(root):
    sim = Simulator(DiskCache(root))
    return sim, sim.run(MODEL, HOLDS, 30, SETTINGS, full=False)


def spoil(entry: Path, how: str, other: Path) -> None:
    data = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(data[:-9])
    elif how == "bit flip":
        entry.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif how == "garbage":
        entry.write_bytes(b"PK\x03\x04" + os.urandom(300))
    elif how == "wrong length":
        entry.write_bytes(data + b"\0" * 16)
    elif how == "fifo":
        entry.unlink()
        os.mkfifo(entry)
    elif how == "huge":
        with entry.open("r+b") as f:
            f.truncate(1 << 31)                     # sparse: 2 GB that are mostly holes
    elif how == "swapped":
        entry.write_bytes(other.read_bytes())


@pytest.mark.parametrize("how", ["truncated", "bit flip", "garbage", "wrong length", "fifo",
                                 "huge", "swapped"])
def test_a_spoiled_cache_entry_is_recomputed(tmp_path, how):
    _, cold = cached_run(tmp_path)
    [entry] = list(tmp_path.rglob("*.qgsim"))
    sim = Simulator(DiskCache(tmp_path))
    sim.run(MODEL, (Hold("update", 1),), 30, SETTINGS, full=False)      # another entry
    other = next(p for p in tmp_path.rglob("*.qgsim") if p != entry)
    spoil(entry, how, other)
    sim, warm = cached_run(tmp_path)
    assert sim.runs == 1
    np.testing.assert_array_equal(cold.gain, warm.gain)
    assert cold.behaviour == warm.behaviour


# --- exports --------------------------------------------------------------------------------

def test_option_ids_that_would_collide_in_qti_stay_distinct(tmp_path):
    import json
    import xml.etree.ElementTree as ET
    import zipfile
    doc = {"id": "ids", "title": "t", "stem": "s", "select": "many",
           "options": [{"id": "1", "text": "one", "correct": False, "feedback": "f"},
                       {"id": "o1", "text": "o one", "correct": True, "feedback": "f"}],
           "key": ["o1"]}
    q = tmp_path / "q.yaml"
    q.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "b.zip"
    assert CliRunner().invoke(main, ["export", str(q), "--to", "qti", "--out",
                                     str(out)]).exit_code == 0
    root = ET.fromstring(zipfile.ZipFile(out).read("items/ids.xml"))
    ns = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
    assert [c.get("identifier") for c in root.iter(f"{ns}simpleChoice")] == ["o.1", "o1"]
    assert [v.text for v in root.find(f"{ns}responseDeclaration").iter(f"{ns}value")] == ["o1"]


def test_a_dollar_in_a_label_and_a_hash_at_a_stem_line_start_are_just_text(tmp_path):
    pytest.importorskip("matplotlib")
    text = Path(GRU).read_text(encoding="utf-8")
    text = text.replace('label: "Betty\'s model"', 'label: "Betty\'s $5 model"')
    text = text.replace("  Betty proposes", "  # Betty proposes")
    q = tmp_path / "q.yaml"
    q.write_text(text, encoding="utf-8")
    for fmt in ("html", "markdown"):
        out = tmp_path / f"h.{fmt}"
        r = CliRunner().invoke(main, ["export", str(q), "--to", fmt, "--out", str(out)])
        assert r.exit_code == 0, r.output
    md = (tmp_path / "h.markdown").read_text(encoding="utf-8")
    assert "\n\\# Betty proposes" in md and "\n# Betty" not in md


def test_a_control_character_stops_an_export_with_its_line(tmp_path):
    text = Path(GRU).read_text(encoding="utf-8").replace(
        "title: Simplifying the GRU (Alice sets Γu = 1)", 'title: "A\\x01"')
    q = tmp_path / "q.yaml"
    q.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["export", str(q), "--to", "moodle", "--out",
                                  str(tmp_path / "b.xml")])
    assert r.exit_code == 1 and f"{q}:2: title: control character U+0001" in r.stderr
    assert not (tmp_path / "b.xml").exists()


def test_stdin_responses_are_streamed(tmp_path):
    out = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["grade", GRU, "--responses", "-", "--out", str(out)],
                           input=f"learner,question,answer\nann,{Q},C\n")
    assert r.exit_code == 0 and list(csv.reader(io.StringIO(out.read_text())))[1][5] == "graded"
