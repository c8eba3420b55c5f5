"""The typed domain model shared by import, solver, analysis, export and the app.

Tables are pandas DataFrames with the columns declared here (vectorised work at national
scale needs columns, not objects); the small things are frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import Enum

import numpy as np
import pandas as pd

from placement_planner.weeks import week_start

# ---- column layouts -------------------------------------------------------------------
# Every table also carries `row`: the Excel row number it came from (0 when made in code).

SITE_COLUMNS = ["site_id", "site_name", "provider", "provider_type", "hub", "pcn", "ics", "region",
                "latitude", "longitude", "postcode", "quality"]
# start_week / end_week: inclusive week numbers on the grid (see PlanningData.week0).
CAPACITY_COLUMNS = ["site_id", "profession", "setting", "start_date", "end_date", "places",
                    "start_week", "end_week"]
# setting "" = any setting; ics / region "" = anywhere; max_travel_km NaN = the default;
# preferred_sites is a tuple of site ids; start_week is the nominal (un-flexed) start.
DEMAND_COLUMNS = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "setting",
                  "year", "latitude", "longitude", "max_travel_km", "ics", "region", "priority",
                  "preferred_sites", "flex_weeks", "start_week", "journey", "required_settings"]
# journey "" = not part of a journey; required_settings: a tuple of settings, each one
# lower-cased and stripped (compare pools' settings the same way), () = none. Rows sharing
# a journey value are successive placements of the same learners (contract v2, "Journeys").
# One row per placed learner per journey row; learner is 1..learners of the journey, so each
# learner's path can be followed; start_week on the grid (the export writes start_date).
JOURNEY_COLUMNS = ["journey", "demand_id", "learner", "site_id", "setting", "start_week", "weeks"]
LOCKED_COLUMNS = ["demand_id", "site_id", "learners", "setting"]
# A plan, and a previous plan loaded from an `Allocations` sheet, use the same columns.
ALLOCATION_COLUMNS = ["demand_id", "site_id", "setting", "start_week", "learners", "locked"]


class Tier(str, Enum):
    """The objective tiers of the contract, in their default order."""

    PLACED = "placed"                # 1. weighted learners placed
    FAIR_SHARE = "fair_share"        # 2. leximin fill rate of (hei, profession)
    KEEP_PREVIOUS = "keep_previous"  # 3. keep the previous plan's learners where they were
    PREFERRED = "preferred"          # 4. learners at a preferred site
    VARIETY = "variety"              # v2: a site repeated in one learner's journey (minimised)
    TRAVEL = "travel"                # 5. learner-kilometres (minimised)


DEFAULT_TIERS: tuple[Tier, ...] = tuple(Tier)


@dataclass(frozen=True)
class Settings:
    """The `Settings` sheet, typed. Unknown keys are kept in ``extra`` and written back."""

    default_max_travel_km: float = 50.0
    time_limit_s: float = 60.0
    threads: int = 2
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    # Multiplies each group's priority, per canonical profession (national priorities).
    profession_weights: dict[str, float] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


@dataclass
class PlanningData:
    """Everything a plan is made from, validated: the contract's input sheets, typed."""

    sites: pd.DataFrame
    capacity: pd.DataFrame
    demand: pd.DataFrame
    locked: pd.DataFrame
    previous: pd.DataFrame          # a previous plan (ALLOCATION_COLUMNS), may be empty
    settings: Settings
    week0: dt.date                  # the Monday of week 0
    # The input sheets exactly as loaded (header row as columns, values untouched), written
    # back into the output workbook; keyed by canonical sheet name.
    source_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)

    # ---- derived values the solver and the analysis both need -------------------------
    def week_date(self, week: int) -> dt.date:
        return week_start(self.week0, week)

    def travel_limit_km(self) -> np.ndarray:
        """Each demand row's straight-line limit, with the default filled in."""
        limit = self.demand["max_travel_km"].astype(float)
        return limit.fillna(self.settings.default_max_travel_km).to_numpy()

    def weights(self) -> np.ndarray:
        """Weight of one placed learner of each demand row: priority x profession weight."""
        factor = self.demand["profession"].map(self.settings.profession_weights).fillna(1.0)
        return (self.demand["priority"].astype(float) * factor.astype(float)).to_numpy()

    @property
    def learners_requested(self) -> int:
        return int(self.demand["learners"].sum())

    @property
    def n_weeks(self) -> int:
        ends = [0]
        if len(self.capacity):
            ends.append(int(self.capacity["end_week"].max()) + 1)
        if len(self.demand):
            ends.append(int((self.demand["start_week"] + self.demand["flex_weeks"]
                             + self.demand["weeks"]).max()))
        return max(ends)


class PlanStatus(str, Enum):
    OPTIMAL = "optimal"          # every enabled tier proven optimal
    FEASIBLE = "feasible"        # a valid plan; some tier not proven (see gap)
    TIME_LIMIT = "time_limit"    # stopped by the time limit; best plan found
    CANCELLED = "cancelled"      # stopped by the user; best plan found so far
    INFEASIBLE = "infeasible"    # locked rows cannot all be kept
    ERROR = "error"


@dataclass
class Plan:
    """An allocation and how good it is. ``allocations`` has ALLOCATION_COLUMNS."""

    allocations: pd.DataFrame
    status: PlanStatus
    tier_values: dict[str, float] = field(default_factory=dict)
    bound: float = float("nan")      # proven upper bound on tier 1 (weighted learners placed)
    gap: float = float("nan")        # (bound - weighted_placed) / bound, 0 when proven optimal
    solve_seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    # Per-learner journey paths (JOURNEY_COLUMNS); empty when the demand has no journeys.
    journeys: pd.DataFrame = field(default_factory=lambda: empty_frame(JOURNEY_COLUMNS))

    @property
    def learners_placed(self) -> int:
        return int(self.allocations["learners"].sum()) if len(self.allocations) else 0


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def empty_allocations() -> pd.DataFrame:
    return pd.DataFrame({
        "demand_id": pd.Series(dtype=object), "site_id": pd.Series(dtype=object),
        "setting": pd.Series(dtype=object), "start_week": pd.Series(dtype=np.int64),
        "learners": pd.Series(dtype=np.int64), "locked": pd.Series(dtype=bool),
    })
