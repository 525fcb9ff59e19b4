"""Numbers only: the cells, their exact Jacobians over time, scenarios and the simulator.

Nothing here knows about questions, verdicts or words. Every module of this folder is
fingerprinted by the disk cache, so changing any of them misses every stored simulation.
"""
from .gates import CELLS, GATES, Hold
from .model import BEHAVIOURS, DEFAULT_STEPS, Behaviour, Curves, Model, Settings, classify
from .scenarios import Scenario, all_scenarios, free_gates, write_then_hold
from .simulate import simulate
from .simulator import Simulator

__all__ = ["BEHAVIOURS", "CELLS", "DEFAULT_STEPS", "GATES", "Behaviour", "Curves", "Hold",
           "Model", "Scenario", "Settings", "Simulator", "all_scenarios", "classify",
           "free_gates", "simulate", "write_then_hold"]
