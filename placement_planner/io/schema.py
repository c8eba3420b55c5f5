"""One declared schema per input sheet: columns, types, required, and the aliases people use."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from placement_planner.names import name_key


class Kind(str, Enum):
    TEXT = "text"
    INT = "whole number"
    NUMBER = "number"
    DATE = "date"
    BOOL = "yes/no"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()

    def keys(self) -> list[str]:
        return [name_key(self.name)] + [name_key(a) for a in self.aliases]


@dataclass(frozen=True)
class SheetSchema:
    name: str
    columns: tuple[Column, ...]
    required: bool = False                   # the sheet itself must be present
    aliases: tuple[str, ...] = ()
    description: str = ""
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Column] = {}
        for col in self.columns:           # own names win over aliases of other columns
            index[name_key(col.name)] = col
        for col in self.columns:
            for alias in col.aliases:
                index.setdefault(name_key(alias), col)
        object.__setattr__(self, "column_index", index)

    def match(self, header: object) -> Column | None:
        return self.column_index.get(name_key(header))

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]


_SITE_ID = ("site code", "site id", "ods code", "ods site code", "location code", "site ref",
            "placement site code", "org code", "practice code", "code")
_START = ("start", "start date", "wk commencing", "week commencing", "w/c", "wc", "from", "date from",
          "start week", "placement start", "begins", "commencing", "starting")
_END = ("end", "end date", "to", "date to", "until", "end week", "finish", "finish date", "placement end")
_PROFESSION = ("discipline", "course", "programme", "program", "professional group", "field",
               "learner type", "student type", "profession name", "speciality of learner")
_SETTING = ("placement setting", "setting type", "area", "service", "specialty", "speciality",
            "placement area", "care setting")
_ICS = ("icb", "icb/ics", "ics/icb", "integrated care system", "integrated care board", "ics name", "icb name", "system")
_REGION = ("nhs region", "nhse region", "nhs england region", "region name")
_LAT = ("lat",)
_LON = ("lon", "long", "lng")

SITES = SheetSchema("Sites", required=True,
    aliases=("Site", "Placement sites", "Site list", "Locations", "Placement providers"),
    description="one row per placement site",
    columns=(
        Column("site_id", Kind.TEXT, True, _SITE_ID),
        Column("site_name", Kind.TEXT, False, ("site", "name", "site description", "location",
                                                "location name", "placement site", "ward", "department")),
        Column("provider", Kind.TEXT, True, ("trust", "organisation", "organization", "provider name",
                                             "trust name", "practice", "practice name", "employer", "org")),
        Column("provider_type", Kind.TEXT, False, ("type", "organisation type", "sector", "provider category",
                                                   "trust type")),
        Column("hub", Kind.TEXT, False, ("training hub", "placement hub", "hub name")),
        # A Primary Care Network is not a hub: its own column (issue 11).
        Column("pcn", Kind.TEXT, False, ("primary care network", "pcn name", "network")),
        Column("ics", Kind.TEXT, True, _ICS),
        Column("region", Kind.TEXT, True, _REGION),
        Column("latitude", Kind.NUMBER, False, _LAT),
        Column("longitude", Kind.NUMBER, False, _LON),
        Column("postcode", Kind.TEXT, False, ("post code", "postal code", "site postcode", "zip")),
        Column("quality", Kind.TEXT, False, ("quality rating", "learning environment", "qa status", "rag",
                                             "quality status", "audit", "educational audit")),
    ))

CAPACITY = SheetSchema("Capacity", required=True,
    aliases=("Places", "Placement capacity", "Capacity blocks", "Supply", "Offers", "Placement offers"),
    description="one row per block of places a site offers",
    columns=(
        Column("site_id", Kind.TEXT, True, _SITE_ID + ("site", "location")),
        Column("profession", Kind.TEXT, True, _PROFESSION),
        Column("setting", Kind.TEXT, False, _SETTING),
        Column("start_date", Kind.DATE, True, _START),
        Column("end_date", Kind.DATE, True, _END),
        Column("places", Kind.INT, True, ("capacity", "no. of places", "number of places", "no of places",
                                          "places available", "available places", "placements", "slots",
                                          "spaces", "qty", "quantity", "students", "no. of students",
                                          "number of students", "learners", "capacity per week")),
    ))

DEMAND = SheetSchema("Demand", required=True,
    aliases=("Learners", "Students", "Cohorts", "Requests", "Placement requests", "Demand groups",
             "Placement demand"),
    description="one row per group of learners that needs a placement",
    columns=(
        Column("demand_id", Kind.TEXT, True, ("id", "request id", "group id", "cohort id", "ref", "reference",
                                              "request ref", "demand ref", "group")),
        Column("hei", Kind.TEXT, True, ("university", "uni", "education provider", "institution", "aei",
                                        "hei name", "college", "education institution")),
        Column("profession", Kind.TEXT, True, _PROFESSION),
        Column("learners", Kind.INT, True, ("no. of students", "number of students", "no of students",
                                            "students", "no. of learners", "number of learners", "headcount",
                                            "cohort size", "students required", "places required",
                                            "places needed", "count", "qty", "quantity")),
        Column("start_date", Kind.DATE, True, _START),
        Column("weeks", Kind.INT, True, ("duration", "duration weeks", "duration (weeks)", "length",
                                         "length weeks", "no. of weeks", "number of weeks", "weeks required")),
        Column("setting", Kind.TEXT, False, _SETTING),
        Column("year", Kind.INT, False, ("year of study", "study year", "yr", "year group", "academic year of study")),
        Column("latitude", Kind.NUMBER, False, _LAT + ("campus latitude",)),
        Column("longitude", Kind.NUMBER, False, _LON + ("campus longitude",)),
        Column("postcode", Kind.TEXT, False, ("post code", "campus postcode", "home postcode")),
        Column("max_travel_km", Kind.NUMBER, False, ("max travel", "max travel km", "travel limit", "max distance",
                                                     "max distance km", "travel km", "radius", "radius km",
                                                     "max travel (km)")),
        Column("ics", Kind.TEXT, False, _ICS),
        Column("region", Kind.TEXT, False, _REGION),
        Column("priority", Kind.NUMBER, False, ("weight", "priority weight")),
        Column("preferred_sites", Kind.TEXT, False, ("preferred site", "preferred", "preference", "preferences",
                                                     "preferred site ids", "preferred locations")),
        Column("flex_weeks", Kind.INT, False, ("flex", "flexibility", "flex (weeks)", "flexibility weeks")),
        # Training route (degree, apprenticeship, ...): kept with the row; see docs/workbook-format.md.
        Column("route", Kind.TEXT, False, ("training route", "programme route", "route type", "entry route")),
        # v2 journeys (docs/journeys.md): rows sharing a journey are one set of learners' successive
        # placements. Bare "pathway" is left out on purpose: in NHS education files it names the
        # field or route ("Adult pathway", "apprenticeship pathway"), not one group's sequence.
        Column("journey", Kind.TEXT, False, ("journey id", "journey ref", "journey name", "learner journey",
                                             "student journey", "placement journey", "placement pathway",
                                             "learner pathway", "pathway id", "journey group")),
        Column("required_settings", Kind.TEXT, False, ("required settings", "settings required",
                                                       "required setting mix", "setting mix",
                                                       "required placement settings", "must cover settings",
                                                       "required placement types", "placement types required")),
    ))

LOCKED = SheetSchema("Locked",
    aliases=("Locked allocations", "Agreed", "Agreed placements", "Fixed", "Fixed allocations", "Confirmed"),
    description="allocations already agreed",
    columns=(
        Column("demand_id", Kind.TEXT, True, DEMAND.columns[0].aliases),
        Column("site_id", Kind.TEXT, True, _SITE_ID + ("site",)),
        Column("learners", Kind.INT, True, DEMAND.columns[3].aliases),
        Column("setting", Kind.TEXT, False, _SETTING),
    ))

ALLOCATIONS = SheetSchema("Allocations",
    aliases=("Previous plan", "Previous allocations", "Plan"),
    description="a previous plan, as the output workbook writes it",
    columns=(
        Column("demand_id", Kind.TEXT, True, DEMAND.columns[0].aliases),
        Column("site_id", Kind.TEXT, True, _SITE_ID + ("site",)),
        Column("setting", Kind.TEXT, False, _SETTING),
        Column("start_date", Kind.DATE, True, _START),
        Column("learners", Kind.INT, True, DEMAND.columns[3].aliases),
        Column("locked", Kind.BOOL, False, ("fixed", "agreed")),
    ))

SETTINGS = SheetSchema("Settings",
    aliases=("Options", "Parameters", "Config"),
    description="key, value rows",
    columns=(
        Column("key", Kind.TEXT, True, ("setting", "parameter", "name", "option")),
        Column("value", Kind.TEXT, True, ("val", "setting value")),
    ))

# v2: what-if changes on the loaded data (placement_planner/scenarios reads and applies them).
# `demand_id` is an extension of the contract: it narrows a demand change to one group.
SCENARIOS = SheetSchema("Scenarios",
    aliases=("Scenario", "What ifs", "What-if", "What if scenarios", "Scenario changes"),
    description="what-if changes, one row per change",
    columns=(
        Column("scenario", Kind.TEXT, True, ("scenario name", "what if", "name")),
        Column("change", Kind.TEXT, True, ("change type", "kind", "action", "type")),
        Column("site_id", Kind.TEXT, False, _SITE_ID + ("site",)),
        Column("provider", Kind.TEXT, False, ("trust", "organisation", "organization", "provider name",
                                              "trust name")),
        Column("hub", Kind.TEXT, False, ("training hub", "placement hub", "hub name")),
        Column("ics", Kind.TEXT, False, _ICS),
        Column("region", Kind.TEXT, False, _REGION),
        Column("hei", Kind.TEXT, False, ("university", "uni", "education provider", "institution", "aei")),
        Column("profession", Kind.TEXT, False, _PROFESSION),
        Column("setting", Kind.TEXT, False, _SETTING),
        Column("demand_id", Kind.TEXT, False, ("group id", "cohort id", "request id")),
        Column("from_date", Kind.DATE, False, ("from", "from date", "start", "start date", "date from")),
        Column("to_date", Kind.DATE, False, ("to", "to date", "end", "end date", "date to", "until")),
        Column("value", Kind.NUMBER, False, ("amount", "factor", "number", "places", "weeks", "km")),
    ))

INPUT_SHEETS: tuple[SheetSchema, ...] = (SITES, CAPACITY, DEMAND, LOCKED, ALLOCATIONS, SETTINGS, SCENARIOS)
# Sheets the output workbook adds; found in a re-opened export and quietly skipped.
OUTPUT_ONLY_SHEETS = ("Summary", "Unplaced", "Gaps", "Utilisation", "Compare", "Compare by area", "Moves",
                      "About this workbook", "Journeys")


def schema_for_sheet(sheet_name: str) -> SheetSchema | None:
    """Match a sheet (or CSV stem) to a schema: exact name or alias first, then a name that
    starts with or contains one (``Demand 2025-26``, ``sites_north``)."""
    key = name_key(sheet_name)
    if not key:
        return None
    for schema in INPUT_SHEETS:
        if key in {name_key(schema.name), *map(name_key, schema.aliases)}:
            return schema
    best: tuple[int, SheetSchema] | None = None
    for schema in INPUT_SHEETS:
        for name in (schema.name, *schema.aliases):
            k = name_key(name)
            if len(k) >= 4 and (key.startswith(k) or k in key) and (best is None or len(k) > best[0]):
                best = (len(k), schema)
    return best[1] if best else None
