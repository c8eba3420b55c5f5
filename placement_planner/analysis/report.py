"""Every table of a plan at once, sharing one computed context (what the export writes)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from placement_planner.analysis.common import build_context
from placement_planner.analysis.gaps import gaps_table
from placement_planner.analysis.journeys import journeys_table
from placement_planner.analysis.reasons import unplaced_table
from placement_planner.analysis.summary import summary
from placement_planner.analysis.tables import allocation_table, utilisation_table
from placement_planner.domain import Plan, PlanningData


@dataclass
class PlanReport:
    summary: dict
    allocations: pd.DataFrame
    unplaced: pd.DataFrame
    gaps: pd.DataFrame
    utilisation: pd.DataFrame
    journeys: pd.DataFrame | None = None   # the Journeys sheet; None when the demand has no journeys


def plan_report(data: PlanningData, plan: Plan) -> PlanReport:
    ctx = build_context(data, plan)
    return PlanReport(summary=summary(data, plan, ctx), allocations=allocation_table(data, plan, ctx),
                      unplaced=unplaced_table(data, plan, ctx), gaps=gaps_table(data, plan, ctx),
                      utilisation=utilisation_table(data, plan, ctx), journeys=journeys_table(data, plan))
