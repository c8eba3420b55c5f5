"""Synthetic capacity sized from where learners would plausibly go, with real gaps and holiday dips.

Each learner of each demand group is sent to a nearby site that hosts the profession
(weighted by site size and distance); a site's places for a term are then that term's
peak load times a factor near 1, lower for the few (profession, region) pairs chosen to
be short. So the data is solvable near every campus, most groups can be placed, and the
shortfalls sit where they were put.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.generate.profiles import OFFERS, SPECIALIST_BOOST, AcademicYear, Scale
from placement_planner.geo import haversine_km

NEAR_KM = 45.0          # learners are sent within this distance (the default limit is 50 km)
GRID = 64               # weeks held in the load arrays (52 + the longest overrun)


@dataclass
class Pools:
    """One row per (site, profession, setting) a site could host."""

    table: pd.DataFrame   # site, profession, setting, weight, latitude, longitude, ics, region


def build_pools(sites: pd.DataFrame) -> Pools:
    rows = []
    columns = zip(sites["_kind"], sites["_also_community"], sites["_specialist"], sites["_weight"])
    for i, (kind, community, specialist, site_weight) in enumerate(columns):
        offers = list(OFFERS[kind])
        if community:
            offers += [(p, s, w * 0.5) for p, s, w in OFFERS["community"]]
        for profession, setting, weight in offers:
            boost = 1.0
            for key, prof, factor in SPECIALIST_BOOST:
                if key in specialist and prof == profession:
                    boost *= factor
            rows.append((i, profession, setting, weight * site_weight * boost))
    table = pd.DataFrame(rows, columns=["site", "profession", "setting", "weight"])
    table = table.groupby(["site", "profession", "setting"], as_index=False)["weight"].sum()
    for col in ("latitude", "longitude", "ics", "region"):
        table[col] = sites[col].to_numpy()[table["site"].to_numpy()]
    return Pools(table)


class _PoolIndex:
    """Pools by profession, as numpy arrays, for fast candidate look-ups."""

    def __init__(self, pools: pd.DataFrame):
        self.by_profession = {p: idx.to_numpy() for p, idx in pools.groupby("profession").groups.items()}
        self.setting = pools["setting"].to_numpy(dtype=object)
        self.ics = pools["ics"].to_numpy(dtype=object)
        self.region = pools["region"].to_numpy(dtype=object)
        self.lat = pools["latitude"].to_numpy(dtype=float)
        self.lon = pools["longitude"].to_numpy(dtype=float)

    def candidates(self, key: tuple, lat: float, lon: float):
        """Pool indices a demand key may use and their distances, relaxing setting / area if none exist."""
        profession, setting, ics, region = key
        base = self.by_profession.get(profession, np.array([], dtype=np.int64))
        for use_setting, use_area in ((True, True), (False, True), (False, False)):
            idx = base
            if use_setting and setting:
                idx = idx[self.setting[idx] == setting]
            if use_area and ics:
                idx = idx[self.ics[idx] == ics]
            if use_area and region:
                idx = idx[self.region[idx] == region]
            if len(idx):
                return idx, haversine_km(lat, lon, self.lat[idx], self.lon[idx]), use_setting, use_area
        return base, np.array([]), False, False


def assign_learners(demand: pd.DataFrame, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """(row, pool, learners, distance) for every learner, grouped; relaxes demand rows with no match."""
    index = _PoolIndex(pools.table)
    weight = pools.table["weight"].to_numpy()
    learners = demand["learners"].to_numpy()
    lats, lons = demand["latitude"].to_numpy(), demand["longitude"].to_numpy()
    row_parts, pool_parts, dist_parts = [], [], []
    keys = ["_campus", "profession", "setting", "ics", "region"]
    for (campus, *key), members in sorted(demand.groupby(keys, sort=False).indices.items()):
        idx, dist, kept_setting, kept_area = index.candidates(tuple(key), lats[members[0]], lons[members[0]])
        if not len(dist):
            continue
        if not kept_setting:
            demand.loc[demand.index[members], "setting"] = ""
        if not kept_area:
            demand.loc[demand.index[members], ["ics", "region"]] = ""
        near = dist <= NEAR_KM
        if near.sum() < 3:
            near = np.zeros(len(idx), dtype=bool)
            near[np.argsort(dist)[:5]] = True
        idx, dist = idx[near], dist[near]
        p = weight[idx] * np.exp(-dist / 20.0)
        rows = np.repeat(demand.index.to_numpy()[members], learners[members])
        pick = rng.choice(len(idx), size=len(rows), p=p / p.sum())
        row_parts.append(rows)
        pool_parts.append(idx[pick])
        dist_parts.append(dist[pick])
    pairs = pd.DataFrame({"row": np.concatenate(row_parts), "pool": np.concatenate(pool_parts),
                          "distance": np.concatenate(dist_parts)})
    return (pairs.groupby(["row", "pool"], as_index=False, sort=True)
            .agg(learners=("distance", "size"), distance=("distance", "first")))


def _load(demand: pd.DataFrame, assigned: pd.DataFrame, n_pools: int) -> np.ndarray:
    start = demand["_start_week"].to_numpy()[assigned["row"].to_numpy()]
    end = np.minimum(start + demand["weeks"].to_numpy()[assigned["row"].to_numpy()], GRID)
    diff = np.zeros((n_pools, GRID + 1))
    np.add.at(diff, (assigned["pool"].to_numpy(), start), assigned["learners"].to_numpy())
    np.add.at(diff, (assigned["pool"].to_numpy(), end), -assigned["learners"].to_numpy())
    return np.cumsum(diff, axis=1)[:, :GRID]


def gap_factors(demand: pd.DataFrame, scale: Scale, rng: np.random.Generator) -> dict[tuple[str, str], float]:
    """(profession, region) -> capacity factor: a few pairs get far fewer places than they need."""
    load = demand.groupby(["profession", "_region"])["learners"].sum().sort_index()
    chosen = rng.random(len(load)) < scale.gap_share
    big = load.to_numpy() >= np.quantile(load.to_numpy(), 0.5)
    if not (chosen & big).any():    # always at least one visible gap in a sizeable profession
        chosen[rng.choice(np.flatnonzero(big))] = True
    return {k: float(rng.uniform(0.55, 0.75)) for k, c in zip(load.index, chosen) if c}


def _blocks(year: AcademicYear, pattern: int) -> list[tuple[int, int, str]]:
    (x0, x1), (e0, e1) = year.christmas, year.easter
    summer_end = year.terms[2][1]
    if pattern == 2:   # closed over the holidays
        return [(0, x0 - 1, "term"), (x1 + 1, e0 - 1, "term"), (e1 + 1, summer_end, "term")]
    terms = [(0, x0 - 1), (x1 + 1, e0 - 1), (e1 + 1, summer_end)]
    if pattern == 1:   # half-term blocks
        terms = [half for a, b in terms for half in ((a, (a + b) // 2), ((a + b) // 2 + 1, b))]
    blocks = [(a, b, "term") for a, b in terms]
    blocks += [(x0, x1, "dip"), (e0, e1, "dip"), (summer_end + 1, year.weeks - 1, "summer")]
    return sorted(blocks)


def build_capacity(sites: pd.DataFrame, demand: pd.DataFrame, pools: Pools, assigned: pd.DataFrame,
                   locked_load: np.ndarray, scale: Scale, year: AcademicYear,
                   rng: np.random.Generator) -> pd.DataFrame:
    table = pools.table
    load = _load(demand, assigned, len(table))
    factors = gap_factors(demand, scale, rng)
    used = np.flatnonzero(load.max(axis=1) > 0)
    # Sites nobody was sent to still offer a place or two (spare capacity is real too).
    best = table.sort_values(["site", "weight"], kind="stable").drop_duplicates("site", keep="last")
    spare = best.index[~best["site"].isin(table["site"].to_numpy()[used])].to_numpy()
    chosen = np.concatenate([used, spare])
    is_spare = np.r_[np.zeros(len(used), bool), np.ones(len(spare), bool)]
    gap = np.array([factors.get(k, 1.0) for k in zip(table["profession"].to_numpy()[chosen],
                                                       table["region"].to_numpy()[chosen])])
    factor = gap * rng.uniform(0.8, 1.05, len(chosen))
    pattern = rng.choice(3, size=len(chosen), p=[0.5, 0.3, 0.2])
    extra = (rng.random(len(chosen)) < 0.1).astype(np.int64)
    spare_places = rng.integers(1, 3, len(chosen))
    parts = []
    for pat in range(3):
        sel = np.flatnonzero(pattern == pat)
        pools_sel = chosen[sel]
        last_term = np.zeros(len(sel), dtype=np.int64)
        for first, last, kind in _blocks(year, pat):
            peak = load[pools_sel, first:last + 1].max(axis=1)
            places = np.rint(peak * factor[sel]).astype(np.int64) + extra[sel] * (peak > 0)
            if kind == "term":
                places = np.where(is_spare[sel], spare_places[sel], places)
                last_term = places
            elif kind == "dip":
                places = np.maximum(places, (0.4 * last_term).astype(np.int64))
            else:
                places = (0.3 * last_term).astype(np.int64)
            places = np.maximum(places, locked_load[pools_sel, first:last + 1].max(axis=1).astype(np.int64))
            keep = places > 0
            parts.append(pd.DataFrame({"_pool": pools_sel[keep], "_first": first, "_last": last,
                                       "places": places[keep]}))
    cap = pd.concat(parts, ignore_index=True)
    pool = cap["_pool"].to_numpy()
    cap["site_id"] = sites["site_id"].to_numpy()[table["site"].to_numpy()[pool]]
    cap["profession"] = table["profession"].to_numpy()[pool]
    cap["setting"] = table["setting"].to_numpy()[pool]
    week0 = pd.Timestamp(year.week0)
    cap["start_date"] = week0 + pd.to_timedelta(cap["_first"] * 7, unit="D")
    cap["end_date"] = week0 + pd.to_timedelta(cap["_last"] * 7 + 4, unit="D")   # the Friday
    return cap


def pick_locked(sites: pd.DataFrame, demand: pd.DataFrame, pools: Pools, assigned: pd.DataFrame,
                scale: Scale, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """A few agreed allocations (at usable sites, for fixed-start groups) and their weekly load."""
    table = pools.table
    site_of = table["site"].to_numpy()[assigned["pool"].to_numpy()]
    ok = (sites["quality"].to_numpy()[site_of] != "suspended") & \
         (demand["flex_weeks"].to_numpy()[assigned["row"].to_numpy()] == 0)
    options = assigned[ok].drop_duplicates("row")
    take = options.iloc[rng.choice(len(options), size=min(scale.locked, len(options)), replace=False)]
    take = take.sort_values("row")
    learners = np.array([int(rng.integers(1, n + 1)) for n in take["learners"]], dtype=np.int64)
    locked = pd.DataFrame({
        "demand_id": demand["demand_id"].to_numpy()[take["row"].to_numpy()],
        "site_id": sites["site_id"].to_numpy()[table["site"].to_numpy()[take["pool"].to_numpy()]],
        "learners": learners, "setting": table["setting"].to_numpy()[take["pool"].to_numpy()],
    })
    load = _load(demand, take.assign(learners=learners), len(table))
    return locked, load
