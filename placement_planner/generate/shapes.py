"""Shapes of data the default generator does not make: per-learner rows, tight travel, small universities, ...

Real workbooks differ from the generator's default shape in ways that stress the planner:
trusts list students one by one, universities restrict groups to their own ICB, small
colleges send one group each, campuses sit far from hosts. Each shape is a transform of
the generated tables (or, for ``per-student``, of the demand before capacity is sized), so
the default output is unchanged and shapes combine with every scale and with each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.generate.capacity import GRID
from placement_planner.geo import haversine_km

SHAPES: dict[str, str] = {
    "per-learner": "every demand row split into single-learner rows (id DG000001-01, -02, ...)",
    "tight-travel": "short travel limits (10-25 km, never below the nearest host)",
    "small-universities": "every demand row from its own small university (one-row universities)",
    "icb-restricted": "ics filled on every demand row (its nearest host's ICB)",
    "per-student": "200 nursing students listed one row per student per week, no coordinates (about 13,300 rows)",
}
TIGHT_KM = (10, 15, 20, 25)
STUDENTS = 200
NURSING = ("Adult Nursing", "Mental Health Nursing", "Children's Nursing", "Learning Disabilities Nursing")


def parse_shapes(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Shape names from 'a,b' text or a list, validated, in SHAPES order, duplicates dropped."""
    if not text:
        return ()
    items = [text] if isinstance(text, str) else list(text)
    names = {part.strip().lower() for item in items for part in item.split(",") if part.strip()}
    unknown = sorted(names - set(SHAPES) - {"default"})
    if unknown:
        raise ValueError(f"unknown shape {', '.join(unknown)}: choose from {', '.join(SHAPES)}")
    return tuple(name for name in SHAPES if name in names)


def student_demand(demand: pd.DataFrame, week0, rng: np.random.Generator,
                   students: int = STUDENTS) -> pd.DataFrame:
    """Replace demand with nursing students listed per week, as trusts' per-student sheets do.

    Each student gets one single-learner, one-week row for every week from their start
    (weeks 0-2) for 60-73 weeks: a 15-month listing, so the last weeks fall past the year's
    capacity and stay unplaced (the reasons and gaps must cope with many such rows).
    """
    nursing = demand[demand["profession"].isin(NURSING)]
    source = nursing if len(nursing) else demand
    pick = source.iloc[rng.choice(len(source), size=students, replace=True)]
    spans = rng.integers(60, 74, students)
    starts = rng.integers(0, 3, students)
    repeat = np.repeat(np.arange(students), spans)
    offset = np.arange(len(repeat)) - np.repeat(np.cumsum(spans) - spans, spans)
    rows = pick.iloc[repeat].reset_index(drop=True)
    rows["learners"] = 1
    rows["weeks"] = 1
    rows["flex_weeks"] = 0
    rows["priority"] = 1.0
    rows["preferred_sites"] = ""
    week = starts[repeat] + offset
    rows["start_date"] = pd.Timestamp(week0) + pd.to_timedelta(week * 7, unit="D")
    rows["_start_week"] = np.minimum(week, GRID - 1)   # past the year: no places are sized for them
    rows["demand_id"] = [f"S{s + 1:03d}-W{w + 1:02d}" for s, w in zip(repeat, offset)]
    return rows[demand.columns]


