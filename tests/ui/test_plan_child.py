"""Planning in a child process gives the same results as in-process, reports progress,
honours Cancel, and turns a solver exception into a message."""

from __future__ import annotations

import dataclasses

import pytest

from placement_planner.io import load_workbooks
from placement_planner.solver.progress import Progress
from placement_planner.ui import core
from placement_planner.ui.plan_child import PlanFailed, plan_in_child


@pytest.fixture(scope="module")
def sample():
    return load_workbooks(core.sample_paths()).data


def test_child_plan_equals_in_process_plan(sample):
    phases = []
    results = plan_in_child(sample, Progress(lambda s: phases.append(s.phase)))
    here = core.plan_and_analyse(sample, Progress())
    key = ["demand_id", "site_id", "setting", "start_week"]
    assert results.plan.allocations.sort_values(key).reset_index(drop=True).equals(
        here.plan.allocations.sort_values(key).reset_index(drop=True))
    assert results.summary["learners_placed"] == here.summary["learners_placed"] > 0
    assert "preparing" in phases and "Working out gaps and reasons" in phases


def test_cancel_before_start_returns_a_valid_cancelled_plan(sample):
    progress = Progress()
    progress.cancel()
    results = plan_in_child(sample, progress)
    assert results.plan.status.value == "cancelled"


def test_a_solver_exception_in_the_child_is_a_message(sample):
    broken = dataclasses.replace(sample, demand=sample.demand.drop(columns=["weeks"]))
    with pytest.raises(PlanFailed) as raised:
        plan_in_child(broken, Progress())
    assert "weeks" in str(raised.value)
