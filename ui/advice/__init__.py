"""The Advice tab: where N more places would place the most learners (issue 9).

``install(window)`` is the one hook the main window calls: it adds the tab.
"""

from __future__ import annotations


def install(window) -> None:
    from placement_planner.ui.advice.panel import AdvicePanel

    window.advice_panel = AdvicePanel(window.project, getattr(window, "scenario_store", None))
    window.tabs.addTab(window.advice_panel, "Advice")
    window.advice_panel.message.connect(lambda text: window.status.showMessage(text, 8000))
    site_map = getattr(window, "site_map", None)
    if site_map is not None:   # recommended sites marked on the Map tab
        from placement_planner.ui.advice.map_marks import AdviceMarks

        window.advice_marks = AdviceMarks(site_map)
        window.advice_panel.advised.connect(
            lambda frame, sites: window.advice_marks.show(frame, sites))
