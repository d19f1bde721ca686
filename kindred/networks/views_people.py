"""Pages for colleagues: profiles, finding people (and networks) by subject, connecting, inviting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.models import User
from kindred.core.actions import form_status, problem_page, refusal_shown
from kindred.networks import forms, selectors, services
from kindred.networks.models import Connection, NetworkRole, Profile

PAGE_SIZE = 25


def person_for_user(viewer: User, pk: int) -> User:
    """The person if `viewer` may see their profile (their own visibility setting); 404 otherwise."""
    person = selectors.people_visible_to(viewer).select_related("profile").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


@require_GET
@login_required
def people(request):
    """Find colleagues by subject (and the networks about it)."""
    form = forms.PeopleSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query, scope = data.get("q", ""), data.get("scope", "")
    found = selectors.people_search(request.user, query=query, scope=scope, country=data.get("country", ""))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    networks = selectors.network_directory(request.user, query=query)[:10] if query else []
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "networks/people.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "networks": networks,
            "has_profile": Profile.objects.filter(user=request.user).exists(),
            "querystring_without_page": params.urlencode() + "&" if params else "",
        },
    )


@require_GET
@login_required
def person(request, pk: int):
    person = person_for_user(request.user, pk)
    coordinated = selectors.coordinated_networks(request.user).exclude(
        people_roles__user=person, people_roles__ended_at__isnull=True
    )
    connection = Connection.objects.filter(from_user=request.user, to_user=person).first() or (
        Connection.objects.filter(from_user=person, to_user=request.user).first()
    )
    return render(
        request,
        "networks/person.html",
        {
            "person": person,
            "schools": selectors.person_schools(person),
            "networks": selectors.person_networks(person, viewer=request.user),
            "connection": connection,
            "connect_form": forms.ConnectForm() if connection is None and person != request.user else None,
            "invite_form": forms.InviteToNetworkForm(networks=coordinated) if coordinated.exists() else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request):
    instance = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = forms.ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.profile_update(user=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("Your profile is saved."))
            return redirect("networks:person", pk=request.user.pk)
    return render(request, "networks/profile_form.html", {"form": form}, status=form_status(form))


@require_POST
@login_required
def connect(request, pk: int):
    person = person_for_user(request.user, pk)
    form = forms.ConnectForm(request.POST)
    if form.is_valid():
        with refusal_shown(request) as attempt:
            services.connection_request(
                from_user=request.user, to_user=person, message=form.cleaned_data["message"]
            )
        if attempt.ok:
            messages.success(request, _("Your request to connect has been sent."))
    return redirect("networks:person", pk=person.pk)


@require_POST
@login_required
def invite_to_network(request, pk: int):
    """A coordinator invites a person they can see into one of the networks they coordinate."""
    person = person_for_user(request.user, pk)
    form = forms.InviteToNetworkForm(request.POST, networks=selectors.coordinated_networks(request.user))
    if not form.is_valid():
        return problem_page(request, form=form)
    with refusal_shown(request) as attempt:
        services.network_role_add(
            network=form.cleaned_data["network"], user=person, role=NetworkRole.Role.MEMBER, by=request.user
        )
    if attempt.ok:
        messages.success(
            request,
            _("%(person)s is now a member of %(network)s.")
            % {"person": person, "network": form.cleaned_data["network"]},
        )
    return redirect("networks:person", pk=person.pk)


@require_GET
@login_required
def connections(request):
    return render(request, "networks/connections.html", selectors.connections_of(request.user))


@require_POST
@login_required
def connection_decide(request, pk: int):
    connection = get_object_or_404(Connection, pk=pk, to_user=request.user)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.connection_decide(
                connection=connection, accept=form.cleaned_data["decision"] == "approve", by=request.user
            )
    return redirect("networks:connections")
