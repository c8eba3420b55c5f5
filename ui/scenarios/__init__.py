"""The Scenarios panel: what-ifs made from the data, planned in the background and compared.

``install(window)`` is the one hook the main window calls: it adds the Scenarios tab and the
right-click actions on the Sites and Demand tables.
"""

from __future__ import annotations


def install(window) -> None:
    from placement_planner.ui.scenarios.dialogs import install_context_menus
    from placement_planner.ui.scenarios.panel import ScenariosPanel
    from placement_planner.ui.scenarios.store import ScenarioStore

    window.scenario_store = ScenarioStore(window.project)
    window.scenarios_panel = ScenariosPanel(window.scenario_store)
    window.tabs.addTab(window.scenarios_panel, "Scenarios")
    install_context_menus(window, window.scenario_store)
    window.scenario_store.message.connect(lambda text: window.status.showMessage(text, 8000))
    advice = getattr(window, "advice_panel", None)     # installed first: give it the scenarios to add to
    if advice is not None and getattr(advice, "store", None) is None:
        advice.store = window.scenario_store
