"""Partner organisations' pages (issue 23, item 4): the list and one organisation's page, composing
accounts (the organisation, its people), networks (where it takes part) and events (what it hosts)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kindred.accounts.access import organisation_for_user, sees_organisation_people
from kindred.accounts.models import Organisation
from kindred.events.selectors import occurrence_url, organisation_events
from kindred.networks.selectors import organisation_networks
from kindred.offers.models import Offer

PAGE_SIZE = 25


@require_GET
@login_required
def organisations(request):
    """Every partner organisation, by name (anyone signed in)."""
    found = Organisation.objects.select_related("region").order_by("name", "pk")
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        found = found.filter(kind=kind)
    return render(
        request,
        "pages/organisations.html",
        {
            "page_obj": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "kinds": Organisation.Kind.choices,
            "kind": kind,
            "querystring_without_page": f"kind={kind}&" if kind else "",
        },
    )


@require_GET
@login_required
def organisation(request, pk: int):
    """An organisation: what it offers, the networks it takes part in and the events it hosts, as far
    as the viewer may see them; its people, for themselves and site administrators."""
    found = organisation_for_user(request.user, pk)
    events = organisation_events(request.user, found, now=timezone.now())
    return render(
        request,
        "pages/organisation.html",
        {
            "organisation": found,
            "roles": organisation_networks(found, request.user),
            "events": [(entry, occurrence_url(entry.event.pk, entry.occurrence)) for entry in events],
            "offers": found.offers.filter(status=Offer.Status.OPEN).order_by("-created_at", "-pk"),
            "people": found.people.select_related("user").order_by("user__full_name", "pk")
            if sees_organisation_people(request.user, found)
            else None,
        },
    )
