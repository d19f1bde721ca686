"""Load the registry and its stored evidence into the arrays brokering and formation work on.

Needs and strengths are the pooled flags of relative performance (`Performance`, year empty) and the
support category (`SupportCategory`); one function, `evidence_flags`, reads them, so a change in how
evidence is stored is met in one place.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree

from kindred.brokering.models import Capacity
from kindred.engine.brokering import Needs, Schools, Supporters, Weights, standardise_columns
from kindred.engine.families import context_matrix
from kindred.evidence.loading import SchoolTable, school_table
from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.frameworks.selectors import latest_selfeval_verdicts
from kindred.networks.models import Membership, Network
from kindred.schools.models import Region, School

NOT_SUPPORTING = {SupportCategory.Category.RED, SupportCategory.Category.AMBER}


def weights_from_settings() -> Weights:
    """BROKERING_WEIGHTS: "strength=1,context=0.5,…" over the engine's documented defaults."""
    text = settings.BROKERING_WEIGHTS.strip()
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _sep, value = part.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError as error:
            raise ValueError(f"BROKERING_WEIGHTS: {part!r} is not name=number") from error
    unknown = set(values) - set(Weights.__dataclass_fields__)
    if unknown:
        raise ValueError(f"BROKERING_WEIGHTS: unknown weight(s) {', '.join(sorted(unknown))}")
    return Weights(**values)


def region_named(text: str) -> Region:
    """The region whose code or name is `text` (case-insensitive)."""
    region = (
        Region.objects.filter(code__iexact=text).first() or Region.objects.filter(name__iexact=text).first()
    )
    if region is None:
        known = ", ".join(Region.objects.order_by("code").values_list("code", flat=True)[:20])
        raise ValidationError(_("No region %(region)s. Known: %(known)s.") % {"region": text, "known": known})
    return region


@dataclass(frozen=True)
class Place:
    """The open schools of a region (or everywhere) that have coordinates, as arrays."""

    table: SchoolTable
    rows: np.ndarray  # rows of `table` in this place, in order

    @property
    def pk(self) -> np.ndarray:
        return self.table.pk[self.rows]


def place(
    *,
    region: Region | None = None,
    phase: str = "",
    exclude: frozenset[int] = frozenset(),
    also: Sequence[Region] = (),
    country: str | None = None,
) -> Place:
    """Open located schools of `region` (and of the regions `also`) and `phase`, leaving out the
    School pks in `exclude`; with `country`, only that country's schools."""
    table = school_table()
    keep = ~np.isnan(table.latitude) & ~np.isnan(table.longitude)
    if exclude:
        keep &= ~np.isin(table.pk, np.fromiter(exclude, dtype=np.int64))
    if region is not None:
        in_region = np.fromiter(
            School.objects.filter(region__in=[region, *also]).values_list("pk", flat=True), dtype=np.int64
        )
        keep &= np.isin(table.pk, in_region)
    if phase:
        keep &= table.phase == phase
    if country is not None:
        keep &= np.isin(table.pk, _pks(School.objects.filter(country_code=country)))
    return Place(table=table, rows=np.flatnonzero(keep))


def _pks(schools) -> np.ndarray:
    return np.fromiter(schools.values_list("pk", flat=True).iterator(chunk_size=20_000), dtype=np.int64)


def countries_of(pks: np.ndarray) -> np.ndarray | None:
    """An int code of each school's country (for the engine's `Schools.country`), or None when the
    schools are all of one country (nothing to keep apart)."""
    code_of = dict(School.objects.values_list("pk", "country_code").iterator(chunk_size=20_000))
    codes = [code_of.get(pk, "") for pk in pks.tolist()]
    if len(set(codes)) < 2:
        return None
    return np.unique(np.array(codes), return_inverse=True)[1].astype(np.int64)


EARTH_RADIUS_KM = 6371.0088


def _unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(latitude), np.radians(longitude)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def neighbouring_regions(region: Region, *, km: float) -> list[Region]:
    """The regions with an open located school within `km` (great circle) of one of `region`'s open
    located schools: where a run looks beyond the region's border. One k-d tree over the region's
    schools, one nearest-point query per other school."""
    rows = list(
        School.objects.exclude(status=School.Status.CLOSED)
        .filter(latitude__isnull=False, longitude__isnull=False, region__isnull=False)
        .values_list("region_id", "latitude", "longitude")
    )
    if not rows:
        return []
    region_id = np.array([r[0] for r in rows], dtype=np.int64)
    points = _unit_vectors(np.array([r[1] for r in rows], float), np.array([r[2] for r in rows], float))
    home = region_id == region.pk
    if not home.any() or home.all():
        return []
    chord = 2 * np.sin(km / EARTH_RADIUS_KM / 2)
    distance, _index = cKDTree(points[home]).query(points[~home], k=1, distance_upper_bound=chord)
    near = np.unique(region_id[~home][np.isfinite(distance)])
    return list(Region.objects.filter(pk__in=near.tolist()).order_by("name"))


