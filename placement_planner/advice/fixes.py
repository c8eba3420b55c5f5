"""A ranked fix for every row with learners left over: the single change, among four, that
places the most of its learners, each re-solved (tier 1). Rows of one profession that share a
kind of fix are re-solved together in one batch; a row's figure is what it gained in that plan.

Kinds, in the order used to break ties (the least disruptive first); a row one kind places in
full is left out of the later batches (no later kind can place more of it):
shift the start within +/-4 weeks; accept any setting; widen travel to the nearest eligible
site beyond the limit; add places at the nearest site of its profession, in its weeks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context
from placement_planner.analysis.eligibility import eligible_pairs
from placement_planner.advice.parts import placed_per_row, Measured, capacity_row, solve_tier1, with_capacity, with_demand
from placement_planner.domain import PlanningData

SHIFT_WEEKS = 4
SHIFT, ANY_SETTING, TRAVEL, ADD_PLACES = "shift_start", "any_setting", "travel_limit", "add_places"
KINDS = (SHIFT, ANY_SETTING, TRAVEL, ADD_PLACES)
FAVOUR = 1e-4
MAX_ALONE = 10
MAX_JOURNEY_SOLO = 20
NO_FIX = "none of: another start within 4 weeks, any setting, wider travel, more places nearby"


@dataclass
class Fix:
    demand_id: str
    kind: str                # one of KINDS, "" when nothing helps
    words: str
    learners: int            # extra learners of this row placed when the fix is applied
    change: dict             # what to change, for "Try as scenario" (scenario row fields)


def _uk(day) -> str:
    return pd.Timestamp(day).strftime("%d/%m/%Y")


def _monday(data: PlanningData, week: int) -> pd.Timestamp:
    return pd.Timestamp(data.week0) + pd.Timedelta(weeks=int(week))


def part_fixes(part: PlanningData, base: Measured, time_limit_s: float | None = None) -> list[Fix]:
    """The best fix of every row with learners left in ``base`` (one profession part)."""
    ctx = build_context(part, base.plan)
    demand = part.demand
    left = demand["learners"].to_numpy(dtype=np.int64) - ctx.placed
    rows = np.flatnonzero(left > 0)
    if not len(rows):
        return []
    builders = {SHIFT: lambda open_: _shift(part, open_), ANY_SETTING: lambda open_: _any_setting(part, open_),
                TRAVEL: lambda open_: _travel(part, base, open_),
                ADD_PLACES: lambda open_: _add_places(part, ctx, open_, left)}
    trials: dict[str, tuple] = {}
    gained: dict[str, np.ndarray] = {}
    plans: dict[str, pd.DataFrame] = {}
    open_rows = rows
    for kind in KINDS:
        # A row a kind already places in full cannot do better with a later kind (ties go to
        # the earlier one), so later batches hold only the rows still open.
        if not len(open_rows):
            break
        trial, words, changes = builders[kind](open_rows)
        if not words:
            continue
        m = solve_tier1(_favour(trial, list(words)), start_from=base.plan.allocations, time_limit_s=time_limit_s)
        gained[kind] = placed_per_row(trial, m.plan.allocations) - ctx.placed
        plans[kind] = m.plan.allocations
        trials[kind] = (trial, words, changes)
        done = np.array([r in words and gained[kind][r] >= left[r] for r in open_rows], dtype=bool)
        open_rows = open_rows[~done]
    # A row no batch credited (its gain went to another row of the batch) gets its places fix
    # re-solved on its own, for a few rows per profession.
    alone = [r for r in open_rows if not any(k in trials and r in trials[k][1] and gained[k][r] > 0
                                             for k in KINDS)]
    for r in alone[:MAX_ALONE]:
        trial, words, changes = _add_places(part, ctx, np.array([r]), left)
        if not words:
            continue
        m = solve_tier1(_favour(trial, [r]), start_from=base.plan.allocations, time_limit_s=time_limit_s)
        n = int((placed_per_row(trial, m.plan.allocations) - ctx.placed)[r])
        if n > 0:
            if ADD_PLACES not in trials:
                trials[ADD_PLACES], gained[ADD_PLACES] = (trial, {}, {}), np.zeros(len(demand), dtype=np.int64)
            trials[ADD_PLACES][1][r], trials[ADD_PLACES][2][r] = words[r], changes[r]
            gained[ADD_PLACES][r] = n
    journey = demand["journey"].fillna("").astype(str).to_numpy() if "journey" in demand.columns \
        else np.full(len(demand), "", dtype=object)
    solo_left = [MAX_JOURNEY_SOLO]
    out = []
    for r in rows:
        best, best_n = "", 0
        for kind in KINDS:
            if kind in trials and r in trials[kind][1] and int(gained[kind][r]) > best_n:
                best, best_n = kind, int(gained[kind][r])
        did = str(demand["demand_id"].iat[r])
        together = ""
        if best and journey[r]:
            best, best_n = _journey_alone(part, base, r, journey, trials, gained, best, best_n, solo_left,
                                          time_limit_s)
            together = "" if best else (f"no single change: journey {journey[r]} needs changes to several of its "
                                        f"placements together (each alone places no one)")
        if not best:
            out.append(Fix(did, "", together or NO_FIX, 0, {}))
            continue
        words, change = trials[best][1][r], dict(trials[best][2].get(r, {}))
        if best == SHIFT:
            words, shift = _shift_words(part, plans[best], r)
            if shift:
                change["value"] = shift
        out.append(Fix(did, best, words, min(best_n, int(left[r])), change))
    return out


def _journey_alone(part, base, r, journey, trials, gained, best, best_n, solo_left, time_limit_s):
    """(kind, learners) of a journey row's fix, measured alone when its batch also changed
    another row of the same journey: a journey is placed only when every row of it can be, so the
    batch's gain may need the other rows' changes too (two rows each short of places: each row's
    'add places' alone places no one). Kinds are tried by their batch gain, best first; at most
    MAX_JOURNEY_SOLO re-solves per profession, beyond which such a row gets no fix."""
    mates = set(np.flatnonzero(journey == journey[r]).tolist()) - {r}
    kinds = sorted((k for k in KINDS if k in trials and r in trials[k][1] and int(gained[k][r]) > 0),
                   key=lambda k: (-int(gained[k][r]), KINDS.index(k)))
    for kind in kinds:
        if not mates & set(trials[kind][1]):
            return kind, int(gained[kind][r])          # no other row of the journey was changed
        if solo_left[0] <= 0:
            return "", 0
        solo_left[0] -= 1
        did = str(part.demand["demand_id"].iat[r])
        trial = apply_fix(part, Fix(did, kind, "", 0, dict(trials[kind][2].get(r, {}))))
        m = solve_tier1(_favour(trial, [r]), start_from=base.plan.allocations, time_limit_s=time_limit_s)
        before = int(placed_per_row(part, base.plan.allocations)[r])
        n = int(placed_per_row(trial, m.plan.allocations)[r]) - before
        if n > 0:
            return kind, n
    return "", 0


def _favour(trial: PlanningData, rows: list[int]) -> PlanningData:
    """Among plans placing as many weighted learners, prefer those placing the rows being fixed:
    their priority is raised by a relative FAVOUR, far below any difference between priorities
    a coordinator types, so the plan's tier 1 is unchanged but ties go to these rows (without
    it, a batch's gain may land on other groups of equal priority and the row shows 0)."""
    priority = trial.demand["priority"].to_numpy(dtype=float)
    return with_demand(trial, {r: {"priority": float(priority[r]) * (1.0 + FAVOUR)} for r in rows})


