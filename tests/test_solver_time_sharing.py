"""The time a finished part leaves is handed to parts that ran out of their own share."""

import time
from types import SimpleNamespace

import numpy as np
import pytest

from placement_planner.domain import Tier
from placement_planner.solver import run as run_mod


def _models(sizes):
    return [SimpleNamespace(name=i, rows=SimpleNamespace(row=np.zeros(s)), ub=np.zeros(s))
            for i, s in enumerate(sizes)]


def _fake(needs, monkeypatch):
    """A part proves every tier only when one call gives it at least needs[name] seconds; else
    it spends all it was given and stops at its deadline. Patches the first pass (begin_part,
    run_tiers) and the second runs (solve_part) alike."""
    calls = []

    def attempt(model, deadline):
        given = deadline - time.perf_counter()
        calls.append((model.name, given))
        ok = given >= needs[model.name]
        if not ok:
            time.sleep(max(0.0, given))
        return run_mod.PartResult(x=np.zeros(1), proven=ok, stopped="" if ok else "time_limit")

    def run_tiers(state, tiers, deadline, progress, upto=None):
        state.res = attempt(state.model, deadline)
        state.done = len(tiers) if state.res.proven else 0
        return state.res

    monkeypatch.setattr(run_mod, "begin_part", lambda model, deadline: SimpleNamespace(
        model=model, res=None, done=0, proven_before=True))
    monkeypatch.setattr(run_mod, "run_tiers", run_tiers)
    monkeypatch.setattr(run_mod, "solve_part", lambda model, tiers, deadline, progress: attempt(model, deadline))
    return calls


def test_a_part_short_of_its_share_gets_the_time_left(monkeypatch):
    # one worker: part 0's share is a quarter of the time but it needs 2 s; part 1 finishes at
    # once, so part 0 is solved again with the time part 1 left
    calls = _fake({0: 2.0, 1: 0.0}, monkeypatch)
    deadline = time.perf_counter() + 5.0
    out = run_mod.solve_parts(_models([1000, 3000]), (Tier.PLACED,), deadline, 1, None)
    assert [r.proven for r in out] == [True, True]
    assert [r.stopped for r in out] == ["", ""]
    assert [c[0] for c in calls][:2] == [0, 1] and calls[0][1] < 2.0
    assert [c[0] for c in calls][2:] in ([0], [0, 0])   # part 0 went on with more time


def test_a_second_run_that_does_not_prove_keeps_time_limit(monkeypatch):
    calls = _fake({0: 99.0, 1: 0.0}, monkeypatch)
    deadline = time.perf_counter() + 3.0
    out = run_mod.solve_parts(_models([1000, 3000]), (Tier.PLACED,), deadline, 1, None)
    assert out[0].stopped == "time_limit" and not out[0].proven
    assert [c[0] for c in calls][:2] == [0, 1] and set(c[0] for c in calls[2:]) == {0}
    assert calls[0][1] < 2.0 and all(c[1] <= 3.0 for c in calls)   # never past the deadline
    assert time.perf_counter() <= deadline + 0.5


def test_no_second_run_without_time_left(monkeypatch):
    _fake({0: 99.0, 1: 0.0}, monkeypatch)
    deadline = time.perf_counter() + run_mod.RETRY_MIN_S * 1.5
    out = run_mod.solve_parts(_models([1000, 1000]), (Tier.PLACED,), deadline, 1, None)
    assert out[0].stopped == "time_limit"
    assert time.perf_counter() <= deadline + 0.5


def _result(placed, bound, proven=False, stopped="time_limit", **kw):
    return run_mod.PartResult(x=np.zeros(1), placed=placed, bound=bound, proven=proven,
                              stopped=stopped, lp_bound=True, **kw)


def test_a_second_run_that_places_more_is_kept_even_unproven():
    """Tier 1 comes first: a retry that lifts a part from its greedy plan is kept, with the
    tighter of the two (valid) bounds, and the part stays unproven."""
    first = _result(8394.0, 8915.0)
    again = _result(8914.5, 8940.0)
    kept = run_mod._better_run(first, again)
    assert kept is again and kept.placed == 8914.5
    assert kept.bound == 8915.0 and not kept.proven


def test_a_second_run_that_places_less_or_has_trouble_is_dropped():
    first = _result(100.0, 110.0)
    assert run_mod._better_run(first, _result(99.0, 105.0)) is first
    assert run_mod._better_run(first, _result(100.0, 105.0)) is first      # a tie keeps the first
    assert run_mod._better_run(first, _result(105.0, 105.0, trouble={"placed": "numerical"})) is first
    assert run_mod._better_run(first, _result(105.0, 105.0, infeasible=True)) is first


def test_a_second_run_that_proves_every_tier_replaces_the_first():
    first = _result(100.0, 100.0)
    again = _result(100.0, 100.0, proven=True, stopped="")
    assert run_mod._better_run(first, again) is again


