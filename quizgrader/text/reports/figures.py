"""Words around the gain(t) plots: series labels, alt text and captions."""
from __future__ import annotations

import textwrap


def option_label(option_id: str, configuration: str) -> str:
    """The option's own setting, named whole: 'B: Alice's model (Γu fixed at 1) with Γr ≈ 1'."""
    return f"{option_id}: {configuration}"


def flip_label(configuration: str) -> str:
    """A flipped cited gate: 'instead: Alice's model (Γu fixed at 1) with Γr ≈ 0'."""
    return f"instead: {configuration}"


def deciding_label(configuration: str) -> str:
    """The setting that decided whether the model can learn."""
    return f"deciding setting: {configuration}"


def plot_title(option_id: str, option_text: str, width: int = 70) -> str:
    """The option's own words, wrapped (never a question's id): 'B. Alice's model …'."""
    return textwrap.fill(f"{option_id}. {option_text}", width, max_lines=3,
                         placeholder=" …")


def alt(option_id: str) -> str:
    return f"gain(t) for option {option_id} and its counterfactuals"


def caption(seeds: int, horizon: int) -> str:
    return (f"gain(t) = median over {seeds} random cells of ‖∂c<t>/∂c<0>‖ for "
            f"t = 1..{horizon}, log scale; a curve that leaves the bottom of the plot keeps "
            f"on vanishing (the text gives its value at t = {horizon}).")
