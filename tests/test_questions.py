"""The question format: the bad-input corpus with exact messages, and the bank as fixtures."""
from __future__ import annotations

import pytest
from bankfiles import PLAIN
from click.testing import CliRunner
from conftest import TESTS

from quizgrader.cli import main
from quizgrader.question import load_bank

BAD = TESTS / "bad"
BANK = PLAIN

EXPECTED = {
    "activation-on-gru": "5: models.m.activation: activation applies to rnn and indrnn cells only",
    "alias-bomb": "1: the document expands to more than 100000 nodes (alias bomb?)",
    "bad-gate-fixed": "5: models.m.fixed.forget: the gru cell has no gate 'forget' "
                      "(its gates: update, reset)",
    "bad-gradient": "9: options.0.claim.gradient: input should be 'preserved', 'vanishes' or "
                    "'explodes', got 'survives'",
    "bad-id": "1: id: string should match pattern '^[a-z0-9][a-z0-9-]*$', got 'Q 1'",
    "bad-select": "14: select: input should be 'one' or 'many', got 'some'",
    "claim-and-correct": "10: options.1: an option needs exactly one of claim (checked by "
                         "simulation) or correct (decided by the author)",
    "custom-tag": "2: YAML: tag !secret is not allowed (safe YAML only)",
    "duplicate-key": "3: duplicate key 'title' (first on line 2)",
    "duplicate-option-id": "10: options.1.id: duplicate option id 'A' (also options.0)",
    "empty": "1: empty file: expected a question (a mapping with id, title, ...)",
    "fixed-not-number": "5: models.m.fixed.reset: input should be a valid number, got 'one'",
    "fixed-out-of-range": "5: models.m.fixed.reset: input should be less than or equal to 1, "
                          "got 2",
    "key-two-for-one": "13: key: select: one takes exactly one key option, got 2",
    "key-unknown-option": "13: key.0: unknown option 'E' (options: A, B)",
    "missing-title": "1: (document): missing required key 'title'",
    "negative-horizon": "14: horizon: input should be greater than or equal to 1, got 0",
    "one-option": "4: options: list should have at least 2 items after validation, not 1",
    "only-comment": "1: empty file: expected a question (a mapping with id, title, ...)",
    "python-tag": "14: YAML: tag !!python/object/apply:os.system is not allowed (safe YAML only)",
    "scoring-on-one": "14: scoring: scoring applies to select: many only",
    "static-without-feedback": "10: options.1: a static option (correct:) needs feedback: say why",
    "syntax-error": "4: YAML: while parsing a flow sequence expected ',' or ']', but got ':'",
    "tags-not-list": "14: tags: input should be a valid list, got 'gru'",
    "top-level-list": "1: (document): expected a question (a mapping with id, title, ...), "
                      "got list",
    "unknown-cell": "5: models.m.cell: input should be 'rnn', 'gru', 'lstm', 'janet', 'mgu' or "
                    "'indrnn', got 'cnn'",
    "unknown-model": "12: options.1.claim.model: unknown model 'carol' (models: m)",
    "unknown-option-key": "9: options.0.hint: unknown key 'hint' (allowed: id, text, claim, "
                          "correct, feedback)",
    "unknown-top-key": "14: colour: unknown key 'colour' (allowed: id, title, stem, source, "
                       "tags, select, scoring, horizon, simulation, models, options, key)",
    "when-gate-missing-in-cell": "9: options.0.claim.when.forget: the gru cell has no gate "
                                 "'forget' (its gates: update, reset)",
    "when-on-rnn": "9: options.0.claim.when.update: the rnn cell has no gate 'update' "
                   "(its gates: none)",
    "when-value-half": "9: options.0.claim.when.update: input should be 0 or 1, got 0.5",
    "when-value-bool": "9: options.0.claim.when.update: expected 0 or 1, not a boolean, got True",
    "fixed-bool": "5: models.m.fixed.reset: input should be a valid number, got True",
    "wrong-type-horizon": "14: horizon: input should be a valid integer, got 'long'",
}


def validate(path: str):
    return CliRunner().invoke(main, ["validate", path])


def test_the_corpus_is_complete():
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_gives_its_exact_message(name):
    path = str(BAD / f"{name}.yaml")
    r = validate(path)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == f"{path}:{EXPECTED[name]}"
    assert "Traceback" not in r.output


@pytest.mark.parametrize("name,content,message", [
    ("huge", b"a: " + b"x" * 50_000_000 + b"\n",
     "1: file is 50.0 MB; a question file may be at most 1 MB"),
    ("binary", b"id: q\n\x00\x01\x02\xff junk", "2: binary data (NUL byte): not a YAML text file"),
    ("latin1", "id: q1\ntitle: caf\u00e9\n".encode("latin-1"),
     "2: not UTF-8 text (byte 0xe9 at offset 17)"),
])
def test_generated_broken_files(tmp_path, name, content, message):
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    r = validate(str(path))
    assert r.exit_code == 1 and r.stderr == f"{path}:{message}\n"


def test_bom_and_crlf_are_fine(tmp_path):
    text = BANK[0].read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "q.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    r = validate(str(path))
    assert r.exit_code == 0, r.output


def test_every_error_in_a_file_is_reported(tmp_path):
    r = validate(str(BAD / "when-on-rnn.yaml"))
    assert len(r.stderr.splitlines()) == 2


def test_question_ids_are_unique_across_a_bank(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(BANK[0].read_text(encoding="utf-8"), encoding="utf-8")
    bank = load_bank([str(tmp_path)])
    assert len(bank.questions) == 1
    qid = load_bank([str(BANK[0])]).questions[0][1].id
    assert bank.problems == [f"{tmp_path / 'b.yaml'}:1: id: question id '{qid}' is also used "
                             f"by {tmp_path / 'a.yaml'}"]


def test_missing_path_and_empty_folder(tmp_path):
    r = CliRunner().invoke(main, ["validate", str(tmp_path / "nope"), str(tmp_path)])
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"{tmp_path / 'nope'}: no such file or folder",
                                     f"{tmp_path}: no question files (*.yaml) in this folder"]


def test_schema_is_json_schema_of_the_format():
    import json
    r = CliRunner().invoke(main, ["schema"])
    schema = json.loads(r.output)
    assert r.exit_code == 0 and schema["additionalProperties"] is False
    assert set(schema["required"]) == {"id", "title", "stem", "options"}
    jsonschema = pytest.importorskip("jsonschema")
    import yaml
    for path in BANK:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
