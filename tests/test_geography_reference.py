"""`placement-planner update-reference FILE` (issue 11): a newer ICB list or successor table is loaded
with no new release; merged ICBs' old names are then read as their successor's with one warning."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from placement_planner import reference
from placement_planner.cli import main
from placement_planner.io import load_workbooks
from workbooks import CAPACITY_HEADER, DEMAND_HEADER, write_xlsx

PENINSULA = "NHS Peninsula Integrated Care Board"
DEVON, CORNWALL = "NHS Devon Integrated Care Board", "NHS Cornwall and the Isles of Scilly Integrated Care Board"


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACEMENT_PLANNER_DATA", str(tmp_path / "data"))
    reference.reload()
    yield
    monkeypatch.undo()
    reference.reload()


def successor_file(tmp_path):
    path = tmp_path / "mergers-2027.csv"
    pd.DataFrame({"old_icb": ["QJK", "Cornwall and the Isles of Scilly ICB"], "new_icb": ["Q1P2N", "Q1P2N"],
                  "new_icb_name": [PENINSULA, PENINSULA], "effective_from": ["01/04/2027", "2027-04-01"]}
                 ).to_csv(path, index=False)
    return path


def sites_workbook(tmp_path, icb):
    sheets = {"Sites": [["site_id", "provider", "ics", "region"], ["S1", "Royal Devon", icb, "South West"]],
              "Capacity": [CAPACITY_HEADER, ["S1", "Adult Nursing", "", dt.date(2027, 4, 5), dt.date(2027, 6, 1), 2]],
              "Demand": [DEMAND_HEADER, ["D1", "University of Exeter", "Adult Nursing", 1, dt.date(2027, 4, 5), 4,
                                         None, None]]}
    return load_workbooks([write_xlsx(tmp_path / "w.xlsx", sheets)])


def test_successor_table_merges_icbs_and_old_names_are_read_as_the_new_one(tmp_path, capsys):
    assert main(["update-reference", str(successor_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "36 -> 35 ICBs" in out and f"{DEVON} -> {PENINSULA} from 01/04/2027" in out
    names = reference.current_icb_names()
    assert PENINSULA in names and DEVON not in names and CORNWALL not in names
    result = sites_workbook(tmp_path, "Devon ICB")
    assert result.data.sites["ics"].tolist() == [PENINSULA]
    notes = [p for p in result.problems.warnings if p.column == "ics"]
    assert len(notes) == 1 and f"merged into '{PENINSULA}' on 01/04/2027" in notes[0].message
    # a 2022 name of Devon follows both changes; the region is kept
    assert reference.old_icb_map()["NHS Devon Integrated Care Board"] == PENINSULA
    assert reference.current_icbs().set_index("icb_name").loc[PENINSULA, "region_name"] == "South West"
    # postcodes of Devon practices now lie in the new ICB
    devon = reference.practices().query("icb_code == 'QJK'")["postcode"].iat[0]
    assert reference.postcode_icb(devon) == (PENINSULA, "South West")
    # --reset goes back to the shipped 36
    assert main(["update-reference", "--reset"]) == 0
    assert len(reference.current_icb_names()) == 36 and DEVON in reference.current_icb_names()


def test_ons_style_lookup_works_out_successors_from_sub_icb_locations(tmp_path, capsys):
    practices = reference.practices()
    icbs = reference.current_icbs().set_index("icb_code")
    rows = practices[["sub_icb_code", "icb_code"]].drop_duplicates("sub_icb_code")
    merged = rows["icb_code"].isin(["QJK", "QT6"])
    lookup = pd.DataFrame({
        "LOC27CD": "E38", "LOC27CDH": rows["sub_icb_code"],
        "ICB27CDH": rows["icb_code"].where(~merged, "Q1P2N"),
        "ICB27NM": icbs.loc[rows["icb_code"], "icb_name"].to_numpy(),
        "NHSER27CDH": icbs.loc[rows["icb_code"], "region_code"].to_numpy()})
    lookup.loc[merged.to_numpy(), "ICB27NM"] = PENINSULA
    path = tmp_path / "LOC27_ICB27_NHSER27_EN_LU.xlsx"
    lookup.to_excel(path, index=False)
    assert main(["update-reference", str(path), "--effective-from", "01/04/2027"]) == 0
    merged_now = dict(zip(reference.successors()["old_name"], reference.successors()["new_name"]))
    assert merged_now == {DEVON: PENINSULA, CORNWALL: PENINSULA}
    assert set(reference.successors()["effective_from"]) == {"01/04/2027"}
    assert len(reference.current_icb_names()) == 35
    assert "WARNING" not in capsys.readouterr().out


def test_a_file_that_is_no_icb_list_is_refused_and_nothing_changes(tmp_path, capsys):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["update-reference", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR") and "no ICB list" in err and "Traceback" not in err
    assert not (reference.updates_dir() / reference.ICB_FILE).exists()
    assert main(["update-reference", str(tmp_path / "missing.csv")]) == 1


def test_a_dropped_icb_without_successor_is_named(tmp_path, capsys):
    icbs = reference.current_icbs()
    keep = icbs[icbs["icb_code"] != "QSL"]
    path = tmp_path / "icbs.csv"
    keep.rename(columns={"icb_code": "ICB_CODE", "icb_name": "ICB_NAME", "region_code": "COMM_REGION_CODE",
                         "region_name": "COMM_REGION_NAME"}).to_csv(path, index=False)
    assert main(["update-reference", str(path)]) == 0
    out = capsys.readouterr().out
    assert "NHS Somerset Integrated Care Board is not in icbs.csv" in out
    assert len(reference.current_icb_names()) == 35
