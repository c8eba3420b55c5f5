"""WGS84 latitude/longitude -> British National Grid (EPSG:27700) metres, in plain numpy.

The Ordnance Survey's own recipe ("A guide to coordinate systems in Great Britain"): a
seven-parameter Helmert shift from WGS84 to OSGB36 (good to a few metres), then the National
Grid's transverse Mercator on the Airy 1830 ellipsoid. The map draws boundaries and sites in these
metres so England keeps its shape (1 m east = 1 m north on screen). No Qt here.
"""

from __future__ import annotations

import numpy as np

# Ellipsoids (a, b)
_WGS84 = (6378137.000, 6356752.3141)
_AIRY = (6377563.396, 6356256.909)
# WGS84 -> OSGB36 Helmert: tx, ty, tz (m), rx, ry, rz (arc-seconds), s (ppm)
_HELMERT = (-446.448, 125.157, -542.060, -0.1502, -0.2470, -0.8421, 20.4894)
# National Grid projection
_F0, _LAT0, _LON0, _E0, _N0 = 0.9996012717, np.radians(49.0), np.radians(-2.0), 400000.0, -100000.0


def _to_cartesian(lat, lon, a, b):
    e2 = 1 - (b * b) / (a * a)
    nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return nu * np.cos(lat) * np.cos(lon), nu * np.cos(lat) * np.sin(lon), (1 - e2) * nu * np.sin(lat)


def _from_cartesian(x, y, z, a, b):
    e2 = 1 - (b * b) / (a * a)
    p = np.sqrt(x * x + y * y)
    lat = np.arctan2(z, p * (1 - e2))
    for _ in range(6):
        nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + e2 * nu * np.sin(lat), p)
    return lat, np.arctan2(y, x)


def _helmert(x, y, z):
    tx, ty, tz, rx, ry, rz, s = _HELMERT
    rx, ry, rz = (np.radians(v / 3600.0) for v in (rx, ry, rz))
    s = 1 + s * 1e-6
    return (tx + s * x - rz * y + ry * z, ty + rz * x + s * y - rx * z, tz - ry * x + rx * y + s * z)


def _meridional_arc(lat, a, b):
    n = (a - b) / (a + b)
    d, t = lat - _LAT0, lat + _LAT0
    return b * _F0 * ((1 + n + 1.25 * n ** 2 + 1.25 * n ** 3) * d
                      - (3 * n + 3 * n ** 2 + 21 / 8 * n ** 3) * np.sin(d) * np.cos(t)
                      + (15 / 8 * n ** 2 + 15 / 8 * n ** 3) * np.sin(2 * d) * np.cos(2 * t)
                      - 35 / 24 * n ** 3 * np.sin(3 * d) * np.cos(3 * t))


def to_bng(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """(easting, northing) in metres for WGS84 degrees (arrays or scalars; NaN stays NaN)."""
    lat = np.radians(np.asarray(lat, dtype=float))
    lon = np.radians(np.asarray(lon, dtype=float))
    lat, lon = _from_cartesian(*_helmert(*_to_cartesian(lat, lon, *_WGS84)), *_AIRY)
    return osgb36_to_grid(np.degrees(lat), np.degrees(lon))


def osgb36_to_grid(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """The National Grid's transverse Mercator for OSGB36 (Airy 1830) degrees."""
    lat = np.radians(np.asarray(lat, dtype=float))
    lon = np.radians(np.asarray(lon, dtype=float))
    a, b = _AIRY
    e2 = 1 - (b * b) / (a * a)
    sin, cos, tan = np.sin(lat), np.cos(lat), np.tan(lat)
    nu = a * _F0 / np.sqrt(1 - e2 * sin ** 2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin ** 2) ** 1.5
    eta2 = nu / rho - 1
    m = _meridional_arc(lat, a, b)
    i = m + _N0
    ii = nu / 2 * sin * cos
    iii = nu / 24 * sin * cos ** 3 * (5 - tan ** 2 + 9 * eta2)
    iiia = nu / 720 * sin * cos ** 5 * (61 - 58 * tan ** 2 + tan ** 4)
    iv = nu * cos
    v = nu / 6 * cos ** 3 * (nu / rho - tan ** 2)
    vi = nu / 120 * cos ** 5 * (5 - 18 * tan ** 2 + tan ** 4 + 14 * eta2 - 58 * tan ** 2 * eta2)
    dl = lon - _LON0
    north = i + ii * dl ** 2 + iii * dl ** 4 + iiia * dl ** 6
    east = _E0 + iv * dl + v * dl ** 3 + vi * dl ** 5
    return east, north