def shift_flex(demand: pd.DataFrame, rows) -> dict[int, int]:
    """{row: flex weeks to try} for the rows a start shift can move. A row of a journey may move
    only within the free weeks between its window and each other placement of the journey (flex
    included): a learner cannot be on two placements at once. When both rows around a gap are
    shifted together (one batch), the gap is the later row's, so they still never overlap."""
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)
    start = demand["start_week"].to_numpy(dtype=np.int64)
    last = start + demand["weeks"].to_numpy(dtype=np.int64) - 1
    journey = demand["journey"].fillna("").astype(str).to_numpy() if "journey" in demand.columns \
        else np.full(len(demand), "", dtype=object)
    members: dict[str, list[int]] = {}
    for r in rows:
        if journey[r] and journey[r] not in members:
            members[journey[r]] = np.flatnonzero(journey == journey[r]).tolist()
    moving = {int(r) for r in rows}
    out = {}
    for r in sorted(moving):
        most = SHIFT_WEEKS
        for o in members.get(journey[r], ()):
            if o == r:
                continue
            later = (start[o], o) > (start[r], r)
            if later:
                gap = (start[o] - flex[o]) - (last[r] + flex[r]) - 1
            else:
                gap = (start[r] - flex[r]) - (last[o] + flex[o]) - 1
            gap = 0 if later and o in moving else max(int(gap), 0)   # the later row takes a shared gap
            most = min(most, int(flex[r]) + gap)
        if most > flex[r]:
            out[r] = most
    return out


