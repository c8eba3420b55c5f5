"""Issue 14 items 4 and 8: a steady window, tab shortcuts, the Help menu, tooltips with full text."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from conftest import open_and_wait, plan_and_wait
from placement_planner.ui import core


def test_window_width_unchanged_after_five_plans(qtbot, window):
    p = window.project
    screen = QApplication.primaryScreen().availableGeometry()
    window.resize(min(1100, screen.width()), 700)
    qtbot.wait(50)
    width = window.width()
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    long_words = "Placing learners: part 12 of 20 (Therapeutic Radiography, North East and Yorkshire) " * 3
    for k in range(5):
        p.plan()
        window.status.progress.label.setText(long_words)        # the longest progress text
        window.status.showMessage(long_words, 5000)
        qtbot.wait(30)
        assert window.width() == width, f"plan {k + 1}: {window.width()} px, was {width}"
        qtbot.waitUntil(lambda: not p.running_tasks() and not p.planning, timeout=60000)
        window.status.plan_state.setText(long_words)
        qtbot.wait(30)
        assert window.width() == width
    assert window.status.plan_state.toolTip()   # the full text is still there to read


def test_geometry_and_splitters_are_remembered(qtbot, window):
    from placement_planner.ui.main_window import MainWindow

    size = window.minimumSizeHint()
    want = (size.width() + 41, size.height() + 23)
    window.resize(*want)
    qtbot.wait(20)
    assert (window.width(), window.height()) == want
    window.heatmap.splitter.setSizes([500, 300])
    window.heatmap.splitter.splitterMoved.emit(500, 1)
    window.save_geometry()
    again = MainWindow()
    qtbot.addWidget(again)
    # (The offscreen screen is 800 px wide: the width is clamped to it, the height is not.)
    assert again.size().height() == want[1]
    assert again.heatmap.splitter.sizes()[0] > again.heatmap.splitter.sizes()[1]
    assert QSettings().value("splitters/Capacity gaps") is not None
    again.project.mark_saved()


def test_tab_shortcuts(qtbot, window):
    window.tabs.setCurrentIndex(0)
    window.activateWindow()
    window.actions["next_tab"].trigger()
    assert window.tabs.currentIndex() == 1
    window.actions["previous_tab"].trigger()
    window.actions["previous_tab"].trigger()
    assert window.tabs.currentIndex() == window.tabs.count() - 1
    assert window.actions["next_tab"].shortcut() == QKeySequence("Ctrl+PgDown")
    window.tab_actions[2].trigger()
    assert window.tabs.currentIndex() == 2
    assert window.tab_actions[2].shortcut() == QKeySequence("Ctrl+3")


def test_one_problems_entry_in_view_and_a_help_menu(qtbot, window):
    texts = [a.text().replace("&", "") for a in window.view_menu.actions() if not a.isSeparator()]
    assert sum("Problems" in t for t in texts) == 1, texts
    help_texts = [a.text().replace("&", "") for a in window.help_menu.actions() if not a.isSeparator()]
    for wanted in ("User guide", "Workbook format", "Open sample workbooks", "About"):
        assert any(t.startswith(wanted) for t in help_texts), help_texts
    text = window.about_text()
    from placement_planner import __version__

    assert __version__ in text and "Open Government Licence" in text


def test_a_tooltip_holds_the_full_reason(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    unplaced = window.results.unplaced
    col = unplaced.model.columns.index("reason")
    assert unplaced.model.rowCount() > 0
    reasons = [unplaced.model.index(r, col) for r in range(unplaced.model.rowCount())]
    longest = max(reasons, key=lambda i: len(i.data()))
    assert longest.data(Qt.ItemDataRole.ToolTipRole) == longest.data()
    assert unplaced.view.columnWidth(col) < unplaced.fontMetrics().horizontalAdvance(longest.data())


def test_charts_say_what_to_do_before_the_first_plan(qtbot, window):
    for chart in (window.heatmap, window.timeline, window.utilisation, window.site_map):
        window.tabs.setCurrentWidget(chart)
        assert chart.stack.currentWidget() is chart.hint
        assert "Open a supply and a demand workbook" in chart.hint.text()
    open_and_wait(qtbot, window, core.sample_paths())
    assert "Press Plan (F5)" in window.timeline.hint.text()
    window.project.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    for chart in (window.heatmap, window.timeline):
        window.tabs.setCurrentWidget(chart)
        assert chart.stack.currentWidget() is chart.plot


def test_file_dialogs_remember_their_folder(tmp_path):
    from placement_planner.ui.actions import last_folder, remember_folder

    remember_folder("export", str(tmp_path / "plans" / "plan.xlsx"))
    assert last_folder("export", "placement-plan.xlsx") == str(tmp_path / "plans" / "placement-plan.xlsx")


def test_clicking_a_cell_keeps_the_key_column_in_view(qtbot, window):
    open_and_wait(qtbot, window, core.sample_paths())
    sites = window.data_tables.tables["sites"]
    window.tabs.setCurrentWidget(sites)
    sites.view.resize(300, 200)
    qtbot.wait(20)
    bar = sites.view.horizontalScrollBar()
    assert bar.maximum() > 0
    wide = max(range(sites.model.columnCount()), key=lambda c: sites.view.columnViewportPosition(c)
               if sites.view.columnViewportPosition(c) < sites.view.viewport().width() else -1)
    sites.view.setCurrentIndex(sites.proxy.index(2, wide))
    sites.view.scrollTo(sites.proxy.index(2, wide))
    assert bar.value() == 0


def test_a_heatmap_of_many_hubs_is_not_labelled_cell_by_cell(qtbot, window):
    """20 professions x 129 hubs took 8 s to label on a region plan; the figures are tooltips."""
    import numpy as np

    from placement_planner.ui.views.heatmap import MAX_LABELS

    heat = window.heatmap
    values = np.arange(20 * 129, dtype=float).reshape(20, 129)
    heat.rows, heat.cols = [f"P{i}" for i in range(20)], [f"Hub {j}" for j in range(129)]
    heat._show_labels(values, values / values.max())
    assert len(heat._labels) <= MAX_LABELS
    assert not any(item.isVisible() for item in heat._labels)
    small = values[:3, :4]
    heat._show_labels(small, small / small.max())
    assert sum(item.isVisible() for item in heat._labels) == 12


def test_the_optimisers_notes_are_in_the_plan_status(qtbot, window):
    """A plan whose travel is proven only to the tolerance says so where the plan's status is."""
    import dataclasses
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    note = "Learner-km 2,346.5 is within 0.020 % of the least possible (bound 2,346.0)."
    plain = window.status.plan_state.toolTip()
    assert "notes" not in window.status.plan_state.text() and note not in plain
    p.results = dataclasses.replace(p.results, plan=dataclasses.replace(
        p.results.plan, messages=[note, "solver seconds per tier (summed over parts): placed 0.01"]))
    window.status._plan()
    assert window.status.plan_state.text().endswith("— notes (hover)")
    tip = window.status.plan_state.toolTip()
    assert note in tip and "solver seconds" not in tip
