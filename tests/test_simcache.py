"""The disk cache of simulations: same answers warm or cold, and it can only speed things up."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner
from conftest import GRU

from quizgrader.cli import main
from quizgrader.sim import Hold, Model, Settings, Simulator, diskcache
from quizgrader.sim.diskcache import DiskCache
from quizgrader.sim.kernels import backend

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
    [entry] = list(tmp_path.rglob("*.qgsim"))
    entry.write_bytes(b"not a zip")
    sim, curves = run(DiskCache(tmp_path))
    assert sim.runs == 1 and curves.behaviour == "preserved"


def test_changed_simulation_code_misses_the_old_entries(tmp_path, monkeypatch):
    run(DiskCache(tmp_path))
    monkeypatch.setattr(diskcache, "fingerprint", lambda: "other code")
    assert run(DiskCache(tmp_path))[0].runs == 1


def test_the_fingerprint_covers_every_module_of_the_simulator():
    import quizgrader.sim
    root = Path(quizgrader.sim.__file__).parent
    hashed = {p.relative_to(root).as_posix() for p in diskcache.source_files()}
    assert hashed == {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    assert {"cells/gru.py", "cells/lstm.py", "cells/rnn.py", "gates.py", "propagate.py"} <= hashed


def test_editing_any_simulator_module_changes_the_fingerprint(tmp_path, monkeypatch):
    import shutil

    import quizgrader.sim
    copy = tmp_path / "sim"
    shutil.copytree(Path(quizgrader.sim.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(diskcache, "SOURCES", copy)
    diskcache._sources.cache_clear()
    try:
        before = diskcache.fingerprint()
        with (copy / "cells" / "gru.py").open("a", encoding="utf-8") as f:
            f.write("# an edit\n")
        diskcache._sources.cache_clear()
        assert diskcache.fingerprint() != before
    finally:
        diskcache._sources.cache_clear()


def test_switching_the_backend_changes_the_fingerprint(monkeypatch):
    monkeypatch.setenv("QUIZGRADER_KERNEL", "numpy")
    reference = diskcache.fingerprint()
    monkeypatch.setenv("QUIZGRADER_KERNEL", "auto")
    compiled = diskcache.fingerprint()
    assert (compiled != reference) == (backend() != "numpy")


def test_an_unwritable_cache_is_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    sim, curves = run(DiskCache(blocker / "cache"))     # a path under a regular file
    assert sim.runs == 1 and curves.behaviour == "preserved"


def test_the_cli_uses_the_environment_folder_and_no_cache_skips_it(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "c"))
    first = CliRunner().invoke(main, ["verify", "--json", GRU])
    assert first.exit_code == 0 and list((tmp_path / "c").rglob("*.qgsim"))
    second = CliRunner().invoke(main, ["verify", "--json", GRU])
    assert second.stdout == first.stdout
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path / "d"))
    r = CliRunner().invoke(main, ["verify", "--no-cache", GRU])
    assert r.exit_code == 0 and r.stdout.startswith("c5w1-gru-alice-betty")
    assert not (tmp_path / "d").exists()


def test_a_warm_bank_is_verified_without_worker_processes(tmp_path, monkeypatch):
    """What the disk cache holds whole is verified in this process; only misses go to the
    pool, and the verdicts are the same either way."""
    from quizgrader import api
    from quizgrader.sim import simulator  # cached_first sends the misses
    monkeypatch.setenv("QUIZGRADER_CACHE_DIR", str(tmp_path))
    cold = api.verify([GRU], workers=2)
    sent: list[int] = []
    real = simulator.run_jobs
    monkeypatch.setattr(simulator, "run_jobs",
                        lambda fn, jobs, workers, cost=None, progress=None: sent.append(len(jobs))
                        or real(fn, jobs, workers, cost))
    warm = api.verify([GRU], workers=2)
    assert sent == [0]
    assert [v.computed_key for v in warm.verdicts] == [v.computed_key for v in cold.verdicts]
    assert [[o.gain for o in v.options] for v in warm.verdicts] == \
        [[o.gain for o in v.options] for v in cold.verdicts]
