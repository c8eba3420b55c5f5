"""Demand smoothing: the peak weeks of each profession x region, and how many more learners
placements that may start 1, 2 or 4 weeks earlier or later would place (re-solved, tier 1)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from placement_planner.analysis.common import build_context
from placement_planner.analysis.eligibility import nearest_sites
from placement_planner.advice.parts import placed_per_row, Measured, solve_tier1, with_demand
from placement_planner.domain import PlanningData

FLEX_STEPS = (1, 2, 4)
SMOOTHING_COLUMNS = ["profession", "region", "peak_week_start", "peak_demand_learners",
                     "peak_capacity_places", "peak_unmet_learners", "mean_weekly_demand",
                     "learners_unplaced"] + [f"extra_placed_flex_{f}" for f in FLEX_STEPS]


def _regions(part: PlanningData, plan) -> np.ndarray:
    """The demand row's region, else that of its nearest eligible site (as Gaps counts it)."""
    demand, sites = part.demand, part.sites
    region = demand["region"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    blank = np.flatnonzero(region == "")
    if len(blank):
        ctx = build_context(part, plan)
        near = nearest_sites(ctx, blank)
        site_region = sites["region"].fillna("").astype(str).to_numpy(dtype=object)
        region[blank] = np.where(near >= 0, site_region[np.maximum(near, 0)], "")
    region[region == ""] = "(no region)"
    return region


def smoothing_table(parts: dict[str, PlanningData], bases: dict[str, Measured], gaps: pd.DataFrame,
                    time_limit_s: float | None = None) -> tuple[pd.DataFrame, float]:
    t0 = time.perf_counter()
    weekly = (gaps.groupby(["profession", "region", "week_start"], as_index=False)
              [["demand_learners", "capacity_places", "unmet_learners"]].sum()
              if len(gaps) else pd.DataFrame(columns=["profession", "region", "week_start",
                                                      "demand_learners", "capacity_places", "unmet_learners"]))
    rows = []
    for (profession, region), g in weekly.groupby(["profession", "region"], sort=True):
        peak = g.loc[g["demand_learners"].idxmax()]
        active = g[g["demand_learners"] > 0]
        rows.append({"profession": profession, "region": region, "peak_week_start": peak["week_start"],
                     "peak_demand_learners": int(peak["demand_learners"]),
                     "peak_capacity_places": int(peak["capacity_places"]),
                     "peak_unmet_learners": int(peak["unmet_learners"]),
                     "mean_weekly_demand": round(float(active["demand_learners"].mean()), 1) if len(active) else 0.0})
    table = pd.DataFrame(rows, columns=SMOOTHING_COLUMNS[:7])
    extra: dict[tuple, dict] = {}
    short: dict[tuple, int] = {}
    for key, part in parts.items():
        base = bases[key]
        region = _regions(part, base.plan)
        placed0 = placed_per_row(part, base.plan.allocations)
        left = part.demand["learners"].to_numpy(dtype=np.int64) - placed0
        prof = str(part.demand["profession"].iat[0])
        for r, n in pd.Series(left).groupby(region).sum().items():
            short[(prof, r)] = int(n)
        if left.sum() == 0:
            continue
        flex = part.demand["flex_weeks"].to_numpy(dtype=np.int64)
        for f in FLEX_STEPS:
            trial = with_demand(part, {int(r): {"flex_weeks": f} for r in np.flatnonzero(flex < f)})
            m = solve_tier1(trial, start_from=base.plan.allocations, time_limit_s=time_limit_s)
            gain = placed_per_row(trial, m.plan.allocations) - placed0
            for r, n in pd.Series(gain).groupby(region).sum().items():
                extra.setdefault((prof, r), {})[f"extra_placed_flex_{f}"] = int(n)
    table["learners_unplaced"] = [short.get((p, r), 0) for p, r in zip(table["profession"], table["region"])]
    for f in FLEX_STEPS:
        col = f"extra_placed_flex_{f}"
        table[col] = [extra.get((p, r), {}).get(col, 0) for p, r in zip(table["profession"], table["region"])]
    return table[SMOOTHING_COLUMNS], time.perf_counter() - t0

