"""Synthetic demand: real universities' accredited programmes split into placement groups (the `Demand` sheet)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner import reference as ref
from placement_planner.generate.profiles import (DEMAND_SETTINGS, PRIORITY_PROFESSIONS, PROFESSION_SHARE,
                                                 AcademicYear, Scale)
from placement_planner.generate.sites import _nearest, _practices_located


def programmes(scale: Scale) -> pd.DataFrame:
    """(hei, profession, campus latitude/longitude, icb, region, courses) in the scale's area.

    Physician associate courses are placed at the medical schools and clinical psychology
    doctorates at medical schools that also train mental health nurses (no open list of either).
    """
    courses = ref.hei_courses()
    med = courses[courses["profession"] == "Medicine"]
    pa = med.assign(profession="Physician Assistant", courses=1)
    mh = set(courses.loc[courses["profession"] == "Mental Health Nursing", "hei"])
    psych = med[med["hei"].isin(mh)].assign(profession="Clinical Psychology", courses=1)
    table = pd.concat([courses, pa, psych], ignore_index=True)
    table = table[table["profession"].isin(PROFESSION_SHARE)]
    prac = _practices_located()
    near = _nearest(table["latitude"], table["longitude"], prac)
    icbs = ref.current_icbs().set_index("icb_code")
    table["icb_code"] = prac["icb_code"].to_numpy()[near]
    table["region_code"] = icbs.loc[table["icb_code"], "region_code"].to_numpy()
    table["ics"] = icbs.loc[table["icb_code"], "icb_name"].to_numpy()
    table["region"] = icbs.loc[table["icb_code"], "region_name"].to_numpy()
    if scale.icb_code:
        table = table[table["icb_code"] == scale.icb_code]
    elif scale.region_code:
        table = table[table["region_code"] == scale.region_code]
    return table.sort_values(["hei", "profession"]).reset_index(drop=True)


def _largest_remainder(weights: np.ndarray, total: int, minimum: int = 1) -> np.ndarray:
    raw = weights / weights.sum() * total
    out = np.maximum(np.floor(raw).astype(np.int64), minimum)
    short = total - out.sum()
    if short > 0:
        out[np.argsort(raw - np.floor(raw))[::-1][:short]] += 1
    return out


def _group_sizes(n: int, rng: np.random.Generator) -> list[int]:
    """Split a cohort into groups of 1-20: some single learners, mostly small groups."""
    sizes = []
    while n > 0:
        size = 1 if rng.random() < 0.15 else int(min(20, 2 + rng.geometric(0.16)))
        size = min(size, n)
        sizes.append(size)
        n -= size
    return sizes


def build_demand(scale: Scale, rng: np.random.Generator, year: AcademicYear) -> pd.DataFrame:
    """Demand rows with internal `_` columns (campus key, nominal start week) for the capacity builder."""
    prog = programmes(scale)
    share = prog["profession"].map(PROFESSION_SHARE).to_numpy()
    per_prof = prog.groupby("profession")["courses"].transform("sum").to_numpy()
    noise = rng.lognormal(0.0, 0.35, len(prog))
    learners = _largest_remainder(share * prog["courses"].to_numpy() / per_prof * noise, scale.learners)
    rows: list[dict] = []
    for prog_row, total in zip(prog.itertuples(index=False), learners):
        by_year = _largest_remainder(np.array([0.36, 0.33, 0.31]), int(total), minimum=0)
        for study_year, year_total in enumerate(by_year, start=1):
            if year_total == 0:
                continue
            periods = int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))
            terms = np.sort(rng.choice(len(year.terms), size=periods, replace=False))
            for term, period_total in zip(terms, _largest_remainder(np.ones(periods), int(year_total), 0)):
                first, last = year.terms[term]
                start = int(rng.integers(first, max(first, last - 5) + 1))
                weeks = int(rng.integers(4, 13))
                for size in _group_sizes(int(period_total), rng):
                    group_start = start + int(rng.integers(0, 2))
                    group_weeks = weeks
                    if rng.random() > 0.08:   # most groups stay inside the term
                        group_weeks = max(1, min(weeks, last - group_start + 1))
                    rows.append(_row(prog_row, size, study_year, group_start, group_weeks, rng))
    demand = pd.DataFrame(rows)
    demand.insert(0, "demand_id", [f"DG{i + 1:06d}" for i in range(len(demand))])
    days = np.where(rng.random(len(demand)) < 0.1, rng.integers(1, 5, len(demand)), 0)
    demand["start_date"] = pd.to_datetime(year.week0) + pd.to_timedelta(demand["_start_week"] * 7 + days, unit="D")
    return demand


def _row(prog, size: int, study_year: int, start: int, weeks: int, rng: np.random.Generator) -> dict:
    setting = ""
    draw = rng.random()
    for name, prob in DEMAND_SETTINGS.get(prog.profession, ()):
        if draw < prob:
            setting = name
            break
        draw -= prob
    priority = 1.0
    if prog.profession in PRIORITY_PROFESSIONS:
        priority = float(rng.choice([1.0, 1.5, 2.0], p=[0.5, 0.4, 0.1]))
    elif study_year == 3 and rng.random() < 0.1:
        priority = 1.5
    restrict = rng.random()
    flex = int(rng.choice([1, 2])) if rng.random() < 0.15 else 0
    return {
        "hei": prog.hei, "profession": prog.profession, "learners": size, "weeks": weeks,
        "setting": setting, "year": study_year,
        "latitude": round(float(prog.latitude), 5), "longitude": round(float(prog.longitude), 5),
        "max_travel_km": np.nan, "ics": prog.ics if restrict < 0.05 else "",
        "region": prog.region if 0.05 <= restrict < 0.10 else "", "priority": priority,
        "preferred_sites": "", "flex_weeks": flex, "_start_week": start,
        "_campus": f"{prog.hei}|{prog.campus_id}", "_region": prog.region,
    }
