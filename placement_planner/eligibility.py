"""The contract's eligibility rule, in one place: may demand row d use pool p (site x profession x setting)?

A pair is eligible when the profession matches (after name normalisation: callers pass name
keys), the site is not suspended, the pool's setting equals the demand's setting when one is
given, the site lies in the demand's ics / region when those are given, and, when the demand
has coordinates, the great-circle distance (haversine, Earth radius 6371.0 km) is at most its
travel limit; a site without coordinates is then ineligible. A demand without coordinates
reaches every site.

Every function is vectorised: demand arrays (length n) against pool arrays (length m) give an
(n x m) boolean matrix; callers chunk rows to bound memory. The solver (``solver/arcs.py``)
and the analysis (``placement_planner/analysis``) both use these functions, so a rule changes
in one place.
"""

from __future__ import annotations

import numpy as np

from placement_planner.geo import EARTH_RADIUS_KM, haversine_km

__all__ = ["EARTH_RADIUS_KM", "distance_km", "eligible", "reachable", "same_or_blank", "travel_ok"]


def same_or_blank(wanted: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """(n x m): the demand asks for nothing ("") or for exactly what the pool offers.

    The texts are turned into shared integer codes first, so the (n x m) comparison is on
    integers (several times faster than comparing Python strings at national scale)."""
    wanted = np.asarray(wanted, dtype=object)
    offered = np.asarray(offered, dtype=object)
    both = np.concatenate([wanted, offered]).astype(str)
    _, codes = np.unique(both, return_inverse=True)
    codes = codes.reshape(-1)
    w, o = codes[:len(wanted)], codes[len(wanted):]
    return (wanted == "")[:, None] | (w[:, None] == o[None, :])


def distance_km(lat, lon, site_lat, site_lon) -> np.ndarray:
    """(n x m) haversine km; NaN where either side has no coordinates."""
    return haversine_km(np.asarray(lat, dtype=float)[:, None], np.asarray(lon, dtype=float)[:, None],
                        np.asarray(site_lat, dtype=float)[None, :], np.asarray(site_lon, dtype=float)[None, :])


def reachable(dist_km, limit_km) -> np.ndarray:
    """Within the travel limit (any shape, broadcast); a NaN distance (no site coordinates) is not."""
    with np.errstate(invalid="ignore"):
        return np.asarray(dist_km, dtype=float) <= np.asarray(limit_km, dtype=float)


def travel_ok(lat, lon, limit, site_lat, site_lon) -> np.ndarray:
    """(n x m): within the travel limit; a demand without coordinates reaches every site,
    a site without coordinates is out of reach of a demand that has them."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    has = ~(np.isnan(lat) | np.isnan(lon))
    near = reachable(distance_km(lat, lon, site_lat, site_lon), np.asarray(limit, dtype=float)[:, None])
    return np.where(has[:, None], near, True)


def eligible(profession, setting, ics, region, lat, lon, limit,
             pool_profession, pool_setting, pool_ics, pool_region, pool_lat, pool_lon,
             pool_open=None) -> np.ndarray:
    """(n x m) boolean: the contract's eligibility of every demand row against every pool.

    Text arguments are name keys ("" = blank); ``pool_open`` is False for suspended sites
    (None = all open).
    """
    ok = np.asarray(profession, dtype=object)[:, None] == np.asarray(pool_profession, dtype=object)[None, :]
    if pool_open is not None:
        ok &= np.asarray(pool_open, dtype=bool)[None, :]
    ok &= same_or_blank(setting, pool_setting)
    ok &= same_or_blank(ics, pool_ics)
    ok &= same_or_blank(region, pool_region)
    ok &= travel_ok(lat, lon, limit, pool_lat, pool_lon)
    return ok
