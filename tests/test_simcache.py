"""The disk cache of simulations: same answers warm or cold, and it can only speed things up."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from quizgrader import simcache
from quizgrader.cli import main
from quizgrader.scenarios import Simulator
from quizgrader.simcache import DiskCache
from quizgrader.simulate import Model, Settings

from quizgrader.gates import Hold

GRU = str(Path(__file__).parent.parent / "questions" / "c5w1-gru-alice-betty.yaml")
MODEL = Model("gru", {"reset": 1.0})
SETTINGS = Settings(seeds=4)


def run(store: DiskCache | None, full: bool = False):
    sim = Simulator(store)
    return sim, sim.run(MODEL, (Hold("update", 0),), 30, SETTINGS, full=full)


def test_a_warm_run_simulates_nothing_and_returns_the_same_numbers(tmp_path):
    sim1, cold = run(DiskCache(tmp_path))
    sim2, warm = run(DiskCache(tmp_path))
    assert sim1.runs == 1 and sim2.runs == 0 and sim2.store.hits == 1
    np.testing.assert_array_equal(cold.gain, warm.gain)
    np.testing.assert_array_equal(cold.reach, warm.reach)
    assert cold.behaviour == warm.behaviour


def test_a_full_run_serves_an_endpoints_request_but_not_the_reverse(tmp_path):
    run(DiskCache(tmp_path), full=True)
    assert run(DiskCache(tmp_path), full=False)[0].runs == 0
    other = tmp_path / "other"
    run(DiskCache(other), full=False)
    sim, full = run(DiskCache(other), full=True)
    assert sim.runs == 1 and np.isfinite(full.gain).all()


def test_a_corrupt_entry_is_recomputed(tmp_path):
    run(DiskCache(tmp_path))
    [entry] = list(tmp_path.rglob("*.npz"))
    entry.write_bytes(b"not a zip")
    sim, curves = run(DiskCache(tmp_path))
    assert sim.runs == 1 and curves.behaviour == "preserved"


def test_changed_simulation_code_misses_the_old_entries(tmp_path, monkeypatch):
    run(DiskCache(tmp_path))
    monkeypatch.setattr(simcache, "fingerprint", lambda: "other code")
    assert run(DiskCache(tmp_path))[0].runs == 1


def test_the_fingerprint_covers_the_cell_equations():
    root = Path(simcache.__file__).parent
    files = {p.relative_to(root).as_posix() for name in simcache.SOURCES
             for p in ((root / name).rglob("*.py") if (root / name).is_dir() else [root / name])}
    assert {"cells/gru.py", "cells/lstm.py", "cells/rnn.py", "gates.py", "simulate.py"} <= files


def test_an_unwritable_cache_is_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    sim, curves = run(DiskCache(blocker / "cache"))     # a path under a regular file
    assert sim.runs == 1 and curves.behaviour == "preserved"


def test_the_cli_uses_the_environment_folder_and_no_cache_skips_it(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "c"))
    first = CliRunner().invoke(main, ["verify", "--json", GRU])
    assert first.exit_code == 0 and list((tmp_path / "c").rglob("*.npz"))
    second = CliRunner().invoke(main, ["verify", "--json", GRU])
    assert second.stdout == first.stdout
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "d"))
    CliRunner().invoke(main, ["verify", "--no-cache", GRU])
    assert not (tmp_path / "d").exists()
    assert os.environ["QUIZGRADER_CACHE_DIR"].endswith("d")
