"""The NHS AI Lab converter on inputs shaped unlike the shipped sample: more wards, odd
specialities and dates, a sheet with no students. Clear located messages, nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from placement_planner.cli import main
from placement_planner.io import load_workbooks
from placement_planner.journeys.nhs_ai_lab import ConvertError, convert

UNI = "Leeds Beckett University"
STUDENTS = ["student_id", "university", "qualification", "course_start", "year", "prev_placements",
            "allowable_covid_status"]
WARDS = ["ward_name", "ward_speciality", "education_audit_exp", "covid_status", "capacity_num", "p1_cap",
         "p2_cap", "p3_cap"]
PLACEMENTS = ["university", "qualification", "course_start", "placement_name", "placement_start_date",
              "placement_len_weeks"]
SPECIALITIES = ["General Medicine", "Community Nursing Team", "ITU", "A&E", "General Surgery", "District Nursing",
                "Trauma & Orthopaedics"]


def _book(path, students: int = 6):
    wb = Workbook()
    ws = wb.active
    ws.title = "students"
    ws.append(STUDENTS)
    for i in range(students):
        ws.append([f"S{300 + i}", UNI, "BSc Adult Nursing", "Sep26", 1, "[]", "Low"])
    ws = wb.create_sheet("wards")
    ws.append(WARDS)
    for i in range(28):
        ws.append([f"Ward {i + 1}", SPECIALITIES[i % len(SPECIALITIES)], dt.date(2027, 12, 31), "Low", 2, 2, 2, 1])
    ws = wb.create_sheet("placements")
    ws.append(PLACEMENTS)
    ws.append([UNI, "BSc Adult Nursing", "Sep26", "P1, E1", "2026/10/19", 4])            # their year-first text
    ws.append([UNI, "BSc Adult Nursing", "Sep26", "P1, E2", "11/01/2027", "6"])          # UK text, number as text
    ws.append([UNI, "BSc Adult Nursing", "Sep26", "P1, E3", dt.datetime(2027, 4, 26, 9, 30), 6])  # with a time
    wb.save(path)
    return path


def test_odd_dates_and_specialities_convert_and_plan(tmp_path):
    source = _book(tmp_path / "lab.xlsx")
    out = tmp_path / "converted.xlsx"
    assert main(["convert", "--from", "nhs-ai-lab", str(source), "-o", str(out), "--trust", "RR8",
                 "--require", "Community, ITU"]) == 0
    loaded = load_workbooks([out])
    assert not loaded.problems.errors
    demand = loaded.data.demand
    starts = sorted({d.date() for d in demand["start_date"]})
    assert starts == [dt.date(2026, 10, 19), dt.date(2027, 1, 11), dt.date(2027, 4, 26)]
    assert len(demand) == 6 * 3 and set(demand["learners"]) == {1}
    assert set(demand["journey"]) == {f"S{300 + i}" for i in range(6)}
    assert set(loaded.data.capacity["setting"].str.lower()) >= {"community", "critical care"}


def test_a_students_sheet_with_no_students_names_that_sheet(tmp_path, capsys):
    source = _book(tmp_path / "lab.xlsx", students=0)
    out = tmp_path / "converted.xlsx"
    assert main(["convert", "--from", "nhs-ai-lab", str(source), "-o", str(out), "--trust", "RR8"]) == 1
    err = capsys.readouterr()
    text = err.out + err.err
    assert "students" in text and "no student rows" in text, text
    assert "Demand" not in text      # the user's workbook has no Demand sheet: never name ours
    assert not out.exists()
    with pytest.raises(ConvertError) as raised:
        convert([source], trust="RR8")
    assert [p.sheet for p in raised.value.problems.errors] == ["students"]
