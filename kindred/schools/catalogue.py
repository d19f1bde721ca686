"""The standard measures Kindred knows by code.

Importer mappings and the generator both refer to measures by these codes, so a school's
families and relative performance read the same measure whatever file it came from. A
mapping may define further measures of its own (see docs/importing.md).
"""

from dataclasses import dataclass

from kindred.engine.units import PERCENT_UNITS


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    name: str
    unit: str  # MeasureDefinition.Unit value
    domain: str
    kind: str  # MeasureDefinition.Kind value
    higher_is_better: bool | None = None
    description: str = ""
    # The declared model of a measure (issue "Evidence v2"): values outside [valid_min, valid_max]
    # are refused by imports and by the evidence model; pupil_sd is the pupil-level standard
    # deviation when the publisher documents it (pupil_sd_source says where); predictors names the
    # context measures that predict it (empty: every context measure with data).
    valid_min: float | None = None
    valid_max: float | None = None
    pupil_sd: float | None = None
    pupil_sd_source: str = ""
    predictors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.unit in PERCENT_UNITS and self.valid_min is None and self.valid_max is None:
            object.__setattr__(self, "valid_min", 0.0)
            object.__setattr__(self, "valid_max", 100.0)


def _context(code: str, name: str, unit: str = "percent_pupils", description: str = "") -> MeasureSpec:
    return MeasureSpec(code, name, unit, "intake", "context", None, description)


def _outcome(
    code: str,
    name: str,
    unit: str,
    domain: str,
    *,
    higher_is_better: bool = True,
    description: str = "",
    pupil_sd: float | None = None,
    pupil_sd_source: str = "",
    valid_min: float | None = None,
    valid_max: float | None = None,
) -> MeasureSpec:
    return MeasureSpec(
        code,
        name,
        unit,
        domain,
        "outcome",
        higher_is_better,
        description,
        valid_min=valid_min,
        valid_max=valid_max,
        pupil_sd=pupil_sd,
        pupil_sd_source=pupil_sd_source,
    )


#: Where a pupil SD comes from. Only SDs a publisher documents are declared; the others are estimated
#: from the data (year-to-year changes, docs/methods.md) and pages say so.
DFE_PROGRESS8_SD_SOURCE = (
    "DfE, Secondary accountability measures guide (2019): school Progress 8 confidence intervals use the "
    "national pupil-level SD of Progress 8 scores, 1.28; the 2019 KS4 provisional file's P8CILOW/P8CIUPP "
    "agree (tests/engine/test_england_2019.py)."
)


#: Where a valid range comes from. DfE's Attainment 8 adds a pupil's points (each grade 9 at most) over
#: eight slots, English and maths counted twice: 0 to 90. EBacc APS averages grades over six slots: 0 to 9.
ATTAINMENT8_RANGE = (
    "A pupil's points over eight slots, English and maths double-weighted, each grade at most 9 "
    "(DfE, Secondary accountability measures guide): 0 to 90."
)
EBACC_RANGE = "The average of a pupil's points over the six EBacc slots, each grade at most 9: 0 to 9."


MEASURES: dict[str, MeasureSpec] = {
    spec.code: spec
    for spec in [
        _context(
            "fsm_pct",
            "Pupils ever eligible for free school meals (%)",
            description="Eligible in the last six years (FSM6).",
        ),
        _context("eal_pct", "Pupils with English as an additional language (%)"),
        _context("sen_support_pct", "Pupils on SEN support (%)"),
        _context("sen_ehcp_pct", "Pupils with an education, health and care plan (%)"),
        _context(
            "prior_attainment",
            "Prior attainment of the intake (standardised)",
            unit="score",
            description="Mean prior attainment of pupils on entry, standardised to mean 0 and SD 1 nationally.",
        ),
        _context(
            "selective",
            "Selective (grammar) school",
            unit="score",
            description="1 if the school admits pupils by ability (a grammar school), 0 if not.",
        ),
        _outcome("ks2_reading_progress", "KS2 reading progress", "score", "reading"),
        _outcome("ks2_writing_progress", "KS2 writing progress", "score", "writing"),
        _outcome("ks2_maths_progress", "KS2 maths progress", "score", "maths"),
        _outcome(
            "ks4_progress8",
            "Progress 8",
            "score",
            "progress",
            pupil_sd=1.28,
            pupil_sd_source=DFE_PROGRESS8_SD_SOURCE,
        ),
        _outcome(
            "ks4_attainment8",
            "Attainment 8",
            "score",
            "attainment",
            description=ATTAINMENT8_RANGE,
            valid_min=0.0,
            valid_max=90.0,
        ),
        _outcome(
            "ks4_basics_pct", "Grade 5 or above in English and maths (%)", "percent_pupils", "english_maths"
        ),
        _outcome(
            "ks4_ebacc_aps",
            "EBacc average point score",
            "score",
            "ebacc",
            description=EBACC_RANGE,
            valid_min=0.0,
            valid_max=9.0,
        ),
        _outcome(
            "ks4_destination_pct",
            "Pupils in sustained education, employment or training after KS4 (%)",
            "percent_pupils",
            "destinations",
        ),
        _outcome("ks5_alevel_va", "A level value added", "score", "post16"),
        _outcome("absence_pct", "Overall absence (%)", "percent", "attendance", higher_is_better=False),
        _outcome(
            "persistent_absence_pct",
            "Persistent absentees (%)",
            "percent_pupils",
            "attendance",
            higher_is_better=False,
        ),
        _outcome(
            "inspection_rating",
            "Inspection rating (1 outstanding … 4 inadequate)",
            "rating",
            "inspection",
            higher_is_better=False,
        ),
    ]
}


#: The England 2018/19 files (../shared/data/england-2019/) with their ready mappings, in the order
#: a new installation imports them: authorities, schools from the performance tables, then the files
#: that add measures to those schools (docs/importing.md).
ENGLAND_2019_FILES: list[tuple[str, str]] = [
    ("la_and_region_codes_meta", "la_and_region_codes_meta.csv"),
    ("ks2final", "england_ks2final.csv"),
    ("ks4final", "england_ks4final.csv"),
    ("ks4provisional", "england_ks4provisional.csv"),
    ("ks5final", "england_ks5final.csv"),
    ("census", "england_census.csv"),
    ("abs", "england_abs.csv"),
    ("ks4-pupdest", "england_ks4-pupdest.csv"),
    ("OFSTED_Ratings", "OFSTED_Ratings.csv"),
    ("grammar_schools", "grammar_schools.csv"),
]
