"""The contract's rules for each sheet, on typed frames; every failure is collected.

Each ``check_*`` takes the typed frame (one row per data row, ``row`` = Excel row), a
``Where`` (sheet, file, the user's header names) and the ProblemList, and returns a
mask of rows with an ERROR (left out of the plan, never silently). The app runs the same
checks after an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.geo import haversine_km, in_uk
from placement_planner.io import geography
from placement_planner.io.problems import ProblemList
from placement_planner.names import (canonical_profession, canonical_quality, canonical_setting, did_you_mean,
                                     name_key, open_profession)


@dataclass
class Where:
    sheet: str
    file: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def h(self, column: str) -> str:
        return self.headers.get(column, column)


def _err(problems, where, row, column, message, value="") -> None:
    problems.error(where.sheet, int(row), where.h(column), message, value=value, file=where.file)


def _warn(problems, where, row, column, message, value="") -> None:
    problems.warning(where.sheet, int(row), where.h(column), message, value=value, file=where.file)


def check_unique(frame, column, where, problems) -> np.ndarray:
    """Every repeat of an id is an ERROR naming the first row that has it."""
    ids = frame[column]
    dup = ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()
    first = ~ids.duplicated(keep="first")
    first_row = dict(zip(ids[first].tolist(), frame["row"][first].tolist()))
    for i in np.flatnonzero(dup):
        value = ids.iat[i]
        _err(problems, where, frame["row"].iat[i], column,
             f"{where.h(column)} '{value}' is used twice (first on row {first_row[value]}). "
             f"Each {where.h(column)} must be unique: rename or remove one.", value)
    return dup


def normalise_professions(frame, where, problems) -> np.ndarray:
    """Known names and aliases -> the canonical profession; any other text is a profession of its
    own (never an error). A name close to a known one gets one WARNING per sheet and spelling."""
    bad = np.zeros(len(frame), dtype=bool)
    cache: dict[str, tuple[str, str | None]] = {}
    noted: dict[str, list[int]] = {}
    names = []
    for i, text in enumerate(frame["profession"].tolist()):
        if not text:
            names.append(text)
            continue
        if text not in cache:
            cache[text] = open_profession(text)
        name, note = cache[text]
        if note:
            noted.setdefault(text, []).append(int(frame["row"].iat[i]))
        names.append(name)
    for text, rows in noted.items():
        more = f" ({len(rows)} rows, the first shown)" if len(rows) > 1 else ""
        _warn(problems, where, rows[0], "profession", cache[text][1] + more, text)
    frame["profession"] = names
    return bad


def unify_open_professions(*frames: pd.DataFrame) -> None:
    """Professions the planner does not know match across sheets ignoring case and spacing: the
    first spelling met (Capacity before Demand) is used everywhere."""
    spelling: dict[str, str] = {}
    for frame in frames:
        if frame is None or "profession" not in frame:
            continue
        out = []
        for text in frame["profession"].tolist():
            if text and canonical_profession(text) is None:
                text = spelling.setdefault(name_key(text), text)
            out.append(text)
        frame["profession"] = out


def normalise_settings(frame) -> None:
    frame["setting"] = [canonical_setting(s) if s else "" for s in frame["setting"].tolist()]


def normalise_geography(frame, where, problems, *, required: bool) -> None:
    """Canonical ICS and region names; old ICB names mapped with a WARNING."""
    del required  # blank required cells were reported while typing
    cache_ics: dict[str, tuple[str, str | None]] = {}
    cache_region: dict[str, tuple[str, str | None]] = {}
    for column, cache, fn in (("ics", cache_ics, geography.canonical_ics),
                              ("region", cache_region, geography.canonical_region)):
        out = []
        for i, text in enumerate(frame[column].tolist()):
            if text not in cache:
                cache[text] = fn(text)
            name, note = cache[text]
            if note:
                _warn(problems, where, frame["row"].iat[i], column, note, text)
            out.append(name)
        frame[column] = out


def check_coordinates(frame, where, problems) -> np.ndarray:
    lat, lon = frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float)
    bad = np.zeros(len(frame), dtype=bool)
    half = np.isnan(lat) != np.isnan(lon)
    for i in np.flatnonzero(half):
        missing = "longitude" if np.isnan(lon[i]) else "latitude"
        _err(problems, where, frame["row"].iat[i], missing,
             f"{where.h(missing)} is blank but the other coordinate is given. Give both or neither.")
    both = ~np.isnan(lat) & ~np.isnan(lon)
    outside = both & ~in_uk(lat, lon)
    swapped = outside & in_uk(lon, lat)
    for i in np.flatnonzero(outside):
        tip = " Latitude and longitude look swapped." if swapped[i] else ""
        _err(problems, where, frame["row"].iat[i], "latitude",
             f"({lat[i]:g}, {lon[i]:g}) is outside the UK.{tip} Use WGS84 degrees: latitude about "
             f"50 to 56, longitude about -6 to 2 in England.", f"{lat[i]:g}, {lon[i]:g}")
    return bad | half | outside


def fill_from_postcodes(frame, where, problems) -> None:
    """Sites (or demand) with a postcode and no coordinates get the postcode's coordinates."""
    if "postcode" not in frame:
        return
    need = frame["latitude"].isna() & frame["longitude"].isna() & (frame["postcode"] != "")
    for i in np.flatnonzero(need.to_numpy()):
        found = geography.locate_postcode(frame["postcode"].iat[i])
        if found is None:
            _warn(problems, where, frame["row"].iat[i], "postcode",
                  f"Postcode '{frame['postcode'].iat[i]}' is not in the planner's postcode list, so this "
                  f"row has no coordinates (it cannot be matched by travel distance). "
                  f"Add latitude and longitude.", frame["postcode"].iat[i])
            continue
        frame.iat[i, frame.columns.get_loc("latitude")] = found[0]
        frame.iat[i, frame.columns.get_loc("longitude")] = found[1]


