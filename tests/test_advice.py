"""The expansion advisor on tiny hand-built cases: the top recommendation is the bottleneck and
its gain is exact (cross-checked by brute force), fixes place what they promise, tariff
arithmetic, and the JSON agrees with the sheet."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from placement_planner.advice import advise
from placement_planner.advice.fixes import apply_fix
from placement_planner.advice.parts import placed_per_row, solve_tier1, with_capacity
from placement_planner.advice.tariff import MEDICAL_ANNUAL_GBP, Tariffs, default_weekly
from placement_planner.cli import main
from placement_planner.io import load_workbooks
from tests.workbooks import LONDON, SITES_HEADER, write_xlsx

MONDAY = dt.date(2025, 9, 1)
DEMAND = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "setting", "latitude",
          "longitude", "priority", "max_travel_km"]
CAPACITY = ["site_id", "profession", "setting", "start_date", "end_date", "places"]


def week(n: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=n)


def bottleneck_sheets(settings: list | None = None) -> dict:
    """Physiotherapy at two near sites (A: 1 place weeks 0-11, B: 1 place weeks 0-5) and a far
    one; P1 (priority 2) needs 3 learners weeks 0-5, P2 needs 2 learners weeks 4-9. Dietetics
    has no places anywhere. Adult Nursing is fully placed."""
    sheets = {
        "Sites": [list(SITES_HEADER),
                  ["A", "Alpha Hospital", "Alpha Trust", LONDON, "London", 51.55, -0.16, "ok"],
                  ["B", "Beta Clinic", "Beta Trust", LONDON, "London", 51.56, -0.14, "ok"],
                  ["C", "Far Hospital", "Far Trust", LONDON, "London", 53.40, -2.20, "ok"]],
        "Capacity": [list(CAPACITY),
                     ["A", "Physiotherapy", "", week(0), week(11), 1],
                     ["B", "Physiotherapy", "", week(0), week(5), 1],
                     ["C", "Physiotherapy", "", week(0), week(11), 9],
                     ["A", "Adult Nursing", "acute", week(0), week(11), 3]],
        "Demand": [list(DEMAND),
                   ["P1", "Uni One", "Physiotherapy", 3, week(0), 6, "", 51.55, -0.15, 2, 30],
                   ["P2", "Uni Two", "Physiotherapy", 2, week(4), 6, "", 51.55, -0.15, 1, 30],
                   ["N1", "Uni One", "Adult Nursing", 3, week(1), 4, "acute", 51.55, -0.15, 1, 30],
                   ["T1", "Uni Two", "Dietetics", 1, week(2), 3, "", 51.55, -0.15, 1, 30]],
    }
    if settings:
        sheets["Settings"] = [["key", "value"]] + settings
    return sheets


@pytest.fixture()
def bottleneck(tmp_path):
    path = write_xlsx(tmp_path / "bottleneck.xlsx", bottleneck_sheets())
    loaded = load_workbooks([path])
    assert not loaded.has_errors, [p.line() for p in loaded.problems]
    return path, loaded.data


def brute_force(data, profession="Physiotherapy") -> float:
    """Best weighted learners placed by enumerating every split of every group over the sites
    in reach (no flex, no setting rules in this case): independent of the solver."""
    demand = data.demand[data.demand["profession"] == profession]
    cap = data.capacity[data.capacity["profession"] == profession]
    sites = sorted(set(cap["site_id"]))
    lat = data.sites.set_index("site_id")["latitude"]
    lon = data.sites.set_index("site_id")["longitude"]
    n_weeks = int(max(cap["end_week"].max(), (demand["start_week"] + demand["weeks"]).max())) + 1
    places = {s: np.zeros(n_weeks, dtype=int) for s in sites}
    for s, a, b, n in zip(cap["site_id"], cap["start_week"], cap["end_week"], cap["places"]):
        places[s][a:b + 1] += n
    options = []
    for _, d in demand.iterrows():
        km = {s: 6371.0 * 2 * np.arcsin(np.sqrt(
            np.sin(np.radians(lat[s] - d["latitude"]) / 2) ** 2 + np.cos(np.radians(d["latitude"]))
            * np.cos(np.radians(lat[s])) * np.sin(np.radians(lon[s] - d["longitude"]) / 2) ** 2)) for s in sites}
        near = [s for s in sites if km[s] <= d["max_travel_km"]]
        splits = [x for x in itertools.product(range(d["learners"] + 1), repeat=len(near))
                  if sum(x) <= d["learners"]]
        options.append((d, near, splits))
    best = 0.0
    for choice in itertools.product(*[o[2] for o in options]):
        use = {s: np.zeros(n_weeks, dtype=int) for s in sites}
        value = 0.0
        for (d, near, _), x in zip(options, choice):
            for s, n in zip(near, x):
                use[s][d["start_week"]:d["start_week"] + d["weeks"]] += n
            value += d["priority"] * sum(x)
        if all((use[s] <= places[s]).all() for s in sites):
            best = max(best, value)
    return best


def test_top_recommendation_is_the_bottleneck_and_its_gain_is_exact(bottleneck):
    _, data = bottleneck
    advice = advise(data, places=2, top=5, fixes=False, smoothing=False)
    assert advice.baseline.proven
    base = brute_force(data)
    # The best single Capacity row of at most 2 places at a near site, found by brute force.
    best = 0.0
    for site in ("A", "B"):
        for first in range(0, 10):
            for last in range(first, 10):
                for n in (1, 2):
                    row = {"site_id": site, "profession": "Physiotherapy", "setting": "", "places": n,
                           "start_week": first, "end_week": last}
                    best = max(best, brute_force(_added(data, row)) - base)
    physio = [r for r in advice.recommendations if r.profession == "Physiotherapy"]
    top = physio[0]
    assert top.extra_weighted_placed == pytest.approx(best)
    assert top.places <= 2 and top.site_id in ("A", "B")
    # Its own gain, re-checked independently with the recommended row added.
    assert brute_force(_added(data, vars(top) | {"setting": top.setting})) - base == \
        pytest.approx(top.extra_weighted_placed)
    # Ranked by gain, then cost; the Dietetics group with no site gets a block at the nearest site.
    gains = [r.extra_weighted_placed for r in advice.recommendations]
    assert gains == sorted(gains, reverse=True)
    diet = [r for r in advice.recommendations if r.profession == "Dietetics"]
    assert diet and diet[0].site_id == "A" and diet[0].extra_learners_placed == 1
    assert diet[0].source == "no eligible site"
    # The package adds them in order; its first step is the top recommendation's own gain.
    assert advice.package[0].cumulative_extra_weighted == pytest.approx(advice.recommendations[0].extra_weighted_placed)
    cumulative = [s.cumulative_extra_weighted for s in advice.package]
    assert cumulative == sorted(cumulative)


def _added(data, rec: dict):
    from placement_planner.advice.parts import capacity_row
    row = capacity_row(data, rec["site_id"], rec["profession"], rec["setting"], rec["start_week"],
                       rec["end_week"], rec["places"])
    return with_capacity(data, [row])


def test_every_unplaced_row_gets_a_fix_that_places_what_it_promised(bottleneck):
    _, data = bottleneck
    advice = advise(data, places=2, top=1, smoothing=False)
    base_placed = placed_per_row(data, advice.baseline.plan.allocations)
    left = data.demand["learners"].to_numpy() - base_placed
    unplaced_ids = set(data.demand["demand_id"][left > 0])
    assert set(advice.fixes) == unplaced_ids
    for fix in advice.fixes.values():
        assert fix.words
        if not fix.kind:
            assert fix.learners == 0
            continue
        assert fix.learners > 0
        fixed = apply_fix(data, fix)
        after = solve_tier1(fixed)
        assert after.proven
        # Applied alone, the fix places at least the learners it promised (more in total is fine).
        assert after.learners - advice.baseline.learners >= fix.learners
    # The Dietetics group can only be helped by new places; the fix names the nearest site.
    diet = advice.fixes["T1"]
    assert diet.kind == "add_places" and "Alpha Hospital" in diet.words and diet.learners == 1


def test_tariff_arithmetic(tmp_path):
    tariffs = Tariffs({"tariff_per_week Physiotherapy": "£120.50", "tariff_per_week Nope": "x"})
    assert tariffs.weekly("physiotherapy") == 120.50
    assert tariffs.cost("Physiotherapy", 3, 6) == pytest.approx(3 * 6 * 120.50)
    assert tariffs.source("Physiotherapy") == "Settings"
    assert default_weekly("Medicine") == round(MEDICAL_ANNUAL_GBP / 52, 2)
    assert tariffs.weekly("Medicine") == default_weekly("Medicine")
    path = write_xlsx(tmp_path / "t.xlsx", bottleneck_sheets([["tariff_per_week Physiotherapy", 100]]))
    data = load_workbooks([path]).data
    advice = advise(data, places=2, top=3, fixes=False, smoothing=False)
    for r in advice.recommendations:
        weekly = 100.0 if r.profession == "Physiotherapy" else default_weekly(r.profession)
        assert r.cost == pytest.approx(r.places * r.weeks * weekly)
        assert r.cost_per_extra_learner == pytest.approx(round(r.cost / r.extra_learners_placed, 2))


def test_cli_json_and_sheet_agree(bottleneck, tmp_path):
    path, data = bottleneck
    out, js = tmp_path / "advice.xlsx", tmp_path / "advice.json"
    assert main(["advise", str(path), "--places", "2", "--top", "3", "-o", str(out),
                 "--summary-json", str(js)]) == 0
    payload = json.loads(js.read_text(encoding="utf-8"))
    recs = payload["recommendations"]
    keys = {"site_id", "profession", "setting", "start_date", "end_date", "places", "rank", "site_name",
            "extra_learners_placed", "extra_weighted_placed", "cost", "cost_per_extra_learner"}
    assert recs and all(set(r) == keys for r in recs)
    sheet = pd.read_excel(out, sheet_name="Advice", engine="openpyxl")
    assert len(sheet) == len(recs)
    for r, (_, row) in zip(recs, sheet.iterrows()):
        assert dt.date.fromisoformat(r["start_date"]) == row["start_date"].date()
        assert dt.date.fromisoformat(r["end_date"]) == row["end_date"].date()
        for k in ("rank", "site_id", "profession", "places", "extra_learners_placed"):
            assert r[k] == row[k]
        assert (r["setting"] or "") == (row["setting"] if isinstance(row["setting"], str) else "")
        assert r["extra_weighted_placed"] == pytest.approx(row["extra_weighted_placed"])
        assert r["cost"] == pytest.approx(row["cost"])
        assert dt.date.fromisoformat(r["start_date"]).weekday() == 0
    unplaced = pd.read_excel(out, sheet_name="Unplaced", engine="openpyxl")
    assert {"fix", "fix_learners"} <= set(unplaced.columns)
    by_id = {f["demand_id"]: f for f in payload["unplaced_fixes"]}
    for _, row in unplaced.iterrows():
        assert by_id[row["demand_id"]]["fix_learners"] == row["fix_learners"]
        assert by_id[row["demand_id"]]["fix"] == row["fix"]
    assert "Smoothing" in pd.ExcelFile(out, engine="openpyxl").sheet_names


def test_invalid_input_writes_nothing(tmp_path):
    sheets = bottleneck_sheets()
    sheets["Demand"][1][3] = "three"   # learners must be a number
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    assert main(["advise", str(path), "--places", "2", "-o", str(out), "--summary-json", str(js)]) == 1
    assert not out.exists() and not js.exists()
    good = write_xlsx(tmp_path / "good.xlsx", bottleneck_sheets())
    assert main(["advise", str(good), "--places", "0", "-o", str(out)]) == 1
    assert not out.exists()


def test_tariff_settings_are_read_without_a_warning_and_bad_ones_are_reported(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", bottleneck_sheets([["tariff_per_week Physiotherapy", 120],
                                                               ["tariff_per_week Dietetics", -5]]))
    loaded = load_workbooks([path])
    lines = [p.line() for p in loaded.problems]
    assert not any("Physiotherapy" in line for line in lines)
    bad = [p for p in loaded.problems if "Dietetics" in p.line()]
    assert bad and bad[0].is_error and bad[0].sheet == "Settings"
    sheets = bottleneck_sheets([["tariff_per_week Physiotherapy", 120]])
    data = load_workbooks([write_xlsx(tmp_path / "ok.xlsx", sheets)]).data
    assert Tariffs(data.settings.extra).weekly("Physiotherapy") == 120


def test_recommendations_and_fixes_as_scenario_rows_give_what_was_measured(bottleneck):
    """'Add as scenario' through the scenarios engine: the recommended row gives its verified
    gain; a travel or places fix places at least what it promised."""
    from placement_planner.advice.scenario_rows import expressible, fix_change, recommendation_change
    from placement_planner.scenarios.apply import apply_changes

    _, data = bottleneck
    advice = advise(data, places=2, top=3, smoothing=False)
    for rec in advice.recommendations:
        applied = apply_changes(data, [recommendation_change(rec.__dict__ | {
            "start_date": data.week_date(rec.start_week), "end_date": data.week_date(rec.end_week)}, "s")])
        after = solve_tier1(applied.data)
        assert after.weighted - advice.baseline.weighted == pytest.approx(rec.extra_weighted_placed)
    tried = 0
    for fix in advice.fixes.values():
        if expressible(fix) and fix.kind != "shift_start":
            after = solve_tier1(apply_changes(data, [fix_change(fix, "s")]).data)
            assert after.learners - advice.baseline.learners >= fix.learners
            tried += 1
    assert tried >= 1


def test_a_cancelled_advice_stops_early_and_says_so(bottleneck):
    from placement_planner.solver.progress import Progress

    _, data = bottleneck
    progress = Progress()
    progress.cancel()
    advice = advise(data, places=2, top=3, progress=progress)
    assert advice.tried == 0 and not advice.recommendations and not advice.fixes_run
    assert any("Stopped" in m for m in advice.messages)


def test_an_unproven_baseline_is_re_solved_per_profession_before_gains_are_measured(bottleneck, monkeypatch):
    import dataclasses

    from placement_planner.advice import run

    _, data = bottleneck
    proven = advise(data, places=2, top=2, fixes=False, smoothing=False)
    calls = []

    def first_unproven(*args, **kwargs):
        m = solve_tier1(*args, **kwargs)
        calls.append(m)
        return dataclasses.replace(m, proven=False) if len(calls) == 1 else m

    monkeypatch.setattr(run, "solve_tier1", first_unproven)
    advice = advise(data, places=2, top=2, fixes=False, smoothing=False)
    assert not advice.baseline.proven and advice.messages
    assert [r.extra_weighted_placed for r in advice.recommendations] == \
        [r.extra_weighted_placed for r in proven.recommendations]
    assert all(r.proven for r in advice.recommendations)
