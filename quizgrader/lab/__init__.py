"""The gate lab (lab.md): move a gate of a question's model, watch ‖∂c<t>/∂c<0>‖.

For one question: each model's free gates held at a value of a grid (or free), the gain and
reach over t on the question's own random cells, and the sentence that says what they show in
the explanations' words. Served by the service (``/lab/{id}``, ``/api/lab/{id}``) after the
learner answered, and embedded with a precomputed grid in offline HTML handouts. Never a key
or a verdict. Imports downward only (sim, question, text, verify).
"""
from .curves import LabSimulator
from .grid import GRID, LabError, Setting, parse

__all__ = ["GRID", "LabError", "LabSimulator", "Setting", "parse"]
