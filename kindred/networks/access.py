"""Who may see and change a network: the one permission layer for networks (see accounts/access.py).

Who belongs to a network (`network_member_users`, `is_network_member`): every person holding an
active `NetworkRole` in it (coordinator, contact teacher, member), and every staff member
(`SchoolStaff`, any role) of a school with an active `Membership`. A school joining brings its
staff in; a school leaving takes them out; a person's own role outlasts neither rule.

| who                                          | sees a public network | sees a private one | changes it |
|----------------------------------------------|-----------------------|--------------------|------------|
| site administrator (superuser)               | yes                   | yes                | yes        |
| coordinator (active NetworkRole)             | yes                   | yes                | yes        |
| member (the rule above)                      | yes                   | yes                | no (403)   |
| system leader whose region is the network's  | yes                   | yes                | no (403)   |
| leader over an informal group's member (`groups_led_q`: a system leader of the member's school's region or authority, the school's leader or administrator) | yes | yes | no (403); moderates (hides posts, removes members), closes, decides its request to become formal (`may_moderate_group`) |
| leader/administrator of an invited school    | yes                   | yes, to decide     | no (403)   |
| a partner organisation's invited person       | yes                   | yes, to decide     | no (403)   |
| partner, expert, facilitator (NetworkRole with an organisation) | yes (a member) | yes | no (403); never evidence on schools (accounts/access.py) |
| a person of a member network of a community of communities (its member networks, theirs, ... `reached_network_ids`) | yes | yes (the community of communities only: its page, board, calendar, plans) | no (403); reads its board, posts nothing there |
| coordinator of a network invited into a community of communities | yes       | yes, to decide     | no (403)   |
| anyone else signed in                        | yes                   | no (404)           | no (403)   |
| anonymous                                    | no (views send them to sign in)            | no         |
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access, leader_region_ids
from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.networks.models import (
    MOST_LINKS_DEEP,
    Membership,
    MembershipRequest,
    Network,
    NetworkLink,
    NetworkRole,
)
from kindred.schools.models import School


def member_network_ids(user: User) -> QuerySet:
    """Ids of the networks `user` belongs to (a subquery, not evaluated here).

    A UNION of the two ways in, not `pk IN (...) OR pk IN (...)`: PostgreSQL estimates an OR of two
    subqueries at three quarters of all networks (2,591 of 3,455 on the national trial, for a
    teacher in one), and planned every page's query around that: the unread count walked every
    network's posts, the calendar read every event and every school (issue #26). The union is
    estimated at the rows it holds, so each query starts from the person's few networks.
    """
    by_role, by_school = _member_networks(user)
    return Network.objects.filter(pk__in=by_role.union(by_school)).values("pk")


def _member_networks(user: User) -> tuple[QuerySet, QuerySet]:
    """The two ways into a network (member_network_ids), each the network ids as a subquery."""
    by_role = NetworkRole.objects.active().filter(user=user).values("network_id").order_by()
    by_school = Membership.objects.active().filter(school__staff__user=user).values("network_id").order_by()
    return by_role, by_school


def _parents_of(network_ids: QuerySet) -> list[QuerySet]:
    """The communities of communities above the networks in `network_ids` (a subquery of ids), one
    subquery of parent ids per level, up to MOST_LINKS_DEEP levels (the deepest a link may make)."""
    levels = []
    below = network_ids
    for _level in range(MOST_LINKS_DEEP):
        level = NetworkLink.objects.active().filter(member_id__in=below).values("parent_id").order_by()
        levels.append(level)
        below = level
    return levels


def reached_network_ids(user: User) -> QuerySet:
    """Ids of the networks whose boards `user` reads as a member reads (a subquery): the networks they
    belong to (`member_network_ids`) and the communities of communities above them, at every level
    (issue 23, item 5). Only the first ones take their posts; an announcement of a community of
    communities reaches them through the second (unread counts, digests, the board's list)."""
    by_role, by_school = _member_networks(user)
    parents = _parents_of(Network.objects.filter(pk__in=by_role.union(by_school)).values("pk"))
    return Network.objects.filter(pk__in=by_role.union(by_school, *parents)).values("pk")


def ancestor_ids(network: Network) -> QuerySet:
    """Ids of the communities of communities `network` is a member of, at every level (a subquery)."""
    first, *rest = _parents_of(Network.objects.filter(pk=network.pk).values("pk"))
    return Network.objects.filter(pk__in=first.union(*rest)).values("pk")


def descendant_ids(network: Network) -> list[int]:
    """Ids of the member networks of a community of communities, theirs, ... (each once; in the
    order they were reached, nearest first). One query per level, MOST_LINKS_DEEP at most."""
    found: list[int] = []
    seen = {network.pk}
    level = [network.pk]
    for _level in range(MOST_LINKS_DEEP):
        if not level:
            break
        below = NetworkLink.objects.active().filter(parent_id__in=level).values_list("member_id", flat=True)
        level = [pk for pk in dict.fromkeys(below) if pk not in seen]
        seen.update(level)
        found.extend(level)
    return found


def is_reached_through_links(user: User, network: Network) -> bool:
    """Whether `user` belongs to a network below the community of communities `network` (at any
    level): they read it, its board, calendar and plans, and post nothing on its board."""
    if network.kind != Network.Kind.NETWORKS or not user.is_authenticated:
        return False
    below = [network.pk]
    levels = []
    for _level in range(MOST_LINKS_DEEP):
        level = NetworkLink.objects.active().filter(parent_id__in=below).values("member_id").order_by()
        levels.append(level)
        below = level
    first, *rest = levels
    return Network.objects.filter(pk__in=member_network_ids(user)).filter(pk__in=first.union(*rest)).exists()


def _regional_networks_q(user: User) -> Q | None:
    """Networks in the regions the user's regional roles cover."""
    region_ids = leader_region_ids(user)
    if not region_ids:
        return None
    return Q(region_id__in=region_ids)


def _schools_led(user: User) -> QuerySet:
    """Ids of the schools `user` is a leader over (a subquery, not evaluated here): those of the
    regions and authorities of their regional roles (as `accounts.access.regional_schools_q`: an
    authority's leader is over its own schools) and those they lead or administer
    (`schools_user_acts_for`)."""
    regional = RegionalRole.objects.filter(user=user)
    leads = SchoolStaff.objects.filter(
        user=user, role__in=[SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR]
    )
    return School.objects.filter(
        Q(region_id__in=regional.filter(region__isnull=False).values("region_id"))
        | Q(
            local_authority_id__in=regional.filter(local_authority__isnull=False).values("local_authority_id")
        )
        | Q(pk__in=leads.values("school_id"))
    ).values("pk")


def _groups_led(user: User) -> list[QuerySet]:
    """The two ways a leader is over an informal group, each the group ids as a subquery: a person
    with an active role in it works at a school they lead; a school they lead is a member of it."""
    led = _schools_led(user)
    by_people = (
        NetworkRole.objects.active()
        .filter(network__informal=True, user__school_roles__school__in=led)
        .values("network_id")
        .order_by()
    )
    by_schools = (
        Membership.objects.active()
        .filter(network__informal=True, school__in=led)
        .values("network_id")
        .order_by()
    )
    return [by_people, by_schools]


def groups_led_q(user: User) -> Q:
    """A filter on Network for the informal groups `user` is a leader over (site administrators: all).

    A leader is over a group when one of its members is at a school they lead: a person with an
    active role in it who is on a school's staff, or a member school. Neither the group's founder
    nor its coordinators are leaders over it by that role (they run it; they moderate nothing more
    than a coordinator of a formal network does, and see no school's private area)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(informal=True)
    by_people, by_schools = _groups_led(user)
    return Q(informal=True, pk__in=by_people.union(by_schools))


def may_moderate_group(user: User, network: Network) -> bool:
    """Whether `user` is a leader over an informal group's members (or a site administrator): they
    see it, hide its posts, remove its members, close it and decide its request to become a formal
    network."""
    if not network.informal or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Network.objects.filter(groups_led_q(user), pk=network.pk).exists()


def networks_visible_q(user: User) -> Q:
    """A filter on Network for the networks `user` may see (nothing for anonymous visitors)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    # One UNION of the networks the person belongs to and the informal groups they are a leader over
    # (see member_network_ids for why a union), so these add no query and no OR of subqueries.
    by_role, by_school = _member_networks(user)
    parents = _parents_of(Network.objects.filter(pk__in=by_role.union(by_school)).values("pk"))
    ids = by_role.union(by_school, *_groups_led(user), *parents)
    condition = Q(visibility=Network.Visibility.PUBLIC) | Q(
        pk__in=Network.objects.filter(pk__in=ids).values("pk")
    )
    regional = _regional_networks_q(user)
    return condition | regional if regional is not None else condition


def is_coordinator(user: User, network: Network) -> bool:
    return bool(
        user.is_authenticated
        and NetworkRole.objects.active()
        .filter(network=network, user=user, role=NetworkRole.Role.COORDINATOR)
        .exists()
    )


def is_network_member(user: User, network: Network) -> bool:
    """Whether `user` belongs to `network` (see the module docstring for the rule)."""
    if not user.is_authenticated:
        return False
    if NetworkRole.objects.active().filter(network=network, user=user).exists():
        return True
    return Membership.objects.active().filter(network=network, school__staff__user=user).exists()


def network_member_users(network: Network) -> QuerySet[User]:
    """The active people who belong to `network`, each once (see the module docstring)."""
    has_role = NetworkRole.objects.active().filter(network=network, user=OuterRef("pk"))
    at_member_school = SchoolStaff.objects.filter(
        user=OuterRef("pk"),
        school__network_memberships__network=network,
        school__network_memberships__left_at__isnull=True,
    )
    return User.objects.filter(is_active=True).filter(Exists(has_role) | Exists(at_member_school))


def network_access(user: User, network: Network) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.is_superuser or is_coordinator(user, network):
        return Access.WRITE
    if network.visibility == Network.Visibility.PUBLIC or is_network_member(user, network):
        return Access.READ
    if network.region_id is not None and network.region_id in leader_region_ids(user):
        return Access.READ
    if is_reached_through_links(user, network):
        return Access.READ  # a person of a network below a community of communities
    if may_moderate_group(user, network):
        return Access.READ  # a leader over an informal group's members
    if network.requests.filter(
        kind=MembershipRequest.Kind.INVITE,
        status=MembershipRequest.Status.PENDING,
        school__in=schools_user_acts_for(user),
    ).exists():
        return Access.READ  # the leader of an invited school reads the network to decide
    if network.requests.filter(
        kind=MembershipRequest.Kind.INVITE, status=MembershipRequest.Status.PENDING, person=user
    ).exists():
        return Access.READ  # an invited partner reads the network to decide
    if (
        network.kind == Network.Kind.NETWORKS
        and network.member_links.filter(
            status=NetworkLink.Status.INVITED,
            member__people_roles__user=user,
            member__people_roles__role=NetworkRole.Role.COORDINATOR,
            member__people_roles__ended_at__isnull=True,
        ).exists()
    ):
        return Access.READ  # an invited network's coordinator reads the community to decide
    return Access.NONE


def known_access(user: User, network: Network) -> Access:
    """`network_access`, reusing what `network_with_access` found for the same person and network
    object earlier in the request (a board's thread page asked twice: once to open the network,
    once whether the reader moderates it)."""
    seen = getattr(network, "_access_of", None)
    if seen is not None and seen[0] == user.pk:
        return seen[1]
    return network_access(user, network)


def network_for_user(user: User, pk: int, *, write: bool = False) -> Network:
    """The network if `user` may see it (or change it, with write=True).

    404 when it does not exist or is private and the user is no member; 403 when the user may
    only read and asked to write (only coordinators and site administrators change a network).
    """
    return network_with_access(user, pk, write=write)[0]


def network_with_access(user: User, pk: int, *, write: bool = False) -> tuple[Network, Access]:
    """`network_for_user`, also returning the access it found (pages that show coordinators more)."""
    network = get_object_or_404(Network.objects.select_related("region"), pk=pk)
    access = network_access(user, network)
    network._access_of = (user.pk, access)  # type: ignore[attr-defined]  # known_access reads it
    if access == Access.NONE:
        raise Http404("No such network.")
    if write and access < Access.WRITE:
        raise PermissionDenied("Only the network's coordinators can change this.")
    return network, access


def schools_user_acts_for(user: User) -> QuerySet[School]:
    """The schools whose leader or administrator `user` is: they may ask to join, accept
    invitations and leave on the school's behalf (site administrators: none by this rule)."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(
        staff__user=user,
        staff__role__in=[SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR],
    ).distinct()


def may_act_for_school(user: User, school: School) -> bool:
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or schools_user_acts_for(user).filter(pk=school.pk).exists()
    )


def request_for_deciding(user: User, network: Network, pk: int) -> MembershipRequest:
    """A request to join `network` (which `user` sees) that `user` may decide: a school's or a
    person's ask, by the network's coordinators (403 for its other readers); an invitation, by the
    invited school's leader or administrator (403 for anyone else). 404 if the network has none."""
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("school"), network=network, pk=pk
    )
    if membership_request.kind == MembershipRequest.Kind.INVITE and membership_request.person_id:
        # A partner organisation's person invited with a role: the person decides, no one else.
        if membership_request.person_id != user.pk:
            raise PermissionDenied("Only the invited person decides.")
    elif membership_request.kind == MembershipRequest.Kind.ASK or membership_request.person_id:
        if network_access(user, network) < Access.WRITE:
            raise PermissionDenied("Only the network's coordinators can change this.")
    elif not may_act_for_school(user, membership_request.school):
        raise PermissionDenied("Only the invited school's leader or administrator decides.")
    return membership_request


