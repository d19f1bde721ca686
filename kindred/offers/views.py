"""Offers and requests: the open lists, a request's ranked suggestions, proposing and accepting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kindred.accounts.models import Organisation
from kindred.core.actions import refusal_shown
from kindred.networks.access import may_act_for_school, schools_user_acts_for
from kindred.offers import selectors, services
from kindred.offers.models import Match, Offer, SupportRequest


def _school(request):
    school = schools_user_acts_for(request.user).filter(pk=request.POST.get("school") or 0).first()
    if school is None:
        raise ValidationError(_("Choose a school you lead or administer."))
    return school


def _organisations(user):
    """The partner organisations `user` is one of the people of (they offer expertise for them)."""
    return Organisation.objects.filter(people__user=user).order_by("name")


def _offerer(request) -> dict:
    """Whose offer the form makes: one of the person's organisations, or one of their schools."""
    if request.POST.get("organisation"):
        organisation = _organisations(request.user).filter(pk=request.POST["organisation"]).first()
        if organisation is None:
            raise ValidationError(_("Choose an organisation you belong to."))
        return {"organisation": organisation}
    return {"school": _school(request)}


@require_GET
@login_required
def index(request):
    offers = Offer.objects.filter(status=Offer.Status.OPEN).select_related("school", "organisation")
    requests_ = SupportRequest.objects.filter(status=SupportRequest.Status.OPEN).select_related("school")
    return render(
        request,
        "offers/index.html",
        {
            "offers": Paginator(offers, 25).get_page(request.GET.get("page")),
            "requests": requests_[:50],
            "my_schools": schools_user_acts_for(request.user),
            "my_organisations": _organisations(request.user),
            "formats": Offer.Format.choices,
            "domains": selectors.domain_suggestions(),
            "my_matches": Match.objects.filter(
                offer__school__in=schools_user_acts_for(request.user), offerer_agreed_at__isnull=True
            ).select_related("request__school", "offer"),
        },
    )


@require_POST
@login_required
def offer_create(request):
    try:
        services.offer_create(
            **_offerer(request),
            domain=request.POST.get("domain", ""),
            format=request.POST.get("format", ""),
            capacity=int(request.POST.get("capacity") or 1),
            description=request.POST.get("description", ""),
            by=request.user,
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Your offer is open."))
    return redirect("offers:index")


@require_POST
@login_required
def request_create(request):
    from django.utils.dateparse import parse_date

    try:
        created = services.request_create(
            school=_school(request),
            domain=request.POST.get("domain", ""),
            needs=request.POST.get("needs", ""),
            by_date=parse_date(request.POST.get("by_date") or "") if request.POST.get("by_date") else None,
            by=request.user,
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("offers:index")
    return redirect(created)


@require_GET
@login_required
def request_detail(request, pk: int):
    support = get_object_or_404(SupportRequest.objects.select_related("school"), pk=pk)
    mine = may_act_for_school(request.user, support.school)
    return render(
        request,
        "offers/request_detail.html",
        {
            "support": support,
            "mine": mine,
            "suggestions": selectors.suggestions(support) if mine else [],
            "matches": support.matches.select_related("offer__school", "network", "event"),
            "outcomes": Match.Outcome.choices,
        },
    )


@require_POST
@login_required
def match_propose(request, pk: int):
    support = get_object_or_404(SupportRequest, pk=pk)
    if not may_act_for_school(request.user, support.school):
        raise PermissionDenied("Only the requesting school proposes matches.")
    offer_id = request.POST.get("offer", "")
    offer = Offer.objects.filter(pk=int(offer_id)).first() if offer_id.isdigit() else None
    with refusal_shown(request) as attempt:
        if offer is None:
            raise ValidationError(_("Choose one of the suggested offers."))
        services.match_propose(
            request=support,
            offer=offer,
            outcome=request.POST.get("outcome") or "partnership",
            by=request.user,
        )
    if attempt.ok:
        messages.success(request, _("Proposed: the offering school will be asked to agree."))
    return redirect(support)


@require_POST
@login_required
def match_accept(request, pk: int):
    match = get_object_or_404(Match.objects.select_related("offer__school"), pk=pk)
    if not may_act_for_school(request.user, match.offer.school):
        raise PermissionDenied("Only the offering school accepts.")
    with refusal_shown(request) as attempt:
        match = services.match_accept(match=match, by=request.user)
    if not attempt.ok:
        return redirect("offers:index")
    messages.success(request, _("Agreed by both schools."))
    return redirect(match.network or match.event or "offers:index")
