"""Writes a generated country (kindred.engine.generate) to the database, in one transaction:
the registry (kindred.schools.generation), then one account and one staff role per teacher.

National scale is 38,000 schools, about 1.8 million measures and 870,000 teachers, so rows go in
through `bulk_insert` (COPY on PostgreSQL) with ids allocated up front, never one `Model.save()`
at a time; indexes, foreign keys and the people search index are built once at the end. The
country's registry ids count from 9000000 unless told otherwise (`registry_from`), its teacher e-mails
name their school's registry id (@teachers.kindred.example), so a second country cannot be written over a
first: that is refused before anything is written. Several generated countries share one database when
each has its own block of registry ids (`kindred generate --country wls --registry-from 9100000`): a country
that is not the installation's default also gets its code before its region and authority codes
("WLS-XR01"), and every school and region carries its country's code (docs/countries.md).

The teacher writer lives here, in the accounts layer, rather than in schools: schools sits below
accounts and must not import its models (.importlinter, docs/architecture.md "Layers").
"""

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.search import people_indexed_after
from kindred.core.bulk import foreign_keys_validated_after, indexes_rebuilt_after
from kindred.core.progress import Progress, no_progress
from kindred.engine.generate import FIRST_REGISTRY_ID, Country, generate_country, renumbered
from kindred.engine.places import localise
from kindred.schools.generation import (
    ChunkWriter,
    allocate_ids,
    generated_country_code,
    registry_refuse_clashes,
    registry_rows,
    registry_write,
)
from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure

TEACHER_EMAIL_DOMAIN = "teachers.kindred.example"


@dataclass(frozen=True)
class GenerationSummary:
    schools: int
    regions: int
    authorities: int
    measures: int
    teachers: int
    staff_roles: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def teacher_emails(country: Country) -> list[str]:
    """One e-mail per teacher, e.g. t000123.9000001@teachers.kindred.example (teacher number, school)."""
    school = country.registry_id[country.teacher_school_index()].tolist()
    return [f"t{i:06d}.{rid}@{TEACHER_EMAIL_DOMAIN}" for i, rid in enumerate(school)]


def country_make(
    *,
    n_schools: int,
    seed: int,
    years: Sequence[int] = (2021, 2022, 2023),
    n_teachers: int | None = None,
    awkward: bool = False,
    hard: bool = False,
    places: str = "eng",
    registry_from: int = FIRST_REGISTRY_ID,
) -> Country:
    """The generated country in memory (nothing written); bad arguments are a ValidationError.

    Its registry ids count from `registry_from`; one that is not the installation's default country gets
    its code before its region and authority codes, so that it can sit beside another in one database.
    The same seed gives the same schools and measures whatever the ids and codes."""
    try:
        country = generate_country(
            n_schools=n_schools, seed=seed, years=years, n_teachers=n_teachers, awkward=awkward, hard=hard
        )
        country = localise(country, places, seed=seed)
        code = generated_country_code(country)
        prefix = "" if code == countries.default_code() else f"{code.upper()}-"
        return renumbered(country, first_registry_id=registry_from, code_prefix=prefix)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def country_generate(
    *,
    n_schools: int,
    seed: int,
    years: Sequence[int] = (2021, 2022, 2023),
    n_teachers: int | None = None,
    awkward: bool = False,
    hard: bool = False,
    places: str = "eng",
    registry_from: int = FIRST_REGISTRY_ID,
    progress: Progress = no_progress,
) -> tuple[Country, GenerationSummary]:
    """Generate a country and write it; returns it (for the truth file) and what was written.

    `places` names the country whose places and names it gets (engine/places.py): "eng"
    (England-like, the default) or "eg" (Egypt: governorates, Arabic names)."""
    progress(0, None, gettext_noop("generating"))
    country = country_make(
        n_schools=n_schools,
        seed=seed,
        years=years,
        n_teachers=n_teachers,
        awkward=awkward,
        hard=hard,
        places=places,
        registry_from=registry_from,
    )
    return country, country_write(country=country, progress=progress)


@dataclass(frozen=True)
class WrittenCountry:
    """The ids a country got, in the country's order (for writers that build on it)."""

    school_ids: np.ndarray
    user_ids: np.ndarray
    summary: GenerationSummary


def country_rows(country: Country) -> int:
    """How many rows `country_rows_write` writes, for progress."""
    return registry_rows(country) + 2 * country.n_teachers


