"""File > Export Partner Packs: the app writes one workbook per partner from the plan on screen."""

from __future__ import annotations

import os

import openpyxl

from conftest import open_and_wait, plan_and_wait
from placement_planner.ui import core


def test_packs_action_writes_a_pack_per_partner_with_only_its_rows(qtbot, window, tmp_path, monkeypatch):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    alloc = p.results.allocations
    folder = tmp_path / "packs"
    monkeypatch.setattr("placement_planner.ui.main_window.QFileDialog.getExistingDirectory",
                        lambda *a, **k: str(folder))
    menu = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export &Partner Packs…" in menu
    with qtbot.waitSignal(p.message, timeout=60000,
                          check_params_cb=lambda text: "partner pack" in text):
        window.actions["packs"].trigger()
    qtbot.waitUntil(lambda: not p.running_tasks(), timeout=60000)
    names = sorted(os.listdir(folder))
    heis, providers = sorted(set(alloc["hei"]) | set(p.results.unplaced["hei"])), set(alloc["provider"])
    assert len(names) == len(heis) + len(providers)
    hei = heis[0]
    book = openpyxl.load_workbook(folder / f"University - {hei}.xlsx")
    rows = list(book["Allocations"].iter_rows(values_only=True))
    col = rows[0].index("hei")
    assert len(rows) - 1 == int((alloc["hei"] == hei).sum())
    assert {r[col] for r in rows[1:]} == {hei}


def test_packs_before_any_plan_says_so(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.project.message, timeout=5000,
                          check_params_cb=lambda text: "Make a plan first" in text):
        assert window.project.write_packs(str(tmp_path)) is None
    assert not os.listdir(tmp_path)
