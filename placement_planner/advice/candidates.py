"""Candidate Capacity rows to add, before any re-solve: from the local LP's capacity duals
(pool x week runs where one more place is worth something) and, for groups no site can take,
a new block at the nearest site in reach whose provider already offers the profession."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement_planner.analysis.common import Context, keys
from placement_planner.analysis.eligibility import eligible_pairs, sites_within
from placement_planner.advice.lp import LocalLP

DUAL_EPS = 1e-6


@dataclass
class Candidate:
    site_id: str
    profession: str
    setting: str
    start_week: int
    end_week: int
    places: int
    estimate: float          # first-order weighted learners (ranking only, never reported as a gain)
    source: str              # "capacity dual" | "no eligible site" | "unplaced group"

    @property
    def weeks(self) -> int:
        return self.end_week - self.start_week + 1

    def key(self) -> tuple:
        return (self.site_id, keys([self.profession])[0], keys([self.setting])[0])


def _unplaced_reach(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Per pool: weighted learners left over among the groups that could use it (static rules)."""
    demand = ctx.data.demand
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    rows = np.flatnonzero(left > 0)
    pairs = eligible_pairs(ctx, rows)
    reach = np.bincount(pairs.pool, weights=(left * ctx.weights)[pairs.d], minlength=len(ctx.pools))
    return reach, pairs


def from_duals(ctx: Context, lp: LocalLP, places: int) -> list[Candidate]:
    """Pools where a place is worth something (positive duals), each offered ``places`` more
    places over the weeks of the groups left over that could use it there. A dual alone marks
    the one binding week, but a learner needs every week of a placement, so the window is the
    union of those groups' weeks (merged where they overlap)."""
    demand = ctx.data.demand
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    _, pairs = _unplaced_reach(ctx)
    start = demand["start_week"].to_numpy(dtype=np.int64)
    last = start + demand["weeks"].to_numpy(dtype=np.int64) - 1
    valuable = (lp.duals > DUAL_EPS)
    out = []
    for p in np.flatnonzero(valuable.any(axis=1)):
        rows = pairs.d[pairs.pool == p]
        hot = np.flatnonzero(valuable[p])
        rows = rows[[bool(((hot >= start[r]) & (hot <= last[r])).any()) for r in rows]]
        if not len(rows):
            continue
        for first, end, members in _clusters(rows, start, last):
            load = np.zeros(end - first + 1, dtype=np.int64)
            for r in members:
                load[start[r] - first:last[r] - first + 1] += left[r]
            n = int(min(places, load.max()))
            value = float(lp.duals[p, first:end + 1].sum()) * n
            weighted = float((left * ctx.weights)[members].sum())
            out.append(Candidate(str(ctx.pools["site_id"].iat[p]), str(ctx.pools["profession"].iat[p]),
                                 str(ctx.pools["setting"].iat[p]), int(first), int(end), n,
                                 min(value, weighted), "capacity dual"))
    return out


def _clusters(rows: np.ndarray, start: np.ndarray, last: np.ndarray):
    """Groups of rows whose weeks overlap (merged intervals): (first, last, rows)."""
    order = rows[np.argsort(start[rows], kind="stable")]
    group, first, end = [], None, None
    for r in order:
        if group and start[r] > end:
            yield first, end, np.array(group)
            group = []
        if not group:
            first, end = int(start[r]), int(last[r])
        group.append(r)
        end = max(end, int(last[r]))
    if group:
        yield first, end, np.array(group)


def from_unplaced(ctx: Context, places: int, per_row: int = 2) -> list[Candidate]:
    """For each group with learners left: more places at its nearest eligible pools, in its weeks
    (used where the LP was too large to solve in time)."""
    demand = ctx.data.demand
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    _, pairs = _unplaced_reach(ctx)
    out = []
    dist = np.where(np.isnan(pairs.dist_km), 0.0, pairs.dist_km)
    order = np.lexsort((dist, pairs.d))
    seen: dict[int, int] = {}
    for i in order:
        r, p = int(pairs.d[i]), int(pairs.pool[i])
        if seen.get(r, 0) >= per_row:
            continue
        seen[r] = seen.get(r, 0) + 1
        first = int(demand["start_week"].iat[r])
        n = min(places, int(left[r]))
        out.append(Candidate(str(ctx.pools["site_id"].iat[p]), str(ctx.pools["profession"].iat[p]),
                             str(ctx.pools["setting"].iat[p]), first,
                             first + int(demand["weeks"].iat[r]) - 1, n,
                             float(ctx.weights[r] * n), "unplaced group"))
    return out


