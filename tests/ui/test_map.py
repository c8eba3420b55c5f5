"""The map (issue 11): a shape-keeping projection, England and the 36 ICB boundaries shipped with
their attribution, an ICB choropleth of unmet learners with the sites on top, click an ICB to filter."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from conftest import open_and_wait, plan_and_wait
from placement_planner import reference
from placement_planner.ui import colours as C, core
from placement_planner.ui.views.map_projection import osgb36_to_grid, to_bng
from placement_planner.ui.views.map_view import boundaries, icb_unmet


def test_national_grid_matches_the_ordnance_survey_worked_example():
    # OS "A guide to coordinate systems in Great Britain", annex C: 52°39'27.2531"N 1°43'4.5177"E (OSGB36)
    lat = 52 + 39 / 60 + 27.2531 / 3600
    lon = 1 + 43 / 60 + 4.5177 / 3600
    east, north = osgb36_to_grid(lat, lon)
    assert east == pytest.approx(651409.903, abs=0.01) and north == pytest.approx(313177.270, abs=0.01)


@pytest.mark.parametrize("lat, lon, east, north", [
    # sub-ICB location centroids as ONS publishes them (WGS84 and British National Grid)
    (53.5258, -1.54925, 429979, 403330),
    (51.58644, 0.662808, 584568, 190868),
    (53.39114, -2.12468, 391805, 388262),
    (51.24071, -0.32761, 516837, 150388),
])
def test_wgs84_to_national_grid_within_metres(lat, lon, east, north):
    e, n = to_bng(lat, lon)
    assert np.hypot(e - east, n - north) < 15     # coordinates given to ~5 decimals


def test_shipped_boundaries_are_the_36_icbs_with_attribution():
    data = boundaries()
    names = {f["icb_name"] for f in data["icbs"]}
    assert names == set(reference.current_icb_names()) and len(names) == 36
    assert "Open Government Licence" in data["attribution"] + data["licence"]
    assert data["england"] and all(f["polygons"] for f in data["icbs"])


def test_gp_practices_lie_in_their_own_icb_on_the_map():
    """The dissolve is right: practices (by postcode) fall inside the boundary of their own ICB."""
    from placement_planner.ui.views.map_view import _path

    paths = {f["icb_code"]: _path(f["polygons"]) for f in boundaries()["icbs"]}
    prac = reference.practices().sample(400, random_state=1)
    inside = total = 0
    for code, postcode in zip(prac["icb_code"], prac["postcode"]):
        at = reference.locate(postcode)
        if at is None:
            continue
        e, n = to_bng(*at)
        total += 1
        inside += paths[code].contains(QPointF(float(e), float(n)))
    assert total > 300 and inside / total > 0.97


def test_map_shades_icbs_by_unmet_learners_and_filters_on_click(qtbot, window):
    open_and_wait(qtbot, window, core.sample_paths())
    plan_and_wait(qtbot, window)
    view = window.site_map
    window.tabs.setCurrentWidget(view)
    r = window.project.results
    unmet = icb_unmet(r, None).set_index("icb")["unmet_learners_busiest_week"]
    worst = unmet.idxmax()
    lo, hi = C.levels(unmet.to_numpy(float), "shortfall")
    expected = C.colours_for([unmet[worst]], "shortfall", lo, hi, alpha=230)[0]
    assert view.icbs[worst].brush().color().rgba() == expected.rgba()
    untouched = next(n for n in view.icbs if n not in unmet.index)
    assert view.icbs[untouched].brush().color().rgb() == C.qcolor(C.RAMPS["shortfall"][0]).rgb()
    # every site is drawn inside the ICB it belongs to
    sites = view.sites.data
    assert len(sites) > 0
    for point in sites:
        d = point["data"]
        assert view.icb_at(point["x"], point["y"]) == d["ics"], d["site_id"]
    # clicking an ICB filters the Results to it
    seen = []
    view.icb_clicked.connect(seen.append)
    first = sites[0]
    vb = view.plot.getViewBox()
    scene = vb.mapViewToScene(QPointF(first["x"] + 3000, first["y"] + 3000))

    class Click:
        def scenePos(self):
            return scene

        def isAccepted(self):
            return False

    view._scene_clicked(Click())
    assert seen == [view.icb_at(first["x"] + 3000, first["y"] + 3000)] and seen[0]
    # per profession: only the sites offering it are drawn, with their % used of that profession
    profession = r.utilisation["profession"].value_counts().index[-1]
    view.profession.setCurrentText(profession)
    offering = set(r.utilisation.loc[(r.utilisation["profession"] == profession)
                                     & (r.utilisation["place_weeks_offered"] > 0), "site_id"])
    assert {p["data"]["site_id"] for p in view.sites.data} == offering


def test_menu_updates_the_icb_list_and_the_map_draws_the_merged_icb(qtbot, window, tmp_path, monkeypatch):
    import pandas as pd

    from placement_planner.ui.views.map_reference import update_icb_list
    from placement_planner.ui.views.map_view import MapView

    monkeypatch.setenv("PLACEMENT_PLANNER_DATA", str(tmp_path / "data"))
    reference.reload()
    try:
        path = tmp_path / "mergers.csv"
        pd.DataFrame({"old_icb": ["QJK", "QT6"], "new_icb": ["Q1P2N"] * 2,
                      "new_icb_name": ["NHS Peninsula Integrated Care Board"] * 2,
                      "effective_from": ["01/04/2027"] * 2}).to_csv(path, index=False)
        assert window.update_icb_action.text().startswith("Update ICB list")
        lines = update_icb_list(window, str(path))
        assert lines and "36 -> 35 ICBs" in lines[0]
        view = MapView(window.project)
        assert "NHS Peninsula Integrated Care Board" in view.icbs and len(view.icbs) == 35
        devon = reference.practices().query("icb_code == 'QJK'")["postcode"].iat[0]
        e, n = to_bng(*reference.locate(devon))
        assert view.icb_at(float(e), float(n)) == "NHS Peninsula Integrated Care Board"
    finally:
        monkeypatch.undo()
        reference.reload()


def test_figures_page_is_shipped_and_explains_the_headline_figures(qtbot, window):
    from placement_planner.ui.views.map_reference import FiguresDialog, figures_markdown
    from placement_planner.ui.views.summary_panel import FIGURES

    text = figures_markdown()
    for key in ("weighted_placed", "gap", "min_group_fill", "learner_km"):
        assert f"`{key}`" in text
    assert "proven within" in text.lower() and "priority" in text
    tips = {key: tip for key, _, tip in FIGURES}
    assert "priority" in tips["weighted_placed"] and "exceed the learners requested" in tips["weighted_placed"]
    assert "proven within" in tips["gap"]
    dialog = FiguresDialog(window)
    assert "Priority-weighted placements" in dialog.text.toPlainText()
    assert window.figures_action.text() == "What do these figures mean?"
