"""Journeys in the plan's tables (contract v2, "Journeys").

- ``journeys_table``: the output's `Journeys` sheet, one row per placed learner per journey row
  (journey, demand_id, learner, site_id, setting, start_date, weeks, then site_name, hei and
  profession), each learner's placements in date order; None when the demand has no journeys.
- ``journey_reasons``: an unplaced row of a journey says the whole journey was not placed for
  those learners (a learner gets every placement of a journey or none) and why: the placements
  of the journey with no places (by the usual rules), a required setting no placement of the
  journey can be in, places taken, or places free for each placement on its own but not for the
  same learners in every placement at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.analysis.common import Context, repeat_pairs, text
from placement_planner.analysis.eligibility import key_pairs
from placement_planner.domain import JOURNEY_COLUMNS, Plan, PlanningData
from placement_planner.names import name_key
from placement_planner.solver.score import has_journeys

__all__ = ["JOURNEYS_SHEET_COLUMNS", "has_journeys", "journey_reasons", "journey_rows", "journeys_table"]

JOURNEYS_SHEET_COLUMNS = ["journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks",
                          "site_name", "hei", "profession"]

# Reason codes journeys add (the others are analysis/reasons.py's, in rule order).
REQUIRED_SETTING = "required_setting"
JOURNEY_TOGETHER = "journey"
_HARD = ("no_profession", "no_setting", "only_suspended", "outside_area", "site_coordinates",
         "out_of_reach", "no_places_in_weeks")
_NAMED = 2   # placements named in one reason; the rest are counted


def journeys_table(data: PlanningData, plan: Plan) -> pd.DataFrame | None:
    """The `Journeys` sheet (None when the demand has no journeys: no sheet is written)."""
    if not has_journeys(data):
        return None
    paths = plan.journeys if getattr(plan, "journeys", None) is not None else pd.DataFrame()
    for col in JOURNEY_COLUMNS:
        if col not in paths.columns:
            paths = paths.assign(**{col: pd.Series(dtype=object)})
    n = len(paths)
    start_week = paths["start_week"].to_numpy(dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
    start = pd.Timestamp(data.week0) + pd.to_timedelta(7 * start_week, unit="D")
    site_name = pd.Series(text(data.sites["site_name"]).to_numpy(dtype=object),
                          index=data.sites["site_id"].astype(str))
    site_name = site_name[~site_name.index.duplicated()]
    demand = data.demand
    d = pd.Index(demand["demand_id"].astype(str)).get_indexer(paths["demand_id"].astype(str)) if n \
        else np.zeros(0, dtype=np.int64)

    def from_demand(col):
        values = text(demand[col]).to_numpy(dtype=object)
        return np.where(d >= 0, values[np.maximum(d, 0)] if len(values) else "", "")

    out = pd.DataFrame({
        "journey": text(paths["journey"]).to_numpy(dtype=object),
        "demand_id": text(paths["demand_id"]).to_numpy(dtype=object),
        "learner": paths["learner"].to_numpy(dtype=np.int64) if n else np.zeros(0, dtype=np.int64),
        "site_id": text(paths["site_id"]).to_numpy(dtype=object),
        "setting": text(paths["setting"]).to_numpy(dtype=object),
        "start_date": np.asarray(start, dtype="datetime64[ns]"),
        "weeks": paths["weeks"].to_numpy(dtype=np.int64) if n else np.zeros(0, dtype=np.int64),
        "site_name": site_name.reindex(text(paths["site_id"]).to_numpy(dtype=object)).fillna("")
                              .to_numpy(dtype=object),
        "hei": from_demand("hei"),
        "profession": from_demand("profession"),
    })
    out = out.sort_values(["journey", "learner", "start_date", "demand_id"], kind="stable")
    return out[JOURNEYS_SHEET_COLUMNS].reset_index(drop=True)


def journey_rows(data: PlanningData, rows: np.ndarray) -> np.ndarray:
    """Every demand row (sorted positions) of the journeys ``rows`` belong to, ``rows`` included."""
    journey = text(data.demand["journey"]).to_numpy(dtype=object)
    wanted = set(journey[rows]) - {""}
    if not wanted:
        return np.asarray(rows, dtype=np.int64)
    mates = np.flatnonzero(pd.Series(journey).isin(wanted).to_numpy())
    return np.union1d(np.asarray(rows, dtype=np.int64), mates)


def journey_reasons(ctx: Context, explained: np.ndarray, codes: np.ndarray, sentences: list[str],
                    weeks: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes and reasons for ``rows`` (unplaced demand rows): a journey's row gets the journey's
    reason; other rows keep their own. ``explained`` (sorted demand positions, a superset of
    ``rows`` holding every row of their journeys) have ``codes``, ``sentences`` and ``weeks``
    (the weeks phrase of each) from the usual rules."""
    demand = ctx.data.demand
    at = np.searchsorted(explained, rows)
    out_codes = np.asarray(codes, dtype=object)[at].copy()
    out_reasons = [sentences[i] for i in at]
    journey = text(demand["journey"]).to_numpy(dtype=object)
    in_journey = np.flatnonzero(journey[rows] != "")
    if not len(in_journey):
        return out_codes, out_reasons
    ids = text(demand["demand_id"]).to_numpy(dtype=object)
    learners = demand["learners"].to_numpy(dtype=np.int64)
    start_week = demand["start_week"].to_numpy(dtype=np.int64)
    position = {int(r): k for k, r in enumerate(explained)}
    members: dict[str, list[int]] = {}
    for r in explained:
        if journey[r]:
            members.setdefault(journey[r], []).append(int(r))
    for j, mine in members.items():   # each learner's placements in date order
        mine.sort(key=lambda m: (start_week[m], ids[m]))
    missing = _missing_settings(ctx, explained, journey, members)
    status = getattr(ctx.plan.status, "value", str(ctx.plan.status))
    causes: dict[tuple[str, int], tuple[str, str]] = {}   # a cause names "this placement" or not
    for k in in_journey:
        r = int(rows[k])
        j = journey[r]
        mine = members[j]
        unplaced, total = int(learners[r] - ctx.placed[r]), int(learners[r])
        who = (f"its {total} learner{'s' if total != 1 else ''}" if unplaced == total
               else f"{unplaced} of its {total} learners")
        head = (f"journey {j} was not placed for {who} (a learner gets every one of its {len(mine)} "
                f"placements or none)")
        args = (codes, sentences, weeks, position, ids, missing.get(j, []), status)
        if (j, -1) not in causes:
            causes[(j, -1)] = _cause(mine, -1, *args)
        named = r if r in causes[(j, -1)][2] else -1
        if (j, named) not in causes:
            causes[(j, named)] = _cause(mine, named, *args)
        out_codes[k], cause, _ = causes[(j, named)]
        out_reasons[k] = f"{head}: {cause}"
    return out_codes, out_reasons


