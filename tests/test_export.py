"""Exports read back by real parsers: Moodle XML (moodle-xml-parser), GIFT (pygiftparser), QTI
(the package's own XML, scored by its mapping), handouts (headless Chromium when present)."""
from __future__ import annotations

import html
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
import zipfile

import pytest
from click.testing import CliRunner
from conftest import ARTIFACTS, GRU_FILE, QS

from quizgrader.cli import main
from quizgrader.export import export
from quizgrader.export.items import build_all
from quizgrader.export.moodle import ALLOWED, fractions, nearest
from quizgrader.grading import score


@pytest.fixture(scope="module")
def sim():
    """One simulator with full curves for the whole module (verification and plots)."""
    from quizgrader.sim import Simulator
    return Simulator(always_full=True)


@pytest.fixture(scope="module")
def verdicts(verified):
    """Every question of the bank, each deployed variant of its templates included (on the
    process pool, as export verifies them: the session's verified bank)."""
    return verified.verdicts


@pytest.fixture(scope="module")
def handout_verdicts(sim):
    """What a handout shows by default (each template's first variant only), verified on the
    module's simulator so that the plots reuse its curves."""
    from quizgrader.jobs.verifying import first_variants, load_within_limits as load_bank
    from quizgrader.verify import verify_question
    bank = load_bank([QS])
    return [verify_question(q, path, sim) for path, q in first_variants(bank.questions)]


@pytest.fixture(scope="module")
def items(verdicts):
    return build_all(verdicts)


def paras(paragraphs) -> str:
    """What our HTML looks like once a parser has unescaped it."""
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def unescape_gift_plain(text: str) -> str:
    """GIFT's backslash escapes (the title is plain text)."""
    return re.sub(r"\\(.)", r"\1", text)


def unescape_gift(text: str) -> str:
    """GIFT's backslash escapes, then the HTML entities (GIFT keeps HTML as written)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


# --- Moodle XML ---------------------------------------------------------------------------

def test_moodle_xml_parses_with_the_right_keys_and_feedback(verdicts, items):
    parser = pytest.importorskip("moodle_xml_parser.parser")
    parsed = parser.parse_bytes(export(verdicts, "moodle"))["multichoice"]
    assert [q.name for q in parsed] == [i.name for i in items]
    for q, item in zip(parsed, items):
        assert q.single == (item.select == "one") and q.shuffle_answers
        assert [o.answer for o in q.options] == [f"<p>{o.text}</p>" for o in item.options]
        right = [o.id for o, p in zip(item.options, q.options) if p.score_fraction > 0]
        assert right == list(item.key)
        assert sum(p.score_fraction for p in q.options if p.score_fraction > 0) == \
            pytest.approx(100, abs=0.01)
        assert [o.feedback for o in q.options] == [paras(o.explanation) for o in item.options]
        assert q.general_feedback == paras(item.general)
        # a wrong or partly right answer is told why each right option is right
        assert q.incorrect_feedback == q.partially_correct_feedback == paras(item.missed)
        assert q.incorrect_feedback.count("The right answer includes the option ") == \
            len(item.key)
    assert "Γu" in parsed[0].name and "c<100>" in parsed[0].general_feedback


def test_moodle_fractions_follow_each_scoring_scheme(items):
    lstm = next(i for i in items if i.id == "lstm-long-memory")
    assert fractions(lstm) == {"A": "50", "B": "-50", "C": "-50", "D": "50"}
    aon = lstm.__class__(**{**lstm.__dict__, "scheme": "all-or-nothing"})
    assert fractions(aon)["B"] == "-100"
    each = lstm.__class__(**{**lstm.__dict__, "scheme": "each-answer"})
    assert fractions(each)["B"] == "-25"
    for k in range(1, 11):                        # 100/k is on Moodle's list for k ≤ 10
        assert abs(float(nearest(100 / k)) * k - 100) < 1e-3
    assert {nearest(x) for x in (-37.0, 3.0, 99.0, 12.0)} <= set(ALLOWED) | {"-40"}


# --- GIFT ---------------------------------------------------------------------------------

def _giftparser():
    pytest.importorskip("pygiftparser")
    try:
        import markdown  # noqa: F401
    except ImportError:
        # pygiftparser pins Markdown < 3.1, which needs pkg_resources (gone from current
        # setuptools); it imports Markdown only to render HTML, never to parse.
        sys.modules["markdown"] = types.ModuleType("markdown")
    from pygiftparser import parser
    return parser


def test_gift_parses_with_the_right_keys_and_feedback(verdicts, items):
    parser = _giftparser()
    text = export(verdicts, "gift").decode("utf-8")
    parsed = parser.parseFile(io.StringIO(text))
    assert len(parsed) == len(items)
    for q, item in zip(parsed, items):
        assert q.valid and unescape_gift_plain(q.title) == item.name
        kind = type(q.answers).__name__
        assert kind == ("SelectSet" if item.select == "one" else "MultipleChoicesSet")
        answers = q.answers.answers
        assert [unescape_gift(a.answer) for a in answers] == \
            [f"<p>{o.text}</p>" for o in item.options]
        assert [o.id for o, a in zip(item.options, answers) if a.fraction > 0] == list(item.key)
        assert [unescape_gift(a.feedback) for a in answers] == \
            [paras(o.explanation) for o in item.options]
        # GIFT has no feedback for wrong answers: the general feedback says why the key is right
        assert unescape_gift(q.generalFeedback) == paras(item.general + item.missed)


def test_gift_escapes_every_special_character():
    from quizgrader.export.gift import escape
    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert "\n" not in escape("two\n\nparagraphs")


# --- QTI 2.1 ------------------------------------------------------------------------------

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


def qti_score(item_root: ET.Element, chosen: set[str]) -> float:
    """Run the item's response processing (the subset we write) on a response."""
    decl = item_root.find(f"{QTI}responseDeclaration")
    correct = {v.text for v in decl.iter(f"{QTI}value")}
    mapping = decl.find(f"{QTI}mapping")
    if mapping is None:
        return 1.0 if chosen == correct else 0.0
    total = sum(float(e.get("mappedValue")) for e in mapping if e.get("mapKey") in chosen)
    total = min(max(total, float(mapping.get("lowerBound"))), float(mapping.get("upperBound")))
    base = item_root.find(f".//{QTI}sum/{QTI}baseValue")
    return total + float(base.text)


