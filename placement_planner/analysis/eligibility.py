"""The contract's eligibility rules as stages, per row *key*, for explanations.

The rules themselves live in ``placement_planner.eligibility`` (shared with the solver); this
module applies them stage by stage so the analysis can say *which* rule left a group without
places. The static rules (profession, setting, suspended sites,
ICS/region) depend only on a row's *class* (its profession, setting, ICS and region), so they
are counted per class against every pool; only the travel limit is checked per row, against
the sites in a latitude band around it (a national plan has ~25k rows and ~3,000 sites).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, factorize_rows, keys, repeat_pairs
from placement_planner.eligibility import EARTH_RADIUS_KM, distance_km, reachable, same_or_blank
from placement_planner.geo import haversine_km

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
    of_row, table = factorize_rows(pd.DataFrame({
        "prof": ctx.demand_prof[rows], "set": ctx.demand_setting[rows],
        "ics": keys(demand["ics"])[rows], "reg": keys(demand["region"])[rows]}))
    p_prof = pools["prof_key"].to_numpy(dtype=object)
    p_open = ctx.site_quality[p_site] != "suspended"
    p_ics, p_reg = keys(sites["ics"])[p_site], keys(sites["region"])[p_site]
    site_lat = sites["latitude"].to_numpy(dtype=float)[p_site]
    site_lon = sites["longitude"].to_numpy(dtype=float)[p_site]
    p_nocoords = np.isnan(site_lat) | np.isnan(site_lon)

    m = table["prof"].to_numpy(dtype=object)[:, None] == p_prof[None, :]
    counts = {"profession": m.sum(axis=1)}
    m = m & same_or_blank(table["set"].to_numpy(dtype=object), pools["set_key"].to_numpy(dtype=object))
    counts["setting"] = m.sum(axis=1)
    m = m & p_open[None, :]
    counts["open"] = m.sum(axis=1)
    m = m & same_or_blank(table["ics"].to_numpy(dtype=object), p_ics) \
        & same_or_blank(table["reg"].to_numpy(dtype=object), p_reg)
    counts["area"] = m.sum(axis=1)
    prof_codes = pd.factorize(pd.Series(np.concatenate([ctx.demand_prof[rows], p_prof]), dtype=object))[0]
    return _Classes(of_row=of_row, row_prof=prof_codes[:len(rows)], prof_code=prof_codes[len(rows):], ok=m,
                    counts=counts, no_coords=(m & p_nocoords[None, :]).sum(axis=1))


def eligible_pairs(ctx: Context, rows: np.ndarray) -> Pairs:
    """Static eligibility (no weeks) of ``rows`` (sorted demand positions) against every pool,
    one pair per (row, pool): for callers that need row-level pairs (the advisor's LP).
    The reasons work per key (``key_pairs``) and never expand to rows x pools."""
    rows = np.asarray(rows, dtype=np.int64)
    key_of_row, reps, pairs = key_pairs(ctx, rows)
    ri, pi = repeat_pairs(key_of_row, pairs.d)   # pairs.d holds key numbers here
    counts = {s: c[key_of_row] for s, c in pairs.counts.items()}
    return Pairs(rows[ri], pairs.pool[pi], pairs.dist_km[pi], counts, pairs.no_coords[key_of_row])


def key_pairs(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, Pairs]:
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
    n_prof = int(max(cls.prof_code.max(initial=0), cls.row_prof.max(initial=0))) + 1
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
    keep = reachable(dist, limit[i])
    return i[keep], site[keep], dist[keep]


def nearest_beyond(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest site (position, km) with a pool passing the class rules, ignoring the travel
    limit; -1 / inf for rows without coordinates or without any such pool. Rows sharing
    class and coordinates are worked out once."""
    rows = np.asarray(rows, dtype=np.int64)
    best_site = np.full(len(rows), -1, dtype=np.int64)
    best_km = np.full(len(rows), np.inf)
    if not len(rows) or not len(ctx.pools):
        return best_site, best_km
    cls = _classes(ctx, rows)
    demand, sites = ctx.data.demand, ctx.data.sites
    lat = demand["latitude"].to_numpy(dtype=float)[rows]
    lon = demand["longitude"].to_numpy(dtype=float)[rows]
    located = ~(np.isnan(lat) | np.isnan(lon))
    spot, table = factorize_rows(pd.DataFrame({"cls": cls.of_row, "lat": np.where(located, lat, 999.0),
                                               "lon": np.where(located, lon, 999.0)}))
    first = np.unique(spot, return_index=True)[1]
    k_cls, k_lat, k_lon, k_located = cls.of_row[first], lat[first], lon[first], located[first]
    k_site = np.full(len(first), -1, dtype=np.int64)
    k_km = np.full(len(first), np.inf)
    s_lat = sites["latitude"].to_numpy(dtype=float)
    s_lon = sites["longitude"].to_numpy(dtype=float)
    pool_site = ctx.pools["site_pos"].to_numpy()
    for k in np.unique(k_cls):
        members = np.flatnonzero((k_cls == k) & k_located)
        cand = np.unique(pool_site[cls.ok[k]])
        cand = cand[~(np.isnan(s_lat[cand]) | np.isnan(s_lon[cand]))]
        if not len(members) or not len(cand):
            continue
        for chunk in np.array_split(members, max(1, len(members) * len(cand) // 2_000_000)):
            km = distance_km(k_lat[chunk], k_lon[chunk], s_lat[cand], s_lon[cand])
            at = np.argmin(km, axis=1)
            k_site[chunk] = cand[at]
            k_km[chunk] = km[np.arange(len(chunk)), at]
    return k_site[spot], k_km[spot]


def nearest_sites(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Site position of each row's nearest eligible site (within reach first, then beyond
    it); -1 when the row has no coordinates or no site offers it places at all.

    The nearest eligible site within reach, when there is one, is the nearest eligible site
    of all; when there is none, the nearest beyond reach is too. So this is ``nearest_beyond``,
    without the pairs within reach (national demand: 0.5 s instead of 1.4 s)."""
    return nearest_beyond(ctx, np.asarray(rows, dtype=np.int64))[0]


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


_PAIR_CELLS = 4_000_000   # (key, pool) pairs x weeks handled at once (bounds memory)


def _per_key(n_keys: int, k: np.ndarray, pool: np.ndarray, per_pool: np.ndarray,
             first: bool = False) -> np.ndarray:
    """(key x week): how many of a key's pools are flagged in ``per_pool`` (pool x week), or
    with ``first`` the lowest such pool (-1 for none); in chunks of bounded size."""
    none = np.iinfo(np.int64).max
    out = np.full((n_keys, per_pool.shape[1]), none if first else 0, dtype=np.int64)
    order = np.argsort(k, kind="stable")
    k, pool = k[order], pool[order]
    step = max(1, _PAIR_CELLS // max(1, per_pool.shape[1]))
    for lo in range(0, len(k), step):
        kc, pc = k[lo:lo + step], pool[lo:lo + step]
        starts = np.flatnonzero(np.r_[True, kc[1:] != kc[:-1]])
        if first:
            part = np.minimum.reduceat(np.where(per_pool[pc], pc[:, None], none), starts, axis=0)
            out[kc[starts]] = np.minimum(out[kc[starts]], part)
        else:
            out[kc[starts]] += np.add.reduceat(per_pool[pc].astype(np.int64), starts, axis=0)
    if first:
        out[out == none] = -1
    return out


def window_flags(ctx: Context, grid: np.ndarray, rows: np.ndarray, key_of_row: np.ndarray,
                 pairs: Pairs, first: bool = False) -> np.ndarray:
    """Per row: does some eligible pool (``pairs`` at key level) hold at least one place of
    ``grid`` (pool x week) in every week of some allowed start (start +- flex_weeks)? With
    ``first``: the lowest such pool instead (-1 for none).

    Worked out per (key, run of weeks, start week), so rows x pools pairs never exist."""
    demand = ctx.data.demand
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[rows]
    start = demand["start_week"].to_numpy(dtype=np.int64)[rows]
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[rows]
    found = np.full(len(rows), -1, dtype=np.int64)
    n_keys, n_weeks = len(pairs.counts["reach"]), grid.shape[1]
    for w in np.unique(weeks):
        sel = np.flatnonzero(weeks == w)
        if w > n_weeks:
            continue
        wanted = np.zeros(n_keys, dtype=bool)
        wanted[key_of_row[sel]] = True
        use = wanted[pairs.d]
        fits = np.lib.stride_tricks.sliding_window_view(grid, int(w), axis=1).min(axis=2) >= 1
        by_key = _per_key(n_keys, pairs.d[use], pairs.pool[use], fits, first)
        if not first:
            by_key = np.where(by_key > 0, 0, -1)   # 0 = some pool fits (its identity unused)
        fmax = int(flex[sel].max())
        for off in sorted(range(-fmax, fmax + 1), key=abs):   # the nominal start first
            t = start[sel] + off
            valid = (np.abs(off) <= flex[sel]) & (t >= 0) & (t + w <= n_weeks) & (found[sel] < 0)
            found[sel[valid]] = by_key[key_of_row[sel][valid], t[valid]]
    return found if first else found >= 0


def span_flags(ctx: Context, grid: np.ndarray, rows: np.ndarray, key_of_row: np.ndarray,
               pairs: Pairs) -> np.ndarray:
    """Per row: does some eligible pool hold any place of ``grid`` in any week of its span?"""
    n_keys = len(pairs.counts["reach"])
    by_key = _per_key(n_keys, pairs.d, pairs.pool, grid > 0) > 0
    csum = np.concatenate([np.zeros((n_keys, 1), dtype=np.int64), np.cumsum(by_key, axis=1)], axis=1)
    first, last = week_span(ctx, rows)
    first = np.clip(first, 0, grid.shape[1])
    last = np.clip(last + 1, 0, grid.shape[1])
    return (csum[key_of_row, last] - csum[key_of_row, first]) > 0
