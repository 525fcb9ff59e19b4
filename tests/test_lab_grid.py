"""The gate lab's settings and numbers without a browser: holds at any value, the grid, the
sentence in the explanations' words, the offline grid's size."""
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import GRU_FILE, QUESTIONS

from quizgrader.cli import main
from quizgrader.jobs.verifying import verify
from quizgrader.lab import LabError, LabSimulator, parse
from quizgrader.lab.grid import from_config, grid
from quizgrader.lab.offline import grid_data
from quizgrader.lab.view import describe, view
from quizgrader.lab.words import sentence
from quizgrader.question.bank import load_question
from quizgrader.sim.gates import hold_shift, sigmoid
from quizgrader.text.numbers import plain
from quizgrader.text.reasons import claim_config


@pytest.fixture(scope="module")
def gru():
    return verify([GRU_FILE], cache=True).verdicts[0]


def simulated(*args: str) -> list[float]:
    run = CliRunner().invoke(main, ["simulate", "--cell", "gru", "--json", *args])
    assert run.exit_code == 0, run.output
    return json.loads(run.output)["gain"]


@pytest.mark.parametrize("v", [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999])
def test_a_gate_held_at_v_sits_at_v_where_its_pre_activation_is_zero(v):
    assert sigmoid(np.array([hold_shift(v, 0.001)]))[0] == pytest.approx(v, rel=1e-12)


def test_held_at_one_minus_epsilon_is_the_verifiers_hold_at_one():
    assert simulated("--fix", "reset=1", "--hold", "update=0.999") == \
        simulated("--fix", "reset=1", "--hold", "update=1")
    assert simulated("--fix", "reset=1", "--hold", "update=0.9")[-1] != \
        simulated("--fix", "reset=1", "--hold", "update=1")[-1]


def test_a_request_off_the_grid_or_for_a_fixed_gate_is_refused_with_the_allowed_values(gru):
    q = gru.question
    with pytest.raises(LabError, match=r"update=0.3: not on the grid \(choose from free, "
                                       r"0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999\)"):
        parse(q, {"model": "betty", "update": "0.3"})
    with pytest.raises(LabError, match="reset: is fixed by this model"):
        parse(q, {"model": "betty", "reset": "0.5"})
    with pytest.raises(LabError, match=r"'carol' is not a model of this question "
                                       r"\(choose from alice, betty\)"):
        parse(q, {"model": "carol"})
    assert parse(q, {"model": "betty"}).values == (("update", None),)


def test_every_options_setting_gives_the_verifiers_number_and_sentence(gru):
    q, lab = gru.question, LabSimulator()
    for v in gru.options:
        s = from_config(claim_config(q, v), q.simulation.epsilon)
        c = lab.run_many(q.models[s.model].model(), [s.scenario(q.simulation.epsilon)],
                         q.horizon, q.simulation.settings())[0]
        assert c.final == v.curves.final
        said = sentence(q, s, c)
        assert said.startswith("In " + ("Alice's" if s.model == "alice" else "Betty's"))
    got = view(q, parse(q, {"model": "betty", "update": "0.9"}),
               lab.run_many(q.models["betty"].model(),
                            [parse(q, {"model": "betty", "update": "0.9"}).scenario(0.001)],
                            q.horizon, q.simulation.settings())[0])
    assert got["sentence"].startswith("In Betty's model (Γr fixed at 1) with Γu held at 0.9, "
                                      "where c<t> ≈ 0.9*c̃<t> + 0.1*c<t−1>, the gradient (the "
                                      "solid curve) vanishes over 100 steps")
    assert got["gain"][-1] == simulated("--fix", "reset=1", "--hold", "update=0.9")[-1]


def test_the_offline_grid_is_free_near_zero_one_half_and_near_one_for_every_gate(gru):
    lstm = load_question(QUESTIONS / "lstm-forget-bias.yaml")
    assert grid(0.001, offline=True) == (0.001, 0.5, 0.999)
    assert grid(0.05) == (0.001, 0.01, 0.05, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999)
    assert grid(0.05, offline=True) == (0.001, 0.05, 0.5, 0.95, 0.999)
    for q in (gru.question, lstm):
        desc = describe(q, None, offline=True)
        assert all(m["values"] == ["free", "0.001", "0.5", "0.999"] for m in desc["models"])


