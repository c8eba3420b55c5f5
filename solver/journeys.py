"""Journeys back out as learners' paths: the plan's learners of one journey class, row by row,
split into one path per learner that covers every required setting and repeats sites as
little as the plan allows (proof and method in solver/README.md, "Journeys").

The split is an edge colouring of a bipartite multigraph. Left: the journey's rows (each with
its y placed learners, one edge per learner). Right: *bins* of at most y edges: one bin per
required setting holding exactly y edges in that setting, and the other edges packed site by
site. Padded with dummy rows to a y-regular multigraph, it splits into y perfect matchings
(König); each matching is one learner: one placement per row, one edge from each setting bin
(so every required setting is covered), at most one edge from each other bin (so a site kept
inside one bin is never repeated). Where a site has to be split over bins, swaps between two
learners' placements in the same row then remove repeats while keeping both learners'
settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from placement_planner.domain import JOURNEY_COLUMNS, PlanningData, empty_frame
from placement_planner.solver.problem import Problem

SWAP_SECONDS = 2.0     # time for repeat-removing swaps, over all classes of a plan


@dataclass
class JourneyPaths:
    row: np.ndarray        # demand row of each allocation piece of the journey rows
    opt: np.ndarray        # option
    n: np.ndarray          # learners
    frame: pd.DataFrame    # JOURNEY_COLUMNS, start_week on the grid
    repeats: int           # repeats of the paths (the contract's count)
    bound: int             # sum over classes and sites of max(0, visits - learners)
    groups: np.ndarray     # every group that belongs to a journey (readback skips them)


def journey_paths(data: PlanningData, problem: Problem, x: np.ndarray,
                  deadline: float = float("inf")) -> JourneyPaths:
    """The learners' paths of plan ``x`` (learners per option). Repeat-removing swaps and
    exact splits stop at ``deadline`` or after SWAP_SECONDS (at least 0.2 s)."""
    gr = problem.groups
    classes = gr.classes or []
    in_journey = np.flatnonzero(gr.journey >= 0) if gr.journey is not None else np.zeros(0, int)
    empty = JourneyPaths(*(np.zeros(0, np.int64),) * 3, empty_frame(JOURNEY_COLUMNS), 0, 0,
                         in_journey)
    if not classes:
        return empty
    used = np.flatnonzero(x > 0.5)
    amount = np.round(x[used]).astype(np.int64)
    cls = gr.journey[problem.g[used]]
    site = problem.pools.site[problem.p]
    setting = problem.pools.setting[problem.p]
    now = time.perf_counter()
    deadline = max(now + 0.2, min(deadline, now + SWAP_SECONDS))
    ids = data.demand["demand_id"].astype(str).to_numpy(dtype=object)
    weeks = data.demand["weeks"].to_numpy(np.int64)
    rows, opts, ns = [], [], []
    cols = {c: [] for c in ("journey", "row", "learner", "opt")}
    repeats = bound = 0
    order = np.argsort(cls, kind="stable")
    cls_sorted = cls[order]
    for c in np.unique(cls[cls >= 0]):
        jc = classes[c]
        sel = order[np.searchsorted(cls_sorted, c):np.searchsorted(cls_sorted, c, side="right")]
        pos_of = {int(grp): i for i, grp in enumerate(jc.groups)}
        pos = np.array([pos_of[int(problem.g[used[k]])] for k in sel], dtype=np.int64)
        per_pos = [(used[sel[pos == i]], amount[sel[pos == i]]) for i in range(len(jc.groups))]
        y = int(per_pos[0][1].sum())
        if y == 0:
            continue
        paths = split_paths(per_pos, y, site, setting, jc.required, deadline)
        r, b = path_repeats(paths, site), visit_bound(per_pos, y, site)
        repeats += r
        bound += b
        # identical journeys of the class take the paths in demand order
        taken = 0
        for jid, jrows, n_j in zip(jc.journeys, jc.rows, jc.learners):
            k = min(int(n_j), y - taken)
            if k <= 0:
                break
            mine = paths[taken:taken + k]
            taken += k
            for i, drow in enumerate(jrows):
                v, cnt = np.unique(mine[:, i], return_counts=True)
                rows.append(np.full(len(v), drow))
                opts.append(v)
                ns.append(cnt)
            cols["journey"].append([jid] * (k * len(jrows)))
            cols["row"].append(np.tile(jrows, k))
            cols["learner"].append(np.repeat(np.arange(1, k + 1), len(jrows)))
            cols["opt"].append(mine.ravel())
    if not rows:
        return empty
    row = np.concatenate(cols["row"])
    opt = np.concatenate(cols["opt"])
    frame = pd.DataFrame({
        "journey": np.array([j for part in cols["journey"] for j in part], dtype=object),
        "demand_id": ids[row],
        "learner": np.concatenate(cols["learner"]).astype(np.int64),
        "site_id": problem.sites.ids[site[opt]],
        "setting": problem.pools.label[problem.p[opt]],
        "start_week": problem.t[opt].astype(np.int64),
        "weeks": weeks[row],
    })[JOURNEY_COLUMNS]
    return JourneyPaths(np.concatenate(rows), np.concatenate(opts), np.concatenate(ns), frame,
                        repeats, bound, in_journey)


def visit_bound(per_pos, y: int, site: np.ndarray) -> int:
    """sum_s max(0, visits of s - y): no split into y paths repeats fewer sites."""
    v = np.concatenate([p[0] for p in per_pos])
    n = np.concatenate([p[1] for p in per_pos])
    _, inv = np.unique(site[v], return_inverse=True)
    return int(np.maximum(0, np.bincount(inv, weights=n) - y).sum())


def path_repeats(paths: np.ndarray, site: np.ndarray) -> int:
    """Each time a site appears again in one learner's path."""
    if not len(paths):
        return 0
    s = np.sort(site[paths], axis=1)
    return int(np.count_nonzero(s[:, 1:] == s[:, :-1]))


