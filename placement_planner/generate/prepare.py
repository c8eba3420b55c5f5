"""Trim the public reference files into resources/reference/ and derive the lookups the app ships.

Run once by a maintainer when the reference data is refreshed; the app itself only ever
reads the trimmed copies under ``resources/``:

    python -m placement_planner.generate.prepare /path/to/shared/reference
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
REFERENCE = RESOURCES / "reference"

# Accrediting body text (Discover Uni ACCREDITATIONTABLE.ACCTEXT) -> canonical profession.
# Order matters: the first phrase found wins.
ACCREDITATION_PHRASES: tuple[tuple[str, str], ...] = (
    ("qualified nurse (adult)", "Adult Nursing"),
    ("qualified nurse (mental health)", "Mental Health Nursing"),
    ("qualified nurse (learning disabilities)", "Learning Disabilities Nursing"),
    ("qualified nurse (child)", "Children's Nursing"),
    ("qualified midwife", "Midwifery"),
    ("qualified nursing associate", "Nursing Associate"),
    ("qualified nurse or midwife", "Adult Nursing"),
    ("as a chiropodist/podiatrist", "Podiatry"),
    ("as a dietitian", "Dietetics"),
    ("as an occupational therapist", "Occupational Therapy"),
    ("as an operating department practitioner", "Operating Department Practice"),
    ("as an orthoptist", "Orthoptics"),
    ("as a paramedic", "Paramedic"),
    ("as a physiotherapist", "Physiotherapy"),
    ("as a speech and language therapist", "Speech and Language Therapy"),
    ("as a therapeutic radiographer", "Therapeutic Radiography"),
    ("as a diagnostic radiographer", "Diagnostic Radiography"),
    ("general medical council", "Medicine"),
    ("general pharmaceutical council", "Pharmacy"),
)
NMC_HCPC = ("nmc", "hcpc", "nursing and midwifery council", "health and care professions council")


def _read(path: Path, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1", **kw)


def _profession_of(text: str) -> str | None:
    low = text.lower()
    for phrase, profession in ACCREDITATION_PHRASES:
        if phrase in low:
            return profession
    return None


def trusts(src: Path) -> pd.DataFrame:
    """Open NHS trusts in England (no close date, an NHS England region code)."""
    etr = _read(src / "etr_ods_2026-07.csv", header=None)
    etr = etr[(etr[11] == "") & etr[2].str.startswith("Y")]
    out = pd.DataFrame({"ods_code": etr[0], "name": etr[1], "region_code": etr[2],
                        "icb_code": etr[3], "town": etr[7], "postcode": etr[9]})
    return out.sort_values("ods_code").reset_index(drop=True)


def practices(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GP practices (trimmed) and the 36 current ICBs with their regions."""
    gp = _read(src / "gp-reg-pat-prac-map_2026-08.csv")
    prac = gp[["PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", "PCN_CODE", "PCN_NAME",
               "SUB_ICB_LOCATION_CODE", "ICB_CODE"]]
    icbs = (gp[["ICB_CODE", "ICB_NAME", "COMM_REGION_CODE", "COMM_REGION_NAME"]].drop_duplicates()
            .sort_values("ICB_CODE").reset_index(drop=True))
    return prac.sort_values("PRACTICE_CODE").reset_index(drop=True), icbs


def old_icb_lookup(src: Path) -> pd.DataFrame:
    """The 42 ICBs of 2022 -> the 36 of 2026, by majority of GP practices over sub-ICB codes.

    A 2022 sub-ICB code that no longer exists is matched to the 2026 sub-ICB code in the
    same region that did not exist in 2022 (Frimley's D4U1Y became Thames Valley's U2G6B).
    """
    gp = _read(src / "gp-reg-pat-prac-map_2026-08.csv")
    old = _read(src / "LOC22_ICB22_NHSER22_EN_LU.csv", encoding="utf-8-sig")
    old.columns = [c.lstrip("\ufeff") for c in old.columns]
    new_locs = set(gp["SUB_ICB_LOCATION_CODE"]) - set(old["LOC22CDH"])
    loc_region = gp.drop_duplicates("SUB_ICB_LOCATION_CODE").set_index("SUB_ICB_LOCATION_CODE")
    fallback = {}
    for code in sorted(set(old["LOC22CDH"]) - set(gp["SUB_ICB_LOCATION_CODE"])):
        region = old.loc[old["LOC22CDH"] == code, "NHSER22CDH"].iloc[0]
        same = [n for n in sorted(new_locs) if loc_region.loc[n, "COMM_REGION_CODE"] == region]
        if same:
            fallback[code] = same[0]
    old["match_loc"] = old["LOC22CDH"].map(lambda c: fallback.get(c, c))
    counts = (old.merge(gp, left_on="match_loc", right_on="SUB_ICB_LOCATION_CODE")
              .groupby(["ICB22CDH", "ICB22NM", "ICB_CODE", "ICB_NAME"]).size()
              .reset_index(name="practices"))
    counts = counts.sort_values(["ICB22CDH", "practices", "ICB_CODE"], ascending=[True, False, True])
    total = counts.groupby("ICB22CDH")["practices"].transform("sum")
    counts["share"] = (counts["practices"] / total).round(3)
    best = counts.drop_duplicates("ICB22CDH").rename(columns={
        "ICB22CDH": "icb22_code", "ICB22NM": "icb22_name", "ICB_CODE": "icb_code", "ICB_NAME": "icb_name",
        "share": "share_of_practices"})
    return best[["icb22_code", "icb22_name", "icb_code", "icb_name", "practices",
                 "share_of_practices"]].reset_index(drop=True)


