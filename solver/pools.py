"""Setting pools: capacity rows of one site, profession and setting, added up week by week."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData


def fold(values) -> np.ndarray:
    """Text compared the contract's way: case-insensitive, surrounding spaces ignored."""
    return np.array([str(v).strip().casefold() if isinstance(v, str) else "" for v in values],
                    dtype=object)


@dataclass
class Sites:
    ids: np.ndarray            # site_id
    lat: np.ndarray
    lon: np.ndarray
    ics: np.ndarray            # folded
    region: np.ndarray         # folded
    suspended: np.ndarray      # bool
    index: dict                # site_id -> position


def site_table(data: PlanningData) -> Sites:
    s = data.sites
    ids = s["site_id"].astype(str).to_numpy(dtype=object)
    return Sites(ids=ids,
                 lat=pd.to_numeric(s["latitude"], errors="coerce").to_numpy(dtype=float),
                 lon=pd.to_numeric(s["longitude"], errors="coerce").to_numpy(dtype=float),
                 ics=fold(s["ics"]), region=fold(s["region"]),
                 suspended=fold(s["quality"]) == "suspended",
                 index={sid: i for i, sid in enumerate(ids)})


@dataclass
class Pools:
    site: np.ndarray           # position in Sites
    profession: np.ndarray     # canonical profession name
    setting: np.ndarray        # folded setting ("" = the general pool)
    label: np.ndarray          # the setting as first written in Capacity (for the plan)
    places: np.ndarray         # (pools, weeks) places offered each week
    index: dict                # (site position, profession, folded setting) -> pool

    def __len__(self) -> int:
        return len(self.site)


def build_pools(data: PlanningData, sites: Sites, n_weeks: int) -> Pools:
    """One pool per (site, profession, setting); suspended and unknown sites offer nothing."""
    cap = data.capacity
    site_pos = cap["site_id"].astype(str).map(sites.index)
    keep = site_pos.notna().to_numpy() & (cap["places"].to_numpy() > 0)
    keep[keep] &= ~sites.suspended[site_pos[keep].astype(int).to_numpy()]
    cap = cap[keep]
    site_pos = site_pos[keep].astype(np.int64).to_numpy()
    setting = fold(cap["setting"])
    keys = pd.DataFrame({"site": site_pos, "prof": cap["profession"].to_numpy(dtype=object),
                         "setting": setting})
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize()
    n = len(uniques)
    label = np.empty(n, dtype=object)
    label[codes[::-1]] = cap["setting"].astype(str).str.strip().to_numpy(dtype=object)[::-1]
    diff = np.zeros((n, n_weeks + 1), dtype=np.int64)
    start = np.clip(cap["start_week"].to_numpy(dtype=np.int64), 0, n_weeks)
    end = np.clip(cap["end_week"].to_numpy(dtype=np.int64) + 1, 0, n_weeks)
    places = cap["places"].to_numpy(dtype=np.int64)
    ok = end > start
    np.add.at(diff, (codes[ok], start[ok]), places[ok])
    np.add.at(diff, (codes[ok], end[ok]), -places[ok])
    site = np.array([u[0] for u in uniques], dtype=np.int64)
    prof = np.array([u[1] for u in uniques], dtype=object)
    sett = np.array([u[2] for u in uniques], dtype=object)
    return Pools(site=site, profession=prof, setting=sett, label=label,
                 places=np.cumsum(diff, axis=1)[:, :n_weeks],
                 index={u: i for i, u in enumerate(uniques)})
