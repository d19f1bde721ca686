"""A region's programmes for its system leaders: the list, create and change, their networks, and a
programme's impact page (participation, effect) with the numbers behind it as CSV."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.brokering.access import leader_regions
from kindred.core.actions import confirmation_page, confirmed, form_status, problem_page, refusal_shown
from kindred.impact import costs as cost_reads
from kindred.impact import services
from kindred.impact.access import programme_for_user, programmes_for_user
from kindred.impact.exports import (
    COST_COLUMNS,
    EFFECT_COLUMNS,
    LEDGER_COLUMNS,
    NUMBER_COLUMNS,
    YEAR_COLUMNS,
    cost_rows,
    csv_download,
    ledger_rows,
    programme_numbers,
    stored_effect_rows,
    year_rows,
)
from kindred.impact.forms import CostForm, ProgrammeForm, ProgrammeNetworkForm, SurveyForm
from kindred.impact.ledger import ledger
from kindred.impact.models import Cost, Survey
from kindred.impact.pdf import pdf_download
from kindred.impact.selectors import stored_programme_effects, survey_results
from kindred.impact.value import programmes_compared, value_for_money
from kindred.impact.views import effect_rows
from kindred.networks.models import Network


def _costs_context(programme, networks=None) -> dict:
    """The programme's costs, with each network's beside its name, the currency they are in, and the value
    for money on each measure."""
    networks = list(programme.networks.order_by("name")) if networks is None else networks
    costs = cost_reads.programme_costs(programme=programme, networks=networks)
    return {
        "costs": costs,
        "value": value_for_money(programme=programme, networks=networks, costs=costs),
        "currency": settings.COST_CURRENCY,
        "network_costs": [{"network": n, "name": n.name, "cost": costs.networks[n.pk]} for n in networks],
    }


def _regions_or_403(user):
    regions = leader_regions(user)
    if not regions:
        raise PermissionDenied("Only system leaders keep programmes.")
    return regions


@require_GET
@login_required
def programme_list(request):
    _regions_or_403(request.user)
    programmes = list(programmes_for_user(request.user).prefetch_related("networks"))
    measures, compared = programmes_compared(programmes=programmes)
    rows = [
        {"programme": p.programme, "cost": p.cost, "cells": [p.rows.get(m.code) for m in measures]}
        for p in compared
    ]
    return render(
        request,
        "impact/programme_list.html",
        {
            "programmes": programmes,
            "measures": measures,
            "compared": rows,
            "currency": settings.COST_CURRENCY,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_create(request):
    regions = _regions_or_403(request.user)
    form = ProgrammeForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            programme = services.programme_create(by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("The programme is ready: add its networks."))
            return redirect(programme)
    return render(request, "impact/programme_form.html", {"form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request, pk: int):
    programme = programme_for_user(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, regions=[programme.region])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusal_shown(form) as attempt:
            programme = services.programme_update(
                programme=programme, by=request.user, name=data.pop("name"), kind=data.pop("kind"), **data
            )
        if attempt.ok:
            messages.success(request, _("Saved."))
            return redirect(programme)
    return render(
        request,
        "impact/programme_form.html",
        {"form": form, "programme": programme, "network_form": ProgrammeNetworkForm(programme=programme)},
        status=form_status(form),
    )


@require_POST
@login_required
def programme_network_add(request, pk: int):
    programme = programme_for_user(request.user, pk)
    form = ProgrammeNetworkForm(request.POST, programme=programme)
    if not form.is_valid():
        return problem_page(request, form=form, back=programme.get_absolute_url())
    with refusal_shown(request) as attempt:
        services.programme_network_add(
            programme=programme, network=form.cleaned_data["network"], by=request.user
        )
    if attempt.ok:
        messages.success(request, _("Added to the programme."))
    return redirect("impact:programme_edit", programme.pk)


@require_POST
@login_required
def programme_network_remove(request, pk: int, network: int):
    programme = programme_for_user(request.user, pk)
    found = get_object_or_404(Network, pk=network, programmes=programme)
    with refusal_shown(request) as attempt:
        services.programme_network_remove(programme=programme, network=found, by=request.user)
    if attempt.ok:
        messages.success(request, _("Taken out of the programme; the network itself is unchanged."))
    return redirect("impact:programme_edit", programme.pk)


def _programme_context(request, pk: int) -> dict:
    programme = programme_for_user(request.user, pk)
    networks = list(programme.networks.order_by("name"))
    return {
        "programme": programme,
        "networks": networks,
        "rows": effect_rows(stored_programme_effects(programme=programme)),
        "ledger": ledger(networks=networks),
        "generated": timezone.now(),
        "surveys": survey_results(programme=programme),
        "can_change": True,  # whoever sees a programme keeps it (impact/access.py)
        **_costs_context(programme, networks),
    }


@require_GET
@login_required
def programme_impact(request, pk: int):
    return render(request, "impact/programme.html", _programme_context(request, pk))


@require_GET
@login_required
def programme_impact_pdf(request, pk: int):
    """The programme's impact report as a PDF, made on the server (impact/pdf.py)."""
    context = _programme_context(request, pk)
    return pdf_download(
        request,
        "impact/programme.html",
        context,
        filename=f"programme-{context['programme'].pk}-impact.pdf",
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_survey_create(request, pk: int):
    programme = programme_for_user(request.user, pk)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.survey_create(programme=programme, by=request.user, **form.service_arguments())
        if attempt.ok:
            messages.success(
                request, _("The survey is open: the staff of the programme's networks can answer it now.")
            )
            return redirect(programme)
    return render(
        request, "impact/survey_form.html", {"programme": programme, "form": form}, status=form_status(form)
    )


@require_POST
@login_required
def programme_survey_post_start(request, pk: int, survey_pk: int):
    programme = programme_for_user(request.user, pk)
    survey = get_object_or_404(Survey, pk=survey_pk, programme=programme)
    with refusal_shown(request) as attempt:
        services.survey_post_start(survey=survey, by=request.user)
    if attempt.ok:
        messages.success(request, _("The first round is closed and the second is open."))
    return redirect(programme)


@require_GET
@login_required
def programme_effects_csv(request, pk: int):
    programme = programme_for_user(request.user, pk)
    rows = stored_effect_rows(programme.name, stored_programme_effects(programme=programme))
    return csv_download(f"programme-{programme.pk}-impact.csv", EFFECT_COLUMNS, rows)


@require_GET
@login_required
def programme_participation_csv(request, pk: int):
    programme = programme_for_user(request.user, pk)
    rows = ledger_rows(ledger(networks=list(programme.networks.all())))
    return csv_download(f"programme-{programme.pk}-participation.csv", LEDGER_COLUMNS, rows)


@require_GET
@login_required
def programme_years_csv(request, pk: int):
    programme = programme_for_user(request.user, pk)
    rows = year_rows(ledger(networks=list(programme.networks.all())))
    return csv_download(f"programme-{programme.pk}-participation-by-year.csv", YEAR_COLUMNS, rows)


@require_http_methods(["GET", "POST"])
@login_required
def programme_costs(request, pk: int):
    programme = programme_for_user(request.user, pk)
    form = CostForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.cost_add(programme=programme, by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("The cost is recorded."))
            return redirect("impact:programme_costs", programme.pk)
    return render(
        request,
        "impact/programme_costs.html",
        {"programme": programme, "form": form, **_costs_context(programme)},
        status=form_status(form),
    )


@require_POST
@login_required
def programme_cost_delete(request, pk: int, cost: int):
    programme = programme_for_user(request.user, pk)
    found = get_object_or_404(Cost, pk=cost, programme=programme)
    back = reverse("impact:programme_costs", args=[programme.pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Remove the cost “%(description)s”?") % {"description": found.description},
            consequence=_("The programme's totals will no longer count it; the audit log keeps what it was."),
            button=_("Remove the cost"),
            back=back,
        )
    services.cost_delete(cost=found, by=request.user)
    messages.success(request, _("The cost is removed."))
    return redirect(back)


@require_GET
@login_required
def programme_costs_csv(request, pk: int):
    programme = programme_for_user(request.user, pk)
    networks = list(programme.networks.order_by("name"))
    costs = cost_reads.programme_costs(programme=programme, networks=networks)
    return csv_download(
        f"programme-{programme.pk}-costs.csv", COST_COLUMNS, cost_rows(programme, costs, networks)
    )


@require_GET
@login_required
def programme_numbers_csv(request, pk: int):
    programme = programme_for_user(request.user, pk)
    networks = list(programme.networks.order_by("name"))
    context = _costs_context(programme, networks)
    rows = programme_numbers(
        programme=programme,
        ledger=ledger(networks=networks),
        costs=context["costs"],
        networks=networks,
        effects=stored_programme_effects(programme=programme),
        value=context["value"],
        surveys=survey_results(programme=programme),
    )
    return csv_download(f"programme-{programme.pk}-numbers.csv", NUMBER_COLUMNS, rows)