def country_refuse_clashes(country: Country) -> None:
    """Refuse (ValidationError) a country whose registry ids or teacher accounts exist already."""
    registry_refuse_clashes(country)
    teachers_refuse_clashes(country)


@contextmanager
def country_loading() -> Iterator[None]:
    """Inside a transaction: the country's tables without indexes, foreign keys and per-row search
    triggers while it is written, each built once (and checked) at the end."""
    with (
        foreign_keys_validated_after(SchoolMeasure, SchoolStaff),
        indexes_rebuilt_after(SchoolMeasure, SchoolStaff, User),
        people_indexed_after(),
    ):
        yield
    # The registry's own tables keep their indexes while written, so nothing above gathers their
    # planner statistics: without them (autovacuum off, or not there yet) PostgreSQL guesses at the
    # schools table of every page (issue #26). The loaded tables are analysed as their indexes return.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Region, LocalAuthority, School):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def country_rows_write(writer: ChunkWriter, country: Country) -> WrittenCountry:
    """Write the country's rows in the caller's transaction (see `country_write`)."""
    school_ids, measures_written = registry_write(writer, country)
    user_ids = allocate_ids(User, country.n_teachers)
    teachers_write(writer, country, school_ids, user_ids)
    summary = GenerationSummary(
        schools=country.n_schools,
        regions=len(country.regions),
        authorities=len(country.authorities),
        measures=measures_written,
        teachers=country.n_teachers,
        staff_roles=country.n_teachers,
    )
    return WrittenCountry(school_ids=school_ids, user_ids=user_ids, summary=summary)


@transaction.atomic
def country_write(*, country: Country, progress: Progress = no_progress) -> GenerationSummary:
    """Write `country`'s regions, authorities, schools, measures, teachers and staff roles.

    Refuses (ValidationError, nothing written) if any of its registry ids or generated teacher
    accounts already exist.
    """
    country_refuse_clashes(country)
    total = country_rows(country)
    writer = ChunkWriter(progress, total)
    with country_loading():
        written = country_rows_write(writer, country)
        progress(writer.done, total, gettext_noop("indexing and checking references"))
    progress(total, total, gettext_noop("done"))
    return written.summary


def teachers_refuse_clashes(country: Country) -> None:
    """Refuse (ValidationError) when generated teacher accounts of the country's schools already exist
    (another generated country's teachers, at other registry ids, are no clash)."""
    ours = set(country.registry_id.tolist())
    existing = User.objects.filter(email__iendswith=f"@{TEACHER_EMAIL_DOMAIN}").values_list(
        "email", flat=True
    )
    if any(
        email.partition("@")[0].partition(".")[2] in ours for email in existing.iterator(chunk_size=20_000)
    ):
        raise ValidationError(
            _(
                "Generated teacher accounts (@%(domain)s) already exist. Generate into a fresh database, "
                "or delete them first. Nothing was written."
            )
            % {"domain": TEACHER_EMAIL_DOMAIN}
        )


def teachers_write(
    writer: ChunkWriter, country: Country, school_ids: np.ndarray, user_ids: np.ndarray
) -> None:
    """One account per teacher (no usable password: they sign in by reset link) and their role."""
    n = country.n_teachers
    first, last = country.teacher_first_name, country.teacher_last_name
    full_name = np.char.add(np.char.add(first, " "), last)
    # Django treats a password starting with "!" as unusable; the random tail keeps hashes distinct.
    tails = os.urandom(n * 8).hex()
    passwords = ["!" + tails[i : i + 16] for i in range(0, 16 * n, 16)]
    joined = connection.ops.adapt_datetimefield_value(timezone.now())
    writer.write(
        User,
        {
            "id": user_ids,
            "password": passwords,
            "last_login": None,
            "is_superuser": False,
            "first_name": first,
            "last_name": last,
            "is_staff": False,
            "is_active": True,
            "date_joined": joined,
            "email": teacher_emails(country),
            "full_name": full_name,
            "language": countries.load(country.places).people_language,  # Egypt's: Arabic
        },
        n,
        gettext_noop("teachers"),
    )
    # Each school's first teacher leads it.
    first_of_school = np.zeros(n, dtype=bool)
    first_of_school[np.concatenate(([0], np.cumsum(country.teachers)[:-1]))] = True
    role = np.where(first_of_school, SchoolStaff.Role.LEADER.value, SchoolStaff.Role.TEACHER.value)
    writer.write(
        SchoolStaff,
        {"user": user_ids, "school": school_ids[country.teacher_school_index()], "role": role},
        n,
        gettext_noop("staff roles"),
    )
