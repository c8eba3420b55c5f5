"""Generator shapes: per-learner rows, tight travel, small universities, ICB-restricted demand, per-student lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placement_planner.cli import main
from placement_planner.generate import generate_tables
from placement_planner.generate.shapes import SHAPES, TIGHT_KM, parse_shapes
from placement_planner.geo import haversine_km


@pytest.fixture(scope="module")
def demo():
    return generate_tables("demo", 1)


def _shape(name):
    return generate_tables("demo", 1, name)


def test_no_shape_is_the_default_output(demo):
    plain = generate_tables("demo", 1, ())
    assert all(plain[k].equals(demo[k]) for k in demo)


def test_shape_names_are_checked_and_combine():
    assert parse_shapes("tight-travel, per-learner") == ("per-learner", "tight-travel")
    assert parse_shapes(["per-learner", "per-learner"]) == ("per-learner",)
    with pytest.raises(ValueError, match="unknown shape per-leaner"):
        parse_shapes("per-leaner")


def test_per_learner_splits_every_group_and_its_locks(demo):
    tables = _shape("per-learner")
    demand, locked = tables["Demand"], tables["Locked"]
    assert (demand["learners"] == 1).all() and demand["demand_id"].is_unique
    assert len(demand) == demand["learners"].sum() == demo["Demand"]["learners"].sum()
    parent = demand["demand_id"].str.rsplit("-", n=1).str[0]
    sizes = parent.value_counts().sort_index()
    assert sizes.to_dict() == demo["Demand"].set_index("demand_id")["learners"].sort_index().to_dict()
    assert (locked["learners"] == 1).all() and set(locked["demand_id"]) <= set(demand["demand_id"])
    before = demo["Locked"].groupby(["demand_id", "site_id"])["learners"].sum()
    after = locked.assign(demand_id=locked["demand_id"].str.rsplit("-", n=1).str[0]) \
        .groupby(["demand_id", "site_id"])["learners"].sum()
    assert before.to_dict() == after.to_dict()


def test_small_universities_give_each_row_its_own_university(demo):
    demand = _shape("small-universities")["Demand"]
    assert demand["hei"].is_unique and len(demand) == len(demo["Demand"])


def _hosts(tables, profession):
    cap, sites = tables["Capacity"], tables["Sites"].set_index("site_id")
    ids = cap.loc[cap["profession"] == profession, "site_id"].unique()
    return sites.loc[ids][sites.loc[ids, "quality"] != "suspended"]


def test_icb_restricted_rows_name_an_icb_that_hosts_them_and_locks_stay_allowed():
    tables = _shape("icb-restricted")
    demand, sites = tables["Demand"], tables["Sites"].set_index("site_id")
    assert (demand["ics"] != "").all()
    for row in demand.itertuples():
        assert row.ics in set(_hosts(tables, row.profession)["ics"])
    ics_of = demand.set_index("demand_id")["ics"]
    for lock in tables["Locked"].itertuples():
        assert sites.loc[lock.site_id, "ics"] == ics_of[lock.demand_id]


def test_tight_travel_limits_are_short_but_leave_a_host_in_reach(demo):
    tables = _shape("tight-travel")
    demand = tables["Demand"]
    assert demand["max_travel_km"].notna().all()
    assert (demand["max_travel_km"] <= max(TIGHT_KM)).mean() > 0.8
    assert demand["max_travel_km"].mean() < demo["Demand"]["max_travel_km"].fillna(50).mean()
    for row in demand.itertuples():
        hosts = _hosts(tables, row.profession)
        if row.setting:
            cap = tables["Capacity"]
            ok = cap[(cap["profession"] == row.profession) & (cap["setting"] == row.setting)]["site_id"]
            hosts = hosts[hosts.index.isin(ok)]
        dist = haversine_km(row.latitude, row.longitude, hosts["latitude"], hosts["longitude"])
        assert np.nanmin(dist) <= row.max_travel_km


def test_per_student_lists_200_students_week_by_week():
    tables = _shape("per-student")
    demand = tables["Demand"]
    students = demand["demand_id"].str.split("-").str[0]
    assert students.nunique() == 200
    assert 12_000 <= len(demand) <= 14_500
    assert (demand["learners"] == 1).all() and (demand["weeks"] == 1).all() and demand["demand_id"].is_unique
    assert demand["profession"].str.contains("Nursing").all()
    assert demand[["latitude", "longitude", "max_travel_km"]].isna().all().all()   # names, not addresses
    first = demand.groupby(students)["start_date"].agg(["min", "max", "size"])
    assert ((first["max"] - first["min"]).dt.days // 7 + 1 == first["size"]).all()   # one row a week
    assert set(tables["Locked"]["demand_id"]) <= set(demand["demand_id"])


def test_every_shape_combined_at_once_still_validates(tmp_path):
    out = tmp_path / "all.xlsx"
    names = ",".join(name for name in SHAPES if name != "per-student")
    assert main(["generate", "--scale", "demo", "--shape", names, "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0


def test_unknown_shape_is_a_usage_error_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["generate", "--scale", "demo", "--shape", "bogus", "-o", str(out)]) == 2
    assert "unknown shape bogus" in capsys.readouterr().err and not out.exists()