def test_a_part_stopped_in_a_lower_tier_goes_on_from_there(monkeypatch):
    """Its second run keeps the tiers it finished (they are not solved again) and carries on
    with the tier its share stopped; the part ends proven."""
    tiers = (Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED, Tier.TRAVEL)
    # part 0 is the larger, so it runs first with 3/4 of the time (3.75 s of 5): preferred and
    # travel need 4 s, so its share stops it in travel, and the 1.25 s left is enough for travel
    need = {Tier.PLACED: 0.0, Tier.FAIR_SHARE: 0.0, Tier.PREFERRED: 3.0, Tier.TRAVEL: 1.0}
    starts = []

    def run_tiers(state, tiers, deadline, progress, upto=None):
        if state.res is None:
            state.res = run_mod.PartResult(x=np.zeros(1))
        res = state.res
        for k in range(state.done, len(tiers) if upto is None else upto):
            starts.append((state.model.name, tiers[k]))
            state.proven_before = res.proven
            cost = need[tiers[k]] if state.model.name == 0 else 0.0
            if time.perf_counter() + cost > deadline:
                time.sleep(max(0.0, deadline - time.perf_counter()))
                res.stopped, res.proven = "time_limit", False
                return res
            time.sleep(cost)
            state.done += 1
        return res

    monkeypatch.setattr(run_mod, "begin_part", lambda model, deadline: run_mod.PartState(
        model, None, None, np.zeros(1)))
    monkeypatch.setattr(run_mod, "run_tiers", run_tiers)
    monkeypatch.setattr(run_mod, "solve_part", lambda *a: pytest.fail("restarted from scratch"))
    deadline = time.perf_counter() + 5.0
    out = run_mod.solve_parts(_models([3000, 1000]), tiers, deadline, 1, None)
    assert [(r.proven, r.stopped) for r in out] == [(True, ""), (True, "")]
    part0 = [t for name, t in starts if name == 0]
    # first pass: tier 1; second pass: fair share, preferred, travel (stopped by its share);
    # then travel again, and nothing before it
    assert part0 == [Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED, Tier.TRAVEL, Tier.TRAVEL]


def test_which_stopped_parts_go_on_where_they_stopped():
    """Not one stopped in leximin (it keeps its rounds as rows as it goes), nor one with a tier
    before the stop not proven, nor one with solver trouble: their second run is a new solve."""
    state = run_mod.PartState(SimpleNamespace(ub=np.zeros(10)), None,
                              run_mod.PartResult(x=np.zeros(1), stopped="time_limit"),
                              np.zeros(1), done=1)
    tiers = (Tier.PLACED, Tier.FAIR_SHARE, Tier.TRAVEL)
    assert not run_mod._resumable(state, tiers)
    state.done = 2
    assert run_mod._resumable(state, tiers)
    state.proven_before = False        # a tier before it was not proven: start again
    assert not run_mod._resumable(state, tiers)
    state.proven_before = True
    state.res.trouble = {"travel": "numerical"}
    assert not run_mod._resumable(state, tiers)


def test_the_queue_starts_a_parts_lower_tiers_as_soon_as_its_tier_1_is_done():
    """No worker waits at the end of the first pass: once every tier 1 has started, a free
    worker takes the lower tiers of a part whose tier 1 is done, the most work first."""
    q = run_mod._Queue([2, 0, 1], set(), np.array([10.0, 30.0, 5.0]))
    assert q.take() == (False, 2) and q.take() == (False, 0)
    q.first_done(2, 5.0)
    assert q.take() == (False, 1)          # the first pass comes first
    q.first_done(1, 300.0)
    assert not q.all_first_done()          # part 0's tier 1 still runs
    assert q.take() == (True, 1)           # most work expected, though not the largest part
    assert q.take() == (True, 2)           # part 0 is not ready: the next ready part
    q.first_done(0, 30.0)
    assert q.all_first_done()
    assert q.take() == (True, 0)
    assert q.take() is None


def test_the_queue_waits_while_a_pdlp_tier_1_runs():
    """PDLP holds the GIL: no lower tier starts beside it (it would spend its share waiting)."""
    import threading
    q = run_mod._Queue([1, 0], {0}, np.array([10.0, 5.0]))
    assert q.take() == (False, 1)
    assert q.take() == (False, 0)          # the PDLP part's tier 1 runs
    q.first_done(1, 5.0)
    got = []
    t = threading.Thread(target=lambda: got.append(q.take()))
    t.start()
    t.join(0.3)
    assert t.is_alive() and not got        # part 1 is ready, but PDLP runs
    q.first_done(0, 10.0)
    t.join(5.0)
    assert got == [(True, 0)]              # then the most work first
    assert q.take() == (True, 1) and q.take() is None


def test_lower_work_counts_the_groups_tier_1_left_below_full():
    model = SimpleNamespace(fair=np.array([0, 0, 1, 2]), fair_ids=np.arange(3),
                            fair_requested=np.array([2, 3, 1]))
    hp = SimpleNamespace(values=np.array([1.0, 1.0, 2.0, 0.0, 9.0]), n_x=4)
    state = SimpleNamespace(hp=hp)
    # group 0 full (2 of 2), group 1 at 2 of 3, group 2 at 0 of 1: two below full
    assert run_mod._lower_work(model, state, 100.0) == 300.0
    hp.values[:4] = [1.0, 1.0, 3.0, 1.0]
    assert run_mod._lower_work(model, state, 100.0) == 100.0
    assert run_mod._lower_work(model, None, 100.0) == 100.0
