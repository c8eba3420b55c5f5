"""The headline figures of a plan, recomputed from the data and the allocations themselves."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context, keys, text
from placement_planner.analysis.journeys import has_journeys
from placement_planner.domain import Plan, PlanningData, Tier

SUMMARY_KEYS = ["learners_requested", "learners_placed", "weighted_placed", "bound", "gap",
                "min_group_fill", "kept_from_previous", "preferred_placed", "learner_km",
                "status", "solve_seconds"]


def summary(data: PlanningData, plan: Plan, ctx: Context | None = None) -> dict:
    """The contract's Summary figures. ``bound``, ``status`` and ``solve_seconds`` come from
    the solver; the tier figures from the solver's one function for them (solver/score.py),
    counted from the allocations; the fair share is the solver's own where it reported one
    (it leaves out groups that cannot be placed at all)."""
    from placement_planner.solver.score import tier_values

    ctx = ctx or build_context(data, plan)
    alloc = ctx.alloc
    learners = alloc["learners"].to_numpy(dtype=np.int64)[alloc["d"].to_numpy() >= 0]
    figures = tier_values(data, plan.allocations, journeys=plan.journeys)
    weighted = figures["placed"]
    min_fill = float(plan.tier_values.get("fair_share", figures["fair_share"]))

    bound = float(plan.bound) if plan.bound is not None else math.nan
    if math.isfinite(bound) and bound > 0:
        gap = max(0.0, (bound - weighted) / bound)
    elif math.isfinite(bound):
        gap = 0.0
    else:
        gap = math.nan

    status = getattr(plan.status, "value", str(plan.status))
    out = {
        "learners_requested": int(data.learners_requested),
        "learners_placed": int(learners.sum()),
        "weighted_placed": weighted,
        "bound": bound,
        "gap": gap,
        "min_group_fill": min_fill,
        "kept_from_previous": int(figures["keep_previous"]),
        "preferred_placed": int(figures["preferred"]),
        "learner_km": round(figures["travel"], 1),
        "status": status,
        "solve_seconds": float(plan.solve_seconds),
    }
    if has_journeys(data):   # repeated sites in learners' journeys (the "variety" tier)
        repeats = plan.tier_values.get(Tier.VARIETY.value, figures.get(Tier.VARIETY.value, 0.0))
        out["variety_repeats"] = int(round(float(repeats)))
    notes = plan_notes(plan)
    if notes:   # the optimiser's own words on this plan (a tolerance, a loose bound, trouble)
        out["solver_notes"] = " ".join(notes)
    return out


def plan_notes(plan: Plan) -> list[str]:
    """What the optimiser says about a plan that a coordinator should read with its figures:
    e.g. learner-km proven only to within 0.05 %, a tier-1 bound that is loose, a variety tier not
    proven, solver trouble. The per-tier timings are left out (they are for the log)."""
    return [m for m in plan.messages if not m.startswith("solver seconds")]