def check_sites(frame: pd.DataFrame, where: Where, problems: ProblemList) -> np.ndarray:
    bad = check_unique(frame, "site_id", where, problems)
    normalise_geography(frame, where, problems, required=True)
    check_postcode_distance(frame, where, problems)
    check_postcode_area(frame, where, problems)
    check_duplicate_names(frame, where, problems)
    fill_from_postcodes(frame, where, problems)
    bad |= check_coordinates(frame, where, problems)
    qualities = []
    for i, text in enumerate(frame["quality"].tolist()):
        q = canonical_quality(text)
        if q is None:
            _err(problems, where, frame["row"].iat[i], "quality",
                 f"'{text}' is not a quality value. Use ok, monitor or suspended (blank means ok).", text)
            bad[i] = True
        qualities.append(q or text)
    frame["quality"] = qualities
    for i in np.flatnonzero((frame["quality"] == "monitor").to_numpy()):
        _warn(problems, where, frame["row"].iat[i], "quality",
              f"Site '{frame['site_id'].iat[i]}' is under monitoring: it can be used and is flagged in "
              f"every view.")
    _check_region_matches_ics(frame, where, problems)
    return bad


POSTCODE_TOLERANCE_KM = 5.0


def check_postcode_distance(frame, where, problems, *, limit_km: float = POSTCODE_TOLERANCE_KM) -> None:
    """A WARNING, with the distance, where typed coordinates lie far from the row's postcode."""
    if "postcode" not in frame:
        return
    lat, lon = frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float)
    found = [geography.locate_postcode(pc) if pc else None for pc in frame["postcode"].tolist()]
    plat = np.array([f[0] if f else np.nan for f in found], dtype=float)
    plon = np.array([f[1] if f else np.nan for f in found], dtype=float)
    km = haversine_km(lat, lon, plat, plon)
    far = np.nan_to_num(km, nan=0.0) > limit_km
    far &= in_uk(np.nan_to_num(lat), np.nan_to_num(lon))    # outside the UK is an error of its own
    postcodes = frame["postcode"].tolist()
    for i in np.flatnonzero(far):
        _warn(problems, where, frame["row"].iat[i], "latitude",
              f"The coordinates ({lat[i]:.5f}, {lon[i]:.5f}) are {km[i]:.1f} km from postcode {postcodes[i]} "
              f"(more than {limit_km:g} km). Travel distances use the coordinates: correct them, or clear "
              f"them to use the postcode's.", f"{lat[i]:.5f}, {lon[i]:.5f}")


