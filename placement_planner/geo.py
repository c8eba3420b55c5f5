"""Great-circle distances, as the contract defines them (haversine, R = 6371.0 km)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0

# England, Wales and Scotland with a margin: coordinates outside are almost surely swapped
# or mistyped (the check reports them; nothing is changed).
UK_LAT = (49.8, 60.95)
UK_LON = (-8.7, 1.9)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Vectorised haversine distance in km; NaN where any coordinate is missing."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    h = (np.sin((lat2 - lat1) / 2.0) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def in_uk(lat, lon) -> np.ndarray:
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    return (lat >= UK_LAT[0]) & (lat <= UK_LAT[1]) & (lon >= UK_LON[0]) & (lon <= UK_LON[1])
