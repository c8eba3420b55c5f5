"""Strict time limits on a large case, and every plan status named for what happened."""

from __future__ import annotations

import time

import highspy
import pytest

from feasibility import check_plan, random_instance
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus, Tier
from placement_planner.generate.tables import generate_tables
from placement_planner.solver import Progress, SolveOptions, solve
from placement_planner.solver.highs_part import HighsPart, Result

S = highspy.HighsModelStatus


@pytest.fixture(scope="module")
def region():
    t = generate_tables("region", 1)
    return build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))


def test_a_small_limit_on_a_large_case_is_kept(region):
    """2 s on the generator's region (15,000 learners; unconstrained it takes far longer):
    the solve returns within about a second of the limit with a valid plan and a bound."""
    t0 = time.perf_counter()
    plan = solve(region, SolveOptions(time_limit_s=2.0))
    wall = time.perf_counter() - t0
    assert wall <= 2.0 + 2.5, f"{wall:.1f} s for a 2 s limit"   # 2 shared cores
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.learners_placed > 0
    assert plan.bound >= plan.tier_values["placed"]
    check_plan(region, plan)


def test_statuses_of_the_lp_are_named():
    from placement_planner.solver.engine import _ortools_word, highs_word
    from ortools.linear_solver.python import model_builder as mb
    late, soon = time.perf_counter() - 1, time.perf_counter() + 100
    cancelled = Progress()
    cancelled.cancel()
    for word, st in ((highs_word, S), (_ortools_word, None)):
        if st is None:
            o = mb.SolveStatus
            cases = [(o.OPTIMAL, soon, None, "optimal"), (o.INFEASIBLE, soon, None, "infeasible"),
                     (o.NOT_SOLVED, soon, None, "time_limit"),
                     (o.ABNORMAL, soon, None, "numerical"), (o.ABNORMAL, late, None, "time_limit"),
                     (o.MODEL_INVALID, soon, None, "error"),
                     (o.CANCELLED_BY_USER, soon, cancelled, "cancelled")]
        else:
            cases = [(S.kOptimal, soon, None, "optimal"), (S.kInfeasible, soon, None, "infeasible"),
                     (S.kTimeLimit, soon, None, "time_limit"),
                     (S.kSolveError, soon, None, "numerical"), (S.kUnknown, soon, None, "numerical"),
                     (S.kUnknown, late, None, "time_limit"),            # cut short
                     (S.kModelError, soon, None, "error"),
                     (S.kInterrupt, soon, cancelled, "cancelled")]
        for status, deadline, progress, expected in cases:
            assert word(status, progress, deadline) == expected, (status, expected)


@pytest.mark.parametrize("kind,word", [("numerical", "numerical trouble"),
                                       ("error", "a solver error"),
                                       ("infeasible", "numerical trouble")])
def test_solver_trouble_is_an_error_status_with_a_message_and_a_valid_plan(
        kind, word, monkeypatch, caplog):
    """Trouble in a later tier: status ERROR, the message says what happened, the log has
    counts only, and the plan (the incumbent) still keeps every rule."""
    real = HighsPart.solve

    def troubled(self, cost, maximise, **kw):
        if not maximise:                     # the travel tier (the only minimised one)
            return Result(float(cost @ self.values), float("nan"), False, self.values.copy(), kind)
        return real(self, cost, maximise, **kw)
    monkeypatch.setattr(HighsPart, "solve", troubled)
    data = random_instance(3, n_sites=6, n_demand=10, n_weeks=12)
    with caplog.at_level("WARNING"):
        plan = solve(data, SolveOptions(time_limit_s=30))
    assert plan.status is PlanStatus.ERROR
    assert any(word in m and "travel" in m for m in plan.messages)
    check_plan(data, plan)
    assert plan.learners_placed > 0
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "parts (tier travel)" in logged and "D1" not in logged


