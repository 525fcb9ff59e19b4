"""The equations a model reduces to once its fixed gates are substituted (for explanations).

Purely descriptive text: verdicts never read it.
"""
from __future__ import annotations

from typing import Mapping

from ..question.schema import ModelSpec


def _num(v: float) -> str:
    return f"{v:g}"


def _times(coef: str | None, term: str) -> str | None:
    """coef*term with 1·x = x and 0·x dropped (coef None means the gate symbol is kept)."""
    if coef == "0":
        return None
    return term if coef == "1" else f"{coef}*{term}"


def _sum(*terms: str | None) -> str:
    kept = [t for t in terms if t is not None]
    return " + ".join(kept) if kept else "0"


def reduced(spec: ModelSpec) -> list[str]:
    """The model's update equations with its fixed gates put in, e.g. Alice's GRU with Γu = 1:
    ['c<t> = c̃<t> = tanh(Wc[Γr*c<t−1>, x<t>] + bc)']."""
    f = spec.fixed
    def sym(gate: str, name: str) -> str:
        return _num(f[gate]) if gate in f else name

    if spec.cell == "rnn":
        act = spec.model().activation
        inner = "Wc[c<t−1>, x<t>] + bc"
        return [f"c<t> = {inner}" if act == "linear" else f"c<t> = {act}({inner})"]
    if spec.cell == "gru":
        gr, gu = sym("reset", "Γr"), sym("update", "Γu")
        if (spec.reset or "before") == "before":
            rc = _times(gr, "c<t−1>") or "0"
            cand = f"tanh(Wc[{rc}, x<t>] + bc)"
        else:
            cand = f"tanh({_sum('Wc x<t> + bc', _times(gr, '(Uc c<t−1> + b′)'))})"
        keep = "1" if gu == "0" else "0" if gu == "1" else \
            (_num(1 - f["update"]) if "update" in f else "(1 − Γu)")
        c = _sum(_times(gu, "c̃<t>"), _times(keep, "c<t−1>"))
        if c == "c̃<t>":
            return [f"c<t> = c̃<t> = {cand}"]
        if c == "c<t−1>":
            return ["c<t> = c<t−1> (the memory never changes; c̃<t> is never used)"]
        return [f"c̃<t> = {cand}", f"c<t> = {c}"]
    if spec.cell == "indrnn":
        act = spec.model().activation
        return [f"c<t> = {act}(Wc x<t> + u*c<t−1> + bc)"]
    if spec.cell == "janet":
        gf = sym("forget", "Γf")
        write = "(1 − σ(s − β))" if gf == "Γf" else _num(1 - f["forget"])
        head = ["s = Wf[c<t−1>, x<t>] + bf, Γf = σ(s)"] if gf == "Γf" else []
        return head + ["c̃<t> = tanh(Wc[c<t−1>, x<t>] + bc)",
                       f"c<t> = {_sum(_times(gf, 'c<t−1>'), _times(write, 'c̃<t>'))}"]
    if spec.cell == "mgu":
        gf = sym("forget", "Γf")
        keep = "(1 − Γf)" if gf == "Γf" else _num(1 - f["forget"])
        rc = _times(gf, "c<t−1>") or "0"
        c = _sum(_times(keep, "c<t−1>"), _times(gf, "c̃<t>"))
        if c == "c<t−1>":
            return ["c<t> = c<t−1> (the memory never changes; c̃<t> is never used)"]
        return [f"c̃<t> = tanh(Wc[{rc}, x<t>] + bc)", f"c<t> = {c}"]
    gu, gf, go = sym("update", "Γu"), sym("forget", "Γf"), sym("output", "Γo")
    return ["c̃<t> = tanh(Wc[a<t−1>, x<t>] + bc)",
            f"c<t> = {_sum(_times(gu, 'c̃<t>'), _times(gf, 'c<t−1>'))}",
            f"a<t> = {_times(go, 'tanh(c<t>)') or '0'}"]


def update(spec: ModelSpec, values: Mapping[str, float]) -> str:
    """The memory's update with ``values`` put in for those gates as well as the model's
    fixed ones: 'c<t> = c̃<t>' (a GRU with Γu = 1), 'c<t> = Γu*c̃<t>' (an LSTM with Γf = 0),
    'c<t> = c<t−1>'; '' for a cell without gates."""
    fixed = {**spec.fixed, **{g: float(v) for g, v in values.items()}}
    line = next((e for e in reduced(spec.model_copy(update={"fixed": fixed}))
                 if e.startswith("c<t> = ")), "")
    line = line.split(" (the ", 1)[0]                 # a note, not the (1 − Γu) factor
    parts = line.split(" = ")
    return " = ".join(parts[:2])