def check_postcode_area(frame, where, problems) -> None:
    """A WARNING where a site's ICB or region is not the one its postcode lies in (shipped lookup)."""
    if "postcode" not in frame:
        return
    rows, icbs, regions = frame["row"].tolist(), frame["ics"].tolist(), frame["region"].tolist()
    for i, postcode in enumerate(frame["postcode"].tolist()):
        areas = geography.areas_of_postcode(postcode) if postcode else []
        if not areas:
            continue
        icb, region = areas[0]
        if icbs[i] and icbs[i] not in {a[0] for a in areas}:
            _warn(problems, where, rows[i], "ics",
                  f"Postcode {postcode} is in {icb}, not '{icbs[i]}'. Check the ICB (or the "
                  f"postcode): demand restricted to an ICB and the capacity gaps use this column.", icbs[i])
        if regions[i] and regions[i] not in {a[1] for a in areas}:
            _warn(problems, where, rows[i], "region",
                  f"Postcode {postcode} is in the {region} region, not '{regions[i]}'. "
                  f"Check the region (or the postcode).", regions[i])


def check_duplicate_names(frame, where, problems) -> None:
    """One WARNING per site name (ignoring case and spacing) that more than one site uses."""
    if "site_name" not in frame:
        return
    keys = [" ".join(str(n).split()).casefold() for n in frame["site_name"].tolist()]
    seen: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            seen.setdefault(key, []).append(i)
    for key, idx in seen.items():
        if len(idx) > 1:
            ids = ", ".join(f"'{frame['site_id'].iat[i]}' (row {int(frame['row'].iat[i])})" for i in idx)
            _warn(problems, where, frame["row"].iat[idx[1]], "site_name",
                  f"{len(idx)} sites are called '{frame['site_name'].iat[idx[0]]}': {ids}. Lists, reports and "
                  f"the map cannot tell them apart; add what distinguishes them (ward, town).",
                  frame["site_name"].iat[idx[0]])


def _check_region_matches_ics(frame, where, problems) -> None:
    seen: dict[tuple[str, str], bool] = {}
    for i, (ics, region) in enumerate(zip(frame["ics"].tolist(), frame["region"].tolist())):
        if (ics, region) not in seen:
            expected = geography.region_of_icb(ics)
            seen[(ics, region)] = expected is None or expected == region
            if not seen[(ics, region)]:
                _warn(problems, where, frame["row"].iat[i], "region",
                      f"'{ics}' is in the {expected} region, not '{region}'. Check the region.", region)


def site_id_problem(value: str, site_ids, where, row, column, problems, *, error=True) -> None:
    guess = did_you_mean(value, site_ids, cutoff=0.75)
    tip = f" Did you mean '{guess}'?" if guess else " Add it to the Sites sheet or correct the id."
    (_err if error else _warn)(problems, where, row, column,
                               f"Site '{value}' is not in the Sites sheet.{tip}", value)


def check_known_sites(frame, column, site_ids: set[str], where, problems, *, error=True) -> np.ndarray:
    unknown = ~frame[column].isin(site_ids).to_numpy() & (frame[column] != "").to_numpy()
    ordered = sorted(site_ids)
    for i in np.flatnonzero(unknown):
        site_id_problem(frame[column].iat[i], ordered, where, frame["row"].iat[i], column, problems, error=error)
    return unknown
