"""The notes a document carries once, not under every option: how to read the numbers, and
the notation note of each cell type in it."""
from __future__ import annotations

from typing import Iterable

from ..question.schema import Question
from ..sim import GATES

NOTATION = {
    "gru": "Notation: in the course's GRU, Γu ≈ 0 keeps the memory (c<t> ≈ c<t−1>) and Γu ≈ 1 "
           "overwrites it; Cho et al. (2014) and PyTorch write z = 1 − Γu, so there z ≈ 1 "
           "keeps it.",
    "lstm": "Notation: in the LSTM, Γf ≈ 1 keeps the memory (c<t> = Γu*c̃<t> + Γf*c<t−1>); "
            "PyTorch calls Γf f and Γu i.",
    "janet": "Notation: JANET is an LSTM with its forget gate only: Γf ≈ 1 keeps the memory, "
             "and it writes with 1 − σ(s − β) (β = 1), or 1 − Γf where Γf is held or removed.",
    "mgu": "Notation: the MGU's one gate Γf does the GRU's Γu and Γr at once; Γf ≈ 0 keeps the "
           "memory, like the course's Γu (Zhou et al. call it f).",
    "indrnn": "Notation: an IndRNN unit feeds back only itself, through one weight u: "
              "c<t> = act(W x<t> + u*c<t−1> + b).",
}

#: The block of Wc that acts on the memory, per cell (the one-step derivatives name it).
BLOCK = {"gru": "Wcc is the part of Wc that multiplies c<t−1>",
         "rnn": "Wcc is the part of Wc that multiplies c<t−1>",
         "lstm": "Wca is the part of Wc that multiplies a<t−1>",
         "janet": "Wcc is the part of Wc that multiplies c<t−1>",
         "mgu": "Wcc is the part of Wc that multiplies c<t−1>"}


def cells(q: Question) -> list[str]:
    """The cell types of a question's models, sorted."""
    return sorted({m.cell for m in q.models.values()})


def _guide(T: str, seeds: str, vanish: float, explode: float, epsilon: float,
           cell_types: list[str]) -> str:
    gated = any(GATES[c] for c in cell_types)
    blocks = sorted({BLOCK[c] for c in cell_types if c in BLOCK})
    out = (f"How to read the numbers: the gain ‖∂c<{T}>/∂c<0>‖ is the size of the gradient "
           f"that flows back over {T} steps (median over {seeds} random cells): below "
           f"{vanish:g} it vanishes, above {explode:g} it explodes, in between it is kept "
           f"(below 1 shrinking, above 1 growing). The per-step factor gain^(1/{T}) is what one "
           f"step multiplies it by.")
    if gated:
        out += (f" A gate ≈ 0 is held at {epsilon:g} (≈ 1 at {1 - epsilon:g}); removing a gate "
                f"fixes it at a constant.")
    return out + (" " + "; ".join(blocks) + "." if blocks else "")


def reading_guide(q: Question) -> str:
    """How to read the numbers of ``q``: what the gain is, its thresholds and its band, the
    per-step factor, what ≈ 0 / ≈ 1 and "removing" a gate mean, and Wc's blocks."""
    s = q.simulation
    return _guide(str(q.horizon), str(s.seeds), s.vanish_below, s.explode_above, s.epsilon,
                  cells(q))


def guides(questions: Iterable[Question]) -> list[str]:
    """The notes of a document of several questions, once each: one reading guide (with T
    for the horizon and the seed counts listed, where the questions differ; one per set of
    thresholds where those differ) and the notation note of every cell type in it."""
    qs = list(questions)
    if len(qs) == 1:
        return [reading_guide(qs[0]), *notation(cells(qs[0]))]
    groups: dict[tuple[float, float, float], list[Question]] = {}
    for q in qs:
        s = q.simulation
        groups.setdefault((s.vanish_below, s.explode_above, s.epsilon), []).append(q)
    out = []
    for (vanish, explode, eps), group in groups.items():
        horizons = sorted({q.horizon for q in group})
        seeds = sorted({q.simulation.seeds for q in group})
        T = str(horizons[0]) if len(horizons) == 1 else "T"
        out.append(_guide(T, " or ".join(map(str, seeds)), vanish, explode, eps,
                          sorted({c for q in group for c in cells(q)})))
    return out + notation(c for q in qs for c in cells(q))


def notation(cell_types: Iterable[str]) -> list[str]:
    """The notation note of each cell type (once each, in a fixed order)."""
    return [NOTATION[c] for c in sorted(set(cell_types)) if c in NOTATION]


def compact_guide(q: Question) -> str:
    """The reading guide in one sentence, for a single graded answer."""
    s = q.simulation
    return (f"Below a gain of {s.vanish_below:g} the gradient vanishes; above "
            f"{s.explode_above:g} it explodes.")
