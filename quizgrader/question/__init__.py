"""Questions in YAML: the format v1 (pydantic models), the line-aware loader and the bank."""
from .bank import Bank, load_bank, load_question
from .schema import Claim, ModelSpec, Option, Question

__all__ = ["Bank", "load_bank", "load_question", "Claim", "ModelSpec", "Option", "Question"]