def _shift(part: PlanningData, rows: np.ndarray):
    todo = shift_flex(part.demand, rows)
    trial = with_demand(part, {r: {"flex_weeks": f} for r, f in todo.items()})
    words = {r: f"move the start within {f} week{'s' if f != 1 else ''}" for r, f in todo.items()}
    changes = {r: {"change": "shift_start"} for r in todo}
    return trial, words, changes


def _shift_words(part: PlanningData, allocations: pd.DataFrame, r: int) -> tuple[str, int]:
    """The start the re-solved plan chose for most of the row's moved learners, in words, and
    the shift in weeks (0 when it kept the nominal start)."""
    demand = part.demand
    mine = allocations[allocations["demand_id"].astype(str) == str(demand["demand_id"].iat[r])]
    nominal = int(demand["start_week"].iat[r])
    moved = mine[mine["start_week"].astype(int) != nominal]
    if not len(moved):
        return "move the start within 4 weeks", 0
    week = int(moved.groupby("start_week")["learners"].sum().idxmax())
    shift = week - nominal
    when = f"{abs(shift)} week{'s' if abs(shift) != 1 else ''} {'later' if shift > 0 else 'earlier'}"
    return f"start {when}, on {_uk(_monday(part, week))}", shift


def _any_setting(part: PlanningData, rows: np.ndarray):
    setting = part.demand["setting"].fillna("").astype(str).str.strip().to_numpy()
    todo = [int(r) for r in rows if setting[r]]
    trial = with_demand(part, {r: {"setting": ""} for r in todo})
    return trial, {r: f"accept any setting (not only {setting[r]})" for r in todo}, \
        {r: {"change": "setting", "setting": ""} for r in todo}


def _travel(part: PlanningData, base: Measured, rows: np.ndarray):
    """New limit = km to the nearest site beyond the limit with places of the row's kind in
    some week it could be on placement (rounded up to 0.1 km)."""
    demand = part.demand
    lat = demand["latitude"].to_numpy(dtype=float)
    has = ~np.isnan(lat)
    rows = rows[has[rows]]
    if not len(rows):
        return part, {}, {}
    limit = part.travel_limit_km()
    wide = with_demand(part, {int(r): {"max_travel_km": 20_000.0} for r in rows})
    ctx = build_context(wide, base.plan)
    pairs = eligible_pairs(ctx, rows)
    beyond = pairs.dist_km > limit[pairs.d] + 1e-9
    d, pool, km = pairs.d[beyond], pairs.pool[beyond], pairs.dist_km[beyond]
    start = demand["start_week"].to_numpy(dtype=np.int64)[d]
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[d]
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    has_places = np.concatenate([np.zeros((len(ctx.capacity), 1), dtype=np.int64),
                                 np.cumsum(ctx.capacity > 0, axis=1)], axis=1)
    lo = np.clip(start - flex, 0, ctx.n_weeks)
    hi = np.clip(start + flex + weeks, 0, ctx.n_weeks)
    ok = has_places[pool, hi] - has_places[pool, lo] > 0
    d, pool, km = d[ok], pool[ok], km[ok]
    changes, words = {}, {}
    names = part.sites.set_index(part.sites["site_id"].astype(str))["site_name"].fillna("").astype(str)
    for r in np.unique(d):
        at = np.flatnonzero(d == r)
        j = at[np.argmin(km[at])]
        new = math.ceil(float(km[j]) * 10) / 10
        site = str(ctx.pools["site_id"].iat[pool[j]])
        changes[int(r)] = {"change": "travel_limit", "value": new}
        words[int(r)] = (f"widen travel to {new:g} km (nearest eligible site beyond "
                         f"{limit[r]:g} km: {names.get(site, '') or site}, {site})")
    trial = with_demand(part, {r: {"max_travel_km": c["value"]} for r, c in changes.items()})
    return trial, words, changes


