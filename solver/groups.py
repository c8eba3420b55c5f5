"""Demand groups: identical demand rows merged, so the model has one node where rows are alike.

Rows merge when everything the contract looks at is equal (profession, setting, start,
weeks, flex, coordinates, travel limit, ics, region, hei, preferred sites, weight). Rows
with a Locked allocation stay alone, because a lock names its own demand row.

Journey rows never merge with other rows. Journeys identical except their ids and learners
(same hei, profession, required settings and, row by row in start order, the same key) form
one journey *class*, and their rows merge position by position: learners are
interchangeable, so the merged class is exact for every tier (see solver/README.md,
"Journeys"). A journey with a locked row, or with a row in the previous plan, is a class of
its own (a lock and a kept learner name their own demand row).
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
    journey: np.ndarray = None     # journey class of each group, -1 = not a journey row
    journey_pos: np.ndarray = None # position of the group in its journey (start order)
    classes: list = None           # per journey class: JourneyClass

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class JourneyClass:
    groups: np.ndarray         # group of each position, in start order
    required: tuple            # folded settings every learner must cover
    journeys: list             # journey ids of the class, in demand order
    rows: list                 # per journey: demand row of each position
    learners: np.ndarray       # per journey: its learners (the first row's)


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
    j_class, j_pos, members = _journey_classes(data, key, alone)
    key["jclass"], key["jpos"] = j_class, j_pos
    of_row = key.groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy() \
        if n else np.zeros(0, dtype=np.int64)
    first = np.full(of_row.max() + 1 if n else 0, -1, dtype=np.int64)
    first[of_row[::-1]] = np.arange(n)[::-1]
    k = key.iloc[first]
    learners = np.bincount(of_row, weights=d["learners"].to_numpy(float),
                           minlength=len(first)).astype(np.int64)
    fair_requested = np.bincount(fair_codes, weights=d["learners"].to_numpy(float),
                                 minlength=len(fair_uniques)).astype(np.int64)
    classes = [JourneyClass(groups=of_row[m[0]], required=req, journeys=ids, rows=m,
                            learners=d["learners"].to_numpy(np.int64)[[r[0] for r in m]])
               for m, req, ids in members]
    group_class = np.full(len(first), -1, dtype=np.int64)
    group_pos = np.full(len(first), -1, dtype=np.int64)
    for c, jc in enumerate(classes):
        group_class[jc.groups] = c
        group_pos[jc.groups] = np.arange(len(jc.groups))
    return Groups(
        journey=group_class, journey_pos=group_pos, classes=classes,
        of_row=of_row, profession=k["prof"].to_numpy(dtype=object),
        setting=k["setting"].to_numpy(dtype=object), start=k["start"].to_numpy(),
        weeks=k["weeks"].to_numpy(), flex=k["flex"].to_numpy(), lat=k["lat"].to_numpy(),
        lon=k["lon"].to_numpy(), limit=k["limit"].to_numpy(), ics=k["ics"].to_numpy(dtype=object),
        region=k["region"].to_numpy(dtype=object), weight=k["weight"].to_numpy(),
        learners=learners, fair=k["fair"].to_numpy(np.int64),
        preferred=list(k["preferred"]), fair_requested=fair_requested,
        fair_keys=list(fair_uniques))


def _journey_classes(data: PlanningData, key: pd.DataFrame, alone: np.ndarray):
    """(class per row, position per row, [(rows per journey, required, journey ids)] per
    class). Rows outside journeys get class -1."""
    d = data.demand
    n = len(d)
    j_class = np.full(n, -1, dtype=np.int64)
    j_pos = np.full(n, -1, dtype=np.int64)
    journey = d["journey"].astype(str).str.strip().to_numpy(dtype=object) if n else \
        np.zeros(0, dtype=object)
    rows_of = np.flatnonzero(journey != "")
    if not len(rows_of):
        return j_class, j_pos, []
    ids = d["demand_id"].astype(str).to_numpy(dtype=object)
    kept = set(data.previous["demand_id"].astype(str)) if len(data.previous) else set()
    required = d["required_settings"].to_numpy(dtype=object)
    learners = d["learners"].to_numpy(np.int64)
    row_key = pd.Series(list(key.drop(columns=["alone"]).itertuples(index=False, name=None)))
    by_journey: dict = {}
    for r in rows_of:
        by_journey.setdefault(journey[r], []).append(r)
    signatures: dict = {}
    members: list = []
    for jid, rows in by_journey.items():
        rows = sorted(rows, key=lambda r: (int(key["start"].iat[r]), r))
        req = tuple(sorted({str(s).strip().lower() for r in rows for s in required[r]
                            if str(s).strip()}))
        # a journey whose rows disagree on learners (an import error) is a class of its own
        own = any(alone[r] or ids[r] in kept for r in rows) or \
            len({int(learners[r]) for r in rows}) > 1
        sig = (jid,) if own else (req, tuple(row_key.iat[r] for r in rows))
        c = signatures.get(sig)
        if c is None:
            c = signatures[sig] = len(members)
            members.append(([], req, []))
        members[c][0].append(np.array(rows, dtype=np.int64))
        members[c][2].append(jid)
        j_class[rows] = c
        j_pos[rows] = np.arange(len(rows))
    return j_class, j_pos, members