def split_paths(per_pos, y: int, site: np.ndarray, setting: np.ndarray, required: tuple,
                deadline: float) -> np.ndarray:
    """(y, rows) options: one path per learner (see the module's docstring)."""
    k = len(per_pos)
    if all(len(p[0]) == 1 for p in per_pos):      # one option per row: every path is the same
        return np.tile(np.array([int(p[0][0]) for p in per_pos], dtype=np.int64), (y, 1))
    units = [(i, int(v), int(n)) for i, (vs, ns) in enumerate(per_pos) for v, n in zip(vs, ns)
             if n > 0]
    try:
        paths = _colour(_bins(units, y, site, setting, required), k, y)
    except RuntimeError:         # only if the plan broke the setting rows: hand out in order
        paths = np.stack([np.repeat(vs, ns)[:y] for vs, ns in per_pos], axis=1)
    floor = visit_bound(per_pos, y, site)
    if path_repeats(paths, site) > floor:
        _swap(paths, site, setting, required, deadline)
    if path_repeats(paths, site) > floor:
        exact = _exact_split(per_pos, y, site, setting, required, deadline, paths)
        if exact is not None and path_repeats(exact, site) < path_repeats(paths, site):
            paths = exact
    return paths


def _exact_split(per_pos, y, site, setting, required, deadline, start, max_types: int = 20000):
    """The split with the fewest repeats, as a small integer programme over path types (one
    option per row, covering every required setting): z_P learners on type P, the learners of
    each (row, option) used exactly; from the split ``start``. None when there are too many
    types or no time."""
    from scipy.sparse import coo_matrix
    from placement_planner.solver.mip import restricted_mip
    sizes = [len(p[0]) for p in per_pos]
    if np.prod(sizes, dtype=float) > max_types or time.perf_counter() >= deadline:
        return None
    types = np.array(np.meshgrid(*[p[0] for p in per_pos], indexing="ij")).reshape(
        len(per_pos), -1).T
    req = set(required)
    ok = np.array([req <= set(setting[t].tolist()) for t in types], dtype=bool)
    types = types[ok]
    if not len(types):
        return None
    s = np.sort(site[types], axis=1)
    cost = np.count_nonzero(s[:, 1:] == s[:, :-1], axis=1).astype(float)
    rows, cols, rhs = [], [], []
    for i, (vs, ns) in enumerate(per_pos):
        for v, n in zip(vs, ns):
            hit = np.flatnonzero(types[:, i] == v)
            rows.append(np.full(len(hit), len(rhs)))
            cols.append(hit)
            rhs.append(float(n))
    a = coo_matrix((np.ones(sum(len(c) for c in cols)),
                    (np.concatenate(rows), np.concatenate(cols))),
                   shape=(len(rhs), len(types))).tocsc()
    hint = np.zeros(len(types))
    index = {tuple(t): i for i, t in enumerate(types.tolist())}
    for t in start.tolist():
        hint[index[tuple(t)]] += 1
    rhs = np.array(rhs)
    word, z = restricted_mip(a, cost, np.zeros(len(types)), np.full(len(types), float(y)), rhs,
                             rhs, np.ones(len(types), bool), False, hint, deadline, None,
                             lambda b: float(np.ceil(b - 1e-6)), 1)
    if z is None:
        return None
    z = np.round(z).astype(np.int64)
    if np.any(z < 0) or np.any(np.abs(a @ z - rhs) > 0.5):
        return None
    return np.repeat(types, z, axis=0)


