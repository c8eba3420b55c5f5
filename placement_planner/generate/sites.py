"""Synthetic placement sites built on real NHS trusts, GP practices and PCNs (the `Sites` sheet)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from placement_planner import reference as ref
from placement_planner.generate.profiles import (SITE_SUFFIXES, SITES_PER_TRUST, SPREAD_KM, Scale,
                                                 also_community, provider_type_of)
from placement_planner.geo import haversine_km

# Internal columns (dropped before writing): what the site offers and how much.
_KIND, _WEIGHT, _COMMUNITY = "_kind", "_weight", "_also_community"
_EXCLUDED_TRUSTS = {"K0N6A"}   # The Online NHS Trust: no physical placement sites


def _practices_located() -> pd.DataFrame:
    prac = ref.practices().copy()
    lookup = ref.postcode_lookup()
    coords = [lookup.get(p.replace(" ", "").upper()) for p in prac["postcode"]]
    prac["latitude"] = [c[0] if c else np.nan for c in coords]
    prac["longitude"] = [c[1] if c else np.nan for c in coords]
    return prac[prac["latitude"].notna()].reset_index(drop=True)


def _locality(pcn_name: str) -> str:
    """'NORTH STOCKTON PCN' -> 'North Stockton'; '' when the PCN name is no place name."""
    text = re.sub(r"\b(PCN|PRIMARY CARE NETWORK|NETWORK|HEALTH|GROUP|CARE|ALLIANCE)\b", "", pcn_name.upper())
    text = re.sub(r"[^A-Z' &-]", " ", text)
    text = " ".join(text.split())
    if not text or len(text) > 24 or len(text) < 3:
        return ""
    return ref.tidy_name(text)


def _offset(lat: float, lon: float, rng: np.random.Generator, lo: float, hi: float, n: int):
    """n points between lo and hi km from (lat, lon) in random directions."""
    dist = rng.uniform(lo, hi, n)
    bearing = rng.uniform(0, 2 * np.pi, n)
    dlat = dist * np.cos(bearing) / 111.0
    dlon = dist * np.sin(bearing) / (111.0 * np.cos(np.radians(lat)))
    return lat + dlat, lon + dlon


def _nearest(lat, lon, prac: pd.DataFrame) -> np.ndarray:
    """Index of the nearest practice to each point."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    out = np.empty(len(lat), dtype=np.int64)
    plat, plon = prac["latitude"].to_numpy(), prac["longitude"].to_numpy()
    for start in range(0, len(lat), 512):
        d = haversine_km(lat[start:start + 512, None], lon[start:start + 512, None], plat[None, :], plon[None, :])
        out[start:start + 512] = np.argmin(d, axis=1)
    return out


def _snap(lats, lons, icbs: list[str], prac_all: pd.DataFrame, rng: np.random.Generator):
    """Put each point next to the nearest GP practice of its own ICB (within 0.1-0.8 km), so a
    site's coordinates, postcode (the practice's) and ICB always agree. Returns lat, lon, practice index."""
    lats, lons = np.asarray(lats, dtype=float).copy(), np.asarray(lons, dtype=float).copy()
    near = np.empty(len(lats), dtype=np.int64)
    codes = np.asarray(icbs)
    for icb in sorted(set(icbs)):
        mine = np.flatnonzero(codes == icb)
        pool = np.flatnonzero((prac_all["icb_code"] == icb).to_numpy())
        near[mine] = pool[_nearest(lats[mine], lons[mine], prac_all.iloc[pool])]
    plat, plon = prac_all["latitude"].to_numpy()[near], prac_all["longitude"].to_numpy()[near]
    dlat, dlon = _offset(0.0, 0.0, rng, 0.1, 0.8, len(lats))
    return plat + dlat, plon + dlon / np.cos(np.radians(plat)), near


def _unique_names(sites: pd.DataFrame) -> pd.Series:
    """Two sites never share a name: later repeats get their postcode district ('..., CV6')."""
    names = sites["site_name"].tolist()
    seen: set[str] = set()
    for i, name in enumerate(names):
        key = name.casefold()
        if key in seen:
            district = str(sites["postcode"].iat[i]).split()[0] if sites["postcode"].iat[i] else ""
            name = f"{name}, {district}" if district else name
            n = 2
            while name.casefold() in seen:
                name = f"{names[i]} ({n})"
                n += 1
            names[i] = name
        seen.add(name.casefold())
    return pd.Series(names, index=sites.index)


