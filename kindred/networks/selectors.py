"""Reads for networks that span tables: the directory, the network page, people search."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.evidence.models import FamilyMember
from kindred.networks import borders
from kindred.networks.access import (
    groups_led_q,
    member_network_ids,
    networks_visible_q,
    schools_user_acts_for,
)
from kindred.networks.models import (
    Connection,
    FormalRequest,
    Membership,
    MembershipRequest,
    Network,
    NetworkLink,
    NetworkRole,
    Profile,
    RotaTurn,
)
from kindred.networks.panels import INVITED_COUNTERS
from kindred.schools.models import School


def _with_member_count(networks: QuerySet[Network]) -> QuerySet[Network]:
    return networks.annotate(member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True)))


def network_directory(
    user: User,
    *,
    query: str = "",
    kind: str = "",
    region: int | None = None,
    phase: str = "",
    subject: str = "",
    has_room: bool = False,
    country: str = "",
    language: str = "",
) -> QuerySet[Network]:
    """The networks `user` may see that want members, filtered (counting is cheap: no per-network
    aggregate unless `has_room` needs one; `with_member_counts` adds the counts to the page shown).
    Partnerships are not listed: they are between their own schools (their members find them under
    "Your networks")."""
    networks: QuerySet[Network] = (
        Network.objects.filter(networks_visible_q(user))
        .exclude(kind=Network.Kind.PARTNERSHIP)
        .select_related("region")
    )
    if query:
        networks = networks.filter(
            Q(name__icontains=query)
            | Q(purpose__icontains=query)
            | Q(subject__icontains=query)
            | Q(description__icontains=query)
        )
    if kind:
        networks = networks.filter(kind=kind)
    if region:
        networks = networks.filter(region_id=region)
    if phase:
        networks = networks.filter(phase=phase)
    if subject:
        networks = networks.filter(subject__icontains=subject)
    if language:
        networks = borders.teaching_in(networks, language)
    if country == borders.OTHER_COUNTRIES:
        networks = borders.with_other_countries(networks, borders.reader_countries(user))
    elif country:
        networks = borders.in_country(networks, country)
    if has_room:
        networks = (
            _with_member_count(networks)
            .exclude(status=Network.Status.CLOSED)
            .filter(Q(capacity__isnull=True) | Q(capacity__gt=F("member_count")))
        )
    return networks.order_by("name", "pk")


def with_member_counts(networks: list[Network]) -> list[Network]:
    """Set `member_count` on each of `networks` (a page of them) with one query."""
    counts = dict(
        Membership.objects.active()
        .filter(network_id__in=[n.pk for n in networks])
        .values("network_id")
        .annotate(n=Count("pk"))
        .values_list("network_id", "n")
    )
    for network in networks:
        # the attribute _with_member_count's annotation gives a queryset, set on a list
        network.member_count = counts.get(network.pk, 0)  # type: ignore[attr-defined]
    return networks


def invited_counts(network_ids: list[int]) -> dict[int, int]:
    """Schools invited into each of `network_ids` that have not answered yet: the network's own
    invitations (a coordinator's, a replacement's) and those the apps above count (a published run's,
    registered with networks.panels.invited_counter_register). A network whose invitations wait is
    forming, not empty (issue 21, item 4)."""
    if not network_ids:
        return {}
    counts: Counter[int] = Counter(
        dict(
            MembershipRequest.objects.filter(
                network_id__in=network_ids,
                kind=MembershipRequest.Kind.INVITE,
                status=MembershipRequest.Status.PENDING,
                school__isnull=False,
            )
            .values("network_id")
            .annotate(n=Count("pk"))
            .values_list("network_id", "n")
        )
    )
    for counter in INVITED_COUNTERS:
        counts.update(counter(network_ids))
    return dict(counts)


def with_invited_counts(networks: list[Network]) -> list[Network]:
    """Set `invited_count` (schools invited, waiting to answer) on each of `networks`."""
    invited = invited_counts([n.pk for n in networks])
    for network in networks:
        network.invited_count = invited.get(network.pk, 0)  # type: ignore[attr-defined]
    return networks


def groups_for_leader(user: User) -> QuerySet[Network]:
    """The informal groups `user` leads over, those asking to become formal networks first (the
    longest waiting first), then the newest; each with `people_count`, its people with an active
    role, and `asked_at`, when its ask waiting for a decision was made (None: none waits)."""
    waiting = FormalRequest.objects.filter(network=OuterRef("pk"), status=FormalRequest.Status.PENDING)
    people = (
        NetworkRole.objects.active()
        .filter(network=OuterRef("pk"))
        .order_by()
        .values("network")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Network.objects.filter(groups_led_q(user))
        .select_related("region", "started_by")
        .annotate(
            people_count=Coalesce(Subquery(people), 0),
            asked_at=Subquery(waiting.values("created_at")[:1]),
        )
        .order_by(F("asked_at").asc(nulls_last=True), "-created_at", "pk")
    )


def formal_requests(network: Network) -> list[FormalRequest]:
    """Every ask of an informal group (or a network that was one) to become a formal network, the
    newest first, with who asked and who decided."""
    return list(network.formal_requests.select_related("requested_by", "decided_by"))


def your_networks(user: User) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return _with_member_count(Network.objects.filter(pk__in=member_network_ids(user))).order_by("name")


@dataclass
class NetworkPage:
    members: list[Membership]
    history: list[Membership]
    people: list[NetworkRole]
    upcoming_turns: list[RotaTurn]
    requests: list[MembershipRequest]
    map_points: list[tuple]
    own_schools: list[School]  # schools the viewer acts for (leader or administrator)
    own_memberships: list[Membership]  # their active memberships of this network
    own_requests: list[MembershipRequest]  # their pending asks and invitations here
    own_person_request: MembershipRequest | None  # the viewer's own pending ask as a person
    is_member: bool


UPCOMING_TURNS = 6
HISTORY_ROWS = 50


def network_roles(network: Network, *, ended: bool = False) -> QuerySet[NetworkRole]:
    """Who holds which role in `network` now (coordinators, contact teachers with their school,
    members): the network page's "People and roles", shown to whoever sees the network. With
    `ended`, the roles that ended as well (the API's incremental sync learns of them so)."""
    roles = NetworkRole.objects.all() if ended else NetworkRole.objects.active()
    return roles.filter(network=network).select_related("user", "school", "organisation")


def network_page(network: Network, user: User, *, is_coordinator: bool) -> NetworkPage:
    """Everything the network page shows, in a fixed number of queries whatever the size."""
    memberships = list(
        Membership.objects.filter(network=network)
        .select_related("school__local_authority", "school__region", "replaced_by__school")
        .prefetch_related(
            # A leaver's replacement while the invited school has not answered yet.
            Prefetch(
                "replacement_invitations",
                queryset=MembershipRequest.objects.filter(
                    status=MembershipRequest.Status.PENDING
                ).select_related("school"),
                to_attr="replacement_pending",
            )
        )
        .order_by("school__name", "pk")
    )
    members = [m for m in memberships if m.left_at is None]
    history = sorted((m for m in memberships if m.left_at is not None), key=lambda m: m.left_at, reverse=True)
    people = list(network_roles(network).order_by("role", "pk"))
    upcoming = list(
        RotaTurn.objects.filter(network=network, date__gte=timezone.localdate())
        .select_related("school")
        .order_by("date", "duty")[: UPCOMING_TURNS * 2]
    )
    pending = list(
        MembershipRequest.objects.filter(
            network=network, status=MembershipRequest.Status.PENDING
        ).select_related("school", "person", "organisation", "requested_by", "replaces__school")
    )
    own_schools = list(schools_user_acts_for(user)) if user.is_authenticated else []
    own_ids = {s.pk for s in own_schools}
    member_school_ids = {m.school_id for m in members}
    is_member = user.is_authenticated and (
        any(role.user_id == user.pk for role in people)
        or bool(own_ids & member_school_ids)
        or SchoolStaff.objects.filter(user=user, school_id__in=member_school_ids).exists()
    )
    points = [
        (m.school.latitude, m.school.longitude, None, m.school.name, m.school.registry_id)
        for m in members
        if m.school.latitude is not None and m.school.longitude is not None
    ]
    return NetworkPage(
        members=members,
        history=history[:HISTORY_ROWS],
        people=people,
        upcoming_turns=upcoming,
        requests=pending if is_coordinator else [],
        map_points=points,
        own_schools=own_schools,
        own_memberships=[m for m in members if m.school_id in own_ids],
        own_requests=[r for r in pending if r.person_id is None and r.school_id in own_ids],
        own_person_request=next((r for r in pending if r.person_id == user.pk), None),
        is_member=is_member,
    )


def pending_requests_seen_by(
    network: Network, user: User, *, is_coordinator: bool
) -> QuerySet[MembershipRequest]:
    """The pending asks and invitations of `network` that its page shows `user`: every one to its
    coordinators; to anyone else, those of the schools they act for and their own ask as a person."""
    pending = MembershipRequest.objects.filter(
        network=network, status=MembershipRequest.Status.PENDING
    ).select_related("school", "person")
    if is_coordinator:
        return pending
    return pending.filter(Q(person__isnull=True, school__in=schools_user_acts_for(user)) | Q(person=user))


def rota_turns(network: Network) -> QuerySet[RotaTurn]:
    return RotaTurn.objects.filter(network=network).select_related("school").order_by("date", "duty")


# People ------------------------------------------------------------------------------------


def _shares_a_network_q(user: User) -> Q:
    """People who belong to one of the networks `user` belongs to."""
    networks = member_network_ids(user)
    by_role = NetworkRole.objects.active().filter(network_id__in=networks, user=OuterRef("pk"))
    by_school = SchoolStaff.objects.filter(
        user=OuterRef("pk"),
        school__network_memberships__network_id__in=networks,
        school__network_memberships__left_at__isnull=True,
    )
    return Q(Exists(by_role)) | Q(Exists(by_school))


def _same_region_q(user: User) -> Q:
    regions = School.objects.filter(staff__user=user, region__isnull=False).values("region_id")
    return Q(Exists(SchoolStaff.objects.filter(user=OuterRef("pk"), school__region_id__in=regions)))


def people_visible_to(user: User) -> QuerySet[User]:
    """People whose profile `user` may see, by each person's own visibility setting."""
    if not user.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(is_active=True, profile__isnull=False)
    if user.is_superuser:
        return people
    return people.filter(
        Q(pk=user.pk)
        | Q(profile__visibility=Profile.Visibility.EVERYONE)
        | (
            Q(profile__visibility__in=[Profile.Visibility.NETWORKS, Profile.Visibility.REGION])
            & _shares_a_network_q(user)
        )
        | (Q(profile__visibility=Profile.Visibility.REGION) & _same_region_q(user))
    )


class Scope:
    ALL = ""
    NETWORKS = "networks"
    FAMILY = "family"


def people_search(
    user: User, *, query: str = "", scope: str = Scope.ALL, country: str = ""
) -> QuerySet[User]:
    """People `user` may see whose subjects, role, phases, offer or name match `query`.

    `scope` narrows to people in the user's networks, or to staff of the user's schools'
    families of similar schools. `country` (several countries installed) to staff of schools in that
    country, or with "other" in other countries than the user's own.
    """
    people = people_visible_to(user).select_related("profile")
    if query:
        people = people.filter(
            Q(profile__subjects__icontains=query)
            | Q(profile__job_title__icontains=query)
            | Q(profile__offer__icontains=query)
            | Q(profile__phases__icontains=query)
            | Q(full_name__icontains=query)
        )
    if scope == Scope.NETWORKS:
        people = people.filter(_shares_a_network_q(user))
    elif scope == Scope.FAMILY:
        own = School.objects.filter(staff__user=user).values("pk")
        family = FamilyMember.objects.filter(school_id__in=own).values("member_id")
        people = people.filter(Exists(SchoolStaff.objects.filter(user=OuterRef("pk"), school_id__in=family)))
    if country == borders.OTHER_COUNTRIES:
        readers = borders.reader_countries(user)
        staff = SchoolStaff.objects.filter(user=OuterRef("pk")).exclude(school__country_code__in=readers)
        people = people.filter(Exists(staff))
    elif country:
        people = people.filter(
            Exists(SchoolStaff.objects.filter(user=OuterRef("pk"), school__country_code=country))
        )
    return people.exclude(pk=user.pk).order_by("full_name", "pk")


def person_schools(person: User) -> list[School]:
    return list(School.objects.filter(staff__user=person).distinct().order_by("name"))


def person_networks(person: User, *, viewer: User) -> list[Network]:
    """The networks `person` belongs to that `viewer` may see."""
    return list(
        Network.objects.filter(pk__in=member_network_ids(person))
        .filter(networks_visible_q(viewer))
        .order_by("name")
    )


def connections_of(user: User) -> dict:
    base = Connection.objects.select_related("from_user", "to_user")
    return {
        "incoming": list(base.filter(to_user=user, status=Connection.Status.PENDING)),
        "outgoing": list(base.filter(from_user=user, status=Connection.Status.PENDING)),
        "connected": list(
            base.filter(Q(from_user=user) | Q(to_user=user), status=Connection.Status.ACCEPTED)
        ),
    }


def coordinated_networks(user: User) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return (
        Network.objects.filter(
            people_roles__user=user,
            people_roles__role=NetworkRole.Role.COORDINATOR,
            people_roles__ended_at__isnull=True,
        )
        .exclude(status=Network.Status.CLOSED)
        .order_by("name")
    )


def invitations_waiting(user: User) -> QuerySet[MembershipRequest]:
    """Invitations into networks for the schools `user` leads or administers, and for `user` as a
    partner organisation's person, waiting for their answer."""
    return (
        MembershipRequest.objects.filter(
            Q(school__in=schools_user_acts_for(user)) | Q(person=user)
            if user.is_authenticated
            else Q(pk__in=[]),
            kind=MembershipRequest.Kind.INVITE,
            status=MembershipRequest.Status.PENDING,
        )
        .select_related("network", "school", "organisation")
        .order_by("-created_at", "-pk")
    )


def asks_waiting(user: User) -> QuerySet[MembershipRequest]:
    """Asks to join the networks `user` coordinates (a school's or one person's), waiting for a decision."""
    coordinated = (
        NetworkRole.objects.active().filter(user=user, role=NetworkRole.Role.COORDINATOR).values("network_id")
    )
    return (
        MembershipRequest.objects.filter(
            kind=MembershipRequest.Kind.ASK,
            status=MembershipRequest.Status.PENDING,
            network_id__in=coordinated,
        )
        .select_related("network", "school", "person")
        .order_by("-created_at", "-pk")
    )


def network_partners(school: School) -> QuerySet[School]:
    """The other schools of the open networks `school` is an active member of (its partners), by name."""
    networks = (
        Membership.objects.active().filter(school=school).exclude(network__status=Network.Status.CLOSED)
    )
    return (
        School.objects.filter(
            network_memberships__left_at__isnull=True,
            network_memberships__network_id__in=networks.values("network_id"),
        )
        .exclude(pk=school.pk)
        .distinct()
        .order_by("name")
    )


def organisation_networks(organisation, user: User) -> list[NetworkRole]:
    """The active roles of `organisation`'s people in the networks `user` may see (the organisation's
    page), each with its network and person."""
    return list(
        NetworkRole.objects.active()
        .filter(organisation=organisation, network__in=Network.objects.filter(networks_visible_q(user)))
        .select_related("network", "user")
        .order_by("network__name", "role", "pk")
    )


# Communities of communities (issue 23, item 5) ---------------------------------------------

MEMBER_NETWORKS_ON_PAGE = 10


def _visible_ids(user: User) -> QuerySet:
    return Network.objects.filter(networks_visible_q(user)).values("pk")


def member_networks(network: Network, user: User) -> QuerySet[NetworkLink]:
    """The active memberships of a community of communities whose member networks `user` may see
    (private ones they do not see are left out; `hidden_member_networks` counts them), by name."""
    return (
        NetworkLink.objects.active()
        .filter(parent=network, member__in=_visible_ids(user))
        .select_related("member__region")
        .order_by("member__name", "member__pk")
    )


def hidden_member_networks(network: Network, user: User) -> int:
    """How many member networks of a community of communities are private to `user`."""
    return NetworkLink.objects.active().filter(parent=network).exclude(member__in=_visible_ids(user)).count()


def parent_links(network: Network, user: User, *, is_coordinator: bool) -> list[NetworkLink]:
    """The communities of communities `network` belongs to that `user` may see, and (for its
    coordinators) the invitations into one waiting for their answer; one query, and one more for
    which of the communities `user` may see when the network belongs to any. (The visibility rule is
    a deep subquery that Django takes tens of milliseconds to build: issue 23's three-country
    benchmark found it was a third of every network page's time, most pages belonging to none.)"""
    statuses = [NetworkLink.Status.ACTIVE, *([NetworkLink.Status.INVITED] if is_coordinator else [])]
    links = list(
        NetworkLink.objects.filter(member=network, status__in=statuses)
        .select_related("parent", "invited_by")
        .order_by("parent__name", "pk")
    )
    parents = {link.parent_id for link in links if link.status == NetworkLink.Status.ACTIVE}
    seen = set(_visible_ids(user).filter(pk__in=parents).values_list("pk", flat=True)) if parents else set()
    return [link for link in links if link.status == NetworkLink.Status.INVITED or link.parent_id in seen]


def links_summary(network: Network, user: User, *, is_coordinator: bool) -> dict:
    """What a network's page shows of communities of communities: the first member networks (of a
    community of communities) and the communities it belongs to. One query, two for a community."""
    summary: dict = {"parents": parent_links(network, user, is_coordinator=is_coordinator)}
    if network.has_member_networks:
        first = list(member_networks(network, user)[: MEMBER_NETWORKS_ON_PAGE + 1])
        summary["members"] = first[:MEMBER_NETWORKS_ON_PAGE]
        summary["more_members"] = len(first) > MEMBER_NETWORKS_ON_PAGE
    return summary


def invitations_sent(network: Network) -> QuerySet[NetworkLink]:
    """The networks a community of communities has invited, waiting for their answer."""
    return (
        NetworkLink.objects.filter(parent=network, status=NetworkLink.Status.INVITED)
        .select_related("member", "invited_by")
        .order_by("invited_at", "pk")
    )


def link_history(network: Network, user: User) -> QuerySet[NetworkLink]:
    """Ended memberships, declined and withdrawn invitations, on either side of `network`, newest
    first (each only where `user` may see the other network)."""
    visible = _visible_ids(user)
    return (
        NetworkLink.objects.filter(
            status__in=[NetworkLink.Status.ENDED, NetworkLink.Status.DECLINED, NetworkLink.Status.WITHDRAWN]
        )
        .filter(Q(parent=network, member__in=visible) | Q(member=network, parent__in=visible))
        .select_related("parent", "member", "decided_by", "ended_by")
        .order_by("-invited_at", "-pk")
    )


def networks_to_invite(network: Network, user: User, *, query: str, limit: int = 20) -> list[Network]:
    """Networks `user` may see whose name holds `query`, that a community of communities could invite:
    not itself, not closed, not already a member or invited."""
    if not query:
        return []
    taken = NetworkLink.objects.open().filter(parent=network).values("member_id")
    return list(
        Network.objects.filter(networks_visible_q(user), name__icontains=query)
        .exclude(pk=network.pk)
        .exclude(status=Network.Status.CLOSED)
        .exclude(pk__in=taken)
        .select_related("region")
        .order_by("name", "pk")[:limit]
    )