def test_optimal_feasible_cancelled_and_infeasible():
    data = random_instance(5, n_sites=6, n_demand=10, n_weeks=12)
    assert solve(data, SolveOptions(time_limit_s=30)).status is PlanStatus.OPTIMAL
    progress = Progress()
    progress.cancel()
    assert solve(data, SolveOptions(time_limit_s=30), progress).status is PlanStatus.CANCELLED
    locked = build_planning_data(
        sites=[dict(site_id="S", provider="P", ics="I", region="R")],
        capacity=[dict(site_id="S", profession="Physiotherapy", start_date="2025-09-01",
                       end_date="2025-09-29", places=1)],
        demand=[dict(demand_id="D", hei="U", profession="Physiotherapy", learners=3,
                     start_date="2025-09-01", weeks=2)],
        locked=[dict(demand_id="D", site_id="S", learners=2)])
    assert solve(locked, SolveOptions(time_limit_s=30)).status is PlanStatus.INFEASIBLE


def test_an_unproven_leximin_round_makes_the_plan_feasible_not_optimal(monkeypatch):
    """A round the MIP cannot prove in its time keeps its incumbent; the tier is not proven."""
    real = HighsPart.solve

    def unproven(self, cost, maximise, **kw):
        r = real(self, cost, maximise, **kw)
        if self.n_cols > self.n_x and maximise and cost[self.n_x:].any():   # a leximin round
            return Result(r.value, r.bound + 0.5, False, r.values, "")
        return r
    monkeypatch.setattr(HighsPart, "solve", unproven)
    # the max-flow rounds (fair_flow.py) would prove this one-row network without a MIP
    from placement_planner.solver import fairness
    monkeypatch.setattr(fairness.FairFlow, "build", classmethod(lambda cls, hp: None))
    import datetime as dt
    mon = dt.date(2025, 9, 1)
    data = build_planning_data(
        sites=[dict(site_id="S", provider="P", ics="I", region="R")],
        capacity=[dict(site_id="S", profession="Physiotherapy", start_date=mon,
                       end_date=mon + dt.timedelta(weeks=4), places=4)],
        demand=[dict(demand_id=d, hei=h, profession="Physiotherapy", learners=n,
                     start_date=mon, weeks=2) for d, h, n in (("A", "U1", 2), ("B", "U2", 4))],
        week0=mon)
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
    assert plan.status is PlanStatus.FEASIBLE
    check_plan(data, plan)


class _DeafMip:
    """A MIP that takes ``seconds`` and never looks at its time limit or callbacks (as HiGHS
    in a long root cut separation); ``error``: it raises instead."""

    def __init__(self, seconds: float, error: Exception | None = None):
        self.seconds, self.error, self.ran = seconds, error, False

    def run(self):
        time.sleep(self.seconds)
        self.ran = True
        if self.error is not None:
            raise self.error


def test_a_mip_deaf_to_its_limit_is_left_to_stop_by_itself():
    from placement_planner.solver import engine
    left = [False]
    t0 = time.perf_counter()
    assert not engine._run_within(_DeafMip(3.0), t0 + 0.2, None, left)
    assert time.perf_counter() - t0 <= 0.2 + engine.MIP_GRACE_S + 0.5
    assert left[0]                      # its callback now only interrupts it
    cancel = Progress()
    cancel.cancel()
    t0 = time.perf_counter()
    assert not engine._run_within(_DeafMip(3.0), t0 + 60, cancel, [False])
    assert time.perf_counter() - t0 <= engine.MIP_GRACE_S + 0.5


def test_a_mip_that_finishes_in_time_is_waited_for_and_its_error_raised():
    from placement_planner.solver import engine
    mip = _DeafMip(0.3)
    assert engine._run_within(mip, time.perf_counter() + 5, None, [False]) and mip.ran
    with pytest.raises(MemoryError):
        engine._run_within(_DeafMip(0.0, MemoryError()), time.perf_counter() + 5, None, [False])
