"""The `trust` scale: one acute and community trust planning its nursing learners' year as journeys.

About 150 wards and community teams of Northumbria Healthcare NHS Foundation Trust (a real acute
and community trust; its ODS code, ICB and region come from `reference/`, the wards are invented)
host 2,000 nursing learners of the two universities near it, each on a journey of 4 placements
over the academic year that must cover "acute, community". Learners of one cohort share their
placement dates; a cohort is split into per-learner journeys (learners = 1) and group journeys
(learners > 1). Windows never overlap, flex included. Capacity is one row per ward and
profession for the year, sized a little above the busiest week (Children's Nursing a little
below it, so a few journeys are short of places, as in real trusts).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from placement_planner import reference as ref
from placement_planner.generate.profiles import AcademicYear, academic_year
from placement_planner.generate.sites import _locality, _practices_located, _snap
from placement_planner.geo import haversine_km

TRUST_CODE = "RTF"                    # Northumbria Healthcare NHS Foundation Trust
TRUST_LEARNERS = 2_000
PLACEMENTS = 4
REQUIRED = "acute, community"
# (ukprn, short code) of the universities whose nursing students the trust hosts.
HEIS = (("10001282", "NU"), ("10007159", "SU"))
# profession -> (short code, share of learners)
PROFESSIONS = {"Adult Nursing": ("AN", 0.75), "Children's Nursing": ("CN", 0.13), "Nursing Associate": ("NA", 0.12)}
# Where wards are: (kind, wards, suffix). The first acute location is the trust's headquarters.
LOCATIONS = (("acute", 40, "General Hospital"), ("acute", 28, "Hospital"), ("acute", 24, "Hospital"),
             ("acute", 14, "Specialist Care Centre"), ("community", 8, "Community Hospital"),
             ("community", 8, "Community Hospital"), ("community", 7, "Health Centre"),
             ("community", 7, "Health Centre"), ("community", 7, "Community Nursing Base"),
             ("community", 7, "Community Nursing Base"))
ACUTE_WARDS = ("Cardiology", "Respiratory", "Gastroenterology", "Elderly Care", "Stroke Unit", "General Surgery",
               "Orthopaedics", "Urology", "Acute Medical Unit", "Emergency Department", "Critical Care", "Renal",
               "Oncology", "Haematology", "Diabetes and Endocrine", "Vascular Surgery", "Surgical Assessment",
               "Day Surgery", "Gynaecology", "Frailty Unit", "Rehabilitation", "Coronary Care")
CHILDREN_WARDS = ("Children's Ward", "Paediatric Assessment Unit", "Neonatal Unit")
COMMUNITY_TEAMS = ("District Nursing Team", "Community Ward", "Community Children's Nursing Team",
                   "Rehabilitation Team", "Rapid Response Team", "Palliative Care Team", "Tissue Viability Service",
                   "Continence Service", "Long Term Conditions Team")
CAPACITY_FACTOR = {"Adult Nursing": 1.08, "Children's Nursing": 0.85, "Nursing Associate": 1.1}
COMMUNITY_SHARE = 0.34
SITE_COLUMNS = ["site_id", "site_name", "provider", "provider_type", "hub", "pcn", "ics", "region",
                "latitude", "longitude", "postcode", "quality"]
DEMAND_COLUMNS = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "setting", "year",
                  "latitude", "longitude", "max_travel_km", "priority", "flex_weeks", "journey",
                  "required_settings"]     # of the busiest week's learners, offered in community settings


def trust_tables(seed: int = 1, learners: int = TRUST_LEARNERS, ward_share: float = 1.0) -> dict[str, pd.DataFrame]:
    """Sites, Capacity, Demand (with journey and required_settings) and Settings for the trust scale.

    ``learners`` and ``ward_share`` (of the 150 wards) shrink it for the demo-sized sample."""
    rng = np.random.default_rng([seed, 2000])
    year = academic_year()
    trust = ref.trusts().set_index("ods_code").loc[TRUST_CODE]
    sites = _wards(trust, rng, ward_share)
    demand = _journeys(rng, year, sites, learners)
    capacity = _capacity(sites, demand, year, rng)
    settings = pd.DataFrame({"key": ["default_max_travel_km", "time_limit_s"], "value": [50, 60]})
    return {"Sites": sites[SITE_COLUMNS], "Capacity": capacity, "Demand": demand[DEMAND_COLUMNS],
            "Settings": settings}


def _wards(trust: pd.Series, rng: np.random.Generator, share: float = 1.0) -> pd.DataFrame:
    icbs = ref.current_icbs().set_index("icb_code")
    icb = trust["icb_code"]
    hq = ref.locate(trust["postcode"])
    prac = _practices_located()
    prac = prac[prac["icb_code"] == icb].reset_index(drop=True)
    km = haversine_km(hq[0], hq[1], prac["latitude"].to_numpy(), prac["longitude"].to_numpy())
    near = np.flatnonzero((km > 4) & (km < 22))
    chosen = rng.choice(near, size=len(LOCATIONS) - 1, replace=False)
    lats, lons, at = _snap(prac["latitude"].to_numpy()[chosen], prac["longitude"].to_numpy()[chosen],
                           [icb] * len(chosen), prac, rng)
    provider = ref.tidy_name(trust["name"])
    hub = f"{ref.short_icb_name(icbs.loc[icb, 'icb_name'])} Clinical Placement Hub"
    rows, used_places = [], set()
    counters = {"acute": 0, "community": 0}
    for n, (kind, wards, suffix) in enumerate(LOCATIONS):
        if n == 0:
            place, postcode, lat, lon = ref.tidy_name(trust["town"]), trust["postcode"], hq[0], hq[1]
        else:
            j = at[n - 1]
            place = _locality(prac["pcn_name"].iat[j]) or f"Site {n}"
            postcode, lat, lon = prac["postcode"].iat[j], lats[n - 1], lons[n - 1]
        while place in used_places:
            place = f"{place} {n}"
        used_places.add(place)
        names = _ward_names(kind, wards if share >= 1 else max(4, round(wards * share)),
                            n == 0 or suffix == "Hospital")
        for name in names:
            counters[kind] += 1
            prefix = "W" if kind == "acute" else "C"
            rows.append({
                "site_id": f"{TRUST_CODE}-{prefix}{counters[kind]:03d}",
                "site_name": f"{name}, {place} {suffix}", "provider": provider, "provider_type": kind,
                "hub": hub, "pcn": "", "ics": icbs.loc[icb, "icb_name"], "region": icbs.loc[icb, "region_name"],
                "latitude": round(float(lat), 5), "longitude": round(float(lon), 5), "postcode": postcode,
                "quality": "ok", "_children": "Child" in name or "Paediatric" in name or "Neonatal" in name,
            })
    sites = pd.DataFrame(rows)
    sites.loc[rng.random(len(sites)) < 0.03, "quality"] = "monitor"
    return sites


def _ward_names(kind: str, wards: int, children: bool) -> list[str]:
    if kind == "community":
        return [COMMUNITY_TEAMS[i % len(COMMUNITY_TEAMS)] + ("" if i < len(COMMUNITY_TEAMS) else " 2")
                for i in range(wards)]
    names = list(CHILDREN_WARDS) if children else []
    numbered = [f"Ward {i + 1} ({ACUTE_WARDS[i % len(ACUTE_WARDS)]})" for i in range(wards - len(names))]
    return numbered + names


def _cohort_windows(rng: np.random.Generator, year: AcademicYear) -> list[tuple[int, int]]:
    """(start week, weeks) of 4 placements, theory weeks between them, clear of Christmas and Easter."""
    dips = set(range(year.christmas[0], year.christmas[1] + 1)) | set(range(year.easter[0], year.easter[1] + 1))
    last_week = year.weeks - 2
    while True:
        out, week = [], 1 + int(rng.integers(0, 6))
        for _ in range(PLACEMENTS):
            weeks = int(rng.integers(4, 8))
            while any(w in dips for w in range(week, week + weeks)):
                week += 1
            out.append((week, weeks))
            week += weeks + int(rng.integers(3, 5))
        if out[-1][0] + out[-1][1] - 1 <= last_week:
            return out


def _split(n: int, rng: np.random.Generator) -> list[int]:
    """A cohort's journeys: about a quarter of its learners one by one, the rest in groups of 4-12."""
    singles = int(round(n * rng.uniform(0.18, 0.32)))
    sizes = [1] * singles
    rest = n - singles
    while rest > 0:
        size = min(rest, int(rng.integers(4, 13)))
        sizes.append(size)
        rest -= size
    return sizes


