"""Where supply and demand fail to meet: places, learners and shortfalls per profession,
region, ICS and week.

Capacity and allocated learners are counted where the site is. Demand is counted in the
demand row's own region / ICS when given, else in that of its nearest eligible site (see
``demand_area``). ``allocated_learners`` are learners placed at sites in the area;
``unmet_learners`` are learners counted in the area who are placed nowhere that week.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.analysis.common import (Context, build_context, factorize_rows, keys, text,
                                              week_grid)
from placement_planner.analysis.eligibility import nearest_sites
from placement_planner.domain import Plan, PlanningData

GAPS_COLUMNS = ["profession", "region", "ics", "week_start", "capacity_places", "demand_learners",
                "allocated_learners", "unmet_learners", "spare_places"]
NOT_LOCATED = "(not located)"


def demand_area(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Region and ICS each demand row is counted in.

    Given values win. Otherwise the nearest eligible site decides (the nearest within the
    travel limit, else the nearest beyond it); a row without coordinates takes the site
    holding most of its placed learners, or the region of its ICS, else "(not located)".
    """
    demand, sites = ctx.data.demand, ctx.data.sites
    region = text(demand["region"]).to_numpy(dtype=object).copy()
    ics = text(demand["ics"]).to_numpy(dtype=object).copy()
    site_region = text(sites["region"]).to_numpy(dtype=object)
    site_ics = text(sites["ics"]).to_numpy(dtype=object)
    need = np.flatnonzero((region == "") | (ics == ""))
    site = np.full(len(demand), -1, dtype=np.int64)
    site[need] = nearest_sites(ctx, need)

    alloc = ctx.alloc[(ctx.alloc["d"] >= 0) & (ctx.alloc["site_pos"] >= 0)]
    if len(alloc):
        main = (alloc.groupby(["d", "site_pos"])["learners"].sum().reset_index()
                .sort_values(["d", "learners"], ascending=[True, False]).drop_duplicates("d"))
        fallback = np.full(len(demand), -1, dtype=np.int64)
        fallback[main["d"].to_numpy()] = main["site_pos"].to_numpy()
        site = np.where(site < 0, fallback, site)

    found = site >= 0
    region = np.where((region == "") & found, site_region[np.maximum(site, 0)], region)
    ics = np.where((ics == "") & found, site_ics[np.maximum(site, 0)], ics)
    if len(sites):
        ics_region = pd.Series(site_region, index=site_ics).groupby(level=0).first()
        from_ics = pd.Series(ics).map(ics_region).fillna("").to_numpy(dtype=object)
        region = np.where((region == "") & (from_ics != ""), from_ics, region)
    region = np.where(region == "", NOT_LOCATED, region)
    ics = np.where(ics == "", NOT_LOCATED, ics)
    return region.astype(object), ics.astype(object)


def gaps_table(data: PlanningData, plan: Plan, ctx: Context | None = None) -> pd.DataFrame:
    """Profession x region x ICS x week: places, demand, allocations, unmet and spare."""
    ctx = ctx or build_context(data, plan)
    demand, sites, alloc = data.demand, data.sites, ctx.alloc
    n_weeks = ctx.n_weeks
    site_region = text(sites["region"]).to_numpy(dtype=object)
    site_ics = text(sites["ics"]).to_numpy(dtype=object)
    prof_name = _display_names(ctx)

    # Places at open (not suspended) sites, where the site is.
    cap = data.capacity[data.capacity["places"].astype(np.int64) > 0]
    cap_site = pd.Index(sites["site_id"].astype(str)).get_indexer(cap["site_id"].astype(str))
    cap_open = (cap_site >= 0) & (ctx.site_quality[np.maximum(cap_site, 0)] != "suspended")
    cap, cap_site = cap[cap_open], cap_site[cap_open]
    cap_keys = (keys(cap["profession"]), site_region[cap_site], site_ics[cap_site])

    # Learners placed, where the site is.
    placed = alloc[(alloc["d"] >= 0) & (alloc["site_pos"] >= 0)]
    a_d, a_site = placed["d"].to_numpy(), placed["site_pos"].to_numpy()
    a_first = placed["start_week"].to_numpy()
    a_last = a_first + placed["weeks"].to_numpy() - 1
    a_learners = placed["learners"].to_numpy()
    alloc_keys = (ctx.demand_prof[a_d], site_region[a_site], site_ics[a_site])

    # Demand, where the group belongs: its placed learners in the weeks they were placed,
    # the rest in its nominal weeks.
    d_region, d_ics = demand_area(ctx)
    unplaced = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    d_first = demand["start_week"].to_numpy(dtype=np.int64)
    d_last = d_first + demand["weeks"].to_numpy(dtype=np.int64) - 1
    own_keys = (ctx.demand_prof[a_d], d_region[a_d], d_ics[a_d])
    need_keys = (ctx.demand_prof, d_region, d_ics)

    frame = pd.DataFrame({
        "prof": np.concatenate([cap_keys[0], alloc_keys[0], own_keys[0], need_keys[0]]),
        "region": np.concatenate([cap_keys[1], alloc_keys[1], own_keys[1], need_keys[1]]),
        "ics": np.concatenate([cap_keys[2], alloc_keys[2], own_keys[2], need_keys[2]]),
    })
    codes, key_frame = factorize_rows(frame)
    n_keys = len(key_frame)
    at = np.cumsum([0, len(cap), len(placed), len(placed), len(demand)])
    part = [codes[at[i]:at[i + 1]] for i in range(4)]
    capacity = week_grid(n_keys, n_weeks, part[0], cap["start_week"].to_numpy(),
                         cap["end_week"].to_numpy(), cap["places"].to_numpy())
    allocated = week_grid(n_keys, n_weeks, part[1], a_first, a_last, a_learners)
    unmet = week_grid(n_keys, n_weeks, part[3], d_first, d_last, np.maximum(unplaced, 0))
    needed = week_grid(n_keys, n_weeks, part[2], a_first, a_last, a_learners) + unmet

    live = (capacity != 0) | (needed != 0) | (allocated != 0)
    k, w = np.nonzero(live)
    out = pd.DataFrame({
        "profession": key_frame["prof"].map(prof_name).fillna(key_frame["prof"]).to_numpy()[k],
        "region": key_frame["region"].to_numpy()[k],
        "ics": key_frame["ics"].to_numpy()[k],
        "week_start": pd.Timestamp(data.week0) + pd.to_timedelta(w * 7, unit="D"),
        "capacity_places": capacity[k, w],
        "demand_learners": needed[k, w],
        "allocated_learners": allocated[k, w],
        "unmet_learners": unmet[k, w],
        "spare_places": capacity[k, w] - allocated[k, w],
    })
    return (out.sort_values(["profession", "region", "ics", "week_start"], kind="stable")
            .reset_index(drop=True)[GAPS_COLUMNS])


def _display_names(ctx: Context) -> dict[str, str]:
    """Profession name key -> the name as written (capacity first, then demand)."""
    names = pd.concat([ctx.pools[["prof_key", "profession"]],
                       pd.DataFrame({"prof_key": ctx.demand_prof,
                                     "profession": text(ctx.data.demand["profession"]).to_numpy()})])
    return names.drop_duplicates("prof_key").set_index("prof_key")["profession"].to_dict()
