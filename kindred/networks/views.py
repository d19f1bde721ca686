"""Pages for networks: the directory, a network's page, membership, people roles and the rota."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred import countries
from kindred.accounts.access import Access, is_system_leader
from kindred.accounts.models import SchoolStaff, User
from kindred.core.actions import confirmation_page, confirmed, form_status, problem_page, refusal_shown
from kindred.engine.rota import spread_dates
from kindred.evidence.charts import school_map
from kindred.networks import borders, forms, rota, selectors, services
from kindred.networks.access import (
    may_moderate_group,
    membership_for_ending,
    network_access,
    network_for_user,
    network_with_access,
    request_for_deciding,
    role_for_ending,
    schools_user_acts_for,
)
from kindred.networks.models import (
    FormalRequest,
    Membership,
    MembershipRequest,
    Network,
    NetworkRole,
    RotaTurn,
)
from kindred.networks.panels import panels_render
from kindred.schools.models import School

PAGE_SIZE = 25


def _back_to(network: Network) -> dict:
    """The way back from the problem page: the network's page."""
    return {"back": network.get_absolute_url(), "back_label": _("Back to the network")}


def _may_create(user: User) -> bool:
    return user.is_superuser or is_system_leader(user) or schools_user_acts_for(user).exists()


def _may_start_group(user: User) -> bool:
    """Any member of staff may start an informal group, of the kinds the installation allows."""
    return bool(services.group_kinds()) and SchoolStaff.objects.filter(user=user).exists()


def _what_may_be_started(user: User) -> tuple[bool, bool, bool]:
    """(starts a network, starts an informal group, sees the informal groups under them) for the
    directory, in two queries."""
    leader = user.is_superuser or is_system_leader(user)
    roles = set(SchoolStaff.objects.filter(user=user).values_list("role", flat=True))
    acts_for_a_school = bool(roles & {SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR})
    may_create = leader or acts_for_a_school
    may_start_group = not may_create and bool(roles) and bool(services.group_kinds())
    return may_create, may_start_group, leader or acts_for_a_school


@require_GET
@login_required
def directory(request):
    """Every network the person may see, searchable and filtered, with their own networks first."""
    form = forms.DirectoryForm(request.GET or None, region_label=countries.profile().word("Region"))
    filters = form.cleaned_data if form.is_valid() else {}
    networks = selectors.network_directory(
        request.user,
        query=filters.get("q", ""),
        kind=filters.get("kind", ""),
        region=filters["region"].pk if filters.get("region") else None,
        phase=filters.get("phase", ""),
        subject=filters.get("subject", ""),
        has_room=filters.get("has_room", False),
        country=filters.get("country", ""),
        language=filters.get("language", ""),
    )
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    yours = list(selectors.your_networks(request.user))
    page.object_list = borders.with_countries(selectors.with_member_counts(list(page.object_list)))
    # Counted once for both lists: a network whose invitations wait is forming, not empty.
    invited = selectors.invited_counts(sorted({n.pk for n in page.object_list} | {n.pk for n in yours}))
    for network in [*page.object_list, *yours]:
        network.invited_count = invited.get(network.pk, 0)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    may_create, may_start_group, may_see_groups = _what_may_be_started(request.user)
    return render(
        request,
        "networks/directory.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters and any(filters.values())),
            "your_networks": yours,
            "may_create": may_create,
            "may_start_group": may_start_group,
            "may_see_groups": may_see_groups,
            "querystring_without_page": query.urlencode() + "&" if query else "",
            "several_countries": countries.several(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    if not _may_create(request.user):
        if _may_start_group(request.user):
            return _group_start(request)
        raise PermissionDenied("Only staff of a school, system leaders and administrators start networks.")
    form = forms.NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusal_shown(form) as attempt:
            network = services.network_create(
                name=data.pop("name"),
                kind=data.pop("kind"),
                region=data.pop("region"),
                by=request.user,
                **data,
            )
        if attempt.ok:
            messages.success(request, _("The network is ready; you are its coordinator."))
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form}, status=form_status(form))


def _group_start(request):
    """The same page for a teacher: an informal group, of the kinds the installation allows."""
    form = forms.GroupForm(request.POST or None, kinds=services.group_kinds())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusal_shown(form) as attempt:
            network = services.group_start(
                name=data.pop("name"), kind=data.pop("kind"), by=request.user, **data
            )
        if attempt.ok:
            messages.success(
                request, _("The group is ready; you coordinate it. The leaders over its members can see it.")
            )
            return redirect(network)
    return render(
        request, "networks/network_form.html", {"form": form, "group": True}, status=form_status(form)
    )


