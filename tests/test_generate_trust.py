"""The `trust` scale: one acute and community trust's nursing learners on 4-placement journeys."""

from __future__ import annotations

import pandas as pd
import pytest

from placement_planner import reference as ref
from placement_planner.cli import main
from placement_planner.generate import generate_tables
from placement_planner.io.load import load_workbooks


@pytest.fixture(scope="module")
def trust():
    return generate_tables("trust", 1)


@pytest.fixture(scope="module")
def written(tmp_path_factory, trust):
    path = tmp_path_factory.mktemp("trust") / "trust.xlsx"
    assert main(["generate", "--scale", "trust", "-o", str(path)]) == 0
    return path


def test_same_seed_same_tables_another_seed_differs(trust):
    again = generate_tables("trust", 1)
    assert all(trust[k].equals(again[k]) for k in trust)
    assert not trust["Demand"].equals(generate_tables("trust", 2)["Demand"])


def test_size_one_trust_150_wards_2000_learners_4_placements(trust):
    sites, demand = trust["Sites"], trust["Demand"]
    assert 140 <= len(sites) <= 160
    assert sites["provider"].nunique() == 1
    assert set(sites["provider_type"]) == {"acute", "community"}
    name = ref.trusts().set_index("ods_code").loc["RTF", "name"]
    assert sites["provider"].iat[0] == ref.tidy_name(name)
    assert set(sites["ics"]) <= set(ref.current_icb_names())
    per_journey = demand.groupby("journey").agg(rows=("demand_id", "size"), learners=("learners", "first"))
    assert (per_journey["rows"] == 4).all()
    assert per_journey["learners"].sum() == 2_000
    assert (per_journey["learners"] == 1).sum() >= 100 and (per_journey["learners"] > 1).sum() >= 50
    assert (demand["journey"] != "").all()


def test_journeys_agree_do_not_overlap_and_require_both_settings(trust):
    demand = trust["Demand"].copy()
    demand["week"] = (demand["start_date"] - demand["start_date"].min()).dt.days // 7
    for _, rows in demand.groupby("journey"):
        assert rows[["hei", "profession", "learners"]].nunique().max() == 1
        rows = rows.sort_values("week")
        first = (rows["week"] - rows["flex_weeks"]).to_numpy()
        last = (rows["week"] + rows["weeks"] - 1 + rows["flex_weeks"]).to_numpy()
        assert (first[1:] > last[:-1]).all()
        required = {s.strip() for text in rows["required_settings"] for s in text.split(",") if s.strip()}
        assert required == {"acute", "community"}
    assert demand["start_date"].max() - demand["start_date"].min() < pd.Timedelta(weeks=52)


def test_cohorts_share_dates(trust):
    demand = trust["Demand"]
    cohort = demand["journey"].str.rsplit("-", n=1).str[0]
    place = demand["demand_id"].str.rsplit("-", n=1).str[1]
    dates = demand.groupby([cohort, place])["start_date"].nunique()
    assert (dates == 1).all()
    assert cohort.nunique() >= 20


def test_every_profession_setting_has_places(trust):
    cap = trust["Capacity"]
    for profession in trust["Demand"]["profession"].unique():
        offered = set(cap.loc[cap["profession"] == profession, "setting"])
        assert {"acute", "community"} <= offered, profession
    assert (cap["places"] >= 1).all()


def test_written_trust_validates_with_no_errors(written):
    result = load_workbooks([written])
    assert not result.problems.errors, [str(p) for p in result.problems.errors[:5]]
    demand = result.data.demand
    assert demand["journey"].nunique() == len(demand) // 4
    assert set(demand["required_settings"].map(len)) <= {0, 2}
    assert (demand["required_settings"].map(len) == 2).sum() >= demand["journey"].nunique()


def test_trust_takes_no_shape(tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["generate", "--scale", "trust", "--shape", "per-learner", "-o", str(out)]) == 2
    assert "takes no --shape" in capsys.readouterr().err
    assert not out.exists()


def test_journeys_demo_sample_is_the_small_trust_and_plans_clean(tmp_path):
    from pathlib import Path

    from placement_planner.generate.samples import write_journeys_demo
    from placement_planner.solver import solve
    from placement_planner.solver.options import SolveOptions
    from tests.journey_checker import check_journeys

    shipped = Path(__file__).resolve().parents[1] / "sample_data" / "journeys_demo.xlsx"
    rebuilt = write_journeys_demo(tmp_path)
    ours, theirs = load_workbooks([rebuilt]), load_workbooks([shipped])
    assert not theirs.problems.errors
    assert ours.data.demand.drop(columns="row").equals(theirs.data.demand.drop(columns="row"))
    data = theirs.data
    assert 100 <= data.demand.drop_duplicates("journey")["learners"].sum() <= 140
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert plan.learners_placed >= 0.9 * data.learners_requested
    assert check_journeys(data, plan) == []