def membership_for_ending(user: User, network: Network, membership: Membership) -> Membership:
    """`membership` of `network` (which `user` sees), if `user` may end it: a coordinator, or the
    school's own leader or administrator; 403 for anyone else who sees the network."""
    if (
        network_access(user, network) < Access.WRITE
        and not may_act_for_school(user, membership.school)
        and not may_moderate_group(user, network)
    ):
        raise PermissionDenied("Only coordinators and the school's own leaders can do this.")
    return membership


def role_for_ending(user: User, network: Network, network_role: NetworkRole) -> NetworkRole:
    """A person's active role in `network` (which `user` sees), if `user` may end it: the person
    themself (stepping down), a coordinator, or a leader over an informal group's members (removing
    someone from the group); 403 for anyone else who sees the network."""
    if (
        network_role.user_id != user.pk
        and network_access(user, network) < Access.WRITE
        and not may_moderate_group(user, network)
    ):
        raise PermissionDenied("Only coordinators and the person themself can end this role.")
    return network_role


def link_for_deciding(user: User, network: Network, pk: int) -> NetworkLink:
    """An invitation of `network` (a network whose page `user` sees) into a community of
    communities, if `user` may accept or decline it: the invited network's coordinators (and site
    administrators); 403 for anyone else who sees it, 404 when it has no such invitation."""
    link = get_object_or_404(
        NetworkLink.objects.select_related("parent", "member"),
        member=network,
        pk=pk,
        status=NetworkLink.Status.INVITED,
    )
    if network_access(user, network) < Access.WRITE:
        raise PermissionDenied("Only the invited network's coordinators decide.")
    return link


def link_for_ending(user: User, network: Network, pk: int) -> NetworkLink:
    """An open link of `network` (either side: a member network of it, or a community it is in, or
    an invitation either way), if `user` may end or withdraw it: the coordinators of either side
    (and site administrators); 403 for anyone else who sees it, 404 when there is none."""
    link = get_object_or_404(
        NetworkLink.objects.open().select_related("parent", "member"),
        Q(parent=network) | Q(member=network),
        pk=pk,
    )
    if network_access(user, link.parent) < Access.WRITE and network_access(user, link.member) < Access.WRITE:
        raise PermissionDenied("Only the coordinators of either network can end this.")
    return link
