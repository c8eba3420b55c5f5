"""The fair hold in the tiers after leximin (solver/fixing.hold_fair_fills): when leximin's hold
is exact, the fill columns are held within it, rounded to whole learners, for preferred, keep
previous and travel. Checked on hand-built parts (the bounds, a tighter LP, a hold that is not
exact left alone) and against the independent lexicographic model (tests/lexicographic_reference.py)
with the hold on and off."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import numpy as np
import pytest

from feasibility import random_instance
from lexicographic_reference import assert_agrees, reference_tiers
from placement_planner.build import build_planning_data
from placement_planner.domain import Tier
from placement_planner.solver import SolveOptions, fixing, solve, tiers
from placement_planner.solver import run as run_mod
from placement_planner.solver.components import split_parts
from placement_planner.solver.model import build_part
from placement_planner.solver.problem import build_problem

MON = dt.date(2025, 9, 1)
HOME_A, HOME_B = (52.0, -1.0), (52.1, -1.1)
NEAR_A, NEAR_B = (52.01, -1.0), (52.11, -1.1)


class FakeHold:
    """Stands in for HighsPart: the fill columns' bounds and the incumbent's fills."""

    def __init__(self, req, fill, hold):
        n = len(req)
        self.model = SimpleNamespace(fair_requested=np.asarray(req))
        self.fair_hold = hold
        self.col_lo, self.col_up = np.zeros(n), np.ones(n)
        self.values = np.asarray(fill, float)

    def set_col_bounds(self, idx, lo, up):
        self.col_lo[idx], self.col_up[idx] = lo, up


def test_an_exact_hold_is_rounded_to_whole_learners():
    # groups of 3, 4 and 7 learners; the bottom (forced) at 1/3, the others at or above it
    req = np.array([3, 4, 7])
    fill = np.array([1 / 3, 2 / 4, 5 / 7])
    phi = np.arange(3)
    lo, up = np.array([1 / 3, 1 / 3, 1 / 3]), np.array([1 / 3, 1.0, 1.0])
    hp = FakeHold(req, fill, (phi, lo, up, True))
    assert fixing.hold_fair_fills(hp)
    # 1/3 of 4 learners is 1.33: at least 2 of 4; of 7 learners 2.33: at least 3 of 7
    assert np.allclose(hp.col_lo, [1 / 3, 2 / 4, 3 / 7])
    assert np.allclose(hp.col_up, [1 / 3, 1.0, 1.0])
    hp.set_col_bounds(phi, np.zeros(3), np.ones(3))
    assert fixing.hold_fair_fills(hp)          # once per part: not set again
    assert np.allclose(hp.col_lo, 0.0)


def test_a_bound_already_whole_is_not_moved_by_rounding_noise():
    req = np.array([83, 83])
    fill = np.array([82 / 83, 1.0])
    lo = np.array([82 / 83 * (1 + 1e-15), 82 / 83])
    hp = FakeHold(req, fill, (np.arange(2), lo, np.array([82 / 83, 1.0]), True))
    assert fixing.hold_fair_fills(hp)
    assert np.allclose(hp.col_lo * req, [82, 82]) and np.allclose(hp.col_up * req, [82, 83])


@pytest.mark.parametrize("hold", [None, "not exact"])
def test_a_hold_that_is_not_exact_is_never_kept(hold):
    req, fill = np.array([2, 2]), np.array([0.5, 1.0])
    h = None if hold is None else (np.arange(2), fill.copy(), fill.copy(), False)
    hp = FakeHold(req, fill, h)
    assert not fixing.hold_fair_fills(hp)
    assert np.allclose(hp.col_lo, 0.0) and np.allclose(hp.col_up, 1.0)


def _sites(base, extra):
    """Sites N_A (near A's home) and N_B (near B's home): ``base`` places a week in weeks 0-2
    and ``extra`` more in week 1 (so week 1's row is not the only one a stay uses)."""
    rows = [("NA", NEAR_A), ("NB", NEAR_B)]
    sites = [dict(site_id=s, provider="P", ics="I", region="R", latitude=xy[0], longitude=xy[1])
             for s, xy in rows]
    capacity = []
    for (s, _), b, e in zip(rows, base, extra):
        capacity.append(dict(site_id=s, profession="Physiotherapy", start_date=MON,
                             end_date=MON + dt.timedelta(weeks=2), places=b))
        capacity.append(dict(site_id=s, profession="Physiotherapy",
                             start_date=MON + dt.timedelta(weeks=1),
                             end_date=MON + dt.timedelta(weeks=1), places=e))
    return sites, capacity


def _demand(learners_a, learners_b):
    """A (U1, home A): 2 weeks from week 0 or 1; B (U2, home B): weeks 1-2. Every stay has
    week 1."""
    a = dict(hei="U1", profession="Physiotherapy", weeks=2, latitude=HOME_A[0],
             longitude=HOME_A[1])
    return [dict(a, demand_id="A", learners=learners_a, start_date=MON + dt.timedelta(weeks=1),
                 flex_weeks=1),
            dict(a, demand_id="B", hei="U2", learners=learners_b, latitude=HOME_B[0],
                 longitude=HOME_B[1], start_date=MON + dt.timedelta(weeks=1))]


def forced_case():
    """U1 asks for 3 learners, U2 for 4; 5 places in week 1, so 5 placed. Leximin: U1 2/3,
    U2 3/4 (the only way to the best smallest fill), forced: only U1 can be at 2/3 and only U2
    at 3/4. Without the hold the later tiers' LP may move a fraction of a learner between them
    (U1 at 0.75, U2 at 0.6875 keeps every leximin row), and travel wants U1 at N_A."""
    sites, capacity = _sites((2, 1), (1, 1))
    return build_planning_data(sites=sites, capacity=capacity, demand=_demand(3, 4), week0=MON)


def ambiguous_case():
    """U1 and U2 ask for 2 learners each, 3 places in week 1: one of them is at 1/2, either one
    (two bottom cases), so leximin's hold is not exact and must not be kept."""
    sites, capacity = _sites((1, 1), (1, 0))
    return build_planning_data(sites=sites, capacity=capacity, demand=_demand(2, 2), week0=MON)


def _after_leximin(data):
    """The part's HighsPart after tiers 1-2 and the preferred tier."""
    problem = build_problem(data)
    parts = split_parts(problem.g, problem.p, problem.groups.fair, len(problem.groups),
                        len(problem.pools), len(problem.groups.fair_keys), problem.groups.journey)
    assert len(parts) == 1
    state = run_mod.begin_part(build_part(problem, parts[0], None), time.perf_counter() + 30)
    run_mod.run_tiers(state, (Tier.PLACED, Tier.FAIR_SHARE), time.perf_counter() + 30, None)
    return state.hp


def _travel_lp(hp) -> float:
    cost, _, _ = tiers.OBJECTIVES[Tier.TRAVEL](hp)
    hp.solve(cost, False, deadline=time.perf_counter() + 30, lp_only=True)
    x = np.zeros(hp.n_cols)
    x[hp.lp_cols] = hp.lp.x()
    return float(cost @ x)


def test_the_forced_case_is_held_and_its_lp_is_tighter(monkeypatch):
    data = forced_case()
    monkeypatch.setattr(tiers, "HOLD_FAIR", False)
    free = _after_leximin(data)
    assert not free.network                  # multi-week stays: the hold was never used here
    assert free.fair_hold is not None and free.fair_hold[3]
    lp_free = _travel_lp(free)
    monkeypatch.setattr(tiers, "HOLD_FAIR", True)
    held = _after_leximin(data)
    lp_held = _travel_lp(held)
    phi = held.fair_hold[0]
    req = held.model.fair_requested
    assert getattr(held, "fair_held", False)
    # the fills held at whole learners: U1 at 2 of 3, U2 at 3 of 4
    assert np.allclose(np.sort(held.col_lo[phi] * req), [2, 3])
    assert np.allclose(np.sort(held.col_up[phi] * req), [2, 3])
    assert lp_held > lp_free + 1e-6          # the rounding lifts the LP bound
    best = reference_tiers(data)["travel"]
    assert lp_held <= best + 1e-6            # and it is still a bound
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert_agrees(data, plan, reference_tiers(data))


def test_the_ambiguous_case_is_not_held_and_agrees_with_the_reference():
    data = ambiguous_case()
    hp = _after_leximin(data)
    assert hp.fair_hold is not None and not hp.fair_hold[3]
    _travel_lp(hp)
    phi = hp.fair_hold[0]
    assert not getattr(hp, "fair_held", False)
    assert np.allclose(hp.col_lo[phi], 0.0) and np.allclose(hp.col_up[phi], 1.0)
    assert_agrees(data, solve(data, SolveOptions(time_limit_s=30)), reference_tiers(data))


def _spy_on_the_hold(monkeypatch) -> list:
    """Each call of the hold in the tiers after leximin, with whether it held (the list)."""
    held = []
    real = fixing.hold_fair_fills

    def spy(hp):
        got = real(hp)
        held.append(got)
        return got

    monkeypatch.setattr(tiers, "hold_fair_fills", spy)
    return held


@pytest.mark.parametrize("seed", range(320, 332))
def test_random_instances_hold_on_and_off_agree_with_the_reference(monkeypatch, seed):
    """Every tier's optimum is the reference's with the hold on and off (the hold removes no
    plan the later tiers could want)."""
    data = random_instance(seed, n_sites=8, n_demand=14, n_weeks=14, locked=True)
    ref = reference_tiers(data)
    held = _spy_on_the_hold(monkeypatch)
    for on in (True, False):
        monkeypatch.setattr(tiers, "HOLD_FAIR", on)
        held.clear()
        assert_agrees(data, solve(data, SolveOptions(time_limit_s=30)), ref)
        if not on:
            assert not held                  # switched off: never called


def test_some_random_instances_are_held(monkeypatch):
    """The random cases above reach the hold: at least one of them holds its fills."""
    held = _spy_on_the_hold(monkeypatch)
    for seed in range(320, 332):
        solve(random_instance(seed, n_sites=8, n_demand=14, n_weeks=14, locked=True),
              SolveOptions(time_limit_s=30))
    assert any(held) and not all(held)
