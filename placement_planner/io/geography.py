"""ICS (ICB) and NHS England region names: the spellings people use -> one canonical name.

Old ICB names (the 42 of July 2022 - March 2026) map to the current 36 with a warning.
"""

from __future__ import annotations

from functools import lru_cache

from placement_planner import reference
from placement_planner.names import did_you_mean, name_key


_MERGED_ON: dict[str, str] = {}     # name key of a merged ICB -> the date its successor took over


def clear_caches() -> None:
    """After update-reference: rebuild the name tables from the new ICB list."""
    _icb_keys.cache_clear()
    _region_keys.cache_clear()
    _MERGED_ON.clear()


@lru_cache(maxsize=1)
def _icb_keys() -> tuple[dict[str, str], set[str]]:
    """({name key: current ICB name}, keys that are old names of a changed ICB)."""
    current = {}
    for name in reference.current_icb_names():
        short = reference.short_icb_name(name)
        for alias in (name, f"NHS {short} ICB", f"{short} ICB", short, f"{short} ICS",
                      f"{short} Integrated Care System", f"NHS {short}"):
            current.setdefault(name_key(alias), name)
        code_rows = reference.current_icbs()
    for code, name in zip(code_rows["icb_code"], code_rows["icb_name"]):
        current.setdefault(name_key(code), name)
    old: dict[str, str] = {}
    dates = reference.successor_dates()
    for old_name, new_name in sorted(reference.old_icb_map().items(), key=lambda kv: kv[0] not in dates):
        short = reference.short_icb_name(old_name)
        for alias in (old_name, f"NHS {short} ICB", f"{short} ICB", short, f"{short} ICS",
                      f"{short} Integrated Care System", f"NHS {short}"):
            key = name_key(alias)
            if key not in current:
                old.setdefault(key, new_name)
                if old_name in dates:
                    _MERGED_ON.setdefault(key, dates[old_name])
    later = reference.successors()
    merged_into = reference.old_icb_map()
    for code, old_name, date in zip(later["old_code"], later["old_name"], later["effective_from"]):
        key = name_key(code)
        if code and key not in current:
            old.setdefault(key, merged_into.get(old_name, old_name))
            if date:
                _MERGED_ON.setdefault(key, date)
    table = dict(current)
    table.update(old)
    return table, set(old)


@lru_cache(maxsize=1)
def _region_keys() -> dict[str, str]:
    table = {}
    for code, name in reference.regions().items():
        for alias in (name, code, f"NHS England {name}", f"{name} region", name.replace(" and ", " & ")):
            table[name_key(alias)] = name
    extra = {"North East": "North East and Yorkshire", "Yorkshire": "North East and Yorkshire",
             "Yorkshire and the Humber": "North East and Yorkshire", "NEY": "North East and Yorkshire",
             "East": "East of England", "EoE": "East of England", "NW": "North West",
             "SW": "South West", "SE": "South East", "East Midlands": "Midlands",
             "West Midlands": "Midlands"}
    for alias, name in extra.items():
        if name in table.values():
            table.setdefault(name_key(alias), name)
    return table


def canonical_ics(text: str) -> tuple[str, str | None]:
    """(name to use, note) — note says an old ICB name was mapped, or suggests a close match.

    Unknown names are kept as typed: a coordinator may plan with their own system names.
    """
    if not text:
        return text, None
    table, old = _icb_keys()
    key = name_key(text)
    if key in table:
        name = table[key]
        if key in old:
            if key in _MERGED_ON:
                return name, (f"'{text}' merged into '{name}' on {_MERGED_ON[key]}; it is read as "
                              f"'{name}'. Update the sheet to the current name.")
            return name, (f"'{text}' is an ICB name from before April 2026; it is read as "
                          f"'{name}'. Update the sheet to the current name.")
        return name, None
    shorts = {reference.short_icb_name(n): n for n in set(table.values())}
    guess = did_you_mean(reference.short_icb_name(text), sorted(shorts), cutoff=0.75)
    guess = shorts.get(guess) if guess else None
    if guess:
        return text, f"'{text}' is not a current ICB name. Did you mean '{guess}'?"
    return text, None


def canonical_region(text: str) -> tuple[str, str | None]:
    if not text:
        return text, None
    table = _region_keys()
    key = name_key(text)
    if key in table:
        return table[key], None
    guess = did_you_mean(text, sorted(set(table.values())), cutoff=0.6)
    hint = f" Did you mean '{guess}'?" if guess else ""
    return text, f"'{text}' is not one of NHS England's 7 regions.{hint}"


def region_of_icb(icb_name: str) -> str | None:
    icbs = reference.current_icbs()
    match = icbs.loc[icbs["icb_name"] == icb_name, "region_name"]
    return match.iat[0] if len(match) else None


def locate_postcode(postcode: str) -> tuple[float, float] | None:
    return reference.locate(postcode)


def areas_of_postcode(postcode: str) -> list[tuple[str, str]]:
    """[(current ICB name, region name), ...] a shipped postcode lies in; [] when it is not shipped."""
    return reference.postcode_areas(postcode)
