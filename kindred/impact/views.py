"""A network's impact page: did taking part help, on each outcome measure (stored by the last recompute);
its surveys (run by its coordinators, answered by its schools' staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.access import Access
from kindred.accounts.models import SchoolStaff
from kindred.core import attachments
from kindred.core.actions import confirmation_page, confirmed, form_status, refusal_shown
from kindred.evidence.charts import interval_row
from kindred.impact import access, services
from kindred.impact.exports import (
    EFFECT_COLUMNS,
    LEDGER_COLUMNS,
    PACK_COLUMNS,
    csv_download,
    ledger_rows,
    stored_effect_rows,
)
from kindred.impact.forms import SupportLetterForm, SurveyForm
from kindred.impact.ledger import network_ledger
from kindred.impact.models import SupportLetter, Survey
from kindred.impact.pack import network_pack, pack_numbers
from kindred.impact.pdf import pdf_download
from kindred.impact.selectors import stored_effects, survey_results
from kindred.networks.access import network_for_user, network_with_access
from kindred.networks.models import Membership


def _flag(lower: float | None, upper: float | None, higher_is_better: bool | None) -> str:
    if lower is None or upper is None or higher_is_better is None:
        return ""
    if lower > 0 or upper < 0:
        return "strength" if (lower > 0) == higher_is_better else "need"
    return ""


def _when(e: int) -> str:
    if e < 0:
        return ngettext("%(years)s year before joining", "%(years)s years before joining", -e) % {"years": -e}
    if e == 0:
        return _("the year of joining")
    return ngettext("%(years)s year after joining", "%(years)s years after joining", e) % {"years": e}


def effect_rows(effects) -> list[dict]:
    """Stored effects (a network's or a programme's) with their pictures: overall and year by year."""
    rtl = get_language_bidi()
    rows = []
    for item in effects:
        better = item.measure.higher_is_better
        study = []
        if item.event_study:
            extent = max(max(abs(x["lower"]), abs(x["upper"])) for x in item.event_study) * 1.15 or 1.0
            for x in item.event_study:
                study.append(
                    {
                        "when": _when(x["e"]),
                        "x": x,
                        "chart": interval_row(
                            estimate=x["effect"],
                            lower=x["lower"],
                            upper=x["upper"],
                            flag=_flag(x["lower"], x["upper"], better),
                            title=_when(x["e"]),
                            higher_is_better=better,
                            extent=extent,
                            rtl=rtl,
                        ),
                    }
                )
        chart = None
        if item.effect is not None:
            chart = interval_row(
                estimate=item.effect,
                lower=item.lower,
                upper=item.upper,
                flag=_flag(item.lower, item.upper, better),
                title=item.measure.name,
                higher_is_better=better,
                rtl=rtl,
            )
        rows.append({"effect": item, "chart": chart, "study": study})
    return rows


def _network_context(request, pk: int) -> dict:
    network, network_access = network_with_access(request.user, pk)
    return {
        "network": network,
        "rows": effect_rows(stored_effects(network=network)),
        "ledger": network_ledger(network=network),
        "surveys": survey_results(network=network),
        "answer_as": _answering_school(request.user, network),
        "can_change": network_access >= Access.WRITE,
        "may_use_pack": access.may_use_pack(request.user, network, network_access),
    }


@require_GET
@login_required
def network_impact(request, pk: int):
    return render(request, "impact/network.html", _network_context(request, pk))


@require_GET
@login_required
def network_impact_pdf(request, pk: int):
    """The network's impact page as a PDF, made on the server (impact/pdf.py)."""
    context = _network_context(request, pk)
    return pdf_download(
        request, "impact/network.html", context, filename=f"network-{context['network'].pk}-impact.pdf"
    )


