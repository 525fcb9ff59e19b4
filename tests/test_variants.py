"""Seeded variants (variants.md): templates, deployment by the simulation, locks, and each
learner's variant in grading, exports, regrades and statistics."""
from __future__ import annotations

import csv
import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bankfiles import TEMPLATES
from click.testing import CliRunner
from conftest import GRU_TEMPLATE

from quizgrader import api
from quizgrader.cli import main
from quizgrader.grading.assign import assigned
from quizgrader.jobs.verifying import verify_file
from quizgrader.question.bank import read_located
from quizgrader.variants.deploy import note
from quizgrader.variants.lock import lock_path, read_lock
from quizgrader.variants.template import read_template

#: A small RNN template: fast to verify; its parameters are spliced into a fixed body.
RNN = """\
id: {id}
title: An RNN template
stem: "An RNN of weight scale {{{{ scale }}}} reads {{{{ horizon }}}} steps: its gradient?"
params:
{params}
horizon: "{{{{ horizon }}}}"
simulation: {{hidden: 4, inputs: 2, seeds: 4{extra}}}
models:
  m: {{cell: rnn, init: {{scale: "{{{{ scale }}}}"}}}}
options:
  - {{id: A, text: "It vanishes.", claim: {{model: m, gradient: vanishes}}}}
  - {{id: B, text: "It is kept.", claim: {{model: m, gradient: {gradient}}}}}
{key}"""


def template(tmp_path: Path, params: str, name: str = "rnn-t", extra: str = "",
             gradient: str = "preserved", key: str = "") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(RNN.format(id=name, params=textwrap.indent(params, "  "), extra=extra,
                            gradient=gradient, key=key), encoding="utf-8")
    return p


