"""The JSON Schema an author's editor reads (``quizgrader schema``): the format's models with
a description of every field in an author's words (no code references)."""
from __future__ import annotations

from typing import Any

from ...question.schema import Question

#: What each model and field means, for the author writing the YAML.
HELP: dict[str, dict[str, str]] = {
    "Question": {
        "": "One multiple-choice question about recurrent networks, checked by simulation.",
        "id": "A unique id: lower-case letters, digits and dashes (e.g. c5w1-gru-alice-betty).",
        "title": "A short title shown in lists and exports.",
        "stem": "The question as learners read it.",
        "source": "Where the question comes from (course, quiz, paper).",
        "tags": "Free labels for searching and statistics.",
        "select": "one: a single right option; many: select all that apply.",
        "scoring": "For select: many: net-correct (default), all-or-nothing or each-answer.",
        "horizon": "Steps T over which the gradient ∂c<T>/∂c<0> is measured (default 100).",
        "simulation": "How the options are simulated (random cells, thresholds).",
        "models": "The models the options talk about, by name (e.g. alice, betty).",
        "options": "2 to 26 options; each has a claim that is simulated, or correct: true/false "
                   "with feedback.",
        "key": "The author's answer key (option ids); verify compares it with the simulation's.",
    },
    "Simulation": {
        "": "How options are simulated; the defaults suit most questions.",
        "hidden": "Hidden size of the random cells (1-256; default 16).",
        "inputs": "Input size (1-256; default 8).",
        "seeds": "How many random cells; the gain is their median (default 32).",
        "seed": "The random seed (the same seed gives the same numbers).",
        "epsilon": "A gate held ≈ 0 sits at epsilon, ≈ 1 at 1 - epsilon (default 0.001).",
        "vanish_below": "The gradient vanishes when the gain over the horizon is below this "
                        "(default 0.01).",
        "explode_above": "It explodes above this (default 100); between the two it is kept.",
        "fragile_below": "A verdict whose deciding number is closer than this many decades to "
                         "its threshold is reported as fragile (default 0.5); so is one whose "
                         "threshold lies inside the median's 95 % interval over the seeds.",
    },
    "ModelSpec": {
        "": "A model: a cell with some gates removed (fixed at a constant). Its size is set "
            "for the whole question under simulation: {hidden: N}.",
        "cell": "rnn, gru, lstm, janet (forget gate only), mgu (one gate for update and reset) "
                "or indrnn (one recurrent weight per unit, no gates).",
        "fixed": "Gates removed and replaced by a constant in [0, 1], e.g. {update: 1}.",
        "label": "How explanations name the model (e.g. \"Alice's model\").",
        "init": "How the random weights and inputs are drawn: scales, biases, chrono, the "
                "recurrent blocks.",
        "activation": "For rnn: tanh (default), relu or linear; for indrnn: relu (default) "
                      "or tanh.",
        "reset": "For gru: before (the course's, default) or after (PyTorch's) the recurrent "
                 "product.",
    },
    "Init": {
        "": "How the random weights and inputs are drawn.",
        "scale": "Weights are N(0, scale² / (hidden + inputs)) (0-100; default 1).",
        "input_scale": "Inputs are N(0, input_scale²) (0-100; default 1).",
        "bias": "Gate -> b added to its pre-activation at every step, e.g. {forget: 1.0} "
                "(Gers 2000; Jozefowicz 2015).",
        "chrono": "lstm and janet: T_max, a number >= 2; b_f ~ log U(1, T_max - 1) per unit, "
                  "and b_u = -b_f for the LSTM (Tallec & Ollivier 2018); a janet's forget "
                  "bias is added to b_f.",
        "recurrent": "gaussian (default), orthogonal (scale × a random orthogonal matrix) or "
                     "identity (scale × I); with either, inputs blocks are N(0, 1/inputs).",
        "recurrent_range": "indrnn only: [lo, hi], each unit's recurrent weight u ~ U(lo, hi) "
                           "(default [0, 1]).",
    },
    "Option": {
        "": "One answer option.",
        "id": "A letter or short id (A, B, ...).",
        "text": "The option as learners read it.",
        "claim": "What the option says about the gradient, checked by simulation.",
        "correct": "For an option no simulation can decide: true or false (needs feedback).",
        "feedback": "The author's explanation (needed with correct).",
    },
    "Claim": {
        "": "What an option claims. With when: the model works because, when those gates "
            "are ≈ 0/1, the gradient does that (all four checks). With if: in the model, if "
            "those gates are ≈ 0/1 at every step, the gradient does that (checked as a "
            "conditional). With neither: the model does that over long sequences.",
        "model": "The name of one of the question's models.",
        "gradient": "preserved, vanishes or explodes over the horizon.",
        "when": "The gates the reason cites, each ≈ 0 or ≈ 1, e.g. {update: 0}.",
        "if": "The condition of a conditional claim, e.g. {forget: 0}, or free: the cell as "
              "initialised, no gate held.",
    },
}


def _describe(schema: dict[str, Any], help_: dict[str, str]) -> None:
    if "" in help_:
        schema["description"] = help_[""]
    for name, prop in schema.get("properties", {}).items():
        if name in help_:
            prop["description"] = help_[name]


#: ``params`` (format v1.2): a template's parameters (read by quizgrader.variants, not by the
#: Question model, so it is added here).
PARAMS: dict[str, Any] = {
    "type": "object",
    "description": "Makes the file a template of variants: name -> the values it may take "
                   "(a list, or {range: [lo, hi], step: s}). Use them anywhere as "
                   "{{ name }}; a field that is exactly one {{ expression }} keeps its type. "
                   "Deploy with quizgrader variants and commit the lock it writes.",
    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    "additionalProperties": {"anyOf": [
        {"type": "array", "minItems": 1},
        {"type": "object", "required": ["range"], "additionalProperties": False,
         "properties": {"range": {"type": "array", "items": {"type": "number"},
                                  "minItems": 2, "maxItems": 2},
                        "step": {"type": "number", "exclusiveMinimum": 0}}}]},
}


def author_schema() -> dict[str, Any]:
    """The JSON Schema of the question format, described for authors."""
    out = Question.model_json_schema(by_alias=True)
    out["properties"]["params"] = PARAMS
    _describe(out, HELP["Question"])
    for name, sub in out.get("$defs", {}).items():
        _describe(sub, HELP.get(name, {}))
        if name not in HELP:
            sub.pop("description", None)
    return out
