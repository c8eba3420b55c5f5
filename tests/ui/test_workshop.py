"""Issue 14 in the app: the better plan kept, export leaves the project saved, private files."""

from __future__ import annotations

import os
import stat
import sys

import pandas as pd
import pytest

from conftest import open_and_wait, plan_and_wait
from placement_planner.recovery import read_journal
from placement_planner.ui import core


def _alloc_key(plan) -> pd.DataFrame:
    a = plan.allocations[["demand_id", "site_id", "start_week", "learners"]].astype(str)
    return a.sort_values(list(a.columns)).reset_index(drop=True)


def test_cancel_keeps_the_better_plan_and_recovery_restores_it(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    best = p.results
    assert best.plan.status.value == "optimal"
    # Cancel a re-plan almost at once: the run stops with a worse (or equal) plan.
    p.plan()
    p.cancel_plan()
    qtbot.waitUntil(lambda: not p.running_tasks(), timeout=60000)
    assert p.results is best, "the finished plan must survive Esc"
    assert "kept the earlier plan" in p.plan_note
    assert f"{best.plan.learners_placed:,}" in p.plan_note
    assert "earlier plan kept" in window.status.plan_state.text()
    # The crash journal holds the plan on show, not the stopped run.
    recovered = read_journal(p.journal.path)
    assert recovered is not None and recovered.plan is not None
    pd.testing.assert_frame_equal(_alloc_key(recovered.plan), _alloc_key(best.plan))


def test_a_stopped_run_that_is_better_replaces_the_plan(qtbot, window):
    """After an edit the shown plan is out of date: the stopped run is of the new data and is kept."""
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    first = p.results
    assert p.request_edit("demand", 0, "learners", str(int(p.data.demand["learners"].iloc[0]) + 1))
    assert p.plan_stale
    task = p.plan()
    # Esc once the run has a plan of its own (Esc before that leaves the out-of-date plan on show).
    qtbot.waitUntil(lambda: task.progress.snapshot().best is not None or not task.is_running(), timeout=60000)
    p.cancel_plan()
    qtbot.waitUntil(lambda: not p.running_tasks(), timeout=60000)
    assert p.results is not first and not p.plan_stale


def test_keep_better_ranks_by_tiers():
    summary = {"weighted_placed": 10.0, "learners_placed": 10, "min_group_fill": 0.5,
               "kept_from_previous": 0, "preferred_placed": 1, "learner_km": 100.0}
    closer = dict(summary, learner_km=90.0)
    fairer = dict(summary, min_group_fill=0.6, learner_km=500.0)
    assert core.plan_rank(closer) > core.plan_rank(summary)
    assert core.plan_rank(fairer) > core.plan_rank(closer)     # fairness before travel
    assert core.plan_rank(dict(summary, weighted_placed=11.0, min_group_fill=0.1)) > core.plan_rank(fairer)


def test_export_leaves_the_project_saved(qtbot, window, tmp_path):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    assert p.request_edit("capacity", 0, "places", "7")
    assert p.is_modified and window.isWindowModified()
    with qtbot.waitSignal(p.saved, timeout=60000):
        p.save(str(tmp_path / "export.xlsx"), as_project=False)
    assert not p.is_modified and not window.isWindowModified()
    assert p.project_path is None          # Save still asks where the project goes
    assert window._may_discard()           # opening another file asks nothing


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_journal_and_autosave_are_private(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    assert p.request_edit("capacity", 0, "places", "7")
    with qtbot.waitSignal(p.saved, timeout=60000):
        window.autosaver.save_now()
    assert p.is_modified, "an autosave does not count as saving"
    for path in (p.journal.path, p.journal.plan_path, window.autosaver.path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert stat.S_IMODE(os.stat(p.journal.path.parent).st_mode) == 0o700
