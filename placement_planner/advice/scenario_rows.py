"""Advice as Scenarios rows (contract v2 changes), for "Add as scenario" / "Try as scenario"."""

from __future__ import annotations

import pandas as pd

from placement_planner.scenarios.changes import Change

# Kinds of fix a Scenarios row can express ("accept any setting" has no change kind).
SCENARIO_KINDS = ("add_places", "travel_limit", "shift_start")


def recommendation_change(rec, name: str) -> Change:
    """One recommendation (an Advice record or Recommendation) as an add_places change."""
    get = rec.get if isinstance(rec, dict) else (lambda k: rec[k]) if isinstance(rec, pd.Series) \
        else (lambda k: getattr(rec, k))
    return Change(scenario=name, change="add_places", site_id=str(get("site_id")),
                  profession=str(get("profession")), setting=str(get("setting") or ""),
                  from_date=pd.Timestamp(get("start_date")).date(), to_date=pd.Timestamp(get("end_date")).date(),
                  value=float(get("places")))


def expressible(fix) -> bool:
    """More places, a travel limit, or a start moved by a whole number of weeks."""
    return fix.kind in SCENARIO_KINDS and (fix.kind == "add_places" or "value" in fix.change)


def fix_change(fix, name: str) -> Change | None:
    """The fix of one unplaced group as a change (demand changes filtered to its demand_id).
    A shift is the start the advisor's plan chose, fixed (the advisor let it float +/-4 weeks)."""
    if not expressible(fix):
        return None
    c = fix.change
    if fix.kind == "add_places":
        return Change(scenario=name, change="add_places", site_id=c["site_id"], profession=c["profession"],
                      setting=c["setting"], from_date=pd.Timestamp(c["from_date"]).date(),
                      to_date=pd.Timestamp(c["to_date"]).date(), value=float(c["value"]))
    return Change(scenario=name, change=fix.kind, demand_id=fix.demand_id, value=float(c["value"]))
