"""The contract's eligibility rules, vectorised over (demand row x pool) pairs, for explanations.

The solver has its own copy of these rules; this one exists so the analysis can say *which*
rule left a group without places. Rules are applied as stages (profession, setting,
suspended sites, ICS/region, travel limit) and every stage's surviving pair count is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, keys, repeat_pairs, shared_codes
from placement_planner.geo import haversine_km

STAGES = ("profession", "setting", "open", "area", "reach")
_CHUNK_PAIRS = 4_000_000


@dataclass
class Pairs:
    """Pairs surviving every static rule, plus per-demand counts after each stage."""

    d: np.ndarray                       # demand row positions (into data.demand)
    pool: np.ndarray
    dist_km: np.ndarray                 # NaN where the demand or the site has no coordinates
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # stage -> per requested row
    no_coords: np.ndarray | None = None  # per requested row: pools lost only for site coords
    nearest_km: np.ndarray | None = None  # per requested row: nearest pool passing the area stage


def _site_arrays(ctx: Context):
    sites = ctx.data.sites
    return (sites["latitude"].to_numpy(dtype=float), sites["longitude"].to_numpy(dtype=float),
            keys(sites["ics"]), keys(sites["region"]))


def eligible_pairs(ctx: Context, rows: np.ndarray, *, reach: bool = True) -> Pairs:
    """Static eligibility (no weeks) of ``rows`` (demand positions) against every pool.

    With ``reach=False`` the travel limit is not applied (used to find the nearest site
    when nothing lies within reach); counts then stop at the area stage.
    """
    rows = np.asarray(rows, dtype=np.int64)
    demand, pools = ctx.data.demand, ctx.pools
    n = len(rows)
    counts = {s: np.zeros(n, dtype=np.int64) for s in STAGES}
    no_coords = np.zeros(n, dtype=np.int64)
    nearest_km = np.full(n, np.inf)
    out_d, out_pool, out_dist = [], [], []
    if n == 0 or len(pools) == 0:
        return Pairs(rows[:0], rows[:0], np.zeros(0), counts, no_coords, nearest_km)

    site_lat, site_lon, site_ics, site_region = _site_arrays(ctx)
    p_site = pools["site_pos"].to_numpy()
    p_set = pools["set_key"].to_numpy(dtype=object)
    p_open = ctx.site_quality[p_site] != "suspended"
    d_prof, p_prof = shared_codes(ctx.demand_prof[rows], pools["prof_key"].to_numpy(dtype=object))
    d_set = ctx.demand_setting[rows]
    d_ics, d_region = keys(demand["ics"])[rows], keys(demand["region"])[rows]
    d_lat = demand["latitude"].to_numpy(dtype=float)[rows]
    d_lon = demand["longitude"].to_numpy(dtype=float)[rows]
    d_limit = ctx.data.travel_limit_km()[rows]
    d_has = ~(np.isnan(d_lat) | np.isnan(d_lon))

    per_pool = np.bincount(p_prof, minlength=max(int(d_prof.max()) + 1, 1)) if len(p_prof) else None
    pair_lens = per_pool[d_prof] if per_pool is not None and len(d_prof) else np.zeros(n, dtype=np.int64)
    cum = np.cumsum(pair_lens)
    start = 0
    while start < n:
        done = int(cum[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cum, done + _CHUNK_PAIRS, side="right")), start + 1)
        local, pool = repeat_pairs(d_prof[start:stop], p_prof)
        i = local + start
        counts["profession"] += np.bincount(i, minlength=n)
        keep = (d_set[i] == "") | (d_set[i] == p_set[pool])
        i, pool = i[keep], pool[keep]
        counts["setting"] += np.bincount(i, minlength=n)
        keep = p_open[pool]
        i, pool = i[keep], pool[keep]
        counts["open"] += np.bincount(i, minlength=n)
        s = p_site[pool]
        keep = (((d_ics[i] == "") | (d_ics[i] == site_ics[s]))
                & ((d_region[i] == "") | (d_region[i] == site_region[s])))
        i, pool, s = i[keep], pool[keep], s[keep]
        counts["area"] += np.bincount(i, minlength=n)
        dist = haversine_km(d_lat[i], d_lon[i], site_lat[s], site_lon[s])
        np.minimum.at(nearest_km, i, np.where(np.isnan(dist), np.inf, dist))
        if reach:
            site_missing = d_has[i] & np.isnan(dist)
            no_coords += np.bincount(i[site_missing], minlength=n)
            keep = ~d_has[i] | (dist <= d_limit[i])
            i, pool, dist = i[keep], pool[keep], dist[keep]
            counts["reach"] += np.bincount(i, minlength=n)
        out_d.append(rows[i])
        out_pool.append(pool)
        out_dist.append(dist)
        start = stop
    if not reach:
        counts["reach"] = counts["area"].copy()
    cat = (lambda parts, dtype: np.concatenate(parts) if parts else np.zeros(0, dtype=dtype))
    return Pairs(cat(out_d, np.int64), cat(out_pool, np.int64), cat(out_dist, float), counts, no_coords,
                 nearest_km)


def window_ok(ctx: Context, grid: np.ndarray, d: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each pair: does ``grid`` (pool x week) hold at least one place in every week of
    some allowed start (nominal start +- flex_weeks) for the demand's whole run of weeks?"""
    demand = ctx.data.demand
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    start = demand["start_week"].to_numpy(dtype=np.int64)[d]
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[d]
    ok = np.zeros(len(d), dtype=bool)
    n_weeks = grid.shape[1]
    used_pools, pool = np.unique(pool, return_inverse=True)
    grid = grid[used_pools]
    for w in np.unique(weeks):
        sel = np.flatnonzero(weeks == w)
        if w > n_weeks or not len(sel):
            continue
        window_min = np.lib.stride_tricks.sliding_window_view(grid, int(w), axis=1).min(axis=2)
        fmax = int(flex[sel].max())
        for off in range(-fmax, fmax + 1):
            t = start[sel] + off
            valid = (np.abs(off) <= flex[sel]) & (t >= 0) & (t + w <= n_weeks)
            hit = np.zeros(len(sel), dtype=bool)
            hit[valid] = window_min[pool[sel][valid], t[valid]] >= 1
            ok[sel] |= hit
    return ok


