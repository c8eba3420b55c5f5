"""Scenarios (contract v2): each change kind on a tiny case with a hand-computed result, the
Scenarios sheet's problems, learners_moved and Moves counted from the two plans, and a
withdrawal that moves only the learners that had to move."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from placement_planner.build import build_planning_data
from placement_planner.domain import DEFAULT_TIERS, Plan, PlanStatus, Settings, Tier
from placement_planner.io import load_workbooks
from placement_planner.scenarios import Change, apply_changes, learners_moved, moves_table
from placement_planner.scenarios.apply import ScenarioError
from placement_planner.scenarios.plan import plan_baseline, plan_scenario, scenario_tiers
from workbooks import minimal_sheets, write_xlsx

MON = dt.date(2025, 9, 1)          # week 0 of the tiny cases


def day(weeks: int, days: int = 0) -> dt.date:
    return MON + dt.timedelta(weeks=weeks, days=days)


def tiny(**extra):
    sites = [{"site_id": s, "site_name": s, "provider": p, "hub": h, "ics": "ICS A", "region": "London",
              "latitude": 51.5, "longitude": -0.1} for s, p, h in
             (("S1", "Trust One", "Hub N"), ("S2", "Trust One", "Hub S"), ("S3", "Trust Two", "Hub S"))]
    capacity = [{"site_id": "S1", "profession": "Adult Nursing", "setting": "acute", "start_date": day(0),
                 "end_date": day(15, 4), "places": 4},
                {"site_id": "S1", "profession": "Physiotherapy", "setting": "", "start_date": day(0),
                 "end_date": day(15), "places": 2},
                {"site_id": "S2", "profession": "Adult Nursing", "setting": "acute", "start_date": day(2),
                 "end_date": day(9), "places": 3}]
    demand = [{"demand_id": "D1", "hei": "Uni North", "profession": "Adult Nursing", "learners": 3,
               "start_date": day(1, 2), "weeks": 4, "latitude": 51.5, "longitude": -0.1},
              {"demand_id": "D2", "hei": "Uni North", "profession": "Physiotherapy", "learners": 5,
               "start_date": day(2), "weeks": 2},
              {"demand_id": "D3", "hei": "Uni South", "profession": "Adult Nursing", "learners": 1,
               "start_date": day(3), "weeks": 2}]
    args = dict(sites=sites, capacity=capacity, demand=demand)
    args.update(extra)
    return build_planning_data(**args)


def ch(kind, **kw) -> Change:
    return Change(scenario="S", change=kind, **kw)


# ---- each change kind, by hand --------------------------------------------------------------

def test_withdraw_cuts_capacity_rows_week_exactly():
    base = tiny()
    out = apply_changes(base, [ch("withdraw", site_id="S1", profession="Adult Nursing",
                                  from_date=day(5, 3), to_date=day(7, 6))]).data
    nursing = out.capacity[(out.capacity.site_id == "S1") & (out.capacity.profession == "Adult Nursing")]
    # weeks 0..15 offered; 5, 6 and 7 withdrawn (dates stand for their Mondays)
    assert nursing[["start_week", "end_week"]].values.tolist() == [[0, 4], [8, 15]]
    assert nursing["places"].tolist() == [4, 4]
    assert nursing["end_date"].iat[0] == pd.Timestamp(day(5)) - pd.Timedelta(days=1)
    assert nursing["start_date"].iat[1] == pd.Timestamp(day(8))
    # Physiotherapy at S1 and S2's rows are untouched
    assert len(out.capacity) == 4
    physio = out.capacity[out.capacity.profession == "Physiotherapy"]
    assert physio[["start_week", "end_week", "places"]].values.tolist() == [[0, 15, 2]]


def test_withdraw_blank_to_date_has_no_end_and_matches_by_provider():
    base = tiny()
    out = apply_changes(base, [ch("withdraw", provider="trust one", from_date=day(3))]).data
    weeks = out.capacity[["site_id", "profession", "start_week", "end_week"]].values.tolist()
    # S1's two rows keep weeks 0..2; S2 (weeks 2..9) keeps week 2 only; Trust Two has no capacity
    assert weeks == [["S1", "Adult Nursing", 0, 2], ["S1", "Physiotherapy", 0, 2], ["S2", "Adult Nursing", 2, 2]]


def test_withdraw_of_a_block_entirely_inside_the_weeks_removes_it():
    out = apply_changes(tiny(), [ch("withdraw", site_id="S2", from_date=day(1), to_date=day(12))]).data
    assert "S2" not in set(out.capacity.site_id)


def test_scale_demand_rounds_half_up_and_drops_rows_reaching_zero():
    base = tiny()
    out = apply_changes(base, [ch("scale_demand", hei="Uni North", value=1.5)]).data
    assert out.demand.set_index("demand_id")["learners"].to_dict() == {"D1": 5, "D2": 8, "D3": 1}  # 4.5->5, 7.5->8
    out = apply_changes(base, [ch("scale_demand", profession="Adult Nursing", value=0.5)]).data
    assert out.demand.set_index("demand_id")["learners"].to_dict() == {"D1": 2, "D2": 5, "D3": 1}  # 1.5->2, 0.5->1
    out = apply_changes(base, [ch("scale_demand", value=0.1)]).data
    assert out.demand.set_index("demand_id")["learners"].to_dict() == {"D2": 1}   # 0.3 and 0.1 -> 0: dropped
    assert base.demand["learners"].tolist() == [3, 5, 1]      # the baseline is never changed


def test_shift_start_moves_by_seven_days_a_week_and_week0_when_earlier():
    base = tiny()
    out = apply_changes(base, [ch("shift_start", demand_id="D1", value=2)]).data
    d1 = out.demand.set_index("demand_id").loc["D1"]
    assert d1["start_date"] == pd.Timestamp(day(3, 2)) and d1["start_week"] == 3
    assert out.week0 == base.week0 and out.capacity is base.capacity      # untouched frames shared
    out = apply_changes(base, [ch("shift_start", hei="Uni North", profession="Adult Nursing", value=-3)]).data
    assert out.week0 == MON - dt.timedelta(weeks=2)                       # D1 starts in week -2
    assert out.demand.set_index("demand_id")["start_week"].to_dict() == {"D1": 0, "D2": 4, "D3": 5}
    assert out.capacity["start_week"].tolist() == [2, 2, 4]


def test_travel_limit_sets_max_travel_km_of_the_matching_rows():
    out = apply_changes(tiny(), [ch("travel_limit", setting="", hei="Uni South", value=80)]).data
    limits = out.demand.set_index("demand_id")["max_travel_km"]
    assert limits["D3"] == 80 and np.isnan(limits["D1"]) and np.isnan(limits["D2"])


def test_add_places_appends_one_capacity_row():
    base = tiny()
    out = apply_changes(base, [ch("add_places", site_id="S3", profession="Physiotherapy", setting="",
                                  from_date=day(2, 1), to_date=day(4), value=3)]).data
    assert len(out.capacity) == 4
    new = out.capacity.iloc[-1]
    assert (new.site_id, new.profession, new.places, new.start_week, new.end_week) == \
        ("S3", "Physiotherapy", 3, 2, 4)
    assert out.demand is base.demand and out.sites is base.sites


def test_changes_apply_in_sheet_order():
    base = tiny()
    a = apply_changes(base, [ch("scale_demand", demand_id="D1", value=2),
                             ch("scale_demand", demand_id="D1", value=0.5)]).data
    b = apply_changes(base, [ch("scale_demand", demand_id="D1", value=0.5),
                             ch("scale_demand", demand_id="D1", value=2)]).data
    assert a.demand.set_index("demand_id")["learners"]["D1"] == 3      # 3*2=6, 6*0.5=3
    assert b.demand.set_index("demand_id")["learners"]["D1"] == 4      # 3*0.5=1.5->2, 2*2=4


def test_scaling_below_locked_learners_is_an_error():
    base = tiny(locked=[{"demand_id": "D2", "site_id": "S1", "learners": 2}])
    with pytest.raises(ScenarioError, match="locked"):
        apply_changes(base, [ch("scale_demand", demand_id="D2", value=0.2)])


def test_scenario_tiers_put_keep_previous_second_unless_settings_choose():
    assert scenario_tiers(Settings()) == (Tier.PLACED, Tier.KEEP_PREVIOUS, Tier.FAIR_SHARE, Tier.PREFERRED,
                                          Tier.VARIETY, Tier.TRAVEL)
    v1_default = (Tier.PLACED, Tier.FAIR_SHARE, Tier.KEEP_PREVIOUS, Tier.PREFERRED, Tier.TRAVEL)
    assert scenario_tiers(Settings(tiers=v1_default)) == scenario_tiers(Settings())
    own = (Tier.PLACED, Tier.TRAVEL, Tier.KEEP_PREVIOUS)
    assert scenario_tiers(Settings(tiers=own)) == own
    assert DEFAULT_TIERS[2] is Tier.KEEP_PREVIOUS


# ---- the Scenarios sheet's problems -----------------------------------------------------------

def _load_with(tmp_path, rows):
    sheets = minimal_sheets()
    sheets["Scenarios"] = [["Scenario", "Change", "Site ID", "Provider", "HEI", "Profession", "From date",
                            "To date", "Value"]] + rows
    return load_workbooks([write_xlsx(tmp_path / "in.xlsx", sheets)])


def test_sheet_problems_are_located_and_say_what_to_do(tmp_path):
    rows = [["ok", "withdraw", "S1", "", "", "", dt.date(2025, 10, 6), None, None],
            ["typo", "withdraws", "S1", "", "", "", dt.date(2025, 10, 6), None, None],
            ["site", "withdraw", "S7x", "", "", "", dt.date(2025, 10, 6), None, None],
            ["nodate", "withdraw", "S1", "", "", "", None, None, None],
            ["uni", "scale_demand", "", "", "Midlesex University", "", None, None, 1.2],
            ["value", "scale_demand", "", "", "", "", None, None, "lots"],
            ["zero", "add_places", "S2", "", "", "Physiotherapy", dt.date(2025, 9, 1), dt.date(2025, 9, 29), 0],
            ["nothing", "withdraw", "S2", "", "", "Adult Nursing", dt.date(2025, 9, 1), None, None],
            ["prof", "travel_limit", "", "", "", "Physio therapy", None, None, 80]]
    loaded = _load_with(tmp_path, rows)
    errors = {p.row: p for p in loaded.problems.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}, [p.line() for p in loaded.problems]
    assert errors[3].column == "Change" and "Did you mean 'withdraw'" in errors[3].message
    assert errors[4].column == "Site ID" and "S7x" in errors[4].message
    assert errors[5].column == "From date" and "needs from_date" in errors[5].message
    assert errors[6].column == "HEI" and "Did you mean 'Middlesex University'" in errors[6].message
    assert errors[7].column == "Value" and "not a number" in errors[7].message
    assert errors[8].column == "Value" and "at least 1" in errors[8].message
    assert "no Adult Nursing places" in errors[9].message
    assert all(p.sheet == "Scenarios" for p in errors.values())
    book = loaded.scenarios
    assert book.names == ["ok", "typo", "site", "nodate", "uni", "value", "zero", "nothing", "prof"]
    assert [n for n in book.names if book.usable(n)] == ["ok", "prof"]
    assert not [p for p in loaded.problems.errors if p.row == 10]  # Physio therapy -> Physiotherapy


# ---- learners_moved and Moves, counted from the two plans ----------------------------------

def _count_moved(previous: pd.DataFrame, new: pd.DataFrame) -> tuple[int, dict]:
    """Independent count: walk every row of both plans with dictionaries."""
    prev, now = defaultdict(int), defaultdict(int)
    for r in previous.itertuples():
        prev[(r.demand_id, r.site_id, r.setting, int(r.start_week))] += int(r.learners)
    for r in new.itertuples():
        now[(r.demand_id, r.site_id, r.setting, int(r.start_week))] += int(r.learners)
    moved_from = defaultdict(int)
    for key, n in prev.items():
        left = n - min(n, now.get(key, 0))
        if left:
            moved_from[(key[0], key[1], key[3])] += left
    return sum(moved_from.values()), dict(moved_from)


def _alloc(rows):
    return pd.DataFrame(rows, columns=["demand_id", "site_id", "setting", "start_week", "learners"]).assign(
        locked=False)


def test_moves_and_learners_moved_match_a_count_from_the_two_plans():
    previous = _alloc([("D1", "S1", "acute", 1, 3), ("D1", "S2", "acute", 1, 2), ("D2", "S1", "", 2, 4),
                       ("D3", "S2", "acute", 3, 1), ("D4", "S3", "", 0, 2)])
    new = _alloc([("D1", "S1", "acute", 1, 1), ("D1", "S3", "acute", 2, 3), ("D2", "S1", "", 2, 4),
                  ("D3", "S2", "community", 3, 1), ("D5", "S1", "", 0, 6)])
    expected, by_from = _count_moved(previous, new)
    assert learners_moved(previous, new) == expected == 2 + 2 + 1 + 2   # D1 S1, D1 S2, D3 pool, D4 dropped
    info = pd.DataFrame({"demand_id": ["D1", "D2", "D3", "D4", "D5"], "hei": list("ABCDE"),
                         "profession": ["Adult Nursing"] * 5})
    moves = moves_table(previous, new, scenario="X", week0=MON, demand_info=info)
    assert list(moves.columns) == ["scenario", "demand_id", "hei", "profession", "learners", "from_site_id",
                                   "to_site_id", "from_start", "to_start"]
    assert int(moves["learners"].sum()) == expected
    got = moves.groupby(["demand_id", "from_site_id"])["learners"].sum().to_dict()
    assert got == {(d, s): n for (d, s, _), n in by_from.items()}
    d1 = moves[moves.demand_id == "D1"]
    # D1 keeps 1 at S1, loses 2 at S1 and 2 at S2, and gains 3 at S3: 3 go to S3, 1 is unplaced
    assert d1.groupby("to_site_id")["learners"].sum().to_dict() == {"": 1, "S3": 3}
    d4 = moves[moves.demand_id == "D4"].iloc[0]
    assert d4["to_site_id"] == "" and pd.isna(d4["to_start"]) and d4["from_start"] == pd.Timestamp(MON)
    assert (d4["hei"], d4["learners"]) == ("D", 2)


# ---- re-planning: only the learners that had to move ------------------------------------------

def _three_sites_full():
    """5 learners, 7 places at three sites; every group fits at every site (same weeks)."""
    sites = [{"site_id": s, "provider": f"Trust {s}", "ics": "ICS A", "region": "London"} for s in ("S1", "S2", "S3")]
    capacity = [{"site_id": s, "profession": "Adult Nursing", "start_date": day(0), "end_date": day(9),
                 "places": n} for s, n in (("S1", 2), ("S2", 3), ("S3", 2))]
    demand = [{"demand_id": d, "hei": h, "profession": "Adult Nursing", "learners": n, "start_date": day(2),
               "weeks": 4} for d, h, n in (("D1", "Uni A", 2), ("D2", "Uni B", 2), ("D3", "Uni C", 1))]
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


@pytest.mark.parametrize("withdrawn", ["S1", "S3"])
def test_a_withdrawal_moves_only_the_learners_that_had_to_move(withdrawn):
    base = _three_sites_full()
    baseline = plan_baseline(base, time_limit_s=30)
    assert baseline.summary["learners_placed"] == 5
    at_site = int(baseline.plan.allocations.loc[baseline.plan.allocations.site_id == withdrawn, "learners"].sum())
    out = plan_scenario(base, [ch("withdraw", site_id=withdrawn, from_date=day(3), to_date=day(3))], "W",
                        baseline.plan, time_limit_s=30)
    # The 5 remaining places hold the 5 learners: everyone is still placed, and only the learners
    # the baseline had at the withdrawn site moved.
    assert out.summary["learners_placed"] == 5
    assert out.summary["learners_moved"] == at_site
    assert set(out.moves["from_site_id"]) <= {withdrawn}
    assert int(out.moves["learners"].sum()) == at_site
    assert (out.moves["to_site_id"] != withdrawn).all() and (out.moves["to_site_id"] != "").all()
    assert out.summary["kept_from_previous"] == 5 - at_site
    expected, _ = _count_moved(baseline.plan.allocations, out.plan.allocations)
    assert expected == at_site


def test_scenario_previous_plan_is_the_allocations_sheet_when_loaded():
    base = _three_sites_full()
    first = plan_baseline(base, time_limit_s=30)
    with_prev = build_planning_data(sites=base.sites.reset_index(drop=True), capacity=base.capacity,
                                    demand=base.demand, previous=first.plan.allocations)
    # A different "baseline plan" is ignored: the loaded Allocations sheet is the one kept.
    other = Plan(allocations=first.plan.allocations.iloc[:0], status=PlanStatus.OPTIMAL)
    out = plan_scenario(with_prev, [ch("scale_demand", demand_id="D3", value=2)], "G", other, time_limit_s=30)
    assert out.summary["learners_moved"] == 0
    assert out.summary["kept_from_previous"] == 5
    assert out.summary["learners_placed"] == 6


def test_replanning_only_the_parts_a_change_reaches_matches_a_whole_solve():
    """Two professions never share a pool: a withdrawal of Physiotherapy places leaves the
    Adult Nursing part as it was; the result equals solving the whole scenario."""
    from placement_planner.scenarios.plan import scenario_tiers
    from placement_planner.scenarios.reuse import affected_rows
    from placement_planner.solver import SolveOptions, solve

    sites = [{"site_id": s, "provider": f"Trust {s}", "ics": "ICS A", "region": "London"} for s in ("S1", "S2")]
    capacity = [{"site_id": s, "profession": p, "start_date": day(0), "end_date": day(11), "places": n}
                for s, p, n in (("S1", "Adult Nursing", 3), ("S2", "Adult Nursing", 2), ("S1", "Physiotherapy", 2),
                                ("S2", "Physiotherapy", 2))]
    demand = [{"demand_id": f"{p[0]}{i}", "hei": h, "profession": p, "learners": 2, "start_date": day(i),
               "weeks": 3} for i, h in enumerate(("Uni A", "Uni B", "Uni C"))
              for p in ("Adult Nursing", "Physiotherapy")]
    base = build_planning_data(sites=sites, capacity=capacity, demand=demand)
    baseline = plan_baseline(base, time_limit_s=30)
    change = ch("withdraw", site_id="S2", profession="Physiotherapy", from_date=day(1), to_date=day(2))
    applied = apply_changes(base, [change], baseline.plan.allocations)
    rows = affected_rows(applied)
    assert set(applied.data.demand.loc[rows, "profession"]) == {"Physiotherapy"}
    out = plan_scenario(base, [change], "W", baseline.plan, time_limit_s=30)
    whole = solve(applied.data, SolveOptions(time_limit_s=30, tiers=scenario_tiers(base.settings)))
    assert out.summary["weighted_placed"] == pytest.approx(float((whole.allocations["learners"]).sum()))
    assert out.summary["learners_moved"] == learners_moved(applied.previous, whole.allocations)
    nursing = lambda a: a[a["demand_id"].str.startswith("A")].sort_values(["demand_id", "site_id"])[  # noqa: E731
        ["demand_id", "site_id", "start_week", "learners"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(nursing(out.plan.allocations), nursing(baseline.plan.allocations),
                                  check_dtype=False)


def test_previous_plan_kept_as_is_when_tier1_cannot_place_more():
    """More travel allowed but no more places: the previous plan is provably still the best and
    comes back unchanged (the shortcut), the same as a whole solve."""
    from placement_planner.scenarios.plan import prepare, scenario_tiers
    from placement_planner.scenarios.reuse import previous_if_still_best
    from placement_planner.solver import SolveOptions, solve

    base = _three_sites_full()
    baseline = plan_baseline(base, time_limit_s=30)
    change = ch("travel_limit", value=500)
    applied = prepare(base, [change], baseline.plan)
    options = SolveOptions(time_limit_s=30, tiers=scenario_tiers(base.settings), start_from=applied.data.previous)
    kept = previous_if_still_best(applied.data, options)
    assert kept is not None and kept.status is PlanStatus.OPTIMAL
    assert learners_moved(applied.previous, kept.allocations) == 0
    whole = solve(applied.data, options)
    assert learners_moved(applied.previous, whole.allocations) == 0
    assert int(whole.allocations["learners"].sum()) == int(kept.allocations["learners"].sum()) == 5
    # a scale-up that can be placed (2 spare places) is not taken for the previous plan
    grown = prepare(base, [ch("scale_demand", demand_id="D3", value=2)], baseline.plan)
    assert previous_if_still_best(grown.data, dataclasses_replace(options, start_from=grown.data.previous)) is None


def dataclasses_replace(obj, **kw):
    import dataclasses

    return dataclasses.replace(obj, **kw)


def test_previous_plan_shortcut_requires_every_lock_kept():
    from placement_planner.scenarios.reuse import _keeps_locks

    prev = _alloc([("D1", "S1", "acute", 1, 2), ("D1", "S2", "", 1, 1), ("D2", "S1", "acute", 2, 3)])
    locks = lambda rows: pd.DataFrame(rows, columns=["demand_id", "site_id", "learners", "setting"])  # noqa: E731
    assert _keeps_locks(prev, locks([("D1", "S1", 2, ""), ("D2", "S1", 3, "Acute")]))
    assert not _keeps_locks(prev, locks([("D1", "S1", 3, "")]))              # 2 there, 3 locked
    assert not _keeps_locks(prev, locks([("D1", "S2", 1, "acute")]))         # at S2 but not in acute
    assert not _keeps_locks(prev, locks([("D3", "S1", 1, "")]))


# ---- journeys in a scenario put together from kept and re-planned parts ---------------------------

def _two_journeys():
    sites = [{"site_id": s, "site_name": s, "provider": "Trust One", "ics": "ICS A", "region": "London",
              "latitude": 51.5, "longitude": -0.1} for s in ("W1", "W2", "C1")]
    capacity = [{"site_id": s, "profession": prof, "setting": setting, "start_date": day(0),
                 "end_date": day(30), "places": 2}
                for prof in ("Adult Nursing", "Physiotherapy")
                for s, setting in (("W1", "acute"), ("W2", "acute"), ("C1", "community"))]
    demand = [{"demand_id": f"{j}-P{k}", "hei": "Uni A", "profession": prof, "learners": 2,
               "start_date": day(4 * k), "weeks": 3, "journey": j, "required_settings": "acute, community"}
              for j, prof in (("JA", "Adult Nursing"), ("JP", "Physiotherapy")) for k in (0, 1, 2)]
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


def test_a_scenario_keeps_the_paths_of_the_journeys_it_did_not_re_plan():
    from placement_planner.journeys import check_journeys

    base = _two_journeys()
    baseline = plan_baseline(base, time_limit_s=30)
    assert baseline.summary["learners_placed"] == 12
    assert set(baseline.plan.journeys["journey"]) == {"JA", "JP"}
    # only the Physiotherapy part is re-planned; the Adult Nursing journey is kept as it was
    out = plan_scenario(base, [ch("add_places", site_id="W1", profession="Physiotherapy", setting="acute",
                                  from_date=day(0), to_date=day(30), value=1)], "P", baseline.plan,
                        time_limit_s=30)
    assert any("Re-planned" in m or "still the best" in m for m in out.plan.messages)
    journeys = out.plan.journeys
    assert set(journeys["journey"]) == {"JA", "JP"}
    assert len(journeys) == 12            # one row per placed learner per journey row
    assert check_journeys(apply_changes(base, [ch("add_places", site_id="W1", profession="Physiotherapy",
                                                  setting="acute", from_date=day(0), to_date=day(30),
                                                  value=1)]).data, out.plan) == []
