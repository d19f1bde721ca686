"""Advisory councils' pages (issue 23, item 6): the list, starting one, its page (members, invitations,
history, consultations), inviting, answering an invitation, ending a place, asking the members, and
publishing back a response that the members read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.access import organisations_led, regions_led
from kindred.core.actions import confirmation_page, confirmed, form_status, problem_page, refusal_shown
from kindred.networks.models import Membership, Network
from kindred.voice import access, selectors, services
from kindred.voice.forms import (
    CouncilConsultationForm,
    CouncilForm,
    CouncilInviteForm,
    PlaceEndForm,
    PublicationForm,
)
from kindred.voice.models import CouncilMember


@require_GET
@login_required
def council_list(request):
    led = selectors.councils_led(request.user)
    return render(
        request,
        "voice/council_list.html",
        {
            "led": led,
            "places": selectors.places_of(request.user),
            "may_start": organisations_led(request.user).exists() or regions_led(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def council_create(request):
    organisations, regions = list(organisations_led(request.user)), list(regions_led(request.user))
    if not organisations and not regions:
        raise PermissionDenied("A council is started by the leaders it advises.")
    form = CouncilForm(request.POST or None, organisations=organisations, regions=regions)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            council = services.council_create(by=request.user, **form.cleaned())
        if attempt.ok:
            return redirect(council)
    return render(request, "voice/council_form.html", {"form": form}, status=form_status(form))


def _community_choices(council):
    """The networks a member may speak for: those with member schools (of the region, for a
    region's council), not closed."""
    networks = Network.objects.exclude(status=Network.Status.CLOSED).filter(
        pk__in=Membership.objects.active().values("network_id")
    )
    if council.region_id is not None:
        networks = networks.filter(region_id=council.region_id)
    return networks.order_by("name")


def _council_page(request, council, *, invite_form=None, status=200):
    leader = services.leads_council(request.user, council)
    return render(
        request,
        "voice/council_detail.html",
        {
            "council": council,
            "leader": leader,
            "place": access.council_place(request.user, council),
            "page": selectors.council_page(council, leader=leader),
            "invite_form": invite_form
            or (CouncilInviteForm(networks=_community_choices(council)) if leader else None),
        },
        status=status,
    )


@require_GET
@login_required
def council_detail(request, pk: int):
    return _council_page(request, access.council_for_user(request.user, pk))


@require_POST
@login_required
def council_invite(request, pk: int):
    council = access.council_for_user(request.user, pk, write=True)
    form = CouncilInviteForm(request.POST, networks=_community_choices(council))
    if form.is_valid():
        with refusal_shown(form) as attempt:
            member = services.council_member_invite(
                council=council,
                person=form.cleaned_data["person"],
                school=form.cleaned_data["school"],
                network=form.cleaned_data["network"],
                message=form.cleaned_data["message"],
                by=request.user,
            )
        if attempt.ok:
            messages.success(request, _("%(person)s is invited.") % {"person": member.user})
            return redirect(council)
    return _council_page(request, council, invite_form=form, status=400)


@require_POST
@login_required
def place_answer(request, pk: int):
    member = access.place_for_user(request.user, pk)
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "decline"):
        return problem_page(
            request, _("Accept or decline the invitation."), back=member.council.get_absolute_url()
        )
    with refusal_shown(request) as attempt:
        services.council_invitation_answer(member=member, accept=decision == "accept", by=request.user)
    if attempt.ok:
        messages.success(
            request,
            _("Welcome to %(council)s.") % {"council": member.council}
            if decision == "accept"
            else _("You declined the invitation."),
        )
    if decision == "decline" and attempt.ok:
        return redirect("council_list")
    return redirect(member.council)


@require_POST
@login_required
def place_end(request, pk: int):
    member = access.place_for_user(request.user, pk, ending=True)
    own = member.user_id == request.user.pk
    form = PlaceEndForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, back=member.council.get_absolute_url())
    if not confirmed(request):
        if own:
            question = _("Leave %(council)s?") % {"council": member.council}
            consequence = _(
                "You will no longer be asked its consultations or read what its leaders publish. Your answers stay."
            )
            button = _("Leave the council")
        elif member.status == CouncilMember.Status.INVITED:
            question = _("Withdraw the invitation to %(person)s?") % {"person": member.user}
            consequence = _("They will no longer be able to accept it.")
            button = _("Withdraw the invitation")
        else:
            question = _("End %(person)s's place on %(council)s?") % {
                "person": member.user,
                "council": member.council,
            }
            consequence = _(
                "They will no longer be asked its consultations; their answers stay, and the council's history keeps the reason."
            )
            button = _("End their place")
        return confirmation_page(
            request,
            question=question,
            consequence=consequence,
            button=button,
            back=member.council.get_absolute_url(),
            keep=("reason",),
        )
    with refusal_shown(request) as attempt:
        services.council_member_end(member=member, by=request.user, reason=form.cleaned_data["reason"])
    if attempt.ok and own:
        messages.success(request, _("You left %(council)s.") % {"council": member.council})
        return redirect("council_list")
    return redirect(member.council)


@require_http_methods(["GET", "POST"])
@login_required
def council_consultation_create(request, pk: int):
    council = access.council_for_user(request.user, pk, write=True)
    form = CouncilConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            consultation = services.council_consultation_create(
                council=council, by=request.user, **form.cleaned_data
            )
        if attempt.ok:
            return redirect(consultation)
    return render(
        request,
        "voice/council_consultation_form.html",
        {"council": council, "form": form},
        status=form_status(form),
    )


@require_POST
@login_required
def consultation_publish(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, back=f"{consultation.get_absolute_url()}results/")
    with refusal_shown(request) as attempt:
        services.consultation_publish(
            consultation=consultation,
            text=form.cleaned_data["text"],
            with_results=form.cleaned_data["with_results"],
            by=request.user,
        )
    if attempt.ok:
        messages.success(request, _("Your response is published to the council's members."))
        return redirect("consultation_publication", pk=consultation.pk)
    return redirect("consultation_results", pk=consultation.pk)


@require_GET
@login_required
def consultation_publication(request, pk: int):
    """A council's consultation as its members read it: what the leaders published back, with the
    results when they chose, and the reader's own answers."""
    consultation = access.publication_for_user(request.user, pk)
    publication = selectors.publication_of(consultation)
    own = consultation.responses.filter(respondent=request.user).prefetch_related("answers__question").first()
    place = access.council_place(request.user, consultation.council)
    return render(
        request,
        "voice/consultation_publication.html",
        {
            "consultation": consultation,
            "council": consultation.council,
            "publication": publication,
            "results": selectors.published_results(consultation)
            if publication and publication.with_results
            else None,
            "answered": selectors.answered(consultation),
            "own": sorted(own.answers.all(), key=lambda a: (a.question.position, a.question.pk))
            if own
            else [],
            "place": place,
            "open": services.is_open(consultation),
            "leader": services.leads_council(request.user, consultation.council),
        },
    )