def qti_feedback(item_root: ET.Element, chosen: set[str]) -> set[str]:
    """Run the item's FEEDBACK processing (the subset we write) on a response."""
    rp = item_root.find(f"{QTI}responseProcessing")
    single = item_root.find(f"{QTI}responseDeclaration").get("cardinality") == "single"
    feedback: set[str] = set()

    def value(el: ET.Element) -> set[str]:
        if el.tag == f"{QTI}variable":
            return set(chosen) if el.get("identifier") == "RESPONSE" else set(feedback)
        if el.tag == f"{QTI}baseValue":
            return {el.text}
        assert el.tag == f"{QTI}multiple", el.tag
        return set().union(*(value(c) for c in el))

    def true(el: ET.Element) -> bool:
        if el.tag == f"{QTI}not":
            return not true(el[0])
        if el.tag == f"{QTI}member":
            return value(el[0]) <= value(el[1])
        assert el.tag == f"{QTI}match" and single
        return value(el[0]) == value(el[1])

    for step in rp:
        if step.tag == f"{QTI}setOutcomeValue" and step.get("identifier") == "FEEDBACK":
            feedback = value(step[0])
        elif step.tag == f"{QTI}responseCondition":
            rif = step.find(f"{QTI}responseIf")
            target = rif.find(f"{QTI}setOutcomeValue")
            if target.get("identifier") == "FEEDBACK" and true(rif[0]):
                feedback = value(target[0])
    return feedback