def _add_places(part: PlanningData, ctx: Context, rows: np.ndarray, left: np.ndarray):
    """More places at the nearest pool the row may use, in its nominal weeks."""
    from placement_planner.advice.candidates import can_give, journeys_missing_setting

    demand = part.demand
    pairs = eligible_pairs(ctx, rows)
    dist = np.where(np.isnan(pairs.dist_km), 0.0, pairs.dist_km)
    names = part.sites.set_index(part.sites["site_id"].astype(str))["site_name"].fillna("").astype(str)
    # A journey held back by a required setting offered nowhere in reach: its places are in that
    # setting; a row of it fixed to another setting has no such fix (more of its own places
    # cannot place the journey, and crediting it with the others' gain would mislead).
    missing = journeys_missing_setting(ctx)
    added, words, changes = [], {}, {}
    for r in np.unique(pairs.d):
        if int(r) in missing and not can_give(ctx, int(r), missing[int(r)]):
            continue
        at = np.flatnonzero(pairs.d == r)
        j = at[np.argmin(dist[at])]
        p = int(pairs.pool[j])
        site, prof, setting = (str(ctx.pools[c].iat[p]) for c in ("site_id", "profession", "setting"))
        setting = missing.get(int(r), setting)
        first = int(demand["start_week"].iat[r])
        last = first + int(demand["weeks"].iat[r]) - 1
        n = int(left[r])
        added.append(capacity_row(part, site, prof, setting, first, last, n))
        where = f"{names.get(site, '') or site} ({site})"
        kind = f"{prof} {setting}".strip()
        words[int(r)] = (f"add {n} {kind} place{'s' if n != 1 else ''} at {where}, "
                         f"{_uk(_monday(part, first))} to {_uk(_monday(part, last))}")
        changes[int(r)] = {"change": "add_places", "site_id": site, "profession": prof, "setting": setting,
                           "from_date": _monday(part, first), "to_date": _monday(part, last), "value": n}
    # Rows no pool can take: a new block at the nearest open site in reach (candidates.py).
    from placement_planner.advice.candidates import nearest_open_site
    without = np.setdiff1d(rows, pairs.d)
    for r, (s, _km) in nearest_open_site(ctx, without).items():
        site = str(part.sites["site_id"].iat[s])
        prof, setting = str(demand["profession"].iat[r]), str(demand["setting"].iat[r] or "")
        first = int(demand["start_week"].iat[r])
        last = first + int(demand["weeks"].iat[r]) - 1
        n = int(left[r])
        added.append(capacity_row(part, site, prof, setting, first, last, n))
        kind = f"{prof} {setting}".strip()
        words[r] = (f"add {n} {kind} place{'s' if n != 1 else ''} at {names.get(site, '') or site} ({site}), "
                    f"{_uk(_monday(part, first))} to {_uk(_monday(part, last))} (no site offers it in reach)")
        changes[r] = {"change": "add_places", "site_id": site, "profession": prof, "setting": setting,
                      "from_date": _monday(part, first), "to_date": _monday(part, last), "value": n}
    return with_capacity(part, added), words, changes


def timed_fixes(parts: dict[str, PlanningData], bases: dict[str, Measured],
                time_limit_s: float | None = None) -> tuple[dict[str, Fix], float]:
    t0 = time.perf_counter()
    out: dict[str, Fix] = {}
    for key, part in parts.items():
        for fix in part_fixes(part, bases[key], time_limit_s):
            out[fix.demand_id] = fix
    return out, time.perf_counter() - t0


def apply_fix(data: PlanningData, fix: Fix) -> PlanningData:
    """``data`` with one row's fix applied (a copy), as the advisor measured it."""
    if not fix.kind:
        return data
    pos = int(np.flatnonzero(data.demand["demand_id"].astype(str).to_numpy() == fix.demand_id)[0])
    if fix.kind == SHIFT:
        flex = shift_flex(data.demand, [pos]).get(pos, int(data.demand["flex_weeks"].iat[pos]))
        return with_demand(data, {pos: {"flex_weeks": flex}})
    if fix.kind == ANY_SETTING:
        return with_demand(data, {pos: {"setting": ""}})
    if fix.kind == TRAVEL:
        return with_demand(data, {pos: {"max_travel_km": float(fix.change["value"])}})
    c = fix.change
    first = int((pd.Timestamp(c["from_date"]) - pd.Timestamp(data.week0)).days // 7)
    last = int((pd.Timestamp(c["to_date"]) - pd.Timestamp(data.week0)).days // 7)
    return with_capacity(data, [capacity_row(data, c["site_id"], c["profession"], c["setting"], first, last,
                                             int(c["value"]))])
