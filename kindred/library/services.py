"""Writes for the library: one function per action, keyword-only, atomic, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.library.checks import check_upload
from kindred.library.models import PolicyAdoption, Resource, ResourceVersion
from kindred.networks.access import may_act_for_school
from kindred.networks.models import Membership, Network
from kindred.schools.models import School


def _version(resource: Resource, *, upload, note: str, by: User) -> ResourceVersion:
    checked = check_upload(upload)
    number = (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ResourceVersion(
        resource=resource,
        number=number,
        filename=checked.filename,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        note=note,
        uploaded_by=by,
    )
    version.file.save(checked.filename, upload, save=False)
    version.save()
    return version


@transaction.atomic
def resource_create(
    *,
    by: User,
    network: Network | None,
    kind: str,
    title: str,
    licence: str,
    upload=None,
    url: str = "",
    **fields,
) -> Resource:
    """A new file, link or policy template (a file, in a network); a file's upload is version 1."""
    if kind == Resource.Kind.LINK:
        if not url or upload is not None:
            raise ValidationError(_("A link needs its address, and no file."))
    elif upload is None:
        raise ValidationError(_("Choose the file to share."))
    if kind == Resource.Kind.POLICY and network is None:
        raise ValidationError(_("A policy template belongs to a network."))
    resource = Resource(
        network=network, kind=kind, title=title, licence=licence, url=url, created_by=by, **fields
    )
    resource.full_clean(exclude=["network", "created_by", "agreed_version"])
    resource.save()
    if upload is not None:
        _version(resource, upload=upload, note="", by=by)
    audit(by, "library.resource_created", resource, kind=kind)
    return resource


@transaction.atomic
def version_add(*, resource: Resource, upload, note: str = "", by: User) -> ResourceVersion:
    """A new version of a file or policy; the old versions stay downloadable."""
    if resource.kind == Resource.Kind.LINK:
        raise ValidationError(_("A link has no file versions."))
    Resource.objects.select_for_update().get(pk=resource.pk)
    version = _version(resource, upload=upload, note=note, by=by)
    audit(by, "library.version_added", resource, number=version.number)
    return version


def download_count(*, resource: Resource) -> None:
    """One more download (a single UPDATE, safe under concurrent downloads; not audited). Not a change
    of the resource: its time of last change stays (core/changes.py)."""
    Resource.objects.filter(pk=resource.pk).update(
        download_count=F("download_count") + 1, updated_at=F("updated_at")
    )


@transaction.atomic
def policy_agree(*, resource: Resource, version: ResourceVersion, by: User) -> Resource:
    """The network agrees this version of its policy template (its coordinators decide)."""
    if resource.kind != Resource.Kind.POLICY or version.resource_id != resource.pk:
        raise ValidationError(_("Only a version of this policy template can be agreed."))
    resource.agreed_version = version
    resource.agreed_at = timezone.now()
    resource.save(update_fields=["agreed_version", "agreed_at"])
    audit(by, "library.policy_agreed", resource, version=version.number)
    return resource


@transaction.atomic
def policy_adopt(*, resource: Resource, school: School, by: User) -> PolicyAdoption:
    """A member school adopts the agreed version of its network's policy, recording who and when."""
    version = resource.agreed_version
    if resource.kind != Resource.Kind.POLICY or version is None:
        raise ValidationError(_("The network has not agreed a version of this policy yet."))
    if not Membership.objects.active().filter(network_id=resource.network_id, school=school).exists():
        raise ValidationError(_("Only member schools adopt the network's policies."))
    if not may_act_for_school(by, school):
        raise ValidationError(_("Only the school's leaders and administrators adopt policies for it."))
    if PolicyAdoption.objects.filter(version=version, school=school).exists():
        raise ValidationError(_("%(school)s has already adopted this version.") % {"school": school.name})
    adoption = PolicyAdoption.objects.create(resource=resource, version=version, school=school, adopted_by=by)
    audit(by, "library.policy_adopted", school, resource=resource.pk, version=version.number)
    return adoption
