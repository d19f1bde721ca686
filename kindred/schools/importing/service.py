"""The imports as services: called alike by the `kindred import` command and the admin's job."""

import uuid
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.audit.services import audit
from kindred.core.models import Job
from kindred.core.progress import Progress, Said, no_progress
from kindred.core.storage import UploadStorage
from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.importing.links import plan_links_file
from kindred.schools.importing.mapping import Mapping, definitions_load, mapping_load, mapping_parse
from kindred.schools.importing.planning import (
    Elsewhere,
    Limits,
    plan_measures_file,
    plan_schools_file,
    rows_with_problems_skip,
)
from kindred.schools.importing.reading import open_table
from kindred.schools.importing.report import ImportFailed, ImportReport
from kindred.schools.importing.uploads import UPLOAD_DIR
from kindred.schools.importing.writing import links_plan_write, plan_write
from kindred.schools.models import (
    LocalAuthority,
    MeasureDefinition,
    Region,
    SavedMapping,
    School,
    SchoolLink,
)


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("Schools (and any measure columns), read through a mapping")
    MEASURES = "measures", _("Measures, long format: school_id, measure, year, value, cohort")
    LINKS = "links", _("Predecessor and successor links (Get Information About Schools links file)")


JOB_KINDS = {
    ImportKind.SCHOOLS: Job.Kind.IMPORT_SCHOOLS,
    ImportKind.MEASURES: Job.Kind.IMPORT_MEASURES,
    ImportKind.LINKS: Job.Kind.IMPORT_LINKS,
}


def _registry_ids() -> set[str]:
    return set(School.objects.values_list("registry_id", flat=True))


def _write_audited(
    plan, *, by, action: str, progress: Progress, write=plan_write, skip_bad_rows: bool = False, **details
) -> ImportReport:
    """Refuse a plan with problems (audited as a rejection); otherwise write it and audit the import.
    With `skip_bad_rows`, rows with problems are skipped (and listed) and the rest is written."""
    if skip_bad_rows:
        rows_with_problems_skip(plan)
        details["rows_skipped_for_problems"] = plan.report.skipped_problems.rows()
    if not plan.ok:
        audit(by, "import.rejected", None, problems=len(plan.report.problems), **details)
        raise ImportFailed(plan.report)
    with transaction.atomic():
        report = write(plan, progress=progress)
        audit(by, action, None, **details, summary={str(k): v for k, v in report.summary().items()})
    return report


class CountryNotInstalled(ValueError):
    """An import named a country the installation does not hold (COUNTRY, COUNTRIES): nothing is read
    or written. Raised with a `Said`, so a job keeps the reason in each reader's language."""


def import_country(code: str | None) -> str:
    """The country an import's schools, regions and authorities are in: `code`, or the installation's
    default; a code that is not one of the installation's countries is refused (CountryNotInstalled)."""
    code = (code or "").strip() or countries.default_code()
    if code not in countries.codes():
        raise CountryNotInstalled(
            Said(
                gettext_noop("The country %(code)s is not one of this installation's countries (%(codes)s)."),
                code=code,
                codes=", ".join(countries.codes()),
            )
        )
    return code


def elsewhere_of(country: str) -> Elsewhere:
    """What the registry holds in countries other than `country` (nothing in a one-country installation)."""
    if not countries.several():
        return Elsewhere()
    # An authority is in its region's country; one without a region, in its schools' country.
    authorities = dict(
        School.objects.filter(local_authority__isnull=False, local_authority__region__isnull=True)
        .exclude(country_code=country)
        .values_list("local_authority__code", "country_code")
        .distinct()
    )
    authorities.update(
        LocalAuthority.objects.filter(region__isnull=False)
        .exclude(region__country_code=country)
        .values_list("code", "region__country_code")
    )
    return Elsewhere(
        regions=dict(Region.objects.exclude(country_code=country).values_list("code", "country_code")),
        authorities=authorities,
        schools=dict(School.objects.exclude(country_code=country).values_list("registry_id", "country_code")),
    )


def measure_limits(specs: list[MeasureSpec] | tuple[MeasureSpec, ...] = ()) -> dict[str, Limits]:
    """Every known measure's unit and valid range: the catalogue's and `specs` (a mapping's or a
    definitions file's own), overridden by the stored definitions (an administrator's edits win)."""
    limits = {code: Limits.of(s.unit, s.valid_min, s.valid_max) for code, s in MEASURES.items()}
    limits.update({s.code: Limits.of(s.unit, s.valid_min, s.valid_max) for s in specs})
    for code, unit, low, high in MeasureDefinition.objects.values_list(
        "code", "unit", "valid_min", "valid_max"
    ):
        limits[code] = Limits.of(unit, low, high)
    return limits


