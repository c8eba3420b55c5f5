"""The preferred tier proven by a relaxation bound and the travel LP
(tier_solve.PREFERRED_BY_TRAVEL, preferred_travel.preferred_bound and preferred_by_travel), the
travel MIP over the LP's columns skipped after a rounded plan (SKIP_RESTRICTED_TRAVEL) and the
travel LP from the slack basis (travel.TRAVEL_LP_COLD): each switched on and off, every tier is
the independent model's; the relaxation bound is never below the preferred optimum; both ways
out of the shortcut (proven, or back to the tier's LP) are reached."""

from __future__ import annotations

import numpy as np
import pytest

from lexicographic_reference import assert_agrees, reference_tiers
from placement_planner.domain import PlanStatus
from placement_planner.solver import SolveOptions, preferred_travel, solve, tier_solve, travel
from test_solver_travel_round import PREFERRED, TIGHT, tight_instance

CASES = PREFERRED + [(s, n) for s, n in TIGHT[:4]]


def exact_everywhere(monkeypatch) -> None:
    """Every part on the paths these switches change (they start at TRAVEL_EXACT_BELOW
    options), with the travel tier exact."""
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)


SWITCHES = {"BY_TRAVEL": (tier_solve, "PREFERRED_BY_TRAVEL"),
            "SKIP": (tier_solve, "SKIP_RESTRICTED_TRAVEL"),
            "COLD": (travel, "TRAVEL_LP_COLD")}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("off", [None, "BY_TRAVEL", "SKIP", "COLD", "ALL"])
def test_each_switch_on_and_off_gives_the_reference_tiers(monkeypatch, case, off):
    data = tight_instance(*case, preferred=True)
    exact_everywhere(monkeypatch)
    for name, (module, attr) in SWITCHES.items():
        if off in (name, "ALL"):
            monkeypatch.setattr(module, attr, False)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert_agrees(data, plan, reference_tiers(data))


def spy(monkeypatch):
    """Record each preferred_bound and preferred_by_travel answer."""
    seen = {"bound": [], "shortcut": []}
    real_bound, real_short = preferred_travel.preferred_bound, preferred_travel.preferred_by_travel

    def bound(hp, cost, deadline):
        b = real_bound(hp, cost, deadline)
        seen["bound"].append((b, float(cost @ hp.values)))
        return b

    def shortcut(hp, cost, deadline, progress):
        r = real_short(hp, cost, deadline, progress)
        seen["shortcut"].append(None if r is None else (r.value, r.bound, r.proven))
        return r
    monkeypatch.setattr(preferred_travel, "preferred_bound", bound)
    monkeypatch.setattr(preferred_travel, "preferred_by_travel", shortcut)
    return seen


@pytest.mark.parametrize("case", CASES)
def test_the_relaxation_bound_is_never_below_the_preferred_optimum(monkeypatch, case):
    data = tight_instance(*case, preferred=True)
    exact_everywhere(monkeypatch)
    seen = spy(monkeypatch)
    plan = solve(data, SolveOptions(time_limit_s=30))
    ref = reference_tiers(data)
    bounds = [b for b, _ in seen["bound"] if b is not None]
    assert bounds, "the bound was not computed"
    # one part per case here: its bound is a bound on the whole plan's preferred tier
    assert sum(bounds) >= ref["preferred"] - 1e-9
    assert plan.tier_values["preferred"] == ref["preferred"]
    for r in seen["shortcut"]:
        if r is not None and r[2]:           # called proven: the plan reaches the bound
            assert r[0] == pytest.approx(r[1])


def test_the_cases_reach_both_ways_out_of_the_shortcut(monkeypatch):
    """Some cases are proven by the bound and the travel LP's rounded vertex, and some go back
    to the tier's own LP (the bound is not reached there, or the rounding finds no plan)."""
    exact_everywhere(monkeypatch)
    seen = spy(monkeypatch)
    for case in CASES:
        solve(tight_instance(*case, preferred=True), SolveOptions(time_limit_s=30))
    proven = [r for r in seen["shortcut"] if r is not None and r[2]]
    back = [r for r in seen["shortcut"] if r is None]
    assert len(proven) >= 3 and len(back) >= 1


