"""Eligible placements, pruned with numpy before any model exists.

An arc is (group, pool) that passes every eligibility rule of the contract; a placement
option is an arc with one start week whose whole stay finds places in the pool.
"""

from __future__ import annotations

import numpy as np

from placement_planner.eligibility import EARTH_RADIUS_KM, eligible
from placement_planner.solver.groups import Groups
from placement_planner.solver.pools import Pools, Sites

_CHUNK_CELLS = 4_000_000   # group x pool cells tested at once (bounds memory)
_BAND_GROUPS = 256         # groups with coordinates per latitude band


def eligible_arcs(groups: Groups, pools: Pools, sites: Sites) -> tuple[np.ndarray, np.ndarray]:
    """(group, pool) pairs passing profession, setting, suspension, ics/region and travel.

    Groups with coordinates are taken in latitude order, and each block is tested only against
    the pools within its travel limits' latitude band (and pools without coordinates): the
    great-circle distance is at least R times the difference in latitude (radians), so a pool
    outside the band is out of reach (the band has a margin for rounding). The same pairs in
    the same order (by group, then pool) as testing every pool; national 1.24 -> 0.90 s."""
    out_g, out_p = [], []
    pool_ics, pool_region = sites.ics[pools.site], sites.region[pools.site]
    pool_lat, pool_lon = sites.lat[pools.site], sites.lon[pools.site]
    for prof in np.unique(groups.profession):
        g_all = np.flatnonzero(groups.profession == prof)
        p_all = np.flatnonzero(pools.profession == prof)
        if not len(p_all):
            continue
        step = max(1, _CHUNK_CELLS // len(p_all))
        has = ~(np.isnan(groups.lat[g_all]) | np.isnan(groups.lon[g_all]))
        banded = int(has.sum()) * len(p_all) > _CHUNK_CELLS   # pays only beyond one block
        if banded:
            by_lat = g_all[has][np.argsort(groups.lat[g_all[has]], kind="stable")]
            g_all = g_all[~has]
        blocks = [(g_all[lo:lo + step], p_all) for lo in range(0, len(g_all), step)]
        lat_p = pool_lat[p_all]
        band_step = min(step, _BAND_GROUPS)
        for lo in range(0, len(by_lat) if banded else 0, band_step):
            g = by_lat[lo:lo + band_step]
            reach = np.max(groups.limit[g])
            if not np.isfinite(reach):
                blocks.append((g, p_all))
                continue
            band = (reach * (1 + 1e-9) + 1e-6) / np.radians(EARTH_RADIUS_KM)
            lat = groups.lat[g]
            with np.errstate(invalid="ignore"):
                near = (lat_p >= lat.min() - band) & (lat_p <= lat.max() + band)
            blocks.append((g, p_all[near | np.isnan(lat_p)]))
        prof_g, prof_p = [], []
        for g, p in blocks:
            if not len(g) or not len(p):
                continue
            ok = eligible(groups.profession[g], groups.setting[g], groups.ics[g], groups.region[g],
                          groups.lat[g], groups.lon[g], groups.limit[g],
                          pools.profession[p], pools.setting[p], pool_ics[p], pool_region[p],
                          pool_lat[p], pool_lon[p])
            gi, pi = np.nonzero(ok)
            prof_g.append(g[gi])
            prof_p.append(p[pi])
        if prof_g:
            g, p = np.concatenate(prof_g), np.concatenate(prof_p)
            order = np.lexsort((p, g)) if banded else slice(None)
            out_g.append(g[order])
            out_p.append(p[order])
    if not out_g:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_g).astype(np.int64), np.concatenate(out_p).astype(np.int64)


def placement_options(groups: Groups, pools: Pools, arc_g: np.ndarray, arc_p: np.ndarray):
    """Every (group, pool, start week) whose weeks t..t+weeks-1 all have places.

    Returns (group, pool, start, upper bound) arrays; the bound is the fewest places
    offered over the stay, capped by the group's learners.
    """
    n_weeks = pools.places.shape[1]
    zero_prefix = np.zeros((len(pools), n_weeks + 1), dtype=np.int32)
    np.cumsum(pools.places <= 0, axis=1, out=zero_prefix[:, 1:])
    flex = groups.flex[arc_g]
    n_opt = 2 * flex + 1
    rep = np.repeat(np.arange(len(arc_g)), n_opt)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(n_opt) - n_opt, n_opt) - flex[rep]
    g, p = arc_g[rep], arc_p[rep]
    t = groups.start[g] + offset
    end = t + groups.weeks[g]
    ok = (t >= 0) & (end <= n_weeks)
    g, p, t, end = g[ok], p[ok], t[ok], end[ok]
    ok = zero_prefix[p, end] == zero_prefix[p, t]
    g, p, t, end = g[ok], p[ok], t[ok], end[ok]
    ub = np.minimum(groups.learners[g], _window_min(pools.places, p, t, end))
    return g, p, t, ub


def _window_min(places: np.ndarray, p: np.ndarray, t: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Fewest places over each window, by a sparse table (log2(weeks) numpy passes)."""
    if not len(p):
        return np.zeros(0, np.int64)
    table = [places]
    while (1 << len(table)) <= places.shape[1]:
        prev, half = table[-1], 1 << (len(table) - 1)
        table.append(np.minimum(prev[:, :-half], prev[:, half:]))
    length = end - t
    level = np.floor(np.log2(length)).astype(np.int64)
    out = np.empty(len(p), dtype=np.int64)
    for k in np.unique(level):
        m = level == k
        tab = table[k]
        out[m] = np.minimum(tab[p[m], t[m]], tab[p[m], end[m] - (1 << k)])
    return out
