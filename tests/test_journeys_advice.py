"""Advice on journeys: a journey held back only by a required setting nobody offers gets a
recommendation in that setting, and every gain is measured whole (all or nothing per learner)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from placement_planner.advice import advise
from placement_planner.advice.fixes import apply_fix
from placement_planner.advice.parts import solve_tier1
from placement_planner.build import build_planning_data
from tests.journey_checker import check_journeys

D = dt.date
CAPACITY = ["site_id", "profession", "setting", "start_date", "end_date", "places"]
DEMAND = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "setting", "journey",
          "required_settings"]
WY = "NHS West Yorkshire Integrated Care Board"
SITES = [
    {"site_id": "RR801", "site_name": "Leeds General Infirmary", "provider": "Leeds Teaching Hospitals NHS Trust",
     "ics": WY, "region": "North East and Yorkshire", "latitude": 53.8017, "longitude": -1.5519},
    {"site_id": "RY6A1", "site_name": "Armley Moor Health Centre", "provider": "Leeds Community Healthcare NHS Trust",
     "ics": WY, "region": "North East and Yorkshire", "latitude": 53.799, "longitude": -1.595},
]


def _data(required: str):
    capacity = [
        {"site_id": "RR801", "profession": "Adult Nursing", "setting": "acute", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 4},
        {"site_id": "RY6A1", "profession": "Adult Nursing", "setting": "community", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 4},
    ]
    common = {"hei": "University of Leeds", "profession": "Adult Nursing", "learners": 3, "weeks": 4}
    demand = [
        dict(common, demand_id="C1-P1", start_date=D(2026, 9, 14), journey="C1", required_settings=required),
        dict(common, demand_id="C1-P2", start_date=D(2026, 11, 2), journey="C1"),
        dict(common, demand_id="C1-P3", start_date=D(2027, 1, 18), journey="C1", setting="acute"),
        {"demand_id": "PLAIN", "hei": "University of Bradford", "profession": "Adult Nursing", "learners": 2,
         "weeks": 4, "start_date": D(2026, 9, 14), "setting": "acute"},
    ]
    return build_planning_data(sites=SITES, capacity=capacity, demand=demand, week0=D(2026, 9, 7))


def test_a_required_setting_nobody_offers_is_recommended():
    data = _data("acute, community, critical care")
    advice = advise(data, places=4, top=3, fixes=False, smoothing=False)
    assert advice.baseline.learners == 2                  # the journey is held at 0
    missing = [r for r in advice.recommendations if r.setting == "critical care"]
    assert missing, [(r.site_id, r.setting) for r in advice.recommendations]
    rec = missing[0]
    # A new critical care row at a site the journey reaches, in the weeks of a row with no fixed setting;
    # its gain is the whole journey: 3 learners x 3 placements.
    assert rec.site_id in {"RR801", "RY6A1"} and rec.profession == "Adult Nursing"
    rows = data.demand.set_index("demand_id")
    assert any(rec.start_week <= rows.at[d, "start_week"] and rows.at[d, "start_week"] + 3 <= rec.end_week
               for d in ("C1-P1", "C1-P2"))
    assert rec.extra_learners_placed == 9 and rec.extra_weighted_placed == 9.0 and rec.places == 3


def test_gains_are_whole_journeys():
    # One community place a week: two of the three learners can cover community (one in P1's
    # weeks, one in P2's), so 2 x 3 placements are made. Every gain is whole learners' journeys.
    data = _data("acute, community")
    data.capacity.loc[data.capacity["site_id"] == "RY6A1", "places"] = 1
    advice = advise(data, places=4, top=3, fixes=False, smoothing=False)
    assert advice.baseline.learners == 2 * 3 + 2
    assert not check_journeys(data, advice.baseline.plan)
    assert advice.recommendations
    for r in advice.recommendations:
        assert r.extra_learners_placed == 3 and r.extra_weighted_placed == 3.0, r


def _gap_case():
    """Journey J: P1 acute weeks 0-3, P2 weeks 6-9 needing community, offered only in weeks 2-5."""
    capacity = [
        {"site_id": "RR801", "profession": "Adult Nursing", "setting": "acute", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 4},
        {"site_id": "RY6A1", "profession": "Adult Nursing", "setting": "community", "start_date": D(2026, 9, 21),
         "end_date": D(2026, 10, 12), "places": 4},
    ]
    common = {"hei": "University of Leeds", "profession": "Adult Nursing", "learners": 2, "weeks": 4, "journey": "J"}
    demand = [dict(common, demand_id="P1", start_date=D(2026, 9, 7), setting="acute",
                   required_settings="acute, community"),
              dict(common, demand_id="P2", start_date=D(2026, 10, 19))]
    return build_planning_data(sites=SITES, capacity=capacity, demand=demand, week0=D(2026, 9, 7))


def test_a_fix_never_puts_a_learner_on_two_placements_at_once():
    # Moving P2 4 weeks earlier (into community's weeks) would overlap P1: not a fix. The only
    # room is the two free weeks between them, which do not reach community's places.
    data = _gap_case()
    advice = advise(data, places=4, top=3, smoothing=False)
    assert advice.baseline.learners == 0
    for did, fix in advice.fixes.items():
        if not fix.kind:
            continue
        trial = apply_fix(data, fix)
        measured = solve_tier1(trial)
        assert not check_journeys(trial, measured.plan), (did, fix.words, check_journeys(trial, measured.plan))
        assert fix.learners <= measured.learners, (did, fix.words)
        assert fix.kind != "shift_start", (did, fix.words)


def test_a_journey_row_may_still_move_within_the_room_between_its_placements():
    # Community offered in weeks 4-7 instead: P2 (weeks 6-9) fits 2 weeks earlier, inside the gap.
    data = _gap_case()
    data.capacity.loc[data.capacity["site_id"] == "RY6A1", ["start_date", "end_date"]] = \
        [pd.Timestamp(2026, 10, 5), pd.Timestamp(2026, 10, 26)]
    data = build_planning_data(sites=SITES, capacity=data.capacity.drop(columns=[c for c in data.capacity.columns
                                                                                if c not in CAPACITY]),
                               demand=data.demand.drop(columns=[c for c in data.demand.columns if c not in DEMAND]),
                               week0=D(2026, 9, 7))
    advice = advise(data, places=4, top=3, smoothing=False)
    fix = advice.fixes["P2"]
    assert fix.kind == "shift_start" and fix.learners == 2, fix
    trial = apply_fix(data, fix)
    measured = solve_tier1(trial)
    assert measured.learners == 4 and not check_journeys(trial, measured.plan)


def test_an_unplaced_journeys_fix_adds_its_missing_setting():
    # Critical care is offered nowhere: the fix of a row that may take it is a critical care block
    # (placing the whole journey, 3 learners of that row); the row fixed to acute cannot give it,
    # and no change to it alone places anyone, so it gets none.
    data = _data("acute, community, critical care")
    advice = advise(data, places=4, top=3, smoothing=False)
    first = advice.fixes["C1-P1"]
    assert first.kind == "add_places" and first.change["setting"] == "critical care", first
    assert first.learners == 3 and "critical care" in first.words
    trial = apply_fix(data, first)
    measured = solve_tier1(trial)
    assert measured.learners == 11 and not check_journeys(trial, measured.plan)
    assert advice.fixes["C1-P3"].kind == "" and advice.fixes["C1-P3"].learners == 0


def test_a_journey_rows_fix_is_what_it_places_alone():
    # Both placements are one place short: adding places for one row alone places no one more
    # (the journey needs both), so neither row may claim the batch's gain.
    capacity = [
        {"site_id": "RR801", "profession": "Adult Nursing", "setting": "acute", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 1},
        {"site_id": "RY6A1", "profession": "Adult Nursing", "setting": "community", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 1},
    ]
    common = {"hei": "University of Leeds", "profession": "Adult Nursing", "learners": 3, "weeks": 4, "journey": "J"}
    demand = [dict(common, demand_id="P1", start_date=D(2026, 9, 7), setting="acute",
                   required_settings="acute, community"),
              dict(common, demand_id="P2", start_date=D(2026, 10, 19), setting="community")]
    data = build_planning_data(sites=SITES, capacity=capacity, demand=demand, week0=D(2026, 9, 7))
    advice = advise(data, places=4, top=3, smoothing=False)
    assert advice.baseline.learners == 2
    for did, fix in advice.fixes.items():
        if fix.kind:
            measured = solve_tier1(apply_fix(data, fix))
            assert measured.learners - advice.baseline.learners >= fix.learners > 0, (did, fix)
        else:
            assert fix.learners == 0 and "journey J needs changes to several of its placements" in fix.words


def test_places_over_a_journeys_whole_span_are_recommended():
    # 3 learners on 2 placements, acute required once; 1 acute and 1 community place a week:
    # 2 learners placed. One more place in P1's weeks alone (or P2's) places no one; one more
    # acute place over both placements' weeks places the third learner (2 placements).
    capacity = [
        {"site_id": "RR801", "profession": "Adult Nursing", "setting": "acute", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 1},
        {"site_id": "RY6A1", "profession": "Adult Nursing", "setting": "community", "start_date": D(2026, 9, 7),
         "end_date": D(2027, 7, 26), "places": 1},
    ]
    common = {"hei": "University of Leeds", "profession": "Adult Nursing", "learners": 3, "weeks": 4, "journey": "J"}
    demand = [dict(common, demand_id="P1", start_date=D(2026, 9, 7), required_settings="acute"),
              dict(common, demand_id="P2", start_date=D(2026, 10, 19))]
    data = build_planning_data(sites=SITES, capacity=capacity, demand=demand, week0=D(2026, 9, 7))
    advice = advise(data, places=4, top=3, fixes=False, smoothing=False)
    assert advice.baseline.learners == 4
    assert advice.recommendations, "no recommendation for a journey short in both placements"
    best = advice.recommendations[0]
    rows = data.demand.set_index("demand_id")
    assert best.start_week <= rows.at["P1", "start_week"] and best.end_week >= rows.at["P2", "start_week"] + 3
    assert best.extra_learners_placed == 2 and best.extra_weighted_placed == 2.0
