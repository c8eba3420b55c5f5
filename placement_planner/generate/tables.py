"""Build a whole synthetic input (Sites, Capacity, Demand, Locked, Settings) as DataFrames, in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.generate.capacity import (assign_learners, build_capacity, build_pools,
                                                 pick_locked)
from placement_planner.generate.demand import build_demand
from placement_planner.generate.profiles import SCALES, Scale, academic_year
from placement_planner.generate.shapes import apply_shapes, parse_shapes, student_demand
from placement_planner.generate.sites import build_sites

# The contract's columns, in the order the sheets are written.
SHEET_COLUMNS: dict[str, list[str]] = {
    "Sites": ["site_id", "site_name", "provider", "provider_type", "hub", "pcn", "ics", "region",
              "latitude", "longitude", "postcode", "quality"],
    "Capacity": ["site_id", "profession", "setting", "start_date", "end_date", "places"],
    "Demand": ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "setting", "year",
               "latitude", "longitude", "max_travel_km", "ics", "region", "priority",
               "preferred_sites", "flex_weeks"],
    "Locked": ["demand_id", "site_id", "learners", "setting"],
    "Settings": ["key", "value"],
}
TRAVEL_LIMITS = (25, 30, 40, 60, 80)
DEFAULT_TRAVEL_KM = 50


def _travel_and_preferences(demand: pd.DataFrame, sites: pd.DataFrame, site_of_pool: np.ndarray,
                            assigned: pd.DataFrame, rng: np.random.Generator) -> None:
    """Give some groups a travel limit and preferred sites that the assigned sites satisfy."""
    far = assigned.groupby("row")["distance"].max().reindex(demand.index).fillna(0).to_numpy()
    limit = np.full(len(demand), np.nan)
    must = far > DEFAULT_TRAVEL_KM     # campuses with no host nearby: the group accepts the journey
    limit[must] = np.ceil(far[must] + 3)
    chosen = ~must & (rng.random(len(demand)) < 0.15)
    for i in np.flatnonzero(chosen):
        fits = [t for t in TRAVEL_LIMITS if t >= far[i]]
        if fits:
            limit[i] = fits[int(rng.integers(len(fits)))]
    demand["max_travel_km"] = limit
    site_ids = sites["site_id"].to_numpy()
    chosen_rows = np.flatnonzero(rng.random(len(demand)) < 0.1)
    picked = assigned[assigned["row"].isin(chosen_rows)]
    picked = picked.assign(site=site_ids[site_of_pool[picked["pool"].to_numpy()]])
    picked = picked.drop_duplicates(["row", "site"]).groupby("row").head(2)
    joined = picked.groupby("row")["site"].agg(",".join)
    preferred = np.full(len(demand), "", dtype=object)
    preferred[joined.index.to_numpy()] = joined.to_numpy()
    demand["preferred_sites"] = preferred


def _settings_table() -> pd.DataFrame:
    return pd.DataFrame({"key": ["default_max_travel_km", "time_limit_s"],
                         "value": [DEFAULT_TRAVEL_KM, 60]})


def generate_tables(scale: str = "demo", seed: int = 1, shapes=()) -> dict[str, pd.DataFrame]:
    """The five input sheets for ``scale`` (demo / region / national), the same for the same seed.

    ``trust`` is one acute and community trust's nursing learners on 4-placement journeys
    (Sites, Capacity, Demand with journey and required_settings, Settings; see generate/trust.py).

    ``shapes`` (names from ``shapes.SHAPES``, or "a,b" text) reshape the data; none = the default.
    Dates are pandas Timestamps; blank text is "" and blank numbers NaN.
    """
    if scale == "trust":     # one trust's nursing learners as journeys (generate/trust.py)
        if parse_shapes(shapes):
            raise ValueError("the trust scale takes no --shape: its demand is already per learner and per cohort")
        from placement_planner.generate.trust import trust_tables
        return trust_tables(seed)
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}, trust")
    return tables_for(SCALES[scale], seed, parse_shapes(shapes))


def tables_for(spec: Scale, seed: int, shapes: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """As ``generate_tables`` for any Scale (an area and a size)."""
    rng = np.random.default_rng(seed)
    shape_rng = np.random.default_rng([seed, 7])   # shapes never disturb the default stream
    year = academic_year()
    sites = build_sites(spec, rng)
    demand = build_demand(spec, rng, year)
    if "per-student" in shapes:
        demand = student_demand(demand, year.week0, shape_rng)
    pools = build_pools(sites)
    assigned = assign_learners(demand, pools, rng)
    demand = demand[demand.index.isin(assigned["row"])]
    keep = demand.index.to_numpy()
    demand = demand.reset_index(drop=True)
    assigned["row"] = np.searchsorted(keep, assigned["row"].to_numpy())
    site_of_pool = pools.table["site"].to_numpy()
    _travel_and_preferences(demand, sites, site_of_pool, assigned, rng)
    locked, locked_load = pick_locked(sites, demand, pools, assigned, spec, rng)
    capacity = build_capacity(sites, demand, pools, assigned, locked_load, spec, year, rng)
    capacity = capacity.sort_values(["site_id", "profession", "setting", "start_date"], kind="stable")
    locked = _locks_that_fit(locked, demand, capacity)
    tables = {
        "Sites": sites, "Capacity": capacity.reset_index(drop=True), "Demand": demand,
        "Locked": locked, "Settings": _settings_table(),
    }
    tables = {name: tables[name][cols].reset_index(drop=True) for name, cols in SHEET_COLUMNS.items()}
    return apply_shapes(tables, shapes, shape_rng) if shapes else tables


def _locks_that_fit(locked: pd.DataFrame, demand: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Agreed allocations only where their pool offers the locked learners in every week of the
    stay. Capacity comes in term blocks with gaps between them, so a stay can straddle a gap
    (demo seed 2: a 9-week Children's Nursing stay from 01/02/2027 past a block ending
    19/03/2027), and such a lock could never be kept: every solve was infeasible."""
    if not len(locked):
        return locked
    by_id = demand.set_index("demand_id")
    ok = []
    for lk in locked.itertuples(index=False):
        row = by_id.loc[lk.demand_id]
        start = pd.Timestamp(row["start_date"])
        mondays = [start + pd.Timedelta(weeks=w) for w in range(int(row["weeks"]))]
        pool = capacity[(capacity["site_id"] == lk.site_id) & (capacity["profession"] == row["profession"])
                        & (capacity["setting"] == lk.setting)]
        places = [int(pool.loc[(pool["start_date"] <= m) & (pool["end_date"] >= m), "places"].sum())
                  for m in mondays]
        ok.append(min(places, default=0) >= int(lk.learners))
    return locked[np.array(ok, dtype=bool)].reset_index(drop=True)