def _bins(units, y, site, setting, required):
    """Lists of (row, option, learners), each at most y learners; one of exactly y per
    required setting."""
    left = {(i, v): n for i, v, n in units}
    bins = []
    for s in required:
        cand = [(i, v) for (i, v), n in left.items() if n > 0 and setting[v] == s]
        by_site: dict = {}
        for key in cand:
            by_site.setdefault(int(site[key[1]]), []).append(key)
        total = {st: sum(left[key] for key in keys) for st, keys in by_site.items()}
        chosen = _subset_sum(total, y)
        order = chosen + sorted((st for st in total if st not in chosen), key=lambda st: -total[st])
        b, need = [], y
        for st in order:
            for key in by_site[st]:
                take = min(need, left[key])
                if take > 0:
                    b.append((key[0], key[1], take))
                    left[key] -= take
                    need -= take
            if need == 0:
                break
        bins.append(b)
    # the rest, site by site, first fit decreasing into bins of y
    by_site = {}
    for (i, v), n in left.items():
        if n > 0:
            by_site.setdefault(int(site[v]), []).append((i, v, n))
    items = []
    for st, pieces in by_site.items():
        tot = sum(p[2] for p in pieces)
        while tot > y:                      # a site visited more than y times: full bins
            full, need = [], y
            for idx, (i, v, n) in enumerate(pieces):
                take = min(need, n)
                if take:
                    full.append((i, v, take))
                    pieces[idx] = (i, v, n - take)
                    need -= take
                if need == 0:
                    break
            bins.append(full)
            tot -= y
        items.append([p for p in pieces if p[2] > 0])
    free: list = []
    room: list = []
    for item in sorted(items, key=lambda it: -sum(p[2] for p in it)):
        size = sum(p[2] for p in item)
        for j in range(len(free)):
            if room[j] >= size:
                free[j] += item
                room[j] -= size
                break
        else:
            free.append(list(item))
            room.append(y - size)
    return bins + free


def _subset_sum(total: dict, y: int) -> list:
    """Sites whose learners add up to exactly y (largest first where there is a choice);
    [] when none do, or when the search would be long (then the bin is filled largest site
    first and the swaps and the exact split do the rest)."""
    if len(total) * y > 200_000:
        return []
    reach = {0: None}
    for st in sorted(total, key=lambda s: -total[s]):
        t = total[st]
        for have in sorted(reach, reverse=True):
            nxt = have + t
            if nxt <= y and nxt not in reach:
                reach[nxt] = (have, st)
        if y in reach:
            break
    if y not in reach:
        return []
    out, at = [], y
    while at:
        have, st = reach[at]
        out.append(st)
        at = have
    return out


