"""Partner packs: each university's and provider's workbook holds only its own rows, with safe
file names, a correct weekly calendar, and plain messages for bad input or files held open."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import openpyxl
import pandas as pd
import pytest

from placement_planner.analysis import plan_report
from placement_planner.cli import main
from placement_planner.domain import ALLOCATION_COLUMNS, Plan, PlanStatus
from placement_planner.io import load_workbooks
from placement_planner.io.export import write_plan_workbook
from placement_planner.io.packs import (PackError, PlanTables, pack_file_names, read_plan, safe_file_stem,
                                        write_packs)
from workbooks import CAPACITY_HEADER, minimal_sheets, write_xlsx

MON = dt.date(2025, 9, 1)
LONDON_ICB = "NHS North Central London Integrated Care Board"
BIRMINGHAM_ICB = "NHS Birmingham and Solihull Integrated Care Board"
UNIS = ["Aston Uni", "Brunel College", "Coventry Institute"]
LONG_PROVIDER = "Very Long Community Interest Company " * 5
PROVIDER_OF = {"S1": "North Trust", "S2": "CON", "S3": "South: Trust/Partners", "S4": "South_ Trust_Partners",
               "S5": LONG_PROVIDER}
# demand_id: (hei, profession, learners, start, weeks, lat, lon, max_travel_km)
DEMAND = {"A1": ("Aston Uni", "Adult Nursing", 2, MON, 3, 51.51, -0.11, None),
          "A2": ("Aston Uni", "Adult Nursing", 1, MON + dt.timedelta(7), 2, 52.47, -1.89, None),
          "B1": ("Brunel College", "Adult Nursing", 2, MON, 3, 51.51, -0.12, 10),
          "B2": ("Brunel College", "Physiotherapy", 1, MON, 2, None, None, None),
          "C1": ("Coventry Institute", "Physiotherapy", 1, MON, 2, None, None, None),
          "C2": ("Coventry Institute", "Physiotherapy", 1, MON, 2, None, None, None)}
# demand_id, site_id, setting, start_week, learners, locked
PLAN = [("A1", "S1", "acute", 0, 2, False), ("A2", "S5", "acute", 1, 1, False),
        ("B2", "S2", "", 0, 1, False), ("C1", "S3", "", 0, 1, True), ("C2", "S4", "", 0, 1, False)]


def _inputs(tmp_path):
    site = lambda sid, lat, lon, icb, region: [sid, f"Site {sid}", PROVIDER_OF[sid], icb, region, lat, lon, "ok"]
    sites = [["site_id", "site_name", "provider", "ics", "region", "latitude", "longitude", "quality"],
             site("S1", 51.50, -0.10, LONDON_ICB, "London"), site("S2", 51.52, -0.13, LONDON_ICB, "London"),
             site("S3", 51.53, -0.14, LONDON_ICB, "London"), site("S4", 51.54, -0.12, LONDON_ICB, "London"),
             site("S5", 52.48, -1.90, BIRMINGHAM_ICB, "Midlands")]
    end = MON + dt.timedelta(28)
    capacity = [list(CAPACITY_HEADER), ["S1", "Adult Nursing", "acute", MON, end, 2],
                ["S5", "Adult Nursing", "acute", MON, end, 2]]
    capacity += [[s, "Physiotherapy", "", MON, end, 1] for s in ("S2", "S3", "S4")]
    demand = [["demand_id", "hei", "profession", "learners", "start_date", "weeks", "latitude", "longitude",
               "max_travel_km"]] + [[d, *row] for d, row in DEMAND.items()]
    return write_xlsx(tmp_path / "in.xlsx", {"Sites": sites, "Capacity": capacity, "Demand": demand})


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    loaded = load_workbooks([_inputs(tmp)])
    assert not loaded.has_errors, [p.line() for p in loaded.problems]
    plan = Plan(allocations=pd.DataFrame(PLAN, columns=ALLOCATION_COLUMNS), status=PlanStatus.OPTIMAL)
    path = write_plan_workbook(tmp / "plan.xlsx", loaded.data, plan)
    return path, loaded.data, plan


@pytest.fixture(scope="module")
def packs(plan_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("packs")
    result = write_packs(read_plan(plan_file[0]), out)
    assert not result.failed
    return out, result


def _cells(path) -> list[tuple[str, object]]:
    book = openpyxl.load_workbook(path)
    return [(ws.title, c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def _sheet(path, name) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_one_pack_per_university_and_provider_with_safe_distinct_names(packs):
    out, result = packs
    names = sorted(os.listdir(out))
    assert (result.universities, result.providers) == (3, 5)
    assert [n for n in names if n.startswith("University - ")] == [f"University - {u}.xlsx" for u in UNIS]
    providers = [n for n in names if n.startswith("Provider - ")]
    assert len(providers) == 5 and len({n.casefold() for n in providers}) == 5
    assert "Provider - CON.xlsx" in providers
    assert {"Provider - South_ Trust_Partners.xlsx", "Provider - South_ Trust_Partners (2).xlsx"} <= set(providers)
    assert all(len(n) <= 105 and not set('<>:"/\\|?*') & set(n) for n in names)
    assert len(names) == 8      # nothing else: no temporary files left behind


def test_each_university_pack_holds_only_its_own_learners(packs):
    out, _ = packs
    for uni in UNIS:
        path = out / f"University - {uni}.xlsx"
        own = {d for d, row in DEMAND.items() if row[0] == uni}
        others = [u for u in UNIS if u != uni]
        for sheet, cell in _cells(path):
            if isinstance(cell, str):
                assert not any(o in cell for o in others), (uni, sheet, cell)
                assert not (cell in DEMAND and cell not in own), (uni, sheet, cell)
        alloc = _sheet(path, "Allocations")
        expected = [r for r in PLAN if r[0] in own]
        assert sorted(alloc["demand_id"]) == sorted(r[0] for r in expected)
        assert alloc["learners"].sum() == sum(r[4] for r in expected)
        assert set(alloc["hei"]) <= {uni}


def test_unplaced_reasons_keep_the_reason_but_not_the_other_university(packs):
    unplaced = _sheet(packs[0] / "University - Brunel College.xlsx", "Unplaced")
    assert list(unplaced["demand_id"]) == ["B1"]
    assert unplaced["learners_unplaced"].tolist() == [2]
    reason = unplaced["reason"].iat[0]
    assert "taken by" in reason and "another university (2 learners)" in reason and "Aston" not in reason
    for uni in ("Aston Uni", "Coventry Institute"):
        assert len(_sheet(packs[0] / f"University - {uni}.xlsx", "Unplaced")) == 0


def test_university_calendar_counts_learners_per_week(packs):
    cal = _sheet(packs[0] / "University - Aston Uni.xlsx", "Calendar")
    weeks = [c for c in cal.columns if "/" in str(c)]
    assert weeks == ["01/09/2025", "08/09/2025", "15/09/2025"]
    a1 = cal.set_index(["demand_id", "site_id"]).loc[("A1", "S1")]
    assert [a1[w] for w in weeks] == [2, 2, 2]
    a2 = cal.set_index(["demand_id", "site_id"]).loc[("A2", "S5")]
    assert pd.isna(a2["01/09/2025"]) and [a2[w] for w in weeks[1:]] == [1, 1]   # blank before it starts


def test_each_provider_pack_holds_only_its_sites(packs, plan_file):
    out, _ = packs
    names = pack_file_names(sorted(set(PROVIDER_OF.values())), "Provider - ")
    for provider, file_name in names.items():
        sites = {s for s, p in PROVIDER_OF.items() if p == provider}
        alloc = _sheet(out / file_name, "Allocations")
        expected = [r for r in PLAN if r[1] in sites]
        assert sorted(alloc["site_id"]) == sorted(r[1] for r in expected), provider
        assert sorted(alloc["demand_id"]) == sorted(r[0] for r in expected), provider
        cal = _sheet(out / file_name, "Calendar")
        weeks = [c for c in cal.columns if "/" in str(c)]
        on_placement = sum(r[4] * DEMAND[r[0]][4] for r in expected)
        assert cal[weeks].fillna(0).to_numpy().sum() == on_placement, provider
        for sheet, cell in _cells(out / file_name):
            if isinstance(cell, str) and cell.startswith("S") and cell[1:].isdigit():
                assert cell in sites, (provider, sheet, cell)


def test_provider_calendar_says_which_university_comes_when(packs):
    cal = _sheet(packs[0] / "Provider - CON.xlsx", "Calendar")
    assert cal[["site_id", "hei", "profession"]].values.tolist() == [["S2", "Brunel College", "Physiotherapy"]]
    assert [c for c in cal.columns if "/" in str(c)] == ["01/09/2025", "08/09/2025"]
    assert cal["01/09/2025"].tolist() == [1] and cal["08/09/2025"].tolist() == [1]


def test_every_pack_sheet_is_a_table_with_frozen_header_and_landscape_print(packs):
    for name in os.listdir(packs[0]):
        for ws in openpyxl.load_workbook(packs[0] / name).worksheets:
            assert len(ws.tables) == 1, (name, ws.title)
            assert ws.freeze_panes and ws.freeze_panes[-1] == "2", (name, ws.title)
            assert ws.page_setup.orientation == "landscape", (name, ws.title)
            assert ws.print_title_rows.replace("$", "") == "1:1", (name, ws.title)


def test_app_path_from_a_plan_report_gives_the_same_tables_as_the_workbook(plan_file):
    path, data, plan = plan_file
    from_book = read_plan(path)
    in_memory = PlanTables.from_report(plan_report(data, plan))
    for name in ("allocations", "unplaced"):
        mine, theirs = getattr(in_memory, name), getattr(from_book, name)
        pd.testing.assert_frame_equal(mine.drop(columns=["distance_km"], errors="ignore"),
                                      theirs.drop(columns=["distance_km"], errors="ignore"), check_dtype=False)
    pd.testing.assert_series_equal(in_memory.allocations["distance_km"].round(1),
                                   from_book.allocations["distance_km"].round(1))


def test_app_entry_point_writes_the_same_packs_from_memory(plan_file, packs, tmp_path):
    from placement_planner.io.packs import write_plan_packs

    _, data, plan = plan_file
    result = write_plan_packs(data, plan, tmp_path)
    assert sorted(p.name for p in result.written) == sorted(os.listdir(packs[0]))
    for name in os.listdir(packs[0]):
        for sheet in ("Allocations", "Calendar"):
            pd.testing.assert_frame_equal(_sheet(tmp_path / name, sheet), _sheet(packs[0] / name, sheet))


@pytest.mark.parametrize("name, stem", [
    ("CON", "_CON"), ("nul", "_nul"), ("Com1.backup", "_Com1.backup"), ("LPT9 ", "_LPT9"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"), ("Trust.", "Trust"), ("  spaced  out  ", "spaced out"),
    ("tab\there\nnew", "tab here new"), ("", "unnamed"), (None, "unnamed"), ("CONSORTIUM", "CONSORTIUM"),
    ("Royal Free London NHS Foundation Trust", "Royal Free London NHS Foundation Trust"),
])
def test_safe_file_stem(name, stem):
    assert safe_file_stem(name) == stem


def test_long_names_are_cut_and_clashes_numbered_ignoring_case():
    assert len(safe_file_stem("x" * 500)) == 100
    names = pack_file_names(["A/B", "A:B", "a_b", "Z" * 300, "Z" * 301], "Provider - ")
    assert len({n.casefold() for n in names.values()}) == 5
    assert names["A/B"] == "Provider - A_B.xlsx" and names["A:B"] == "Provider - A_B (2).xlsx"
    assert names["a_b"] == "Provider - a_b (3).xlsx"
    assert all(len(n) <= 105 for n in names.values())


def test_cli_writes_every_pack_and_exits_0(plan_file, tmp_path, capsys):
    out = tmp_path / "new" / "packs"
    assert main(["packs", str(plan_file[0]), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Wrote 8 pack(s)" in printed and "3 university, 5 provider" in printed
    assert len(os.listdir(out)) == 8


@pytest.mark.parametrize("make, words", [
    (lambda p: write_xlsx(p / "in.xlsx", minimal_sheets()), "is not a plan workbook"),
    (lambda p: (p / "fake.xlsx").write_text("not a workbook") and p / "fake.xlsx", "not a readable spreadsheet"),
    (lambda p: p / "missing.xlsx", "file not found"),
    (lambda p: write_xlsx(p / "cut.xlsx", {"Allocations": [["demand_id", "hei"], ["D1", "X"]],
                                           "Unplaced": [["demand_id"]]}), "has no profession"),
    (lambda p: write_xlsx(p / "bad.xlsx", {
        "Allocations": [["demand_id", "hei", "profession", "site_id", "provider", "start_date", "weeks",
                         "learners"], ["D1", "U", "Physiotherapy", "S1", "P", "someday", 2, 1]],
        "Unplaced": [["demand_id", "hei", "profession", "start_date", "weeks", "learners_requested",
                      "learners_unplaced", "reason"]]}), "row 2, column start_date"),
    (lambda p: write_xlsx(p / "zero.xlsx", {
        "Allocations": [["demand_id", "hei", "profession", "site_id", "provider", "start_date", "weeks",
                         "learners"], ["D1", "U", "Physiotherapy", "S1", "P", MON, 0, 1]],
        "Unplaced": [["demand_id", "hei", "profession", "start_date", "weeks", "learners_requested",
                      "learners_unplaced", "reason"]]}), "row 2, column weeks: '0' is not between 1 and 520"),
])
def test_bad_input_gives_a_plain_message_and_exit_1(tmp_path, capsys, make, words):
    path = make(tmp_path)
    assert main(["packs", str(path), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


def test_a_pack_held_open_in_excel_is_named_and_the_others_are_written(plan_file, tmp_path, monkeypatch, capsys):
    out = tmp_path / "packs"
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("University - Brunel College.xlsx"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert main(["packs", str(plan_file[0]), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "University - Brunel College.xlsx is open in Excel" in err and "close it and try again" in err
    assert "Traceback" not in err
    assert sorted(os.listdir(out)) == sorted(n for n in os.listdir(out) if not n.startswith("."))
    assert len(os.listdir(out)) == 7 and "University - Brunel College.xlsx" not in os.listdir(out)


def test_a_folder_that_cannot_be_written_is_one_plain_message(plan_file, tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main(["packs", str(plan_file[0]), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("Cannot write in the folder") == 1 and "Traceback" not in err


def test_a_file_given_as_the_folder_is_refused(plan_file, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(PackError, match="is a file"):
        write_packs(read_plan(plan_file[0]), target)
