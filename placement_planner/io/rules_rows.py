"""Rules for Capacity, Demand, Locked and Allocations rows (see rules.py for the shared ones)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import (Where, _err, _warn, check_coordinates, check_known_sites,
                                        check_unique, fill_from_postcodes, normalise_geography,
                                        normalise_professions, normalise_settings)

LONG_PLACEMENT_WEEKS = 52


def check_capacity(frame: pd.DataFrame, sites: pd.DataFrame, where: Where, problems: ProblemList) -> np.ndarray:
    site_ids = set(sites["site_id"])
    bad = check_known_sites(frame, "site_id", site_ids, where, problems)
    bad |= normalise_professions(frame, where, problems)
    normalise_settings(frame)
    start, end = frame["start_date"], frame["end_date"]
    backwards = (end < start).to_numpy()
    for i in np.flatnonzero(backwards):
        _err(problems, where, frame["row"].iat[i], "end_date",
             f"{where.h('end_date')} {end.iat[i]:%d/%m/%Y} is before {where.h('start_date')} "
             f"{start.iat[i]:%d/%m/%Y}. Swap them or correct the dates.", f"{end.iat[i]:%d/%m/%Y}")
    note_midweek_starts(frame, where, problems)
    negative = (frame["places"] < 0).to_numpy()
    for i in np.flatnonzero(negative):
        _err(problems, where, frame["row"].iat[i], "places",
             f"{where.h('places')} cannot be negative ({int(frame['places'].iat[i])}). Enter 0 or more.",
             int(frame["places"].iat[i]))
    suspended = set(sites.loc[sites["quality"] == "suspended", "site_id"])
    if suspended:
        at = frame["site_id"].isin(suspended).to_numpy() & ~bad
        for site in sorted(set(frame.loc[at, "site_id"])):
            rows = frame.loc[frame["site_id"] == site, "row"]
            _warn(problems, where, rows.iat[0], "site_id",
                  f"Site '{site}' is suspended in Sites: its {len(rows)} capacity row(s) will not be used "
                  f"until its quality is ok or monitor.", site)
    return bad | backwards | negative


def check_demand(frame: pd.DataFrame, sites: pd.DataFrame, where: Where, problems: ProblemList) -> np.ndarray:
    bad = check_unique(frame, "demand_id", where, problems)
    bad |= normalise_professions(frame, where, problems)
    normalise_settings(frame)
    normalise_geography(frame, where, problems, required=False)
    fill_from_postcodes(frame, where, problems)
    bad |= check_coordinates(frame, where, problems)
    rows = frame["row"]
    for column, lowest, what in (("learners", 1, "at least 1"), ("weeks", 1, "at least 1"),
                                 ("flex_weeks", 0, "0 or more"), ("year", 1, "1 or more")):
        low = (frame[column] < lowest).to_numpy()
        for i in np.flatnonzero(low):
            _err(problems, where, rows.iat[i], column,
                 f"{where.h(column)} must be {what} (found {frame[column].iat[i]:g}).", f"{frame[column].iat[i]:g}")
        bad |= low
    long = (frame["weeks"] > LONG_PLACEMENT_WEEKS).to_numpy()
    for i in np.flatnonzero(long):
        _warn(problems, where, rows.iat[i], "weeks",
              f"A placement of {int(frame['weeks'].iat[i])} weeks is longer than a year. Check the number.")
    for column, what in (("max_travel_km", "travel limit"), ("priority", "priority")):
        low = (frame[column] <= 0).to_numpy()
        for i in np.flatnonzero(low):
            _err(problems, where, rows.iat[i], column,
                 f"The {what} must be more than 0 (found {frame[column].iat[i]:g}). Leave it blank for the "
                 f"default.", f"{frame[column].iat[i]:g}")
        bad |= low
    note_midweek_starts(frame, where, problems)
    frame["priority"] = frame["priority"].fillna(1.0)
    frame["flex_weeks"] = frame["flex_weeks"].fillna(0)
    _check_restrictions(frame, sites, where, problems)
    frame["preferred_sites"] = _preferred_sites(frame, set(sites["site_id"]), where, problems)
    return bad


def note_midweek_starts(frame, where, problems) -> None:
    """One note per sheet for start dates that are not Mondays: the typed date is kept and the
    row is planned from the Monday of its week (the contract's week grid)."""
    start = pd.to_datetime(frame["start_date"], errors="coerce")
    off = (start.dt.day_of_week > 0).to_numpy() & start.notna().to_numpy()
    if not off.any():
        return
    idx = np.flatnonzero(off)
    first = start.iloc[idx[0]]
    monday = first - pd.Timedelta(days=int(first.day_of_week))
    _warn(problems, where, frame["row"].iat[idx[0]], "start_date",
          f"{len(idx)} start date(s) fall mid-week; planned from their Monday (the typed dates are kept). "
          f"The first, {first:%a %d/%m/%Y} on this row, is planned in the week of {monday:%a %d/%m/%Y}.",
          f"{first:%d/%m/%Y}")


def _check_restrictions(frame, sites, where, problems) -> None:
    for column in ("ics", "region"):
        known = set(sites[column])
        seen: set[str] = set()
        for i, value in enumerate(frame[column].tolist()):
            if value and value not in known and value not in seen:
                seen.add(value)
                _warn(problems, where, frame["row"].iat[i], column,
                      f"No site in Sites is in {where.h(column)} '{value}', so rows restricted to it cannot be "
                      f"placed. Check the name.", value)


def _preferred_sites(frame, site_ids: set[str], where, problems) -> list[tuple[str, ...]]:
    out = []
    read: dict[str, tuple[str, ...]] = {}    # each distinct text split once (most rows are blank)
    for i, text in enumerate(frame["preferred_sites"].tolist()):
        if isinstance(text, (tuple, list)):
            ids = tuple(text)
        elif type(text) is str and text in read:
            ids = read[text]
        else:
            ids = tuple(s.strip() for s in str(text).replace(";", ",").split(",") if s.strip())
            if type(text) is str:
                read[text] = ids
        for site in ids:
            if site not in site_ids:
                _warn(problems, where, frame["row"].iat[i], "preferred_sites",
                      f"Preferred site '{site}' is not in the Sites sheet; the preference for it has no "
                      f"effect.", site)
        out.append(ids)
    return out


def check_locked(frame: pd.DataFrame, demand: pd.DataFrame, sites: pd.DataFrame, capacity: pd.DataFrame,
                 where: Where, problems: ProblemList) -> np.ndarray:
    from placement_planner.names import did_you_mean

    ids = set(demand["demand_id"].tolist())
    unknown = ~frame["demand_id"].isin(ids).to_numpy()
    ordered = sorted(ids)
    for i in np.flatnonzero(unknown):
        value = frame["demand_id"].iat[i]
        guess = did_you_mean(value, ordered, cutoff=0.75)
        tip = f" Did you mean '{guess}'?" if guess else ""
        _err(problems, where, frame["row"].iat[i], "demand_id",
             f"Locked row names {where.h('demand_id')} '{value}', which is not in the Demand sheet.{tip}", value)
    bad = unknown | check_known_sites(frame, "site_id", set(sites["site_id"]), where, problems)
    normalise_settings(frame)
    low = (frame["learners"] < 1).to_numpy()
    for i in np.flatnonzero(low):
        _err(problems, where, frame["row"].iat[i], "learners",
             f"Locked {where.h('learners')} must be at least 1 (found {frame['learners'].iat[i]:g}).")
    bad |= low
    bad |= _locked_over_group(frame, demand, bad, where, problems)
    bad |= _locked_site_usable(frame, demand, sites, capacity, bad, where, problems)
    return bad


def _locked_over_group(frame, demand, bad, where, problems) -> np.ndarray:
    requested = dict(zip(demand["demand_id"].tolist(), demand["learners"].tolist()))
    totals = frame.loc[~bad].groupby("demand_id")["learners"].sum()
    over = np.zeros(len(frame), dtype=bool)
    for demand_id, total in totals.items():
        if total > requested.get(demand_id, np.inf):
            idx = np.flatnonzero((frame["demand_id"] == demand_id).to_numpy() & ~bad)
            _err(problems, where, frame["row"].iat[idx[0]], "learners",
                 f"Locked rows give demand '{demand_id}' {int(total)} learners but the group has only "
                 f"{int(requested[demand_id])}. Reduce the locked learners.", int(total))
            over[idx] = True
    return over


def _locked_site_usable(frame, demand, sites, capacity, bad, where, problems) -> np.ndarray:
    profession = dict(zip(demand["demand_id"].tolist(), demand["profession"].tolist()))
    quality = dict(zip(sites["site_id"].tolist(), sites["quality"].tolist()))
    offered = set(zip(capacity["site_id"].tolist(), capacity["profession"].tolist()))
    out = np.zeros(len(frame), dtype=bool)
    for i in np.flatnonzero(~bad):
        site, did = frame["site_id"].iat[i], frame["demand_id"].iat[i]
        if quality.get(site) == "suspended":
            _err(problems, where, frame["row"].iat[i], "site_id",
                 f"Site '{site}' is suspended, so the locked allocation of '{did}' there cannot be kept. "
                 f"Remove the row or change the site's quality.", site)
            out[i] = True
        elif (site, profession.get(did)) not in offered:
            _err(problems, where, frame["row"].iat[i], "site_id",
                 f"Site '{site}' offers no {profession.get(did)} places in Capacity, so the locked "
                 f"allocation of '{did}' cannot be kept.", site)
            out[i] = True
    return out


def check_allocations(frame: pd.DataFrame, demand: pd.DataFrame, sites: pd.DataFrame,
                      where: Where, problems: ProblemList) -> np.ndarray:
    """A previous plan only guides tier 3, so what does not match today's data is a WARNING."""
    unknown_demand = ~frame["demand_id"].isin(set(demand["demand_id"])).to_numpy()
    for i in np.flatnonzero(unknown_demand):
        _warn(problems, where, frame["row"].iat[i], "demand_id",
              f"The previous plan names {where.h('demand_id')} '{frame['demand_id'].iat[i]}', which is not in "
              f"Demand; that row is not used.", frame["demand_id"].iat[i])
    unknown_site = check_known_sites(frame, "site_id", set(sites["site_id"]), where, problems, error=False)
    normalise_settings(frame)
    low = (frame["learners"] < 1).to_numpy()
    for i in np.flatnonzero(low):
        _warn(problems, where, frame["row"].iat[i], "learners",
              "A previous-plan row with fewer than 1 learner is not used.")
    return unknown_demand | unknown_site | low
