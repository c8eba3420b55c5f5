"""Weekly cost of one placement place per profession: Settings `tariff_per_week <Profession>`,
else shipped defaults derived from the national education and training tariff (docs/tariff.md)."""

from __future__ import annotations

import re

from placement_planner.names import canonical_profession, name_key

# Editable assumptions, GBP per full-time-equivalent learner per year (docs/tariff.md says where
# they come from and how to override them). The tariff is annual; a place held for one week is
# charged as one FTE learner for 1/52 of a year.
CLINICAL_ANNUAL_GBP = 5_500.0             # clinical (non-medical) placement tariff, rounded
MEDICAL_ANNUAL_GBP = 36_000.0             # undergraduate medical placement tariff, rounded
WEEKS_PER_YEAR = 52
MEDICAL_PROFESSIONS = frozenset({"medicine"})
SETTING_PREFIX = "tariffperweek"
_PREFIX = re.compile(r"^\s*tariff[\s_\-]*per[\s_\-]*week[\s:_\-=]*", re.IGNORECASE)


def setting_profession(key: str) -> str:
    """'tariff_per_week Physiotherapy' -> 'Physiotherapy' (any spacing, case or underscores)."""
    return _PREFIX.sub("", str(key)).strip()


def default_weekly(profession: str) -> float:
    """The shipped weekly figure: the annual tariff of the profession's kind / 52 weeks."""
    key = name_key(canonical_profession(profession) or profession)
    annual = MEDICAL_ANNUAL_GBP if key in MEDICAL_PROFESSIONS else CLINICAL_ANNUAL_GBP
    return round(annual / WEEKS_PER_YEAR, 2)


def settings_tariffs(extra: dict[str, str]) -> dict[str, float]:
    """`tariff_per_week <Profession>` rows of the Settings sheet, by profession name key.
    A value that is not a number above 0 is ignored (the default applies); see ``problems``."""
    out: dict[str, float] = {}
    for key, value in extra.items():
        k = name_key(key)
        if not k.startswith(SETTING_PREFIX):
            continue
        profession = setting_profession(key)
        try:
            number = float(str(value).replace("£", "").replace(",", "").strip())
        except ValueError:
            continue
        if number > 0 and profession:
            out[name_key(canonical_profession(profession) or profession)] = number
    return out


def tariff_problems(extra: dict[str, str]) -> list[str]:
    """Plain-English messages for tariff rows that cannot be used (shown as warnings)."""
    found = settings_tariffs(extra)
    out = []
    for key, value in extra.items():
        if not name_key(key).startswith(SETTING_PREFIX):
            continue
        profession = setting_profession(key)
        if not profession:
            out.append(f"Settings '{key}': name the profession after tariff_per_week "
                       f"(e.g. 'tariff_per_week Physiotherapy').")
        elif name_key(canonical_profession(profession) or profession) not in found:
            out.append(f"Settings '{key}': '{value}' is not a number of pounds above 0; "
                       f"the default tariff is used.")
    return out


class Tariffs:
    """Weekly tariff per profession: the workbook's Settings first, then the defaults."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.overrides = settings_tariffs(extra or {})

    def weekly(self, profession: str) -> float:
        key = name_key(canonical_profession(profession) or profession)
        return self.overrides.get(key, default_weekly(profession))

    def source(self, profession: str) -> str:
        key = name_key(canonical_profession(profession) or profession)
        return "Settings" if key in self.overrides else "default"

    def cost(self, profession: str, places: int, weeks: int) -> float:
        """places x weeks x weekly tariff, in pounds (rounded to pence)."""
        return round(int(places) * int(weeks) * self.weekly(profession), 2)
