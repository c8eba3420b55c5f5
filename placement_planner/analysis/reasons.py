"""Why each group with learners left over could not be placed, in a coordinator's words.

Each unplaced demand row is run through the contract's eligibility rules as stages; the
first stage that leaves it no places names the reason. When places exist within reach in
its weeks but are all used, the groups holding them are named. Dates are UK dd/mm/yyyy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context, repeat_pairs, text
from placement_planner.analysis.eligibility import (any_in_span, eligible_pairs, nearest_beyond,
                                                    week_span, window_ok)
from placement_planner.domain import Plan, PlanningData
from placement_planner.names import name_key

UNPLACED_COLUMNS = ["demand_id", "hei", "profession", "start_date", "weeks", "learners_requested",
                    "learners_unplaced", "reason", "setting", "learners_placed", "reason_code"]

# Reason codes, in the order the rules are checked.
NO_PROFESSION = "no_profession"
NO_SETTING = "no_setting"
ONLY_SUSPENDED = "only_suspended"
OUTSIDE_AREA = "outside_area"
SITE_COORDINATES = "site_coordinates"
OUT_OF_REACH = "out_of_reach"
NO_PLACES_IN_WEEKS = "no_places_in_weeks"
TAKEN = "taken"
NOT_USED = "not_used"
_TOP_HOLDERS = 3


def unplaced_table(data: PlanningData, plan: Plan, ctx: Context | None = None) -> pd.DataFrame:
    """One row per demand row with learners left over, with a computed ``reason``."""
    ctx = ctx or build_context(data, plan)
    demand = data.demand
    learners = demand["learners"].to_numpy(dtype=np.int64)
    rows = np.flatnonzero(learners - ctx.placed > 0)
    out = pd.DataFrame({
        "demand_id": text(demand["demand_id"]).to_numpy()[rows],
        "hei": text(demand["hei"]).to_numpy()[rows],
        "profession": text(demand["profession"]).to_numpy()[rows],
        "start_date": pd.to_datetime(demand["start_date"]).to_numpy()[rows],
        "weeks": demand["weeks"].to_numpy(dtype=np.int64)[rows],
        "learners_requested": learners[rows],
        "learners_unplaced": (learners - ctx.placed)[rows],
        "setting": text(demand["setting"]).to_numpy()[rows],
        "learners_placed": ctx.placed[rows],
    })
    codes, details = _classify(ctx, rows)
    out["reason_code"] = codes
    words = _Phrases(ctx, rows)
    out["reason"] = [_sentence(ctx, words, k, c, det) for k, (c, det) in enumerate(zip(codes, details))]
    return out[UNPLACED_COLUMNS].reset_index(drop=True)


def _classify(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    pairs = eligible_pairs(ctx, rows)
    c = pairs.counts
    at = np.searchsorted(rows, pairs.d)
    cap_ok = window_ok(ctx, ctx.capacity, pairs.d, pairs.pool)
    free_ok = np.zeros(len(at), dtype=bool)
    free_ok[cap_ok] = window_ok(ctx, ctx.remaining, pairs.d[cap_ok], pairs.pool[cap_ok])
    part = any_in_span(ctx, ctx.capacity, pairs.d, pairs.pool)
    n = len(rows)
    n_cap = np.bincount(at[cap_ok], minlength=n)
    n_free = np.bincount(at[free_ok], minlength=n)
    n_part = np.bincount(at[part], minlength=n)

    codes = np.select(
        [c["profession"] == 0, c["setting"] == 0, c["open"] == 0, c["area"] == 0,
         (c["reach"] == 0) & (pairs.no_coords > 0), c["reach"] == 0, n_cap == 0, n_free == 0],
        [NO_PROFESSION, NO_SETTING, ONLY_SUSPENDED, OUTSIDE_AREA, SITE_COORDINATES, OUT_OF_REACH,
         NO_PLACES_IN_WEEKS, TAKEN], default=NOT_USED).astype(object)
    details = [{"no_coords": int(pairs.no_coords[k]), "partial": bool(n_part[k])} for k in range(n)]
    far = np.flatnonzero(codes == OUT_OF_REACH)
    for k, km in zip(far, nearest_beyond(ctx, rows[far])[1]):
        details[k]["nearest_km"] = km

    taken = (codes == TAKEN)[at] & cap_ok
    for k, holders in _holders(ctx, pairs.d[taken], pairs.pool[taken]).items():
        details[int(np.searchsorted(rows, k))]["holders"] = holders
    loose = free_ok & (codes == NOT_USED)[at]
    if loose.any():
        first = pd.Series(pairs.pool[loose]).groupby(at[loose]).first()
        site_ids = ctx.pools["site_id"].to_numpy(dtype=object)[first.to_numpy()]
        for k, site in zip(first.index, site_ids):
            details[int(k)]["free_site"] = site
    return codes, details


def _holders(ctx: Context, d: np.ndarray, pool: np.ndarray) -> dict[int, dict]:
    """Per demand row: who uses the eligible places in its weeks, by education provider."""
    alloc = ctx.alloc[ctx.alloc["pool"] >= 0]
    if not len(d) or not len(alloc):
        return {}
    pi, ai = repeat_pairs(pool, alloc["pool"].to_numpy())
    first, last = week_span(ctx, d)
    a_d = alloc["d"].to_numpy()[ai]
    a_start = alloc["start_week"].to_numpy()[ai]
    a_end = a_start + alloc["weeks"].to_numpy()[ai] - 1
    keep = (a_d != d[pi]) & (a_start <= last[pi]) & (a_end >= first[pi])
    pi, ai, a_d = pi[keep], ai[keep], a_d[keep]
    if not len(pi):
        return {}
    weights = ctx.weights
    own = weights[d[pi]]
    other = weights[np.maximum(a_d, 0)]
    held = pd.DataFrame({
        "d": d[pi], "alloc": alloc.index.to_numpy()[ai],
        "hei": text(ctx.data.demand["hei"]).to_numpy()[np.maximum(a_d, 0)],
        "learners": alloc["learners"].to_numpy()[ai],
        "higher": other > own + 1e-9, "same": np.isclose(other, own),
    }).drop_duplicates(["d", "alloc"])
    held["higher_learners"] = held["learners"] * held["higher"]
    held["same_learners"] = held["learners"] * held["same"]
    totals = held.groupby("d")[["learners", "higher_learners", "same_learners"]].sum()
    by_hei = (held.groupby(["d", "hei"], sort=False)["learners"].sum().reset_index()
              .sort_values(["d", "learners", "hei"], ascending=[True, False, True]))
    by_hei["rank"] = by_hei.groupby("d").cumcount()
    n_hei = by_hei.groupby("d").size()
    top = by_hei[by_hei["rank"] < _TOP_HOLDERS]
    names = top.groupby("d")[["hei", "learners"]].apply(
        lambda g: [(h, int(n)) for h, n in zip(g["hei"], g["learners"])])
    out = {}
    for k, row in totals.iterrows():
        out[int(k)] = {"top": names.get(k, []), "n_hei": int(n_hei.get(k, 0)),
                       "learners": int(row["learners"]), "higher": int(row["higher_learners"]),
                       "same": int(row["same_learners"])}
    return out


class _Phrases:
    """The words every reason about a set of rows is built from, computed column-wise."""

    def __init__(self, ctx: Context, rows: np.ndarray) -> None:
        demand = ctx.data.demand
        col = (lambda name: text(demand[name]).to_numpy(dtype=object)[rows])
        self.prof = col("profession")
        self.hei = col("hei")
        setting, ics, region = col("setting"), col("ics"), col("region")
        self.setting = np.where(setting != "", " in the " + setting + " setting", "")
        area = (np.where(ics != "", ics + " ICS", "") + np.where((ics != "") & (region != ""), " and ", "")
                + np.where(region != "", "the " + region + " region", ""))
        self.area = np.where(area != "", " in " + area, "")
        located = ~(demand["latitude"].isna() | demand["longitude"].isna()).to_numpy()[rows]
        limit = np.array([f" within {v:g} km" for v in ctx.data.travel_limit_km()[rows]], dtype=object)
        self.reach = np.where(located, limit, "")
        first, last = week_span(ctx, rows)
        week0 = pd.Timestamp(ctx.data.week0)

        def uk(weeks):
            return (week0 + pd.to_timedelta(weeks * 7, unit="D")).strftime("%d/%m/%Y").to_numpy(dtype=object)

        self.weeks = np.where(first == last, "the week of " + uk(first),
                              "weeks " + uk(first) + " to " + uk(last))


def _sentence(ctx: Context, words: _Phrases, k: int, code: str, det: dict) -> str:
    prof, setting, area, reach = words.prof[k], words.setting[k], words.area[k], words.reach[k]
    weeks = words.weeks[k]
    if code == NO_PROFESSION:
        return f"no {prof} places are offered at any site"
    if code == NO_SETTING:
        offered = _settings_offered(ctx, prof)
        extra = f" ({prof} places are offered in: {offered})" if offered else ""
        return f"no {prof} places{setting} at any site{extra}"
    if code == ONLY_SUSPENDED:
        return f"{prof} places{setting} are only at suspended sites"
    if code == OUTSIDE_AREA:
        return f"no {prof} places{setting} at open sites{area}"
    if code == SITE_COORDINATES:
        n = det["no_coords"]
        sites = "site offering them has" if n == 1 else "sites offering them have"
        return (f"no {prof} places{setting}{area}{reach}: {n} {sites} no coordinates, "
                f"so the distance cannot be checked")
    if code == OUT_OF_REACH:
        near = det.get("nearest_km", np.inf)
        extra = f" (the nearest is {near:.0f} km away)" if np.isfinite(near) else ""
        return f"no {prof} places{setting}{area}{reach}{extra}"
    if code == NO_PLACES_IN_WEEKS:
        extra = (" (places nearby cover only part of those weeks)" if det["partial"] else "")
        return f"no {prof} places{setting}{area}{reach} in {weeks}{extra}"
    if code == TAKEN:
        return _taken_sentence(prof, setting, area, reach, weeks, det.get("holders"), words.hei[k])
    site = det.get("free_site", "")
    status = getattr(ctx.plan.status, "value", str(ctx.plan.status))
    return (f"{prof} places{setting}{area}{reach} look free in {weeks} (e.g. at {site}) "
            f"but were not used (plan status: {status})")


def _taken_sentence(prof, setting, area, reach, weeks, holders, own_hei) -> str:
    head = f"all eligible {prof} places{setting}{area}{reach} in {weeks} are taken"
    if not holders:
        return head
    names = ", ".join(f"{_holder_name(h, own_hei)} ({n} learner{'s' if n != 1 else ''})"
                      for h, n in holders["top"])
    more = holders["n_hei"] - len(holders["top"])
    if more > 0:
        names += f" and {more} more provider{'s' if more != 1 else ''}"
    total, higher, same = holders["learners"], holders["higher"], holders["same"]
    if higher == total:
        return f"{head} by higher-priority groups: {names}"
    if same == total:
        return f"{head} by groups of the same priority (shortfall shared fairly): {names}"
    return f"{head} by {names}; {higher} of those {total} learners are in higher-priority groups"


def _holder_name(hei: str, own_hei: str) -> str:
    if not hei:
        return "an unnamed provider"
    return f"other {hei} groups" if hei == own_hei else hei


def _settings_offered(ctx: Context, profession: str) -> str:
    pools = ctx.pools[ctx.pools["prof_key"] == name_key(profession)]
    names = sorted({s if s else "unspecified" for s in pools["setting"]})
    return ", ".join(names)
