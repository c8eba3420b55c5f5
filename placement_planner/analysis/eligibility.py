"""The contract's eligibility rules, vectorised over (demand row x pool) pairs, for explanations.

The solver has its own copy of these rules; this one exists so the analysis can say *which*
rule left a group without places. The static rules (profession, setting, suspended sites,
ICS/region) depend only on a row's *class* (its profession, setting, ICS and region), so they
are counted per class against every pool; only the travel limit is checked per row, against
the sites in a latitude band around it (a national plan has ~25k rows and ~3,000 sites).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, factorize_rows, keys, repeat_pairs, shared_codes
from placement_planner.geo import EARTH_RADIUS_KM, haversine_km

STAGES = ("profession", "setting", "open", "area", "reach")
_KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0


@dataclass
class Pairs:
    """(demand row, pool) pairs passing every static rule, and per-row counts per stage."""

    d: np.ndarray                       # demand row positions (into data.demand)
    pool: np.ndarray
    dist_km: np.ndarray                 # NaN where the demand has no coordinates
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # stage -> per requested row
    no_coords: np.ndarray | None = None  # per requested row: pools ruled out for lack of site coords


@dataclass
class _Classes:
    """Demand rows grouped by the fields the static rules read; ``ok`` is class x pool."""

    of_row: np.ndarray                  # class of each requested row
    row_prof: np.ndarray                # profession code of each requested row
    prof_code: np.ndarray               # profession code of each pool
    ok: np.ndarray                      # bool (class x pool): passes profession..area
    counts: dict[str, np.ndarray]       # stage -> per class (profession..area)
    no_coords: np.ndarray               # per class: passing pools at sites without coordinates


def _classes(ctx: Context, rows: np.ndarray) -> _Classes:
    demand, pools, sites = ctx.data.demand, ctx.pools, ctx.data.sites
    p_site = pools["site_pos"].to_numpy()
    blank = np.array([""], dtype=object)
    d_prof, p_prof = shared_codes(ctx.demand_prof[rows], pools["prof_key"].to_numpy(dtype=object))
    d_set, p_set, (blank_set,) = shared_codes(ctx.demand_setting[rows],
                                              pools["set_key"].to_numpy(dtype=object), blank)
    d_ics, s_ics, (blank_ics,) = shared_codes(keys(demand["ics"])[rows], keys(sites["ics"]), blank)
    d_reg, s_reg, (blank_reg,) = shared_codes(keys(demand["region"])[rows], keys(sites["region"]), blank)
    of_row, table = factorize_rows(pd.DataFrame({"prof": d_prof, "set": d_set, "ics": d_ics, "reg": d_reg}))
    p_open = ctx.site_quality[p_site] != "suspended"
    p_ics, p_reg = s_ics[p_site], s_reg[p_site]
    site_lat = sites["latitude"].to_numpy(dtype=float)[p_site]
    site_lon = sites["longitude"].to_numpy(dtype=float)[p_site]
    p_nocoords = np.isnan(site_lat) | np.isnan(site_lon)

    c_prof, c_set = table["prof"].to_numpy()[:, None], table["set"].to_numpy()[:, None]
    c_ics, c_reg = table["ics"].to_numpy()[:, None], table["reg"].to_numpy()[:, None]
    m = p_prof[None, :] == c_prof
    counts = {"profession": m.sum(axis=1)}
    m = m & ((c_set == blank_set) | (p_set[None, :] == c_set))
    counts["setting"] = m.sum(axis=1)
    m = m & p_open[None, :]
    counts["open"] = m.sum(axis=1)
    m = m & ((c_ics == blank_ics) | (p_ics[None, :] == c_ics)) & ((c_reg == blank_reg) | (p_reg[None, :] == c_reg))
    counts["area"] = m.sum(axis=1)
    return _Classes(of_row=of_row, row_prof=d_prof, prof_code=p_prof, ok=m, counts=counts,
                    no_coords=(m & p_nocoords[None, :]).sum(axis=1))


def eligible_pairs(ctx: Context, rows: np.ndarray) -> Pairs:
    """Static eligibility (no weeks) of ``rows`` (sorted demand positions) against every pool."""
    rows = np.asarray(rows, dtype=np.int64)
    key_of_row, reps, pairs = _key_pairs(ctx, rows)
    ri, pi = repeat_pairs(key_of_row, pairs.d)   # pairs.d holds key numbers here
    counts = {s: c[key_of_row] for s, c in pairs.counts.items()}
    return Pairs(rows[ri], pairs.pool[pi], pairs.dist_km[pi], counts, pairs.no_coords[key_of_row])


def _key_pairs(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, Pairs]:
    """Rows sharing class, coordinates and travel limit share their eligible pools: work out
    the pairs once per such key. Returns key of each row, a representative row per key, and
    the key-level Pairs (``d`` = key number, counts per key)."""
    n = len(rows)
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or len(ctx.pools) == 0:
        zero = np.zeros(n, dtype=np.int64)
        return (np.arange(n), rows, Pairs(empty, empty, np.zeros(0), {s: zero for s in STAGES}, zero))
    cls = _classes(ctx, rows)
    demand = ctx.data.demand
    lat = demand["latitude"].to_numpy(dtype=float)[rows]
    lon = demand["longitude"].to_numpy(dtype=float)[rows]
    has = ~(np.isnan(lat) | np.isnan(lon))
    limit = ctx.data.travel_limit_km()[rows]
    key_of_row, _ = factorize_rows(pd.DataFrame({
        "cls": cls.of_row, "lat": np.where(has, lat, 999.0), "lon": np.where(has, lon, 999.0),
        "limit": np.where(has, limit, 0.0)}))
    first = np.unique(key_of_row, return_index=True)[1]
    k_cls, k_has = cls.of_row[first], has[first]
    counts = {s: cls.counts[s][k_cls] for s in STAGES[:-1]}

    # Keys with coordinates: sites within reach, then their pools of the key's profession
    # that pass the class rules.
    i, site, dist = sites_within(ctx, lat[first], lon[first], limit[first],
                                 np.flatnonzero(k_has & (counts["area"] > 0)))
    pools = ctx.pools
    n_prof = int(cls.prof_code.max()) + 1 if len(cls.prof_code) else 1
    pi, pool = repeat_pairs(site * n_prof + cls.row_prof[first][i], pools["site_pos"].to_numpy() * n_prof
                            + cls.prof_code)
    keep = cls.ok[k_cls[i[pi]], pool]
    near_i, near_pool, near_dist = i[pi][keep], pool[keep], dist[pi][keep]

    # Keys without coordinates: every pool passing the class rules.
    far = np.flatnonzero(~k_has & (counts["area"] > 0))
    fi, fpool = np.nonzero(cls.ok[k_cls[far]])
    fi = far[fi]

    k = np.concatenate([near_i, fi])
    counts["reach"] = np.bincount(k, minlength=len(first))
    no_coords = np.where(k_has, cls.no_coords[k_cls], 0)
    pairs = Pairs(k, np.concatenate([near_pool, fpool]),
                  np.concatenate([near_dist, np.full(len(fi), np.nan)]), counts, no_coords)
    return key_of_row, rows[first], pairs


def sites_within(ctx: Context, lat: np.ndarray, lon: np.ndarray, limit: np.ndarray,
                 which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, site position, km) for rows ``which`` and every site with coordinates within
    ``limit[i]`` km; candidates are first narrowed to a latitude band around each row."""
    sites = ctx.data.sites
    s_lat = sites["latitude"].to_numpy(dtype=float)
    s_lon = sites["longitude"].to_numpy(dtype=float)
    located = np.flatnonzero(~(np.isnan(s_lat) | np.isnan(s_lon)))
    order = located[np.argsort(s_lat[located], kind="stable")]
    sorted_lat = s_lat[order]
    band = limit[which] / _KM_PER_DEGREE + 1e-9
    lo = np.searchsorted(sorted_lat, lat[which] - band, side="left")
    hi = np.searchsorted(sorted_lat, lat[which] + band, side="right")
    lens = hi - lo
    i = np.repeat(which, lens)
    offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    site = order[np.repeat(lo, lens) + offsets]
    dist = haversine_km(lat[i], lon[i], s_lat[site], s_lon[site])
    keep = dist <= limit[i]
    return i[keep], site[keep], dist[keep]


