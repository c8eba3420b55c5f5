"""The travel tier (solver/travel.py): exact on small parts, proven to TRAVEL_REL_GAP on big ones
with the km and the proven bound on Plan.messages, and never "optimal" when stopped. Cross-checked
against the independent lexicographic model (tests/lexicographic_reference.py)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import numpy as np
import pytest

from feasibility import check_plan, km, random_instance
from lexicographic_reference import reference_tiers
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus
from placement_planner.solver import SolveOptions, solve
from placement_planner.solver import run as run_mod
from placement_planner.solver import travel
from placement_planner.solver.highs_part import Result

MON = dt.date(2025, 9, 1)
HOME = (52.0, -1.0)
NEAR, FAR = (52.05, -1.0), (52.2, -1.0)


def gap_case():
    """An integrality gap. Site N (near) has 1 place a week in weeks 0-3; site F (far) plenty.
    A (1 learner, 2 weeks, start 0 with 2 weeks' flex) and B (1 learner, weeks 1-2) cannot both
    be at N: every start of A overlaps B. The best plan has one at N, one at F: dN + dF. The LP
    puts B half at N and A half at weeks 0-1, half at weeks 2-3: 1.5 dN + 0.5 dF."""
    sites = [dict(site_id="N", provider="P", ics="I", region="R", latitude=NEAR[0], longitude=NEAR[1]),
             dict(site_id="F", provider="P", ics="I", region="R", latitude=FAR[0], longitude=FAR[1])]
    capacity = [dict(site_id="N", profession="Physiotherapy", start_date=MON,
                     end_date=MON + dt.timedelta(weeks=3), places=1),
                dict(site_id="F", profession="Physiotherapy", start_date=MON,
                     end_date=MON + dt.timedelta(weeks=6), places=5)]
    common = dict(hei="U1", profession="Physiotherapy", learners=1, weeks=2, latitude=HOME[0],
                  longitude=HOME[1])
    demand = [dict(common, demand_id="A", start_date=MON, flex_weeks=2),
              dict(common, demand_id="B", start_date=MON + dt.timedelta(weeks=1))]
    data = build_planning_data(sites=sites, capacity=capacity, demand=demand, week0=MON)
    d_n, d_f = km(*HOME, *NEAR), km(*HOME, *FAR)
    return data, d_n + d_f, 1.5 * d_n + 0.5 * d_f


def _travel_message(plan) -> str | None:
    return next((m for m in plan.messages if m.startswith("Learner-km")), None)


def test_gap_case_is_exact_by_default_and_matches_the_reference():
    data, best, _ = gap_case()
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["travel"] == pytest.approx(best, rel=1e-9)
    assert plan.tier_values["travel"] == pytest.approx(reference_tiers(data)["travel"], rel=1e-7)
    assert _travel_message(plan) is None          # a small part: proven exactly, nothing to say


def test_within_the_tolerance_the_plan_says_km_and_bound(monkeypatch):
    data, best, lp = gap_case()
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)     # treat the part as a big one
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 1.0)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL            # proven, to the tolerance
    km_plan = plan.tier_values["travel"]
    assert best - 1e-6 <= km_plan <= 2.0 * lp           # never below the optimum, within 100 %
    message = _travel_message(plan)
    assert message is not None
    got = re.match(r"Learner-km ([\d,.]+) is within ([\d.]+) % of the least possible "
                   r"\(bound ([\d,.]+)\)", message)
    assert got, message
    assert float(got[1].replace(",", "")) == pytest.approx(km_plan, abs=0.05)
    assert float(got[3].replace(",", "")) == pytest.approx(lp, abs=0.05)    # the LP bound
    assert float(got[2]) == pytest.approx(100 * (km_plan - lp) / lp, abs=1e-3)
    assert "1 of 1 parts" in message and "100 %" in message


def test_a_zero_tolerance_is_exact_on_the_big_part_path(monkeypatch):
    data, best, _ = gap_case()
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["travel"] == pytest.approx(best, rel=1e-9)
    assert _travel_message(plan) is None


@pytest.mark.parametrize("seed", range(310, 316))
@pytest.mark.parametrize("gap", [0.0, 1e-3])
def test_random_instances_against_the_reference(monkeypatch, seed, gap):
    """Every part on the tolerance path: gap 0 gives the reference's optimum; 1e-3 gives a km
    at or above it and within 0.1 % of it, and a stated bound at or below it."""
    data = random_instance(seed, n_sites=8, n_demand=14, n_weeks=14, locked=True)
    ref = reference_tiers(data)["travel"]
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", gap)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    got = plan.tier_values["travel"]
    if gap == 0:
        assert got == pytest.approx(ref, rel=1e-6, abs=1e-3)
        assert _travel_message(plan) is None
        return
    assert ref - 1e-6 * max(1.0, ref) <= got <= ref + gap * max(1.0, ref) + 1e-6
    message = _travel_message(plan)
    if message is not None:
        bound = float(re.search(r"\(bound ([\d,.]+)\)", message)[1].replace(",", ""))
        assert bound <= ref + 0.05


class FakePart:
    """Stands in for HighsPart: answers each solve with the next prepared Result."""

    def __init__(self, n_x: int, *answers: Result) -> None:
        self.n_x, self.answers, self.snaps = n_x, list(answers), []

    def solve(self, cost, maximise, **kw):
        self.snaps.append(kw.get("snap"))
        return self.answers.pop(0)

    def _activate(self, cols) -> None:      # every option into the LP (travel.ALL_COLUMNS_UPTO)
        self.active = len(cols)


def _r(value, bound, proven, stopped=""):
    return Result(value, bound, proven, np.zeros(1), stopped)


@pytest.mark.parametrize("n_x", [10, 10**6])
def test_a_stopped_travel_tier_is_never_proven(n_x):
    hp = FakePart(n_x, _r(100.0, 99.99, False, "time_limit"))
    r, (value, bound) = travel.solve_travel(hp, np.zeros(1), 0.0, rel_gap=0.5)
    assert not r.proven and r.stopped == "time_limit"
    assert value == 100.0 and np.isnan(bound)


def test_a_gap_left_is_not_proven():
    hp = FakePart(10**6, _r(110.0, 100.0, False))
    r, (_, bound) = travel.solve_travel(hp, np.zeros(1), 0.0, rel_gap=0.05)
    assert not r.proven and np.isnan(bound)


def test_the_tolerance_is_a_snap_and_the_bound_is_unsnapped():
    """HighsPart reports the snapped bound b (1 + tol); the plan gets b back."""
    hp = FakePart(10**6, _r(100.04, 100.0 * (1 + 5e-4), True))
    r, (value, bound) = travel.solve_travel(hp, np.zeros(1), 0.0, rel_gap=5e-4)
    assert r.proven and value == 100.04 and bound == pytest.approx(100.0, rel=1e-12)
    snap = hp.snaps[0]
    assert snap(1000.0) == pytest.approx(1000.5) and snap(0.0) == pytest.approx(5e-4)
    hp = FakePart(10, _r(100.0, 100.0, True))         # a small part: exact, no snap
    r, figures = travel.solve_travel(hp, np.zeros(1), 0.0, rel_gap=5e-4)
    assert hp.snaps == [None] and figures == (100.0, 100.0)


def test_messages_only_for_a_tolerance_and_only_with_every_bound():
    part = lambda v, b: SimpleNamespace(travel=(v, b))
    assert travel.travel_messages([part(10.0, 10.0), SimpleNamespace(travel=None)]) == []
    # a part whose travel tier never ran: the km would not be the plan's
    assert travel.travel_messages([part(10.0, 9.0), SimpleNamespace(travel=None)]) == []
    assert travel.travel_messages([SimpleNamespace(travel=None)]) == []
    assert travel.travel_messages([part(10.0, 9.0), part(5.0, float("nan"))]) == []
    [m] = travel.travel_messages([part(1010.0, 1000.0), part(20.0, 20.0)])
    assert m.startswith("Learner-km 1,030.0 is within 0.980 % of the least possible "
                        "(bound 1,020.0)")
    assert "in 1 of 2 parts" in m


def test_a_plan_whose_travel_tier_stopped_is_not_optimal(monkeypatch):
    data, _, _ = gap_case()
    real = run_mod.solve_travel

    def stopped(hp, cost, deadline, progress=None):
        r, _ = real(hp, cost, deadline, progress)
        return Result(r.value, r.bound, False, r.values, "time_limit"), (r.value, float("nan"))
    monkeypatch.setattr(run_mod, "solve_travel", stopped)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is not PlanStatus.OPTIMAL
    assert _travel_message(plan) is None