def test_qti_package_lists_every_item_and_scores_like_the_grader(verdicts, items):
    data = export(verdicts, "qti")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        manifest = ET.fromstring(z.read("imsmanifest.xml"))
        hrefs = [r.get("href") for r in manifest.iter(f"{CP}resource")]
        assert hrefs == [f"items/{i.ident}.xml" for i in items]
        assert sorted(z.namelist()) == sorted(["imsmanifest.xml", *hrefs])
        for item, href in zip(items, hrefs):
            root = ET.fromstring(z.read(href))
            assert root.get("identifier") == item.ident and root.get("title") == item.name
            decl = root.find(f"{QTI}responseDeclaration")
            assert decl.get("cardinality") == ("single" if item.select == "one" else "multiple")
            assert [v.text for v in decl.find(f"{QTI}correctResponse")] == list(item.key)
            choices = [c.get("identifier") for c in root.iter(f"{QTI}simpleChoice")]
            assert choices == [o.id for o in item.options]
            feedback = {f.get("identifier"): "".join(f"<p>{''.join(p.itertext())}</p>"
                                                     for p in f)
                        for f in root.iter(f"{QTI}modalFeedback")}
            assert feedback == {**{o.id: paras(o.explanation) for o in item.options},
                                "_general": paras(item.general),
                                **{f"missed-{k}": paras(o.why_right)
                                   for k, o in ((o.id, o) for o in item.options) if o.correct}}
            ids = [o.id for o in item.options]
            for r in range(len(ids) + 1 if item.select == "many" else 2):
                for chosen in itertools.combinations(ids, r):
                    if item.select == "one" and len(chosen) != 1:
                        continue
                    want = score(set(chosen), set(item.key), ids, item.scheme)
                    assert qti_score(root, set(chosen)) == pytest.approx(want), (item.id, chosen)
                    shown = set(chosen) | {"_general"} | {f"missed-{k}" for k in item.key
                                                          if k not in chosen}
                    assert qti_feedback(root, set(chosen)) == shown, (item.id, chosen)


def test_qti_maps_each_answer_scoring_exactly(verdicts):
    lstm = next(v for v in verdicts if v.question.id == "lstm-long-memory")
    q = lstm.question.model_copy(update={"scoring": "each-answer"})
    from dataclasses import replace
    data = export([replace(lstm, question=q)], "qti")
    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("items/lstm-long-memory.xml"))
    ids = ["A", "B", "C", "D"]
    for r in range(5):
        for chosen in itertools.combinations(ids, r):
            assert qti_score(root, set(chosen)) == pytest.approx(
                score(set(chosen), {"A", "D"}, ids, "each-answer"))


# --- learner-safe exports -----------------------------------------------------------------

LEAKS = ["is correct", "is wrong", "right answer", "Answer:", "correctResponse", "mapping",
         "modalFeedback", "fraction=\"100\"", "fraction=\"50\"", "%50%", "\t=", "<img",
         "‖∂c<", "gain"]


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "markdown", "html"])
def test_learner_exports_leak_no_key(verdicts, items, fmt):
    data = export(verdicts, fmt, learner=True)
    if fmt == "qti":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            text = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    else:
        text = data.decode("utf-8")
    for marker in LEAKS:
        assert marker not in text, marker
    plain = html.unescape(text)
    if fmt in ("gift", "markdown"):            # their escapes: GIFT's \: and Markdown's \_
        plain = re.sub(r"\\(.)", r"\1", plain)
    for item in items:                         # every option is still there...
        assert all(o.text.split()[0] in plain for o in item.options)
        for o in item.options:                 # ...but none of the explanations
            for p in o.explanation[1:]:
                assert p not in plain


def test_learner_moodle_has_only_zero_fractions_and_no_feedback(verdicts):
    parser = pytest.importorskip("moodle_xml_parser.parser")
    for q in parser.parse_bytes(export(verdicts, "moodle", learner=True))["multichoice"]:
        assert {o.score_fraction for o in q.options} == {0}
        assert not any(o.feedback for o in q.options) and not q.general_feedback


# --- handouts -----------------------------------------------------------------------------

def test_html_handout_is_self_contained_with_a_gate_lab_per_question(handout_verdicts, sim):
    """The lab (its grid embedded) replaces the per-option plots: one per question whose
    models have gates, a button per option with a setting, no image and no address."""
    from quizgrader.lab.grid import models
    verdicts = [qv for qv in handout_verdicts if qv.question.id in
                ("c5w1-gru-alice-betty", "lstm-forget-bias", "rnn-vanish-explode")]
    page = export(verdicts, "html", sim=sim).decode("utf-8")
    with_gates = [qv for qv in verdicts if models(qv.question)]
    assert page.count('<section class="lab" ') == len(with_gates) > 0
    assert page.count('class="lab-data"') == len(with_gates)
    assert "<img" not in page and page.count("uPlot.LICENSE") == 1
    assert not re.search(r'(src|href)="https?:', page)
    assert "Show option C's setting" in page


