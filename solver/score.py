"""Tier values of a finished plan, computed from its rows and the input tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData, Tier
from placement_planner.geo import haversine_km
from placement_planner.solver.pools import fold


def tier_values(data: PlanningData, alloc: pd.DataFrame, placeable_fair: set) -> dict[str, float]:
    """``placeable_fair``: (hei, profession) groups that can be placed at all."""
    d = data.demand.reset_index(drop=True)
    row = pd.Series(np.arange(len(d)), index=d["demand_id"].astype(str))
    r = alloc["demand_id"].astype(str).map(row).to_numpy(np.int64) if len(alloc) else \
        np.zeros(0, np.int64)
    n = alloc["learners"].to_numpy(float) if len(alloc) else np.zeros(0)
    out = {Tier.PLACED.value: float(data.weights()[r] @ n)}

    placed = np.bincount(r, weights=n, minlength=len(d))
    fair = d.assign(placed=placed).groupby(["hei", "profession"])[["placed", "learners"]].sum()
    fill = [p / q for key, (p, q) in fair.iterrows() if key in placeable_fair and q > 0]
    out[Tier.FAIR_SHARE.value] = float(min(fill)) if fill else 1.0

    out[Tier.KEEP_PREVIOUS.value] = float(_kept(data.previous, alloc))
    pref = [s in d["preferred_sites"].iat[i] for i, s in zip(r, alloc["site_id"])] \
        if len(alloc) else []
    out[Tier.PREFERRED.value] = float(n[np.array(pref, dtype=bool)].sum()) if len(pref) else 0.0

    sites = data.sites.set_index("site_id", drop=False)
    if len(alloc):
        s = sites.loc[alloc["site_id"].astype(str)]
        km = haversine_km(d["latitude"].to_numpy(float)[r], d["longitude"].to_numpy(float)[r],
                          s["latitude"].to_numpy(float), s["longitude"].to_numpy(float))
        out[Tier.TRAVEL.value] = float(np.nan_to_num(km) @ n)
    else:
        out[Tier.TRAVEL.value] = 0.0
    return out


def _kept(previous: pd.DataFrame, alloc: pd.DataFrame) -> int:
    if not len(previous) or not len(alloc):
        return 0
    key = ["demand_id", "site_id", "setting", "start_week"]

    def norm(f):
        f = f.assign(demand_id=f["demand_id"].astype(str), site_id=f["site_id"].astype(str),
                     setting=fold(f["setting"]), start_week=f["start_week"].astype(np.int64))
        return f.groupby(key)["learners"].sum()
    both = pd.concat([norm(previous), norm(alloc)], axis=1, join="inner")
    return int(both.min(axis=1).sum())