def _in_scope(scale: Scale, icb: pd.Series, region: pd.Series) -> pd.Series:
    if scale.icb_code:
        return icb == scale.icb_code
    if scale.region_code:
        return region == scale.region_code
    return pd.Series(True, index=icb.index)


def _hubs(rng: np.random.Generator) -> dict[str, str]:
    """Most ICBs run a clinical placement hub; trusts in the others belong to no hub (blank)."""
    icbs = ref.current_icbs()
    has_hub = rng.random(len(icbs)) < 0.6
    return {code: f"{ref.short_icb_name(name)} Clinical Placement Hub"
            for code, name, hub in zip(icbs["icb_code"], icbs["icb_name"], has_hub) if hub}


def _trust_sites(scale: Scale, rng: np.random.Generator, prac_all: pd.DataFrame,
                 prac_scope: pd.DataFrame) -> list[dict]:
    icb_region = dict(zip(ref.current_icbs()["icb_code"], ref.current_icbs()["region_code"]))
    hubs = _hubs(rng)
    trusts = ref.trusts()
    trusts = trusts[~trusts["ods_code"].isin(_EXCLUDED_TRUSTS)]
    rows: list[dict] = []
    for trust in trusts.itertuples(index=False):
        kind = provider_type_of(trust.name)
        where = ref.locate(trust.postcode)
        if where is None:
            continue
        name = ref.tidy_name(trust.name)
        lo, hi = SITES_PER_TRUST[kind]
        n = int(rng.integers(lo, hi + 1))
        if kind == "ambulance":
            if trust.region_code != (icb_region.get(scale.icb_code) or scale.region_code or trust.region_code):
                continue
            # Stations spread over the practices of the trust's region that lie in scope.
            pool = prac_scope[prac_scope["region_code"] == trust.region_code]
            if scale.icb_code:
                d = haversine_km(where[0], where[1], pool["latitude"], pool["longitude"])
                pool = pool[d < 80]
                n = min(n, 2)
            if pool.empty:
                continue
            pick = pool.iloc[rng.choice(len(pool), size=min(n, len(pool)), replace=False)]
            lat, lon = _offset(0, 0, rng, 0.5, 3.0, len(pick))
            lats, lons = pick["latitude"].to_numpy() + lat, pick["longitude"].to_numpy() + lon
            icbs = pick["icb_code"].tolist()
        else:
            if not _in_scope(scale, pd.Series([trust.icb_code]), pd.Series([trust.region_code])).iloc[0]:
                continue
            lats, lons = _offset(where[0], where[1], rng, *SPREAD_KM[kind], n)
            lats[0], lons[0] = where
            icbs = [trust.icb_code] * n
        # The headquarters site (i == 0) keeps the trust's own postcode and town; every other site
        # sits next to a GP practice of its ICB and takes that practice's postcode and locality.
        at_hq = kind != "ambulance"
        lats, lons, near = _snap(lats, lons, icbs, prac_all, rng)
        if at_hq:
            lats[0], lons[0] = where
        suffixes = SITE_SUFFIXES[kind]
        town = ref.tidy_name(trust.town) if trust.town else ""
        for i in range(len(lats)):
            hq = at_hq and i == 0
            place = town if hq else (_locality(prac_all["pcn_name"].iat[near[i]])
                                     or ref.tidy_name(prac_all["town"].iat[near[i]] if "town" in prac_all else "")
                                     or town)
            suffix = suffixes[0] if i == 0 else suffixes[int(rng.integers(len(suffixes)))]
            rows.append({
                "site_id": f"{trust.ods_code}-{i + 1:02d}", "site_name": f"{place} {suffix}".strip(),
                "provider": name, "provider_type": kind,
                "hub": "" if kind == "ambulance" else hubs.get(icbs[i], ""), "_icb": icbs[i],
                "pcn": "" if hq else ref.tidy_name(prac_all["pcn_name"].iat[near[i]]),
                "latitude": round(float(lats[i]), 5), "longitude": round(float(lons[i]), 5),
                "postcode": trust.postcode if hq else prac_all["postcode"].iat[near[i]],
                _KIND: kind, _WEIGHT: 2.0 if i == 0 else float(rng.uniform(0.5, 1.3)),
                _COMMUNITY: also_community(trust.name), "_specialist": trust.name.upper(),
            })
    return rows


