"""Geography checks (issue 11): coordinates far from the postcode, an ICB or region that is not the
postcode's, duplicate site names; the bundled samples and generated workbooks pass them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from placement_planner import reference
from placement_planner.generate.tables import generate_tables
from placement_planner.geo import haversine_km
from placement_planner.io import load_workbooks
from placement_planner.io.rules import POSTCODE_TOLERANCE_KM
from placement_planner.sample_data import __file__ as samples_init
from workbooks import CAPACITY_HEADER, DEMAND_HEADER, write_xlsx
from pathlib import Path

NORTH_EAST = "NHS North East and North Cumbria Integrated Care Board"
LONDON = "NHS West and North London Integrated Care Board"
SITES = ["site_id", "site_name", "provider", "ics", "region", "latitude", "longitude", "postcode"]
GEO_WORDS = ("km from postcode", "Postcode", "sites are called")


def workbook(tmp_path, sites):
    sheets = {
        "Sites": [SITES] + sites,
        "Capacity": [CAPACITY_HEADER, [sites[0][0], "Adult Nursing", "", dt.date(2025, 9, 1), dt.date(2025, 12, 1), 2]],
        "Demand": [DEMAND_HEADER, ["D1", "Teesside University", "Adult Nursing", 2, dt.date(2025, 9, 8), 4,
                                   None, None]],
    }
    return load_workbooks([write_xlsx(tmp_path / "geo.xlsx", sheets)])


def geo_problems(result):
    return [p for p in result.problems.warnings if any(w in p.message for w in GEO_WORDS)]


def test_a_site_where_its_postcode_says_gets_no_warning(tmp_path):
    lat, lon = reference.locate("TS18 1HU")
    result = workbook(tmp_path, [["S1", "Densham", "Densham Surgery", NORTH_EAST, "North East and Yorkshire",
                                  lat + 0.01, lon, "TS18 1HU"]])
    assert not result.has_errors
    assert geo_problems(result) == []


def test_coordinates_far_from_the_postcode_warn_with_the_distance(tmp_path):
    lat, lon = reference.locate("TS18 1HU")
    result = workbook(tmp_path, [["S1", "Densham", "Densham Surgery", NORTH_EAST, "North East and Yorkshire",
                                  lat + 0.1, lon, "TS18 1HU"]])
    km = float(haversine_km(lat + 0.1, lon, lat, lon))
    hits = [p for p in result.problems.warnings if "km from postcode TS18 1HU" in p.message]
    assert len(hits) == 1 and hits[0].row == 2 and hits[0].column == "latitude"
    assert f"{km:.1f} km" in hits[0].message and km > POSTCODE_TOLERANCE_KM
    assert not result.has_errors                      # a warning: the plan still runs
    assert result.data.sites["latitude"].iat[0] == pytest.approx(lat + 0.1)   # nothing silently changed


def test_an_icb_and_region_that_are_not_the_postcodes_warn(tmp_path):
    lat, lon = reference.locate("TS18 1HU")
    result = workbook(tmp_path, [["S1", "Densham", "Densham Surgery", LONDON, "London", lat, lon, "TS18 1HU"]])
    icb = [p for p in result.problems.warnings if p.column == "ics" and "Postcode TS18 1HU" in p.message]
    region = [p for p in result.problems.warnings if p.column == "region" and "Postcode TS18 1HU" in p.message]
    assert len(icb) == 1 and NORTH_EAST in icb[0].message and icb[0].row == 2
    assert len(region) == 1 and "North East and Yorkshire" in region[0].message


def test_an_old_icb_name_of_the_right_area_is_no_geography_warning(tmp_path):
    lat, lon = reference.locate("NW3 2QG")
    result = workbook(tmp_path, [["S1", "Royal Free", "Royal Free London", "North Central London ICB", "London",
                                  lat, lon, "NW3 2QG"]])
    assert geo_problems(result) == []
    assert result.data.sites["ics"].iat[0] == LONDON


def test_duplicate_site_names_warn_once_naming_every_site(tmp_path):
    lat, lon = reference.locate("NW3 2QG")
    rows = [[f"S{i}", "Crisis  Team" if i != 2 else "crisis team", "Trust", LONDON, "London", lat, lon, "NW3 2QG"]
            for i in range(1, 4)] + [["S4", "Other", "Trust", LONDON, "London", lat, lon, "NW3 2QG"]]
    result = workbook(tmp_path, rows)
    hits = [p for p in result.problems.warnings if "sites are called" in p.message]
    assert len(hits) == 1
    assert hits[0].message.startswith("3 sites are called") and all(f"'S{i}'" in hits[0].message for i in (1, 2, 3))
    assert hits[0].row == 3


def _postcode_agreement(sites):
    """(sites more than 5 km from their postcode, sites whose ICB is not their postcode's)."""
    far, wrong = [], []
    for s in sites.itertuples(index=False):
        at = reference.locate(s.postcode)
        assert at is not None, s.postcode
        if float(haversine_km(s.latitude, s.longitude, *at)) > POSTCODE_TOLERANCE_KM:
            far.append(s.site_id)
        area = reference.postcode_icb(s.postcode)
        if area is not None and area[0] != s.ics:
            wrong.append(s.site_id)
    return far, wrong


def test_the_bundled_samples_pass_the_geography_checks():
    folder = Path(samples_init).parent
    result = load_workbooks([folder / "demo_supply.xlsx", folder / "demo_demand.xlsx"])
    assert not result.has_errors
    assert geo_problems(result) == [], [p.line() for p in geo_problems(result)]
    assert _postcode_agreement(result.data.sites) == ([], [])
    assert result.data.sites["site_name"].str.casefold().is_unique


@pytest.mark.parametrize("scale, seed", [("demo", 7), ("region", 3)])
def test_generated_sites_are_where_their_postcodes_say(scale, seed):
    sites = generate_tables(scale, seed)["Sites"]
    far, wrong = _postcode_agreement(sites)
    assert far == [] and wrong == []
    assert sites["site_name"].str.casefold().is_unique
    # GP practices: hub is the training hub, the PCN its own column
    practices = sites[sites["provider_type"] == "primary care"]
    assert len(practices) and (practices["pcn"] != "").all()
    assert not np.intersect1d(practices["hub"].unique(), practices["pcn"].unique()).size


def test_a_postcode_shared_by_practices_of_two_icbs_accepts_either(tmp_path):
    shared = next(pc for pc, codes in reference.postcode_icbs().items() if len(codes) > 1)
    areas = reference.postcode_areas(shared)
    assert len({a[0] for a in areas}) > 1
    lat, lon = reference.locate(shared)
    for icb, region in areas:
        result = workbook(tmp_path, [["S1", "Shared", "Practice", icb, region, lat, lon, shared]])
        assert geo_problems(result) == [], (shared, icb)
