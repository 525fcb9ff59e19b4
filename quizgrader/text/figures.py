"""Words around the gain(t) plots: series labels, alt text and captions."""
from __future__ import annotations

from ..sim import Scenario
from . import gates


def option_label(option_id: str, model_label: str, scenario: Scenario) -> str:
    return f"{option_id}: {model_label}, {gates.scenario(scenario)}"


def flip_label(pairs: tuple[tuple[str, int], ...]) -> str:
    return f"counterfactual: {gates.approx_all(pairs)}"


def deciding_label(scenario: Scenario) -> str:
    return f"deciding setting: {gates.scenario(scenario)}"


def plot_title(question_id: str, option_id: str) -> str:
    return f"{question_id}, option {option_id}"


def alt(option_id: str) -> str:
    return f"gain(t) for option {option_id} and its counterfactuals"


def caption(seeds: int, horizon: int) -> str:
    return (f"gain(t) = median over {seeds} random cells of ‖∂c<t>/∂c<0>‖ for "
            f"t = 1..{horizon}, log scale; a curve that leaves the bottom of the plot keeps "
            f"on vanishing (the text gives its value at t = {horizon}).")