def nearest_open_site(ctx: Context, rows: np.ndarray) -> dict[int, tuple[int, float]]:
    """For rows with coordinates: the nearest open site within their travel limit and area
    (ics / region), preferring a provider that already offers places of some profession
    planned here. {row: (site position, km)}; rows with no such site are left out."""
    data = ctx.data
    demand, sites = data.demand, data.sites
    lat = demand["latitude"].to_numpy(dtype=float)
    lon = demand["longitude"].to_numpy(dtype=float)
    rows = np.asarray(rows, dtype=np.int64)
    rows = rows[~(np.isnan(lat[rows]) | np.isnan(lon[rows]))]
    if not len(rows):
        return {}
    i, site, km = sites_within(ctx, lat, lon, data.travel_limit_km(), rows)
    s_ics, s_reg = keys(sites["ics"]), keys(sites["region"])
    d_ics, d_reg = keys(demand["ics"]), keys(demand["region"])
    ok = (ctx.site_quality[site] != "suspended") & ((d_ics[i] == "") | (d_ics[i] == s_ics[site])) \
        & ((d_reg[i] == "") | (d_reg[i] == s_reg[site]))
    i, site, km = i[ok], site[ok], km[ok]
    providers = set(keys(sites["provider"].iloc[ctx.pools["site_pos"].to_numpy()]))
    offers = np.array([p in providers for p in keys(sites["provider"])], dtype=bool)
    out = {}
    for r in np.unique(i):
        mine = np.flatnonzero(i == r)
        best = mine[np.lexsort((km[mine], ~offers[site[mine]]))[0]]
        out[int(r)] = (int(site[best]), float(km[best]))
    return out


def no_eligible_site(ctx: Context, places: int) -> list[Candidate]:
    """Groups that no pool can take at all: a new block at the nearest open site in their reach
    and area, preferring a provider that already offers the profession."""
    demand, sites = ctx.data.demand, ctx.data.sites
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    rows = np.flatnonzero(left > 0)
    if not len(rows):
        return []
    pairs = eligible_pairs(ctx, rows)
    none = rows[np.bincount(np.searchsorted(rows, pairs.d), minlength=len(rows)) == 0]
    best: dict[tuple, list] = {}
    for r, (s, _km) in nearest_open_site(ctx, none).items():
        setting = str(demand["setting"].iat[r] or "")
        first = int(demand["start_week"].iat[r])
        last = first + int(demand["weeks"].iat[r]) - 1
        entry = best.setdefault((s, setting), [first, last, 0, 0.0])
        entry[0], entry[1] = min(entry[0], first), max(entry[1], last)
        entry[2] += int(left[r])
        entry[3] += float(ctx.weights[r] * left[r])
    if not best:
        return []
    profession = str(demand["profession"].iat[int(none[0])])
    out = []
    for (s, setting), (first, last, learners, weighted) in best.items():
        n = min(places, learners)
        out.append(Candidate(str(sites["site_id"].iat[s]), profession, setting, first, last, n,
                             weighted * n / max(learners, 1), "no eligible site"))
    return out


def journeys_missing_setting(ctx: Context) -> dict[int, str]:
    """{demand row: the one required setting its journey lacks} for journeys held back whole
    because one required setting is offered at no pool any of their rows may use. Every row of
    such a journey is listed; the setting is given as the journey gives it."""
    demand = ctx.data.demand
    if "journey" not in demand.columns:
        return {}
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    journeys = demand["journey"].fillna("").astype(str).to_numpy()
    rows = np.flatnonzero((journeys != "") & (left > 0))
    if not len(rows):
        return {}
    pairs = eligible_pairs(ctx, rows)
    pool_setting = keys(ctx.pools["setting"])
    members: dict[str, list[int]] = {}
    for r in np.flatnonzero(journeys != ""):
        members.setdefault(journeys[r], []).append(int(r))
    out: dict[int, str] = {}
    for journey, mine in members.items():
        if (left[mine] <= 0).any():        # some learners placed: the setting is on offer
            continue
        texts = sorted({str(s) for r in mine for s in (demand["required_settings"].iat[r] or ())})
        required = dict(zip(keys(texts), texts))        # key -> the setting as the journey gives it
        reached = {pool_setting[p] for p in pairs.pool[np.isin(pairs.d, mine)]}
        missing = sorted(set(required) - reached - {""})
        if len(missing) == 1:              # one Capacity row can add one setting only
            out.update({r: required[missing[0]] for r in mine})
    return out


