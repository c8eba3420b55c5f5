"""Partner packs of a plan with journeys: a university's pack carries its own learners' paths
(sheet Journeys, as the plan's), never another university's; the app's path (from the plan in
memory) and the command's (from the exported workbook) give the same sheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from placement_planner.analysis import plan_report
from placement_planner.cli import main
from placement_planner.io import load_workbooks
from placement_planner.io.packs import PlanTables, read_plan, write_packs
from workbooks import CAPACITY_HEADER, SITES_HEADER, write_xlsx

MON = dt.date(2026, 9, 7)
WY = "NHS West Yorkshire Integrated Care Board"
REGION = "North East and Yorkshire"


def _input(tmp_path):
    sites = [list(SITES_HEADER),
             ["RR801", "Leeds General Infirmary", "Leeds Teaching Hospitals NHS Trust", WY, REGION, 53.80, -1.55, "ok"],
             ["RY6A1", "Armley Moor Health Centre", "Leeds Community Healthcare NHS Trust", WY, REGION, 53.80, -1.60,
              "ok"]]
    end = MON + dt.timedelta(weeks=30)
    capacity = [list(CAPACITY_HEADER), ["RR801", "Adult Nursing", "acute", MON, end, 3],
                ["RY6A1", "Adult Nursing", "community", MON, end, 3]]
    header = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "Journey ID", "Required settings"]
    leeds, bradford = "University of Leeds", "University of Bradford"
    demand = [header,
              ["C1-P1", leeds, "Adult Nursing", 2, MON, 4, "LEEDS-C1", "Acute , COMMUNITY"],
              ["C1-P2", leeds, "Adult Nursing", 2, MON + dt.timedelta(weeks=8), 4, "LEEDS-C1", None],
              ["S-1 P1", leeds, "Adult Nursing", 1, MON + dt.timedelta(weeks=1), 3, "S-1", "community"],
              ["S-1 P2", leeds, "Adult Nursing", 1, MON + dt.timedelta(weeks=9), 3, "S-1", None],
              ["BR-1", bradford, "Adult Nursing", 1, MON, 4, None, None]]
    return write_xlsx(tmp_path / "in.xlsx", {"Sites": sites, "Capacity": capacity, "Demand": demand})


def _sheet(path, name) -> pd.DataFrame:
    book = openpyxl.load_workbook(path, read_only=True)
    if name not in book.sheetnames:
        return None
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_a_university_pack_carries_its_learners_journeys(tmp_path):
    source = _input(tmp_path)
    out = tmp_path / "plan.xlsx"
    assert main(["solve", str(source), "-o", str(out)]) == 0
    assert main(["packs", str(out), "-o", str(tmp_path / "packs")]) == 0
    plan_paths = _sheet(out, "Journeys")
    assert len(plan_paths) == 2 * 2 + 1 * 2
    leeds = _sheet(tmp_path / "packs" / "University - University of Leeds.xlsx", "Journeys")
    assert leeds is not None
    key = ["journey", "learner", "demand_id", "site_id", "setting", "weeks"]
    mine = leeds[key].sort_values(key).reset_index(drop=True)
    theirs = plan_paths[key].sort_values(key).reset_index(drop=True)
    assert mine.astype(str).equals(theirs.astype(str))
    assert set(leeds["site_name"]) <= {"Leeds General Infirmary", "Armley Moor Health Centre"}
    assert set(leeds["profession"]) == {"Adult Nursing"}
    # Each learner's rows are together, in time order.
    for (_j, _l), rows in leeds.groupby(["journey", "learner"], sort=False):
        assert list(rows["start_date"]) == sorted(rows["start_date"])
    # Bradford has no journeys: no Journeys sheet; a provider pack has none either.
    assert _sheet(tmp_path / "packs" / "University - University of Bradford.xlsx", "Journeys") is None
    assert _sheet(tmp_path / "packs" / "Provider - Leeds Teaching Hospitals NHS Trust.xlsx", "Journeys") is None


def test_the_app_and_the_command_give_the_same_journeys(tmp_path):
    source = _input(tmp_path)
    out = tmp_path / "plan.xlsx"
    assert main(["solve", str(source), "-o", str(out)]) == 0
    from_file = read_plan(out).journeys
    data = load_workbooks([source]).data
    from placement_planner.solver import solve
    report = plan_report(data, solve(data))
    from_memory = PlanTables.from_report(report).journeys
    key = ["journey", "demand_id", "learner", "hei", "site_id", "setting", "start_date", "weeks"]
    assert len(from_file) == len(from_memory) == 6
    assert set(from_file["hei"]) == {"University of Leeds"}
    write_packs(PlanTables.from_report(report), tmp_path / "app")
    assert _sheet(tmp_path / "app" / "University - University of Leeds.xlsx", "Journeys") is not None
    for frame in (from_file, from_memory):
        assert not frame[key].isna().any().any()
