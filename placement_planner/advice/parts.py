"""Profession parts of a planning problem and tier-1 re-solves on them.

Eligibility needs the profession to match and places are counted per site x profession x
setting, so tier 1 (weighted learners placed) is a sum of independent per-profession
optima: a change to one profession's rows is measured exactly by re-solving that
profession alone against its share of the baseline.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.analysis.common import keys
from placement_planner.domain import Plan, PlanningData, PlanStatus, Tier


@dataclass
class Measured:
    """One tier-1 solve of a profession part."""

    weighted: float          # weighted learners placed (tier-1 value)
    learners: int
    proven: bool             # status optimal: the value is the part's proven optimum
    plan: Plan
    seconds: float


def profession_keys(data: PlanningData) -> np.ndarray:
    return keys(data.demand["profession"])


def part(data: PlanningData, prof_key: str) -> PlanningData:
    """The problem restricted to one profession (name key): its demand, places and locks."""
    demand = data.demand[keys(data.demand["profession"]) == prof_key].reset_index(drop=True)
    capacity = data.capacity[keys(data.capacity["profession"]) == prof_key].reset_index(drop=True)
    ids = set(demand["demand_id"].astype(str))
    locked = data.locked[data.locked["demand_id"].astype(str).isin(ids)].reset_index(drop=True)
    previous = data.previous
    if len(previous):
        previous = previous[previous["demand_id"].astype(str).isin(ids)].reset_index(drop=True)
    return dataclasses.replace(data, demand=demand, capacity=capacity, locked=locked,
                               previous=previous, source_sheets={})


def part_allocations(allocations: pd.DataFrame, data: PlanningData) -> pd.DataFrame:
    ids = set(data.demand["demand_id"].astype(str))
    return allocations[allocations["demand_id"].astype(str).isin(ids)].reset_index(drop=True)


def weighted_placed(data: PlanningData, allocations: pd.DataFrame) -> float:
    if not len(allocations):
        return 0.0
    weight = pd.Series(data.weights(), index=data.demand["demand_id"].astype(str))
    w = weight.reindex(allocations["demand_id"].astype(str)).fillna(0.0).to_numpy()
    return float(np.dot(w, allocations["learners"].to_numpy(dtype=float)))


def placed_per_row(data: PlanningData, allocations: pd.DataFrame) -> np.ndarray:
    """Learners placed per Demand row (positions of data.demand)."""
    idx = pd.Index(data.demand["demand_id"].astype(str))
    d = idx.get_indexer(allocations["demand_id"].astype(str))
    ok = d >= 0
    return np.bincount(d[ok], weights=allocations["learners"].to_numpy(dtype=float)[ok],
                       minlength=len(idx)).astype(np.int64)


def solve_tier1(data: PlanningData, start_from: pd.DataFrame | None = None,
                time_limit_s: float | None = None, progress=None) -> Measured:
    """Tier 1 only, warm started from ``start_from`` (its rows still feasible)."""
    from placement_planner.solver import SolveOptions, solve

    t0 = time.perf_counter()
    options = SolveOptions(time_limit_s=time_limit_s, tiers=(Tier.PLACED,),
                           start_from=None if start_from is None else part_allocations(start_from, data))
    plan = solve(data, options, progress)
    value = plan.tier_values.get(Tier.PLACED.value)
    if value is None:
        value = weighted_placed(data, plan.allocations)
    status = getattr(plan.status, "value", str(plan.status))
    return Measured(weighted=float(value), learners=plan.learners_placed,
                    proven=status == PlanStatus.OPTIMAL.value, plan=plan,
                    seconds=time.perf_counter() - t0)


def monday(data: PlanningData, week: int) -> pd.Timestamp:
    return pd.Timestamp(data.week0) + pd.Timedelta(weeks=int(week))


def capacity_row(data: PlanningData, site_id: str, profession: str, setting: str,
                 start_week: int, end_week: int, places: int) -> dict:
    """One Capacity row in the loaded form (dates are the Mondays of its first and last week)."""
    return {"site_id": site_id, "profession": profession, "setting": setting,
            "start_date": monday(data, start_week), "end_date": monday(data, end_week),
            "places": int(places), "start_week": int(start_week), "end_week": int(end_week), "row": 0}


def with_capacity(data: PlanningData, rows: list[dict]) -> PlanningData:
    """``data`` with Capacity rows added (a copy; ``data`` is untouched)."""
    if not rows:
        return data
    extra = pd.DataFrame(rows)
    for col in data.capacity.columns:
        if col not in extra.columns:
            extra[col] = pd.Series([None] * len(extra), dtype=object)
    extra = extra[list(data.capacity.columns)].astype(data.capacity.dtypes.to_dict(), errors="ignore")
    capacity = pd.concat([data.capacity, extra], ignore_index=True)
    return dataclasses.replace(data, capacity=capacity)


def with_demand(data: PlanningData, changes: dict[int, dict]) -> PlanningData:
    """``data`` with some Demand rows changed: {row position: {column: value}} (a copy)."""
    if not changes:
        return data
    demand = data.demand.copy()
    for col in {c for ch in changes.values() for c in ch}:
        values = demand[col].tolist()
        for pos, ch in changes.items():
            if col in ch:
                values[pos] = ch[col]
        demand[col] = pd.Series(values, index=demand.index, dtype=demand[col].dtype
                                if col not in ("setting",) else object)
    return dataclasses.replace(data, demand=demand)


def iso(day) -> str:
    """ISO 8601 date, yyyy-mm-dd."""
    return pd.Timestamp(day).date().isoformat()
