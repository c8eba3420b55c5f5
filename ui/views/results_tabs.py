"""Adds the Results and chart tabs to the main window and links chart clicks to the tables."""

from __future__ import annotations

from placement_planner.ui.views.heatmap import GapHeatmap
from placement_planner.ui.views.journeys_view import JourneysView
from placement_planner.ui.views.results_view import ResultsView
from placement_planner.ui.views.map_view import MapView
from placement_planner.ui.views.timeline import WeeklyTimeline
from placement_planner.ui.views.utilisation import SiteUtilisation


def add_result_tabs(window) -> None:
    p = window.project
    window.results = ResultsView(p)
    window.heatmap = GapHeatmap(p)
    window.timeline = WeeklyTimeline(p)
    window.utilisation = SiteUtilisation(p)
    window.site_map = MapView(p)   # England, ICB boundaries and sites (issue 11)
    window.journeys = JourneysView(p)   # each journey learner's weeks, who is at each site (issue 13)
    for widget, name in ((window.results, "Results"), (window.heatmap, "Capacity gaps"),
                         (window.timeline, "Weekly timeline"), (window.utilisation, "Site utilisation"),
                         (window.site_map, "Map"), (window.journeys, "Journeys")):
        window.tabs.addTab(widget, name)

    def heat_cell(profession: str, level: str, area: str) -> None:
        window.results.clear_filters()
        window.results.set_filter("profession", profession)
        window.results.set_filter(level, area)
        window.timeline.select(profession, area)
        window.status.showMessage(f"Results filtered to {profession} in {area}: see the Results tab.", 8000)

    def site(site_id: str) -> None:
        window.results.set_filter("site_id", site_id)
        also = "; its journey learners under Journeys > Sites by week" if window.journeys.show_site(site_id) else ""
        window.status.showMessage(f"Results filtered to site {site_id}: see the Results tab{also}.", 8000)

    window.heatmap.cell_clicked.connect(heat_cell)
    window.site_map.site_clicked.connect(site)

    def icb(name: str) -> None:
        window.results.set_filter("ics", name)
        window.status.showMessage(f"Results filtered to {name}: see the Results tab.", 8000)

    window.site_map.icb_clicked.connect(icb)
    # File > Update ICB list..., Help > What do these figures mean? (issue 11)
    from placement_planner.ui.views.map_reference import add_reference_actions

    add_reference_actions(window)
    window.utilisation.site_clicked.connect(site)
