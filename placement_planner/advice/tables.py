"""The advice as tables (sheets Advice, Advice package, Smoothing, Unplaced fix columns) and as
the contract's JSON (dates ISO yyyy-mm-dd). The sheet and the JSON come from the same records."""

from __future__ import annotations

import math

import pandas as pd

from placement_planner.advice.parts import iso, monday
from placement_planner.domain import PlanningData

# The contract's keys, in this order, then the advisor's own columns.
ADVICE_COLUMNS = ["rank", "site_id", "site_name", "profession", "setting", "start_date", "end_date",
                  "places", "extra_learners_placed", "extra_weighted_placed", "cost",
                  "cost_per_extra_learner"]
ADVICE_EXTRA = ["weeks", "tariff_per_week", "proven", "found_by"]
PACKAGE_COLUMNS = ["k", "site_id", "profession", "places", "cumulative_extra_learners",
                   "cumulative_extra_weighted", "cumulative_cost", "proven"]


def recommendation_records(data: PlanningData, advice) -> list[dict]:
    """One dict per recommendation with the contract's keys (dates as Timestamps)."""
    out = []
    for r in advice.recommendations:
        out.append({"rank": r.rank, "site_id": r.site_id, "site_name": r.site_name,
                    "profession": r.profession, "setting": r.setting,
                    "start_date": monday(data, r.start_week), "end_date": monday(data, r.end_week),
                    "places": r.places, "extra_learners_placed": r.extra_learners_placed,
                    "extra_weighted_placed": r.extra_weighted_placed, "cost": r.cost,
                    "cost_per_extra_learner": r.cost_per_extra_learner,
                    "weeks": r.weeks, "tariff_per_week": r.tariff_per_week, "proven": r.proven,
                    "found_by": r.source})
    return out


def advice_frame(data: PlanningData, advice) -> pd.DataFrame:
    frame = pd.DataFrame(recommendation_records(data, advice), columns=ADVICE_COLUMNS + ADVICE_EXTRA)
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col])
    frame["cost_per_extra_learner"] = frame["cost_per_extra_learner"].astype(float)
    return frame


def package_frame(advice) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(s, c) for c in PACKAGE_COLUMNS} for s in advice.package],
                        columns=PACKAGE_COLUMNS)


def unplaced_with_fixes(unplaced: pd.DataFrame, advice) -> pd.DataFrame:
    """The Unplaced table with `fix` and `fix_learners` after `reason`."""
    out = unplaced.copy()
    fixes = advice.fixes
    ids = out["demand_id"].astype(str)
    out["fix"] = [fixes[i].words if i in fixes else "" for i in ids]
    out["fix_learners"] = pd.array([fixes[i].learners if i in fixes else 0 for i in ids], dtype="int64")
    cols = list(out.columns)
    at = cols.index("reason") + 1 if "reason" in cols else len(cols) - 2
    ordered = cols[:at] + ["fix", "fix_learners"] + [c for c in cols[at:] if c not in ("fix", "fix_learners")]
    return out[ordered]


def _plain(v):
    if isinstance(v, pd.Timestamp):
        return iso(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def advice_json(data: PlanningData, advice, unplaced: pd.DataFrame | None = None) -> dict:
    """``{"recommendations": [...]}`` with exactly the contract's keys, plus the package, the
    baseline and how sure each figure is."""
    recs = [{k: _plain(rec[k]) for k in ADVICE_COLUMNS} for rec in recommendation_records(data, advice)]
    out = {"recommendations": recs,
           "package": [{k: _plain(v) for k, v in row.items()} for row in package_frame(advice).to_dict("records")],
           "baseline": {"weighted_placed": advice.baseline.weighted, "learners_placed": advice.baseline.learners,
                        "proven": advice.baseline.proven},
           "places": advice.places, "top": advice.top, "proven": advice.proven}
    if unplaced is not None and "fix" in unplaced.columns:
        out["unplaced_fixes"] = [{"demand_id": str(d), "fix": f, "fix_learners": int(n)} for d, f, n in
                                 zip(unplaced["demand_id"], unplaced["fix"], unplaced["fix_learners"])]
    return out