def test_plots_are_labelled_with_legend_and_threshold(handout_verdicts, sim):
    verdicts = handout_verdicts
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from quizgrader.export import plots
    from quizgrader.export.handout import option_series
    qv = next(v for v in verdicts if v.question.id == "c5w1-gru-alice-betty")
    series = option_series(qv, qv.options[2], sim)
    assert [s.label for s in series][:2] == ["C: Betty's model (Γr fixed at 1) with Γu ≈ 0",
                                             "instead: Betty's model (Γr fixed at 1) with Γu ≈ 1"]
    captured = []
    real_close = plt.close
    plots_plt = plots._pyplot

    def keep(fig=None):
        captured.append(fig)
    try:
        plt.close = keep
        plots._pyplot = lambda: (matplotlib, plt)
        plots.gain_svg("t", series, 0.01, 100.0)
    finally:
        plt.close = real_close
        plots._pyplot = plots_plt
    ax = captured[0].axes[0]
    assert ax.get_xlabel() == "step t" and "∂c<t>/∂c<0>" in ax.get_ylabel()
    assert ax.get_yscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "vanishing threshold (0.01)" in legend and legend[0].startswith("C: ")
    real_close(captured[0])


def test_markdown_handout_has_key_explanations_and_embedded_plots(handout_verdicts, items,
                                                                  sim):
    verdicts = handout_verdicts
    pytest.importorskip("matplotlib")
    text = export(verdicts, "markdown", sim=sim).decode("utf-8")
    assert "Answer: **C**" in text and "Answer: **A, D**" in text
    assert text.count("](data:image/svg+xml;base64,") == \
        sum(v.curves is not None for qv in verdicts for v in qv.options)
    from quizgrader.text.render.markup import md
    assert md(items[0].options[0].explanation[1]) in text and "c\\<100\\>" in text


def test_no_plots_needs_no_matplotlib(verdicts, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib fails
    with pytest.raises(Exception, match=r"pip install 'quizgrader\[plot\]'"):
        export(verdicts, "markdown")
    page = export(verdicts, "html", plots=False).decode("utf-8")
    assert "<img" not in page and "Answer: <strong>C</strong>" in page
    assert 'class="lab"' not in page


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="headless Chromium not installed (apt install chromium)")
def test_html_handout_renders_in_headless_chromium_with_visible_plots(handout_verdicts, sim,
                                                                     tmp_path):
    verdicts = handout_verdicts
    image = pytest.importorskip("PIL.Image")
    gru = [v for v in verdicts if v.question.id == "c5w1-gru-alice-betty"]
    page = tmp_path / "handout.html"
    html_text = export(gru, "html", sim=sim).decode("utf-8")
    page.write_text(html_text, encoding="utf-8")
    # the bottom line comes before the options, and the reading guide is there once
    assert html_text.count("How to read the numbers") == 1
    assert html_text.index('class="bottom-line"') < html_text.index('class="option ')
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    shot = shots / "handout.png"
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1000,3600", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    import numpy as np
    pixels = np.asarray(image.open(shot).convert("RGB")).astype(int)
    # the lab's gain curve (#0b57a8, 11 87 168), drawn by uPlot on its canvas
    blue = (np.abs(pixels - [11, 87, 168]).max(axis=2) < 30).sum()
    assert blue > 200


# --- the command --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "markdown", "html"])
def test_every_export_of_the_bank_is_byte_identical_on_a_second_run(tmp_path, fmt,
                                                                      monkeypatch):
    """Two runs from scratch (Moodle; HTML without a cache, then filling one, then from it);
    the other formats, whose verdicts are the same, twice from the session's cache."""
    if fmt == "markdown":
        pytest.importorskip("matplotlib")
    outs = []
    cache = ["off", "off"] if fmt == "moodle" else ["off"] if fmt == "html" else [
        os.environ["QUIZGRADER_CACHE_DIR"]] * 2
    cache += [str(tmp_path / "cache")] * 2 if fmt == "html" else []
    for run, where in enumerate(cache):
        monkeypatch.setenv("QUIZGRADER_CACHE_DIR", where)
        out = tmp_path / f"{run}.{fmt}"
        r = CliRunner().invoke(main, ["export", QS, "--to", fmt, "--out", str(out)])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert all(o == outs[0] for o in outs)


def test_a_disputed_key_stops_the_export_unless_trust_key(tmp_path):
    q = tmp_path / "q.yaml"
    q.write_text(GRU_FILE.read_text(encoding="utf-8").replace("key: [C]", "key: [D]"),
                 encoding="utf-8")
    out = tmp_path / "bank.xml"
    r = CliRunner().invoke(main, ["export", str(q), "--to", "moodle", "--out", str(out)])
    assert r.exit_code == 1 and not out.exists()
    assert "cannot be exported: key mismatch" in r.stderr and "--trust-key" in r.stderr
    r = CliRunner().invoke(main, ["export", str(q), "--to", "moodle", "--out", str(out),
                                  "--trust-key"])
    assert r.exit_code == 0 and 'fraction="100"' in out.read_text(encoding="utf-8")


