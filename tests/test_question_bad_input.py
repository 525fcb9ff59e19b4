"""Bad input of every kind: a clean error (file, line, what is wrong), bounded work, and no
row, file or question silently lost. Questions and bounds; see test_reliability_io.py for
responses, feedback folders, outputs, the cache and exports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import GRU_FILE, clean

from quizgrader.cli import main

GRU_TEXT = GRU_FILE.read_text(encoding="utf-8")


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


# --- YAML: control characters ---------------------------------------------------------------

@pytest.mark.parametrize("char,column", [("\x01", 8), ("\x7f", 8), ("\x80", 8), ("\ufffe", 8)])
def test_a_control_character_is_one_error_with_its_line(tmp_path, char, column):
    path = tmp_path / "q.yaml"
    path.write_text(GRU_TEXT.replace("title: Simplifying", f"title: {char}Simplifying"),
                    encoding="utf-8")
    r = run("validate", path)
    clean(r)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"{path}:2: control character U+{ord(char):04X} at "
                                        f"column {column}: YAML files may hold printable text "
                                        f"only")


def test_one_bad_file_does_not_stop_the_rest_of_the_bank(tmp_path):
    (tmp_path / "a.yaml").write_text(GRU_TEXT, encoding="utf-8")
    (tmp_path / "b.yaml").write_bytes(b"id: x\x01\n")
    r = run("verify", tmp_path, "--json")
    clean(r)
    assert r.exit_code == 1
    statuses = {q["path"]: q["status"] for q in json.loads(r.stdout)["questions"]}
    assert statuses == {str(tmp_path / "a.yaml"): "ok", str(tmp_path / "b.yaml"): "invalid"}


def test_an_escaped_control_character_in_a_text_is_refused(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(GRU_TEXT.replace("title: Simplifying the GRU (Alice sets Γu = 1)",
                                     'title: "Bell\\a"'), encoding="utf-8")
    r = run("validate", path)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"{path}:2: title: control character U+0007 at "
                                        f"position 5: text must be printable, got 'Bell\\x07'")


# --- YAML: special files, endless input, missing files --------------------------------------

def test_special_files_and_dangling_links_in_a_bank_are_reported_not_skipped(tmp_path):
    (tmp_path / "good.yaml").write_text(GRU_TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    r = run("validate", tmp_path)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{tmp_path / 'fifo.yaml'}: a FIFO (named pipe), not a question file",
        f"{tmp_path / 'gone.yaml'}: a symbolic link to nothing (dangling)"]
    assert r.stdout == "1 question valid, 0 invalid files\n"


def test_a_fifo_or_a_device_named_on_the_command_line_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    r = run("validate", tmp_path / "pipe.yaml", "/dev/zero")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{tmp_path / 'pipe.yaml'}:1: a FIFO (named pipe), not a question file",
        "/dev/zero:1: a character device, not a question file"]


def test_endless_stdin_is_refused_after_the_size_limit():
    with open("/dev/zero", "rb") as zero:
        p = subprocess.run([sys.executable, "-m", "quizgrader.cli", "validate", "-"],
                           stdin=zero, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert p.stderr == ("<stdin>:1: input is larger than 1 MB, the most a question file may "
                        "be\n")


def test_a_duplicate_id_is_reported_at_its_id_line(tmp_path):
    (tmp_path / "a.yaml").write_text(GRU_TEXT, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# a copy\n\n" + GRU_TEXT, encoding="utf-8")
    r = run("validate", tmp_path)
    assert r.stderr.splitlines()[0] == (f"{tmp_path / 'b.yaml'}:3: id: question id "
                                        f"'c5w1-gru-alice-betty' is also used by "
                                        f"{tmp_path / 'a.yaml'}")


# --- YAML: scalars ------------------------------------------------------------------------

def test_a_key_with_spaces_is_the_key_without_them(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(GRU_TEXT.replace("key: [C]", "key: [' C ']"), encoding="utf-8")
    r = run("verify", path, "--json")
    q = json.loads(r.stdout)["questions"][0]
    assert r.exit_code == 0 and q["author_key"] == ["C"] and q["status"] == "ok"


def test_numbers_are_read_as_in_yaml_1_2(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(GRU_TEXT.replace("select: one", "select: one\nsimulation: "
                                                    "{epsilon: 1e-3, seeds: 8}"),
                    encoding="utf-8")
    assert run("validate", path).exit_code == 0
    path.write_text(GRU_TEXT.replace("select: one", "select: one\nsimulation: {seeds: 1:20}"),
                    encoding="utf-8")
    r = run("validate", path)
    assert r.exit_code == 1 and "simulation.seeds: input should be a valid integer, got " \
                                "'1:20'" in r.stderr


# --- work bounds ----------------------------------------------------------------------------

def huge(tmp_path) -> Path:
    doc = yaml.safe_load(GRU_TEXT)
    doc.update(id="huge", horizon=100_000, simulation={"seeds": 1024, "hidden": 64})
    path = tmp_path / "huge.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_a_question_too_large_to_verify_is_refused_before_any_simulation(tmp_path):
    path = huge(tmp_path)
    (tmp_path / "ok.yaml").write_text(GRU_TEXT, encoding="utf-8")
    r = run("verify", tmp_path)
    clean(r)
    assert r.exit_code == 1
    [problem, note] = r.stderr.splitlines()
    assert problem.startswith(f"{path}:") and ": horizon: verifying this question could " \
                                              "take about " in problem
    assert "the limits are 60 s and 1 GB" in problem and problem.endswith("allow large work")
    assert note == "note: --allow-large runs such questions anyway"
    assert "c5w1-gru-alice-betty" in r.stdout             # the rest of the bank was verified


@pytest.mark.parametrize("flag,value", [("--steps", "1000000000"), ("--hidden", "100000"),
                                        ("--seeds", "10000000")])
def test_a_simulation_too_large_is_refused_with_its_estimate(flag, value):
    r = run("simulate", "--cell", "lstm", flag, value)
    clean(r)
    assert r.exit_code == 1
    assert r.stderr.startswith("error: this simulation could take about ")
    assert r.stderr.rstrip().endswith("or allow large work (--allow-large)")


def test_out_of_memory_is_one_line(monkeypatch):
    from quizgrader.jobs import simulation

    def no_memory(*a, **k):
        raise MemoryError
    monkeypatch.setattr(simulation, "curves", no_memory)
    r = run("simulate", "--cell", "gru")
    assert r.exit_code == 1 and r.stderr.startswith("error: out of memory") and \
        "Traceback" not in r.output


# --- YAML: the libyaml reader and its bound --------------------------------------------------

@pytest.mark.parametrize("depth", [5_000, 200_000])
@pytest.mark.parametrize("shape", ["flow", "block"])
def test_deep_nesting_is_one_error_on_either_reader(tmp_path, depth, shape):
    """libyaml's composer recurses in C with no limit (200,000 '[' crash the process): a text
    with more openers than FAST_OPENERS goes to the Python reader."""
    from quizgrader.question.yamlnodes import FAST_OPENERS
    path = tmp_path / "q.yaml"
    path.write_text("[" * depth + "]" * depth if shape == "flow" else "- " * depth + "x\n",
                    encoding="utf-8")
    assert (depth <= FAST_OPENERS) == (depth == 5_000)
    r = run("verify", path)
    clean(r)
    assert r.exit_code == 1 and "nested too deeply" in r.output


def test_both_readers_give_the_same_documents_and_lines():
    from quizgrader.question import yamlnodes
    for f in sorted(GRU_FILE.parent.glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        fast = yamlnodes.load(text)
        slow = yamlnodes.Located(yamlnodes.CoreLoader(text).get_single_data(), None)
        assert fast.data == slow.data, f
        nodes = yaml.compose(text, Loader=yamlnodes.CoreLoader)
        assert [fast.line(p) for p in _paths(fast.data)] == \
            [yamlnodes.Located(fast.data, nodes).line(p) for p in _paths(fast.data)], f


def _paths(data, at=()):
    yield at
    items = data.items() if isinstance(data, dict) else \
        enumerate(data) if isinstance(data, list) else ()
    for k, v in items:
        yield from _paths(v, (*at, k))
