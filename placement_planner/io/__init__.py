"""Reading and writing workbooks: import with lazy validation, export of plans."""

from placement_planner.io.check import validate_planning_data
from placement_planner.io.load import LoadResult, load_workbooks
from placement_planner.io.problems import Problem, ProblemList, Severity, WorkbookError

__all__ = ["LoadResult", "load_workbooks", "validate_planning_data", "Problem", "ProblemList", "Severity", "WorkbookError"]