def _journeys(rng: np.random.Generator, year: AcademicYear, sites: pd.DataFrame,
              learners: int = TRUST_LEARNERS) -> pd.DataFrame:
    courses = ref.hei_courses()
    heis = {ukprn: code for ukprn, code in HEIS}
    courses = courses[courses["ukprn"].astype(str).isin(heis) & courses["profession"].isin(PROFESSIONS)]
    courses = courses.drop_duplicates(["ukprn", "profession"]).reset_index(drop=True)
    per_course = courses["courses"].to_numpy(dtype=float)
    totals = np.zeros(len(courses), dtype=np.int64)
    for profession, (_, share) in PROFESSIONS.items():
        idx = np.flatnonzero((courses["profession"] == profession).to_numpy())
        want = int(round(learners * share))
        split = np.floor(per_course[idx] / per_course[idx].sum() * want).astype(np.int64)
        split[0] += want - split.sum()
        totals[idx] = split
    totals[np.argmax(totals)] += learners - totals.sum()
    site_lat, site_lon = sites["latitude"].to_numpy(), sites["longitude"].to_numpy()
    week0 = pd.Timestamp(year.week0)
    rows = []
    for course, total in zip(courses.itertuples(index=False), totals):
        far = float(haversine_km(course.latitude, course.longitude, site_lat, site_lon).max())
        limit = float(math.ceil(far + 3)) if far > 50 else np.nan
        hei_code, prof_code = heis[str(course.ukprn)], PROFESSIONS[course.profession][0]
        years = (1, 2) if course.profession == "Nursing Associate" else (1, 2, 3)
        by_year = np.full(len(years), total // len(years))
        by_year[: total - by_year.sum()] += 1
        for study_year, year_total in zip(years, by_year):
            intakes = max(1, math.ceil(year_total / 70))
            per_intake = np.full(intakes, year_total // intakes)
            per_intake[: year_total - per_intake.sum()] += 1
            for k, cohort_size in enumerate(per_intake):
                windows = _cohort_windows(rng, year)
                flex = 1 if rng.random() < 0.2 else 0
                cohort = f"{hei_code}-{prof_code}-Y{study_year}{chr(ord('A') + k)}"
                for j, size in enumerate(_split(int(cohort_size), rng), start=1):
                    journey = f"{cohort}-{j:03d}"
                    everywhere = rng.random() < 0.3
                    for p, (start, weeks) in enumerate(windows, start=1):
                        setting = ""
                        if study_year == 3 and p == PLACEMENTS and course.profession == "Adult Nursing" \
                                and rng.random() < 0.5:
                            setting = "acute"   # the final (management) placement on a ward
                        rows.append({
                            "demand_id": f"{journey}-P{p}", "hei": course.hei, "profession": course.profession,
                            "learners": int(size), "start_date": week0 + pd.Timedelta(weeks=start),
                            "weeks": weeks, "setting": setting, "year": study_year,
                            "latitude": round(float(course.latitude), 5),
                            "longitude": round(float(course.longitude), 5), "max_travel_km": limit,
                            "priority": 1.0, "flex_weeks": flex, "journey": journey,
                            "required_settings": REQUIRED if (p == 1 or everywhere) else "",
                            "_start_week": start,
                        })
    return pd.DataFrame(rows)


def _capacity(sites: pd.DataFrame, demand: pd.DataFrame, year: AcademicYear,
              rng: np.random.Generator) -> pd.DataFrame:
    """One row per ward and profession for the year, places shared out by ward size."""
    week0 = pd.Timestamp(year.week0)
    rows = []
    for profession, factor in CAPACITY_FACTOR.items():
        mine = demand[demand["profession"] == profession]
        load = np.zeros(year.weeks + 4)
        for start, weeks, learners in zip(mine["_start_week"], mine["weeks"], mine["learners"]):
            load[start:start + weeks] += learners
        peak = load.max() * factor
        children = profession == "Children's Nursing"
        for kind, share in (("acute", 1.0 - COMMUNITY_SHARE + 0.1), ("community", COMMUNITY_SHARE)):
            pick = sites[(sites["provider_type"] == kind)]
            if kind == "acute":
                pick = pick[pick["_children"] == children]
            elif children:
                pick = pick[pick["site_name"].str.contains("Children")]
            elif profession == "Nursing Associate":
                pick = pick[~pick["site_name"].str.contains("Children")]
            if profession == "Nursing Associate" and kind == "acute":
                pick = pick.iloc[::2]          # not every ward takes nursing associates
            weights = rng.uniform(0.6, 1.4, len(pick))
            places = np.maximum(1, np.floor(weights / weights.sum() * peak * share)).astype(int)
            for site_id, n in zip(pick["site_id"], places):
                rows.append({"site_id": site_id, "profession": profession, "setting": kind,
                             "start_date": week0, "end_date": week0 + pd.Timedelta(weeks=year.weeks - 1, days=4),
                             "places": int(n)})
    return pd.DataFrame(rows).sort_values(["site_id", "profession"], kind="stable").reset_index(drop=True)
