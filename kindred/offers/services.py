"""Writes for offers and requests: one function per action, keyword-only, atomic, audited."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import Organisation, OrganisationPerson, User
from kindred.audit.services import audit
from kindred.events.services import event_create
from kindred.networks.access import may_act_for_school
from kindred.networks.models import Network
from kindred.networks.services import membership_add, network_create
from kindred.offers.models import Match, Offer, SupportRequest
from kindred.offers.selectors import suggestions
from kindred.schools.models import School


def _acting(by: User, school: School) -> None:
    if not may_act_for_school(by, school):
        raise ValidationError(_("Only the school's leaders and administrators act for it."))


def _acting_for_organisation(by: User, organisation: Organisation) -> None:
    if not (
        by.is_superuser or OrganisationPerson.objects.filter(user=by, organisation=organisation).exists()
    ):
        raise ValidationError(_("Only the organisation's own people offer for it."))


@transaction.atomic
def offer_create(
    *,
    domain: str,
    format: str,
    by: User,
    school: School | None = None,
    organisation: Organisation | None = None,
    capacity: int = 1,
    description: str = "",
) -> Offer:
    """A school's offer (its leaders and administrators) or a partner organisation's (its people)."""
    if (school is None) == (organisation is None):
        raise ValidationError(_("An offer is a school's or an organisation's."))
    if school is not None:
        _acting(by, school)
    elif organisation is not None:
        _acting_for_organisation(by, organisation)
    if not domain.strip():
        raise ValidationError(_("Say in which domain you offer support."))
    if capacity < 1:
        raise ValidationError(_("Offer room for at least one school."))
    offer = Offer(
        school=school,
        organisation=organisation,
        domain=domain.strip().lower(),
        format=format,
        capacity=capacity,
        description=description,
        created_by=by,
    )
    offer.full_clean(exclude=["school", "organisation", "created_by"])
    offer.save()
    audit(by, "offers.offer_created", school or organisation, offer=offer.pk, domain=offer.domain)
    return offer


@transaction.atomic
def request_create(*, school: School, domain: str, needs: str, by_date=None, by: User) -> SupportRequest:
    _acting(by, school)
    if not domain.strip() or not needs.strip():
        raise ValidationError(_("Say in which domain you need support and what you need."))
    if by_date is not None and by_date < timezone.localdate():
        raise ValidationError(_("The date support is needed by has passed."))
    request = SupportRequest.objects.create(
        school=school, domain=domain.strip().lower(), needs=needs, by_date=by_date, created_by=by
    )
    audit(by, "offers.request_created", school, request=request.pk, domain=request.domain)
    return request


@transaction.atomic
def match_propose(*, request: SupportRequest, offer: Offer, outcome: str, by: User) -> Match:
    """The requesting school picks a suggested offer: it has agreed; the offering school decides."""
    _acting(by, request.school)
    found = {s.offer.pk: s.ranked for s in suggestions(request, limit=None) if s.offer is not None}
    if offer.pk not in found:
        raise ValidationError(_("That offer is not among the suggestions for this request."))
    ranked = found[offer.pk]
    match, created = Match.objects.get_or_create(
        request=request,
        offer=offer,
        defaults={
            "outcome": outcome,
            "cost": ranked.cost,
            "reasons": {
                "strength_z": ranked.strength_z,
                "distance_km": ranked.distance_km,
                "minutes": ranked.minutes,
                "other_authority": ranked.other_authority,
                "context_distance": ranked.context_distance,
            },
            "requester_agreed_at": timezone.now(),
        },
    )
    if not created:
        raise ValidationError(_("This offer has already been proposed."))
    audit(by, "offers.match_proposed", request.school, match=match.pk)
    return match


@transaction.atomic
def match_accept(*, match: Match, by: User, starts_at: datetime | None = None) -> Match:
    """The offering school accepts: the match becomes a partnership (a two-school network) or an event."""
    match = (
        # Not the offering school's row: an offer's school is nullable now (an organisation's offer),
        # and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        Match.objects.select_for_update(of=("self", "request", "request__school", "offer"))
        .select_related("request__school", "offer__school")
        .get(pk=match.pk)
    )
    offering = match.offer.school
    if offering is None:  # a partner organisation's offer is never matched (offers/models.py)
        raise ValidationError(_("A partner organisation's offer is taken up by inviting it into a network."))
    _acting(by, offering)
    if match.agreed:
        raise ValidationError(_("Already agreed."))
    request, offer = match.request, match.offer
    Offer.objects.select_for_update().get(pk=offer.pk)
    taken = Match.objects.filter(offer=offer, offerer_agreed_at__isnull=False).count()
    if offer.status != Offer.Status.OPEN or taken >= offer.capacity:
        raise ValidationError(_("This offer is already taken up by as many schools as it has room for."))
    match.offerer_agreed_at = timezone.now()
    if match.outcome == Match.Outcome.PARTNERSHIP:
        network = network_create(
            name=f"{offering.name} & {request.school.name}: {request.domain}"[:200],
            kind=Network.Kind.PARTNERSHIP,
            region=request.school.region,
            by=by,
            purpose=request.needs[:300],
            status=Network.Status.ACTIVE,
        )
        membership_add(network=network, school=offering, role="mentor", by=by)
        membership_add(network=network, school=request.school, role="mentee", by=by)
        match.network = network
    else:
        start = starts_at or (timezone.now() + timedelta(days=14)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        match.event = event_create(
            by=by,
            school=offering,
            kind="training",
            title=f"{offer.get_format_display()}: {request.domain}",
            description=request.needs,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            host_school=offering,
        )
    match.save()
    request.status = SupportRequest.Status.MATCHED
    request.save(update_fields=["status"])
    if taken + 1 >= offer.capacity:
        offer.status = Offer.Status.CLOSED
        offer.save(update_fields=["status"])
    audit(by, "offers.match_accepted", offering, match=match.pk, outcome=match.outcome)
    return match