def _answering_school(user, network):
    """The member school `user` works at (their answers to the network's surveys are given as its staff)."""
    return (
        SchoolStaff.objects.filter(
            user=user,
            school__in=Membership.objects.active().filter(network=network).values("school_id"),
        )
        .select_related("school")
        .order_by("school__name")
        .values_list("school__registry_id", flat=True)
        .first()
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_create(request, pk: int):
    network = network_for_user(request.user, pk, write=True)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.survey_create(network=network, by=request.user, **form.service_arguments())
        if attempt.ok:
            messages.success(request, _("The survey is open: the network's staff can answer it now."))
            return redirect("impact:network", pk=network.pk)
    return render(
        request, "impact/survey_form.html", {"network": network, "form": form}, status=form_status(form)
    )


@require_POST
@login_required
def survey_post_start(request, pk: int, survey_pk: int):
    network = network_for_user(request.user, pk, write=True)
    survey = get_object_or_404(Survey, pk=survey_pk, network=network)
    with refusal_shown(request) as attempt:
        services.survey_post_start(survey=survey, by=request.user)
    if attempt.ok:
        messages.success(request, _("The first round is closed and the second is open."))
    return redirect("impact:network", pk=network.pk)


@require_GET
@login_required
def network_impact_csv(request, pk: int):
    network = network_for_user(request.user, pk)
    rows = stored_effect_rows(network.display_name, stored_effects(network=network))
    return csv_download(f"network-{network.pk}-impact.csv", EFFECT_COLUMNS, rows)


@require_GET
@login_required
def network_participation_csv(request, pk: int):
    network = network_for_user(request.user, pk)
    rows = ledger_rows(network_ledger(network=network))
    return csv_download(f"network-{network.pk}-participation.csv", LEDGER_COLUMNS, rows)


# --- the evidence pack (issue #25.7) ------------------------------------------------------------


@require_GET
@login_required
def network_pack_page(request, pk: int):
    network = access.network_pack_for_user(request.user, pk)
    return render(
        request,
        "impact/pack.html",
        {"pack": network_pack(network=network), "network": network, "letter_form": SupportLetterForm()},
    )


@require_GET
@login_required
def network_pack_pdf(request, pk: int):
    """The evidence pack as a PDF, made on the server (impact/pdf.py)."""
    network = access.network_pack_for_user(request.user, pk)
    return pdf_download(
        request,
        "impact/pack.html",
        {"pack": network_pack(network=network), "network": network},
        filename=f"network-{network.pk}-evidence-pack.pdf",
    )


@require_GET
@login_required
def network_pack_csv(request, pk: int):
    network = access.network_pack_for_user(request.user, pk)
    return csv_download(
        f"network-{network.pk}-evidence-pack.csv", PACK_COLUMNS, pack_numbers(network_pack(network=network))
    )


@require_POST
@login_required
def support_letter_add(request, pk: int):
    network = access.network_pack_for_user(request.user, pk)
    form = SupportLetterForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_shown(form) as attempt:
            services.support_letter_add(network=network, by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("The letter is kept in the evidence pack."))
            return redirect("impact:pack", pk=network.pk)
    return render(
        request,
        "impact/pack.html",
        {"pack": network_pack(network=network), "network": network, "letter_form": form},
        status=400,
    )


@require_POST
@login_required
def support_letter_delete(request, pk: int, letter_pk: int):
    """Take a letter out of the pack, after a confirmation that works without JavaScript."""
    network = access.network_pack_for_user(request.user, pk)
    letter = get_object_or_404(SupportLetter, pk=letter_pk, network=network)
    back = reverse("impact:pack", args=[network.pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Remove the letter from %(writer)s, dated %(day)s?")
            % {"writer": letter.writer, "day": date_format(letter.dated, "SHORT_DATE_FORMAT")},
            consequence=_(
                "It leaves the evidence pack and its file is deleted; the audit log keeps who wrote it and when."
            ),
            button=_("Remove the letter"),
            back=back,
        )
    services.support_letter_delete(letter=letter, by=request.user)
    messages.success(request, _("The letter is removed from the evidence pack."))
    return redirect(back)


@require_GET
@login_required
def support_letter_download(request, pk: int, letter_pk: int):
    network = access.network_pack_for_user(request.user, pk)
    letter = get_object_or_404(SupportLetter, pk=letter_pk, network=network)
    return attachments.download(letter.file, filename=letter.filename, content_type=letter.content_type)
