"""The headline figures of a plan, recomputed from the data and the allocations themselves."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context, keys, text
from placement_planner.domain import Plan, PlanningData
from placement_planner.geo import haversine_km

SUMMARY_KEYS = ["learners_requested", "learners_placed", "weighted_placed", "bound", "gap",
                "min_group_fill", "kept_from_previous", "preferred_placed", "learner_km",
                "status", "solve_seconds"]


def summary(data: PlanningData, plan: Plan, ctx: Context | None = None) -> dict:
    """The contract's Summary figures. Only ``bound``, ``status`` and ``solve_seconds`` come
    from the solver; everything else is counted from the allocations."""
    ctx = ctx or build_context(data, plan)
    demand, alloc = data.demand, ctx.alloc
    ok = alloc["d"].to_numpy() >= 0
    alloc = alloc[ok]
    d = alloc["d"].to_numpy()
    learners = alloc["learners"].to_numpy(dtype=np.int64)
    weighted = float(np.sum(ctx.weights[d] * learners)) if len(d) else 0.0

    bound = float(plan.bound) if plan.bound is not None else math.nan
    if math.isfinite(bound) and bound > 0:
        gap = max(0.0, (bound - weighted) / bound)
    elif math.isfinite(bound):
        gap = 0.0
    else:
        gap = math.nan

    groups = pd.DataFrame({"hei": keys(demand["hei"]), "prof": ctx.demand_prof,
                           "requested": demand["learners"].to_numpy(dtype=np.int64),
                           "placed": ctx.placed})
    fill = groups.groupby(["hei", "prof"])[["requested", "placed"]].sum()
    fill = fill[fill["requested"] > 0]
    min_fill = float((fill["placed"] / fill["requested"]).min()) if len(fill) else 1.0

    preferred = demand["preferred_sites"].to_numpy()
    site_ids = text(alloc["site_id"]).to_numpy()
    at_preferred = np.array([s in (preferred[i] or ()) for i, s in zip(d, site_ids)], dtype=bool)

    sites = data.sites
    s = alloc["site_pos"].to_numpy()
    lat = sites["latitude"].to_numpy(dtype=float)
    lon = sites["longitude"].to_numpy(dtype=float)
    dist = haversine_km(demand["latitude"].to_numpy(dtype=float)[d],
                        demand["longitude"].to_numpy(dtype=float)[d],
                        np.where(s >= 0, lat[np.maximum(s, 0)] if len(lat) else np.nan, np.nan),
                        np.where(s >= 0, lon[np.maximum(s, 0)] if len(lon) else np.nan, np.nan))
    learner_km = float(np.nansum(dist * learners))

    status = getattr(plan.status, "value", str(plan.status))
    return {
        "learners_requested": int(data.learners_requested),
        "learners_placed": int(learners.sum()),
        "weighted_placed": weighted,
        "bound": bound,
        "gap": gap,
        "min_group_fill": min_fill,
        "kept_from_previous": kept_from_previous(data, ctx.alloc),
        "preferred_placed": int(learners[at_preferred].sum()),
        "learner_km": round(learner_km, 1),
        "status": status,
        "solve_seconds": float(plan.solve_seconds),
    }


def kept_from_previous(data: PlanningData, alloc: pd.DataFrame) -> int:
    """Learners of the previous plan still at the same site, setting and start week."""
    prev = data.previous
    if prev is None or not len(prev) or not len(alloc):
        return 0
    cols = ["demand_id", "site_id", "setting", "start_week"]

    def grouped(frame):
        frame = frame.assign(demand_id=text(frame["demand_id"]), site_id=text(frame["site_id"]),
                             setting=keys(frame["setting"]),
                             start_week=frame["start_week"].astype(np.int64))
        return frame.groupby(cols)["learners"].sum()

    both = pd.concat([grouped(prev), grouped(alloc)], axis=1, join="inner")
    return int(both.min(axis=1).sum())
