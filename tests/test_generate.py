"""The synthetic data generator: deterministic, the contract's sizes, real reference data, solvable shape."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placement_planner.cli import main
from placement_planner.generate import SHEET_COLUMNS, generate_tables, generate_workbook
from placement_planner import reference as ref
from placement_planner.names import PROFESSIONS

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def demo():
    return generate_tables("demo", 1)


@pytest.fixture(scope="module")
def region():
    return generate_tables("region", 1)


@pytest.fixture(scope="module")
def national():
    return generate_tables("national", 1)


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> bool:
    return all(a[k].equals(b[k]) for k in a)


def test_same_seed_same_tables_and_another_seed_differs(demo):
    assert _same(demo, generate_tables("demo", 1))
    other = generate_tables("demo", 2)
    assert not _same(demo, other)
    assert not demo["Demand"].equals(other["Demand"])


@pytest.mark.parametrize("scale, sites, learners", [("demo", 40, 300), ("region", 400, 15_000)])
def test_scale_sizes_within_20_percent(scale, sites, learners, demo, region):
    tables = {"demo": demo, "region": region}[scale]
    assert abs(len(tables["Sites"]) - sites) <= 0.2 * sites
    assert abs(tables["Demand"]["learners"].sum() - learners) <= 0.2 * learners


def test_national_covers_england(national):
    sites, demand = national["Sites"], national["Demand"]
    assert 2_400 <= len(sites) <= 3_600
    assert 120_000 <= demand["learners"].sum() <= 180_000
    assert 15_000 <= len(demand) <= 30_000
    assert set(sites["ics"]) == set(ref.current_icb_names()) and sites["ics"].nunique() == 36
    assert sites["region"].nunique() == 7
    assert demand["profession"].nunique() == 20
    capacity = national["Capacity"]
    weeks = (capacity["end_date"].max() - capacity["start_date"].min()).days // 7 + 1
    assert 50 <= weeks <= 53


def test_columns_are_the_contracts(demo):
    for sheet, columns in SHEET_COLUMNS.items():
        assert list(demo[sheet].columns) == columns
    settings = dict(zip(demo["Settings"]["key"], demo["Settings"]["value"]))
    assert settings == {"default_max_travel_km": 50, "time_limit_s": 60}


def test_rows_are_valid_values(region):
    sites, capacity, demand, locked = (region[k] for k in ("Sites", "Capacity", "Demand", "Locked"))
    assert sites["site_id"].is_unique and demand["demand_id"].is_unique
    assert set(capacity["site_id"]) <= set(sites["site_id"])
    assert set(locked["demand_id"]) <= set(demand["demand_id"]) and set(locked["site_id"]) <= set(sites["site_id"])
    assert (capacity["end_date"] >= capacity["start_date"]).all() and (capacity["places"] > 0).all()
    assert demand["learners"].between(1, 20).all() and demand["weeks"].between(1, 12).all()
    assert demand["year"].between(1, 3).all() and demand["flex_weeks"].between(0, 2).all()
    assert (demand["priority"] > 0).all()
    assert sites[["latitude", "longitude"]].notna().all().all() and (sites["postcode"] != "").all()
    merged = locked.merge(demand, on="demand_id", suffixes=("", "_group"))
    assert (merged["learners"] <= merged["learners_group"]).all()


def test_professions_are_canonical(national):
    for sheet in ("Capacity", "Demand"):
        assert set(national[sheet]["profession"]) <= set(PROFESSIONS)


def test_settings_fit_the_profession(national):
    capacity = national["Capacity"]
    pairs = set(zip(capacity["profession"], capacity["setting"]))
    assert ("Paramedic", "ambulance") in pairs and ("Midwifery", "maternity") in pairs
    assert ("Operating Department Practice", "theatres") in pairs
    assert {s for p, s in pairs if p == "Midwifery"} == {"maternity"}
    assert {s for p, s in pairs if p == "Clinical Psychology"} <= {"mental health", "community"}


def test_real_organisations_and_universities(region):
    sites, demand = region["Sites"], region["Demand"]
    trusts = set(ref.trusts()["ods_code"])
    practices = set(ref.practices()["code"])
    trust_sites = sites[sites["provider_type"].isin(["acute", "mental health", "community", "ambulance"])]
    assert trust_sites["site_id"].str.match(r"^[A-Z0-9]{3,5}-\d\d$").all()
    assert set(trust_sites["site_id"].str.split("-").str[0]) <= trusts
    assert set(sites.loc[sites["provider_type"] == "primary care", "site_id"]) <= practices
    assert set(demand["hei"]) <= set(ref.universities())
    assert sites["region"].eq("North West").all()


def test_quality_mix_has_suspended_and_monitored_sites(national):
    quality = national["Sites"]["quality"].value_counts()
    assert set(quality.index) == {"ok", "monitor", "suspended"}
    assert quality["ok"] > 0.85 * quality.sum() and quality["suspended"] < 0.03 * quality.sum()


def _weekly(frame: pd.DataFrame, start: str, weeks: pd.Series, amount: str, keys: list[str]) -> pd.DataFrame:
    first = frame[start].dt.to_period("W-SUN").dt.start_time
    out = []
    for w in range(int(weeks.max())):
        live = w < weeks
        out.append(frame.loc[live, keys].assign(week=first[live] + pd.Timedelta(weeks=w),
                                                amount=frame.loc[live, amount]))
    return pd.concat(out).groupby(keys + ["week"])["amount"].sum()


def test_demand_exceeds_supply_somewhere_but_not_everywhere(national):
    sites = national["Sites"].set_index("site_id")
    cap = national["Capacity"].assign(region=lambda c: sites.loc[c["site_id"], "region"].to_numpy())
    cap_weeks = ((cap["end_date"] - cap["start_date"]).dt.days // 7 + 1)
    demand = national["Demand"].merge(
        pd.DataFrame({"hei": ref.hei_courses()["hei"]}).drop_duplicates(), on="hei")
    campus_region = _campus_regions()
    demand = demand.assign(region=demand["hei"].map(campus_region))
    offered = (cap["places"] * cap_weeks).groupby([cap["profession"], cap["region"]]).sum()
    needed = (demand["learners"] * demand["weeks"]).groupby([demand["profession"], demand["region"]]).sum()
    ratio = (offered.reindex(needed.index).fillna(0) / needed)
    assert (ratio < 1.0).any()           # a real gap: fewer place-weeks than learner-weeks
    assert (ratio >= 1.0).mean() > 0.5   # most professions and regions can be served


def _campus_regions() -> dict[str, str]:
    from placement_planner.generate.demand import programmes
    from placement_planner.generate.profiles import SCALES
    table = programmes(SCALES["national"])
    return dict(zip(table["hei"], table["region"]))


def test_learners_have_hosts_near_their_campus(region):
    """Solvable by construction: every group has a hosting site within its travel limit."""
    from placement_planner.geo import haversine_km
    sites, capacity, demand = region["Sites"], region["Capacity"], region["Demand"]
    hosts = capacity.merge(sites, on="site_id")[["profession", "latitude", "longitude"]].drop_duplicates()
    limit = demand["max_travel_km"].fillna(50).to_numpy()
    reachable = np.zeros(len(demand), dtype=bool)
    for profession, rows in demand.groupby("profession").indices.items():
        h = hosts[hosts["profession"] == profession]
        d = haversine_km(demand["latitude"].to_numpy()[rows, None], demand["longitude"].to_numpy()[rows, None],
                         h["latitude"].to_numpy()[None, :], h["longitude"].to_numpy()[None, :])
        reachable[rows] = (d <= limit[rows, None]).any(axis=1)
    assert reachable.mean() > 0.99


def test_old_icb_map_covers_the_42_and_lands_on_the_36():
    mapping = ref.old_icb_map()
    assert len(mapping) == 42
    assert set(mapping.values()) <= set(ref.current_icb_names())
    assert len(set(mapping.values())) >= 30
    assert mapping["NHS Frimley Integrated Care Board"] == "NHS Thames Valley Integrated Care Board"
    assert mapping["NHS North Central London Integrated Care Board"] == \
        "NHS West and North London Integrated Care Board"
    assert mapping["NHS Devon Integrated Care Board"] == "NHS Devon Integrated Care Board"
    assert len(ref.current_icbs()) == 36 and len(set(ref.regions())) == 7
    assert ref.icb_aliases()["Norfolk and Waveney ICB"] == "NHS Norfolk and Suffolk Integrated Care Board"


def test_postcode_lookup_matches_without_spaces():
    lookup = ref.postcode_lookup()
    assert len(lookup) > 5_500 and all(" " not in k for k in list(lookup)[:100])
    lat, lon = ref.locate("M13 9WL")
    assert 53.4 < lat < 53.5 and -2.3 < lon < -2.2


def test_workbook_has_real_dates_and_the_cli_writes_it(tmp_path):
    import openpyxl
    out = tmp_path / "demo.xlsx"
    assert main(["generate", "--scale", "demo", "--seed", "4", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == list(SHEET_COLUMNS)
    rows = list(book["Capacity"].iter_rows(min_row=1, max_row=2))
    assert [c.value for c in rows[0]] == SHEET_COLUMNS["Capacity"]
    assert rows[1][3].number_format == "dd/mm/yyyy" and rows[1][3].is_date
    again = generate_workbook("demo", 4, tmp_path / "again.xlsx")
    assert pd.read_excel(again, sheet_name=None).keys() == pd.read_excel(out, sheet_name=None).keys()


def test_sample_readme_lists_every_messy_defect_with_its_row():
    text = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+)[^|]* \| (\d+) \| (\w*) \| .* \| (ERROR|WARNING|report|ok) \|$", text, re.M)
    assert len(rows) >= 20
    defects = {d for _, _, _, d in rows}
    assert {"ERROR", "WARNING", "report", "ok"} <= defects
    assert (SAMPLE_DATA / "messy_example.xlsx").exists()


@pytest.mark.skipif(importlib.util.find_spec("placement_planner.io.load") is None, reason="importer not built")
@pytest.mark.parametrize("scale", ["demo", "region"])
def test_generated_workbooks_load_without_errors(scale, tmp_path):
    from placement_planner.io import load_workbooks
    path = generate_workbook(scale, 1, tmp_path / f"{scale}.xlsx")
    result = load_workbooks([path])
    assert [p.line() for p in result.problems.errors] == []
    assert result.data.learners_requested == generate_tables(scale, 1)["Demand"]["learners"].sum()


@pytest.mark.skipif(importlib.util.find_spec("placement_planner.io.load") is None, reason="importer not built")
def test_sample_files_load_and_messy_errors_are_the_listed_ones():
    from placement_planner.io import load_workbooks
    demo = load_workbooks([SAMPLE_DATA / "demo_supply.xlsx", SAMPLE_DATA / "demo_demand.xlsx"])
    assert not demo.problems.errors
    text = (SAMPLE_DATA / "README.md").read_text(encoding="utf-8")
    listed = {(s, int(r)) for s, r, e in re.findall(r"^\| (\w+)[^|]* \| (\d+) \| \w* \| .* \| (ERROR|report) \|$",
                                                     text, re.M)}
    messy = load_workbooks([SAMPLE_DATA / "messy_example.xlsx"])
    reported = {(p.sheet, p.row) for p in messy.problems.errors}
    assert reported == listed


@pytest.mark.parametrize("seed", range(1, 7))
def test_generated_locks_can_always_be_kept(tmp_path, seed):
    """A Locked row whose stay straddles a gap between capacity blocks made every solve of
    `generate --scale demo --seed 2` infeasible."""
    from placement_planner.domain import PlanStatus, Tier
    from placement_planner.generate import generate_workbook
    from placement_planner.io import load_workbooks
    from placement_planner.solver import SolveOptions, solve

    path = tmp_path / "demo.xlsx"
    generate_workbook("demo", seed=seed, path=path)
    data = load_workbooks([path]).data
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED,)))
    assert plan.status is not PlanStatus.INFEASIBLE, plan.messages