@dataclass(frozen=True)
class Flags:
    """Each school's reliable strengths and needs by domain, from the stored pooled evidence."""

    domains: list[str]
    strength_z: np.ndarray  # schools × domains: best z among the domain's strengths, NaN where none
    need: np.ndarray  # schools × domains: bool
    category: np.ndarray  # str per school ("" when none)


def evidence_flags(pks: np.ndarray) -> Flags:
    # All flagged rows, kept in Python: a national list of ids is too long for an SQL IN on SQLite.
    index = {pk: i for i, pk in enumerate(pks.tolist())}
    rows = [
        row
        for row in Performance.objects.filter(year__isnull=True)
        .exclude(flag=Flag.NONE)
        .values_list("school_id", "measure__domain", "flag", "z")
        .iterator(chunk_size=20_000)
        if row[0] in index
    ]
    rows += [row[:4] for row in selfeval_rows(index)]
    domains = sorted({domain for _school, domain, _flag, _z in rows})
    column = {d: j for j, d in enumerate(domains)}
    strength = np.full((len(pks), len(domains)), np.nan)
    need = np.zeros((len(pks), len(domains)), dtype=bool)
    for school_id, domain, flag, z in rows:
        i, j = index[school_id], column[domain]
        if flag == Flag.NEED:
            need[i, j] = True
        elif np.isnan(strength[i, j]) or z > strength[i, j]:
            strength[i, j] = z
    strength[need] = np.nan  # weak on one measure of a domain: never a supporter for it
    categories = dict(
        SupportCategory.objects.values_list("school_id", "category").iterator(chunk_size=20_000)
    )
    category = np.array([categories.get(pk, "") for pk in pks.tolist()], dtype=object)
    return Flags(domains=domains, strength_z=strength, need=need, category=category)


# A strength from a school's own evaluation has no z of its own: it counts as just past the
# threshold a measure needs to be flagged (docs/self-evaluation.md).
SELF_EVALUATED_STRENGTH_Z = 1.96

# Up to this many schools are asked for by id; more (a region, the country) are read whole and
# filtered here: a national list of ids is too long for an SQL IN on SQLite.
_SELFEVAL_IDS_IN_SQL = 1000


class SelfEvaluated(NamedTuple):
    """A strength or need from a school's own evaluation; its first four fields are a row like the
    measures' (school, domain, flag, z), the domain labelled by its source."""

    school_id: int
    domain: str  # "Behaviour and attendance (self-evaluation)"
    flag: str  # Flag.NEED or Flag.STRENGTH
    z: float
    code: str  # the framework domain's code, "behaviour"
    name: str  # its name, "Behaviour and attendance"
    year: int  # the school year it was rated for (the year it starts in)


def selfeval_rows(index: dict[int, int] | set[int]) -> list[SelfEvaluated]:
    """Strengths and needs of the schools in `index` (School pks) from the newest year of schools'
    own evaluations, each domain labelled by its source. Brokering, formation and offer matching
    all read self-evaluation through this one function."""
    wanted = list(index) if len(index) <= _SELFEVAL_IDS_IN_SQL else None
    version, year, verdicts = latest_selfeval_verdicts(schools=wanted)
    if version is None or year is None:
        return []
    names = {d.code: d.name for d in version.domains.all()}
    label = _("%(domain)s (self-evaluation)")
    return [
        SelfEvaluated(
            school_id,
            label % {"domain": names.get(code, code)},
            Flag.NEED if verdict == "need" else Flag.STRENGTH,
            SELF_EVALUATED_STRENGTH_Z,
            code,
            names.get(code, code),
            year,
        )
        for school_id, found in verdicts.items()
        if school_id in index
        for code, verdict in found.items()
    ]


def standardised_context(table: SchoolTable, rows: np.ndarray) -> np.ndarray:
    """Context of the given schools, each column standardised, missing values at the mean (0)."""
    return standardise_columns(context_matrix(table.context, pupils=table.pupils, urban=table.urban)[rows])


def default_capacity(pupils: np.ndarray) -> np.ndarray:
    """Schools a supporter can support at once when it has not said: one per started
    BROKERING_PUPILS_PER_PARTNER pupils (ceil), between BROKERING_CAPACITY_MIN and _MAX; the minimum
    when its size is unknown (docs/brokering.md, "Capacity")."""
    per = settings.BROKERING_PUPILS_PER_PARTNER
    low, high = settings.BROKERING_CAPACITY_MIN, settings.BROKERING_CAPACITY_MAX
    started = np.ceil(np.nan_to_num(pupils, nan=0.0) / per)
    return np.clip(started, low, high).astype(np.int64)