def _independent_sites(scale: Scale, rng: np.random.Generator, prac_scope: pd.DataFrame,
                       prac_all: pd.DataFrame) -> list[dict]:
    if not scale.independent or prac_scope.empty:
        return []
    pick = prac_scope.iloc[rng.choice(len(prac_scope), size=scale.independent, replace=False)]
    lats, lons, near = _snap(pick["latitude"], pick["longitude"], pick["icb_code"].tolist(), prac_all, rng)
    providers = max(1, scale.independent // 4)
    rows = []
    for i in range(len(pick)):
        mental = rng.random() < 0.35
        place = _locality(pick["pcn_name"].iat[i]) or f"Site {i + 1}"
        provider = f"Independent provider {chr(ord('A') + int(rng.integers(providers)) % 26)} (synthetic)"
        rows.append({
            "site_id": f"IND-{i + 1:03d}",
            "site_name": f"{place} {'Mental Health' if mental else 'Independent'} Hospital (synthetic)",
            "provider": provider, "provider_type": "independent", "hub": "",
            "_icb": pick["icb_code"].iat[i], "pcn": "",
            "latitude": round(float(lats[i]), 5), "longitude": round(float(lons[i]), 5),
            "postcode": prac_all["postcode"].iat[near[i]],
            _KIND: "independent mental health" if mental else "independent acute",
            _WEIGHT: float(rng.uniform(0.5, 1.2)), _COMMUNITY: False, "_specialist": "",
        })
    return rows


def _practice_sites(n: int, rng: np.random.Generator, prac_scope: pd.DataFrame) -> list[dict]:
    """GP practices: hub = the ICB's primary care training hub, pcn = the practice's network."""
    icb_names = dict(zip(ref.current_icbs()["icb_code"], ref.current_icbs()["icb_name"]))
    n = max(0, min(n, len(prac_scope)))
    pick = prac_scope.iloc[np.sort(rng.choice(len(prac_scope), size=n, replace=False))]
    return [{
        "site_id": p.code, "site_name": ref.tidy_name(p.name), "provider": ref.tidy_name(p.name),
        "provider_type": "primary care", "hub": f"{ref.short_icb_name(icb_names[p.icb_code])} Training Hub",
        "pcn": ref.tidy_name(p.pcn_name),
        "_icb": p.icb_code,
        "latitude": round(float(p.latitude), 5), "longitude": round(float(p.longitude), 5),
        "postcode": p.postcode, _KIND: "primary care", _WEIGHT: float(rng.uniform(0.6, 1.4)),
        _COMMUNITY: False, "_specialist": "",
    } for p in pick.itertuples(index=False)]


def build_sites(scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """The Sites table for a scale, with internal `_` columns the capacity builder uses."""
    icbs = ref.current_icbs().set_index("icb_code")
    prac_all = _practices_located()
    prac_all["region_code"] = icbs.loc[prac_all["icb_code"], "region_code"].to_numpy()
    prac_scope = prac_all[_in_scope(scale, prac_all["icb_code"], prac_all["region_code"])].reset_index(drop=True)
    rows = _trust_sites(scale, rng, prac_all, prac_scope)
    rows += _independent_sites(scale, rng, prac_scope, prac_all)
    rows += _practice_sites(scale.sites - len(rows), rng, prac_scope)
    sites = pd.DataFrame(rows)
    sites["site_name"] = _unique_names(sites)
    sites["ics"] = icbs.loc[sites["_icb"], "icb_name"].to_numpy()
    sites["region"] = icbs.loc[sites["_icb"], "region_name"].to_numpy()
    draw = rng.random(len(sites))
    sites["quality"] = np.where(draw < 0.01, "suspended", np.where(draw < 0.06, "monitor", "ok"))
    return sites.reset_index(drop=True)
