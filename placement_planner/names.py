"""Canonical professions and settings, the aliases coordinators use, and "did you mean"."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(text: object) -> str:
    """Compare names ignoring case, spaces, underscores and punctuation."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("", folded.lower())


# Canonical profession -> aliases seen in coordinators' spreadsheets.
PROFESSIONS: dict[str, tuple[str, ...]] = {
    "Adult Nursing": ("RN Adult", "Adult", "Nursing (Adult)", "Adult Nurse", "RNA", "Nursing Adult",
                      "BSc Adult Nursing", "Registered Nurse Adult"),
    "Children's Nursing": ("RN Child", "Child Nursing", "Children", "Paediatric Nursing", "Nursing (Child)",
                           "Childrens Nursing", "Child", "RNC"),
    "Mental Health Nursing": ("RN Mental Health", "RNMH", "Mental Health", "Nursing (Mental Health)", "MH Nursing"),
    "Learning Disabilities Nursing": ("RN Learning Disabilities", "RNLD", "Learning Disability Nursing", "LD Nursing",
                                      "Nursing (Learning Disabilities)", "Learning Disabilities"),
    "Midwifery": ("Midwife", "Student Midwife", "Midwifery Student"),
    "Nursing Associate": ("TNA", "Trainee Nursing Associate", "Nursing Associates", "Nursing Associate Apprenticeship"),
    "Physiotherapy": ("Physio", "Physiotherapist", "Physiotherapy Student"),
    "Occupational Therapy": ("OT", "Occupational Therapist"),
    "Paramedic": ("Paramedic Science", "Paramedics", "Paramedic Practice"),
    "Operating Department Practice": ("ODP", "Operating Department Practitioner", "Op Dept Practice"),
    "Speech and Language Therapy": ("SaLT", "SLT", "Speech Therapy", "Speech & Language Therapy",
                                    "Speech and Language Therapist"),
    "Diagnostic Radiography": ("Radiography (Diagnostic)", "Diagnostic Radiographer", "Diagnostic Radiography Student"),
    "Therapeutic Radiography": ("Radiotherapy", "Radiography (Therapeutic)", "Therapeutic Radiographer",
                                "Radiotherapy and Oncology"),
    "Dietetics": ("Dietitian", "Dietician", "Nutrition and Dietetics", "Dietetic"),
    "Podiatry": ("Podiatrist", "Chiropody", "Chiropodist"),
    "Orthoptics": ("Orthoptist",),
    "Prosthetics and Orthotics": ("Prosthetist", "Orthotist", "P&O", "Prosthetics & Orthotics"),
    "Art Therapy": ("Art Therapist", "Art Psychotherapy"),
    "Drama Therapy": ("Dramatherapy", "Drama Therapist", "Dramatherapist"),
    "Music Therapy": ("Music Therapist",),
    "Osteopathy": ("Osteopath",),
    "Medicine": ("Medical", "Medical Student", "Medical Students", "MBBS", "MBChB", "Doctor"),
    "Pharmacy": ("Pharmacist", "Pharmacy Student", "MPharm", "Trainee Pharmacist", "Foundation Pharmacist"),
    # Physician associates are being renamed physician assistants (2026): both names are one profession.
    "Physician Assistant": ("PA", "Physician Assistants", "Physician Associate", "Physician Associates"),
    "Clinical Psychology": ("Clinical Psychologist", "DClinPsy", "Trainee Clinical Psychologist"),
    "Healthcare Science": ("Healthcare Scientist", "Healthcare Sciences", "Healthcare Science Practitioner",
                           "Clinical Science", "Clinical Scientist", "Practitioner Training Programme", "PTP",
                           "Scientist Training Programme", "STP", "HCS"),
    "Dental Therapy": ("Dental Therapist", "Dental Hygiene and Dental Therapy", "Dental Hygiene and Therapy",
                       "Oral Health Science"),
    "Dental Hygiene": ("Dental Hygienist",),
    "Dental Nursing": ("Dental Nurse", "Trainee Dental Nurse"),
    "Specialist Community Public Health Nursing": ("SCPHN", "Health Visiting", "Health Visitor", "School Nursing",
                                                   "School Nurse", "Occupational Health Nursing",
                                                   "Specialist Community Public Health Nurse"),
}

# Words that name a training route, not a profession: "Adult Nursing Apprenticeship" is its own
# (open) profession with no "did you mean" (docs/workbook-format.md, "Apprenticeship routes").
ROUTE_WORDS = ("degree apprenticeship", "apprenticeship", "apprentice", "apprentices", "degree", "postgraduate",
               "pg", "msc", "bsc", "pre-registration", "pre reg", "shortened", "top-up", "top up")