def week_span(ctx: Context, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last week a demand row could be on placement (flex included)."""
    demand = ctx.data.demand
    start = demand["start_week"].to_numpy(dtype=np.int64)[d]
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[d]
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    return start - flex, start + flex + weeks - 1


def any_in_span(ctx: Context, grid: np.ndarray, d: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each pair: does ``grid`` hold any place in any week of the demand's span?"""
    first, last = week_span(ctx, d)
    csum = np.concatenate([np.zeros((grid.shape[0], 1), dtype=np.int64),
                           np.cumsum(np.maximum(grid, 0), axis=1)], axis=1)
    first = np.clip(first, 0, grid.shape[1])
    last = np.clip(last + 1, 0, grid.shape[1])
    return (csum[pool, last] - csum[pool, first]) > 0


def nearest_sites(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Site position of each row's nearest eligible site (within reach first, then beyond
    it); -1 when the row has no coordinates or no site offers it places at all."""
    rows = np.asarray(rows, dtype=np.int64)
    best = np.full(len(rows), -1, dtype=np.int64)
    if not len(rows):
        return best
    pairs = eligible_pairs(ctx, rows, reach=False)
    has = ~np.isnan(pairs.dist_km)
    d, pool, dist = pairs.d[has], pairs.pool[has], pairs.dist_km[has]
    limit = ctx.data.travel_limit_km()[d]
    score = dist + np.where(dist <= limit, 0.0, 1e9)
    order = np.lexsort((score, d))
    d_sorted = d[order]
    first = np.flatnonzero(np.r_[True, d_sorted[1:] != d_sorted[:-1]]) if len(d_sorted) else d_sorted
    where = pd.Index(rows).get_indexer(d_sorted[first])
    best[where] = ctx.pools["site_pos"].to_numpy()[pool[order][first]]
    return best
