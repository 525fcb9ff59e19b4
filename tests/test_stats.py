"""Item statistics against a direct numpy computation of the formulas, and regrades that name
exactly the learners and the option that moved."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import GRU_ID, QUESTIONS
from hypothesis import example, given, strategies as st

from quizgrader.analysis.itemstats import Scores, groups, test_stats as compute_stats
from quizgrader.cli import main


def direct(x: np.ndarray, rest: np.ndarray) -> tuple[float | None, float | None]:
    """The discrimination index and efficiency straight from numpy's corrcoef and cov."""
    if len(x) < 2:
        return None, None
    c = np.cov(x, rest, ddof=1)
    index = None if c[0, 0] == 0 or c[1, 1] == 0 else 100 * np.corrcoef(x, rest)[0, 1]
    cmax = np.cov(np.sort(x), np.sort(rest), ddof=1)[0, 1]
    return index, (None if cmax <= 0 else 100 * c[0, 1] / cmax)


@st.composite
def classes(draw):
    L = draw(st.integers(1, 25))
    Q = draw(st.integers(1, 4))
    values = st.sampled_from([0.0, 0.5, 1.0, math.nan])
    score = np.array([[draw(values) for _ in range(Q)] for _ in range(L)])
    chosen = np.array([[draw(st.integers(0, 15)) for _ in range(Q)] for _ in range(L)])
    return Scores([f"l{i}" for i in range(L)], [f"q{j}" for j in range(Q)],
                  [list("ABCD")] * Q, [{"A"}] * Q, score, chosen, np.ones(Q))


def close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))


@given(classes())
@example(Scores(["solo"], ["q"], [["A"]], [{"A"}], np.array([[1.0]]), np.array([[1]]),
                np.ones(1)))                                            # one learner
@example(Scores(["a", "b", "c"], ["q", "r"], [["A"]] * 2, [{"A"}] * 2,
                np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 0.5]]), np.ones((3, 2), int),
                np.ones(2)))                                            # q: zero variance
def test_statistics_equal_the_formulas(s):
    t = compute_stats(s)
    totals = np.nansum(s.score, axis=1)
    assert t.learners == len(s.learners) and close(t.mean, float(totals.mean()))
    assert close(t.sd, float(np.std(totals, ddof=1)) if len(totals) > 1 else None)
    for j, it in enumerate(t.items):
        seen = ~np.isnan(s.score[:, j])
        x, rest = s.score[seen, j], totals[seen] - s.score[seen, j]
        assert it.n == int(seen.sum())
        assert close(it.facility, float(x.mean()) if len(x) else None)
        index, efficiency = direct(x, rest)
        assert close(it.discrimination_index, index)
        assert close(it.discriminative_efficiency, efficiency)
        for b, o in enumerate(it.options):
            picked = (s.chosen[seen, j] >> b) & 1
            assert close(o.share, float(picked.mean()) if len(picked) else 0.0)
    full = s.score[~np.isnan(s.score).any(axis=1)]
    Q = s.score.shape[1]
    if Q >= 2 and len(full) >= 2 and np.var(full.sum(axis=1), ddof=1) > 0:
        alpha = Q / (Q - 1) * (1 - np.var(full, axis=0, ddof=1).sum()
                               / np.var(full.sum(axis=1), ddof=1))
        assert close(t.alpha, float(alpha))
    else:
        assert t.alpha is None


def test_cronbach_alpha_of_a_guttman_pattern_is_0_8():
    """Five learners, four 0/1 items in a perfect Guttman pattern: KR-20 = 4/3 (1 − 1/2.5)."""
    score = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
                     float)
    s = Scores([f"l{i}" for i in range(5)], list("wxyz"), [["A"]] * 4, [{"A"}] * 4, score,
               score.astype(int), np.ones(4))
    assert compute_stats(s).alpha == pytest.approx(0.8)


def test_top_and_bottom_groups_are_27_percent_by_rest_score_with_ties_by_name():
    rest = np.array([5, 1, 3, 3, 9, 0, 7, 2, 4, 6, 8])
    names = [f"l{i:02d}" for i in range(11)]
    top, bottom = groups(rest, names)
    assert sorted(top.tolist()) == [4, 6, 10] and sorted(bottom.tolist()) == [1, 5, 7]
    top, bottom = groups(np.array([1, 1, 1, 1]), ["d", "c", "b", "a"])      # all tied
    assert top.tolist() == [0] and bottom.tolist() == [3]


def test_a_wrong_option_the_top_group_prefers_is_flagged():
    # learner scores on item 0 (option A right, B wrong) and a second item for the rest score
    score = np.array([[0, 1], [0, 1], [1, 0], [1, 0]], float)
    chosen = np.array([[2, 1], [2, 1], [1, 1], [1, 1]])          # the strong pick B on item 0
    s = Scores(["a", "b", "c", "d"], ["q", "r"], [["A", "B"], ["A"]], [{"A"}, {"A"}], score,
               chosen, np.ones(2))
    q = compute_stats(s).items[0]
    assert [o.flagged for o in q.options] == [False, True]
    assert q.discrimination_index == pytest.approx(-100)


# --- the commands ---------------------------------------------------------------------------

LSTM = "lstm-if-gates"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "cache"))


