"""Verification: the checks that decide each option, their typed results and margins, robust
keys, and the one key policy."""
from .checks import flipped, verify_option, verify_question
from .keys import KeyChoice, KeySource, choose_key
from .margins import Margin, Quantity
from .results import (
                      Check,
                      CheckResult,
                      Decision,
                      Delivery,
                      Finding,
                      FindingKind,
                      Flip,
                      OptionVerdict,
                      QuestionVerdict,
                      Robustness,
                      Status,
                      Tried,
                      Unreachable,
                      Variation,
)
from .robust import verify_robust

__all__ = ["Check", "CheckResult", "Decision", "Delivery", "Finding", "FindingKind", "Flip",
           "KeyChoice", "KeySource", "Margin", "OptionVerdict", "Quantity", "QuestionVerdict",
           "Robustness", "Status", "Tried", "Unreachable", "Variation", "choose_key", "flipped",
           "verify_option", "verify_question", "verify_robust"]
