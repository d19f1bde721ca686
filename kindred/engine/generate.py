"""A synthetic country of schools with known truth, the same for the same seed.

`generate_country` makes towns and cities in nine regions, schools clustered around them
(urban near the centre, rural villages further out), local authorities, intake context
correlated as in real data, several years of outcome measures and teachers per school.

Every outcome is built as

    value = context effect + true school effect + noise,   noise ~ N(0, PUPIL_SD / sqrt(cohort))

with a true effect per school and measure that persists across years and is correlated
across measures within a school. The true effects are returned, so analytics (families,
relative performance, brokering) can be checked against the truth planted here.
See docs/generator.md. Pure numpy: no Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kindred.engine.generate_words import (
    FEATURES_A,
    FEATURES_B,
    FIRST_NAMES,
    LAST_NAMES,
    SAINTS_CE,
    SAINTS_RC,
    TOWN_ENDS,
    TOWN_NAMED_UP_TO,
    TOWN_PREFIXES,
    TOWN_STARTS,
)

# Pupil-level standard deviation of each outcome (in the measure's units): the noise of a
# school's value is PUPIL_SD / sqrt(cohort), so small schools scatter more.
PUPIL_SD: dict[str, float] = {
    "ks2_reading_progress": 6.0,
    "ks2_writing_progress": 5.5,
    "ks2_maths_progress": 5.5,
    "ks4_progress8": 1.25,
    "ks4_attainment8": 19.0,
    "ks4_basics_pct": 48.0,
    "ks4_ebacc_aps": 2.0,
    "absence_pct": 6.0,
    "persistent_absence_pct": 30.0,
}

# The spread (SD across schools) of the persistent true school effect, in the measure's units.
TRUE_EFFECT_SD: dict[str, float] = {
    "ks2_reading_progress": 1.8,
    "ks2_writing_progress": 1.9,
    "ks2_maths_progress": 2.0,
    "ks4_progress8": 0.35,
    "ks4_attainment8": 3.5,
    "ks4_basics_pct": 7.0,
    "ks4_ebacc_aps": 0.35,
    "absence_pct": 0.6,
    "persistent_absence_pct": 3.0,
}

KS2_MEASURES = ("ks2_reading_progress", "ks2_writing_progress", "ks2_maths_progress")
KS4_MEASURES = ("ks4_progress8", "ks4_attainment8", "ks4_basics_pct", "ks4_ebacc_aps")
ABSENCE_MEASURES = ("absence_pct", "persistent_absence_pct")
OUTCOME_MEASURES = KS2_MEASURES + KS4_MEASURES + ABSENCE_MEASURES
CONTEXT_MEASURES = ("fsm_pct", "eal_pct", "sen_support_pct", "sen_ehcp_pct", "prior_attainment")
HIGHER_IS_WORSE = frozenset(ABSENCE_MEASURES)

# Decimal places the published figures carry.
DECIMALS: dict[str, int] = {
    "ks2_reading_progress": 2,
    "ks2_writing_progress": 2,
    "ks2_maths_progress": 2,
    "ks4_progress8": 2,
    "ks4_attainment8": 1,
    "ks4_basics_pct": 1,
    "ks4_ebacc_aps": 2,
    "absence_pct": 1,
    "persistent_absence_pct": 1,
    "fsm_pct": 1,
    "eal_pct": 1,
    "sen_support_pct": 1,
    "sen_ehcp_pct": 1,
    "prior_attainment": 2,
}

# Results of cohorts smaller than this are published as suppressed (NaN here).
SUPPRESS_BELOW = 6
FIRST_REGISTRY_ID = 9_000_000  # 7 digits: never clashes with England's 6-digit URNs
TEACHERS_PER_SCHOOL = 870_000 / 38_000  # the national programme: 38,000 schools, 870,000 teachers

# Phases (School.Phase values), their share of schools (England-like), pupils (median of a
# log-normal) and pupil-teacher ratio.
PHASES: tuple[tuple[str, float, float, float], ...] = (
    ("primary", 0.735, 260.0, 20.5),
    ("secondary", 0.165, 1000.0, 16.5),
    ("special", 0.045, 120.0, 6.0),
    ("alternative", 0.015, 45.0, 6.0),
    ("nursery", 0.017, 95.0, 12.0),
    ("all_through", 0.008, 1400.0, 17.0),
    ("post16", 0.010, 800.0, 18.0),
    ("middle", 0.005, 450.0, 18.5),
)
PHASE_NAMES = np.array([p[0] for p in PHASES])
KS2_PHASES = ("primary", "middle", "all_through")
KS4_PHASES = ("secondary", "all_through")
ABSENCE_PHASES = ("primary", "middle", "secondary", "all_through", "special", "alternative")
# Pupils per KS2 / KS4 year group: pupils divided by this.
KS2_COHORT_DIVISOR = {"primary": 7.0, "middle": 4.0, "all_through": 14.0}
KS4_COHORT_DIVISOR = {"secondary": 5.0, "all_through": 14.0}

# (code, name, share of schools, latitude, longitude, half-height, half-width, deprivation shift,
#  additional-language shift)
REGIONS: tuple[tuple[str, str, float, float, float, float, float, float, float], ...] = (
    ("XR01", "North East", 0.05, 54.85, -1.75, 0.35, 0.45, 0.35, -0.6),
    ("XR02", "North West", 0.13, 53.65, -2.65, 0.45, 0.4, 0.25, 0.0),
    ("XR03", "Yorkshire and the Humber", 0.11, 53.8, -1.3, 0.35, 0.6, 0.2, 0.0),
    ("XR04", "East Midlands", 0.09, 52.85, -0.95, 0.4, 0.5, 0.0, -0.1),
    ("XR05", "West Midlands", 0.11, 52.5, -2.1, 0.35, 0.45, 0.2, 0.3),
    ("XR06", "East of England", 0.12, 52.2, 0.45, 0.4, 0.7, -0.25, -0.2),
    ("XR07", "London", 0.12, 51.5, -0.12, 0.12, 0.22, 0.3, 1.7),
    ("XR08", "South East", 0.17, 51.25, -0.6, 0.3, 0.9, -0.4, -0.2),
    ("XR09", "South West", 0.10, 50.85, -3.2, 0.45, 1.0, -0.2, -0.7),
)


@dataclass(frozen=True)
class OutcomeSeries:
    """One outcome measure in one year for the schools that have it."""

    measure: str  # a code from kindred/schools/catalogue.py
    year: int  # academic year start, e.g. 2021 for 2021/22
    school_index: np.ndarray  # int indices into the country's schools that have this measure
    value: np.ndarray  # float, NaN where suppressed (tiny cohorts)
    cohort: np.ndarray  # int cohort size
    # context effect + true effect before noise, clipping and rounding (for checking analytics)
    expected: np.ndarray | None = None
    # False when the publisher gives no cohort for this measure (an awkward country): the cohort above
    # is the truth behind the noise, but a file would leave it empty
    cohort_published: bool = True


@dataclass(frozen=True)
class Country:
    """A generated country: one entry per school in every per-school array."""

    registry_id: np.ndarray  # str, 7 digits from 9000000
    name: np.ndarray  # str
    phase: np.ndarray  # str, School.Phase values
    local_authority: np.ndarray  # str, authority code
    region: np.ndarray  # str, region code
    town: np.ndarray  # str, town name
    latitude: np.ndarray  # float
    longitude: np.ndarray  # float
    urban: np.ndarray  # bool
    pupils: np.ndarray  # int
    teachers: np.ndarray  # int per school (at least 1; the first of a school's teachers leads it)
    context: dict[str, np.ndarray]  # CONTEXT_MEASURES code -> (n,) float, NaN where not applicable
    outcomes: list[OutcomeSeries]
    true_effects: dict[str, np.ndarray]  # outcome code -> (n,) true effect in the measure's units, NaN if n/a
    authorities: list[tuple[str, str, str]]  # (code, name, region_code)
    regions: list[tuple[str, str]]  # (code, name)
    teacher_first_name: np.ndarray  # str, one per teacher, schools' teachers in school order
    teacher_last_name: np.ndarray  # str, one per teacher
    seed: int = 0
    years: tuple[int, ...] = ()
    # Whose places and names it has (engine/places.py): "eng", or "eg" once localised.
    places: str = "eng"

    @property
    def n_schools(self) -> int:
        return len(self.registry_id)

    @property
    def n_teachers(self) -> int:
        return int(self.teachers.sum())

    def teacher_school_index(self) -> np.ndarray:
        """For each teacher (in order), the index of their school."""
        return np.repeat(np.arange(self.n_schools), self.teachers)


def _substreams(seed: int, *names: str) -> dict[str, np.random.Generator]:
    """Independent random streams per topic, so adding one topic never changes another."""
    return {
        name: np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32 & 0xFFFFFFFF, i])
        for i, name in enumerate(names)
    }


def _join(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of arrays and constants."""
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.char.add(out, np.asarray(part).astype(str))
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _standardise(x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    ref = x if mask is None else x[mask]
    sd = ref.std()
    return (x - ref.mean()) / (sd if sd > 0 else 1.0)


def _town_names(n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct plausible town names."""
    combos = len(TOWN_PREFIXES) * len(TOWN_STARTS) * len(TOWN_ENDS)
    if n > combos:
        raise ValueError(f"At most {combos} towns can be named; asked for {n}.")
    # Plain names first (the first prefixes are empty), then "Upper ..." and the like.
    plain = len(TOWN_STARTS) * len(TOWN_ENDS)
    order = np.concatenate(
        [rng.permutation(plain)] + [plain * k + rng.permutation(plain) for k in range(5, len(TOWN_PREFIXES))]
    )[:n]
    prefix = TOWN_PREFIXES[np.where(order >= plain, order // plain, 0)]
    rest = order % plain
    return _join(prefix, TOWN_STARTS[rest // len(TOWN_ENDS)], TOWN_ENDS[rest % len(TOWN_ENDS)])


def _school_names(
    phase: np.ndarray, town: np.ndarray, town_schools: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Plausible names; in towns with many schools, after the neighbourhood (e.g. Oakfield)."""
    n = len(phase)
    feature = _join(
        FEATURES_A[rng.integers(len(FEATURES_A), size=n)],
        FEATURES_B[rng.integers(len(FEATURES_B), size=n)],
    )
    saint = SAINTS_CE[rng.integers(len(SAINTS_CE), size=n)]
    catholic = SAINTS_RC[rng.integers(len(SAINTS_RC), size=n)]
    pick = rng.random(n)
    neighbourhood = _join(
        FEATURES_A[rng.integers(len(FEATURES_A), size=n)],
        FEATURES_B[rng.integers(len(FEATURES_B), size=n)],
    )
    town = np.where(town_schools > TOWN_NAMED_UP_TO, neighbourhood, town)
    names = np.empty(n, dtype=object)

    def fill(mask: np.ndarray, value: np.ndarray | str) -> None:
        names[mask] = np.broadcast_to(np.asarray(value, dtype=object), (n,))[mask]

    primary = (phase == "primary") | (phase == "middle")
    middle_word = np.where(phase == "middle", " Middle School", " Primary School")
    fill(primary, _join(town, middle_word))
    fill(primary & (pick < 0.33), _join(feature, middle_word))
    fill(primary & (pick >= 0.33) & (pick < 0.45), _join(feature, " Primary Academy"))
    # Church schools: the dedication, and for half of them the place too ("Redwick St Mary's ...").
    placed = rng.random(n) < 0.5
    saint = np.where(placed, _join(town, " ", saint), saint)
    catholic = np.where(placed, _join(town, " ", catholic), catholic)
    fill(primary & (pick >= 0.45) & (pick < 0.62), _join(saint, " C of E Primary School"))
    fill(primary & (pick >= 0.62) & (pick < 0.72), _join(catholic, " Catholic Primary School"))
    fill(primary & (pick >= 0.72) & (pick < 0.80), _join(town, " Infant and Junior School"))
    secondary = phase == "secondary"
    fill(secondary, _join(town, " Academy"))
    fill(secondary & (pick < 0.25), _join(town, " High School"))
    fill(secondary & (pick >= 0.25) & (pick < 0.45), _join(feature, " School"))
    fill(secondary & (pick >= 0.45) & (pick < 0.55), _join(catholic, " Catholic High School"))
    fill(secondary & (pick >= 0.55) & (pick < 0.62), _join(town, " Grammar School"))
    fill(secondary & (pick >= 0.62) & (pick < 0.75), _join(town, " Community College"))
    fill(phase == "special", _join(feature, " School"))
    fill((phase == "special") & (pick < 0.4), _join(town, " Special School"))
    fill(phase == "alternative", _join(town, " Pupil Referral Unit"))
    fill((phase == "alternative") & (pick < 0.5), _join(feature, " Centre"))
    fill(phase == "nursery", _join(town, " Nursery School"))
    fill((phase == "nursery") & (pick < 0.5), _join(feature, " Nursery School"))
    fill(phase == "all_through", _join(feature, " All-Through Academy"))
    fill(phase == "post16", _join(town, " Sixth Form College"))
    return names.astype(str)


def _allocate(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Integers proportional to weights, each at least `minimum`, summing exactly to `total`."""
    n = len(weights)
    spare = total - minimum * n
    if spare < 0:
        raise ValueError(f"{total} cannot be shared out with at least {minimum} each among {n}.")
    share = weights / weights.sum() * spare
    base = np.floor(share).astype(np.int64)
    short = spare - int(base.sum())
    if short:
        # Largest remainders get one more (stable order keeps it deterministic).
        base[np.argsort(-(share - base), kind="stable")[:short]] += 1
    return base + minimum


def generate_country(
    *,
    n_schools: int,
    seed: int,
    years: Sequence[int] = (2021, 2022, 2023),
    n_teachers: int | None = None,
    awkward: bool = False,
    hard: bool = False,
) -> Country:
    """A synthetic country of `n_schools` schools, identical for the same arguments.

    `awkward=True` makes a country that is harder to analyse honestly (docs/generator.md): outcomes
    depend non-linearly on the published context, with interactions and a `selective` (grammar school)
    context measure; the spread of true effects is larger in smaller schools; absence measures are
    published without cohorts; and AWKWARD_NO_INTAKE of schools publish no intake context at all. Every
    context effect is then a function of the *published* context alone, so a perfect model of context
    could recover the true effects exactly up to sampling noise.

    `hard=True` is harder still (everything `awkward` does, and `_hard_context_effects`): thresholds,
    steps and interactions of context, context acting differently by phase, small schools (about 40% of
    year-group cohorts under 15), percentages of pupils with binomial noise, a measure whose values never
    vary (`FLAT_MEASURE`) and, with two or more years, a year in which one measure does not vary
    (`FLAT_YEAR_MEASURE` in the second year).
    """
    awkward = awkward or hard
    if n_schools < 1:
        raise ValueError("A country needs at least one school.")
    if n_schools > 999_999:
        raise ValueError("At most 999,999 schools: registry ids are 7 digits from 9000000.")
    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise ValueError("Give at least one year.")
    if years[0] < 1900 or years[-1] > 2200:
        raise ValueError(f"Years are academic years by the year they start, such as 2023; not {years}.")
    total_teachers = round(n_schools * TEACHERS_PER_SCHOOL) if n_teachers is None else int(n_teachers)
    if total_teachers < n_schools:
        raise ValueError(f"Every school needs a teacher: {total_teachers} teachers for {n_schools} schools.")
    rng = _substreams(seed, "geography", "phase", "context", "effects", "names", "teachers")
    n = n_schools

    # Regions and towns. Town sizes follow a heavy-tailed (Zipf-like) law: a few cities, many towns.
    region_codes = np.array([r[0] for r in REGIONS])
    region_share = np.array([r[2] for r in REGIONS])
    region_share = region_share / region_share.sum()
    geo = rng["geography"]
    n_towns = int(np.clip(round(n / 18), 1, 12_000))
    town_region = geo.choice(len(REGIONS), size=n_towns, p=region_share)
    if n_towns >= len(REGIONS):  # every region has at least one town
        town_region[: len(REGIONS)] = np.arange(len(REGIONS))
    town_size = geo.pareto(1.1, size=n_towns) + 1.0
    town_size[town_region == 6] *= 3.0  # London's boroughs are big
    lat0 = np.array([r[3] for r in REGIONS])[town_region]
    lon0 = np.array([r[4] for r in REGIONS])[town_region]
    town_lat = lat0 + geo.uniform(-1, 1, n_towns) * np.array([r[5] for r in REGIONS])[town_region]
    town_lon = lon0 + geo.uniform(-1, 1, n_towns) * np.array([r[6] for r in REGIONS])[town_region]
    town_name = _town_names(n_towns, geo)
    city_score = np.log(town_size)  # 0 for the smallest towns, ~4 for big cities
    town_deprivation = 0.25 * city_score + geo.normal(0, 0.55, n_towns)
    town_deprivation += np.array([r[7] for r in REGIONS])[town_region]

    # Schools to towns in proportion to town size, weighted so that each region gets its share of
    # schools; no town takes more than a fifth of its region (a small country keeps several towns).
    town_weight = np.zeros(n_towns)
    for r in np.unique(town_region):  # nine regions: a loop over regions, not schools
        towns = town_region == r
        size = town_size[towns] / town_size[towns].sum()
        if towns.sum() >= 5:
            for _ in range(20):  # cap a town's share at 20% and share out the excess, until stable
                over = size > 0.2
                if not over.any():
                    break
                excess = (size[over] - 0.2).sum()
                size[over] = 0.2
                size[~over] += excess * size[~over] / size[~over].sum()
        town_weight[towns] = size * region_share[r]
    school_town = geo.choice(n_towns, size=n, p=town_weight / town_weight.sum())
    urban_prob = np.clip(0.2 + 0.2 * city_score, 0.2, 0.97)[school_town]
    urban = geo.random(n) < urban_prob
    # Urban schools within a few km of the centre (up to ~15 km in the biggest cities); villages further.
    spread = np.where(urban, 0.012 * np.sqrt(np.minimum(town_size[school_town], 150.0)), 0.09)
    latitude = np.clip(town_lat[school_town] + geo.normal(0, 1, n) * spread, -90, 90)
    longitude = np.clip(town_lon[school_town] + geo.normal(0, 1, n) * spread * 1.6, -180, 180)

    # Local authorities: about one per 250 schools, each a group of nearby towns in one region.
    n_authorities = max(1, round(n / 250))
    town_schools = np.bincount(school_town, minlength=n_towns)
    region_schools = np.bincount(town_region, weights=town_schools, minlength=len(REGIONS))
    present = np.flatnonzero(region_schools > 0)
    per_region = np.zeros(len(REGIONS), dtype=np.int64)
    per_region[present] = _allocate(region_schools[present], max(n_authorities, len(present)), 1)
    town_authority = np.zeros(n_towns, dtype=np.int64)
    authorities: list[tuple[str, str, str]] = []
    for r in present:  # nine regions: a loop over regions, not schools
        towns = np.flatnonzero(town_region == r)
        k = min(int(per_region[r]), len(towns))
        # Seed authorities at the region's biggest towns, then each town joins the nearest seed.
        seeds = towns[np.argsort(-town_size[towns], kind="stable")[:k]]
        d2 = (town_lat[towns, None] - town_lat[None, seeds]) ** 2 + (
            (town_lon[towns, None] - town_lon[None, seeds]) * 0.62
        ) ** 2
        town_authority[towns] = len(authorities) + np.argmin(d2, axis=1)
        for s in seeds:
            code = f"X{len(authorities) + 1:03d}"
            authorities.append((code, f"{town_name[s]} Council", str(region_codes[r])))
    authority_codes = np.array([a[0] for a in authorities])

    # Phases and sizes. Rural schools are smaller.
    phase_share = np.array([p[1] for p in PHASES])
    phase_index = rng["phase"].choice(len(PHASES), size=n, p=phase_share / phase_share.sum())
    phase = PHASE_NAMES[phase_index]
    median_pupils = np.array([p[2] for p in PHASES])[phase_index] * np.where(urban, 1.12, 0.6)
    pupils = np.maximum(8, np.round(median_pupils * np.exp(rng["phase"].normal(0, 0.38, n)))).astype(np.int64)
    if hard:  # a country of small schools: rural primaries of a few dozen pupils are common
        shrink = np.array([HARD_SIZE.get(p[0], 1.0) for p in PHASES])[phase_index]
        pupils = np.maximum(8, np.round(pupils * shrink)).astype(np.int64)

    # Context. A latent deprivation drives free school meals, special needs and prior attainment;
    # additional language concentrates in cities (and London).
    ctx = rng["context"]
    region_of_school = town_region[school_town]
    deprivation = town_deprivation[school_town] + ctx.normal(0, 0.75, n) - np.where(urban, 0.0, 0.45)
    deprivation += np.where(phase == "alternative", 1.6, 0.0) + np.where(phase == "special", 0.6, 0.0)
    mainstream = ~np.isin(phase, ("special", "alternative", "nursery"))
    dep = _standardise(deprivation, mainstream)
    fsm_pct = np.clip(100 * _sigmoid(-1.3 + 0.85 * dep + ctx.normal(0, 0.2, n)), 0.0, 80.0)
    eal_latent = (
        -3.7
        + 0.45 * city_score[school_town] * urban
        + np.array([r[8] for r in REGIONS])[region_of_school]
        + 0.35 * dep
        + ctx.normal(0, 0.9, n)
    )
    eal_pct = np.clip(100 * _sigmoid(eal_latent), 0.0, 100.0)
    sen_latent = -2.05 + 0.3 * dep + ctx.normal(0, 0.35, n)
    sen_support_pct = 100 * _sigmoid(sen_latent)
    sen_ehcp_pct = 100 * _sigmoid(-4.1 + 0.2 * dep + ctx.normal(0, 0.45, n))
    special = phase == "special"
    alternative = phase == "alternative"
    sen_ehcp_pct = np.where(special, np.clip(ctx.normal(92, 6, n), 50, 100), sen_ehcp_pct)
    sen_support_pct = np.where(
        special, np.clip(100 - sen_ehcp_pct - ctx.uniform(0, 5, n), 0, 100), sen_support_pct
    )
    sen_support_pct = np.where(alternative, np.clip(ctx.normal(45, 12, n), 5, 95), sen_support_pct)
    sen_ehcp_pct = np.where(alternative, np.clip(ctx.normal(12, 6, n), 0, 60), sen_ehcp_pct)
    prior = -0.55 * dep - 0.15 * _standardise(eal_latent) + 0.8 * ctx.normal(0, 1, n)
    prior = _standardise(prior, mainstream)
    prior = np.where(special, ctx.normal(-2.2, 0.35, n), prior)
    prior = np.where(alternative, ctx.normal(-1.2, 0.4, n), prior)
    prior = np.where(phase == "nursery", np.nan, prior)  # no prior attainment before school
    context = {
        "fsm_pct": np.round(fsm_pct, 1),
        "eal_pct": np.round(eal_pct, 1),
        "sen_support_pct": np.round(sen_support_pct, 1),
        "sen_ehcp_pct": np.round(sen_ehcp_pct, 1),
        "prior_attainment": np.round(prior, 2),
    }

    if awkward:
        # Grammar schools: a few secondaries select by ability, so their intake's prior attainment is high.
        selective = (phase == "secondary") & (ctx.random(n) < AWKWARD_SELECTIVE)
        context["prior_attainment"] = np.where(
            selective, np.round(context["prior_attainment"] + 1.6, 2), context["prior_attainment"]
        )
        context["selective"] = np.where(np.isin(phase, KS4_PHASES), selective.astype(float), np.nan)

    # True school effects: correlated across measures within a school, persistent across years.
    has = {
        **{m: np.isin(phase, KS2_PHASES) for m in KS2_MEASURES},
        **{m: np.isin(phase, KS4_PHASES) for m in KS4_MEASURES},
        **{m: np.isin(phase, ABSENCE_PHASES) for m in ABSENCE_MEASURES},
    }
    z = rng["effects"].standard_normal((len(OUTCOME_MEASURES), n))
    latent = np.linalg.cholesky(effect_correlation()) @ z
    true_effects: dict[str, np.ndarray] = {}
    for i, m in enumerate(OUTCOME_MEASURES):
        sign = -1.0 if m in HIGHER_IS_WORSE else 1.0  # a good school has lower absence
        true_effects[m] = np.where(has[m], sign * TRUE_EFFECT_SD[m] * latent[i], np.nan)

    # Context effects on each outcome, in the measure's units.
    ze = _standardise(eal_latent)
    zs = _standardise(sen_latent)
    pa = np.nan_to_num(prior)
    absence_base = np.select([phase == "primary", special, alternative], [4.0, 8.5, 18.0], default=5.3)
    pabs_base = np.select([phase == "primary", special, alternative], [8.5, 24.0, 55.0], default=13.0)
    context_effect = {
        "ks2_reading_progress": -0.55 * dep + 0.45 * ze - 0.3 * zs,
        "ks2_writing_progress": -0.45 * dep + 0.55 * ze - 0.35 * zs,
        "ks2_maths_progress": -0.5 * dep + 0.75 * ze - 0.25 * zs,
        "ks4_progress8": -0.25 * dep + 0.22 * ze - 0.08 * zs + 0.05 * pa,
        "ks4_attainment8": 46.5 + 7.5 * pa - 1.8 * dep + 2.2 * ze,
        "ks4_basics_pct": 43.0 + 13.0 * pa - 3.5 * dep + 3.5 * ze,
        "ks4_ebacc_aps": 4.05 + 0.7 * pa - 0.15 * dep + 0.2 * ze,
        "absence_pct": absence_base + 0.65 * dep + 0.2 * zs - 0.3 * ze,
        "persistent_absence_pct": pabs_base + 3.2 * dep + 1.0 * zs - 1.2 * ze,
    }
    if hard:
        context_effect, base_level = _hard_context_effects(context, phase, pupils, absence_base, pabs_base)
        # Smaller schools vary more, and more steeply than in the awkward country.
        factor = np.clip((pupils / 200.0) ** (-HARD_TAU_POWER), 0.5, 2.5)
        true_effects = {m: effect * factor for m, effect in true_effects.items()}
        # A percentage of pupils, and a score whose bounds extreme contexts would pass, bends towards
        # its bounds (log-odds within them) rather than passing them: the context effect plus the
        # true effect is squashed into the range around the school's base level. What context does is
        # the mean of that over the spread of true effects (a school's true effect is normal, SD
        # TRUE_EFFECT_SD times its size factor; Gauss-Hermite, SQUASH_NODES nodes), not the squashed
        # context alone: near a bound the squashing is curved, and the mean of schools of one intake
        # is not the school with no effect (Jensen). The true effect is the departure from that mean.
        nodes, node_weights = np.polynomial.hermite_e.hermegauss(SQUASH_NODES)
        node_weights = node_weights / node_weights.sum()
        for m in SQUASHED_MEASURES:
            low, high = MEASURE_BOUNDS[m]
            margin = 0.03 * (high - low)
            level = np.clip(base_level[m], low + margin, high - margin)
            deviation = context_effect[m] - base_level[m]
            spread = TRUE_EFFECT_SD[m] * factor
            centre = (
                _squash(level[:, None], deviation[:, None] + spread[:, None] * nodes, low, high)
                @ node_weights
            )
            moved = _squash(level, deviation + np.nan_to_num(true_effects[m]), low, high)
            true_effects[m] = np.where(has[m], moved - centre, np.nan)
            context_effect[m] = centre
    elif awkward:
        context_effect = _awkward_context_effects(context, phase, absence_base, pabs_base)
        # Smaller schools vary more: the true effect's SD scales with (pupils / 300)^-0.35.
        factor = np.clip((pupils / 300.0) ** (-AWKWARD_TAU_POWER), 0.5, 2.2)
        true_effects = {m: effect * factor for m, effect in true_effects.items()}
    bounds = MEASURE_BOUNDS
    ks2_divisor = np.array([KS2_COHORT_DIVISOR.get(p[0], 1.0) for p in PHASES])[phase_index]
    ks4_divisor = np.array([KS4_COHORT_DIVISOR.get(p[0], 1.0) for p in PHASES])[phase_index]

    outcomes: list[OutcomeSeries] = []
    for year in years:
        year_rng = np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32 & 0xFFFFFFFF, 1000 + year])
        # Year groups vary a little from year to year; the whole school's roll less so.
        year_group_size = {
            "ks2": year_rng.poisson(pupils / ks2_divisor),
            "ks4": year_rng.poisson(pupils / ks4_divisor),
            "abs": np.round(pupils * np.exp(year_rng.normal(0, 0.03, n))).astype(np.int64),
        }
        for m in OUTCOME_MEASURES:
            key = "ks2" if m in KS2_MEASURES else "ks4" if m in KS4_MEASURES else "abs"
            cohort_all = year_group_size[key]
            index = np.flatnonzero(has[m] & (cohort_all > 0))
            cohort = cohort_all[index]
            noise = year_rng.standard_normal(len(index)) * PUPIL_SD[m] / np.sqrt(cohort)
            expected = context_effect[m][index] + true_effects[m][index]
            value = expected + noise
            if hard and m in PUPIL_SHARE_MEASURES:  # each pupil in or out: binomial, p(1 - p) / n
                drawn = year_rng.binomial(cohort, expected / 100.0)
                value = 100.0 * drawn / np.maximum(cohort, 1)
            if m in bounds:
                value = np.clip(value, *bounds[m])
            value = np.round(value, DECIMALS[m])
            value[cohort < SUPPRESS_BELOW] = np.nan
            if hard and m == FLAT_YEAR_MEASURE and len(years) >= 2 and year == years[1]:
                value = np.where(np.isnan(value), np.nan, FLAT_YEAR_VALUE)  # a placeholder, not a result
            published = not (awkward and m in ABSENCE_MEASURES)
            outcomes.append(
                OutcomeSeries(m, year, index, value, cohort.astype(np.int64), expected, published)
            )
        if hard:  # a measure every school has the same value of: nothing to estimate
            index = np.flatnonzero(np.isin(phase, FLAT_PHASES))
            cohort = np.maximum(1, year_group_size["ks4"][index]).astype(np.int64)
            value = np.where(cohort < SUPPRESS_BELOW, np.nan, 0.0)
            outcomes.append(OutcomeSeries(FLAT_MEASURE, year, index, value, cohort, np.zeros(index.size)))
    if hard:
        true_effects[FLAT_MEASURE] = np.where(np.isin(phase, FLAT_PHASES), 0.0, np.nan)

    if awkward:
        # Schools that publish no intake at all (in England, most independent schools).
        hidden = rng["context"].random(n) < AWKWARD_NO_INTAKE
        context = {code: np.where(hidden, np.nan, column) for code, column in context.items()}

    # Teachers: shared out by pupils over the phase's pupil-teacher ratio; every school has one.
    ratio = np.array([p[3] for p in PHASES])[phase_index]
    teachers = _allocate(pupils / ratio, total_teachers, 1)
    t_rng = rng["teachers"]
    teacher_first_name = FIRST_NAMES[t_rng.integers(len(FIRST_NAMES), size=total_teachers)]
    teacher_last_name = LAST_NAMES[t_rng.integers(len(LAST_NAMES), size=total_teachers)]

    registry_id = np.char.mod("%07d", FIRST_REGISTRY_ID + np.arange(n))
    return Country(
        registry_id=registry_id,
        name=_school_names(phase, town_name[school_town], town_schools[school_town], rng["names"]),
        phase=phase,
        local_authority=authority_codes[town_authority[school_town]],
        region=region_codes[region_of_school],
        town=town_name[school_town],
        latitude=np.round(latitude, 5),
        longitude=np.round(longitude, 5),
        urban=urban,
        pupils=pupils,
        teachers=teachers,
        context=context,
        outcomes=outcomes,
        true_effects=true_effects,
        authorities=authorities,
        regions=[(r[0], r[1]) for r in REGIONS],
        teacher_first_name=teacher_first_name,
        teacher_last_name=teacher_last_name,
        seed=seed,
        years=years,
    )


def renumbered(
    country: Country, *, first_registry_id: int = FIRST_REGISTRY_ID, code_prefix: str = ""
) -> Country:
    """`country` with registry ids counted from `first_registry_id` and its region and authority codes
    prefixed with `code_prefix`: how several generated countries share one database without their
    registry ids, regions or authorities clashing (nothing else changes, so its evidence is the same)."""
    if first_registry_id < 0:
        raise ValueError("The first registry id cannot be negative.")
    if first_registry_id == FIRST_REGISTRY_ID and not code_prefix:
        return country
    return replace(
        country,
        registry_id=np.char.mod("%07d", first_registry_id + np.arange(country.n_schools)),
        local_authority=np.char.add(code_prefix, country.local_authority.astype(str)),
        region=np.char.add(code_prefix, country.region.astype(str)),
        authorities=[
            (code_prefix + code, name, code_prefix + region) for code, name, region in country.authorities
        ],
        regions=[(code_prefix + code, name) for code, name in country.regions],
    )


#: The range each bounded measure's values are kept within (clipped; a hard country bends towards it).
MEASURE_BOUNDS = {
    "ks4_attainment8": (0.0, 90.0),
    "ks4_basics_pct": (0.0, 100.0),
    "ks4_ebacc_aps": (0.0, 9.0),
    "absence_pct": (0.3, 100.0),
    "persistent_absence_pct": (0.0, 100.0),
}
#: Measures a hard country bends towards their bounds (absence, far from both, stays straight).
#: Nodes of the Gauss-Hermite rule that gives a squashed measure's mean over the spread of true effects.
SQUASH_NODES = 40
SQUASHED_MEASURES = ("ks4_attainment8", "ks4_basics_pct", "ks4_ebacc_aps", "persistent_absence_pct")
#: A hard country: each phase's schools are this many times the size of the ordinary country's.
HARD_SIZE = {"primary": 0.4, "middle": 0.6, "special": 0.6, "alternative": 0.7, "secondary": 0.7}
#: The true effects' spread scales with (pupils / 200)^-HARD_TAU_POWER (clipped to 0.5-2.5 times).
HARD_TAU_POWER = 0.4
#: Measures that are a percentage of pupils (each pupil in or out): binomial noise in a hard country.
PUPIL_SHARE_MEASURES = ("ks4_basics_pct", "persistent_absence_pct")
#: A hard country's measure whose values never vary, the phases that have it, and the measure that
#: does not vary in its second year (every school FLAT_YEAR_VALUE).
FLAT_MEASURE = "ks5_alevel_va"
FLAT_PHASES = ("secondary", "post16")
FLAT_YEAR_MEASURE = "ks4_ebacc_aps"
FLAT_YEAR_VALUE = 4.0
#: How much more or less each phase's results depend on context in a hard country (context acts
#: differently in a special school than in a primary).
HARD_PHASE_SLOPE = {
    "primary": 1.0,
    "middle": 1.3,
    "all_through": 0.7,
    "secondary": 1.4,
    "special": 0.4,
    "alternative": 0.6,
}


def _hard_context_effects(
    context: dict[str, np.ndarray],
    phase: np.ndarray,
    pupils: np.ndarray,
    absence_base: np.ndarray,
    pabs_base: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Context effects with thresholds, steps and interactions, from the published context only.

    On the same scales as `_awkward_context_effects` (f, e, s standardised log-odds of free school
    meals, additional language and special needs; a prior attainment; g selective): deprivation that
    only bites past a threshold (a kink at f = 0.5), a step up where a quarter or more of pupils learn
    the language of the school, a step down for the smallest schools (under 60 pupils), interactions
    (f * e, f * a, e * s), and a slope that differs by phase (`HARD_PHASE_SLOPE`). Scaled to each
    measure's spread of true effects. Returns (effects, the base level each effect departs from).
    """
    mainstream = ~np.isin(phase, ("special", "alternative", "nursery"))

    def logit_z(code: str) -> np.ndarray:
        p = np.clip(context[code], 0.5, 99.5) / 100.0
        return _standardise(np.log(p / (1 - p)), mainstream)

    f, e, s = logit_z("fsm_pct"), logit_z("eal_pct"), logit_z("sen_support_pct")
    a = np.nan_to_num(context["prior_attainment"])
    g = np.nan_to_num(context.get("selective", np.zeros_like(f)))
    threshold = np.maximum(f - 0.5, 0.0)
    language_step = (np.nan_to_num(context["eal_pct"]) >= 25.0).astype(float)
    small_step = (pupils < 60).astype(float)
    bend = (
        -0.6 * f
        - 1.0 * threshold
        + 0.6 * language_step
        - 0.5 * small_step
        - 0.5 * f * e
        + 0.35 * f * a
        + 0.25 * e * s
        - 0.3 * s
        + 0.3 * e
    )
    slope = np.array([HARD_PHASE_SLOPE.get(str(p), 1.0) for p in phase])
    effects, bases = {}, {}
    for m in OUTCOME_MEASURES:
        sign = -1.0 if m in HIGHER_IS_WORSE else 1.0
        base = {
            "ks4_attainment8": 46.5 + 7.5 * a,
            "ks4_basics_pct": 47.0 + 11.0 * a,
            "ks4_ebacc_aps": 4.05 + 0.7 * a,
            "absence_pct": absence_base,
            "persistent_absence_pct": pabs_base + 4.0,
        }.get(m, np.zeros_like(f))
        selective = 0.8 * g if m in KS4_MEASURES else 0.0
        effects[m] = base + sign * TRUE_EFFECT_SD[m] * (slope * bend + selective)
        bases[m] = base
    return effects, bases


def _squash(level: np.ndarray, deviation: np.ndarray, low: float, high: float) -> np.ndarray:
    """The value `deviation` from `level` on the log-odds scale of [low, high] (slope 1 at the level)."""
    span = high - low
    q = (level - low) / span
    return low + span * _sigmoid(np.log(q / (1 - q)) + deviation / (span * q * (1 - q)))


#: An awkward country: share of secondaries that are selective, power of the size-dependence of the
#: true effects' spread, and share of schools without any published intake.
AWKWARD_SELECTIVE = 0.05
AWKWARD_TAU_POWER = 0.35
AWKWARD_NO_INTAKE = 0.03


def _awkward_context_effects(
    context: dict[str, np.ndarray], phase: np.ndarray, absence_base: np.ndarray, pabs_base: np.ndarray
) -> dict[str, np.ndarray]:
    """Context effects that bend and interact, computed from the published (rounded) context only.

    On standardised log-odds of free school meals (f), additional language (e) and special needs (s),
    prior attainment (a) and selective (g): a saturating effect of deprivation (tanh), a curve in it
    (f^2), deprivation acting differently where many pupils have an additional language (f * e) and
    where prior attainment is high (f * a), each scaled to the measure's spread of true effects.
    """
    mainstream = ~np.isin(phase, ("special", "alternative", "nursery"))

    def logit_z(code: str) -> np.ndarray:
        p = np.clip(context[code], 0.5, 99.5) / 100.0
        x = np.log(p / (1 - p))
        return _standardise(x, mainstream)

    f, e, s = logit_z("fsm_pct"), logit_z("eal_pct"), logit_z("sen_support_pct")
    a = np.nan_to_num(context["prior_attainment"])
    g = np.nan_to_num(context.get("selective", np.zeros_like(f)))
    bend = -1.1 * np.tanh(1.4 * f) + 0.45 * f**2 - 0.6 * f * e + 0.35 * f * a - 0.3 * s + 0.35 * e
    effects = {}
    for m in OUTCOME_MEASURES:
        sign = -1.0 if m in HIGHER_IS_WORSE else 1.0
        scale = TRUE_EFFECT_SD[m]
        base = {
            "ks4_attainment8": 46.5 + 7.5 * a,
            "ks4_basics_pct": 47.0 + 11.0 * a,
            "ks4_ebacc_aps": 4.05 + 0.7 * a,
            "absence_pct": absence_base,
            "persistent_absence_pct": pabs_base + 4.0,
        }.get(m, 0.0)
        effects[m] = base + sign * scale * (bend + (0.8 * g if m in KS4_MEASURES else 0.0))
    return effects


def effect_correlation() -> np.ndarray:
    """Correlation of the true effects across OUTCOME_MEASURES, in the 'better' direction.

    Strong within a key stage, moderate between key stages (all-through schools), and
    a good school tends to have better attendance.
    """
    groups = [0] * len(KS2_MEASURES) + [1] * len(KS4_MEASURES) + [2] * len(ABSENCE_MEASURES)
    within = {0: 0.6, 1: 0.8, 2: 0.9}
    between = {frozenset((0, 1)): 0.4, frozenset((0, 2)): 0.3, frozenset((1, 2)): 0.3}
    k = len(OUTCOME_MEASURES)
    corr = np.eye(k)
    for i in range(k):
        for j in range(k):
            if i != j:
                gi, gj = groups[i], groups[j]
                corr[i, j] = within[gi] if gi == gj else between[frozenset((gi, gj))]
    return corr


def truth_rows(country: Country) -> list[tuple[str, str, float]]:
    """(school_id, measure, true_effect) for every school and measure it has, school by school."""
    rows: list[tuple[str, str, float]] = []
    for m in OUTCOME_MEASURES:
        effect = country.true_effects[m]
        index = np.flatnonzero(~np.isnan(effect))
        rows.extend(
            zip(country.registry_id[index].tolist(), [m] * len(index), effect[index].tolist(), strict=True)
        )
    order = sorted(range(len(rows)), key=lambda i: rows[i][0])
    return [rows[i] for i in order]