@require_GET
@login_required
def groups(request):
    """The informal groups a leader is over (a system leader's area, a school leader's staff; a
    site administrator: all), those asking to become formal networks first."""
    user = request.user
    if not (user.is_superuser or is_system_leader(user) or schools_user_acts_for(user).exists()):
        raise PermissionDenied("Only leaders see the informal groups of the staff they lead.")
    page = Paginator(selectors.groups_for_leader(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_member_counts(list(page.object_list))
    return render(request, "networks/groups.html", {"page_obj": page})


@require_POST
@login_required
def group_formal_request(request, pk: int):
    network = network_for_user(request.user, pk, write=True)
    form = forms.FormalRequestForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request) as attempt:
        services.group_formal_request(network=network, by=request.user, message=form.cleaned_data["message"])
    if attempt.ok:
        messages.success(request, _("The leaders over the group's members have been asked."))
    return redirect(network)


@require_POST
@login_required
def group_formal_decide(request, pk: int):
    network = network_for_user(request.user, pk)
    if not may_moderate_group(request.user, network):
        raise PermissionDenied("Only the leaders over the group's members decide this.")
    form = forms.FormalDecisionForm(request.POST)
    if not form.is_valid():
        return problem_page(request, _("Choose approve or decline."), **_back_to(network))
    approve = form.cleaned_data["decision"] == "approve"
    with refusal_shown(request) as attempt:
        services.group_formal_decide(
            network=network, by=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    if attempt.ok:
        messages.success(
            request, _("It is a formal network now.") if approve else _("It stays an informal group.")
        )
    return redirect(network)


@require_POST
@login_required
def group_close(request, pk: int):
    """Close an informal group: its coordinator or a leader over its members, after confirming."""
    network, access = network_with_access(request.user, pk)
    if access < Access.WRITE and not may_moderate_group(request.user, network):
        raise PermissionDenied("Only the group's coordinators and the leaders over its members close it.")
    form = forms.GroupCloseForm(request.POST)
    if not confirmed(request) or not form.is_valid():
        return confirmation_page(
            request,
            question=_("Close %(group)s?") % {"group": network.name},
            consequence=_(
                "Nobody can join it or post on its board any more; its members still read what was said."
            ),
            button=_("Close the group"),
            back=network.get_absolute_url(),
            back_label=_("No, keep it open"),
            keep=("reason",),
        )
    with refusal_shown(request) as attempt:
        services.group_close(network=network, by=request.user, reason=form.cleaned_data["reason"])
    if attempt.ok:
        messages.success(request, _("The group is closed."))
    return redirect(network)


@require_GET
@login_required
def detail(request, pk: int):
    network, access = network_with_access(request.user, pk)
    network.viewer_access = access  # the panels below read it rather than asking again
    is_coordinator = access == Access.WRITE
    page = selectors.network_page(network, request.user, is_coordinator=is_coordinator)
    # Several countries installed: each member school in its own country's words, and the countries
    # the network spans (networks/borders.py); one country: nothing changes.
    borders.members_in_words(page.members)
    spanned = (
        borders.in_installation_order(m.school.country_code for m in page.members)
        if countries.several()
        else []
    )
    member_ids = {m.school_id for m in page.members}
    pending_ids = {r.school_id for r in page.own_requests}
    can_ask = [s for s in page.own_schools if s.pk not in member_ids and s.pk not in pending_ids]
    is_member = is_coordinator or page.is_member
    moderates = may_moderate_group(request.user, network)
    formal_requests = selectors.formal_requests(network) if network.informal or network.started_by_id else []
    return render(
        request,
        "networks/detail.html",
        {
            "network": network,
            "page": page,
            # schools invited that have not answered (a published run's, a coordinator's): not empty
            "invited_count": selectors.invited_counts([network.pk]).get(network.pk, 0),
            "country_names": borders.country_names(spanned),
            "is_international": len(spanned) > 1,
            "is_coordinator": is_coordinator,
            "may_moderate_group": moderates,
            "close_form": forms.GroupCloseForm() if network.informal else None,
            "formal_requests": formal_requests,
            "formal_waiting": any(r.status == FormalRequest.Status.PENDING for r in formal_requests),
            "formal_request_form": forms.FormalRequestForm(auto_id="formal_%s")
            if network.informal and is_coordinator
            else None,
            "formal_decision_form": forms.FormalDecisionForm(auto_id="decide_%s") if moderates else None,
            "map": school_map(page.map_points, title=_("Where the member schools are"), width=360, height=280)
            if page.map_points
            else None,
            "ask_form": forms.AskToJoinForm(schools=School.objects.filter(pk__in=[s.pk for s in can_ask]))
            if can_ask and network.status != Network.Status.CLOSED and network.wants_members
            else None,
            "personal_ask_form": forms.PersonalAskForm()
            if not can_ask
            and network.wants_members
            and not is_member
            and not page.own_person_request
            and network.status != Network.Status.CLOSED
            else None,
            # Built once, not per row: the page lists every member school (see the benchmark).
            "members_url": f"{network.get_absolute_url()}members/",
            "schools_url": reverse("school_detail", args=["0"])[:-2],
            "people_url": reverse("networks:people"),
            "school_roles": Membership.Role.choices,
            "people_roles": forms.STAFF_ROLES,
            "partner_roles": forms.PARTNER_ROLE_CHOICES,
            # Communities of communities (issue 23, item 5): its member networks, the ones it is in.
            "links": selectors.links_summary(network, request.user, is_coordinator=is_coordinator),
            # What the apps inside a network (the board, ...) show on its page (networks/panels.py).
            "panels": panels_render(request, network),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk: int):
    network = network_for_user(request.user, pk, write=True)
    instance = Network.objects.get(pk=network.pk)
    form = (
        forms.GroupForm(
            request.POST or None, instance=instance, kinds=services.group_kinds() or [network.kind]
        )
        if network.informal
        else forms.NetworkForm(request.POST or None, instance=instance)
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.network_update(network=network, by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("Saved."))
            return redirect(network)
    return render(
        request,
        "networks/network_form.html",
        {"form": form, "network": network},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def join(request, pk: int):
    """Ask to join: a school leader or administrator for their school, anyone else for themself."""
    network = network_for_user(request.user, pk)
    schools = schools_user_acts_for(request.user).exclude(
        pk__in=network.memberships.active().values("school_id")
    )
    form = forms.AskToJoinForm(request.POST or None, schools=schools) if schools.exists() else None
    personal = forms.PersonalAskForm(request.POST or None) if form is None else None
    if request.method == "POST" and (form or personal).is_valid():
        data = (form or personal).cleaned_data
        with refusal_shown(form or personal) as attempt:
            services.membership_request_create(
                network=network,
                school=data.get("school"),
                person=None if form else request.user,
                kind=MembershipRequest.Kind.ASK,
                by=request.user,
                message=data["message"],
            )
        if attempt.ok:
            messages.success(request, _("Your request has gone to the network's coordinators."))
            return redirect(network)
    errors = (form or personal).errors
    return render(
        request,
        "networks/join.html",
        {"network": network, "form": form or personal, "for_school": form is not None},
        status=400 if errors else 200,
    )


@require_POST
@login_required
def request_decide(request, pk: int, request_pk: int):
    """A coordinator decides a school's ask; an invited school's leader decides an invitation."""
    network = network_for_user(request.user, pk)
    membership_request = request_for_deciding(request.user, network, request_pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return problem_page(request, _("Choose approve or decline."), **_back_to(network))
    with refusal_shown(request):
        services.membership_request_decide(
            request=membership_request, approve=form.cleaned_data["decision"] == "approve", by=request.user
        )
    return redirect(network)


@require_POST
@login_required
def invite(request, pk: int):
    network = network_for_user(request.user, pk, write=True)
    form = forms.InviteSchoolForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request) as attempt:
        services.membership_request_create(
            network=network,
            school=form.cleaned_data["school"],
            kind=MembershipRequest.Kind.INVITE,
            role=form.cleaned_data["role"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
    if attempt.ok:
        messages.success(request, _("The school's leaders will find the invitation on this page."))
    return redirect(network)


def _membership(request, pk: int, membership_pk: int) -> tuple[Network, Membership]:
    """An active membership that the user may end: a coordinator, or the school's own leader."""
    network = network_for_user(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("school"), network=network, pk=membership_pk
    )
    return network, membership_for_ending(request.user, network, membership)


@require_POST
@login_required
def leave(request, pk: int, membership_pk: int):
    network, membership = _membership(request, pk, membership_pk)
    form = forms.LeaveForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request) as attempt:
        services.membership_end(membership=membership, reason=form.cleaned_data["reason"], by=request.user)
    if attempt.ok:
        messages.success(request, _("%(school)s has left the network.") % {"school": membership.school.name})
    return redirect(network)


@require_POST
@login_required
def replace(request, pk: int, membership_pk: int):
    network = network_for_user(request.user, pk, write=True)
    membership = get_object_or_404(Membership, network=network, pk=membership_pk)
    form = forms.ReplaceForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request) as attempt:
        services.membership_replace(
            membership=membership,
            school=form.cleaned_data["school"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    if attempt.ok:
        messages.success(
            request,
            _("%(left)s has left. %(school)s is invited to take its place and joins when its leaders accept.")
            % {"left": membership.school.name, "school": form.cleaned_data["school"].name},
        )
    return redirect(network)


@require_POST
@login_required
def membership_role(request, pk: int, membership_pk: int):
    """A coordinator changes a member school's role (lead, member, mentor, mentee)."""
    network = network_for_user(request.user, pk, write=True)
    membership = get_object_or_404(Membership.objects.active(), network=network, pk=membership_pk)
    form = forms.SchoolRoleForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request):
        services.membership_role_change(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    return redirect(network)


@require_POST
@login_required
def partner_invite(request, pk: int):
    """A coordinator invites one of a partner organisation's people, as partner, expert or facilitator."""
    network = network_for_user(request.user, pk, write=True)
    form = forms.PartnerInviteForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request) as attempt:
        services.partner_invite(
            network=network,
            person=form.cleaned_data["person"],
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
    if attempt.ok:
        messages.success(request, _("The invitation waits for them on this page."))
    return redirect(network)


@require_POST
@login_required
def person_add(request, pk: int):
    network = network_for_user(request.user, pk, write=True)
    form = forms.PersonRoleForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
    if person is None:
        messages.error(request, _("Nobody with that e-mail address uses Kindred yet."))
        return redirect(network)
    with refusal_shown(request):
        services.network_role_add(
            network=network,
            user=person,
            role=form.cleaned_data["role"],
            school=form.cleaned_data["school"],
            by=request.user,
        )
    return redirect(network)


@require_POST
@login_required
def person_end(request, pk: int, role_pk: int):
    """A coordinator (or a leader over an informal group's members) removes a person's role, or the
    person steps down themself."""
    network = network_for_user(request.user, pk)
    role = get_object_or_404(NetworkRole.objects.active().select_related("user"), network=network, pk=role_pk)
    role_for_ending(request.user, network, role)
    with refusal_shown(request):
        services.network_role_end(network_role=role, by=request.user)
    return redirect(network)


# The rota -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rota_page(request, pk: int):
    """The whole rota, held turns first; coordinators generate a year's rota here."""
    network, access = network_with_access(request.user, pk)
    is_coordinator = access == Access.WRITE
    form = forms.RotaForm(request.POST or None) if is_coordinator or request.method == "POST" else None
    if request.method == "POST":
        network_for_user(request.user, pk, write=True)
        if form.is_valid():
            data = form.cleaned_data
            dates = spread_dates(data["first"], data["last"], data["meetings"], weekday=data["weekday"])
            with refusal_shown(form) as attempt:
                rota.rota_generate(
                    network=network, school_year=data["school_year"], dates=dates, by=request.user
                )
            if attempt.ok:
                messages.success(request, _("The rota is ready."))
                return redirect("networks:rota", pk=network.pk)
    members = School.objects.filter(
        network_memberships__network=network, network_memberships__left_at__isnull=True
    )
    if not is_coordinator:
        members = members.filter(pk__in=schools_user_acts_for(request.user).values("pk"))
    turns = list(selectors.rota_turns(network))
    return render(
        request,
        "networks/rota.html",
        {
            "network": network,
            "is_coordinator": is_coordinator,
            "turns": turns,
            "form": form,
            "block_form": forms.BlockDateForm(schools=members)
            if is_coordinator or members.exists()
            else None,
            "blocked": network.blocked_dates.select_related("school"),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _turn(request, pk: int, turn_pk: int) -> tuple[Network, RotaTurn]:
    network = network_for_user(request.user, pk, write=True)
    return network, get_object_or_404(RotaTurn.objects.select_related("school"), network=network, pk=turn_pk)


@require_POST
@login_required
def rota_swap(request, pk: int, turn_pk: int):
    network, turn = _turn(request, pk, turn_pk)
    form = forms.SwapForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    other = get_object_or_404(RotaTurn, network=network, pk=form.cleaned_data["other"])
    with refusal_shown(request):
        rota.rota_swap(turn=turn, other=other, by=request.user)
    return redirect("networks:rota", pk=network.pk)


@require_POST
@login_required
def rota_skip(request, pk: int, turn_pk: int):
    network, turn = _turn(request, pk, turn_pk)
    with refusal_shown(request):
        rota.rota_skip(turn=turn, by=request.user, reason=request.POST.get("reason", ""))
    return redirect("networks:rota", pk=network.pk)


@require_POST
@login_required
def rota_block(request, pk: int):
    """A coordinator, or a member school's own leader, marks a date the school cannot do."""
    network = network_for_user(request.user, pk)
    members = School.objects.filter(
        network_memberships__network=network, network_memberships__left_at__isnull=True
    )
    if network_access(request.user, network) < Access.WRITE:
        members = members.filter(pk__in=schools_user_acts_for(request.user).values("pk"))
        if not members.exists():
            raise PermissionDenied("Only coordinators and member schools' leaders can block dates.")
    form = forms.BlockDateForm(request.POST, schools=members)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    with refusal_shown(request):
        rota.rota_block_date(
            network=network,
            school=form.cleaned_data["school"],
            date=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    return redirect("networks:rota", pk=network.pk)