def capacities(pks: np.ndarray, pupils: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many more schools each school can support at once, and whether its capacity is its own.

    The capacity is the school's own (`Capacity`) where set, else the default from its size; the
    partnerships in which it already supports a school (an open partnership network, as its mentor)
    are taken off it, so a run never proposes more than the school can take at once.
    """
    capacity = default_capacity(pupils)
    own = np.zeros(len(pks), dtype=bool)
    position = {pk: i for i, pk in enumerate(pks.tolist())}
    for school_id, schools in Capacity.objects.values_list("school_id", "schools").iterator(
        chunk_size=20_000
    ):
        i = position.get(school_id)
        if i is not None:
            capacity[i], own[i] = schools, True
    mentoring = (
        Membership.objects.active()
        .filter(role=Membership.Role.MENTOR, network__kind=Network.Kind.PARTNERSHIP)
        .exclude(network__status=Network.Status.CLOSED)
        .values_list("school_id", flat=True)
    )
    for school_id in mentoring.iterator(chunk_size=20_000):
        i = position.get(school_id)
        if i is not None:
            capacity[i] = max(0, capacity[i] - 1)
    return capacity, own


@dataclass(frozen=True)
class BrokeringInputs:
    place: Place
    flags: Flags
    schools: Schools
    needs: Needs
    supporters: Supporters


def brokering_inputs(
    *,
    region: Region | None = None,
    phase: str = "",
    all_needs: bool = False,
    exclude: frozenset[int] = frozenset(),
    neighbours: Sequence[Region] = (),
    across_countries: bool = False,
) -> BrokeringInputs:
    """The needs of the place's red and amber schools (of every school with `all_needs`) and every
    school strong in a domain, as engine inputs. With `neighbours`, schools of those regions may be
    partners too, but only `region`'s own schools' needs are brokered.

    Countries never mix unless `across_countries`: a region's run sees only its own country's schools
    (neighbouring regions of another country are left out), and a run over every school matches each
    need only with supporters of its own country."""
    if not across_countries and region is not None:
        neighbours = [r for r in neighbours if r.country_code == region.country_code]
    where = place(
        region=region,
        phase=phase,
        exclude=exclude,
        also=neighbours,
        country=None if across_countries or region is None else region.country_code,
    )
    table, rows = where.table, where.rows
    flags = evidence_flags(where.pk)
    wanting = flags.need if all_needs else flags.need & np.isin(flags.category, list(NOT_SUPPORTING))[:, None]
    if neighbours and region is not None:
        home = np.isin(where.pk, np.fromiter(region.schools.values_list("pk", flat=True), dtype=np.int64))
        wanting = wanting & home[:, None]
    need_school, need_domain = np.nonzero(wanting)
    strong = ~np.isnan(flags.strength_z).all(axis=1) if flags.domains else np.zeros(len(rows), dtype=bool)
    supporter = np.flatnonzero(strong)
    blocked = np.isin(flags.category[supporter], list(NOT_SUPPORTING))
    schools = Schools(
        latitude=table.latitude[rows],
        longitude=table.longitude[rows],
        authority=table.local_authority[rows],
        context=standardised_context(table, rows),
        country=None if across_countries else countries_of(where.pk),
    )
    return BrokeringInputs(
        place=where,
        flags=flags,
        schools=schools,
        needs=Needs(school=need_school, domain=need_domain),
        supporters=Supporters(
            school=supporter,
            capacity=capacities(where.pk[supporter], table.pupils[rows][supporter])[0],
            strength=flags.strength_z[supporter],
            blocked=blocked,
        ),
    )


RECENT_YEARS = 3  # a partnership that ended this recently still counts as an existing tie


def existing_ties(where: Place) -> list[tuple[int, int]]:
    """(school, school) positions in `where` that share a partnership now or within RECENT_YEARS."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    since = timezone.now() - timedelta(days=365 * RECENT_YEARS)
    rows = (
        Membership.objects.filter(network__kind=Network.Kind.PARTNERSHIP)
        .filter(Q(left_at__isnull=True) | Q(left_at__gte=since))
        .values_list("network_id", "school_id")
    )
    position = {pk: i for i, pk in enumerate(where.pk.tolist())}
    by_network: dict[int, list[int]] = {}
    for network_id, school_id in rows:
        if school_id not in position:
            continue
        by_network.setdefault(network_id, []).append(position[school_id])
    return [(a, b) for members in by_network.values() for a in members for b in members if a != b]
