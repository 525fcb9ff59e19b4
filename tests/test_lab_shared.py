"""The handout's lab and verification share their simulations (quizgrader/lab/batch.py): the
lab's grid, run first on the verifier's simulator, hands it the endpoints runs of its
scenarios, so the verification after it runs none of them again, with the same bits."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from quizgrader.lab.batch import verify_with_grids
from quizgrader.lab.curves import LabSimulator
from quizgrader.lab.offline import grid_data
from quizgrader.question import load_question
from quizgrader.sim import Simulator
from quizgrader.sim.diskcache import DiskCache
from quizgrader.verify import verify_question

GRU = Path(__file__).parent.parent / "questions" / "c5w1-gru-alice-betty.yaml"


@pytest.mark.parametrize("kernel", ["numpy", "numba"])
def test_verifying_after_the_lab_reruns_none_of_its_scenarios_and_gives_the_same_verdict(
        kernel, monkeypatch):
    if kernel == "numba":
        pytest.importorskip("numba")
    monkeypatch.setenv("QUIZGRADER_KERNEL", kernel)     # compiled: each track's own norms
    for path in (GRU,):
        q = load_question(path)
        alone = Simulator()
        before = verify_question(q, str(path), alone)
        shared = Simulator()
        lab = LabSimulator(shared=shared)
        data = grid_data(q, lab)
        after = verify_question(q, str(path), shared)
        assert pickle.dumps(after) == pickle.dumps(before)
        assert data == grid_data(q, LabSimulator())
        assert shared.runs < alone.runs       # the scenarios the lab ran were not run again


def test_verdicts_and_grids_together_are_the_same_from_no_cache_a_filling_and_a_warm_one(
        tmp_path):
    qs = [(str(GRU), load_question(GRU))]
    cold = verify_with_grids(qs, None, 1)
    fill = verify_with_grids(qs, DiskCache(tmp_path), 1)
    warm = verify_with_grids(qs, DiskCache(tmp_path), 1)
    assert pickle.dumps(cold) == pickle.dumps(fill) == pickle.dumps(warm)
    assert cold[1][0] == grid_data(qs[0][1], LabSimulator())
