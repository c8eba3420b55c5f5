"""Tier values of a finished plan, computed from its rows and the input tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData, Tier
from placement_planner.geo import haversine_km
from placement_planner.solver.pools import fold


def tier_values(data: PlanningData, alloc: pd.DataFrame,
                placeable_fair: set | None = None,
                journeys: pd.DataFrame | None = None) -> dict[str, float]:
    """The tier figures of a plan, from its rows and the input tables: the one place they
    are computed (the solver's Plan.tier_values and the Summary sheet both come from here).

    ``journeys``: the plan's learners' paths (Plan.journeys); when the demand has journeys,
    "variety" counts their repeats (``variety_repeats``). Without journeys in the demand
    there is no "variety" figure, as before journeys existed.

    ``placeable_fair``: (hei, profession) groups that can be placed at all (the fair share
    leaves the others out); None counts every group that asked for learners. Rows naming a
    demand row or site that is not in the data count for nothing.
    """
    d = data.demand.reset_index(drop=True)
    row = pd.Series(np.arange(len(d)), index=d["demand_id"].astype(str))
    site_of = pd.Series(np.arange(len(data.sites)), index=data.sites["site_id"].astype(str))
    r = alloc["demand_id"].astype(str).map(row).to_numpy(float) if len(alloc) else np.zeros(0)
    s = alloc["site_id"].astype(str).map(site_of).to_numpy(float) if len(alloc) else np.zeros(0)
    ok = ~np.isnan(r)
    alloc = alloc[ok] if len(alloc) else alloc
    r, s = r[ok].astype(np.int64), s[ok]
    n = alloc["learners"].to_numpy(float) if len(alloc) else np.zeros(0)
    out = {Tier.PLACED.value: float(data.weights()[r] @ n)}

    placed = np.bincount(r, weights=n, minlength=len(d))
    fair = d.assign(placed=placed).groupby(["hei", "profession"])[["placed", "learners"]].sum()
    fill = [p / q for key, (p, q) in fair.iterrows()
            if (placeable_fair is None or key in placeable_fair) and q > 0]
    out[Tier.FAIR_SHARE.value] = float(min(fill)) if fill else 1.0

    out[Tier.KEEP_PREVIOUS.value] = float(_kept(data.previous, alloc))
    out[Tier.PREFERRED.value] = float(n[at_preferred(d, r, alloc)].sum()) if len(alloc) else 0.0

    lat = data.sites["latitude"].to_numpy(float)
    lon = data.sites["longitude"].to_numpy(float)
    known = ~np.isnan(s)
    si = np.where(known, s, 0).astype(np.int64)
    km = haversine_km(d["latitude"].to_numpy(float)[r], d["longitude"].to_numpy(float)[r],
                      np.where(known, lat[si] if len(lat) else np.nan, np.nan),
                      np.where(known, lon[si] if len(lon) else np.nan, np.nan))
    out[Tier.TRAVEL.value] = float(np.nan_to_num(km) @ n) if len(n) else 0.0
    if journeys is not None and has_journeys(data):
        out[Tier.VARIETY.value] = float(variety_repeats(journeys))
    return out


def has_journeys(data: PlanningData) -> bool:
    return bool(len(data.demand)) and bool((data.demand["journey"].astype(str).str.strip()
                                            != "").any())


def variety_repeats(journeys: pd.DataFrame) -> int:
    """Each time the same site appears again in one learner's journey (contract,
    "Journeys"): per (journey, learner, site), its visits minus one."""
    if journeys is None or not len(journeys):
        return 0
    visits = journeys.groupby([journeys["journey"].astype(str), journeys["learner"],
                               journeys["site_id"].astype(str)]).size()
    return int((visits - 1).sum())


def at_preferred(demand: pd.DataFrame, row: np.ndarray, alloc: pd.DataFrame) -> np.ndarray:
    """Per allocation row: is its site one of its demand row's preferred_sites?"""
    pref = demand["preferred_sites"].to_numpy()
    has = np.flatnonzero([bool(p) for p in pref])
    pairs = {(int(i), str(s)) for i in has for s in pref[i]}
    if not pairs:
        return np.zeros(len(row), dtype=bool)
    sites = alloc["site_id"].astype(str).to_numpy()
    maybe = np.isin(row, has)
    out = np.zeros(len(row), dtype=bool)
    out[maybe] = [(int(i), s) in pairs for i, s in zip(row[maybe], sites[maybe])]
    return out


def _kept(previous: pd.DataFrame, alloc: pd.DataFrame) -> int:
    if previous is None or not len(previous) or not len(alloc):
        return 0
    key = ["demand_id", "site_id", "setting", "start_week"]

    def norm(f):
        f = f.assign(demand_id=f["demand_id"].astype(str), site_id=f["site_id"].astype(str),
                     setting=fold(f["setting"]), start_week=f["start_week"].astype(np.int64))
        return f.groupby(key)["learners"].sum()
    both = pd.concat([norm(previous), norm(alloc)], axis=1, join="inner")
    return int(both.min(axis=1).sum())
