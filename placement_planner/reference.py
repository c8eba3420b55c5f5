"""The shipped reference data: current ICBs and regions, old ICB names, postcodes, trusts, practices, universities.

Everything is read from ``placement_planner.resources`` (trimmed copies of public data, see
``resources/reference/ATTRIBUTION.md``); nothing outside the installed package is read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd


def _open_csv(*parts: str) -> pd.DataFrame:
    path = resources.files("placement_planner.resources").joinpath(*parts)
    with path.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


# ---- the ICB list a user updated with `placement-planner update-reference FILE` -------------
ICB_FILE, SUCCESSOR_FILE = "icbs.csv", "icb_successors.csv"
SUCCESSOR_COLUMNS = ["old_code", "old_name", "new_code", "new_name", "effective_from"]


def updates_dir() -> Path:
    """Where updated reference files live (the user data folder; PLACEMENT_PLANNER_DATA overrides it)."""
    from placement_planner.logs import user_data_dir
    return user_data_dir() / "reference"


def _updated(name: str) -> pd.DataFrame | None:
    path = updates_dir() / name
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def reload() -> None:
    """Forget every cached lookup, so an update of the ICB list is used at once (no restart)."""
    for fn in (current_icbs, old_icb_table, successors, _icb_by_code):
        fn.cache_clear()
    from placement_planner.io import geography
    geography.clear_caches()


@lru_cache(maxsize=1)
def current_icbs() -> pd.DataFrame:
    """England's current ICBs (36 since April 2026, or the list last loaded with update-reference):
    icb_code, icb_name, region_code, region_name."""
    icbs = _updated(ICB_FILE)
    if icbs is None:
        icbs = _open_csv("icbs_2026.csv")
    return icbs.rename(columns={"ICB_CODE": "icb_code", "ICB_NAME": "icb_name",
                                "COMM_REGION_CODE": "region_code", "COMM_REGION_NAME": "region_name"})


@lru_cache(maxsize=1)
def successors() -> pd.DataFrame:
    """ICBs merged into a successor after the shipped list (from update-reference): SUCCESSOR_COLUMNS."""
    table = _updated(SUCCESSOR_FILE)
    return table if table is not None else pd.DataFrame({c: pd.Series(dtype=str) for c in SUCCESSOR_COLUMNS})


def current_icb_names() -> list[str]:
    return current_icbs()["icb_name"].tolist()


def regions() -> dict[str, str]:
    """NHS England region code (Y56..Y63) -> region name."""
    icbs = current_icbs()
    return dict(zip(icbs["region_code"], icbs["region_name"]))


@lru_cache(maxsize=1)
def old_icb_table() -> pd.DataFrame:
    """The 42 ICBs of July 2022 -> the current ICB holding most of their GP practices.

    Columns: icb22_code, icb22_name, icb_code, icb_name, practices, share_of_practices
    (share < 1 where the old ICB was split between new ones).
    """
    return _open_csv("icb_2022_to_2026.csv")


def old_icb_map() -> dict[str, str]:
    """{old ICB name -> current ICB name}: the 42 ICBs of 2022 (identity for unchanged ones) and
    every ICB merged since (``successors``), followed through to today's name.

    Names are the official long forms; comparing them case/space-insensitively (and
    accepting short forms, see ``icb_aliases``) is the importer's job.
    """
    table = old_icb_table()
    later = dict(zip(successors()["old_name"], successors()["new_name"]))
    out = {old: later.get(new, new) for old, new in zip(table["icb22_name"], table["icb_name"])}
    out.update(later)
    return out


def successor_dates() -> dict[str, str]:
    """{old ICB name -> the date its successor took over (dd/mm/yyyy)} for update-reference mergers."""
    return {o: d for o, d in zip(successors()["old_name"], successors()["effective_from"]) if d}


def short_icb_name(name: str) -> str:
    """'NHS Devon Integrated Care Board' -> 'Devon'."""
    short = re.sub(r"^NHS\s+", "", name.strip())
    return re.sub(r"\s+(Integrated Care Board|ICB)$", "", short)


def icb_aliases() -> dict[str, str]:
    """Short forms coordinators type -> current ICB name, old 2022 names included.

    For each name N ('NHS Devon Integrated Care Board') the aliases are N, 'NHS Devon ICB',
    'Devon ICB' and 'Devon'; an old name's aliases point at its current ICB.
    """
    pairs = [(n, n) for n in current_icb_names()] + list(old_icb_map().items())
    out: dict[str, str] = {}
    for name, target in pairs:
        short = short_icb_name(name)
        for alias in (name, f"NHS {short} ICB", f"{short} ICB", short):
            out.setdefault(alias, target)
    return out


@lru_cache(maxsize=1)
def postcode_lookup() -> dict[str, tuple[float, float]]:
    """{postcode without spaces, upper case: (latitude, longitude)} for every shipped postcode."""
    table = _open_csv("reference", "postcodes_latlong.csv")
    return {pc.replace(" ", "").upper(): (float(lat), float(lon))
            for pc, lat, lon in zip(table["Postcode"], table["lat"], table["long"])}


def locate(postcode: str) -> tuple[float, float] | None:
    return postcode_lookup().get(postcode_key(postcode))


def postcode_key(postcode: object) -> str:
    """Postcodes are matched with every space removed, upper case."""
    return "".join(str(postcode).split()).upper()


@lru_cache(maxsize=1)
def postcode_icbs() -> dict[str, tuple[str, ...]]:
    """{postcode key: current ICB codes} for every shipped GP practice and trust postcode.

    A practice's ICB is its commissioning ICB, which is where it is; the few postcodes shared by
    practices (or a trust) of two ICBs hold both, most common first.
    """
    found: dict[str, list[str]] = {}
    for pc, code in zip(list(practices()["postcode"]) + list(trusts()["postcode"]),
                        list(practices()["icb_code"]) + list(trusts()["icb_code"])):
        found.setdefault(postcode_key(pc), []).append(code)
    return {pc: tuple(sorted(set(codes), key=lambda c: (-codes.count(c), c))) for pc, codes in found.items()}


def postcode_areas(postcode: object) -> list[tuple[str, str]]:
    """[(current ICB name, NHS England region name), ...] a shipped postcode lies in; [] when unknown."""
    by_code = _icb_by_code()
    return [by_code[c] for c in postcode_icbs().get(postcode_key(postcode), ()) if c in by_code]


def postcode_icb(postcode: object) -> tuple[str, str] | None:
    """(current ICB name, NHS England region name) of a shipped postcode (its most common), or None."""
    areas = postcode_areas(postcode)
    return areas[0] if areas else None


@lru_cache(maxsize=1)
def _icb_by_code() -> dict[str, tuple[str, str]]:
    """Current and merged ICB codes -> (current ICB name, region name)."""
    icbs = current_icbs()
    out = {c: (n, r) for c, n, r in zip(icbs["icb_code"], icbs["icb_name"], icbs["region_name"])}
    later = successors()
    for _ in range(len(later)):         # follow chains of mergers to today's ICB
        for old, new in zip(later["old_code"], later["new_code"]):
            if old and old not in out and new in out:
                out[old] = out[new]
    return out


@lru_cache(maxsize=1)
def trusts() -> pd.DataFrame:
    """Open NHS trusts in England: ods_code, name, region_code, icb_code, town, postcode."""
    return _open_csv("reference", "nhs_trusts_open.csv")


@lru_cache(maxsize=1)
def practices() -> pd.DataFrame:
    """GP practices with their PCN and current ICB (2026)."""
    return _open_csv("reference", "gp_practices.csv").rename(columns={
        "PRACTICE_CODE": "code", "PRACTICE_NAME": "name", "PRACTICE_POSTCODE": "postcode",
        "PCN_CODE": "pcn_code", "PCN_NAME": "pcn_name", "SUB_ICB_LOCATION_CODE": "sub_icb_code",
        "ICB_CODE": "icb_code"})


@lru_cache(maxsize=1)
def hei_courses() -> pd.DataFrame:
    """English universities' NMC/HCPC/GMC/GPhC accredited professions, with the campus that teaches each."""
    table = _open_csv("reference", "hei_courses.csv")
    for col in ("latitude", "longitude"):
        table[col] = table[col].astype(float)
    table["courses"] = table["courses"].astype(int)
    return table


def universities() -> list[str]:
    """Names of the universities the generator draws demand from."""
    return sorted(hei_courses()["hei"].unique())


_KEEP_UPPER = {"NHS", "PCN", "GP", "ICB", "UK", "II", "III", "NE", "NW", "SE", "SW", "ST", "MK", "HMP"}
_KEEP_LOWER = {"and", "of", "the", "upon", "on", "in", "for", "at", "with", "by"}


def tidy_name(text: str) -> str:
    """ODS upper-case names in the case people write them: 'THE DENSHAM SURGERY' -> 'The Densham Surgery'."""
    words = []
    for i, word in enumerate(str(text).strip().split()):
        bare = re.sub(r"[^A-Za-z]", "", word)
        if bare.upper() in _KEEP_UPPER and bare.upper() != "ST":
            words.append(word.upper())
        elif i > 0 and bare.lower() in _KEEP_LOWER:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    name = " ".join(words)
    return re.sub(r"'S\b", "'s", name)
