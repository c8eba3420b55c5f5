"""The plan as coordinators read it: one row per allocation, and how full each site is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context, text
from placement_planner.domain import Plan, PlanningData
from placement_planner.geo import haversine_km

ALLOCATION_TABLE_COLUMNS = ["demand_id", "hei", "profession", "setting", "site_id", "site_name",
                            "provider", "hub", "ics", "region", "start_date", "weeks", "learners",
                            "distance_km", "locked", "site_quality"]
UTILISATION_COLUMNS = ["site_id", "provider", "profession", "setting", "place_weeks_offered",
                       "place_weeks_used", "utilisation", "site_name", "ics", "region",
                       "site_quality"]


def allocation_table(data: PlanningData, plan: Plan, ctx: Context | None = None) -> pd.DataFrame:
    """The contract's Allocations sheet: one row per demand row x site x setting x start week."""
    ctx = ctx or build_context(data, plan)
    alloc = ctx.alloc
    demand, sites = data.demand, data.sites
    d = alloc["d"].to_numpy()
    s = alloc["site_pos"].to_numpy()

    def from_demand(col):
        values = text(demand[col]).to_numpy(dtype=object)
        return np.where(d >= 0, values[np.maximum(d, 0)] if len(values) else "", "")

    def from_sites(col):
        values = text(sites[col]).to_numpy(dtype=object)
        return np.where(s >= 0, values[np.maximum(s, 0)] if len(values) else "", "")

    def numbers(frame, col, idx):
        values = frame[col].to_numpy(dtype=float)
        return np.where(idx >= 0, values[np.maximum(idx, 0)] if len(values) else np.nan, np.nan)

    distance = haversine_km(numbers(demand, "latitude", d), numbers(demand, "longitude", d),
                            numbers(sites, "latitude", s), numbers(sites, "longitude", s))
    out = pd.DataFrame({
        "demand_id": text(alloc["demand_id"]).to_numpy(dtype=object),
        "hei": from_demand("hei"),
        "profession": from_demand("profession"),
        "setting": text(alloc["setting"]).to_numpy(dtype=object),
        "site_id": text(alloc["site_id"]).to_numpy(dtype=object),
        "site_name": from_sites("site_name"),
        "provider": from_sites("provider"),
        "hub": from_sites("hub"),
        "ics": from_sites("ics"),
        "region": from_sites("region"),
        "start_date": pd.Timestamp(data.week0) + pd.to_timedelta(alloc["start_week"].to_numpy() * 7,
                                                                 unit="D"),
        "weeks": alloc["weeks"].to_numpy(dtype=np.int64),
        "learners": alloc["learners"].to_numpy(dtype=np.int64),
        "distance_km": np.round(distance, 1),
        "locked": alloc["locked"].fillna(False).astype(bool).to_numpy(),
        "site_quality": from_sites("quality"),
    })
    return (out.sort_values(["demand_id", "start_date", "site_id", "setting"], kind="stable")
            .reset_index(drop=True)[ALLOCATION_TABLE_COLUMNS])


def utilisation_table(data: PlanningData, plan: Plan, ctx: Context | None = None) -> pd.DataFrame:
    """Site x profession x setting: place-weeks offered and used, and the share used."""
    ctx = ctx or build_context(data, plan)
    pools, sites = ctx.pools, data.sites
    s = pools["site_pos"].to_numpy()

    def from_sites(col):
        values = text(sites[col]).to_numpy(dtype=object)
        return np.where(s >= 0, values[np.maximum(s, 0)] if len(values) else "", "")

    offered = ctx.capacity.sum(axis=1)
    used = ctx.used.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(offered > 0, used / np.maximum(offered, 1), np.nan)
    out = pd.DataFrame({
        "site_id": pools["site_id"].to_numpy(dtype=object),
        "provider": from_sites("provider"),
        "profession": pools["profession"].to_numpy(dtype=object),
        "setting": pools["setting"].to_numpy(dtype=object),
        "place_weeks_offered": offered.astype(np.int64),
        "place_weeks_used": used.astype(np.int64),
        "utilisation": share,
        "site_name": from_sites("site_name"),
        "ics": from_sites("ics"),
        "region": from_sites("region"),
        "site_quality": from_sites("quality"),
    })
    return (out.sort_values(["site_id", "profession", "setting"], kind="stable")
            .reset_index(drop=True)[UTILISATION_COLUMNS])
