"""The Advice tab: runs the advisor in the background, lists recommendations best first, charts
learners per £1,000, and turns a recommendation into an add_places scenario."""

from __future__ import annotations

import numpy as np

from placement_planner.io import load_workbooks
from tests.test_advice import bottleneck_sheets
from tests.workbooks import write_xlsx


class _Project:
    def __init__(self, data) -> None:
        self.data = data


class _Store:
    def __init__(self) -> None:
        self.scenarios: dict = {}

    def new_name(self, stem: str = "Scenario") -> str:
        i = 1
        while f"{stem} {i}" in self.scenarios:
            i += 1
        return f"{stem} {i}"

    def add_scenario(self, name: str) -> str:
        self.scenarios.setdefault(name, ())
        return name

    def add_change(self, name: str, change) -> None:
        self.scenarios[name] = self.scenarios[name] + (change,)


def test_advice_panel_runs_and_adds_a_scenario(qtbot, tmp_path):
    from placement_planner.ui.advice.panel import AdvicePanel

    data = load_workbooks([write_xlsx(tmp_path / "b.xlsx", bottleneck_sheets())]).data
    store = _Store()
    panel = AdvicePanel(_Project(data), store)
    qtbot.addWidget(panel)
    panel.places.setValue(2)
    panel.top.setValue(3)
    panel.smooth.setChecked(True)
    panel.run()
    with qtbot.waitSignal(panel.task.stopped, timeout=120000):
        pass
    assert panel.advice is not None and panel.model.rowCount() == len(panel.advice.recommendations) > 0
    gains = list(panel.frame["extra_weighted_placed"])
    assert gains == sorted(gains, reverse=True)
    heights = panel.bars.opts["height"]
    expected = panel.frame["extra_learners_placed"].to_numpy(float) / panel.frame["cost"].to_numpy(float) * 1000
    assert np.allclose(heights, expected)
    assert panel.fix_model.rowCount() == len(panel.advice.fixes)
    smoothing = panel.advice.smoothing
    assert panel.smooth_model.rowCount() == len(smoothing) > 0
    assert list(panel.smooth_bars.opts["height"]) == [float(smoothing[f"extra_placed_flex_{f}"].sum())
                                                       for f in (1, 2, 4)]
    panel.table.selectRow(0)
    assert panel.add_button.isEnabled()
    name = panel.add_selected_as_scenario()
    (change,) = store.scenarios[name]
    top = panel.advice.recommendations[0]
    assert change.change == "add_places" and change.site_id == top.site_id
    assert change.value == top.places and change.profession == top.profession
    fixes = [f for f in panel.advice.fixes.values() if f.kind in ("add_places", "travel_limit")]
    assert fixes
    name = panel.try_fix(fixes[0])
    (change,) = store.scenarios[name]
    assert change.change == fixes[0].kind


def test_advice_tab_in_the_window_marks_recommended_sites_on_the_map(qtbot, window, tmp_path):
    from tests.ui.conftest import open_and_wait

    path = write_xlsx(tmp_path / "b.xlsx", bottleneck_sheets())
    open_and_wait(qtbot, window, [path])
    panel = window.advice_panel
    assert window.tabs.indexOf(panel) >= 0
    panel.places.setValue(2)
    panel.run()
    with qtbot.waitSignal(panel.task.stopped, timeout=120000):
        pass
    marked = {str(t).split(" at ")[1].split(",")[0] for t in window.advice_marks.item.data["data"]}
    assert marked and marked <= {"Alpha Hospital", "Beta Clinic"}
    assert len(window.advice_marks.labels) == len(panel.advice.recommendations)
