"""The Problems panel: grouped by kind with counts, Go to cell, Apply suggestion, Fix all like this."""

from __future__ import annotations

import pandas as pd

from conftest import open_and_wait
from test_fix_in_place import MESSY
from ui_workbooks import write_small

OLD_ICB = "NHS Norfolk and Waveney Integrated Care Board"


def _old_icb_workbook(path) -> str:
    write_small(path)
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    sites = sheets["Sites"]
    sites["ics"] = OLD_ICB
    sites["region"] = "East of England"
    sites["latitude"], sites["longitude"] = [52.63, 52.62, 52.64], [1.29, 1.30, 1.28]
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            (sites if name == "Sites" else frame).to_excel(writer, sheet_name=name, index=False)
    return str(path)


def test_old_names_grouped_and_fixed_all_at_once(qtbot, window, tmp_path):
    p, panel = window.project, window.problems
    open_and_wait(qtbot, window, [_old_icb_workbook(tmp_path / "old.xlsx")])
    old = [x for x in p.problems if "before April 2026" in x.message]
    assert len(old) == 3
    heads = [panel.proxy.index(r, 0) for r in range(panel.proxy.rowCount())]
    group = next(h for h in heads if "before April 2026" in h.data())
    assert group.data().endswith("(3)") and panel.proxy.rowCount(group) == 3
    assert len(heads) < len(p.problems)           # a kind is one line, not one per row
    panel.select_problem(panel.proxy.index(0, 0, group))
    assert panel.fix_all_button.isEnabled() and "(3)" in panel.fix_all_button.text()
    panel.fix_all_button.click()
    assert not any("before April 2026" in x.message for x in p.problems)
    assert set(p.data.sites["ics"]) == {"NHS Norfolk and Suffolk Integrated Care Board"}
    assert "sites" in p._edited_tables              # saved with the current names
    window.actions["undo"].trigger()
    assert len([x for x in p.problems if "before April 2026" in x.message]) == 3


def test_apply_a_did_you_mean_and_go_to_cell(qtbot, window):
    p, panel = window.project, window.problems
    open_and_wait(qtbot, window, [MESSY])
    index = next(i for i in panel.problem_indexes() if "Did you mean 'RM1-01'" in
                 (panel.proxy.data(i.siblingAtColumn(4)) or ""))
    panel.select_problem(index)
    assert panel.go_button.isEnabled() and panel.apply_button.isEnabled()
    panel.go_button.click()
    capacity = window.data_tables.tables["capacity"]
    assert window.tabs.currentWidget() is capacity
    assert capacity.model.columns[capacity.view.currentIndex().column()] == "site_id"
    panel.apply_button.click()
    assert not any("RM1-O1" in x.message for x in p.problems)
    assert "RM1-01" in set(p.table("capacity")["site_id"])
    assert p.undo_stack.canUndo()
