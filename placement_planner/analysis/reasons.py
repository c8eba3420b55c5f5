"""Why each group with learners left over could not be placed, in a coordinator's words.

Each unplaced demand row is run through the contract's eligibility rules as stages; the
first stage that leaves it no places names the reason. When places exist within reach in
its weeks but are all used, the groups holding them are named. Dates are UK dd/mm/yyyy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, build_context, repeat_pairs, text
from placement_planner.analysis.eligibility import (key_pairs, nearest_beyond, span_flags, week_span,
                                                    window_flags)
from placement_planner.analysis.journeys import has_journeys, journey_reasons, journey_rows
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
    # A journey's rows are explained together: every row of the journeys of ``rows`` is run
    # through the rules, and each of its unplaced rows gets the whole journey's reason.
    explained = journey_rows(data, rows) if has_journeys(data) else rows
    codes, details = _classify(ctx, explained)
    words = _Phrases(ctx, explained)
    sentences = [_sentence(ctx, words, k, c, det) for k, (c, det) in enumerate(zip(codes, details))]
    out["reason_code"], out["reason"] = journey_reasons(ctx, explained, codes, sentences, words.weeks, rows)
    return out[UNPLACED_COLUMNS].reset_index(drop=True)


def _classify(ctx: Context, rows: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    # Rows sharing class, coordinates and travel limit (a key) share their eligible pools:
    # every check below is worked out per key and week, never per (row, pool) pair.
    key_of_row, _, pairs = key_pairs(ctx, rows)
    c = {stage: count[key_of_row] for stage, count in pairs.counts.items()}
    no_coords = pairs.no_coords[key_of_row]
    has_cap = window_flags(ctx, ctx.capacity, rows, key_of_row, pairs)
    free_pool = np.full(len(rows), -1, dtype=np.int64)
    free_pool[has_cap] = window_flags(ctx, ctx.remaining, rows[has_cap], key_of_row[has_cap], pairs,
                                      first=True)
    part = span_flags(ctx, ctx.capacity, rows, key_of_row, pairs)

    codes = np.select(
        [c["profession"] == 0, c["setting"] == 0, c["open"] == 0, c["area"] == 0,
         (c["reach"] == 0) & (no_coords > 0), c["reach"] == 0, ~has_cap, free_pool < 0],
        [NO_PROFESSION, NO_SETTING, ONLY_SUSPENDED, OUTSIDE_AREA, SITE_COORDINATES, OUT_OF_REACH,
         NO_PLACES_IN_WEEKS, TAKEN], default=NOT_USED).astype(object)
    details = [{"no_coords": int(n), "partial": bool(p)} for n, p in zip(no_coords, part)]
    far = np.flatnonzero(codes == OUT_OF_REACH)
    for k, km in zip(far, nearest_beyond(ctx, rows[far])[1]):
        details[k]["nearest_km"] = km
    taken = np.flatnonzero(codes == TAKEN)
    for k, holders in zip(taken, _holders(ctx, rows[taken], key_of_row[taken], pairs)):
        if holders:
            details[k]["holders"] = holders
    site_ids = ctx.pools["site_id"].to_numpy(dtype=object)
    for k in np.flatnonzero(codes == NOT_USED):
        details[k]["free_site"] = site_ids[free_pool[k]]
    return codes, details


def _holders(ctx: Context, rows: np.ndarray, key_of_row: np.ndarray, pairs) -> list[dict | None]:
    """Per demand row: who uses places of its eligible pools in its weeks, by education
    provider (its own allocations left out).

    Allocations in a key's pools are counted per (key, provider, weight) on week grids, so a
    row's count is two look-ups: started by its last week minus ended before its first."""
    out: list[dict | None] = [None] * len(rows)
    alloc = ctx.alloc[(ctx.alloc["pool"] >= 0) & (ctx.alloc["d"] >= 0)]
    if not len(rows) or not len(alloc):
        return out
    wanted = np.zeros(len(pairs.counts["reach"]), dtype=bool)
    wanted[key_of_row] = True
    k_pair, p_pair = pairs.d[wanted[pairs.d]], pairs.pool[wanted[pairs.d]]
    pi, ai = repeat_pairs(p_pair, alloc["pool"].to_numpy())
    if not len(pi):
        return out
    hei_code, hei_names = pd.factorize(text(ctx.data.demand["hei"]))
    weights = ctx.weights
    weight_code, weight_values = pd.factorize(weights)
    a_d = alloc["d"].to_numpy()[ai]
    a_start = alloc["start_week"].to_numpy()[ai]
    a_end = a_start + alloc["weeks"].to_numpy()[ai] - 1
    a_learners = alloc["learners"].to_numpy()[ai]
    # One integer per (key, provider, weight): integer arithmetic, not a frame of objects.
    n_hei, n_weight = len(hei_names) + 1, len(weight_values) + 1
    packed = (k_pair[pi].astype(np.int64) * n_hei + hei_code[a_d]) * n_weight + weight_code[a_d]
    unique, combo = np.unique(packed, return_inverse=True)
    combos = pd.DataFrame({"key": unique // (n_hei * n_weight),
                           "hei": np.asarray(hei_names, dtype=object)[(unique // n_weight) % n_hei],
                           "weight": np.asarray(weight_values, dtype=float)[unique % n_weight]})
    n_weeks = int(max(ctx.n_weeks, a_end.max() + 1))
    started = np.zeros((len(combos), n_weeks + 1), dtype=np.int64)   # learners starting by week t
    ended = np.zeros((len(combos), n_weeks + 1), dtype=np.int64)     # learners ending before week t
    np.add.at(started, (combo, a_start), a_learners)
    np.add.at(ended, (combo, a_end + 1), a_learners)
    started, ended = np.cumsum(started, axis=1), np.cumsum(ended, axis=1)

    # This row's own allocations in its eligible pools are not someone else's.
    own = pd.DataFrame({"combo": combo, "d": a_d, "learners": a_learners}).groupby(["d", "combo"])["learners"].sum()

    first, last = week_span(ctx, rows)
    first = np.clip(first, 0, n_weeks)
    last = np.clip(last, -1, n_weeks - 1)
    c_key = combos["key"].to_numpy()
    ri, ci = repeat_pairs(key_of_row, c_key)
    held = np.where(last[ri] >= first[ri],
                    started[ci, np.maximum(last[ri], 0)] - ended[ci, first[ri]], 0)
    if len(own):
        mine = pd.MultiIndex.from_arrays([rows[ri], ci])
        held = held - own.reindex(mine, fill_value=0).to_numpy()
    own_weight = weights[rows[ri]]
    c_weight = combos["weight"].to_numpy(dtype=float)[ci]
    table = pd.DataFrame({"r": ri, "hei": combos["hei"].to_numpy(dtype=object)[ci], "learners": held,
                          "higher": held * (c_weight > own_weight + 1e-9),
                          "same": held * np.isclose(c_weight, own_weight)})
    table = table[table["learners"] > 0]
    by_hei = (table.groupby(["r", "hei"], sort=False)["learners"].sum().reset_index()
              .sort_values(["r", "learners", "hei"], ascending=[True, False, True], kind="stable"))
    totals = table.groupby("r")[["learners", "higher", "same"]].sum()   # sorted by r
    t_r = totals.index.to_numpy()
    t_learners, t_higher, t_same = (totals[c].to_numpy().tolist() for c in ("learners", "higher", "same"))
    r_arr, h_arr, n_arr = (by_hei[c].to_numpy() for c in ("r", "hei", "learners"))
    bounds = np.flatnonzero(np.r_[True, r_arr[1:] != r_arr[:-1], True]) if len(r_arr) else np.zeros(1, int)
    at = np.searchsorted(t_r, r_arr[bounds[:-1]]).tolist() if len(r_arr) else []
    for lo, hi, j in zip(bounds[:-1].tolist(), bounds[1:].tolist(), at):
        r = int(r_arr[lo])
        top = min(hi, lo + _TOP_HOLDERS)
        out[r] = {"top": [(h_arr[k], int(n_arr[k])) for k in range(lo, top)], "n_hei": int(hi - lo),
                  "learners": int(t_learners[j]), "higher": int(t_higher[j]), "same": int(t_same[j])}
    return out


class _Phrases:
    """The words every reason about a set of rows is built from, computed column-wise."""

    def __init__(self, ctx: Context, rows: np.ndarray) -> None:
        demand = ctx.data.demand
        col = (lambda name: text(demand[name].to_numpy(dtype=object)[rows]).to_numpy(dtype=object))
        self.prof = col("profession")
        self.hei = col("hei")
        setting, ics, region = col("setting"), col("ics"), col("region")
        self.setting = np.where(setting != "", " in the " + setting + " setting", "")
        # "NHS Devon Integrated Care Board", never "... Board ICS" (issue 11): only a bare name gets "ICB".
        ics = np.array([i if not i or i.rstrip().endswith(("ICB", "Integrated Care Board", "ICS", "Integrated Care System"))
                        else f"{i} ICB" for i in ics], dtype=object)
        area = (ics + np.where((ics != "") & (region != ""), " and ", "")
                + np.where(region != "", "the " + region + " region", ""))
        self.area = np.where(area != "", " in " + area, "")
        located = ~(demand["latitude"].isna() | demand["longitude"].isna()).to_numpy()[rows]
        limit = np.array([f" within {v:g} km" for v in ctx.data.travel_limit_km()[rows]], dtype=object)
        self.reach = np.where(located, limit, "")
        first, last = week_span(ctx, rows)
        week0 = pd.Timestamp(ctx.data.week0)

        def uk(weeks):   # dd/mm/yyyy of each week's Monday, formatted once per distinct week
            distinct, at = np.unique(np.asarray(weeks, dtype=np.int64), return_inverse=True)
            days = (week0 + pd.to_timedelta(distinct * 7, unit="D")).strftime("%d/%m/%Y")
            return np.asarray(days, dtype=object)[at.reshape(-1)]

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