def deploy(path: Path, count: int = 20) -> dict:
    r = CliRunner().invoke(main, ["variants", str(path), "--count", str(count), "--json"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)["templates"][0]


def reasons(report: dict) -> dict[int, str]:
    return {c["number"]: c["reason"] for c in report["rejected"]}


# --- templates: rendering and its errors ------------------------------------------------------

def test_a_lone_expression_keeps_its_type_and_text_is_rendered(tmp_path):
    p = template(tmp_path, "scale: [0.5]\nhorizon: {range: [20, 40], step: 10}")
    raw, located = read_located(p)
    t = read_template(str(p), raw, located)
    assert t.params.values == ((0.5,), (20, 30, 40))
    q = t.variant(2, {"scale": 0.5, "horizon": 30})
    assert q.horizon == 30 and q.models["m"].init.scale == 0.5 and q.variant == 2
    assert q.stem == "An RNN of weight scale 0.5 reads 30 steps: its gradient?"


@pytest.mark.parametrize("params, body, message", [
    ("scale: [0.5]\nhorizon: [20]", "stem: \"{{ nope }}\"",
     "stem: undefined name: 'nope' is undefined (variant 1: scale=0.5, horizon=20)"),
    ("scale: [0.5]\nhorizon: [20]", "stem: \"{{ ''.__class__.__mro__ }}\"",
     "stem: template: access to attribute '__class__' of 'str' object is unsafe. (variant 1: "
     "scale=0.5, horizon=20)"),
    ("scale: [0.5]\nhorizon: [20]", "stem: \"{{ 'x' * 10**10 }}\"",
     "stem: template: repeating text or a list past 100000 items is not allowed in a template "
     "(variant 1: scale=0.5, horizon=20)"),
    ("scale: [0.5]\nhorizon: [twenty]", None,
     "horizon: input should be a valid integer, got 'twenty' (variant 1: scale=0.5, "
     "horizon=twenty)"),
    ("scale: [0.5]\nhorizon: []", None,
     "params.horizon: expected a list of values or {range: [lo, hi], step: s}"),
    ("scale: [0.5]\nhorizon: {range: [40, 20]}", None,
     "params.horizon.range: expected lo ≤ hi, got [40, 20]"),
    ("scale: [0.5]\nloop: [1]\nhorizon: [20]", None,
     "params.loop: parameter name 'loop' must be letters, digits and _, not starting with a "
     "digit (and not a Jinja word such as loop, range or True)"),
])
def test_template_errors_name_the_file_the_line_and_the_variant(tmp_path, params, body,
                                                                 message):
    p = template(tmp_path, params)
    if body is not None:
        text = p.read_text(encoding="utf-8").splitlines()
        text[2] = body
        p.write_text("\n".join(text) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 1
    lines = [line for line in r.stderr.splitlines() if line.startswith(str(p))]
    assert lines and lines[0].split(":", 2)[2].strip() == message, r.stderr
    assert "Traceback" not in r.output


def test_fixed_fields_cannot_take_a_parameter(tmp_path):
    p = template(tmp_path, "scale: [0.5]\nhorizon: [20]\nletter: [A]")
    p.write_text(p.read_text(encoding="utf-8").replace("{id: A,", '{id: "{{ letter }}",'),
                 encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 1
    assert (f"{p}:13: options.0.id: this field is the same in every variant: it cannot take "
            f"a parameter") in r.stderr


def test_a_template_without_its_lock_validates_but_is_not_verified(tmp_path):
    p = template(tmp_path, "scale: [0.5]\nhorizon: [20]")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 0 and "not deployed yet" in r.stderr
    r = CliRunner().invoke(main, ["verify", str(p)])
    assert r.exit_code == 1
    assert f"no {p.stem}.variants.yaml): run quizgrader variants {p}" in r.stderr


# --- deploying -------------------------------------------------------------------------------

def test_each_bad_choice_is_rejected_with_its_reason(tmp_path):
    # scale 3 makes the key change with the seed set; 0.5 is a well-posed variant
    unstable = deploy(template(tmp_path, "scale: [0.5, 3.0]\nhorizon: [30]", "rnn-u"))
    assert unstable["deployed"] == 1 and unstable["variants"][0]["params"]["scale"] == 0.5
    assert reasons(unstable)[2].startswith("unstable: with seed ")
    # option B claims what A claims when g is vanishes: two true options for select: one
    ambiguous = deploy(template(tmp_path, "scale: [0.5]\nhorizon: [30]\ng: [preserved, "
                                "vanishes]", "rnn-a", gradient='"{{ g }}"'))
    assert reasons(ambiguous) == {2: "ambiguous: options A, B are all true (select: one)"}
    # asking for 10 decades of margin makes every verdict fragile
    fragile = deploy(template(tmp_path, "scale: [0.5]\nhorizon: [12]\nf: [0.5, 10]", "rnn-f",
                              extra=', fragile_below: "{{ f }}"'))
    assert [c["number"] for c in fragile["rejected"]] == [2]
    assert reasons(fragile)[2].startswith("fragile: option ")
    # a key expression that is wrong for one choice; a parameter the text never shows
    keyed = deploy(template(tmp_path, "scale: [0.5]\nhorizon: [30]\nk: [A, B]\nname: [x, y]",
                            "rnn-k", key='key: ["{{ k }}"]'))
    why = reasons(keyed)
    assert why[3] == "key-mismatch: the template's key is B, the simulation gives A"
    assert why[2] == "duplicate: the same stem, options and key as variant 1"
    # a horizon the format refuses
    bad = deploy(template(tmp_path, "scale: [0.5]\nhorizon: [0, 30]", "rnn-i"))
    assert reasons(bad)[1].startswith("invalid: ") and "horizon" in reasons(bad)[1]


def test_deploying_writes_a_byte_identical_lock_and_verify_rechecks_it(tmp_path):
    p = template(tmp_path, "scale: [0.3, 0.5, 0.7]\nhorizon: {range: [20, 60], step: 20}")
    assert CliRunner().invoke(main, ["variants", str(p)]).exit_code == 0
    lock = lock_path(p)
    first = lock.read_bytes()
    assert CliRunner().invoke(main, ["variants", str(p)]).exit_code == 0
    assert lock.read_bytes() == first
    data = read_lock(lock)
    assert data.numbers() == tuple(range(1, 10)) and all(v.key == ["A"] for v in data.variants)
    r = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "1 question(s) verified (9 with the 9 deployed variants of 1 template(s))" in r.output
    # the lock says B for variant 4: the simulation disagrees, and verify says which
    doc = yaml.safe_load(first)
    doc["variants"][3]["key"] = ["B"]
    lock.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert r.exit_code == 1
    assert ("rnn-t variant 4 (" in r.output and "key mismatch: variant 4's locked key is B, "
            "the simulation's is A") in r.output
    # a template edited after deploying: its lock is stale
    lock.write_bytes(first)
    p.write_text(p.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert r.exit_code == 1 and "changed since its variants were deployed" in r.stderr


def test_a_folder_skips_plain_questions_and_a_lock_is_not_a_question(tmp_path):
    p = template(tmp_path, "scale: [0.5]\nhorizon: [20]")
    CliRunner().invoke(main, ["variants", str(p)])
    r = CliRunner().invoke(main, ["validate", str(lock_path(p))])
    assert r.exit_code == 1 and "a lock file of variants, not a question" in r.stderr


# --- the shipped bank's templates ------------------------------------------------------------

@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_locked_variant_of_the_bank_verifies_alone_as_a_plain_file(path, tmp_path):
    raw, located = read_located(path)
    t = read_template(str(path), raw, located)
    lock = read_lock(lock_path(path))
    assert lock.provenance.question == t.digest, "the lock is stale: run quizgrader variants"
    notes = set()
    for v in lock.variants:
        q = t.variant(v.number, v.params)
        plain = q.model_dump(mode="json", by_alias=True, exclude={"key"}, exclude_none=True)
        f = tmp_path / f"{t.id}-{v.number}.yaml"
        f.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), "utf-8")
        alone = verify_file(f, cache=False)
        assert alone.question.variant is None
        assert alone.computed_key == v.key, (v.number, v.params)
        notes.add(note(q, tuple(v.key)))
    assert len(notes) == len(lock.variants)               # all distinct
    if t.id == "c5w1-gru-template":
        assert len(lock.variants) >= 8
        assert len({tuple(v.key) for v in lock.variants}) >= 2     # the key moves


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_learners_spread_evenly_over_the_variants(path):
    numbers = read_lock(lock_path(path)).numbers()
    t = read_lock(lock_path(path)).template
    counts = Counter(assigned(f"learner-{i:05d}", t, numbers, "course-2026")
                     for i in range(10_000))
    even = 10_000 / len(numbers)
    assert set(counts) == set(numbers)
    assert all(abs(n - even) <= 0.1 * even for n in counts.values()), counts
    # the same learner always gets the same variant; another salt, another assignment
    assert assigned("ann", t, numbers, "x") == assigned("ann", t, numbers, "x")
    assert [assigned(f"l{i}", t, numbers, "a") for i in range(50)] != \
        [assigned(f"l{i}", t, numbers, "b") for i in range(50)]




def test_grading_uses_each_learners_variant_and_says_which(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZGRADER_SALT", "course-2026")
    numbers = read_lock(lock_path(GRU_TEMPLATE)).numbers()
    learners = [f"l{i}" for i in range(40)]
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\n" + "".join(
        f"{name},c5w1-gru-template,{a}\n" for name in learners for a in "AC"), "utf-8")
    outs = []
    for k in range(2):
        out = tmp_path / f"g{k}.csv"
        r = CliRunner().invoke(main, ["grade", str(GRU_TEMPLATE.parent), "--responses", str(src),
                                      "--out", str(out)])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]                                  # byte-identical on every run
    rows = list(csv.DictReader(outs[0].decode("utf-8").splitlines()))
    lock = {v.number: v.key for v in read_lock(lock_path(GRU_TEMPLATE)).variants}
    for row in rows:
        v = int(row["variant"])
        assert v == assigned(row["learner"], "c5w1-gru-template", numbers, "course-2026")
        assert float(row["score"]) == (1.0 if [row["answer"]] == lock[v] else 0.0)
    assert len({row["variant"] for row in rows}) > 5
    # one answer: --learner gives the same variant, --variant another
    one = CliRunner().invoke(main, ["grade", str(GRU_TEMPLATE), "--answer", "C", "--learner", "l0",
                                    "--format", "json"])
    assert json.loads(one.stdout)["variant"] == int(rows[0]["variant"])
    bad = CliRunner().invoke(main, ["grade", str(GRU_TEMPLATE), "--answer", "C",
                                    "--variant", "999"])
    assert bad.exit_code == 1 and "no deployed variant 999 (deployed: " in bad.stderr