def test_an_invalid_file_stops_the_export_with_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\nstem: s\noptions: [{id: A, text: a}]\nbogus: 1\n",
                   encoding="utf-8")
    out = tmp_path / "bank.gift"
    r = CliRunner().invoke(main, ["export", str(bad), "--to", "gift", "--out", str(out)])
    assert r.exit_code == 1 and not out.exists()
    assert f"{bad}:5:" in r.stderr and "Traceback" not in r.output


# --- awkward text survives every format ---------------------------------------------------

AWKWARD = 'Braces {x}, tilde ~, equals =, hash #, colon :, backslash \\, <script>&amp; "q" \'s\''


def test_special_characters_round_trip_through_every_parser(tmp_path):
    """Static options only (no simulation): text with every special character, ids that
    start with a digit, and a blank line in the stem."""
    import json
    doc = {"id": "0-awkward", "title": f"Title: {AWKWARD}", "stem": f"{AWKWARD}\n\nsecond",
           "select": "many", "options": [
               {"id": "1a", "text": f"one {AWKWARD}", "correct": True, "feedback": AWKWARD},
               {"id": "B", "text": "two", "correct": True, "feedback": "ok: {fine}"},
               {"id": "C", "text": "three", "correct": False, "feedback": "no = ~"}],
           "key": ["1a", "B"]}
    path = tmp_path / "awkward.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")      # JSON is YAML
    from quizgrader.question import load_question
    from quizgrader.verify import verify_question
    qv = verify_question(load_question(str(path)), str(path))
    [item] = build_all([qv])
    texts = [o.text for o in item.options]

    moodle_parser = pytest.importorskip("moodle_xml_parser.parser")
    [q] = moodle_parser.parse_bytes(export([qv], "moodle"))["multichoice"]
    # the parser HTML-unescapes the (plain-text) name too
    assert q.name == html.unescape(item.title)
    assert q.text_pre_parse == f"<p>{AWKWARD}</p><p>second</p>"
    assert [o.answer for o in q.options] == [f"<p>{t}</p>" for t in texts]
    assert [o.score_fraction for o in q.options] == [50, 50, -50]

    gift = _giftparser()
    [g] = gift.parseFile(io.StringIO(export([qv], "gift").decode("utf-8")))
    assert g.valid and unescape_gift_plain(g.title) == item.title
    assert [unescape_gift(a.answer) for a in g.answers.answers] == [f"<p>{t}</p>" for t in texts]
    assert [a.fraction for a in g.answers.answers] == [50, 50, -50]
    assert unescape_gift(g.answers.answers[0].feedback) == paras(item.options[0].explanation)

    with zipfile.ZipFile(io.BytesIO(export([qv], "qti"))) as z:
        root = ET.fromstring(z.read("items/0-awkward.xml"))
    assert root.get("identifier") == "q.0-awkward" and root.get("title") == item.title
    assert [c.get("identifier") for c in root.iter(f"{QTI}simpleChoice")] == ["o.1a", "B", "C"]
    assert [c.text for c in root.iter(f"{QTI}simpleChoice")] == texts
    assert [v.text for v in root.iter(f"{QTI}value") if v.text != "0"] == ["o.1a", "B"]

    page = export([qv], "html", plots=False).decode("utf-8")
    assert "<script>" not in page and html.escape(AWKWARD) in page


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "markdown", "html"])
def test_learner_export_from_the_cli_simulates_nothing(verdicts, tmp_path, monkeypatch, fmt):
    from quizgrader.sim import Simulator

    def no_simulation(*args, **kwargs):
        raise AssertionError("a learner export must not simulate")
    monkeypatch.setattr(Simulator, "run", no_simulation)
    out = tmp_path / f"learner.{fmt}"
    r = CliRunner().invoke(main, ["export", QS, "--to", fmt, "--learner", "--out", str(out)])
    assert r.exit_code == 0, r.output
    if fmt in ("markdown", "html"):                 # a handout shows a template's first variant
        firsts = {}
        verdicts = [firsts.setdefault(qv.question.id, qv) for qv in verdicts
                    if qv.question.id not in firsts]
    assert out.read_bytes() == export(verdicts, fmt, learner=True)