def nearest_beyond(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest site (position, km) with a pool passing the class rules, ignoring the travel
    limit; -1 / inf for rows without coordinates or without any such pool."""
    rows = np.asarray(rows, dtype=np.int64)
    best_site = np.full(len(rows), -1, dtype=np.int64)
    best_km = np.full(len(rows), np.inf)
    if not len(rows) or not len(ctx.pools):
        return best_site, best_km
    cls = _classes(ctx, rows)
    demand, sites = ctx.data.demand, ctx.data.sites
    lat = demand["latitude"].to_numpy(dtype=float)[rows]
    lon = demand["longitude"].to_numpy(dtype=float)[rows]
    s_lat = sites["latitude"].to_numpy(dtype=float)
    s_lon = sites["longitude"].to_numpy(dtype=float)
    pool_site = ctx.pools["site_pos"].to_numpy()
    for k in np.unique(cls.of_row):
        members = np.flatnonzero((cls.of_row == k) & ~(np.isnan(lat) | np.isnan(lon)))
        cand = np.unique(pool_site[cls.ok[k]])
        cand = cand[~(np.isnan(s_lat[cand]) | np.isnan(s_lon[cand]))]
        if not len(members) or not len(cand):
            continue
        for chunk in np.array_split(members, max(1, len(members) * len(cand) // 2_000_000)):
            km = haversine_km(lat[chunk, None], lon[chunk, None], s_lat[None, cand], s_lon[None, cand])
            at = np.argmin(km, axis=1)
            best_site[chunk] = cand[at]
            best_km[chunk] = km[np.arange(len(chunk)), at]
    return best_site, best_km


def nearest_sites(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Site position of each row's nearest eligible site (within reach first, then beyond
    it); -1 when the row has no coordinates or no site offers it places at all."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    key_of_row, reps, pairs = _key_pairs(ctx, rows)
    best = np.full(len(reps), -1, dtype=np.int64)
    located = ~np.isnan(pairs.dist_km)
    k, pool, dist = pairs.d[located], pairs.pool[located], pairs.dist_km[located]
    order = np.lexsort((dist, k))
    k_sorted = k[order]
    first = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]]) if len(k_sorted) else k_sorted
    best[k_sorted[first]] = ctx.pools["site_pos"].to_numpy()[pool[order][first]]
    missing = np.flatnonzero(best < 0)
    best[missing] = nearest_beyond(ctx, reps[missing])[0]
    return best[key_of_row]


def window_ok(ctx: Context, grid: np.ndarray, d: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each pair: does ``grid`` (pool x week) hold at least one place in every week of
    some allowed start (nominal start +- flex_weeks) for the demand's whole run of weeks?"""
    demand = ctx.data.demand
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    start = demand["start_week"].to_numpy(dtype=np.int64)[d]
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[d]
    ok = np.zeros(len(d), dtype=bool)
    n_weeks = grid.shape[1]
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
