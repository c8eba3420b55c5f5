"""compare on a workbook with journeys: the Compare sheet carries the Summary's variety_repeats
(as the JSON does), every scenario's plan keeps journeys whole, and a plain workbook's Compare
sheet is as before."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from placement_planner.cli import main
from workbooks import CAPACITY_HEADER, SITES_HEADER, write_xlsx

MON = dt.date(2026, 9, 7)
WY = "NHS West Yorkshire Integrated Care Board"
REGION = "North East and Yorkshire"


def _input(tmp_path, journeys: bool = True):
    sites = [list(SITES_HEADER),
             ["RR801", "Leeds General Infirmary", "Leeds Teaching Hospitals NHS Trust", WY, REGION, 53.80, -1.55, "ok"],
             ["RY6A1", "Armley Moor Health Centre", "Leeds Community Healthcare NHS Trust", WY, REGION, 53.80, -1.60,
              "ok"]]
    end = MON + dt.timedelta(weeks=30)
    capacity = [list(CAPACITY_HEADER), ["RR801", "Adult Nursing", "acute", MON, end, 3],
                ["RY6A1", "Adult Nursing", "community", MON, end, 2],
                ["RY6A1", "Adult Nursing", "acute", MON, end, 1]]
    header = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "Journey ID", "Required settings"]
    leeds = "University of Leeds"
    demand = [header,
              ["C1-P1", leeds, "Adult Nursing", 2, MON, 4, "C1", "acute, community"],
              ["C1-P2", leeds, "Adult Nursing", 2, MON + dt.timedelta(weeks=8), 4, "C1", None],
              ["S-1 P1", leeds, "Adult Nursing", 1, MON + dt.timedelta(weeks=1), 3, "S-1", "community"],
              ["S-1 P2", leeds, "Adult Nursing", 1, MON + dt.timedelta(weeks=9), 3, "S-1", None]]
    if not journeys:
        demand = [r[:6] for r in demand]
    scenarios = [["scenario", "change", "site_id", "from_date", "value"],
                 ["Armley closes", "withdraw", "RY6A1", MON + dt.timedelta(weeks=6), None]]
    return write_xlsx(tmp_path / "in.xlsx", {"Sites": sites, "Capacity": capacity, "Demand": demand,
                                             "Scenarios": scenarios})


def _compare(path) -> list[dict]:
    rows = list(openpyxl.load_workbook(path, read_only=True)["Compare"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_compare_sheet_has_the_variety_figure_of_each_scenario(tmp_path):
    source = _input(tmp_path)
    out, summary = tmp_path / "cmp.xlsx", tmp_path / "cmp.json"
    assert main(["compare", str(source), "-o", str(out), "--summary-json", str(summary)]) == 0
    figures = json.loads(summary.read_text())
    rows = _compare(out)
    assert [r["scenario"] for r in rows] == ["baseline", "Armley closes"]
    header = list(rows[0])
    assert header.index("variety_repeats") == header.index("learners_moved") - 1
    assert rows[0]["variety_repeats"] == figures["baseline"]["variety_repeats"]
    assert rows[1]["variety_repeats"] == figures["scenarios"]["Armley closes"]["variety_repeats"]
    assert all(isinstance(r["variety_repeats"], int) and r["variety_repeats"] >= 0 for r in rows)


def test_a_plain_workbooks_compare_sheet_is_unchanged(tmp_path):
    source = _input(tmp_path, journeys=False)
    out = tmp_path / "cmp.xlsx"
    assert main(["compare", str(source), "-o", str(out)]) == 0
    assert "variety_repeats" not in _compare(out)[0]