def can_give(ctx: Context, row: int, setting: str) -> bool:
    """May this demand row be placed in ``setting`` (its own setting blank or that one)?"""
    own = keys([ctx.data.demand["setting"].iat[row]])[0]
    return own in ("", keys([setting])[0])


def journey_missing_setting(ctx: Context, places: int, per_journey: int = 2) -> list[Candidate]:
    """Journeys held back whole by one required setting that no pool any of their rows may use
    offers: a new block in that setting at the nearest site a row without a fixed setting (or
    fixed to that one) already reaches, in that row's weeks. Another place in a pool they reach
    cannot help such a journey, so the dual and nearest-pool candidates never find it."""
    missing = journeys_missing_setting(ctx)
    if not missing:
        return []
    demand = ctx.data.demand
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    start = demand["start_week"].to_numpy(dtype=np.int64)
    weeks = demand["weeks"].to_numpy(dtype=np.int64)
    journeys = demand["journey"].fillna("").astype(str).to_numpy()
    rows = np.array(sorted(missing), dtype=np.int64)
    pairs = eligible_pairs(ctx, rows)
    dist = np.where(np.isnan(pairs.dist_km), 0.0, pairs.dist_km)
    out, made = [], {}
    for r in sorted(missing, key=lambda r: (journeys[r], start[r])):
        setting, journey = missing[r], journeys[r]
        if made.get(journey, 0) >= per_journey or not can_give(ctx, r, setting):
            continue
        at = np.flatnonzero(pairs.d == r)
        if not len(at):
            continue
        p = int(pairs.pool[at[np.argmin(dist[at])]])
        n = int(min(places, left[r]))
        weighted = float(sum(left[o] * ctx.weights[o] for o in missing if journeys[o] == journey))
        out.append(Candidate(str(ctx.pools["site_id"].iat[p]), str(ctx.pools["profession"].iat[p]),
                             setting, int(start[r]), int(start[r] + weeks[r] - 1), n,
                             weighted * n / max(int(left[r]), 1), "journey's missing setting"))
        made[journey] = made.get(journey, 0) + 1
    return out


def journey_span(ctx: Context, places: int, most: int = 5) -> list[Candidate]:
    """Journeys with learners left: more places over a journey's whole span (its first row's
    earliest start to its last row's latest end) at the pool most of its rows may use. A journey
    learner needs a place in every row's weeks, so places in one row's weeks alone (the dual and
    nearest-pool candidates) place no one when several rows are short."""
    demand = ctx.data.demand
    if "journey" not in demand.columns:
        return []
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    journeys = demand["journey"].fillna("").astype(str).to_numpy()
    rows = np.flatnonzero((journeys != "") & (left > 0))
    if not len(rows):
        return []
    pairs = eligible_pairs(ctx, rows)
    dist = np.where(np.isnan(pairs.dist_km), 0.0, pairs.dist_km)
    start = demand["start_week"].to_numpy(dtype=np.int64)
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)
    last = start + demand["weeks"].to_numpy(dtype=np.int64) - 1 + flex
    first = start - flex
    by_pool: dict[int, list] = {}
    for journey in sorted(set(journeys[rows])):
        mine = np.flatnonzero(journeys == journey)
        at = np.flatnonzero(np.isin(pairs.d, mine))
        if not len(at):
            continue
        pools, inverse = np.unique(pairs.pool[at], return_inverse=True)
        count = np.bincount(inverse, minlength=len(pools))            # rows of the journey per pool
        km = np.bincount(inverse, weights=dist[at], minlength=len(pools))
        best = int(np.lexsort((km, -count))[0])
        if count[best] < 2:                 # one row: the other candidates cover its weeks
            continue
        p = int(pools[best])
        users = pairs.d[at][inverse == best]
        entry = by_pool.setdefault(p, [int(first[users].min()), int(last[users].max()), 0, 0.0])
        entry[0], entry[1] = min(entry[0], int(first[users].min())), max(entry[1], int(last[users].max()))
        entry[2] += int(left[mine].max())
        entry[3] += float((left * ctx.weights)[mine].sum())
    out = []
    for p, (lo, hi, learners, weighted) in sorted(by_pool.items(), key=lambda kv: -kv[1][3])[:most]:
        n = int(min(places, learners))
        out.append(Candidate(str(ctx.pools["site_id"].iat[p]), str(ctx.pools["profession"].iat[p]),
                             str(ctx.pools["setting"].iat[p]), max(lo, 0), min(hi, ctx.n_weeks - 1), n,
                             weighted * n / max(learners, 1), "journeys' span"))
    return out
