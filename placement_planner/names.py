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
    "Physician Associate": ("PA", "Physician Associates", "Physician Assistant"),
    "Clinical Psychology": ("Clinical Psychologist", "DClinPsy", "Trainee Clinical Psychologist"),
}

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


def suggest_profession(text: str) -> str | None:
    """Closest canonical profession (through its aliases too) for an unrecognised name."""
    key = name_key(text)
    match = difflib.get_close_matches(key, list(_PROFESSION_KEYS), n=1, cutoff=0.6)
    return _PROFESSION_KEYS[match[0]] if match else None
