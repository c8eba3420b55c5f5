"""A scenario's data: the baseline PlanningData with its changes applied in sheet order.

Only the tables a change touches are copied (Capacity for add_places / withdraw, Demand for
the demand changes); Sites, Locked and the other tables are the baseline's own frames, shared
read-only. Week numbers are recomputed only when the scenario moves week 0 (a date earlier
than any in the baseline) or the table changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from placement_planner.domain import ALLOCATION_COLUMNS, CAPACITY_COLUMNS, DEMAND_COLUMNS, PlanningData
from placement_planner.scenarios.changes import (ADD_PLACES, SCALE_DEMAND, SHIFT_START, TRAVEL_LIMIT, WITHDRAW,
                                                 Change, _monday, _mondays, demand_mask, withdraw_mask)
from placement_planner.weeks import week_index


class ScenarioError(Exception):
    """A change that cannot be applied; located on the Scenarios sheet like any problem."""

    def __init__(self, message: str, row: int = 0, column: str | None = None) -> None:
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Applied:
    """The scenario's data and its previous plan (ALLOCATION_COLUMNS, on the scenario's weeks).

    ``data.previous`` is that plan less the rows of groups the scenario dropped (the solver's
    tier 3 input); ``previous`` keeps every row, so learners of a dropped group count as moved.
    """

    data: PlanningData
    previous: pd.DataFrame
    # What the changes touched, for re-planning only the parts they reach (reuse.py):
    # demand ids changed or dropped, and (site_id, profession, folded setting) pools changed.
    changed_demand: set = field(default_factory=set)
    changed_pools: set = field(default_factory=set)


def apply_changes(base: PlanningData, changes: list[Change], previous: pd.DataFrame | None = None) -> Applied:
    """``base`` + ``changes`` in order. ``previous`` is the plan to keep (on base's weeks);
    default: base.previous."""
    capacity, demand = base.capacity, base.demand
    cap_changed = dem_changed = False
    changed_demand: set = set()
    changed_pools: set = set()
    for ch in changes:
        if ch.change == ADD_PLACES:
            capacity, cap_changed = _add_places(capacity, ch), True
            changed_pools.add((ch.site_id, ch.profession, _fold(ch.setting)))
        elif ch.change == WITHDRAW:
            hit = withdraw_mask(base, ch, capacity)
            changed_pools.update(zip(capacity.loc[hit, "site_id"], capacity.loc[hit, "profession"],
                                     map(_fold, capacity.loc[hit, "setting"])))
            capacity, cap_changed = _withdraw(base, capacity, ch), True
        else:
            mask = demand_mask(demand, ch)
            if not mask.any():
                raise ScenarioError(f"After the earlier changes of scenario '{ch.scenario}', no Demand row "
                                    f"matches this {ch.change} change.", ch.row, "change")
            changed_demand.update(demand.loc[mask, "demand_id"].astype(str))
            demand = demand.copy() if not dem_changed else demand
            dem_changed = True
            journeys = set(demand.loc[mask, "journey"]) - {""} if "journey" in demand else set()
            demand = _demand_change(demand, mask, ch)
            if ch.change == SCALE_DEMAND:
                _check_locked(base.locked, demand, ch)
            if journeys:
                _check_journeys(demand, journeys, ch)

    previous = base.previous if previous is None else previous
    previous = previous[[c for c in previous.columns if c in ALLOCATION_COLUMNS + ["row"]]]
    week0 = _first_monday(capacity, demand, base)
    shift = (base.week0 - week0).days // 7            # weeks added to every week number
    if cap_changed or shift:
        capacity = capacity.copy() if not cap_changed else capacity
        capacity["start_week"] = week_index(capacity["start_date"], week0)
        capacity["end_week"] = week_index(capacity["end_date"], week0)
    if dem_changed or shift:
        demand = demand.copy() if not dem_changed else demand
        demand["start_week"] = week_index(demand["start_date"], week0)
    if shift:
        previous = previous.assign(start_week=previous["start_week"].astype(np.int64) + shift)
    known = previous["demand_id"].isin(set(demand["demand_id"]))
    gone = previous.loc[~known]           # places the dropped groups held are free now
    changed_pools.update(zip(gone["site_id"].astype(str), base.demand.set_index("demand_id")["profession"]
                             .reindex(gone["demand_id"]).fillna("").to_numpy(), map(_fold, gone["setting"])))
    kept_prev = previous if known.all() else previous.loc[known].reset_index(drop=True)

    sources = {k: v for k, v in base.source_sheets.items() if k not in ("Scenarios", "Allocations")}
    if cap_changed:
        sources["Capacity"] = _typed_sheet(capacity, CAPACITY_COLUMNS)
    if dem_changed:
        sources["Demand"] = _typed_sheet(demand, DEMAND_COLUMNS)
    if cap_changed:
        capacity = capacity.reset_index(drop=True)
    if dem_changed:
        demand = demand.reset_index(drop=True)
    data = dataclasses.replace(base, capacity=capacity, demand=demand,
                               previous=kept_prev, week0=week0, source_sheets=sources)
    return Applied(data, previous.reset_index(drop=True), changed_demand, changed_pools)


def _fold(setting) -> str:
    return str(setting).strip().casefold() if isinstance(setting, str) else ""


# ---- the five kinds ---------------------------------------------------------------------------

def _add_places(capacity: pd.DataFrame, ch: Change) -> pd.DataFrame:
    row = {"site_id": ch.site_id, "profession": ch.profession, "setting": ch.setting,
           "start_date": pd.Timestamp(ch.from_date), "end_date": pd.Timestamp(ch.to_date),
           "places": int(round(ch.value)), "start_week": 0, "end_week": 0, "row": 0}
    new = pd.DataFrame([row]).astype({"places": np.int64, "start_week": np.int64, "end_week": np.int64})
    return pd.concat([capacity, new[capacity.columns]], ignore_index=True)


def _withdraw(base: PlanningData, capacity: pd.DataFrame, ch: Change) -> pd.DataFrame:
    """Rows offering places in a withdrawn week are cut week-exactly: the weeks before
    from_date and after to_date stay as separate rows; the withdrawn weeks go."""
    hit = withdraw_mask(base, ch, capacity)
    if not hit.any():
        raise ScenarioError(f"After the earlier changes of scenario '{ch.scenario}', the sites chosen offer no "
                            f"places to withdraw from {ch.from_date:%d/%m/%Y}.", ch.row, "from_date")
    first = pd.Timestamp(_monday(ch.from_date))
    last = pd.Timestamp(_monday(ch.to_date)) if ch.to_date else None
    order = np.arange(len(capacity), dtype=float)
    keep = capacity.loc[~hit].assign(_order=order[~hit])
    rows = capacity.loc[hit].assign(_order=order[hit])
    before = rows.loc[_mondays(rows["start_date"]) < first].copy()
    before["end_date"] = first - pd.Timedelta(days=1)          # the Sunday before the first withdrawn week
    pieces = [keep, before]
    if last is not None:
        after = rows.loc[_mondays(rows["end_date"]) > last].copy()
        after["start_date"] = last + pd.Timedelta(days=7)      # the Monday after the last withdrawn week
        after["_order"] += 0.5
        pieces.append(after)
    out = pd.concat(pieces, ignore_index=True).sort_values("_order", kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _demand_change(demand: pd.DataFrame, mask: np.ndarray, ch: Change) -> pd.DataFrame:
    if ch.change == SCALE_DEMAND:
        factor = Decimal(repr(float(ch.value)))
        learners = demand["learners"].to_numpy(dtype=np.int64).copy()
        for i in np.flatnonzero(mask):
            learners[i] = int((Decimal(int(learners[i])) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        demand["learners"] = learners
        if (learners == 0).any():
            demand = demand.loc[learners > 0].reset_index(drop=True)
    elif ch.change == SHIFT_START:
        shifted = demand["start_date"] + pd.Timedelta(days=7 * int(round(ch.value)))
        demand["start_date"] = demand["start_date"].where(~mask, shifted)
    elif ch.change == TRAVEL_LIMIT:
        demand["max_travel_km"] = np.where(mask, float(ch.value), demand["max_travel_km"].to_numpy(dtype=float))
    return demand


def _check_locked(locked: pd.DataFrame, demand: pd.DataFrame, ch: Change) -> None:
    if not len(locked):
        return
    learners = dict(zip(demand["demand_id"], demand["learners"]))
    totals = locked.groupby("demand_id")["learners"].sum()
    for demand_id, total in totals.items():
        have = learners.get(demand_id, 0)
        if total > have:
            raise ScenarioError(f"Scaling leaves demand '{demand_id}' with {have} learner(s), fewer than its "
                                f"{int(total)} locked learner(s). Change the factor or the Locked sheet.",
                                ch.row, "value")


def _check_journeys(demand: pd.DataFrame, journeys: set, ch: Change) -> None:
    """A change that breaks a journey (contract v2): windows that now overlap, flex included,
    or rows of one journey scaled to different numbers of learners."""
    from placement_planner.io.rules_journeys import first_overlap

    if ch.change == SHIFT_START:
        found = first_overlap(demand, journeys)
        if found:
            journey, rows = found
            raise ScenarioError(f"Shifting starts by {int(round(ch.value))} week(s) makes the placements of journey "
                                f"'{journey}' overlap: {rows}, flex included. The same learners cannot be on two "
                                f"placements at once: shift every row of the journey together (filter by hei or "
                                f"profession) or change the value.", ch.row, "value")
    if ch.change == SCALE_DEMAND:
        mine = demand[demand["journey"].isin(journeys)]
        sizes = mine.groupby("journey")["learners"].nunique()
        if (sizes > 1).any():
            journey = sizes.index[(sizes > 1).to_numpy()][0]
            counts = ", ".join(f"'{d}' {n}" for d, n in mine.loc[mine["journey"] == journey,
                                                               ["demand_id", "learners"]].itertuples(index=False))
            raise ScenarioError(f"Scaling gives the rows of journey '{journey}' different numbers of learners "
                                f"({counts}); a journey's rows are the same learners. Scale every row of the "
                                f"journey together (filter by hei or profession).", ch.row, "value")


# ---- week 0 and the written sheets ------------------------------------------------------------

def _first_monday(capacity: pd.DataFrame, demand: pd.DataFrame, base: PlanningData) -> dt.date:
    """Week 0 stays the baseline's unless a change reaches an earlier week (an added block or an
    earlier start); it never moves later, so the baseline's frames keep their week numbers."""
    candidates = [pd.Timestamp(base.week0)]
    if len(capacity):
        candidates.append(_mondays(capacity["start_date"]).min())
    if len(demand):
        earliest = _mondays(demand["start_date"]) - pd.to_timedelta(demand["flex_weeks"] * 7, unit="D")
        candidates.append(earliest.min())
    return pd.Timestamp(min(c for c in candidates if pd.notna(c))).date()


def _typed_sheet(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A changed input table as the output workbook writes it (the planner's column names)."""
    out = frame[[c for c in columns if c not in ("start_week", "end_week")]].reset_index(drop=True).copy()
    for column in ("preferred_sites", "required_settings"):
        if column in out:
            out[column] = [", ".join(v) if isinstance(v, tuple) else "" for v in out[column]]
    return out