def _colour(bins, k: int, y: int) -> np.ndarray:
    """Split into y paths: pad to a y-regular bipartite multigraph (rows + dummy rows x bins)
    and take perfect matchings, each with the largest multiplicity it allows."""
    n_b = len(bins)
    n_left = max(n_b, k)
    edges: dict = {}
    for b, pieces in enumerate(bins):
        for i, v, n in pieces:
            edges.setdefault((i, b), []).append([v, n])
    deficit = [y - sum(p[2] for p in pieces) for pieces in bins]
    d, room = k, y
    for b in range(n_b):
        while deficit[b] > 0:
            take = min(deficit[b], room)
            edges.setdefault((d, b), []).append([-1, take])
            deficit[b] -= take
            room -= take
            if room == 0:
                d, room = d + 1, y
    count = {e: sum(p[1] for p in lst) for e, lst in edges.items()}
    out = np.full((y, k), -1, dtype=np.int64)
    done = 0
    while done < y:
        keys = [e for e, n in count.items() if n > 0]
        r = np.array([e[0] for e in keys])
        c = np.array([e[1] for e in keys])
        graph = csr_matrix((np.ones(len(keys)), (r, c)), shape=(n_left, n_b))
        match = maximum_bipartite_matching(graph, perm_type="column")
        pairs = [(i, int(match[i])) for i in range(n_left)]
        if any(b < 0 for _, b in pairs):
            raise RuntimeError("journey split: no perfect matching (rows not regular)")
        m = min(count[p] for p in pairs)
        for i, b in pairs:
            count[(i, b)] -= m
            if i >= k:
                continue
            need, at = m, done
            for piece in edges[(i, b)]:
                take = min(need, piece[1])
                if take:
                    out[at:at + take, i] = piece[0]
                    piece[1] -= take
                    need -= take
                    at += take
                if need == 0:
                    break
        done += m
    return out


def _swap(paths: np.ndarray, site: np.ndarray, setting: np.ndarray, required: tuple,
          deadline: float) -> None:
    """Exchange two learners' placements in the same row where that lowers their repeats
    and keeps every required setting of both (in place)."""
    y, k = paths.shape
    req = set(required)

    def cost(path) -> int:
        s = site[path]
        return len(s) - len(set(s.tolist()))

    def covers(path) -> bool:
        return req <= set(setting[path].tolist())

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        bad = [a for a in range(y) if cost(paths[a]) > 0]
        for a in bad:
            if time.perf_counter() >= deadline:
                return
            sa = site[paths[a]]
            for i in range(k):
                if np.count_nonzero(sa == sa[i]) < 2:
                    continue
                cand = np.flatnonzero(~np.isin(site[paths[:, i]], sa))
                before_a = cost(paths[a])
                for b in cand:
                    pa, pb = paths[a].copy(), paths[b].copy()
                    pa[i], pb[i] = paths[b, i], paths[a, i]
                    delta = cost(pa) + cost(pb) - before_a - cost(paths[b])
                    if delta < 0 and covers(pa) and covers(pb):
                        paths[a], paths[b] = pa, pb
                        improved = True
                        break
                if improved:
                    break


def plan_paths(data: PlanningData, alloc: pd.DataFrame) -> JourneyPaths:
    """The learners' paths of a plan given only as allocation rows (e.g. a plan put together
    from kept and re-planned parts): the rows' learners back on the placement options, then
    the same split as the solver's. Rows that are no longer an option are left out."""
    from placement_planner.solver.problem import build_problem, plan_amounts
    problem = build_problem(data)
    x = plan_amounts(data, problem, alloc).astype(float)
    return journey_paths(data, problem, x)