def klass(tmp_path) -> Path:
    path = tmp_path / "class.csv"
    rows = [("ann", GRU_ID, "C"), ("ann", LSTM, "A;B"), ("bob", GRU_ID, "A"), ("bob", LSTM, "A;C"),
            ("cy", GRU_ID, "C"), ("cy", LSTM, "A;B;C"), ("dee", GRU_ID, "D"), ("dee", LSTM, "B")]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("learner", "question", "answer"), *rows])
    return path


def bank(tmp_path) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    for q in (GRU_ID, LSTM):
        (folder / f"{q}.yaml").write_text((QUESTIONS / f"{q}.yaml").read_text(
            encoding="utf-8"), encoding="utf-8")
    return folder


def test_stats_of_a_class_graded_by_quizgrader(tmp_path, cache):
    b, src, grades = bank(tmp_path), klass(tmp_path), tmp_path / "grades.csv"
    assert CliRunner().invoke(main, ["grade", str(b), "--responses", str(src), "--out",
                                     str(grades)]).exit_code == 0
    r = CliRunner().invoke(main, ["stats", str(grades), "--bank", str(b), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["learners"] == 4 and {q["id"] for q in data["questions"]} == {GRU_ID, LSTM}
    gru = next(q for q in data["questions"] if q["id"] == GRU_ID)
    assert gru["facility"] == 0.5 and gru["n"] == 4
    assert [o["share"] for o in gru["options"]] == [0.25, 0.0, 0.5, 0.25]
    settings = {m["setting"] for m in data["misconceptions"]}
    assert "GRU, Γu ≈ 1: the gradient is preserved" in settings
    text = CliRunner().invoke(main, ["stats", str(grades)])
    assert text.exit_code == 0 and text.stdout.startswith("4 learners, 2 questions: mean score")


def test_stats_plots_are_svg(tmp_path, cache):
    pytest.importorskip("matplotlib")
    b, src, grades = bank(tmp_path), klass(tmp_path), tmp_path / "grades.csv"
    CliRunner().invoke(main, ["grade", str(b), "--responses", str(src), "--out", str(grades)])
    r = CliRunner().invoke(main, ["stats", str(grades), "--plots", str(tmp_path / "p")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        f"{GRU_ID}.svg", f"{LSTM}.svg", "test.svg"]
    assert (tmp_path / "p" / "test.svg").read_text().lstrip().startswith("<?xml")


def test_a_regrade_names_exactly_the_learners_and_the_option_that_flipped(tmp_path, cache):
    b, src = bank(tmp_path), klass(tmp_path)
    grades, new = tmp_path / "grades.csv", tmp_path / "new.csv"
    assert CliRunner().invoke(main, ["grade", str(b), "--responses", str(src), "--out",
                                     str(grades)]).exit_code == 0
    q = b / f"{LSTM}.yaml"                   # a longer horizon makes C ("explodes") true
    q.write_text(q.read_text(encoding="utf-8")
                 .replace("select: many", "select: many\nhorizon: 300")
                 .replace("if: {forget: 1, update: 1}, gradient: vanishes",
                          "if: {forget: 1, update: 1}, gradient: explodes")
                 .replace("key: [A, B]", "key: [A, B, C]"), encoding="utf-8")
    r = CliRunner().invoke(main, ["regrade", str(b), "--responses", str(src), "--previous",
                                  str(grades), "--out", str(new), "--json",
                                  "--feedback-dir", str(tmp_path / "fb")])
    assert r.exit_code == 0, r.output
    moved = json.loads(r.stdout)["moved"]
    # net-correct: ann (A;B) 1 -> 2/3, bob (A;C) 0 -> 2/3, cy (A;B;C) 1/2 -> 1, dee (B)
    # 1/2 -> 1/3; nobody's GRU answer moves
    assert {m["learner"]: (m["before"], m["after"]) for m in moved} == {
        "ann": (2.0, 1.6667), "bob": (0.0, 0.6667), "cy": (1.5, 2.0), "dee": (0.5, 0.3333)}
    for m in moved:
        [qm] = m["questions"]
        assert qm["question"] == LSTM
        assert qm["reasons"][1:] == ["key A, B before, key A, B, C now",
                                     "option C became right (decided by as-claimed with gain "
                                     "77.3 before; decided by all-pass with gain 242 now)"]
    note = (tmp_path / "fb" / "ann.md").read_text(encoding="utf-8")
    assert "Your score changed because" in note and "option C became right" in note
    assert "changed because" not in (tmp_path / "fb" / "index.csv").read_text()
    header = next(csv.reader(new.open(encoding="utf-8", newline="")))
    assert header[-2:] == ["provenance", "variant"]


def test_a_regrade_with_nothing_changed_moves_nobody(tmp_path, cache):
    b, src = bank(tmp_path), klass(tmp_path)
    grades, new = tmp_path / "grades.csv", tmp_path / "new.csv"
    CliRunner().invoke(main, ["grade", str(b), "--responses", str(src), "--out", str(grades)])
    r = CliRunner().invoke(main, ["regrade", str(b), "--responses", str(src), "--previous",
                                  str(grades), "--out", str(new)])
    assert r.exit_code == 0 and r.stdout == "No score moved (4 learners compared).\n"
