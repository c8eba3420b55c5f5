"""The Advice tab: where N more places would place the most learners (issue 9).

``install(window)`` is the one hook the main window calls: it adds the tab.
"""

from __future__ import annotations


def install(window) -> None:
    from placement_planner.ui.advice.panel import AdvicePanel

    window.advice_panel = AdvicePanel(window.project, getattr(window, "scenario_store", None))
    window.tabs.addTab(window.advice_panel, "Advice")
    window.advice_panel.message.connect(lambda text: window.status.showMessage(text, 8000))
