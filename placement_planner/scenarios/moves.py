"""Who moved: the previous plan's learners not kept at the same demand row, site, setting pool
and start week, counted exactly from the two plans.

For each demand row and each (site, setting, start week) the kept learners are
min(previous, new); the previous plan's other learners moved. Within a demand row the moved
learners are paired with the new plan's learners that are not kept (earliest start, then site
id, first); any left over became unplaced (blank to_site_id).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placement_planner.analysis.common import keys, text

MOVES_COLUMNS = ["scenario", "demand_id", "hei", "profession", "learners", "from_site_id", "to_site_id",
                 "from_start", "to_start"]
_KEY = ["demand_id", "site_id", "setting", "start_week"]


def _grouped(frame: pd.DataFrame) -> pd.Series:
    if not len(frame):
        return pd.Series(dtype=np.int64, index=pd.MultiIndex.from_arrays([[], [], [], []], names=_KEY))
    f = pd.DataFrame({"demand_id": text(frame["demand_id"]).to_numpy(), "site_id": text(frame["site_id"]).to_numpy(),
                      "setting": keys(frame["setting"]), "start_week": frame["start_week"].astype(np.int64).to_numpy(),
                      "learners": frame["learners"].astype(np.int64).to_numpy()})
    return f.groupby(_KEY)["learners"].sum()


def learners_moved(previous: pd.DataFrame, allocations: pd.DataFrame) -> int:
    """Learners of ``previous`` not kept at the same demand row, site, setting and start week."""
    prev, new = _grouped(previous), _grouped(allocations)
    both = pd.concat([prev, new], axis=1, join="inner")
    kept = int(both.min(axis=1).sum()) if len(both) else 0
    return int(prev.sum()) - kept


def moves_table(previous: pd.DataFrame, allocations: pd.DataFrame, *, scenario: str, week0: dt.date,
                demand_info: pd.DataFrame) -> pd.DataFrame:
    """One row per (demand row, from, to) with the learners moved; both plans on ``week0``'s weeks.
    ``demand_info`` gives hei and profession by demand_id (the baseline's Demand)."""
    prev, new = _grouped(previous), _grouped(allocations)
    joined = pd.concat([prev.rename("prev"), new.rename("new")], axis=1).fillna(0).astype(np.int64)
    kept = np.minimum(joined["prev"], joined["new"])
    out_left = (joined["prev"] - kept)
    in_left = (joined["new"] - kept)
    out_left, in_left = out_left[out_left > 0], in_left[in_left > 0]
    rows = []
    if len(out_left):
        incoming: dict[str, list[list]] = {}
        for (did, site, setting, week), n in in_left.sort_index(level=["demand_id", "start_week", "site_id"]).items():
            incoming.setdefault(did, []).append([site, week, int(n)])
        for k in incoming.values():
            k.sort(key=lambda r: (r[1], r[0]))
        outgoing = out_left.rename("n").reset_index().sort_values(["demand_id", "start_week", "site_id"],
                                                                  kind="stable")
        for did, site, week, n in zip(outgoing["demand_id"], outgoing["site_id"], outgoing["start_week"],
                                      outgoing["n"]):
            n = int(n)
            dest = incoming.get(did, [])
            while n > 0 and dest:
                take = min(n, dest[0][2])
                rows.append((did, take, site, dest[0][0], int(week), dest[0][1]))
                n -= take
                dest[0][2] -= take
                if dest[0][2] == 0:
                    dest.pop(0)
            if n > 0:
                rows.append((did, n, site, "", int(week), None))
    frame = pd.DataFrame(rows, columns=["demand_id", "learners", "from_site_id", "to_site_id", "from_w", "to_w"])
    frame = (frame.groupby(["demand_id", "from_site_id", "to_site_id", "from_w", "to_w"], dropna=False, sort=False)
             ["learners"].sum().reset_index()) if len(frame) else frame
    info = demand_info.drop_duplicates("demand_id").set_index("demand_id")
    base = pd.Timestamp(week0)
    out = pd.DataFrame({
        "scenario": scenario,
        "demand_id": frame["demand_id"].to_numpy(dtype=object),
        "hei": frame["demand_id"].map(info["hei"]).fillna("").to_numpy(dtype=object),
        "profession": frame["demand_id"].map(info["profession"]).fillna("").to_numpy(dtype=object),
        "learners": frame["learners"].to_numpy(dtype=np.int64),
        "from_site_id": frame["from_site_id"].to_numpy(dtype=object),
        "to_site_id": frame["to_site_id"].to_numpy(dtype=object),
        "from_start": base + pd.to_timedelta(frame["from_w"].to_numpy(dtype=float) * 7, unit="D"),
        "to_start": base + pd.to_timedelta(pd.to_numeric(frame["to_w"]).to_numpy(dtype=float) * 7, unit="D"),
    }, columns=MOVES_COLUMNS)
    return out.sort_values(["demand_id", "from_start", "from_site_id"], kind="stable").reset_index(drop=True)
