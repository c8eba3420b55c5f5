"""Words for the output workbook: Summary figures as a person reads them, and the "About" sheet.

The Summary's ``value`` column keeps the contract's exact figures (numbers stay numbers);
``shown_as`` rounds and labels them only for reading. The "About this workbook" sheet has one
row per sheet (blank column) and one per column, saying what each holds.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

from placement_planner.io.schema import INPUT_SHEETS

ABOUT_SHEET = "About this workbook"
ABOUT_COLUMNS = ["sheet", "column", "meaning"]

STATUS_WORDS = {
    "optimal": "Best possible plan",
    "feasible": "Good plan, not proven best",
    "time_limit": "Stopped at the time limit (best plan found)",
    "cancelled": "Cancelled (best plan found so far)",
    "infeasible": "Locked placements cannot all be kept",
    "error": "Planning failed",
}

SUMMARY_NOTES = {
    "learners_requested": "learners in every Demand row",
    "learners_placed": "learners given a placement",
    "weighted_placed": "learners placed, each counted at its priority (tier 1)",
    "bound": "proven upper bound on weighted_placed",
    "gap": "share by which weighted_placed may fall short of the bound (0 = proven best)",
    "min_group_fill": "smallest share placed of any university x profession group",
    "kept_from_previous": "learners kept where the previous plan had them",
    "preferred_placed": "learners placed at one of their preferred sites",
    "learner_km": "sum of straight-line km from learners to their sites",
    "status": "how the solver finished",
    "solve_seconds": "time spent solving",
    "learners_moved": "learners of the previous plan not kept at the same group, site, setting and start week",
    "solver_notes": "what the optimiser says about this plan: a tier proven only to a tolerance "
                    "(learner-km on big plans, to 0.05 %), a bound it could not tighten in time, "
                    "or trouble it hit",
    "variety_repeats": "times a site comes round again in the same learner's journey (the variety tier; "
                       "0 = every placement of each journey at a different site)",
}

_SHARES = {"gap", "min_group_fill"}
_MISSING = {"bound": "no proven bound", "gap": "not known (no proven bound)"}


def shown_as(key: str, value) -> str:
    """One Summary figure as a person reads it: 96.0 %, 0.5 s, 14,739, "Best possible plan"."""
    if value is None or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return _MISSING.get(key, "not known")
    if key == "status":
        return STATUS_WORDS.get(str(value), str(value).replace("_", " ").capitalize())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, numbers.Real):
        return str(value)
    if key in _SHARES or key.endswith(("_fill", "_share", "utilisation")):
        return f"{100 * float(value):.1f} %"
    if key.endswith("_seconds"):
        return duration(float(value))
    if key.endswith("_km"):
        return f"{float(value):,.0f} km"
    return count(value)


def count(value) -> str:
    """Whole numbers with thousands separators; other numbers to one decimal place."""
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def summary_frame(summary: dict) -> pd.DataFrame:
    keys = list(summary)
    return pd.DataFrame({"key": keys, "value": [summary[k] for k in keys],
                         "shown_as": [shown_as(k, summary[k]) for k in keys],
                         "meaning": [SUMMARY_NOTES.get(k, "") for k in keys]}, dtype=object)


# ---- the "About this workbook" sheet ----------------------------------------------------

SHEET_NOTES = {
    "Summary": "The plan's headline figures, one row per figure.",
    "Allocations": "The plan: one row per demand group x site x setting x start week with learners "
                   "placed. Open this workbook in the planner again and this sheet is the previous plan.",
    "Unplaced": "One row per demand group with learners left over, and why in words.",
    "Gaps": "Places against learners, one row per profession x region x ICB (column ics) x week. Demand is "
            "counted in the group's own region / ICB when given, else in that of its nearest eligible site.",
    "Utilisation": "How full each site's places are, one row per site x profession x setting.",
    ABOUT_SHEET: "This sheet: what every sheet and column holds.",
    "Advice": "Where more places would place the most learners: one Capacity row to add per "
              "recommendation, best first, each measured on its own against this plan.",
    "Advice package": "The top 1, 2, ... recommendations added together: cumulative learners placed and "
                      "cost, so diminishing returns show.",
    "Smoothing": "Per profession x region: the busiest week of demand, and how many more learners would be "
                 "placed if starts could move 1, 2 or 4 weeks (re-planned).",
    "Journeys": "One row per placed learner per placement of a journey, so each learner's path can be "
                "followed.",
    "Compare": "One row per scenario, baseline first: the Summary figures and learners moved.",
    "Compare by area": "Unmet learners by scenario, profession and region, and the change against the "
                       "baseline.",
    "Moves": "Learners of the baseline plan placed elsewhere (or not at all) in a scenario.",
    "Sites": "Your Sites sheet as it was loaded (one row per placement site).",
    "Capacity": "Your Capacity sheet as it was loaded (one row per block of places a site offers).",
    "Demand": "Your Demand sheet as it was loaded (one row per group of learners needing a placement).",
    "Locked": "Your Locked sheet as it was loaded (allocations already agreed; every plan keeps them).",
    "Settings": "The settings this plan was made with, as key and value rows.",
    "Scenarios": "Your Scenarios sheet as it was loaded (what-if changes; rows sharing a name form one "
                 "scenario).",
}

_SHARED = {
    "demand_id": "the demand group's id, from Demand",
    "hei": "education provider (university, college) of the group",
    "profession": "profession of the learners or places",
    "setting": "setting of the places (blank = a general pool)",
    "site_id": "the site's id, from Sites",
    "site_name": "the site's name, from Sites",
    "provider": "organisation running the site (NHS trust, GP practice, ...)",
    "hub": "training or placement hub of the site",
    "ics": "Integrated Care Board (ICB); the column keeps the contract's name ics",
    "region": "NHS England region",
    "start_date": "first day (a Monday) of the placement, dd/mm/yyyy",
    "weeks": "consecutive weeks on placement",
    "learners": "learners in this row",
    "learners_moved": "learners of the previous plan not kept at the same group, site, setting and start week",
    "unmet_learners": "learners needing a placement who have none",
    "site_quality": "the site's quality flag from Sites (ok, monitor)",
}

COLUMN_NOTES = {
    "Summary": {"key": "name of the figure (as in the planner's JSON summary)",
                "value": "the exact figure, a number where it is one",
                "shown_as": "the same figure rounded and labelled for reading",
                "meaning": "what the figure counts"},
    "Allocations": {"start_date": "the Monday the placement starts, dd/mm/yyyy",
                    "learners": "learners of the group placed at this site, setting and start week",
                    "distance_km": "straight-line km from where the group travels from to the site "
                                   "(blank when the group has no location)",
                    "locked": "TRUE when the row comes from the Locked sheet"},
    "Unplaced": {"start_date": "first day (a Monday) the group asked for, dd/mm/yyyy",
                 "learners_requested": "learners in the group",
                 "learners_unplaced": "learners of the group without a placement",
                 "reason": "why they could not be placed, in words",
                 "setting": "setting the group asked for (blank = any)",
                 "learners_placed": "learners of the group that were placed",
                 "reason_code": "short code of the reason, for filtering (for a journey's row, the "
                                "code of what kept the journey out; required_setting, journey: see the reason)",
                 "fix": "advise only: the single change that would place the most of the group, in words",
                 "fix_learners": "advise only: how many of its learners that change places (re-planned)",
                 "fix": "the single change that would place the most of this group's learners",
                 "fix_learners": "learners that change would place (re-planned)"},
    "Gaps": {"week_start": "the Monday of the week, dd/mm/yyyy",
             "capacity_places": "places offered that week",
             "demand_learners": "learners needing a placement that week",
             "allocated_learners": "learners placed that week",
             "unmet_learners": "learners needing a placement that week who have none",
             "spare_places": "places offered that week and not used"},
    "Utilisation": {"place_weeks_offered": "places x weeks offered",
                    "place_weeks_used": "learners x weeks placed",
                    "utilisation": "share of the offered place-weeks used"},
    "Settings": {"key": "the setting's name", "value": "its value"},
    "Advice": {"rank": "1 = the recommendation placing the most", "start_date": "first day of the new places",
               "end_date": "last day of the new places", "places": "places per week to add",
               "extra_learners_placed": "learners this row would place on top of this plan (re-planned)",
               "extra_weighted_placed": "the same, each learner counted at its priority",
               "cost": "places x weeks x the profession's weekly tariff",
               "cost_per_extra_learner": "cost divided by extra_learners_placed"},
    "Journeys": {"journey": "the journey the placements belong to",
                 "demand_id": "the journey's Demand row this placement fills",
                 "learner": "which learner of the journey (1, 2, ...): follow one number down the sheet "
                            "for that learner's path",
                 "setting": "setting of the places this learner has",
                 "start_date": "the Monday this placement starts, dd/mm/yyyy",
                 "weeks": "consecutive weeks on this placement",
                 "hei": "education provider of the journey's learners",
                 "profession": "profession of the journey's learners"},
    "Compare": {"scenario": "the scenario's name (baseline first)"},
    "Compare by area": {"scenario": "the scenario's name", "change_vs_baseline": "unmet learners minus the "
                        "baseline's (negative = fewer unmet)"},
    "Moves": {"scenario": "the scenario's name", "from_site_id": "site in the baseline plan",
              "to_site_id": "site in the scenario (blank = unplaced)", "from_start": "start in the baseline plan",
              "to_start": "start in the scenario"},
    ABOUT_SHEET: {"sheet": "the sheet described", "column": "the column described (blank: the sheet "
                  "itself)", "meaning": "what it holds"},
}

_INPUT_NOTES = {
    "Sites": {"provider_type": "acute, mental health, community, primary care, ambulance, independent, "
                               "social care",
              "latitude": "WGS84 degrees", "longitude": "WGS84 degrees",
              "pcn": "primary care network of the site",
              "postcode": "the site's postcode", "quality": "ok, monitor (used, flagged) or suspended "
                                                            "(never used)"},
    "Capacity": {"start_date": "first day the places are offered", "end_date": "last day the places are "
                 "offered", "places": "learners hosted at once in every week of the range"},
    "Demand": {"start_date": "first day of the placement", "setting": "required setting (blank = any)",
               "year": "year of study", "latitude": "where the learners travel from (WGS84 degrees)",
               "longitude": "where the learners travel from (WGS84 degrees)",
               "postcode": "where the learners travel from",
               "max_travel_km": "straight-line travel limit (blank = the default_max_travel_km setting)",
               "ics": "only sites in this ICB are eligible", "region": "only sites in this region "
               "are eligible", "priority": "weight of a placed learner (default 1)",
               "preferred_sites": "comma-separated site ids the group would like",
               "flex_weeks": "the start may move up to this many weeks earlier or later",
               "journey": "rows sharing a journey are successive placements of the same learners",
               "required_settings": "settings each learner of the journey must have"},
    "Locked": {"learners": "learners agreed at this site"},
}
_SCHEMAS = {s.name: s for s in INPUT_SHEETS}
OWN_COLUMN = "your own column, kept as loaded; the planner does not use it"


def column_meaning(sheet: str, column: str, source: bool = False) -> str:
    """What one column of a written sheet holds; ``source`` sheets keep the user's own headers."""
    notes = COLUMN_NOTES.get(sheet, {})
    if not source:
        return notes.get(column) or _SHARED.get(column, "")
    schema = _SCHEMAS.get(sheet)
    matched = schema.match(column) if schema is not None else None
    if matched is None:
        return OWN_COLUMN
    meaning = (_INPUT_NOTES.get(sheet, {}).get(matched.name) or _SHARED.get(matched.name)
               or f"the planner's {matched.name} column")
    return meaning if matched.name == column else f"{meaning} (read as {matched.name})"


def about_frame(sheets: list[tuple[str, list[str], bool]]) -> pd.DataFrame:
    """Rows for the About sheet from (sheet name, column headers, is an input sheet) in order."""
    rows = []
    for name, columns, source in sheets:
        rows.append((name, "", SHEET_NOTES.get(name, "An extra sheet from your input, kept as loaded.")))
        rows.extend((name, str(c), column_meaning(name, str(c), source)) for c in columns)
    return pd.DataFrame(rows, columns=ABOUT_COLUMNS, dtype=object)