def schools_import(
    *,
    path: str | Path,
    mapping: Mapping | str | Path,
    progress: Progress = no_progress,
    by=None,
    year: int | None = None,
    sheet: str | int | None = None,
    definitions: str | Path | None = None,
    skip_bad_rows: bool = False,
    decimal_comma: bool = False,
    country: str | None = None,
) -> ImportReport:
    """Import a schools file (CSV or spreadsheet) through a column mapping (a Mapping, a ready
    mapping's name or a path).

    `country`: the country (a profile code of the installation's, COUNTRY or one of COUNTRIES) the
    file's schools, regions and authorities are in; default the installation's. Its bounds check the
    coordinates; a row naming a region, authority or school of another country is a problem.
    CountryNotInstalled for a code the installation does not hold (nothing is read).

    `year`: the year of measures the mapping gives none for; `sheet`: a workbook's sheet (name
    or number; otherwise the mapping's, otherwise the first); `definitions`: a YAML file of measure
    definitions the mapping may use. The whole file is checked first; if it has any problem,
    ImportFailed is raised with every problem listed and nothing is written — unless
    `skip_bad_rows`: then rows with problems are skipped, each listed with its reasons in the
    report (`skipped_problems`), and the rest is imported. `decimal_comma`: numbers are written
    `12,5`, whatever the mapping says. Raises MappingError for an unusable mapping or definitions file.
    """
    country = import_country(country)
    specs = definitions_load(definitions) if definitions else ()
    if not isinstance(mapping, Mapping):
        mapping = mapping_load(mapping, definitions=specs)
    if decimal_comma:
        mapping = mapping.with_decimal_comma()
    table = open_table(path, sheet=sheet if sheet is not None else mapping.sheet)
    plan = plan_schools_file(
        table,
        mapping,
        existing_ids=_registry_ids(),
        limits=measure_limits(mapping.new_measures),
        year=year,
        bounds=countries.profile(country).bounds.south_west_north_east,
        file=Path(path).name,
        progress=progress,
        keep_when_failing=skip_bad_rows,
        country=country,
        elsewhere=elsewhere_of(country),
    )
    return _write_audited(
        plan,
        by=by,
        action="import.schools",
        progress=progress,
        skip_bad_rows=skip_bad_rows,
        file=Path(path).name,
        mapping=mapping.name,
        country=country,
    )


def measures_import(
    *,
    path: str | Path,
    progress: Progress = no_progress,
    by=None,
    definitions: str | Path | None = None,
    sheet: str | int | None = None,
    skip_bad_rows: bool = False,
    decimal_comma: bool = False,
) -> ImportReport:
    """Import a long measures file: `school_id,measure,year,value,cohort` (cohort optional);
    `decimal_comma`: its numbers are written `12,5`.

    `definitions`: a YAML file defining measures the file uses that Kindred does not know yet;
    they are created with the import (and only if it succeeds)."""
    specs = definitions_load(definitions) if definitions else ()
    table = open_table(path, sheet=sheet)
    known = (
        set(MEASURES)
        | set(MeasureDefinition.objects.values_list("code", flat=True))
        | {s.code for s in specs}
    )
    plan = plan_measures_file(
        table,
        existing_ids=_registry_ids(),
        known_codes=known,
        limits=measure_limits(specs),
        file=Path(path).name,
        progress=progress,
        decimal_comma=decimal_comma,
        keep_when_failing=skip_bad_rows,
    )
    plan.measure_specs += list(specs)
    return _write_audited(
        plan,
        by=by,
        action="import.measures",
        progress=progress,
        skip_bad_rows=skip_bad_rows,
        file=Path(path).name,
    )


def links_import(*, path: str | Path, progress: Progress = no_progress, by=None) -> ImportReport:
    """Import a links file (`URN, LinkURN, LinkType, LinkEstablishedDate`, as GIAS publishes it):
    predecessor and successor schools, each link stored once. See docs/importing.md."""
    table = open_table(path)
    school_types = dict(School.objects.values_list("registry_id", "school_type"))
    existing_pairs = set(SchoolLink.objects.values_list("predecessor__registry_id", "successor__registry_id"))
    plan = plan_links_file(
        table,
        school_types=school_types,
        existing_pairs=existing_pairs,
        file=Path(path).name,
        progress=progress,
    )
    return _write_audited(
        plan, by=by, action="import.links", progress=progress, write=links_plan_write, file=Path(path).name
    )


def stored_file_name(name: str | None, *, max_bytes: int = 120) -> str:
    """The upload's own name, shortened to fit the file system's 255-byte limit beside our prefix.

    The extension is kept; the cut is made in bytes (UTF-8), so names in any script fit.
    """
    path = Path(name or "upload.csv")
    suffix = path.suffix.encode()[:20].decode(errors="ignore")
    stem = path.name[: len(path.name) - len(path.suffix)] if path.suffix else path.name
    stem = stem.encode()[: max_bytes - len(suffix.encode())].decode(errors="ignore")
    return (stem or "upload") + suffix


def upload_store(*, upload: UploadedFile, directory: str = UPLOAD_DIR) -> str:
    """Save an uploaded file under MEDIA_ROOT/`directory`; returns its name relative to MEDIA_ROOT."""
    # UploadStorage: on a full disk, the part written is removed and a 507 page says so.
    storage = UploadStorage(location=Path(settings.MEDIA_ROOT) / directory)
    stored = storage.save(f"{uuid.uuid4().hex}-{stored_file_name(upload.name)}", upload)
    return f"{directory}/{stored}"


@transaction.atomic
def saved_mapping_save(*, name: str, data: dict, by=None) -> SavedMapping:
    """Save (or replace) a mapping made in the builder under `name`, after checking it as any
    mapping is checked (MappingError lists its problems). Audited as `import.mapping_saved`."""
    mapping_parse(data, name=name)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    saved, created = SavedMapping.objects.update_or_create(
        name=name,
        defaults={"text": text, "description": str(data.get("description", ""))[:300], "created_by": by},
    )
    audit(by, "import.mapping_saved", saved, created=created)
    return saved
