"""Assemble a PlanningData from typed tables: defaults filled in, dates put on the week grid.

The importer calls this after validation; tests and the generator call it with tables
they build themselves (``build_planning_data(sites=[{...}], capacity=[...], demand=[...])``).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from placement_planner.domain import (ALLOCATION_COLUMNS, CAPACITY_COLUMNS, DEMAND_COLUMNS,
                                      LOCKED_COLUMNS, SITE_COLUMNS, PlanningData, Settings)
from placement_planner.weeks import monday_of, mondays, week_index

TableLike = pd.DataFrame | Iterable[Mapping] | None

_SITE_DEFAULTS = {"site_name": "", "provider_type": "", "hub": "", "pcn": "", "postcode": "",
                  "latitude": np.nan, "longitude": np.nan, "quality": "ok"}
_CAPACITY_DEFAULTS = {"setting": ""}
_DEMAND_DEFAULTS = {"setting": "", "year": np.nan, "latitude": np.nan, "longitude": np.nan,
                    "max_travel_km": np.nan, "ics": "", "region": "", "priority": 1.0,
                    "preferred_sites": (), "flex_weeks": 0, "journey": "", "required_settings": ()}
_LOCKED_DEFAULTS = {"setting": ""}


def _frame(table: TableLike, columns: list[str], defaults: dict) -> pd.DataFrame:
    if table is None:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    elif isinstance(table, pd.DataFrame):
        df = table.copy()
    else:
        df = pd.DataFrame(list(table))
    for col in columns:
        if col not in df.columns and col not in defaults and col not in ("start_week", "end_week"):
            df[col] = pd.Series(dtype=object)
    for col, default in defaults.items():
        if col not in df.columns:
            df[col] = [default] * len(df)
        elif isinstance(default, str):
            df[col] = df[col].fillna(default).astype(object)
    if "row" not in df.columns:
        df["row"] = 0
    return df.reset_index(drop=True)


def _settings_tuple(value) -> tuple[str, ...]:
    """`required_settings` as a tuple of lower-cased, stripped settings, in order, no repeats."""
    items = value if isinstance(value, (tuple, list)) else (
        str(value).split(",") if isinstance(value, str) else ())
    out: list[str] = []
    for item in items:
        s = str(item).strip().lower()
        if s and s not in out:
            out.append(s)
    return tuple(out)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.normalize()


def build_planning_data(*, sites: TableLike, capacity: TableLike, demand: TableLike,
                        locked: TableLike = None, previous: TableLike = None,
                        settings: Settings | None = None, week0: dt.date | None = None,
                        source_sheets: dict[str, pd.DataFrame] | None = None) -> PlanningData:
    """Typed tables in, a PlanningData out. Values must already be valid (no checks here).

    ``previous`` rows carry either ``start_week`` or ``start_date`` (the Monday the
    placement starts, as the output workbook writes it).
    """
    settings = settings or Settings()
    sites = _frame(sites, SITE_COLUMNS, _SITE_DEFAULTS)
    capacity = _frame(capacity, CAPACITY_COLUMNS, _CAPACITY_DEFAULTS)
    demand = _frame(demand, DEMAND_COLUMNS, _DEMAND_DEFAULTS)
    locked = _frame(locked, LOCKED_COLUMNS, _LOCKED_DEFAULTS)
    previous = _frame(previous, ALLOCATION_COLUMNS, {"setting": "", "locked": False})

    for df in (sites, capacity, demand, locked, previous):
        for col in ("latitude", "longitude", "max_travel_km", "year"):
            if col in df.columns:
                df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    capacity["start_date"] = _dates(capacity["start_date"])
    capacity["end_date"] = _dates(capacity["end_date"])
    demand["start_date"] = _dates(demand["start_date"])
    demand["flex_weeks"] = demand["flex_weeks"].fillna(0).astype(np.int64)
    demand["priority"] = pd.to_numeric(demand["priority"]).fillna(1.0).astype(float)
    demand["preferred_sites"] = [tuple(p) if isinstance(p, (tuple, list)) else
                                 tuple(s.strip() for s in str(p).split(",") if s.strip())
                                 if isinstance(p, str) else () for p in demand["preferred_sites"]]
    demand["journey"] = demand["journey"].fillna("").astype(str).str.strip()
    demand["required_settings"] = [_settings_tuple(r) for r in demand["required_settings"]]
    for df, col in ((capacity, "places"), (demand, "learners"), (demand, "weeks"),
                    (locked, "learners"), (previous, "learners")):
        df[col] = pd.to_numeric(df[col]).astype(np.int64)

    if week0 is None:
        week0 = _first_monday(capacity, demand, previous)
    capacity["start_week"] = week_index(capacity["start_date"], week0)
    capacity["end_week"] = week_index(capacity["end_date"], week0)
    demand["start_week"] = week_index(demand["start_date"], week0)
    if "start_week" not in previous.columns or previous["start_week"].isna().any():
        if "start_date" in previous.columns and len(previous):
            previous["start_week"] = week_index(_dates(previous["start_date"]), week0)
        else:
            previous["start_week"] = pd.Series(dtype=np.int64)
    previous["start_week"] = previous["start_week"].astype(np.int64)
    previous["locked"] = previous["locked"].fillna(False).astype(bool)

    sites = sites.set_index("site_id", drop=False)
    sites.index.name = None
    return PlanningData(
        sites=sites,
        capacity=capacity[CAPACITY_COLUMNS + ["row"]],
        demand=demand[DEMAND_COLUMNS + ["row"]],
        locked=locked[LOCKED_COLUMNS + ["row"]],
        previous=previous[ALLOCATION_COLUMNS + ["row"]],
        settings=settings,
        week0=week0,
        source_sheets=dict(source_sheets or {}),
    )


def _first_monday(capacity: pd.DataFrame, demand: pd.DataFrame, previous: pd.DataFrame) -> dt.date:
    """Week 0 is the Monday of the earliest week any row can use (flexed starts included)."""
    candidates = []
    if len(capacity):
        candidates.append(mondays(capacity["start_date"]).min())
    if len(demand):
        earliest = mondays(demand["start_date"]) - pd.to_timedelta(demand["flex_weeks"] * 7, unit="D")
        candidates.append(earliest.min())
    if "start_date" in previous.columns and len(previous):
        candidates.append(mondays(_dates(previous["start_date"])).min())
    candidates = [c for c in candidates if pd.notna(c)]
    if not candidates:
        return monday_of(dt.date.today())
    return pd.Timestamp(min(candidates)).date()
