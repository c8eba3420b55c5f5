"""The `Settings` sheet (key, value rows) -> a typed Settings; unknown keys kept and reported."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from placement_planner.domain import DEFAULT_TIERS, Settings, Tier
from placement_planner.io.cells import read_number
from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import Where, _err, _warn
from placement_planner.names import canonical_profession, name_key

TIER_ALIASES = {
    Tier.PLACED: ("placed", "learners placed", "weighted placed", "placement", "coverage"),
    Tier.FAIR_SHARE: ("fair share", "fairness", "fair", "leximin", "equity"),
    Tier.KEEP_PREVIOUS: ("keep previous", "previous", "stability", "keep", "previous plan"),
    Tier.PREFERRED: ("preferred", "preferred sites", "preferences", "preference"),
    Tier.VARIETY: ("variety", "site variety", "varied sites", "different sites", "repeats"),
    Tier.TRAVEL: ("travel", "distance", "learner km", "learner kilometres", "learner-km"),
}
_TIER_KEYS = {name_key(a): tier for tier, aliases in TIER_ALIASES.items() for a in aliases}
_WEIGHT_PREFIXES = ("professionweight", "priorityweight", "weight")
_ORDER_KEYS = {"objectiveorder", "tiers", "tierorder", "objective", "objectives"}


def tier_from_text(text: str) -> Tier | None:
    return _TIER_KEYS.get(name_key(text))


def parse_tiers(text: str) -> tuple[tuple[Tier, ...], list[str]]:
    """'placed, fair share, travel' -> tiers in that order; unknown names returned separately."""
    tiers: list[Tier] = []
    unknown = []
    for part in str(text).replace(";", ",").replace(">", ",").split(","):
        if not part.strip():
            continue
        tier = tier_from_text(part)
        if tier is None:
            unknown.append(part.strip())
        elif tier not in tiers:
            tiers.append(tier)
    return tuple(tiers), unknown


def tiers_text(tiers: tuple[Tier, ...]) -> str:
    return ", ".join(t.value for t in tiers)


def read_settings(frame: pd.DataFrame | None, where: Where, problems: ProblemList,
                  professions: Iterable[str] = ()) -> Settings:
    """``professions``: the professions the data plans (open ones as spelt there), so that a
    weight may name a profession the planner does not know but the workbook uses."""
    if frame is None or not len(frame):
        return Settings()
    open_spelling = {name_key(p): p for p in professions if p and canonical_profession(p) is None}
    values: dict = {}
    weights: dict[str, float] = {}
    extra: dict[str, str] = {}
    seen: dict[str, int] = {}
    for key, value, row in zip(frame["key"].tolist(), frame["value"].tolist(), frame["row"].tolist()):
        k = name_key(key)
        if k in seen:
            _err(problems, where, row, "key", f"Setting '{key}' is given twice (first on row {seen[k]}). "
                 f"Keep one.", key)
            continue
        seen[k] = row
        if k == "defaultmaxtravelkm":
            values["default_max_travel_km"] = _positive(value, key, row, where, problems, unit="km")
        elif k == "timelimits":
            values["time_limit_s"] = _positive(value, key, row, where, problems, unit="seconds")
        elif k == "threads":
            n = _positive(value, key, row, where, problems)
            values["threads"] = None if n is None else max(1, int(n))
        elif k in _ORDER_KEYS:
            tiers, unknown = parse_tiers(value)
            for u in unknown:
                _err(problems, where, row, "value", f"'{u}' is not an objective tier. Use: "
                     f"{', '.join(t.value for t in DEFAULT_TIERS)}.", u)
            values["tiers"] = tiers
        elif k.startswith(_WEIGHT_PREFIXES) and canonical_profession(_strip_prefix(key)):
            weight = _positive(value, key, row, where, problems)
            if weight is not None:
                weights[canonical_profession(_strip_prefix(key))] = weight
        elif k.startswith(_WEIGHT_PREFIXES) and name_key(_strip_prefix(key)) in open_spelling:
            weight = _positive(value, key, row, where, problems)   # a profession of the workbook's own
            if weight is not None:
                weights[open_spelling[name_key(_strip_prefix(key))]] = weight
        elif k.startswith("tariffperweek"):   # pounds per place-week, read by advise (docs/tariff.md)
            from placement_planner.advice.tariff import setting_profession
            profession = setting_profession(key)
            if not canonical_profession(profession):
                _warn(problems, where, row, "key", f"Setting '{key}': '{profession}' is not a profession the "
                      f"planner knows; write it as e.g. 'tariff_per_week Physiotherapy'.", key)
            if _positive(value, key, row, where, problems) is not None:
                extra[str(key)] = str(value)
        else:
            _warn(problems, where, row, "key", f"Setting '{key}' is not one the planner uses; it is kept "
                  f"and written back unchanged.", key)
            extra[str(key)] = str(value)
    values = {k: v for k, v in values.items() if v is not None}
    return Settings(**values, profession_weights=weights, extra=extra)


def _strip_prefix(key: str) -> str:
    text = str(key).strip()
    for prefix in ("profession_weight", "profession weight", "priority_weight", "priority weight", "weight"):
        if text.lower().startswith(prefix):
            return text[len(prefix):].strip(" :_-=")
    return text


def _positive(value, key, row, where, problems, unit: str = "") -> float | None:
    reading = read_number(value, f"setting '{key}'", unit=unit)   # the importer's one number reader
    if reading.error and not reading.error.endswith("is not a number."):   # ambiguous, or a unit
        _err(problems, where, row, "value", reading.error, value)
        return None
    if reading.warning:
        _warn(problems, where, row, "value", reading.warning, value)
    number = float("nan") if reading.value is None else reading.value
    if not number > 0:
        _err(problems, where, row, "value", f"Setting '{key}' must be a number above 0 (found '{value}').", value)
        return None
    return number


def settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """Settings as key/value rows, the way the Settings sheet holds them (for export)."""
    rows = [("default_max_travel_km", f"{settings.default_max_travel_km:g}"),
            ("time_limit_s", f"{settings.time_limit_s:g}"),
            ("threads", str(settings.threads)),
            ("objective_order", tiers_text(settings.tiers))]
    rows += [(f"profession_weight {p}", f"{w:g}") for p, w in sorted(settings.profession_weights.items())]
    rows += list(settings.extra.items())
    return rows
