"""Writes for frameworks, self-evaluations and peer reviews: one function per action, audited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kindred.accounts.models import SchoolStaff, User
from kindred.audit.services import audit
from kindred.core import attachments
from kindred.frameworks.loading import FrameworkSpec
from kindred.frameworks.models import (
    Domain,
    Evaluation,
    EvidenceFile,
    Framework,
    FrameworkVersion,
    PeerReview,
    Rating,
    SelfEvalSharing,
    Standard,
)
from kindred.schools.models import School

LEADER_ROLES = (SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR)
MAX_FILES_PER_STANDARD = 10


@transaction.atomic
def framework_load(*, spec: FrameworkSpec, by: User | None) -> tuple[FrameworkVersion, bool]:
    """Store a checked framework file as a new version; (version, created).

    Loading content identical to the latest version changes nothing and returns that version.
    """
    framework, _created = Framework.objects.get_or_create(
        code=spec.code, defaults={"name": spec.name, "description": spec.description}
    )
    latest = framework.latest_version()
    digest = spec.digest()
    if latest is not None and latest.digest == digest:
        return latest, False
    framework.name, framework.description = spec.name, spec.description
    framework.save(update_fields=["name", "description"])
    version = FrameworkVersion.objects.create(
        framework=framework, number=(latest.number + 1) if latest else 1, scale=spec.scale, digest=digest
    )
    for d, domain_spec in enumerate(spec.domains):
        domain = Domain.objects.create(
            version=version, code=domain_spec.code, name=domain_spec.name, position=d
        )
        Standard.objects.bulk_create(
            Standard(
                domain=domain,
                code=s.code,
                name=s.name,
                position=i,
                descriptors=s.descriptors,
                behaviours=s.behaviours,
            )
            for i, s in enumerate(domain_spec.standards)
        )
    audit(by, "framework.loaded", version, framework=framework.code, version=version.number)
    return version, True


def _rating_levels(
    version: FrameworkVersion, levels: dict[int, tuple[int | None, str]]
) -> dict[int, tuple[int | None, str]]:
    standards = set(Standard.objects.filter(domain__version=version).values_list("pk", flat=True))
    unknown = set(levels) - standards
    if unknown:
        raise ValidationError(_("Those standards are not part of this framework version."))
    for level, _evidence in levels.values():
        if level is not None and not 1 <= level <= version.scale_max:
            raise ValidationError(_("A rating must be between 1 and %(max)s.") % {"max": version.scale_max})
    return levels


def _store_ratings(evaluation: Evaluation, levels: dict[int, tuple[int | None, str]]) -> int:
    """Replace the evaluation's ratings of the given standards; a level of None removes a rating."""
    existing = {r.standard_id: r for r in evaluation.ratings.all()}
    changed = 0
    for standard_id, (level, evidence) in levels.items():
        rating = existing.get(standard_id)
        if level is None:
            if rating is not None:
                rating.delete()
                changed += 1
            continue
        if rating is None:
            Rating.objects.create(
                evaluation=evaluation, standard_id=standard_id, level=level, evidence=evidence
            )
            changed += 1
        elif (rating.level, rating.evidence) != (level, evidence):
            rating.level, rating.evidence = level, evidence
            rating.save(update_fields=["level", "evidence"])
            changed += 1
    evaluation.save(update_fields=["updated_at"])
    return changed


def _roles(user: User, school: School) -> set[str]:
    return set(SchoolStaff.objects.filter(user=user, school=school).values_list("role", flat=True))


@transaction.atomic
def ratings_save(
    *,
    school: School,
    version: FrameworkVersion,
    year: int,
    kind: str,
    levels: dict[int, tuple[int | None, str]],
    by: User,
    peer_review: PeerReview | None = None,
    files: dict[int, list] | None = None,
) -> Evaluation:
    """Save `by`'s ratings: the school's own (leaders), a member of staff's, or a peer reviewer's.

    `levels` maps standard id → (level or None to clear, evidence note); `files` maps standard id →
    uploaded files to attach to the school's own evaluation, every one checked before anything is
    written.
    """
    levels = _rating_levels(version, levels)
    files = {standard_id: list(uploads) for standard_id, uploads in (files or {}).items() if uploads}
    if files:
        if kind != Evaluation.Kind.SELF:
            raise ValidationError(_("Files are attached to the school's own evaluation only."))
        checked = _files_check(version, files)
    if kind == Evaluation.Kind.SELF:
        if not (by.is_superuser or _roles(by, school) & set(LEADER_ROLES)):
            raise ValidationError(_("Only the school's leaders keep its own evaluation."))
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
            school=school, version=version, year=year, kind=kind, defaults={"author": by}
        )
    elif kind == Evaluation.Kind.STAFF:
        if not _roles(by, school):
            raise ValidationError(_("Only the school's staff rate it as staff."))
        evaluation, _created = Evaluation.objects.get_or_create(
            school=school, version=version, year=year, kind=kind, author=by
        )
    elif kind == Evaluation.Kind.PEER:
        if peer_review is None or peer_review.school_id != school.pk or peer_review.version_id != version.pk:
            raise ValidationError(_("A peer rating belongs to a peer review of this school."))
        if peer_review.year != year:
            raise ValidationError(_("A peer rating belongs to a peer review of this school."))
        if not (_roles(by, peer_review.reviewer_school) & set(LEADER_ROLES)):
            raise ValidationError(_("Only leaders of the reviewing school rate in a peer review."))
        evaluation, _created = Evaluation.objects.get_or_create(
            school=school, version=version, year=year, kind=kind, author=by, peer_review=peer_review
        )
    else:
        raise ValidationError(_("Unknown kind of evaluation."))
    changed = _store_ratings(evaluation, levels)
    if changed:
        audit(by, "selfeval.rated", school, kind=kind, year=year, version=version.pk, changed=changed)
    if files:
        _files_room(evaluation, files)
        _files_store(evaluation, files, checked, by=by)
    return evaluation


