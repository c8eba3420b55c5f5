"""The NHS AI Lab layout (students, wards, placements) converted, validated and planned as journeys."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from placement_planner.cli import main
from placement_planner.generate.nhs_ai_lab_sample import nhs_ai_lab_tables, write_nhs_ai_lab_example
from placement_planner.generate.workbook import write_workbook
from placement_planner.io import load_workbooks
from placement_planner.journeys.nhs_ai_lab import ConvertError, convert, ward_setting
from tests.journey_checker import check_journeys

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ai")
    out = folder / "converted.xlsx"
    code = main(["convert", "--from", "nhs-ai-lab", str(SAMPLE / "nhs_ai_lab_example.xlsx"),
                 str(SAMPLE / "nhs_ai_lab_params.yml"), "--trust", "RTF", "-o", str(out)])
    assert code == 0
    return out


def test_the_shipped_sample_is_the_synthesiser_s(tmp_path):
    book, params = write_nhs_ai_lab_example(tmp_path)
    for name in ("students", "wards", "placements"):
        ours = pd.read_excel(book, sheet_name=name, engine="openpyxl")
        shipped = pd.read_excel(SAMPLE / "nhs_ai_lab_example.xlsx", sheet_name=name, engine="openpyxl")
        pd.testing.assert_frame_equal(ours, shipped)
    assert params.read_text() == (SAMPLE / "nhs_ai_lab_params.yml").read_text()


def test_converted_sample_validates_one_journey_per_student(converted):
    result = load_workbooks([converted])
    assert not result.problems.errors, [p.line() for p in result.problems.errors]
    demand = result.data.demand
    source = nhs_ai_lab_tables()
    students, placements = source["students"], source["placements"]
    assert demand["journey"].nunique() == len(students)
    assert (demand["learners"] == 1).all()
    cohort = lambda f: f["university"] + "_" + f["qualification"] + " " + f["course_start"]   # noqa: E731
    per_cohort = cohort(placements).value_counts()
    expected_rows = cohort(students).map(per_cohort)
    assert len(demand) == expected_rows.sum()
    firsts = demand.drop_duplicates("journey")
    assert set(firsts["required_settings"].map(frozenset)) == {frozenset({"medical", "community"})}
    sites = result.data.sites
    assert len(sites) == len(source["wards"]) and sites["provider"].nunique() == 1
    assert set(result.data.capacity["setting"]) >= {"community", "medical", "surgical", "critical care"}


def test_converted_sample_plans_and_the_independent_checker_accepts_it(converted):
    from placement_planner.solver import solve
    from placement_planner.solver.options import SolveOptions

    data = load_workbooks([converted]).data
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert plan.learners_placed > 0.8 * data.learners_requested
    assert check_journeys(data, plan) == []
    placed = plan.allocations.groupby("demand_id")["learners"].sum()
    per_journey = data.demand.assign(placed=data.demand["demand_id"].map(placed).fillna(0))
    for _, rows in per_journey.groupby("journey"):
        assert rows["placed"].nunique() == 1          # all or nothing per student
    # and the checker is not a rubber stamp: drop one student's placement from the paths
    broken = dataclasses.replace(plan, journeys=plan.journeys.iloc[1:])
    assert check_journeys(data, broken)


def test_require_overrides_params(tmp_path):
    conversion = convert([SAMPLE / "nhs_ai_lab_example.xlsx", SAMPLE / "nhs_ai_lab_params.yml"], trust="RTF",
                         require="Surgical")
    demand = conversion.tables["Demand"]
    assert set(demand.drop_duplicates("journey")["required_settings"]) == {"surgical"}


@pytest.mark.parametrize("speciality, setting", [
    ("Community Nursing", "community"), ("Accident and Emergency", "critical care"), ("Critical Care", "critical care"),
    ("Orthopaedic Surgery", "surgical"), ("General Medicine", "medical"), ("Cardiology", "Cardiology"),
])
def test_ward_settings_follow_the_nhs_ai_lab_keywords(speciality, setting):
    assert ward_setting(speciality) == setting


def _write(tmp_path, change) -> Path:
    tables = nhs_ai_lab_tables()
    change(tables)
    return write_workbook(tables, tmp_path / "in.xlsx")


def _fails(tmp_path, change, *args):
    path = _write(tmp_path, change)
    out = tmp_path / "out.xlsx"
    code = main(["convert", "--from", "nhs-ai-lab", str(path), "-o", str(out), *(args or ("--trust", "RTF"))])
    assert code == 1 and not out.exists()
    with pytest.raises(ConvertError) as caught:
        convert([path], **({"trust": "RTF"} if not args else {}))
    return caught.value.problems.errors


def test_a_missing_sheet_and_a_missing_column(tmp_path):
    errors = _fails(tmp_path, lambda t: t.pop("wards"))
    assert [(e.sheet, e.row) for e in errors] == [("wards", None)]
    errors = _fails(tmp_path, lambda t: t.__setitem__("placements", t["placements"].drop(columns="placement_len_weeks")))
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("placements", 1, "placement_len_weeks")


def test_overlapping_placements_of_a_cohort(tmp_path):
    def overlap(t):
        t["placements"].loc[1, "placement_start_date"] = dt.date(2026, 10, 26)   # P1, E1 runs 19/10 for 4 weeks
    (e,) = _fails(tmp_path, overlap)
    assert (e.sheet, e.row, e.column) == ("placements", 3, "placement_start_date")
    assert "P1, E2" in e.message and "row 2" in e.message and "26/10/2026" in e.message


def test_students_duplicate_or_without_placements(tmp_path):
    def bad(t):
        t["students"].loc[1, "student_id"] = t["students"].loc[0, "student_id"]
        t["students"].loc[2, "course_start"] = "Sep62"
    errors = _fails(tmp_path, bad)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("students", 3, "student_id"),
                                                            ("students", 4, "course_start")]
    assert "Did you mean 'University of Sunderland_BSc Adult Nursing Sep26'?" in errors[1].message


def test_bad_dates_and_lengths(tmp_path):
    def bad(t):
        t["placements"] = t["placements"].astype(object)
        t["placements"].loc[0, "placement_start_date"] = "31/02/2026"
        t["placements"].loc[2, "placement_len_weeks"] = "six"
    errors = _fails(tmp_path, bad)
    assert [(e.row, e.column) for e in errors] == [(2, "placement_start_date"), (4, "placement_len_weeks")]


def test_no_trust_or_an_unknown_one(tmp_path):
    errors = _fails(tmp_path, lambda t: None, "--profession", "Adult Nursing")
    assert "--trust" in errors[0].message
    path = _write(tmp_path, lambda t: None)
    with pytest.raises(ConvertError) as caught:
        convert([path], trust="Northumbria Helthcare NHS Foundation Trust")
    assert "Did you mean 'Northumbria Healthcare NHS Foundation Trust'?" in caught.value.problems.errors[0].message
    ok = convert([path], trust="St Elsewhere", ics="NHS North East and North Cumbria Integrated Care Board",
                 region="North East and Yorkshire")
    assert set(ok.tables["Sites"]["provider"]) == {"St Elsewhere"}


def test_an_expired_audit_leaves_the_ward_out_and_says_so(tmp_path):
    def expire(t):
        t["wards"].loc[0, "education_audit_exp"] = dt.date(2026, 1, 31)
    conversion = convert([_write(tmp_path, expire)], trust="RTF")
    assert "Ward 2" not in set(conversion.tables["Capacity"]["site_id"])
    assert "Ward 2" in set(conversion.tables["Sites"]["site_id"])
    assert any("audit expired" in n and "Ward 2" in n for n in conversion.notes)


def test_year_first_text_dates_are_read_as_the_tool_reads_them():
    conversion = convert([SAMPLE / "nhs_ai_lab_example.xlsx"], trust="RTF")
    demand = conversion.tables["Demand"]
    row = demand[demand["demand_id"].str.endswith("P1 E2")].iloc[0]
    assert row["start_date"] == pd.Timestamp(2027, 1, 11)


def test_a_ward_without_capacity_and_a_repeated_ward(tmp_path):
    def bad(t):
        wards = t["wards"].astype(object)
        wards.loc[0, ["capacity_num", "p1_cap", "p2_cap", "p3_cap"]] = None
        wards.loc[3, "ward_name"] = wards.loc[2, "ward_name"]
        t["wards"] = wards
    errors = _fails(tmp_path, bad)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("wards", 2, "capacity_num"), ("wards", 5, "ward_name")]
    assert "used twice (first on row 4)" in errors[1].message


def test_params_switches_are_read_and_a_broken_file_is_located(tmp_path):
    from placement_planner.io.problems import ProblemList
    from placement_planner.journeys.nhs_ai_lab import read_params

    good = tmp_path / "params.yml"
    good.write_text("ui_params:\n  numberOfChromosomes: 50 # comment\nschedule_params:\n"
                    "  surgical_placement_check: True # on\n  medical_placement_check: False\n"
                    "  critical_care_placement_check: 'true'\n", encoding="utf-8")
    problems = ProblemList()
    assert read_params(good, problems) == ["critical care", "surgical"] and not problems.items
    bad = tmp_path / "bad.yml"
    bad.write_text("schedule_params:\n  just words here\n", encoding="utf-8")
    assert read_params(bad, problems) == []
    assert [(p.sheet, p.row) for p in problems.errors] == [("bad.yml", 2)]


def test_a_year_that_is_no_number_is_left_blank_with_a_warning(tmp_path):
    def words(t):
        t["students"] = t["students"].astype(object)
        t["students"].loc[0, "year"] = "YearA"
    conversion = convert([_write(tmp_path, words)], trust="RTF")
    (w,) = [p for p in conversion.problems if p.column == "year"]
    assert (w.sheet, w.row, w.severity.value) == ("students", 2, "WARNING") and "YearA" in w.message
    demand = conversion.tables["Demand"]
    assert demand.loc[demand["journey"] == "Student101", "year"].isna().all()
