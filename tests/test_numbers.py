"""Numbers and dates as typed: one reader for import and the app's edit boxes, nothing silently changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from placement_planner.io import load_workbooks
from placement_planner.io.cells import read_date, read_number, read_numbers
from workbooks import minimal_sheets, write_xlsx


# ---- one cell ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, kw, value", [
    ("30 km", {"unit": "km"}, 30.0), ("30km", {"unit": "km"}, 30.0), ("30 kilometres", {"unit": "km"}, 30.0),
    (" 12 ", {"whole": True}, 12.0), (12.0, {"whole": True}, 12.0), ("12 weeks", {"whole": True, "unit": "weeks"}, 12.0),
    ("20 students", {"whole": True, "unit": "learners"}, 20.0),
    ("1,500", {"whole": True}, 1500.0), ("1,000,000", {"whole": True}, 1_000_000.0),
    ("1,500.5", {}, 1500.5), ("-0.165", {}, -0.165), (".5", {}, 0.5), ("1.5E+01", {}, 15.0),
])
def test_numbers_read_as_typed(text, kw, value):
    reading = read_number(text, "col", **kw)
    assert (reading.value, reading.error, reading.warning) == (value, "", "")


def test_miles_are_converted_with_a_warning_that_shows_the_result():
    reading = read_number("30 miles", "max_travel_km", unit="km")
    assert reading.value == 48.28 and not reading.error
    assert "'30 miles'" in reading.warning and "48.28 km" in reading.warning
    assert read_number("30mi", "x", unit="km").value == 48.28
    metres = read_number("500 metres", "x", unit="km")
    assert metres.value == 0.5 and "0.5 km" in metres.warning


@pytest.mark.parametrize("text, kw, words", [
    ("1,5", {"whole": True}, ["1.5", "15"]),
    ("1,5", {}, ["1.5", "15"]),
    ("12,75", {}, ["12.75", "1275"]),
    ("1,500", {}, ["1.5", "1500"]),                 # a decimal column: 1.5 is a real reading
    ("1.500", {"whole": True}, ["1.5", "1500"]),    # European thousands dot
    ("30 m", {"unit": "km"}, ["metres", "miles", "48.28"]),
])
def test_ambiguous_numbers_are_errors_giving_both_readings(text, kw, words):
    reading = read_number(text, "col", **kw)
    assert reading.value is None and not reading.warning
    assert "ambiguous" in reading.error and all(w in reading.error for w in words), reading.error


@pytest.mark.parametrize("text, kw, words", [
    ("30 miles", {}, ["unit", "miles"]),            # miles only convert where the column is in km
    ("12 days", {"whole": True, "unit": "weeks"}, ["unit", "days", "in weeks"]),
    ("50%", {}, ["percentage", "0.5"]),
    ("12.5", {"whole": True}, ["not a whole number"]),
    ("1,2,3", {}, ["not a number"]),
    ("abc", {}, ["not a number"]),
    ("inf", {}, ["not a number"]),
    (True, {}, ["not a number"]),
])
def test_other_units_and_junk_are_errors(text, kw, words):
    reading = read_number(text, "col", **kw)
    assert reading.value is None and all(w in reading.error for w in words), reading.error


def test_a_column_read_at_once_matches_cell_by_cell():
    cells = [3, 2.0, "1,500", "1,5", None, "", "7 learners", 4.5, "x"]
    values, bad, notes = read_numbers(pd.Series(cells, dtype=object), "learners", whole=True, unit="learners")
    for i, cell in enumerate(cells):
        one = read_number(cell, "learners", whole=True, unit="learners")
        assert bad[i] == bool(one.error)
        assert (pd.isna(values[i]) and one.value is None) or values[i] == one.value
        assert (i in notes) == bool(one.error or one.warning)
    assert values.tolist()[:3] == [3.0, 2.0, 1500.0] and bad.tolist() == [0, 0, 0, 1, 0, 0, 0, 1, 1]


@pytest.mark.parametrize("cell, day", [
    ("01/09/2025", dt.date(2025, 9, 1)), ("1/9/25", dt.date(2025, 9, 1)), ("2025-09-01", dt.date(2025, 9, 1)),
    ("01.09.2025", dt.date(2025, 9, 1)), ("1 Sept 2025", dt.date(2025, 9, 1)), (45901, dt.date(2025, 9, 1)),
    (dt.datetime(2025, 9, 1, 13, 5), dt.date(2025, 9, 1)),
])
def test_dates_read_day_first(cell, day):
    assert read_date(cell).value == pd.Timestamp(day)


def test_month_first_dates_are_errors_with_the_suggestion_never_guessed():
    reading = read_date("09/13/2025")
    assert reading.value is None and "no month 13" in reading.error and "13/09/2025" in reading.error
    assert "not a date" in read_date("31/02/2025").error
    assert read_date(12).error      # a small number is not an Excel date here


# ---- a workbook --------------------------------------------------------------------------

def _load(tmp_path, change):
    sheets = minimal_sheets()
    change(sheets)
    return load_workbooks([write_xlsx(tmp_path / "in.xlsx", sheets)])


def _problems(result, column):
    return [p for p in result.problems if p.column == column]


def test_import_converts_miles_with_a_warning_and_keeps_the_row(tmp_path):
    def change(s):
        s["Demand"][0].append("max_travel_km")
        s["Demand"][1].append("30 miles")
        s["Demand"][2].append("25 km")
    result = _load(tmp_path, change)
    assert not result.has_errors
    (warning,) = _problems(result, "max_travel_km")
    assert warning.severity.value == "WARNING" and warning.sheet == "Demand" and warning.row == 2
    assert "48.28 km" in warning.message
    assert result.data.demand["max_travel_km"].tolist() == [48.28, 25.0]


def test_import_refuses_an_ambiguous_comma_and_reads_thousands(tmp_path):
    def change(s):
        s["Demand"][1][3] = "1,5"
        s["Capacity"][1][5] = "1,500"
    result = _load(tmp_path, change)
    (error,) = _problems(result, "learners")
    assert error.severity.value == "ERROR" and error.row == 2 and "1.5" in error.message and "15" in error.message
    assert not _problems(result, "places")
    assert result.has_errors


def test_import_reports_a_unit_a_column_cannot_take(tmp_path):
    result = _load(tmp_path, lambda s: s["Demand"][1].__setitem__(5, "6 months"))
    (error,) = _problems(result, "weeks")
    assert error.severity.value == "ERROR" and "months" in error.message


def test_settings_values_use_the_same_reader(tmp_path):
    def change(s):
        s["Settings"] = [["key", "value"], ["default_max_travel_km", "20 miles"], ["time_limit_s", "1,5"]]
    result = _load(tmp_path, change)
    by_key = {p.row: p for p in result.problems if p.sheet == "Settings"}
    assert by_key[2].severity.value == "WARNING" and "32.19 km" in by_key[2].message
    assert by_key[3].severity.value == "ERROR" and "1.5" in by_key[3].message and "15" in by_key[3].message


@pytest.mark.parametrize("cell", [9.223372036854776e18, 1e9, "5000000000", -2e12])
def test_counts_too_large_to_hold_are_errors_never_wrapped(cell):
    """A count of 9.2e18 places wrapped round to a negative int64 (found by the import fuzz)."""
    one = read_number(cell, "places", whole=True)
    assert one.value is None and "too large" in one.error and "1,000,000,000" in one.error
    values, bad, notes = read_numbers(pd.Series([cell, 12], dtype=object), "places", whole=True)
    assert bad.tolist() == [True, False] and pd.isna(values[0]) and values[1] == 12.0
    assert "too large" in notes[0].error
    assert read_number(999_999_999, "places", whole=True).value == 999_999_999.0
    assert read_number(cell, "km").value == float(cell)       # a measure, not a count: as typed


def test_a_huge_places_cell_is_reported_at_its_row_and_nothing_is_loaded(tmp_path):
    sheets = minimal_sheets()
    sheets["Capacity"][1][sheets["Capacity"][0].index("places")] = 9.223372036854776e18
    path = write_xlsx(tmp_path / "huge.xlsx", sheets)
    result = load_workbooks([path])
    assert result.has_errors
    (error,) = _problems(result, "places")
    assert error.severity.value == "ERROR" and error.sheet == "Capacity" and error.row == 2
    assert "too large" in error.message
