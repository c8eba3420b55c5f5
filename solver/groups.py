"""Demand groups: identical demand rows merged, so the model has one node where rows are alike.

Rows merge when everything the contract looks at is equal (profession, setting, start,
weeks, flex, coordinates, travel limit, ics, region, hei, preferred sites, weight). Rows
with a Locked allocation stay alone, because a lock names its own demand row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData
from placement_planner.solver.pools import fold


@dataclass
class Groups:
    of_row: np.ndarray         # demand row -> group
    profession: np.ndarray
    setting: np.ndarray        # folded; "" = any pool
    start: np.ndarray          # nominal start week
    weeks: np.ndarray
    flex: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    limit: np.ndarray          # travel limit in km
    ics: np.ndarray            # folded; "" = anywhere
    region: np.ndarray
    weight: np.ndarray         # priority x profession weight
    learners: np.ndarray       # learners of all merged rows
    fair: np.ndarray           # (hei, profession) group
    preferred: list            # tuple of site ids per group
    fair_requested: np.ndarray # learners requested per (hei, profession) group
    fair_keys: list            # (hei, profession) per fair group

    def __len__(self) -> int:
        return len(self.start)


def build_groups(data: PlanningData) -> Groups:
    d = data.demand
    n = len(d)
    weight = data.weights()
    limit = data.travel_limit_km()
    locked_rows = set(data.locked["demand_id"].astype(str)) if len(data.locked) else set()
    alone = d["demand_id"].astype(str).isin(locked_rows).to_numpy()
    fair_codes, fair_uniques = pd.MultiIndex.from_arrays(
        [d["hei"].astype(str).to_numpy(), d["profession"].astype(str).to_numpy()]).factorize() \
        if n else (np.zeros(0, dtype=np.int64), [])
    key = pd.DataFrame({
        "prof": d["profession"].astype(str).to_numpy(), "setting": fold(d["setting"]),
        "start": d["start_week"].to_numpy(np.int64), "weeks": d["weeks"].to_numpy(np.int64),
        "flex": d["flex_weeks"].to_numpy(np.int64),
        "lat": d["latitude"].to_numpy(float), "lon": d["longitude"].to_numpy(float),
        "limit": limit, "ics": fold(d["ics"]), "region": fold(d["region"]),
        "weight": weight, "fair": fair_codes,
        "preferred": [tuple(sorted(p)) for p in d["preferred_sites"]],
        "alone": np.where(alone, np.arange(n), -1),
    })
    of_row = key.groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy() \
        if n else np.zeros(0, dtype=np.int64)
    first = np.full(of_row.max() + 1 if n else 0, -1, dtype=np.int64)
    first[of_row[::-1]] = np.arange(n)[::-1]
    k = key.iloc[first]
    learners = np.bincount(of_row, weights=d["learners"].to_numpy(float),
                           minlength=len(first)).astype(np.int64)
    fair_requested = np.bincount(fair_codes, weights=d["learners"].to_numpy(float),
                                 minlength=len(fair_uniques)).astype(np.int64)
    return Groups(
        of_row=of_row, profession=k["prof"].to_numpy(dtype=object),
        setting=k["setting"].to_numpy(dtype=object), start=k["start"].to_numpy(),
        weeks=k["weeks"].to_numpy(), flex=k["flex"].to_numpy(), lat=k["lat"].to_numpy(),
        lon=k["lon"].to_numpy(), limit=k["limit"].to_numpy(), ics=k["ics"].to_numpy(dtype=object),
        region=k["region"].to_numpy(dtype=object), weight=k["weight"].to_numpy(),
        learners=learners, fair=k["fair"].to_numpy(np.int64),
        preferred=list(k["preferred"]), fair_requested=fair_requested,
        fair_keys=list(fair_uniques))
