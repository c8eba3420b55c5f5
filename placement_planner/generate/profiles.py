"""The assumptions behind the synthetic data: scales, the academic year, profession mix and who hosts whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.easter import easter


@dataclass(frozen=True)
class Scale:
    """How big a generated data set is and which part of England it covers."""

    name: str
    sites: int               # target number of sites (trusts' sites + practices + independent)
    learners: int            # target sum of Demand.learners
    icb_code: str = ""       # restrict to one ICB ...
    region_code: str = ""    # ... or to one NHS England region; neither = all of England
    independent: int = 0     # synthetic independent-sector sites
    locked: int = 5          # Locked rows
    gap_share: float = 0.12  # share of (profession, region) pairs given too few places


SCALES: dict[str, Scale] = {
    # Coventry and Warwickshire: four trusts and Coventry University.
    "demo": Scale("demo", sites=40, learners=300, icb_code="QWU", independent=2, locked=3),
    "region": Scale("region", sites=400, learners=15_000, region_code="Y62", independent=10, locked=6),
    "national": Scale("national", sites=3_000, learners=150_000, independent=65, locked=12),
}

# Share of placement learners by profession (roughly England's commissioned numbers).
PROFESSION_SHARE: dict[str, float] = {
    "Adult Nursing": 34.0, "Mental Health Nursing": 11.0, "Medicine": 9.0, "Midwifery": 7.0,
    "Children's Nursing": 6.0, "Nursing Associate": 6.0, "Paramedic": 4.5, "Physiotherapy": 4.2,
    "Occupational Therapy": 3.6, "Diagnostic Radiography": 2.6, "Operating Department Practice": 2.2,
    "Pharmacy": 2.2, "Learning Disabilities Nursing": 1.6, "Speech and Language Therapy": 1.4,
    "Physician Assistant": 1.2, "Dietetics": 0.9, "Clinical Psychology": 0.8,
    "Therapeutic Radiography": 0.6, "Podiatry": 0.6, "Orthoptics": 0.2,
}

# Weighted more often than 1 (national workforce priorities).
PRIORITY_PROFESSIONS = ("Midwifery", "Mental Health Nursing", "Learning Disabilities Nursing", "Paramedic")

# provider_type -> (profession, setting, relative size of a site's offer).
OFFERS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "acute": (
        ("Adult Nursing", "acute", 10), ("Adult Nursing", "theatres", 1.5), ("Children's Nursing", "acute", 4),
        ("Midwifery", "maternity", 5), ("Nursing Associate", "acute", 3),
        ("Operating Department Practice", "theatres", 3), ("Physiotherapy", "acute", 2),
        ("Occupational Therapy", "acute", 1.2), ("Speech and Language Therapy", "acute", 0.5),
        ("Diagnostic Radiography", "acute", 2), ("Therapeutic Radiography", "acute", 0.4),
        ("Dietetics", "acute", 0.6), ("Podiatry", "acute", 0.3), ("Orthoptics", "acute", 0.2),
        ("Medicine", "acute", 6), ("Pharmacy", "acute", 1.5), ("Physician Assistant", "acute", 1),
        ("Paramedic", "acute", 0.3), ("Mental Health Nursing", "acute", 0.3),
    ),
    "mental health": (
        ("Mental Health Nursing", "mental health", 10), ("Learning Disabilities Nursing", "mental health", 2),
        ("Clinical Psychology", "mental health", 3), ("Occupational Therapy", "mental health", 2),
        ("Nursing Associate", "mental health", 2), ("Medicine", "mental health", 1.5),
        ("Pharmacy", "mental health", 0.3), ("Physician Assistant", "mental health", 0.3),
    ),
    "community": (
        ("Adult Nursing", "community", 8), ("Children's Nursing", "community", 2),
        ("Nursing Associate", "community", 2), ("Learning Disabilities Nursing", "community", 1),
        ("Physiotherapy", "community", 2), ("Occupational Therapy", "community", 2),
        ("Speech and Language Therapy", "community", 1.2), ("Dietetics", "community", 0.8),
        ("Podiatry", "community", 1.5), ("Pharmacy", "community", 0.3),
        ("Mental Health Nursing", "community", 0.5), ("Clinical Psychology", "community", 0.5),
    ),
    "ambulance": (("Paramedic", "ambulance", 10),),
    "primary care": (
        ("Adult Nursing", "primary care", 0.5), ("Nursing Associate", "primary care", 0.4),
        ("Medicine", "primary care", 0.8), ("Physician Assistant", "primary care", 0.8),
        ("Pharmacy", "primary care", 0.5), ("Paramedic", "primary care", 0.2),
        ("Physiotherapy", "primary care", 0.15), ("Mental Health Nursing", "primary care", 0.1),
    ),
    "independent acute": (
        ("Adult Nursing", "acute", 3), ("Operating Department Practice", "theatres", 2),
        ("Physiotherapy", "acute", 1), ("Diagnostic Radiography", "acute", 0.6),
    ),
    "independent mental health": (
        ("Mental Health Nursing", "mental health", 4), ("Learning Disabilities Nursing", "mental health", 1.5),
        ("Occupational Therapy", "mental health", 0.5),
    ),
}

# Mental health trusts whose names hold no obvious keyword (checked after the keyword rules).
MENTAL_HEALTH_NAMES = (
    "OXFORD HEALTH", "BERKSHIRE HEALTHCARE", "NOTTINGHAMSHIRE HEALTHCARE", "DERBYSHIRE HEALTHCARE",
    "DORSET HEALTHCARE", "NORTHAMPTONSHIRE HEALTHCARE", "HAMPSHIRE AND ISLE OF WIGHT HEALTHCARE",
    "OXLEAS", "MAUDSLEY", "EAST LONDON NHS", "WEST LONDON NHS", "NORTH LONDON NHS", "NORTH EAST LONDON NHS",
    "CENTRAL AND NORTH WEST LONDON", "HUMBER TEACHING", "LANCASHIRE & SOUTH CUMBRIA NHS",
    "NORFOLK AND SUFFOLK NHS", "CAMBRIDGESHIRE AND PETERBOROUGH NHS", "ROTHERHAM DONCASTER AND SOUTH HUMBER",
    "COMBINED HEALTHCARE", "TEES, ESK AND WEAR", "CUMBRIA, NORTHUMBERLAND, TYNE AND WEAR",
)


def provider_type_of(trust_name: str) -> str:
    """acute / mental health / community / ambulance, from an NHS trust's name."""
    name = trust_name.upper()
    if "AMBULANCE" in name:
        return "ambulance"
    if "MENTAL HEALTH" in name or "PARTNERSHIP" in name:
        return "mental health"
    if "COMMUNITY" in name:
        return "community"
    if any(key in name for key in MENTAL_HEALTH_NAMES):
        return "mental health"
    # 'Pennine Care', 'Mersey Care', '... Health and Care': care trusts run mental health services.
    if (" CARE NHS" in name or "HEALTH AND CARE" in name) and "INTEGRATED CARE" not in name \
            and "CARE ALLIANCE" not in name:
        return "mental health"
    return "acute"


