"""The classes an outside attack found (issue 19), each reproduced: inputs that crashed a
command, wrong answers without a crash, and what a new user or an author ran into."""
from __future__ import annotations

import io
import json
import math
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from bankfiles import PLAIN, TEMPLATES
from click.testing import CliRunner
from conftest import GRU_FILE, QS, QUESTIONS, refused

from quizgrader import api
from quizgrader.cli import main
from quizgrader.errors import QuizgraderError
from quizgrader.jsonguard import JSONRefused, depth, loads
from quizgrader.question import load_question
from quizgrader.sim import Settings
from quizgrader.sim.diskcache import DiskCache, default_dir
from quizgrader.verify import verify_question
from quizgrader.verify.margins import carry_margin, gain_margin


def run(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


# --- inputs that crashed a command --------------------------------------------------------

def test_a_deeply_nested_cache_header_is_a_spoiled_entry(tmp_path):
    cache = DiskCache(tmp_path)
    key = ("k",)
    cache.put(key, np.ones(3), np.ones(3))
    [entry] = [p for p in tmp_path.rglob("*") if p.is_file()]
    data = entry.read_bytes()
    magic_end = data.index(b"{")
    entry.write_bytes(data[:magic_end] + b"[" * 50_000 + b"\n" + b"\0" * 48)
    assert cache.get(key) is None                          # recomputed, not a RecursionError
    assert depth('{"a": "[[[[", "b": [1, [2]]}') == 3          # brackets in strings do not count
    with pytest.raises(JSONRefused):
        loads(b"[" * 100 + b"]" * 100, 10_000)


def test_stats_refuses_grades_with_more_option_ids_than_a_question_has(tmp_path):
    ids = ";".join(f"O{i}" for i in range(100))
    f = tmp_path / "g.csv"
    f.write_text("learner,question,answer,score,max_score,status,feedback,provenance\n"
                 f"a,q,{ids},0,1,graded,,\nb,q,A,1,1,graded,,\n", encoding="utf-8")
    r = run("stats", str(f))
    refused(r)
    assert "more than 63 distinct option ids" in r.stderr


def _npz(path: Path, **arrays) -> Path:
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("shape,message", [((0, 0), "hidden size of 0")])
def test_weights_with_zero_sizes_are_one_line(tmp_path, shape, message):
    f = _npz(tmp_path / "w.npz", weight_ih_l0=np.zeros((3, 2)), weight_hh_l0=np.zeros(shape),
             bias_ih_l0=np.zeros(3), bias_hh_l0=np.zeros(3))
    r = run("simulate", "--cell", "gru", "--weights", str(f))
    refused(r)
    assert message in r.stderr


def test_weights_with_a_zero_input_size_or_a_malformed_header_are_one_line(tmp_path):
    f = _npz(tmp_path / "w.npz", weight_ih_l0=np.zeros((6, 0)), weight_hh_l0=np.zeros((6, 2)),
             bias_ih_l0=np.zeros(6), bias_hh_l0=np.zeros(6))
    r = run("simulate", "--cell", "gru", "--weights", str(f))
    refused(r)
    assert "input size of 0" in r.stderr
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("weight_ih_l0.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': <f8', 'fo\n")
    r = run("simulate", "--cell", "gru", "--weights", str(bad))
    refused(r)
    assert "not a readable .npz file" in r.stderr


def test_an_npz_that_inflates_is_refused_before_unpacking(tmp_path):
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        buf = io.BytesIO()
        np.save(buf, np.zeros(1))
        z.writestr("weight_ih_l0.npy", buf.getvalue())
        z.writestr("x.npy", b"\0" * (300 << 20))           # compresses to ~300 kB
    assert bomb.stat().st_size < 2 << 20
    r = run("simulate", "--cell", "gru", "--weights", str(bomb))
    refused(r)
    assert "would unpack to 300 MiB" in r.stderr


def _question(tmp_path: Path, **changes) -> Path:
    doc = yaml.safe_load(GRU_FILE.read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_infinite_thresholds_are_refused_by_validate(tmp_path):
    text = GRU_FILE.read_text(encoding="utf-8") + "simulation: {explode_above: .inf}\n"
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("validate", str(path))
    refused(r)
    assert "simulation.explode_above: input should be a finite number" in r.stdout + r.stderr


def test_margins_are_total_functions():
    s = Settings()
    for g in (5e-324, 0.0, math.inf, math.nan, 1e308):
        for b in ("vanishes", "preserved", "explodes"):
            m = gain_margin(g, b, s)
            assert m.decades >= 0
        assert carry_margin(g, s).decades >= 0
    assert gain_margin(5e-324, "explodes", s).decades == pytest.approx(325.3, abs=0.1)


@pytest.mark.parametrize("home", ["", "/", "relative/dir"])
@pytest.mark.parametrize("account", ["/home/ann", "/", ""])
def test_an_unusable_home_never_puts_the_cache_at_the_root(monkeypatch, home, account):
    # $HOME unusable: the password database's home, and no cache when that is unusable too
    import pwd
    monkeypatch.delenv("QUIZGRADER_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: types.SimpleNamespace(pw_dir=account))
    expected = Path("/home/ann/.cache/quizgrader") if account == "/home/ann" else None
    assert default_dir() == expected


# --- wrong answers without a crash -----------------------------------------------------------

def test_a_narrow_as_claimed_failure_is_fragile_by_its_own_margin(tmp_path):
    """Option D (Betty, Γu ≈ 1) vanishes at gain ≈ 8.8e-19; with vanish_below just under it,
    as-claimed fails by a hair while check 4 passes: the verdict's margin is the hair."""
    q = verify_question(load_question(GRU_FILE))
    gain = q.verdict("D").gain
    path = _question(tmp_path, simulation={"vanish_below": gain * 1.01})
    qv = verify_question(load_question(path))
    d = qv.verdict("D")
    assert d.decided_by == "as-claimed" and d.margin.decades < 0.01 and d.fragile
    r = run("verify", str(path), "--strict")
    assert r.exit_code == 1 and "fragile: D is wrong" in r.stdout


def test_regrade_against_a_truncated_previous_names_no_false_change(tmp_path):
    src = tmp_path / "class.csv"
    src.write_text("learner,question,answer\n" + "".join(
        f"l{i},c5w1-gru-alice-betty,{'ABCD'[i % 4]}\n" for i in range(8)), encoding="utf-8")
    grades = tmp_path / "grades.csv"
    assert run("grade", QS, "--responses", str(src), "--out", str(grades)).exit_code == 0
    lines = grades.read_text(encoding="utf-8").splitlines()
    truncated = tmp_path / "trunc.csv"
    truncated.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    r = run("regrade", str(QUESTIONS), "--responses", str(src), "--previous", str(truncated),
            "--out", str(tmp_path / "new.csv"))
    assert r.exit_code == 0, r.output
    assert "No score moved (8 learners compared)." in r.stdout
    assert "5 answer(s) graded now have no earlier grade in --previous" in r.stdout
    assert "changed" not in r.stdout


def test_an_overflowing_input_scale_and_impossible_holds_are_refused():
    for args, message in (
            (["--input-scale", "1e308"], "--input-scale must be between 0 and 100"),
            (["--hold", "update=1@150"], "the simulation has only 100 steps"),
            (["--hold", "update=1", "--hold", "update=0@2:"], "held at two values at once")):
        r = run("simulate", "--cell", "gru", *args)
        refused(r)
        assert message in r.stderr, r.stderr


# --- found as a new user ---------------------------------------------------------------------

def test_a_folder_where_one_question_is_needed_is_one_line():
    for args in (["grade", str(QUESTIONS), "--answer", "C"], ["explain", str(QUESTIONS)]):
        r = run(*args)
        refused(r)
        assert f"{len(PLAIN) + len(TEMPLATES)} questions; this takes one question file" \
            in r.stderr
    with pytest.raises(QuizgraderError, match="takes one question file"):
        api.grade_answer(QUESTIONS, "C")


def test_question_ids_in_a_responses_csv_are_case_insensitive(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\nann,C5W1-GRU-Alice-Betty,c\n", encoding="utf-8")
    out = tmp_path / "g.csv"
    r = run("grade", str(QUESTIONS), "--responses", str(src), "--out", str(out))
    assert r.exit_code == 0 and ",graded," in out.read_text(encoding="utf-8")
    assert "c5w1-gru-alice-betty: mean score 1.000" in r.stderr


def test_a_row_with_an_unterminated_quote_keeps_its_learner_id(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text('learner,question,answer\nann,c5w1-gru-alice-betty,"C\nbob,c5w1-gru-alice-'
                   'betty,C\n', encoding="utf-8")
    out = tmp_path / "g.csv"
    run("grade", str(QUESTIONS), "--responses", str(src), "--out", str(out))
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("ann,") and "error:" in rows[1] and rows[2].startswith("bob,")


# --- authoring help --------------------------------------------------------------------------

def test_the_schema_describes_every_field_for_authors():
    schema = api.schema()
    text = json.dumps(schema)
    assert "verification.md" not in text and ":class:" not in text
    for sub in [schema, *schema["$defs"].values()]:
        for name, prop in sub.get("properties", {}).items():
            assert prop.get("description"), name


def test_validate_reports_every_problem_of_a_file_in_one_pass(tmp_path):
    doc = yaml.safe_load(GRU_FILE.read_text(encoding="utf-8"))
    doc["horizon"] = -3
    doc["models"]["alice"]["hidden"] = 32
    doc["options"][0]["claim"]["when"] = {"forgett": 0}
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = run("validate", str(path))
    out = r.stdout + r.stderr
    assert "horizon: input should be greater than or equal to 1" in out
    assert "options.0.claim.when.forgett: the gru cell has no gate 'forgett'" in out
    assert "simulation: {hidden: N}" in out


def test_a_question_too_large_to_simulate_is_not_an_invalid_file(tmp_path):
    path = _question(tmp_path, horizon=100_000, simulation={"hidden": 256, "seeds": 1024})
    r = run("verify", str(path))
    assert r.exit_code == 1
    assert "0 invalid file(s), 1 too large to simulate (see --allow-large)" in r.stdout


def test_a_disputed_key_names_trust_key(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(GRU_FILE.read_text(encoding="utf-8").replace("key: [C]", "key: [A]"),
                    encoding="utf-8")
    r = run("grade", str(path), "--answer", "C")
    assert r.exit_code == 1                       # not graded: no score against either key
    assert "score" not in r.stdout
    assert "key mismatch: the author's key is A, the simulation's is C" in r.output
    assert "--trust-key" in r.output
    trusted = run("grade", str(path), "--answer", "C", "--trust-key")
    assert trusted.exit_code == 0                 # the flag it names grades by the author's key
    assert "answer C: score 0 / 1 (wrong)" in trusted.stdout
