"""The notes a document carries once, not under every option: how to read the numbers, and
the notation note of each cell type in it."""
from __future__ import annotations

from typing import Iterable

from ..question.schema import Question
from ..sim import GATES
from .numbers import TINY, plain

NOTATION = {
    "gru": "Notation: in the course's GRU, c<t> = Γu*c̃<t> + (1 − Γu)*c<t−1> with c̃<t> = "
           "tanh(Wc[Γr*c<t−1>, x<t>] + bc), so Γu ≈ 0 keeps the memory (c<t> ≈ c<t−1>) and "
           "Γu ≈ 1 overwrites it; treating a held Γu as a constant, ∂c<t>/∂c<t−1> ≈ (1 − Γu) + "
           "Γu*∂c̃<t>/∂c<t−1>, the copy plus the write, and Γr acts only in the write; Cho et al. "
           "(2014) and PyTorch write z = 1 − Γu, so there z ≈ 1 keeps it (if you learned "
           "that 1 keeps the memory, you learned z).",
    "lstm": "Notation: in the LSTM, c<t> = Γu*c̃<t> + Γf*c<t−1> with c̃<t> = tanh(Wc[a<t−1>, "
            "x<t>] + bc) and a<t> = Γo*tanh(c<t>): Γf ≈ 1 carries the memory over whole, and "
            "what each step adds (Γu*c̃<t>, which reads the memory through a<t−1>, so through "
            "Γo) comes on top of that: treating the gates as constants, ∂c<t>/∂c<t−1> "
            "≈ Γf + Γu*∂c̃<t>/∂c<t−1>, the copy plus the write (a held gate's own slope adds a "
            "little, a free gate's adds a term of its own). The LSTM splits the GRU's Γu in two: "
            "Γf keeps (as the GRU's 1 − Γu does) and Γu only writes, so Γu = 1 there means "
            "'write at full strength', and Γf decides whether that write goes on top of the old "
            "memory (Γf ≈ 1) or replaces it (Γf ≈ 0). PyTorch calls Γf f and Γu i.",
    "janet": "Notation: JANET is an LSTM with its forget gate only: Γf ≈ 1 keeps the memory, "
             "and it writes with 1 − σ(s − β) (β = 1), or 1 − Γf where Γf is held or removed.",
    "mgu": "Notation: the MGU's one gate Γf does the GRU's Γu and Γr at once; Γf ≈ 0 keeps the "
           "memory, like the course's Γu and unlike the LSTM's Γf (Zhou et al. call it f); "
           "treating a held Γf as a constant, ∂c<t>/∂c<t−1> ≈ (1 − Γf) + Γf*∂c̃<t>/∂c<t−1>, "
           "the copy plus the write (Γf's own slope adds a little), and with Γf ≈ 0 the write "
           "does not read the memory either.",
    "rnn": "Notation: a plain RNN's memory c<t> is its hidden state (a<t> in the course's "
           "notation for the RNN).",
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


def _scales(qs: Iterable[Question]) -> str:
    scales = sorted({m.init.scale for q in qs for m in q.models.values()})
    return " or ".join(f"{v:g}" for v in scales)


def _guide(T: str, seeds: str, vanish: float, explode: float, epsilon: float,
           cell_types: list[str], scale: str, hidden: str, inputs: str) -> str:
    gated = any(GATES[c] for c in cell_types)
    keep = 1 - epsilon
    out = (f"How to read the numbers: the gain is how strongly a small change to the memory "
           f"at step 0 still moves the memory at step {T}, in the direction it moves most "
           f"(‖∂c<{T}>/∂c<0>‖, the spectral norm; the median over {seeds} random cells, each "
           f"of {hidden} units reading {inputs} random inputs from a random starting memory, "
           f"with weights of standard deviation {scale}/√(units + inputs) and biases 0 unless "
           f"the model says otherwise; larger weights can make an overwriting cell explode "
           f"instead). Below {vanish:g} the gradient vanishes, above {explode:g} it explodes, "
           f"in between it is kept; below {TINY:g} it is essentially zero. The per-step "
           f"factor is gain^(1/{T}), the average rate per step over the {T} steps (one step "
           f"on its own can keep more or less).")
    if gated:
        power = f"{keep:g}^{T} = {plain(keep ** int(T))}" if T.isdigit() else \
            f"{keep:g} per step"
        out += (f" A removed gate is fixed by the model at exactly its value; a held gate is "
                f"pushed by the experiment to {epsilon:g} (≈ 0) or {keep:g} (≈ 1) at every "
                f"step, by a large constant added inside its σ, so it depends only slightly "
                f"on the memory; a free gate is computed by the cell. So a step that copies "
                f"the memory through a held gate keeps {keep:g} of it ({power}), through a "
                f"gate removed at its copying value all of it; the gain measured can differ "
                f"from that, because what each step writes, and every gate (a held one "
                f"slightly), also depend on the old memory. A normal write is ‖∂c<1>/∂x<1>‖, "
                f"how strongly one step of the option's model, with all its gates free, writes "
                f"its input into the memory; “k× a normal write at step {T}” means the first "
                f"input still moves the memory k times that strongly at step {T} (a gate held "
                f"so as to write makes the step write more strongly than a free one, which is "
                f"often near 0.5, so k can exceed 1).")
    return out


def _symbols(cell_types: list[str]) -> str:
    blocks = sorted({BLOCK[c] for c in cell_types if c in BLOCK})
    return "; ".join(blocks) + "." if blocks else ""


def reading_guide(q: Question, symbols: bool = False) -> str:
    """How to read the numbers of ``q``: what the gain is in plain words, its thresholds,
    the per-step factor, what ≈ 0 / ≈ 1, "removed" and a normal write mean, the weights'
    scale; ``symbols`` (the full level): the blocks of Wc its formulas name."""
    s = q.simulation
    out = _guide(str(q.horizon), str(s.seeds), s.vanish_below, s.explode_above, s.epsilon,
                 cells(q), _scales([q]), str(s.hidden), str(s.inputs))
    extra = _symbols(cells(q)) if symbols else ""
    return f"{out} {extra}".rstrip()


def guides(questions: Iterable[Question], symbols: bool = False) -> list[str]:
    """The notes of questions that simulate (see :func:`_guides`); none for questions whose
    options the authors decide alone."""
    return _guides([q for q in questions if q.models], symbols)


def _guides(questions: Iterable[Question], symbols: bool = False) -> list[str]:
    """The notes of a document of several questions, once each: one reading guide (with T
    for the horizon and the seed counts listed, where the questions differ; one per set of
    thresholds where those differ) and the notation note of every cell type in it."""
    qs = list(questions)
    if len(qs) == 1:
        return [reading_guide(qs[0], symbols), *notation(cells(qs[0]))]
    groups: dict[tuple[float, float, float], list[Question]] = {}
    for q in qs:
        s = q.simulation
        groups.setdefault((s.vanish_below, s.explode_above, s.epsilon), []).append(q)
    out = []
    for (vanish, explode, eps), group in groups.items():
        horizons = sorted({q.horizon for q in group})
        seeds = sorted({q.simulation.seeds for q in group})
        T = str(horizons[0]) if len(horizons) == 1 else "T"
        types = sorted({c for q in group for c in cells(q)})
        hidden = " or ".join(map(str, sorted({q.simulation.hidden for q in group})))
        inputs = " or ".join(map(str, sorted({q.simulation.inputs for q in group})))
        text = _guide(T, " or ".join(map(str, seeds)), vanish, explode, eps, types,
                      _scales(group), hidden, inputs)
        out.append(f"{text} {_symbols(types)}".rstrip() if symbols else text)
    return out + notation(c for q in qs for c in cells(q))


def notation(cell_types: Iterable[str]) -> list[str]:
    """The notation note of each cell type (once each, in a fixed order)."""
    return [NOTATION[c] for c in sorted(set(cell_types)) if c in NOTATION]


def compact_guide(q: Question) -> str:
    """The reading guide in two sentences, for one line of feedback."""
    s = q.simulation
    return (f"The gain is how much of a small change to the memory at step 0 still reaches "
            f"step {q.horizon}. Below {s.vanish_below:g} the gradient vanishes, above "
            f"{s.explode_above:g} it explodes.")
