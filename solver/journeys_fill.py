"""A quick first plan for journeys: whole learners' paths, never half a journey.

The plain greedy fill (greedy.py) cannot place a journey (one learner more in one row breaks
the journey's equal-rows row), so without this the first plan of a part leaves every journey
out and the MIP has to find them all. Here each journey class, highest weight and fewest
options first, takes batches of learners on one path: one option per row, each required
setting given by one of the rows, other rows in the setting with the most places left and at sites
the path has not used yet, each option where the most places stay free (nearest first among
equals). A class first keeps its learners of
the plan to start from (``SolveOptions.start_from``) when they still fit as they are. It only
adds whole paths to the given plan, so every row the plan keeps stays kept.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from placement_planner.solver.model import PartModel

TOP = 6                # best options per row and setting a path is chosen from


def journey_fill(a, row_up: np.ndarray, model: PartModel, values: np.ndarray,
                 deadline: float = float("inf")) -> np.ndarray:
    """``values`` plus whole journey paths, within every capacity and demand row."""
    if not model.journeys:
        return values
    n = len(model.ub)
    x = np.array(values, dtype=float)
    kind = model.rows.kind
    cap = np.flatnonzero(kind == "capacity")
    dem = np.flatnonzero(kind == "demand")
    a = a[:, :n].tocsr()
    a_cap = a[cap].tocsc()
    resid = row_up[cap] - a_cap @ x[:n]
    demand_left = row_up[dem] - a[dem] @ x[:n]
    demand_of = np.full(n, -1, dtype=np.int64)
    d_coo = a[dem].tocoo()
    demand_of[d_coo.col] = d_coo.row
    weight = model.weight
    order = sorted(range(len(model.journeys)), key=lambda j: (
        -float(weight[model.journeys[j].by_pos[0][0]]),
        sum(len(c) for c in model.journeys[j].by_pos)))
    for done, j in enumerate(order):
        if done % 64 == 63 and time.perf_counter() > deadline:
            break                   # like the greedy fill: some classes even past the limit
        jc = model.journeys[j]
        every = np.concatenate(jc.by_pos)
        pos = np.repeat(np.arange(len(jc.by_pos)), [len(c) for c in jc.by_pos])
        sub = a_cap[:, every]
        km = model.km[every]
        if model.start is not None and np.any(model.start[every] > 0):
            # the plan to start from keeps its learners of this class when they still fit
            add = np.floor(model.start[every] + 1e-9)
            per_row = np.bincount(pos, weights=add, minlength=len(jc.by_pos))
            use = sub @ add
            if np.all(per_row == per_row[0]) and per_row[0] <= min(
                    demand_left[demand_of[c[0]]] for c in jc.by_pos) and \
                    all(add[jc.setting == s].sum() >= per_row[0] for s in jc.required) and \
                    np.all(use <= resid + 1e-9) and np.all(x[every] + add <= model.ub[every]):
                x[every] += add
                resid -= use
                for c in jc.by_pos:
                    demand_left[demand_of[c[0]]] -= per_row[0]
        while True:
            left = min(demand_left[demand_of[c[0]]] for c in jc.by_pos)
            if left < 1:
                break
            room = _room(sub, resid, model.ub[every] - x[every])
            path = _best_path(room, pos, km, jc, len(jc.by_pos))
            if path is None:
                break
            cols = every[path]
            use = np.asarray(a_cap[:, cols].sum(axis=1)).ravel()
            hit = use > 0
            batch = min(left, float(np.min(room[path])),
                        float(np.min(np.floor(resid[hit] / use[hit] + 1e-9))) if hit.any() else left)
            batch = np.floor(batch + 1e-9)
            if batch < 1:
                break
            x[cols] += batch
            resid -= batch * use
            for c in jc.by_pos:
                demand_left[demand_of[c[0]]] -= batch
    out = np.array(values, dtype=float)
    out[:n] = x[:n]
    return out


def _room(sub, resid: np.ndarray, col_left: np.ndarray) -> np.ndarray:
    """Learners each column could still take (capacity rows and its own bound)."""
    room = np.minimum(col_left, np.inf)
    csc = sub.tocsc()
    has = np.diff(csc.indptr) > 0
    if has.any():
        starts = csc.indptr[:-1][has]
        mins = np.minimum.reduceat(resid[csc.indices] / csc.data, starts)
        room[has] = np.minimum(room[has], mins)
    return np.floor(np.maximum(room, 0) + 1e-9)


def _best_path(room, pos, km, jc, k: int):
    """Indices (into the class's columns) of one option per row: the path taking the most
    learners, then the fewest repeated sites, then the fewest km; None when no path has room."""
    ok = room >= 1
    if not all(np.any(ok & (pos == i)) for i in range(k)):
        return None
    rank = np.lexsort((km, -room))
    # rows that give no required setting take the setting with the most places left, so the
    # scarcer settings stay free for the learners who need them
    names, code = np.unique(jc.setting.astype(str), return_inverse=True)
    plenty = np.bincount(code, weights=np.where(ok, room, 0.0), minlength=len(names))
    free_rank = np.lexsort((km, -room, -plenty[code]))
    best_any = [free_rank[ok[free_rank] & (pos[free_rank] == i)][:TOP] for i in range(k)]
    best_in = {s: [rank[ok[rank] & (pos[rank] == i) & (jc.setting[rank] == s)][:TOP]
                   for i in range(k)] for s in jc.required}
    best = None
    for assign in itertools.permutations(range(k), len(jc.required)):
        if any(not len(best_in[s][i]) for s, i in zip(jc.required, assign)):
            continue
        path = [-1] * k
        for s, i in zip(jc.required, assign):
            path[i] = int(best_in[s][i][0])
        used = {int(jc.site[c]) for c in path if c >= 0}
        for i in range(k):
            if path[i] >= 0:
                continue
            fresh = [c for c in best_any[i] if int(jc.site[c]) not in used]
            path[i] = int((fresh or list(best_any[i]))[0])
            used.add(int(jc.site[path[i]]))
        sites = jc.site[path]
        key = (-float(np.min(room[path])), len(sites) - len(set(sites.tolist())),
               float(km[path].sum()))
        if best is None or key < best[0]:
            best = (key, path)
    return None if best is None else np.array(best[1])