def apply_shapes(tables: dict[str, pd.DataFrame], shapes: tuple[str, ...],
                 rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The tables with each shape's transform applied (``per-student`` is applied earlier)."""
    tables = dict(tables)
    if "per-student" in shapes:
        tables["Locked"] = _locks_in_the_year(tables)
        # Per-student lists (the NHS AI Lab nursing-placement format) name students, not
        # where they travel from: no coordinates, so every site of the area is in reach.
        tables["Demand"] = tables["Demand"].assign(latitude=np.nan, longitude=np.nan, max_travel_km=np.nan)
    if "small-universities" in shapes:
        tables["Demand"] = _small_universities(tables["Demand"])
    if "icb-restricted" in shapes:
        tables["Demand"] = _icb_restricted(tables)
    if "tight-travel" in shapes:
        tables["Demand"] = _tight_travel(tables, rng)
    if "per-learner" in shapes:
        tables["Demand"], tables["Locked"] = _per_learner(tables["Demand"], tables["Locked"])
    return tables


def _locks_in_the_year(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Agreed allocations only for weeks that have places (a per-student list runs past the year)."""
    demand = tables["Demand"].set_index("demand_id")
    locked = tables["Locked"]
    ends = demand.loc[locked["demand_id"], "start_date"] + pd.to_timedelta(
        demand.loc[locked["demand_id"], "weeks"] * 7 - 3, unit="D")
    return locked[(ends <= tables["Capacity"]["end_date"].max()).to_numpy()].reset_index(drop=True)


def _small_universities(demand: pd.DataFrame) -> pd.DataFrame:
    out = demand.copy()
    out["hei"] = [f"{hei} partner college {i + 1:05d}" for i, hei in enumerate(demand["hei"])]
    return out


def _per_learner(demand: pd.DataFrame, locked: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = demand["learners"].to_numpy(dtype=np.int64)
    rows = demand.loc[demand.index.repeat(counts)].reset_index(drop=True)
    part = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    rows["demand_id"] = [f"{d}-{k + 1:02d}" for d, k in zip(rows["demand_id"], part)]
    rows["learners"] = 1
    # A locked group of n learners becomes locks on its first n single-learner rows.
    locks = locked.loc[locked.index.repeat(locked["learners"].to_numpy(dtype=np.int64))].reset_index(drop=True)
    first = locks.groupby("demand_id").cumcount().to_numpy()
    locks["demand_id"] = [f"{d}-{k + 1:02d}" for d, k in zip(locks["demand_id"], first)]
    locks["learners"] = 1
    return rows, locks[locked.columns]


def _hosts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """(site row, profession, setting) pools with places, at usable sites with coordinates."""
    sites = tables["Sites"].reset_index(drop=True)
    where = pd.Series(np.arange(len(sites)), index=sites["site_id"])
    pools = tables["Capacity"][["site_id", "profession", "setting"]].drop_duplicates()
    pools = pools.assign(site=where.loc[pools["site_id"]].to_numpy())
    usable = (sites["quality"].to_numpy() != "suspended") & sites["latitude"].notna().to_numpy()
    return pools[usable[pools["site"].to_numpy()]]


def _nearest_hosts(tables: dict[str, pd.DataFrame], match_area: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per demand row: the nearest host site (row in Sites, -1 if none) and its distance in km."""
    demand, sites = tables["Demand"], tables["Sites"].reset_index(drop=True)
    hosts = _hosts(tables)
    site_out = np.full(len(demand), -1, dtype=np.int64)
    dist_out = np.full(len(demand), np.inf)
    keys = ["profession", "setting"] + (["ics", "region"] if match_area else [])
    for key, members in demand.groupby(keys, sort=False).indices.items():
        profession, setting, *area = key
        cand = hosts[hosts["profession"] == profession]
        if setting:
            cand = cand[cand["setting"] == setting]
        idx = np.unique(cand["site"].to_numpy())
        if area and area[0]:
            idx = idx[sites["ics"].to_numpy()[idx] == area[0]]
        if area and area[1]:
            idx = idx[sites["region"].to_numpy()[idx] == area[1]]
        if not len(idx):
            continue
        dist = haversine_km(demand["latitude"].to_numpy()[members, None], demand["longitude"].to_numpy()[members, None],
                            sites["latitude"].to_numpy()[idx][None, :], sites["longitude"].to_numpy()[idx][None, :])
        best = np.argmin(dist, axis=1)
        site_out[members] = idx[best]
        dist_out[members] = dist[np.arange(len(members)), best]
    return site_out, dist_out


def _locked_sites(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sites = tables["Sites"].set_index("site_id")
    locked = tables["Locked"]
    return locked.assign(ics=sites.loc[locked["site_id"], "ics"].to_numpy(),
                         region=sites.loc[locked["site_id"], "region"].to_numpy(),
                         lat=sites.loc[locked["site_id"], "latitude"].to_numpy(),
                         lon=sites.loc[locked["site_id"], "longitude"].to_numpy())


def _icb_restricted(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    demand = tables["Demand"].copy()
    sites = tables["Sites"].reset_index(drop=True)
    nearest, _ = _nearest_hosts({**tables, "Demand": demand.assign(ics="", region="")}, match_area=False)
    found = nearest >= 0
    ics = demand["ics"].to_numpy(dtype=object).copy()
    region = demand["region"].to_numpy(dtype=object).copy()
    ics[found] = sites["ics"].to_numpy()[nearest[found]]
    region[found & (region != "")] = sites["region"].to_numpy()[nearest[found & (region != "")]]
    # A locked group must be allowed at its locked site: it takes that site's ICB.
    position = pd.Series(np.arange(len(demand)), index=demand["demand_id"])
    for row in _locked_sites(tables).itertuples(index=False):
        i = position[row.demand_id]
        ics[i] = row.ics
        region[i] = row.region if region[i] else ""
    demand["ics"], demand["region"] = ics, region
    return demand


def _tight_travel(tables: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    demand = tables["Demand"].copy()
    _, near = _nearest_hosts(tables, match_area=True)
    limit = rng.choice(np.array(TIGHT_KM, dtype=float), size=len(demand))
    reachable = np.isfinite(near)
    limit[reachable] = np.maximum(limit[reachable], np.ceil(near[reachable] + 0.5))
    position = pd.Series(np.arange(len(demand)), index=demand["demand_id"])
    for row in _locked_sites(tables).itertuples(index=False):
        i = position[row.demand_id]
        far = float(haversine_km(demand["latitude"].iat[i], demand["longitude"].iat[i], row.lat, row.lon))
        limit[i] = max(limit[i], float(np.ceil(far + 0.5)))
    has_coords = demand["latitude"].notna().to_numpy()
    demand["max_travel_km"] = np.where(has_coords, limit, demand["max_travel_km"].to_numpy())
    return demand
