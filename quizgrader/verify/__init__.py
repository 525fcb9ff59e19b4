"""Verification: the checks that decide each option, their typed results, the key policy."""
from .checks import flipped, verify_option, verify_question
from .keys import KeyChoice, KeySource, choose_key
from .results import (
                      Check,
                      Decision,
                      Delivery,
                      Flip,
                      OptionVerdict,
                      QuestionVerdict,
                      Status,
                      Unreachable,
)

__all__ = ["Check", "Decision", "Delivery", "Flip", "KeyChoice", "KeySource", "OptionVerdict",
           "QuestionVerdict", "Status", "Unreachable", "choose_key", "flipped", "verify_option",
           "verify_question"]
