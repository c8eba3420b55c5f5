"""An independent model of the contract's default tier order, for cross-checks: tier 1, exact
leximin by Ogryczak's ordered sums (one MILP per round, each round kept), preferred sites and
learner-km — every week a capacity row, locks as rows, solved by HiGHS through scipy. Written
from the contract, sharing nothing with the solver but the test helpers in feasibility.py."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, lil_matrix, vstack

from feasibility import eligible_starts, km, offered, sorted_fills


def reference_tiers(data, time_limit: float = 120.0) -> dict:
    """{"placed", "fair_share" (sorted fills), "preferred", "travel"} of the best plan."""
    pools, weights = offered(data), data.weights()
    learners = data.demand["learners"].to_numpy()
    cols = []
    for i, d in enumerate(data.demand.itertuples()):
        for pool, _, t in eligible_starts(data, d, pools):
            s = data.sites.loc[pool[0]]
            dist = 0.0 if np.isnan(d.latitude) else km(d.latitude, d.longitude, s.latitude, s.longitude)
            cols.append((i, pool, t, int(d.weeks), weights[i], float(pool[0] in set(d.preferred_sites)), dist))
    n = len(cols)
    index: dict = {}
    a = lil_matrix((0, n))
    entries = []
    for j, (i, pool, t, n_weeks, *_) in enumerate(cols):
        entries.append((index.setdefault(("d", i), len(index)), j))
        for w in range(t, t + n_weeks):
            entries.append((index.setdefault(("c", pool, w), len(index)), j))
    a = lil_matrix((len(index), n))
    for r, j in entries:
        a[r, j] = 1.0
    upper = np.array([learners[k[1]] if k[0] == "d" else pools[k[1]].get(k[2], 0) for k in index])
    blocks, lo, hi = [a.tocsr()], [np.full(len(index), -np.inf)], [upper.astype(float)]
    ids = data.demand["demand_id"].astype(str).tolist()
    for lk in data.locked.itertuples():
        i = ids.index(str(lk.demand_id))
        row = [1.0 if c[0] == i and c[1][0] == lk.site_id and (not lk.setting or c[1][2] == lk.setting)
               else 0.0 for c in cols]
        blocks.append(csr_matrix(np.array([row])))
        lo.append(np.array([float(lk.learners)]))
        hi.append(np.array([np.inf]))
    key = list(zip(data.demand["hei"], data.demand["profession"]))
    groups = sorted(set(key))
    g_of = {g: k for k, g in enumerate(groups)}
    req = np.zeros(len(groups))
    for i, g in enumerate(key):
        req[g_of[g]] += learners[i]
    fill = lil_matrix((len(groups), n))
    for j, c in enumerate(cols):
        g = g_of[key[c[0]]]
        fill[g, j] = 1.0 / req[g]
    fill = fill.tocsr()
    width = [n]
    integral, col_lo, col_up = [np.ones(n)], [np.zeros(n)], [np.full(n, np.inf)]

    def matrix():
        return vstack([hstack([b, csr_matrix((b.shape[0], width[0] - b.shape[1]))]) if b.shape[1] < width[0]
                       else b for b in blocks]).tocsr()

    def best(objective, maximise):
        c = np.zeros(width[0])
        c[:len(objective)] = objective
        res = milp(-c if maximise else c, constraints=LinearConstraint(matrix(), np.concatenate(lo), np.concatenate(hi)),
                   integrality=np.concatenate(integral), bounds=Bounds(np.concatenate(col_lo), np.concatenate(col_up)),
                   options={"time_limit": time_limit, "mip_rel_gap": 0.0})
        assert res.status == 0, res.message
        value = float(c @ res.x)
        slack = 1e-7 * max(1.0, abs(value))
        blocks.append(csr_matrix(c.reshape(1, -1)))
        lo.append(np.array([value - slack if maximise else -np.inf]))
        hi.append(np.array([np.inf if maximise else value + slack]))
        return value, res.x

    out = {"placed": best(np.array([c[4] for c in cols]), True)[0]}
    s_prev, sums = 0.0, []
    for k in range(1, len(groups) + 1):        # S_k = max k t - sum_f d_f, d_f >= t - fill_f
        base = width[0]
        width[0] += 1 + len(groups)
        integral.append(np.zeros(1 + len(groups)))
        col_lo.append(np.r_[-np.inf, np.zeros(len(groups))])
        col_up.append(np.full(1 + len(groups), np.inf))
        rows = lil_matrix((len(groups), width[0]))
        rows[:, :n] = fill
        for f in range(len(groups)):
            rows[f, base] = -1.0
            rows[f, base + 1 + f] = 1.0
        blocks.append(rows.tocsr())
        lo.append(np.zeros(len(groups)))
        hi.append(np.full(len(groups), np.inf))
        objective = np.zeros(width[0])
        objective[base], objective[base + 1:] = k, -1.0
        s_k, x = best(objective, True)
        sums.append(s_k)
        if s_k - s_prev >= 1.0 - 1e-9:         # the k-th smallest fill is 1: so are the rest
            break
        s_prev = s_k
    out["fair_share"] = np.sort(fill @ x[:n])
    out["preferred"] = best(np.array([c[5] for c in cols]), True)[0]
    out["travel"] = best(np.array([c[6] for c in cols]), False)[0]
    return out


def assert_agrees(data, plan, ref) -> None:
    """The plan keeps every rule, is proven optimal, and has the reference's value of every
    default tier (placed, every fill rate, preferred, learner-km)."""
    import pytest
    from feasibility import check_plan
    from placement_planner.domain import PlanStatus
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["placed"] == pytest.approx(ref["placed"], abs=1e-6)
    assert np.allclose(sorted_fills(data, plan), ref["fair_share"], atol=1e-6)
    assert plan.tier_values["preferred"] == pytest.approx(ref["preferred"], abs=1e-6)
    assert plan.tier_values["travel"] == pytest.approx(ref["travel"], rel=1e-6, abs=1e-3)
