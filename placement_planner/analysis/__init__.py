"""Explaining a plan: summary figures, allocations, unplaced groups and why, gaps, utilisation.

Every table is computed from the data and the plan's allocations with pandas/numpy; nothing
is taken on trust from the solver except its bound, status and time.
"""

from placement_planner.analysis.common import Context, build_context
from placement_planner.analysis.gaps import GAPS_COLUMNS, gaps_table
from placement_planner.analysis.reasons import UNPLACED_COLUMNS, unplaced_table
from placement_planner.analysis.report import PlanReport, plan_report
from placement_planner.analysis.summary import SUMMARY_KEYS, summary
from placement_planner.analysis.tables import (ALLOCATION_TABLE_COLUMNS, UTILISATION_COLUMNS,
                                               allocation_table, utilisation_table)

__all__ = ["ALLOCATION_TABLE_COLUMNS", "GAPS_COLUMNS", "SUMMARY_KEYS", "UNPLACED_COLUMNS",
           "UTILISATION_COLUMNS", "Context", "PlanReport", "allocation_table", "build_context", "gaps_table", "plan_report",
           "summary", "unplaced_table", "utilisation_table"]