def also_community(trust_name: str) -> bool:
    """Partnership and 'health and care' trusts run community services too."""
    name = trust_name.upper()
    return "PARTNERSHIP" in name or "HEALTH AND CARE" in name or "INTEGRATED CARE" in name


# Specialist acute trusts host more of some professions.
SPECIALIST_BOOST: tuple[tuple[str, str, float], ...] = (
    ("CHILDREN", "Children's Nursing", 4.0), ("WOMEN", "Midwifery", 3.0), ("CHRISTIE", "Therapeutic Radiography", 6.0),
    ("MARSDEN", "Therapeutic Radiography", 6.0), ("CLATTERBRIDGE", "Therapeutic Radiography", 6.0),
    ("VELINDRE", "Therapeutic Radiography", 6.0), ("EYE", "Orthoptics", 8.0), ("ORTHOPAEDIC", "Physiotherapy", 3.0),
    ("ORTHOPAEDIC", "Operating Department Practice", 2.0),
)

# Demand rows that name a setting: profession -> ((setting, probability), ...).
DEMAND_SETTINGS: dict[str, tuple[tuple[str, float], ...]] = {
    "Midwifery": (("maternity", 0.8),),
    "Operating Department Practice": (("theatres", 0.9),),
    "Paramedic": (("ambulance", 0.75),),
    "Clinical Psychology": (("mental health", 0.7),),
    "Mental Health Nursing": (("mental health", 0.5),),
    "Adult Nursing": (("community", 0.1), ("primary care", 0.05)),
    "Medicine": (("primary care", 0.15), ("acute", 0.1)),
    "Pharmacy": (("primary care", 0.15),),
    "Learning Disabilities Nursing": (("mental health", 0.2),),
}

SITE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "acute": ("Hospital", "General Hospital", "Community Hospital", "Treatment Centre", "Diagnostic Centre",
              "Birth Centre", "Day Surgery Unit", "Rehabilitation Unit"),
    "mental health": ("Mental Health Unit", "Community Mental Health Team", "Recovery Centre", "Inpatient Unit",
                      "Learning Disability Service", "Psychological Therapies Service", "Crisis Team"),
    "community": ("Community Hospital", "Health Centre", "Community Nursing Team", "Therapy Centre", "Clinic"),
    "ambulance": ("Ambulance Station", "Ambulance Hub", "Ambulance Station", "Ambulance Education Centre"),
}
SITES_PER_TRUST = {"acute": (3, 6), "mental health": (4, 8), "community": (3, 7), "ambulance": (6, 12)}
SPREAD_KM = {"acute": (1.5, 14.0), "mental health": (2.0, 20.0), "community": (2.0, 20.0)}


@dataclass(frozen=True)
class AcademicYear:
    """52 Monday-based weeks from early September, with the holiday weeks that thin out capacity."""

    week0: dt.date
    christmas: tuple[int, int]   # first and last week of the Christmas dip
    easter: tuple[int, int]
    terms: tuple[tuple[int, int], ...]   # placement windows (autumn, spring, summer), inclusive weeks
    weeks: int = 52

    def date(self, week: int) -> dt.date:
        return self.week0 + dt.timedelta(weeks=int(week))


def academic_year(start_year: int = 2026) -> AcademicYear:
    first = dt.date(start_year, 9, 1)
    week0 = first + dt.timedelta(days=(7 - first.weekday()) % 7)    # first Monday of September
    christmas_monday = dt.date(start_year, 12, 25) - dt.timedelta(days=dt.date(start_year, 12, 25).weekday())
    xmas = (christmas_monday - week0).days // 7
    good_friday = easter(start_year + 1) - dt.timedelta(days=2)
    east = (good_friday - dt.timedelta(days=good_friday.weekday()) - week0).days // 7
    july_end = (dt.date(start_year + 1, 7, 19) - week0).days // 7
    return AcademicYear(week0=week0, christmas=(xmas, xmas + 1), easter=(east, east + 1),
                        terms=((2, xmas - 1), (xmas + 2, east - 1), (east + 2, july_end)))