def test_exports_carry_every_variant_in_a_category_and_handouts_the_first(tmp_path):
    pytest.importorskip("moodle_xml_parser")
    numbers = read_lock(lock_path(GRU_TEMPLATE)).numbers()
    out = tmp_path / "bank.xml"
    r = CliRunner().invoke(main, ["export", str(GRU_TEMPLATE), "--to", "moodle", "--out", str(out)])
    assert r.exit_code == 0, r.output
    xml = out.read_text("utf-8")
    assert "<text>$course$/top/quizgrader/c5w1-gru-template</text>" in xml
    assert xml.count('<question type="multichoice">') == len(numbers)
    assert all(f"<idnumber>c5w1-gru-template-v{n}</idnumber>" in xml for n in numbers)
    again = tmp_path / "again.xml"
    CliRunner().invoke(main, ["export", str(GRU_TEMPLATE), "--to", "moodle", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()
    gift = tmp_path / "bank.gift"
    CliRunner().invoke(main, ["export", str(GRU_TEMPLATE), "--to", "gift", "--out", str(gift)])
    assert gift.read_text("utf-8").count("::Simplifying the GRU") == len(numbers)
    md = tmp_path / "h.md"
    CliRunner().invoke(main, ["export", str(GRU_TEMPLATE), "--to", "markdown", "--no-plots",
                              "--out", str(md)])
    assert md.read_text("utf-8").count("(variant ") == 1
    CliRunner().invoke(main, ["export", str(GRU_TEMPLATE), "--to", "markdown", "--no-plots",
                              "--all-variants", "--out", str(md)])
    assert md.read_text("utf-8").count("## Simplifying the GRU") == len(numbers)


def test_the_editor_schema_knows_params(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    params = api.schema()["properties"]["params"]
    for path in TEMPLATES:
        jsonschema.validate(yaml.safe_load(path.read_text("utf-8"))["params"], params)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"horizon": {"range": [1]}}, params)