def test_the_offline_grid_keeps_every_setting_at_few_steps(gru):
    q = gru.question
    data = grid_data(q, LabSimulator())
    assert len(data["settings"]) == 2 * 4 and len(data["t"]) <= 100    # free + OFFLINE
    assert "betty|update=0.5" in data["settings"] and "betty|update=0.9" not in data["settings"]
    assert {1, 10, 50, 100} <= set(data["t"]) and data["t"] == sorted(data["t"])
    assert max(b - a for a, b in zip(data["t"], data["t"][1:])) <= 15   # the axis is linear
    kept = data["settings"]["betty|update=0.001"]
    assert math.isclose(10 ** kept["lg"][-1], gru.options[2].curves.final, rel_tol=1e-2)
    assert kept["table"][-1] == [100, "1.0"]


def test_the_slider_at_one_half_is_simulated_and_said_as_free(gru):
    q = gru.question
    half, free = parse(q, {"model": "betty", "update": "0.5"}), parse(q, {"model": "betty"})
    assert half.scenario(0.001) == free.scenario(0.001) == ()
    c = LabSimulator().run_many(q.models["betty"].model(), [()], q.horizon,
                                q.simulation.settings())[0]
    said = sentence(q, half, c)
    assert "with Γu free," in said and "held at 0.5" not in said
    assert said.endswith("The Γu slider at 0.5 adds no shift, so Γu is left free (Γu is near "
                         "0.5 at initialisation).")
    assert "slider" not in sentence(q, free, c)


def test_the_sentence_adds_the_reach_where_the_kept_gain_writes_nothing(gru):
    q = gru.question
    keep = parse(q, {"model": "betty", "update": "0.001"})
    c = LabSimulator().run_many(q.models["betty"].model(), [keep.scenario(0.001)], q.horizon,
                                q.simulation.settings())[0]
    assert c.behaviour == "preserved" and c.reach[-1] < q.simulation.vanish_below
    assert f"the reach (the dashed curve) at t = 100 is only {plain(float(c.reach[-1]))}" \
        in sentence(q, keep, c)


def test_the_sentence_gives_the_update_the_fixed_and_held_gates_leave(gru):
    q = gru.question
    said = {}
    for query in ({"model": "alice"}, {"model": "alice", "reset": "0.999"},
                  {"model": "betty", "update": "0.001"}, {"model": "betty"}):
        s = parse(q, query)
        c = LabSimulator().run_many(q.models[s.model].model(), [s.scenario(0.001)], q.horizon,
                                    q.simulation.settings())[0]
        said[tuple(query.values())] = sentence(q, s, c)
    assert ", where c<t> = c̃<t>, " in said[("alice",)]          # Γr does not enter it
    assert ", where c<t> = c̃<t>, " in said[("alice", "0.999")]
    assert ", where c<t> ≈ 0.001*c̃<t> + 0.999*c<t−1>, " in said[("betty", "0.001")]
    assert "where" not in said[("betty",)]                       # the cell's own update


def test_each_model_says_its_update_and_which_held_gates_copy_or_overwrite(gru):
    from quizgrader.lab.words import update_words
    q, lstm = gru.question, load_question(QUESTIONS / "lstm-forget-bias.yaml")
    assert update_words(q.models["alice"]).endswith(
        "c<t> = c̃<t>: every step replaces the memory with the candidate, which reads the old "
        "memory only inside c̃<t> = tanh(Wc[Γr*c<t−1>, x<t>] + bc).")
    assert update_words(q.models["betty"]).endswith(
        "c<t> = Γu*c̃<t> + (1 − Γu)*c<t−1>. Γu ≈ 0 copies the memory (c<t> = c<t−1>); Γu ≈ 1 "
        "replaces it with the candidate (c<t> = c̃<t>), which reads the old memory only inside "
        "c̃<t> = tanh(Wc[c<t−1>, x<t>] + bc).")
    assert "Γu ≈ 0 with Γf ≈ 1 copies the memory" in update_words(lstm.models["plain"])
    assert update_words(lstm.models["plain"]).endswith(
        "inside c̃<t> = tanh(Wc[a<t−1>, x<t>] + bc), through a<t−1> = Γo*tanh(c<t−1>).")
    assert [m["memory"] for m in describe(q, None)["models"]] == \
        [update_words(q.models[m]) for m in q.models]
