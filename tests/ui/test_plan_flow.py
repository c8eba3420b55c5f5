"""End to end in the app: sample -> plan -> results and charts -> edit, undo -> re-plan -> export -> reopen."""

from __future__ import annotations

import pandas as pd

from conftest import open_and_wait, plan_and_wait
from placement_planner.ui import core


def allocation_key(results) -> pd.DataFrame:
    a = results.plan.allocations[["demand_id", "site_id", "setting", "learners"]].copy()
    a["start"] = [results.plan.allocations["start_week"].iloc[i] for i in range(len(a))]
    return a.sort_values(["demand_id", "site_id", "setting"]).reset_index(drop=True)


def test_sample_plan_edit_undo_replan_export_reopen(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, core.sample_paths())
    assert window.project.data is not None and not window.project.has_errors
    plan_and_wait(qtbot, window)
    r = window.project.results
    assert 0 < r.plan.learners_placed <= window.project.data.learners_requested
    # Results and every chart are populated (charts draw when shown), each with its numbers table.
    for chart in (window.heatmap, window.timeline, window.utilisation, window.site_map):
        window.tabs.setCurrentWidget(chart)
    assert window.results.allocations.proxy.rowCount() == len(r.allocations) > 0
    assert window.results.summary.values["placed"].text().startswith(f"{r.plan.learners_placed:,} of")
    assert window.heatmap.rows and window.heatmap.numbers.model.rowCount() > 0
    assert window.timeline.numbers.model.rowCount() > 0
    assert len(window.utilisation.bars.opts["y"]) > 0
    assert len(window.site_map.sites.data) > 0
    png = window.heatmap.save_png(str(tmp_path / "heat.png"))
    assert (tmp_path / "heat.png").stat().st_size > 1000, png

    # A heatmap click narrows the Results tables.
    profession, area = window.heatmap.rows[0], window.heatmap.cols[0]
    window.heatmap.cell_clicked.emit(profession, "region", area)
    shown = window.results.allocations.proxy
    assert all(shown.index(i, window.results.allocations.model.columns.index("profession")).data() == profession
               for i in range(shown.rowCount()))
    window.results.clear_filters()

    # Edit a capacity cell, undo it; the plan is marked out of date, then re-planned.
    capacity = window.data_tables.tables["capacity"]
    col = capacity.model.columns.index("places")
    before = int(window.project.data.capacity["places"].iloc[0])
    assert capacity.proxy.setData(capacity.proxy.index(0, col), str(before + 5))
    assert window.project.plan_stale and "out of date" in window.status.plan_state.text()
    window.actions["undo"].trigger()
    assert int(window.project.data.capacity["places"].iloc[0]) == before
    first = allocation_key(r)
    plan_and_wait(qtbot, window)
    assert not window.project.plan_stale

    # Save the project, reopen it: inputs, settings and the plan come back.
    path = tmp_path / "project.xlsx"
    with qtbot.waitSignal(window.project.saved, timeout=60000):
        window.project.save(str(path))
    assert not window.isWindowModified()
    saved = window.project.results
    open_and_wait(qtbot, window, [path])
    qtbot.waitUntil(lambda: window.project.results is not None, timeout=60000)
    assert not window.project.has_errors
    assert window.project.data.learners_requested == saved.summary["learners_requested"]
    reopened = window.project.results
    assert reopened.plan.learners_placed == saved.plan.learners_placed
    assert reopened.summary["learners_placed"] == saved.summary["learners_placed"]
    pd.testing.assert_frame_equal(allocation_key(reopened)[["demand_id", "site_id", "learners"]],
                                  allocation_key(saved)[["demand_id", "site_id", "learners"]])
    assert len(first) > 0


def test_settings_change_is_undoable_and_saved(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, core.sample_paths())
    settings = window.project.data.settings
    window.project.change_settings(settings.with_(default_max_travel_km=75.0, time_limit_s=20.0))
    assert window.project.data.settings.default_max_travel_km == 75.0
    path = tmp_path / "settings.xlsx"
    with qtbot.waitSignal(window.project.saved, timeout=60000):
        window.project.save(str(path))
    window.actions["undo"].trigger()
    assert window.project.data.settings.default_max_travel_km == settings.default_max_travel_km
    window.project.mark_saved()
    open_and_wait(qtbot, window, [path])
    assert window.project.data.settings.default_max_travel_km == 75.0
    assert window.project.data.settings.time_limit_s == 20.0


def test_settings_dialog_round_trip(qtbot, window):
    from placement_planner.domain import Tier
    from placement_planner.ui.settings_dialog import SettingsDialog

    open_and_wait(qtbot, window, core.sample_paths())
    dialog = SettingsDialog(window.project.data, window)
    qtbot.addWidget(dialog)
    travel = next(dialog.tiers.item(i) for i in range(dialog.tiers.count())
                  if "travel" in dialog.tiers.item(i).text())
    travel.setCheckState(travel.checkState().Unchecked)
    dialog.tiers.setCurrentRow(1)
    dialog._move(-1)
    new = dialog.settings()
    assert new.tiers[:2] == (Tier.FAIR_SHARE, Tier.PLACED) and Tier.TRAVEL not in new.tiers
