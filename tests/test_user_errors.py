"""A new user's mistakes, each answered by one clear line and a documented exit code (issue
33): the spec's own template names, a bank with no question, a key folder that does not
exist, an invalid question at a regrade, a class CSV with the wrong header or delimiter."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GRU_FILE, QUESTIONS, ROOT

from quizgrader.cli import main
from quizgrader.question.bank import read_located
from quizgrader.variants.template import read_template

#: The spec's example (variants.md): ``horizon: "{{ T }}"``.
UPPER = """\
id: rnn-upper
title: An RNN template
stem: "An RNN reads {{ T }} steps with weights of scale {{ W_hh }}: its gradient?"
params:
  T: [20, 30]
  W_hh: [0.5]
horizon: "{{ T }}"
simulation: {hidden: 4, inputs: 2, seeds: 4}
models:
  m: {cell: rnn, init: {scale: "{{ W_hh }}"}}
options:
  - {id: A, text: "It vanishes.", claim: {model: m, gradient: vanishes}}
  - {id: B, text: "It is kept.", claim: {model: m, gradient: preserved}}
"""


def test_a_template_may_name_its_parameters_as_the_spec_does(tmp_path):
    p = tmp_path / "rnn-upper.yaml"
    p.write_text(UPPER, encoding="utf-8")
    raw, located = read_located(p)
    t = read_template(str(p), raw, located)
    assert t.params.names == ("T", "W_hh")
    q = t.variant(2, {"T": 30, "W_hh": 0.5})
    assert q.horizon == 30 and q.stem.startswith("An RNN reads 30 steps")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", ["True", "none", "2T", "T-1", "loop"])
def test_a_parameter_name_jinja_cannot_read_is_refused(tmp_path, name):
    p = tmp_path / "rnn-upper.yaml"
    p.write_text(UPPER.replace("W_hh: [0.5]", f"{name!r}: [0.5]").replace("W_hh", name),
                 encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 1
    assert (f"{p}:6: params.{name}: parameter name {name!r} must be letters, digits and _, "
            f"not starting with a digit (and not a Jinja word such as loop, range or "
            f"True)") in r.stderr, r.stderr


# --- serve: a bank with no question ----------------------------------------------------------

def _serve(tmp: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZGRADER_CACHE_DIR": str(tmp / "cache")}
    return subprocess.run([sys.executable, "-m", "quizgrader.cli", "serve", *paths, "--db",
                           "sqlite:///attempts.db", "--port", "0"], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("layout", ["typo", "empty", "typo-beside-a-bank", "only-invalid"])
def test_serve_refuses_a_bank_with_no_question_instead_of_serving_none(tmp_path, layout):
    (tmp_path / "questions").mkdir()
    paths = {"typo": ["questons/"], "empty": ["questions/"],
             "typo-beside-a-bank": [str(GRU_FILE), "questons/"],
             "only-invalid": ["questions/"]}[layout]
    if layout == "only-invalid":
        (tmp_path / "questions" / "q.yaml").write_text("id: q\ntitle: [\n", encoding="utf-8")
    pytest.importorskip("uvicorn")
    r = _serve(tmp_path, *paths)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "serving" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    expected = {
        "typo": "error: questons/: no such file or folder: nothing to serve there",
        "empty": "error: questions/: no question files (*.yaml) in this folder: nothing to "
                 "serve there",
        "typo-beside-a-bank": "error: questons/: no such file or folder: nothing to serve "
                              "there",
        "only-invalid": "error: no question to serve: every question file is invalid or "
                        "refused (see above)"}[layout]
    assert last == expected, r.stderr
    if layout != "only-invalid":
        assert not (tmp_path / "attempts.db").exists()        # refused before anything


# --- lti show: no key made in a folder that does not exist ------------------------------------

def test_lti_show_refuses_a_platforms_file_in_a_folder_that_does_not_exist(tmp_path,
                                                                          monkeypatch):
    pytest.importorskip("joserfc")
    monkeypatch.chdir(tmp_path)
    for command in (["show"], ["rotate-key"]):
        r = CliRunner().invoke(main, ["lti", *command, "--config", "nodir/platforms.toml"])
        assert r.exit_code == 1, r.output
        assert r.stderr == (f"error: {tmp_path}/nodir/lti-keys: cannot create the tool's key "
                            f"folder: {tmp_path}/nodir does not exist (nothing was created; "
                            f"check the path, or create the folder first)\n"), r.stderr
        assert list(tmp_path.iterdir()) == []
    r = CliRunner().invoke(main, ["lti", "show", "--keys", "no/keys"])
    assert r.exit_code == 1 and "no does not exist (nothing was created" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_lti_show_says_when_it_creates_the_tools_key(tmp_path, monkeypatch):
    pytest.importorskip("joserfc")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["lti", "show"])
    assert r.exit_code == 0, r.output
    [pem] = (tmp_path / "lti-keys").glob("*.pem")
    assert r.stderr == (f"note: created the tool's signing key {pem.stem} in "
                        f"{tmp_path}/lti-keys (private, mode 0600): keep it, the LMS will "
                        f"trust it\n")
    again = CliRunner().invoke(main, ["lti", "show"])
    assert again.exit_code == 0 and again.stderr == ""


# --- regrade: an invalid question file is not "the file and the code changed" ------------------

def test_a_regrade_with_an_invalid_question_file_says_so_and_moves_nobody(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "cache"))
    bank = tmp_path / "bank"
    bank.mkdir()
    gru = bank / GRU_FILE.name
    gru.write_bytes(GRU_FILE.read_bytes())
    (bank / "lstm-forget-bias.yaml").write_bytes(
        (QUESTIONS / "lstm-forget-bias.yaml").read_bytes())
    src = tmp_path / "class.csv"
    src.write_text("learner,question,answer\nann,c5w1-gru-alice-betty,C\n"
                   "ann,lstm-forget-bias,A\nbob,c5w1-gru-alice-betty,A\n", encoding="utf-8")
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    r = CliRunner().invoke(main, ["grade", str(bank), "--responses", str(src), "--out",
                                  str(before)])
    assert r.exit_code == 0, r.output
    gru.write_text(GRU_FILE.read_text("utf-8").replace("title:", "title: [\ntitle:", 1), "utf-8")
    args = ["regrade", str(bank), "--responses", str(src), "--previous", str(before), "--out",
            str(after)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1                                     # its rows are errors
    problem = (f"{gru}:4: YAML: while parsing a flow sequence expected ',' or ']', but got "
               f"':'")
    assert problem in r.stderr
    assert r.stdout == (f"No score moved (2 learners compared).\n"
                        f"c5w1-gru-alice-betty: not regraded: its file is invalid "
                        f"({problem}); 2 learners' grades on it not compared\n"), r.stdout
    assert "changed" not in r.stdout and "→" not in r.stdout
    with after.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["status"] == f"error: the file of question c5w1-gru-alice-betty is " \
                                f"invalid ({problem})"
    data = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    assert data["moved"] == [] and data["invalid"] == [
        {"question": "c5w1-gru-alice-betty", "problem": problem, "learners": 2}]


# --- a class CSV with the wrong header or delimiter: one error up front -----------------------

EXPECTED = "expected learner,question,answer (and optionally variant), separated by commas"


@pytest.mark.parametrize("head, rows, message", [
    ("learner;question;answer", ["ann;c5w1-gru-alice-betty;C", "bob;c5w1-gru-alice-betty;A"],
     f"the columns look separated by ';' (found one column, 'learner;question;answer'); "
     f"{EXPECTED}"),
    ("learner\tquestion\tanswer", ["ann\tc5w1-gru-alice-betty\tC"],
     f"the columns look separated by tabs (found one column, 'learner\\tquestion\\tanswer'); "
     f"{EXPECTED}"),
    ("name,question,choice", ["ann,c5w1-gru-alice-betty,C"],
     f"the header has no column learner, answer (found name, question, choice); {EXPECTED}"),
    ("learner,question", ["ann,c5w1-gru-alice-betty"],
     f"the header has no column answer (found learner, question); {EXPECTED}"),
    ("learner,learner,question,answer", ["ann,ann,c5w1-gru-alice-betty,C"],
     f"the header names column learner twice (found learner, learner, question, answer); "
     f"{EXPECTED}"),
    ("student,item,response", ["ann,c5w1-gru-alice-betty,C"],
     f"the first row is neither a header nor an answer to a question of the bank (found "
     f"student, item, response; 'item' is not a question id); {EXPECTED}"),
    ("c5w1-gru-alice-betty,ann,C", ["c5w1-gru-alice-betty,bob,A"],
     f"the first row is neither a header nor an answer to a question of the bank (found "
     f"c5w1-gru-alice-betty, ann, C; 'ann' is not a question id); {EXPECTED}"),
], ids=["semicolons", "tabs", "renamed", "missing", "twice", "unknown", "headerless-misordered"])
def test_a_class_csv_with_a_wrong_header_is_one_error_up_front(tmp_path, head, rows, message):
    src = tmp_path / "class.csv"
    src.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(main, ["grade", str(GRU_FILE), "--responses", str(src), "--out",
                                  str(out)])
    assert r.exit_code == 1
    assert r.stderr == f"error: {src}:1: {message}\n", r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_a_headerless_class_csv_in_the_usual_order_is_still_graded(tmp_path):
    src = tmp_path / "class.csv"
    src.write_text("ann,c5w1-gru-alice-betty,C\nbob,c5w1-gru-alice-betty,A\n", "utf-8")
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(main, ["grade", str(GRU_FILE), "--responses", str(src), "--out",
                                  str(out)])
    assert r.exit_code == 0 and "note: no header row" in r.stderr, r.output


def test_serve_says_when_it_creates_the_tools_key(tmp_path):
    pytest.importorskip("joserfc")
    pytest.importorskip("uvicorn")
    from servicekit import start
    config = tmp_path / "platforms.toml"
    r = CliRunner().invoke(main, [
        "lti", "add-platform", "--config", str(config), "--issuer", "https://lms.example.edu",
        "--client-id", "c1", "--deployment-id", "1", "--auth-url", "https://lms.example.edu/a",
        "--token-url", "https://lms.example.edu/t", "--jwks-url", "https://lms.example.edu/j"])
    assert r.exit_code == 0, r.output
    logs = []
    for _ in range(2):
        server = start(tmp_path / "a.db", tmp_path / "cache", bank=str(GRU_FILE),
                       extra=("--lti-config", str(config)))
        server.stop()
        logs.append("\n".join(server.log))
    [pem] = (tmp_path / "lti-keys").glob("*.pem")
    said = f"created the tool's signing key {pem.stem} in {tmp_path}/lti-keys (private, mode 0600)"
    assert said in logs[0] and "created" not in logs[1]