# The 14 allied health professions recognised by NHS England (radiography counts once
# in the official list but placements differ, so it is split into two here).
ALLIED_HEALTH = (
    "Art Therapy", "Drama Therapy", "Music Therapy", "Podiatry", "Dietetics", "Occupational Therapy",
    "Operating Department Practice", "Orthoptics", "Osteopathy", "Paramedic", "Physiotherapy",
    "Prosthetics and Orthotics", "Diagnostic Radiography", "Therapeutic Radiography",
    "Speech and Language Therapy",
)
NURSING = ("Adult Nursing", "Children's Nursing", "Mental Health Nursing", "Learning Disabilities Nursing",
           "Nursing Associate")

SETTINGS: dict[str, tuple[str, ...]] = {
    "acute": ("hospital", "acute care", "secondary care", "inpatient", "ward"),
    "community": ("community care", "community health", "district nursing"),
    "mental health": ("mh", "mental health services", "psychiatric"),
    "primary care": ("gp", "general practice", "primary", "gp practice", "pcn"),
    "maternity": ("labour ward", "obstetrics", "midwifery unit"),
    "theatres": ("theatre", "operating theatre", "operating theatres", "perioperative", "surgery"),
    "ambulance": ("pre-hospital", "prehospital", "ambulance service"),
    "independent": ("independent sector", "private", "private sector"),
    "social care": ("care home", "social services", "nursing home"),
    "outpatients": ("outpatient", "clinic"),
    "critical care": ("icu", "itu", "intensive care"),
    "emergency": ("a&e", "ed", "emergency department", "accident and emergency"),
    "paediatrics": ("children's ward", "paediatric"),
    "learning disabilities": ("ld",),
    "pharmacy": ("community pharmacy", "hospital pharmacy"),
}

QUALITY = {"ok": ("good", "green", "approved", "yes", "active", "outstanding"),
           "monitor": ("amber", "requires improvement", "flagged", "watch", "under review", "monitoring"),
           "suspended": ("red", "inadequate", "closed", "no", "not approved", "paused", "withdrawn")}


def _alias_table(canon: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, aliases in canon.items():
        table[name_key(name)] = name
        for alias in aliases:
            table.setdefault(name_key(alias), name)
    return table


_PROFESSION_KEYS = _alias_table(PROFESSIONS)
_SETTING_KEYS = _alias_table(SETTINGS)
_QUALITY_KEYS = _alias_table(QUALITY)


@lru_cache(maxsize=4096)
def canonical_profession(text: str) -> str | None:
    """The canonical profession for ``text``, or None when it is not recognised."""
    return _PROFESSION_KEYS.get(name_key(text))


@lru_cache(maxsize=4096)
def canonical_setting(text: str) -> str:
    """Known settings are folded to one spelling; any other setting is kept as typed (trimmed)."""
    stripped = " ".join(str(text).split())
    return _SETTING_KEYS.get(name_key(stripped), stripped)


def canonical_quality(text: str) -> str | None:
    """ok / monitor / suspended (blank = ok); None when the value is not recognised."""
    if str(text).strip() == "":
        return "ok"
    return _QUALITY_KEYS.get(name_key(text))


def did_you_mean(value: str, choices: list[str] | tuple[str, ...] | set[str], *, cutoff: float = 0.6) -> str | None:
    """The closest choice to a typo, compared on name keys, or None."""
    key = name_key(value)
    if not key:
        return None
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(name_key(choice), choice)
    match = difflib.get_close_matches(key, list(by_key), n=1, cutoff=cutoff)
    return by_key[match[0]] if match else None


def suggest_profession(text: str, *, cutoff: float = 0.6) -> str | None:
    """Closest canonical profession (through its aliases too) for an unrecognised name."""
    key = name_key(text)
    match = difflib.get_close_matches(key, list(_PROFESSION_KEYS), n=1, cutoff=cutoff)
    return _PROFESSION_KEYS[match[0]] if match else None


_ROUTE_KEYS = sorted({name_key(w) for w in ROUTE_WORDS}, key=len, reverse=True)


def route_of(text: str) -> tuple[str, str] | None:
    """('Adult Nursing', 'apprenticeship') when ``text`` is a known profession plus a route word."""
    key = name_key(text)
    for route in _ROUTE_KEYS:
        for base in (key.removesuffix(route), key.removeprefix(route)):
            if base != key and base in _PROFESSION_KEYS:
                return _PROFESSION_KEYS[base], route
    return None


def open_profession(text: str) -> tuple[str, str | None]:
    """(the profession to plan, a "did you mean" note or None).

    A known name or alias gives its canonical profession. Any other text is accepted as a
    profession of its own (whitespace tidied, otherwise as typed); only a name close to a known
    one gets a note, since it may be a typo. A known profession plus a route word
    ("Adult Nursing Apprenticeship") is a deliberate profession of its own: no note.
    """
    canon = canonical_profession(text)
    if canon is not None:
        return canon, None
    typed = " ".join(str(text).split())
    if route_of(typed):
        return typed, None
    guess = suggest_profession(typed, cutoff=0.8)
    if guess:
        return typed, (f"'{typed}' is not a profession the planner knows; it is planned as a profession of its "
                       f"own, matched only to rows that name it too. Did you mean '{guess}'?")
    return typed, None
