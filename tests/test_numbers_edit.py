"""The app's edit boxes read numbers and dates with the importer's reader (same words, same rules)."""

from __future__ import annotations

import pandas as pd
import pytest

from placement_planner.io import load_workbooks
from placement_planner.io.cells import read_date, read_number
from placement_planner.ui.edits import EditRefused, parse_edit
from workbooks import minimal_sheets, write_xlsx


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = write_xlsx(tmp_path_factory.mktemp("edit") / "in.xlsx", minimal_sheets())
    return load_workbooks([path]).data


def test_edit_boxes_accept_what_a_cell_accepts(data):
    assert parse_edit(data, "demand", 0, "learners", "1,500") == 1500
    assert parse_edit(data, "demand", 0, "weeks", "6 weeks") == 6
    assert parse_edit(data, "demand", 0, "max_travel_km", "30 km") == 30.0
    assert parse_edit(data, "capacity", 0, "end_date", "1 Dec 2025") == pd.Timestamp("2025-12-01")


@pytest.mark.parametrize("column, text, kw", [
    ("learners", "1,5", {"whole": True, "unit": "learners"}),
    ("max_travel_km", "30 m", {"unit": "km"}),
    ("priority", "50%", {}),
])
def test_edit_boxes_refuse_with_the_importers_words(data, column, text, kw):
    with pytest.raises(EditRefused) as refused:
        parse_edit(data, "demand", 0, column, text)
    assert read_number(text, "x", **kw).error.split("' in ")[0] in str(refused.value)
    assert "ambiguous" in str(refused.value) or "percentage" in str(refused.value)


def test_a_conversion_is_shown_never_applied_silently(data):
    with pytest.raises(EditRefused, match=r"48\.28 km.*Type 48\.28"):
        parse_edit(data, "demand", 0, "max_travel_km", "30 miles")


def test_month_first_date_gets_the_importers_suggestion(data):
    with pytest.raises(EditRefused) as refused:
        parse_edit(data, "demand", 0, "start_date", "09/13/2025")
    assert str(refused.value) == read_date("09/13/2025", "the date").error