def test_no_shortcut_below_its_size_nor_on_parts_without_km(monkeypatch):
    """Below TRAVEL_EXACT_BELOW options (the default 5,000: every test case) the preferred tier
    is solved by its LP as before."""
    seen = spy(monkeypatch)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    data = tight_instance(*PREFERRED[0], preferred=True)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert plan.status is PlanStatus.OPTIMAL
    assert seen["shortcut"] == [None] and seen["bound"] == []


def test_a_failed_shortcut_frees_its_row_and_leaves_the_plan(monkeypatch):
    """When the bound is above what any plan reaches, the row preferred >= bound is made free
    and the incumbent is untouched: the tier then runs its LP and ends at the reference."""
    exact_everywhere(monkeypatch)
    real_bound = preferred_travel.preferred_bound
    freed = []
    monkeypatch.setattr(preferred_travel, "preferred_bound",
                        lambda hp, cost, deadline: real_bound(hp, cost, deadline) + 1.0)
    real_short = preferred_travel.preferred_by_travel

    def shortcut(hp, cost, deadline, progress):
        before, rows = hp.values.copy(), hp.n_rows
        r = real_short(hp, cost, deadline, progress)
        assert r is None
        assert np.array_equal(hp.values, before)
        freed.append(bool(np.all(np.isinf(hp.row_lo[rows:])) and np.all(np.isinf(hp.row_up[rows:]))))
        return r
    monkeypatch.setattr(preferred_travel, "preferred_by_travel", shortcut)
    for case in PREFERRED[:3]:
        data = tight_instance(*case, preferred=True)
        plan = solve(data, SolveOptions(time_limit_s=30))
        assert_agrees(data, plan, reference_tiers(data))
    assert freed and all(freed)


def test_the_tiers_keep_row_is_the_shortcuts_row(monkeypatch):
    """After the shortcut the tier's keep row (fixing.keep_at_least) sets the sides of the row
    preferred >= bound already in the model: no second, parallel row."""
    from placement_planner.solver import fixing
    exact_everywhere(monkeypatch)
    seen = []
    real_keep = fixing.keep_at_least

    def keep(hp, cost, value, maximise, exact=False):
        pending, rows = getattr(hp, "kept_row", None), hp.n_rows
        real_keep(hp, cost, value, maximise, exact)
        if pending is not None:
            seen.append((rows, hp.n_rows, hp.row_lo[pending[0]], hp.row_up[pending[0]], value))
    monkeypatch.setattr(fixing, "keep_at_least", keep)
    for case in CASES:
        data = tight_instance(*case, preferred=True)
        plan = solve(data, SolveOptions(time_limit_s=30))
        assert plan.status is PlanStatus.OPTIMAL
    assert len(seen) >= 3
    for before, after, lo, up, value in seen:
        assert after == before
        assert lo == pytest.approx(value - 1e-9 * max(1.0, value), abs=1e-12) and up == np.inf


def test_a_bound_out_of_time_is_no_bound_and_the_tier_runs_its_lp(monkeypatch):
    """The relaxation's MIP stopped by its time (as a hard one would be): no bound, no
    shortcut, and the tier's own LP gives the reference's tiers."""
    exact_everywhere(monkeypatch)
    real_mip = preferred_travel.restricted_mip
    stopped = []

    def mip(a, cost, col_lo, col_up, row_lo, *rest):
        if np.all(np.isinf(row_lo)) and rest[-2] == "preferred":    # the relaxation's MIP
            stopped.append(a.shape[1])
            return "time_limit", None
        return real_mip(a, cost, col_lo, col_up, row_lo, *rest)
    monkeypatch.setattr(preferred_travel, "restricted_mip", mip)
    seen = spy(monkeypatch)
    data = tight_instance(*PREFERRED[0], preferred=True)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert stopped and seen["bound"] and all(b is None for b, _ in seen["bound"])
    assert seen["shortcut"] and all(r is None for r in seen["shortcut"])
    assert_agrees(data, plan, reference_tiers(data))