def _cause(mine, r, codes, sentences, weeks, position, ids, missing, status) -> tuple[str, str, list]:
    """(code, words, the placements named) of what kept a journey out; ``r`` is "this placement"."""
    def name(m):
        return "this placement" if m == r else f"placement {ids[m]}"

    def said(group, named=_NAMED):
        parts = [f"{name(m)}: {sentences[position[m]]}" for m in group[:named]]
        more = len(group) - named
        if more > 0:
            parts.append(f"and {more} more placement{'s' if more != 1 else ''} like {'it' if more == 1 else 'them'}")
        return "; ".join(parts)

    blocked = [m for m in mine if codes[position[m]] in _HARD]
    if blocked:
        return str(codes[position[blocked[0]]]), said(blocked), blocked[:_NAMED]
    if missing:
        listed = " or ".join(f"'{s}'" for s in missing)
        return REQUIRED_SETTING, (f"it requires the {listed} setting, and no site any of its placements "
                                  f"may use offers places in it"), []
    taken = [m for m in mine if codes[position[m]] == "taken"]
    if taken:   # one named: a taken reason is long (it names who holds the places)
        return "taken", said(taken, 1), taken[:1]
    shown = mine[:_NAMED + 1]
    spans = "; ".join(f"{name(m)} in {weeks[position[m]]}" for m in shown)
    if status == "optimal":
        return JOURNEY_TOGETHER, (f"each placement has places free on its own ({spans}), but no choice of "
                                  f"them fits the whole journey at once (its weeks and required settings "
                                  f"together)"), shown
    return JOURNEY_TOGETHER, (f"places look free for each placement on its own ({spans}) but the journey was "
                              f"not placed (plan status: {status}, not proven best)"), shown


def _missing_settings(ctx: Context, explained: np.ndarray, journey: np.ndarray,
                      members: dict[str, list[int]]) -> dict[str, list[str]]:
    """Per journey: its required settings that no pool any of its rows may use offers (the static
    rules and travel limit, weeks aside)."""
    demand = ctx.data.demand
    if "required_settings" not in demand.columns:
        return {}
    required: dict[str, list[str]] = {}
    for j, rows in members.items():
        wanted = []
        for m in rows:
            for s in demand["required_settings"].iat[m] or ():
                if s not in wanted:
                    wanted.append(s)
        if wanted:
            required[j] = wanted
    if not required:
        return {}
    rows = np.array(sorted(m for j in required for m in members[j]), dtype=np.int64)
    key_of_row, _, pairs = key_pairs(ctx, rows)
    ri, pi = repeat_pairs(key_of_row, pairs.d)
    set_key = ctx.pools["set_key"].to_numpy(dtype=object)[pairs.pool[pi]] if len(pi) else np.zeros(0, object)
    offered = set(zip(journey[rows[ri]], set_key))
    return {j: [s for s in wanted if (j, name_key(s)) not in offered]
            for j, wanted in required.items()
            if any((j, name_key(s)) not in offered for s in wanted)}
