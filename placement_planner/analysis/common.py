"""Shared, vectorised building blocks of the analysis: pools, weekly grids, enriched allocations.

A *pool* is one site x profession x setting: the unit the contract's capacity rule counts
places in. Weekly capacity and use are (pool x week) integer grids built with difference
arrays, so a national plan (tens of thousands of pools, 52 weeks) costs milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.domain import Plan, PlanningData
from placement_planner.names import name_key


def keys(values: pd.Series | np.ndarray | list) -> np.ndarray:
    """``name_key`` of every value (blank for missing), computed once per distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(""), sort=False)
    folded = np.array([name_key(u) for u in uniques] + [""], dtype=object)
    return folded[codes]  # code -1 (missing) picks the trailing ""


def factorize_rows(frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code of each row's distinct value combination, and the combinations (in order
    of first appearance). Columns of numbers or of text, with nothing missing (the usual case),
    are coded one column at a time and combined as integers, not as a tuple per row."""
    columns = [frame[c].to_numpy() for c in frame.columns]
    if len(frame) and columns and all(_plain_column(v) for v in columns):
        key = np.zeros(len(frame), dtype=np.int64)
        size = 1
        for values in columns:
            codes, uniques = pd.factorize(values)
            size *= max(len(uniques), 1)
            if size >= 2 ** 62:
                break
            key = key * len(uniques) + codes
        else:
            codes = pd.factorize(key)[0].astype(np.int64)
            first = np.unique(codes, return_index=True)[1]
            # each column's values as the MultiIndex below would type them
            out = pd.DataFrame({i: pd.Index(v[first].tolist()) for i, v in enumerate(columns)})
            out.columns = list(frame.columns)
            return codes, out
    codes, uniques = pd.MultiIndex.from_frame(frame).factorize()
    out = uniques.to_frame(index=False) if len(uniques) else frame.iloc[:0].copy()
    out.columns = list(frame.columns)
    return np.asarray(codes, dtype=np.int64), out.reset_index(drop=True)


def _plain_column(values: np.ndarray) -> bool:
    """Numbers without NaN, or text only: values that are equal exactly when their codes are."""
    kind = values.dtype.kind
    if kind in "iub" or (kind == "f" and not np.isnan(values).any()):
        return True
    return kind == "O" and pd.api.types.infer_dtype(values, skipna=False) == "string"


def text(values: pd.Series) -> pd.Series:
    """Display text: missing values as blank strings. A column of text and blanks (the usual
    case) is trimmed once per distinct text, not once per value."""
    series = pd.Series(values, dtype=object)
    cells = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
        return series.fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(cells)     # every missing kind is code -1, as fillna("") blanks it
    trimmed = np.array([u.strip() for u in uniques.tolist()] + [""], dtype=object)
    return pd.Series(trimmed[codes], index=series.index, name=series.name).astype(str)


def week_grid(n_rows: int, n_weeks: int, row: np.ndarray, first: np.ndarray,
              last: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """A (row x week) grid adding ``amount`` in weeks first..last (inclusive, clipped)."""
    grid = np.zeros((n_rows, n_weeks + 1), dtype=np.int64)
    first = np.clip(np.asarray(first, dtype=np.int64), 0, n_weeks)
    stop = np.clip(np.asarray(last, dtype=np.int64) + 1, 0, n_weeks)
    keep = (stop > first) & (np.asarray(row) >= 0)
    row, first, stop = np.asarray(row)[keep], first[keep], stop[keep]
    amount = np.asarray(amount, dtype=np.int64)[keep]
    np.add.at(grid, (row, first), amount)
    np.add.at(grid, (row, stop), -amount)
    return np.cumsum(grid, axis=1)[:, :n_weeks]


@dataclass
class Context:
    """Everything the tables share, computed once per (data, plan)."""

    data: PlanningData
    plan: Plan
    n_weeks: int
    demand_prof: np.ndarray      # name keys
    demand_setting: np.ndarray
    weights: np.ndarray
    placed: np.ndarray           # learners placed per demand row
    site_quality: np.ndarray     # name keys, per row of data.sites
    pools: pd.DataFrame          # site_id, site_pos, prof_key, set_key, profession, setting
    capacity: np.ndarray         # pool x week places
    used: np.ndarray             # pool x week learners on placement
    alloc: pd.DataFrame          # plan allocations + d, site_pos, pool, weeks, hei, ...

    @property
    def remaining(self) -> np.ndarray:
        return self.capacity - self.used

    def week_date(self, week) -> pd.Timestamp:
        return pd.Timestamp(self.data.week0) + pd.Timedelta(weeks=int(week))


def build_context(data: PlanningData, plan: Plan) -> Context:
    demand, sites = data.demand, data.sites
    alloc = plan.allocations.copy() if plan.allocations is not None else pd.DataFrame()
    for col, default in (("demand_id", ""), ("site_id", ""), ("setting", ""),
                         ("start_week", 0), ("learners", 0), ("locked", False)):
        if col not in alloc.columns:
            alloc[col] = pd.Series([default] * len(alloc), dtype=object)
    alloc = alloc[alloc["learners"].astype(np.int64) > 0].reset_index(drop=True)
    alloc["learners"] = alloc["learners"].astype(np.int64)
    alloc["start_week"] = alloc["start_week"].astype(np.int64)
    alloc["setting"] = text(alloc["setting"])

    d = pd.Index(demand["demand_id"].astype(str)).get_indexer(alloc["demand_id"].astype(str))
    alloc["d"] = d
    alloc["site_pos"] = pd.Index(sites["site_id"].astype(str)).get_indexer(alloc["site_id"].astype(str))
    weeks = demand["weeks"].to_numpy(dtype=np.int64)
    alloc["weeks"] = np.where(d >= 0, weeks[np.maximum(d, 0)], 1)

    n_weeks = int(data.n_weeks)
    if len(alloc):
        n_weeks = max(n_weeks, int((alloc["start_week"] + alloc["weeks"]).max()))

    demand_prof = keys(demand["profession"])
    demand_setting = keys(demand["setting"])
    placed = np.bincount(d[d >= 0], weights=alloc["learners"].to_numpy()[d >= 0],
                         minlength=len(demand)).astype(np.int64)

    cap = data.capacity
    cap = cap[cap["places"].astype(np.int64) > 0]
    cap_prof, cap_set = keys(cap["profession"]), keys(cap["setting"])
    pool_key = pd.DataFrame({"site_id": cap["site_id"].astype(str).to_numpy(),
                             "prof_key": cap_prof, "set_key": cap_set})
    pool_codes, pools = factorize_rows(pool_key)
    first_row = pd.Series(np.arange(len(pool_codes))).groupby(pool_codes).first().to_numpy()
    pools["profession"] = text(cap["profession"]).to_numpy()[first_row] if len(cap) else []
    pools["setting"] = text(cap["setting"]).to_numpy()[first_row] if len(cap) else []
    pools["site_pos"] = pd.Index(sites["site_id"].astype(str)).get_indexer(pools["site_id"])
    capacity = week_grid(len(pools), n_weeks, pool_codes, cap["start_week"].to_numpy(),
                         cap["end_week"].to_numpy(), cap["places"].to_numpy())

    # An allocation's pool: its site, its demand row's profession and its setting pool.
    a_prof = np.where(d >= 0, demand_prof[np.maximum(d, 0)] if len(demand) else "", "")
    lookup = pd.MultiIndex.from_frame(pools[["site_id", "prof_key", "set_key"]]) if len(pools) \
        else pd.MultiIndex.from_arrays([[], [], []])
    alloc["pool"] = lookup.get_indexer(pd.MultiIndex.from_arrays(
        [alloc["site_id"].astype(str).to_numpy(), a_prof, keys(alloc["setting"])])) \
        if len(alloc) else np.zeros(0, dtype=np.int64)
    used = week_grid(len(pools), n_weeks, alloc["pool"].to_numpy(), alloc["start_week"].to_numpy(),
                     (alloc["start_week"] + alloc["weeks"] - 1).to_numpy(), alloc["learners"].to_numpy())
    return Context(data=data, plan=plan, n_weeks=n_weeks, demand_prof=demand_prof,
                   demand_setting=demand_setting, weights=data.weights(), placed=placed,
                   site_quality=keys(sites["quality"]), pools=pools, capacity=capacity,
                   used=used, alloc=alloc)


def repeat_pairs(left_code: np.ndarray, right_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with left_code[i] == right_code[j], as two index arrays (a vectorised join)."""
    left_code = np.asarray(left_code, dtype=np.int64)
    right_code = np.asarray(right_code, dtype=np.int64)
    if not len(left_code) or not len(right_code):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(right_code) < 2 or bool(np.all(right_code[1:] >= right_code[:-1])):
        order = np.arange(len(right_code))
    else:
        order = np.argsort(right_code, kind="stable")
    sorted_codes = right_code[order]
    start = np.searchsorted(sorted_codes, left_code, side="left")
    stop = np.searchsorted(sorted_codes, left_code, side="right")
    lens = stop - start
    total = int(lens.sum())
    i = np.repeat(np.arange(len(left_code)), lens)
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    j = order[np.repeat(start, lens) + offsets]
    return i, j


def shared_codes(*arrays: np.ndarray) -> list[np.ndarray]:
    """Integer codes for values, consistent across all the arrays given."""
    joined = np.concatenate([np.asarray(a, dtype=object) for a in arrays]) if arrays else []
    codes, _ = pd.factorize(pd.Series(joined, dtype=object))
    out, at = [], 0
    for a in arrays:
        out.append(codes[at:at + len(a)])
        at += len(a)
    return out
