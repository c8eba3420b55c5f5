"""Hand-built journeys data and plans for the app's tests (no solver needed).

Two journeys of Middlesex Adult Nursing learners and one of City physiotherapists:
- J1: 2 learners, rows J1-a (acute, 4 weeks from 08/09/2025) and J1-b (community, 3 weeks from
  13/10/2025); learner 1 at Royal Free then Camden Community, learner 2 at Whittington twice
  (a site repeat).
- J2: 1 learner, rows J2-a and J2-b, placed at Royal Free (from 15/09/2025) and Whittington.
- J10: 2 physiotherapy learners, not placed (the whole journey is unplaced).
Week 0 is Monday 01/09/2025.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from placement_planner.build import build_planning_data
from placement_planner.domain import ALLOCATION_COLUMNS, JOURNEY_COLUMNS, Plan, PlanStatus

LONDON = "NHS West and North London Integrated Care Board"
SITES = [
    {"site_id": "RF", "site_name": "Royal Free", "provider": "Royal Free London", "ics": LONDON,
     "region": "London", "latitude": 51.553, "longitude": -0.165},
    {"site_id": "WH", "site_name": "Whittington", "provider": "Whittington Health", "ics": LONDON,
     "region": "London", "latitude": 51.566, "longitude": -0.139},
    {"site_id": "CC", "site_name": "Camden Community", "provider": "Central and North West London",
     "ics": LONDON, "region": "London", "latitude": 51.54, "longitude": -0.14},
]
D = dt.date


def capacity_rows() -> list[dict]:
    rows = []
    for site, setting in (("RF", "acute"), ("WH", "acute"), ("WH", "community"), ("CC", "community")):
        rows.append({"site_id": site, "profession": "Adult Nursing", "setting": setting,
                     "start_date": D(2025, 9, 1), "end_date": D(2025, 12, 29), "places": 3})
    return rows


def demand_rows() -> list[dict]:
    common = {"hei": "Middlesex University", "profession": "Adult Nursing", "latitude": 51.59,
              "longitude": -0.23}
    return [
        dict(common, demand_id="J1-a", learners=2, start_date=D(2025, 9, 8), weeks=4, setting="acute",
             journey="J1", required_settings="acute, community"),
        dict(common, demand_id="J1-b", learners=2, start_date=D(2025, 10, 13), weeks=3, setting="",
             journey="J1"),
        dict(common, demand_id="J2-a", learners=1, start_date=D(2025, 9, 15), weeks=2, setting="",
             journey="J2"),
        dict(common, demand_id="J2-b", learners=1, start_date=D(2025, 10, 6), weeks=2, setting="",
             journey="J2"),
        dict(common, demand_id="SOLO", learners=1, start_date=D(2025, 9, 8), weeks=2, setting=""),
        {"demand_id": "J10-a", "hei": "City St George's", "profession": "Physiotherapy", "learners": 2,
         "start_date": D(2025, 9, 8), "weeks": 2, "setting": "", "journey": "J10",
         "required_settings": "community", "latitude": 51.53, "longitude": -0.10},
        {"demand_id": "J10-b", "hei": "City St George's", "profession": "Physiotherapy", "learners": 2,
         "start_date": D(2025, 10, 6), "weeks": 2, "setting": "", "journey": "J10",
         "latitude": 51.53, "longitude": -0.10},
    ]


def journey_data(with_journeys: bool = True):
    demand = demand_rows()
    if not with_journeys:
        for row in demand:
            row.pop("journey", None)
            row.pop("required_settings", None)
    return build_planning_data(sites=SITES, capacity=capacity_rows(), demand=demand, week0=D(2025, 9, 1))


# journey, demand_id, learner, site_id, setting, start_week, weeks
PATHS = [
    ("J1", "J1-a", 1, "RF", "acute", 1, 4),
    ("J1", "J1-b", 1, "CC", "community", 6, 3),
    ("J1", "J1-a", 2, "WH", "acute", 1, 4),
    ("J1", "J1-b", 2, "WH", "community", 6, 3),
    ("J2", "J2-a", 1, "RF", "acute", 2, 2),
    ("J2", "J2-b", 1, "WH", "community", 5, 2),
]


def journey_plan(journeys: bool = True) -> Plan:
    paths = pd.DataFrame(PATHS, columns=JOURNEY_COLUMNS)
    alloc = (paths.groupby(["demand_id", "site_id", "setting", "start_week"], as_index=False)
             .size().rename(columns={"size": "learners"}))
    solo = pd.DataFrame([{"demand_id": "SOLO", "site_id": "RF", "setting": "acute", "start_week": 1,
                          "learners": 1}])
    alloc = pd.concat([alloc, solo], ignore_index=True).assign(locked=False)[ALLOCATION_COLUMNS]
    return Plan(allocations=alloc, status=PlanStatus.OPTIMAL,
                journeys=paths if journeys else pd.DataFrame(columns=JOURNEY_COLUMNS))


def write_journeys_workbook(path, *, plan: Plan | None = None) -> str:
    """The hand-built case as an input workbook (journey and required_settings columns); with
    ``plan``, also its Allocations and Journeys sheets as a saved project carries them."""
    data = journey_data()

    def frame(rows, columns):
        return pd.DataFrame(rows)[columns]

    sheets = {
        "Sites": frame(SITES, ["site_id", "site_name", "provider", "ics", "region", "latitude", "longitude"]),
        "Capacity": frame(capacity_rows(), ["site_id", "profession", "setting", "start_date", "end_date",
                                            "places"]),
        "Demand": frame(demand_rows(), ["demand_id", "hei", "profession", "learners", "start_date", "weeks",
                                        "setting", "latitude", "longitude", "journey", "required_settings"]),
    }
    if plan is not None:
        alloc = plan.allocations.copy()
        alloc["start_date"] = [data.week_date(w) for w in alloc["start_week"]]
        sheets["Allocations"] = alloc[["demand_id", "site_id", "setting", "start_date", "learners"]]
        paths = plan.journeys.copy()
        paths["start_date"] = [data.week_date(w) for w in paths["start_week"]]
        sheets["Journeys"] = paths[["journey", "demand_id", "learner", "site_id", "setting", "start_date",
                                    "weeks"]]
    with pd.ExcelWriter(path) as writer:
        for name, f in sheets.items():
            f.to_excel(writer, sheet_name=name, index=False)
    return str(path)