def _files_check(version: FrameworkVersion, files: dict[int, list]) -> dict[int, list[attachments.Checked]]:
    """Each upload's checked type, or ValidationError naming what is wrong; nothing is written."""
    if set(files) - set(Standard.objects.filter(domain__version=version).values_list("pk", flat=True)):
        raise ValidationError(_("Those standards are not part of this framework version."))
    limit = settings.BOARD_ATTACHMENT_MAX_BYTES
    return {
        standard_id: [attachments.check(upload, limit=limit) for upload in uploads]
        for standard_id, uploads in files.items()
    }


def _files_room(evaluation: Evaluation, files: dict[int, list]) -> None:
    for standard_id, uploads in files.items():
        if evaluation.files.filter(standard_id=standard_id).count() + len(uploads) > MAX_FILES_PER_STANDARD:
            raise ValidationError(
                _("A standard may have at most %(n)d files of evidence.") % {"n": MAX_FILES_PER_STANDARD}
            )


def _files_store(
    evaluation: Evaluation,
    files: dict[int, list],
    checked: dict[int, list[attachments.Checked]],
    *,
    by: User,
) -> list[EvidenceFile]:
    stored = []
    for standard_id, uploads in files.items():
        for upload, found in zip(uploads, checked[standard_id], strict=True):
            stored.append(
                EvidenceFile.objects.create(
                    evaluation=evaluation,
                    standard_id=standard_id,
                    file=upload,
                    name=upload.name[:200],
                    content_type=found.content_type,
                    size=found.size,
                    uploaded_by=by,
                )
            )
    for item in stored:
        audit(
            by,
            "selfeval.file_added",
            evaluation.school,
            year=evaluation.year,
            standard=item.standard_id,
            file=item.pk,
            name=item.name,
            size=item.size,
        )
    return stored


@transaction.atomic
def evidence_file_delete(*, item: EvidenceFile, by: User) -> None:
    """A leader of the school removes a file from its own evaluation's evidence (and from storage,
    once the removal is committed)."""
    school = item.evaluation.school
    if not (by.is_superuser or _roles(by, school) & set(LEADER_ROLES)):
        raise ValidationError(_("Only the school's leaders keep its own evaluation."))
    stored, storage = item.file.name, item.file.storage
    details = {"year": item.evaluation.year, "standard": item.standard_id, "file": item.pk, "name": item.name}
    item.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit(by, "selfeval.file_deleted", school, **details)


@transaction.atomic
def peer_review_request(
    *, school: School, reviewer_school: School, version: FrameworkVersion, year: int, by: User
) -> PeerReview:
    """The school's leaders ask another school to review it."""
    if not (by.is_superuser or _roles(by, school) & set(LEADER_ROLES)):
        raise ValidationError(_("Only the school's leaders ask for a peer review."))
    if reviewer_school.pk == school.pk:
        raise ValidationError(_("A school cannot review itself."))
    review, created = PeerReview.objects.get_or_create(
        school=school,
        reviewer_school=reviewer_school,
        version=version,
        year=year,
        defaults={"requested_by": by},
    )
    if not created:
        raise ValidationError(
            _("%(school)s has already been asked for this year.") % {"school": reviewer_school.name}
        )
    audit(by, "peer_review.requested", school, reviewer=reviewer_school.registry_id, year=year)
    return review


@transaction.atomic
def sharing_set(*, school: School, with_networks: bool, by: User) -> SelfEvalSharing:
    """The school's leaders choose whether its network members and partners see its self-evaluation."""
    if not SchoolStaff.objects.filter(user=by, school=school, role__in=LEADER_ROLES).exists():
        raise ValidationError(_("Only the school's leaders choose who sees its self-evaluation."))
    row, _created = SelfEvalSharing.objects.get_or_create(school=school)
    before = row.with_networks
    row.with_networks, row.updated_by = bool(with_networks), by
    row.save()
    if before != row.with_networks:
        audit(by, "selfeval.sharing_set", school, with_networks=row.with_networks)
    return row