def hei_courses(src: Path) -> pd.DataFrame:
    """English universities with NMC/HCPC approved courses: one row per (university, profession).

    The campus is where most of that profession's accredited courses are taught.
    """
    d = src / "discover_uni_2025"
    table = _read(d / "ACCREDITATIONTABLE.csv")
    table["profession"] = table["ACCTEXT"].map(_profession_of)
    table["nmc_hcpc"] = table["ACCTEXT"].str.lower().map(lambda t: any(k in t for k in NMC_HCPC))
    acc = _read(d / "ACCREDITATION.csv").merge(table[["ACCTYPE", "profession", "nmc_hcpc"]], on="ACCTYPE")
    inst = _read(d / "INSTITUTION.csv")
    inst = inst[inst["COUNTRY"] == "XF"]
    inst["hei"] = inst["FIRST_TRADING_NAME"].where(inst["FIRST_TRADING_NAME"] != "", inst["LEGAL_NAME"])
    acc = acc[acc["PUBUKPRN"].isin(inst["PUBUKPRN"])]
    keep = set(acc.loc[acc["nmc_hcpc"], "PUBUKPRN"])
    acc = acc[acc["PUBUKPRN"].isin(keep) & acc["profession"].notna()]
    courses = acc.drop_duplicates(["PUBUKPRN", "KISCOURSEID", "KISMODE", "profession"])
    where = _read(d / "COURSELOCATION.csv")
    loc = _read(d / "LOCATION.csv")
    loc = loc[(loc["LOCCOUNTRY"] == "XF") & (loc["LATITUDE"] != "")]
    taught = (courses.merge(where, on=["PUBUKPRN", "KISCOURSEID", "KISMODE"], suffixes=("", "_cl"))
              .merge(loc[["UKPRN", "LOCID", "LOCNAME", "LATITUDE", "LONGITUDE"]],
                     left_on=["UKPRN_cl", "LOCID"], right_on=["UKPRN", "LOCID"], suffixes=("", "_loc")))
    per_campus = (taught.groupby(["PUBUKPRN", "profession", "LOCID", "LOCNAME", "LATITUDE", "LONGITUDE"])
                  .size().reset_index(name="courses")
                  .sort_values(["PUBUKPRN", "profession", "courses", "LOCID"],
                               ascending=[True, True, False, True]))
    best = per_campus.drop_duplicates(["PUBUKPRN", "profession"])
    best = best.merge(inst[["PUBUKPRN", "hei"]], on="PUBUKPRN")
    out = best.rename(columns={"PUBUKPRN": "ukprn", "LOCID": "campus_id", "LOCNAME": "campus",
                               "LATITUDE": "latitude", "LONGITUDE": "longitude"})
    return out[["ukprn", "hei", "profession", "campus_id", "campus", "latitude", "longitude",
                "courses"]].sort_values(["hei", "profession"]).reset_index(drop=True)


def postcodes(src: Path, wanted: set[str]) -> pd.DataFrame:
    ns = _read(src / "nspl_2025-05_latlong_subset.csv")
    ns["Postcode"] = ns["Postcode"].str.replace(" ", "", regex=False)
    return ns[ns["Postcode"].isin(wanted)].sort_values("Postcode").reset_index(drop=True)


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else Path("/work/shared/reference")
    REFERENCE.mkdir(parents=True, exist_ok=True)
    trust = trusts(src)
    prac, icbs = practices(src)
    trust.to_csv(REFERENCE / "nhs_trusts_open.csv", index=False)
    prac.to_csv(REFERENCE / "gp_practices.csv", index=False)
    icbs.to_csv(RESOURCES / "icbs_2026.csv", index=False)
    wanted = set(trust["postcode"].str.replace(" ", "")) | set(prac["PRACTICE_POSTCODE"].str.replace(" ", ""))
    postcodes(src, wanted).to_csv(REFERENCE / "postcodes_latlong.csv", index=False)
    shutil.copyfile(src / "LOC22_ICB22_NHSER22_EN_LU.csv", REFERENCE / "LOC22_ICB22_NHSER22_EN_LU.csv")
    old_icb_lookup(src).to_csv(RESOURCES / "icb_2022_to_2026.csv", index=False)
    hei_courses(src).to_csv(REFERENCE / "hei_courses.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
