"""File > Export Partner Packs on a plan with journeys: each university's pack has its learners' paths."""

from __future__ import annotations

import openpyxl
from conftest import open_and_wait, plan_and_wait
from journey_cases import write_journeys_workbook

from placement_planner.ui import core


def test_the_apps_packs_carry_each_universitys_journeys(qtbot, window, tmp_path, monkeypatch):
    p = window.project
    open_and_wait(qtbot, window, [write_journeys_workbook(tmp_path / "journeys.xlsx")])
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    paths = p.results.plan.journeys
    assert len(paths)
    folder = tmp_path / "packs"
    monkeypatch.setattr("placement_planner.ui.main_window.QFileDialog.getExistingDirectory",
                        lambda *a, **k: str(folder))
    with qtbot.waitSignal(p.message, timeout=60000, check_params_cb=lambda text: "partner pack" in text):
        window.actions["packs"].trigger()
    qtbot.waitUntil(lambda: not p.running_tasks(), timeout=60000)
    book = openpyxl.load_workbook(folder / "University - Middlesex University.xlsx", read_only=True)
    assert "Journeys" in book.sheetnames
    rows = list(book["Journeys"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    demand = p.data.demand.set_index("demand_id")
    mine = paths[paths["demand_id"].map(demand["hei"]) == "Middlesex University"]
    assert len(body) == len(mine)
    got = sorted((r[header.index("journey")], r[header.index("learner")], r[header.index("demand_id")],
                  r[header.index("site_id")]) for r in body)
    want = sorted(zip(mine["journey"], mine["learner"], mine["demand_id"], mine["site_id"]))
    assert got == want
