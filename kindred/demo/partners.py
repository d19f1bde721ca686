"""The demo's partner beyond schools (issue 23, item 4): a university with one lecturer, offering
training in reading, invited by the coordinator into the first network she coordinates as an expert,
and hosting a seminar there.
Written through the services, as a person would do it on the pages."""

from datetime import timedelta

from django.utils import timezone

from kindred import countries
from kindred.accounts.models import Organisation, User
from kindred.accounts.services import organisation_create, organisation_person_add
from kindred.demo.texts import demo_language, demo_texts
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.networks.models import Network, NetworkRole
from kindred.networks.services import membership_request_decide, partner_invite
from kindred.offers.models import Offer
from kindred.offers.services import offer_create
from kindred.schools.models import Region


def demo_partners_create(*, region: Region, coordinator: User, admin: User, password: str) -> dict:
    """The university, its lecturer (an expert in the coordinator's first network) and her seminar."""
    words = demo_texts()["partners"]
    university = organisation_create(
        name=words["university"],
        kind=Organisation.Kind.UNIVERSITY,
        region=region,
        description=words["description"],
        website=words["website"],
        by=admin,
    )
    lecturer = User.objects.create_user(
        email="partner@demo.kindred.example",
        password=password,
        full_name=words["person"],
        language=demo_language(),
    )
    organisation_person_add(organisation=university, user=lecturer, by=admin)
    offer_create(
        organisation=university,
        domain="reading",
        format=Offer.Format.TRAINING,
        capacity=6,
        description=words["description"],
        by=lecturer,
    )
    network = (
        Network.objects.filter(
            people_roles__user=coordinator,
            people_roles__role=NetworkRole.Role.COORDINATOR,
            people_roles__ended_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if network is None:
        return {"organisation": university, "person": lecturer}
    invitation = partner_invite(
        network=network,
        person=lecturer,
        organisation=university,
        role=NetworkRole.Role.EXPERT,
        message=words["message"],
        by=coordinator,
    )
    membership_request_decide(request=invitation, approve=True, by=lecturer)
    start = (timezone.now() + timedelta(days=20)).replace(hour=15, minute=30, second=0, microsecond=0)
    seminar = event_create(
        by=coordinator,
        network=network,
        kind=Event.Kind.TRAINING,
        title=words["event"],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone=countries.profile().time_zone,
        place=words["event_place"],
        host_organisation=university,
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
        capacity=40,
    )
    return {"organisation": university, "person": lecturer, "network": network, "event": seminar}
