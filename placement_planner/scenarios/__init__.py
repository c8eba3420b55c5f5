"""What-if scenarios (contract v2): the `Scenarios` sheet, scenario data, re-planning and comparison.

Qt-free. ``read_scenarios`` checks the sheet at load; ``apply_changes`` builds a scenario's
data from the baseline; ``plan_scenario`` re-plans it from the previous plan; ``compare``
plans the baseline and every scenario.
"""

from placement_planner.scenarios.apply import Applied, ScenarioError, apply_changes
from placement_planner.scenarios.changes import (KINDS, SHEET_COLUMNS, Change, ScenarioBook, changes_frame,
                                                 check_changes, find_scenario, read_scenarios)
from placement_planner.scenarios.moves import MOVES_COLUMNS, learners_moved, moves_table

__all__ = ["Applied", "Change", "KINDS", "MOVES_COLUMNS", "SHEET_COLUMNS", "ScenarioBook", "ScenarioError",
           "apply_changes", "changes_frame", "check_changes", "find_scenario", "learners_moved", "moves_table",
           "read_scenarios"]
