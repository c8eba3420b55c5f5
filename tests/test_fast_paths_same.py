"""The whole command's fast paths give exactly what the plain code gives (issue 10, item 4).

Each fast path (text trimmed once per distinct value, settings read once per distinct text,
shared strings written in one piece) is checked against the per-value code it stands in for,
on values chosen to hit every case the plain code treats specially.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
import xlsxwriter.packager
import xlsxwriter.sharedstrings

from placement_planner.analysis.common import text
from placement_planner.io import export
from placement_planner.io.cells import cell_text, parse_text
from placement_planner.io.rules_journeys import _settings_lists, settings_list

COLUMNS = [
    [" a ", None, np.nan, "b", "", "a", "  "],
    [1, 1.0, True, None, "x", 2.5],                    # 1, 1.0 and True are equal keys: not merged
    [],
    ["x", pd.NA],                                       # pd.NA is text "<NA>" to cell_text, not blank
    [None, None, None],
    [np.nan],
    ["\u00a0a\u00a0", " b\t", "c\n"],
    ["a", dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 9, 30)],
    [b"x", "a"],
    ["Adult Nursing"] * 50 + [None] * 20 + ["Adult Nursing "] * 5,
]


@pytest.mark.parametrize("cells", COLUMNS)
def test_parse_text_is_cell_text_of_every_cell(cells):
    series = pd.Series(cells, dtype=object, index=range(7, 7 + len(cells)))
    expected = pd.Series([cell_text(v) for v in series], index=series.index, dtype=object)
    pd.testing.assert_series_equal(parse_text(series), expected)


def _plain_text(values) -> pd.Series:
    """analysis.common.text as it was: every value made text and trimmed one at a time."""
    return pd.Series(values, dtype=object).fillna("").astype(str).str.strip()


@pytest.mark.parametrize("cells", COLUMNS)
def test_analysis_text_is_the_plain_conversion(cells):
    series = pd.Series(cells, dtype=object, name="hei")
    pd.testing.assert_series_equal(text(series), _plain_text(series))
    pd.testing.assert_series_equal(text(np.array(cells, dtype=object)), _plain_text(np.array(cells, dtype=object)))


def test_analysis_text_keeps_a_string_column_as_text():
    series = pd.Series([" Leeds ", None, "York"], dtype="str", name="region", index=[3, 1, 2])
    got = text(series)
    pd.testing.assert_series_equal(got, _plain_text(series))
    assert got.tolist() == ["Leeds", "", "York"]


def test_required_settings_read_once_per_text_are_each_rows_own():
    values = ["acute, community", "acute, community", None, ("Acute", "theatres"), "", "acute; acute",
              float("nan"), "community\nacute", "acute, community"]
    got = _settings_lists(values)
    assert got == [settings_list(v) for v in values]
    got[0].append("changed")
    assert got[1] == settings_list("acute, community")   # rows never share one list


TRICKY = ["plain", "a & b < c > d", "_x0041_ looks like an escape", "tab\there", "bell\x07", "\x00nul",
          " leading", "trailing ", "new\nline", "ends with newline\n", "<r>rich</r>", "<r>half",
          "\ufffe\uffff", "NHS Devon ICB", "Ysbyty Gwynedd — Bangor", "quote \" and '", "x" * 300]


def _shared_strings_xml(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/sharedStrings.xml")


def _write(path, strings) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    for row, value in enumerate(strings):
        sheet.write_string(row, 0, value)
        sheet.write_string(row, 1, value)     # repeated: the count differs from the unique count
    book.close()


def test_shared_strings_are_byte_for_byte_xlsxwriters_own(tmp_path, monkeypatch):
    assert xlsxwriter.packager.SharedStrings is export._FastSharedStrings
    _write(tmp_path / "fast.xlsx", TRICKY)
    monkeypatch.setattr(xlsxwriter.packager, "SharedStrings", xlsxwriter.sharedstrings.SharedStrings)
    _write(tmp_path / "plain.xlsx", TRICKY)
    fast, plain = _shared_strings_xml(tmp_path / "fast.xlsx"), _shared_strings_xml(tmp_path / "plain.xlsx")
    assert fast == plain
    assert b"_x005F_x0041_" in fast and b'xml:space="preserve"' in fast and b"<si><r>rich</r></si>" in fast


def test_output_workbook_is_byte_for_byte_the_same_with_the_plain_shared_strings(tmp_path, monkeypatch):
    """The demo's output workbook: every part the same with xlsxwriter's own shared strings."""
    from placement_planner.io import load_workbooks
    from placement_planner.sample_data import __file__ as samples
    from placement_planner.solver import SolveOptions, solve
    from pathlib import Path

    source = Path(samples).parent / "messy_example.xlsx"
    data = load_workbooks([source]).data
    plan = solve(data, SolveOptions(time_limit_s=20))
    export.write_plan_workbook(tmp_path / "fast.xlsx", data, plan)
    monkeypatch.setattr(xlsxwriter.packager, "SharedStrings", xlsxwriter.sharedstrings.SharedStrings)
    export.write_plan_workbook(tmp_path / "plain.xlsx", data, plan)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as a, zipfile.ZipFile(tmp_path / "plain.xlsx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":    # holds the time it was written
                assert a.read(name) == b.read(name), name


def test_the_command_line_flushes_its_output_and_log_before_it_ends(tmp_path):
    """A finished command ends its own process (cli._exit_now): the printed lines, the files
    and the log are all complete, and the exit code is the command's."""
    from placement_planner.sample_data import __file__ as samples
    from pathlib import Path

    source = Path(samples).parent / "demo_supply.xlsx"
    env = {**__import__("os").environ, "PLACEMENT_PLANNER_DATA": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "placement_planner.cli", "validate", str(source)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1                      # supply alone: no Demand sheet
    assert "Demand" in done.stdout
    log = (tmp_path / "data" / "logs" / "planner.log").read_text(encoding="utf-8")
    assert "loaded 1 file(s)" in log


@pytest.mark.parametrize("cells", [(" ", "a", None, 1, 1.0, True, "\t", "", "  x ", float("nan"),
                                    dt.date(2026, 1, 1), "\u00a0", " "), (), (None, None), ("\n",),
                                   (1, True, 1.0, " ")])
def test_whitespace_cells_are_blanked_as_one_at_a_time(cells):
    from placement_planner.io.header import _blank_spaces

    expected = ["" if type(v) is str and v.isspace() else v for v in cells]
    got = _blank_spaces(cells).tolist()
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert type(a) is type(b)
        assert a is b or a == b or (a != a and b != b)


def test_preferred_sites_read_once_per_text_warn_on_every_row():
    from placement_planner.io.problems import ProblemList
    from placement_planner.io.rules import Where
    from placement_planner.io.rules_rows import _preferred_sites

    frame = pd.DataFrame({"preferred_sites": ["A1, B2", "", "A1, B2", "Z9; A1", ("A1", "Q"), None, "Z9; A1"],
                          "row": [2, 3, 4, 5, 6, 7, 8]})
    problems = ProblemList()
    got = _preferred_sites(frame, {"A1", "B2"}, Where("Demand"), problems)
    assert got == [("A1", "B2"), (), ("A1", "B2"), ("Z9", "A1"), ("A1", "Q"), ("None",), ("Z9", "A1")]
    assert [(p.row, p.value) for p in problems.warnings] == [(5, "Z9"), (6, "Q"), (7, "None"), (8, "Z9")]


def _rows_by_tuple(frame):
    """analysis.common.factorize_rows as it was: one tuple per row, through a MultiIndex."""
    codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
    out = uniques.to_frame(index=False) if len(uniques) else frame.iloc[:0].copy()
    out.columns = list(frame.columns)
    return np.asarray(codes, dtype=np.int64), out.reset_index(drop=True)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": ["x", "y", "x", "y"], "b": [1.0, 2.0, 1.0, 3.0]}),
    pd.DataFrame({"a": np.array([1, 2, 1], dtype=object), "b": ["p", "q", "p"]}),
    pd.DataFrame({"a": [True, False, True], "b": [3, 3, 4]}),
    pd.DataFrame({"a": ["x", None, "x"]}),
    pd.DataFrame({"a": [1.0, np.nan, 1.0]}),
    pd.DataFrame({"a": pd.Series(["u", "v", "u"], dtype="str"), "b": np.array([0, 1, 0])}),
    pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=float)}),
    pd.DataFrame({"a": [0.0, -0.0, 2.5], "b": ["", "", " "]}),
    pd.DataFrame({"cls": np.arange(300) % 7, "lat": np.round(np.linspace(50, 55, 300), 1),
                  "lon": np.full(300, 999.0), "limit": np.where(np.arange(300) % 3, 30.0, 0.0)}),
    pd.DataFrame({f"c{i}": np.arange(40) % (i + 2) for i in range(30)}),   # too many combinations to pack
])
def test_rows_coded_per_column_are_the_rows_coded_as_tuples(frame):
    from placement_planner.analysis.common import factorize_rows

    codes, out = factorize_rows(frame)
    expected_codes, expected = _rows_by_tuple(frame)
    assert codes.dtype == expected_codes.dtype and codes.tolist() == expected_codes.tolist()
    pd.testing.assert_frame_equal(out, expected, check_index_type=True)


def test_the_report_of_a_real_plan_codes_rows_as_before(monkeypatch):
    """Every factorize_rows call of a demo plan's report gives what the tuple coding gives."""
    from pathlib import Path

    import placement_planner.analysis.common as common
    import placement_planner.analysis.eligibility as eligibility
    import placement_planner.analysis.gaps as gaps
    from placement_planner.analysis import plan_report
    from placement_planner.io import load_workbooks
    from placement_planner.sample_data import __file__ as samples
    from placement_planner.solver import SolveOptions, solve

    data = load_workbooks([Path(samples).parent / "demo_supply.xlsx",
                           Path(samples).parent / "demo_demand.xlsx"]).data
    plan = solve(data, SolveOptions(time_limit_s=20))
    seen = []

    def checked(frame):
        got = common.factorize_rows(frame)
        expected = _rows_by_tuple(frame)
        assert got[0].tolist() == expected[0].tolist()
        pd.testing.assert_frame_equal(got[1], expected[1], check_index_type=True)
        seen.append(len(frame))
        return got

    for module in (gaps, eligibility):
        monkeypatch.setattr(module, "factorize_rows", checked)
    plan_report(data, plan)
    assert len(seen) >= 3 and max(seen) > 10
