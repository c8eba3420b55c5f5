"""From learners per placement option back to the plan's rows: one per demand row, site,
setting pool and start week, with merged groups shared out to their demand rows. Journey rows
come from the learners' paths (solver/journeys.py), so the rows and the paths agree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.domain import ALLOCATION_COLUMNS, PlanningData, empty_allocations
from placement_planner.solver.problem import Problem, previous_options


def allocations(data: PlanningData, problem: Problem, x: np.ndarray,
                journeys=None) -> pd.DataFrame:
    """``journeys``: the JourneyPaths of the plan; its groups' rows come from the paths."""
    v = np.flatnonzero(x > 0.5)
    if journeys is not None and len(journeys.groups):
        v = v[~np.isin(problem.g[v], journeys.groups)]
    extra = (journeys.row, journeys.opt, journeys.n) if journeys is not None and \
        len(journeys.row) else None
    if not len(v) and extra is None:
        return empty_allocations()
    amount = np.round(x[v]).astype(np.int64)
    members = _members(problem)
    previous = _previous_by_row(data, problem)
    row_out, opt_out, n_out = ([a] for a in extra) if extra else ([], [], [])
    order = np.argsort(problem.g[v], kind="stable")
    v, amount = v[order], amount[order]
    bounds = np.flatnonzero(np.diff(problem.g[v])) + 1
    learners = data.demand["learners"].to_numpy(np.int64)
    for vs, ns in zip(np.split(v, bounds), np.split(amount, bounds)) if len(v) else ():
        rows = members[problem.g[vs[0]]]
        if len(rows) == 1:
            row_out.append(np.full(len(vs), rows[0]))
            opt_out.append(vs)
            n_out.append(ns)
            continue
        r, o, n = _share_out(rows, learners[rows].copy(), vs, ns.copy(), previous)
        row_out.append(r)
        opt_out.append(o)
        n_out.append(n)
    row, opt, n = (np.concatenate(a) for a in (row_out, opt_out, n_out))
    p = problem.p[opt]
    frame = pd.DataFrame({
        "demand_id": data.demand["demand_id"].astype(str).to_numpy()[row],
        "site_id": problem.sites.ids[problem.pools.site[p]],
        "setting": problem.pools.label[p],
        "start_week": problem.t[opt].astype(np.int64),
        "learners": n.astype(np.int64),
    })
    frame["locked"] = _is_locked(data, frame)
    frame = frame.groupby(["demand_id", "site_id", "setting", "start_week", "locked"],
                          as_index=False, sort=True)["learners"].sum()
    return frame[ALLOCATION_COLUMNS].reset_index(drop=True)


def _members(problem: Problem) -> list[np.ndarray]:
    of_row = problem.groups.of_row
    order = np.argsort(of_row, kind="stable")
    counts = np.bincount(of_row, minlength=len(problem.groups))
    return np.split(order, np.cumsum(counts)[:-1])


def _share_out(rows, room, vs, ns, previous):
    """Kept learners go back to the demand row that had them; the rest fill rows in order."""
    out_r, out_o, out_n = [], [], []
    for i, v in enumerate(vs):
        for j, r in enumerate(rows):
            k = min(ns[i], room[j], previous.get((int(r), int(v)), 0))
            if k > 0:
                out_r.append(r), out_o.append(v), out_n.append(k)
                ns[i] -= k
                room[j] -= k
    j = 0
    for i, v in enumerate(vs):
        while ns[i] > 0:
            while room[j] == 0:
                j += 1
            k = min(ns[i], room[j])
            out_r.append(rows[j]), out_o.append(v), out_n.append(k)
            ns[i] -= k
            room[j] -= k
    return np.array(out_r, np.int64), np.array(out_o, np.int64), np.array(out_n, np.int64)


def _previous_by_row(data: PlanningData, problem: Problem) -> dict:
    out: dict = {}
    for r, v, n in zip(*previous_options(data, problem)):
        out[(int(r), int(v))] = out.get((int(r), int(v)), 0) + int(n)
    return out


def _is_locked(data: PlanningData, frame: pd.DataFrame) -> np.ndarray:
    lk = data.locked
    if not len(lk):
        return np.zeros(len(frame), dtype=bool)
    any_pool = set(zip(lk["demand_id"].astype(str), lk["site_id"].astype(str)))
    return np.array([(d, s) in any_pool for d, s in zip(frame["demand_id"], frame["site_id"])],
                    dtype=bool)
