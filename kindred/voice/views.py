"""Consultation pages: list, create, manage questions, answer for a school, read and export results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.core.actions import form_status, refusal_shown
from kindred.core.csv_export import csv_writer
from kindred.networks.models import Network, NetworkRole
from kindred.voice import access, selectors, services
from kindred.voice.forms import ConsultationForm, PublicationForm, QuestionForm, ResponseForm
from kindred.voice.models import Answer, Question


def _coordinated_networks(user):
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(
        Q(
            people_roles__user=user,
            people_roles__role=NetworkRole.Role.COORDINATOR,
            people_roles__ended_at__isnull=True,
        )
    ).distinct()


@require_GET
@login_required
def consultation_list(request):
    return render(
        request,
        "voice/consultation_list.html",
        {"owned": selectors.owned_by(request.user), "asked": selectors.asked_of(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def consultation_create(request):
    form = ConsultationForm(request.POST or None, networks=_coordinated_networks(request.user))
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            consultation = services.consultation_create(by=request.user, **form.cleaned_data)
        if attempt.ok:
            return redirect(consultation)
    return render(request, "voice/consultation_form.html", {"form": form}, status=form_status(form))


@require_GET
@login_required
def consultation_detail(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    return render(
        request,
        "voice/consultation_detail.html",
        {
            "consultation": consultation,
            "questions": consultation.questions.all(),
            "form": QuestionForm(),
            "answered": selectors.answered(consultation),
        },
    )


@require_POST
@login_required
def question_add(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        with refusal_shown(request) as attempt:
            services.question_add(
                consultation=consultation,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                options=form.cleaned_data["options"].splitlines(),
                scale_top=form.cleaned_data["scale_top"],
                by=request.user,
            )
        if attempt.ok:
            messages.success(request, _("Question added."))
    else:
        messages.error(request, _("Give the question's kind and text."))
    return redirect(consultation)


@require_POST
@login_required
def consultation_status(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    with refusal_shown(request):
        services.consultation_status_set(
            consultation=consultation, status=request.POST.get("status", ""), by=request.user
        )
    return redirect(consultation)


@require_http_methods(["GET", "POST"])
@login_required
def response_edit(request, pk: int, registry_id: str):
    consultation, school = access.consultation_for_school(
        request.user, pk, registry_id, write=request.method == "POST"
    )
    response = services.response_of(consultation, school, request.user)
    current = {a.question_id: a for a in response.answers.all()} if response else {}
    form = ResponseForm(request.POST or None, questions=list(consultation.questions.all()), answers=current)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.response_save(
                consultation=consultation, school=school, answers=form.answers(), by=request.user
            )
        if attempt.ok:
            messages.success(
                request,
                _("Thank you: your answers are saved.")
                if consultation.answered_by == consultation.AnsweredBy.PERSON
                else _("Thank you: your school's answers are saved."),
            )
            return redirect("consultation_list")
    return render(
        request,
        "voice/response_form.html",
        {
            "consultation": consultation,
            "school": school,
            "form": form,
            "open": services.is_open(consultation),
        },
        status=form_status(form),
    )


@require_GET
@login_required
def consultation_results(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    _responses, results = selectors.results(consultation)
    publication = selectors.publication_of(consultation) if consultation.council_id else None
    return render(
        request,
        "voice/consultation_results.html",
        {
            "consultation": consultation,
            "answered": selectors.answered(consultation),
            "results": results,
            "publication": publication,
            "publish_form": PublicationForm(
                initial={"text": publication.text, "with_results": publication.with_results}
                if publication
                else None
            ),
        },
    )


@require_POST
@login_required
def answer_tag(request, pk: int):
    consultation = access.consultation_for_owner(request.user, pk)
    answer_id = request.POST.get("answer", "")
    answer = (
        Answer.objects.select_related("question__consultation")
        .filter(pk=int(answer_id), response__consultation=consultation)
        .first()
        if answer_id.isdigit()
        else None
    )
    if answer is None:
        messages.error(request, _("Choose an answer of this consultation to tag."))
        return redirect("consultation_results", pk=consultation.pk)
    with refusal_shown(request):
        services.theme_tag(answer=answer, name=request.POST.get("theme", ""), by=request.user)
    return redirect("consultation_results", pk=consultation.pk)


@require_GET
@login_required
def consultation_export(request, pk: int):
    """The results as CSV: one row per question, group and value (groups too small for anonymous
    answers left out, as on the page); free text with its themes, and its author only when the
    answers are named."""
    consultation = access.consultation_for_owner(request.user, pk)
    _answered, results = selectors.results(consultation)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{consultation.pk}.csv"'
    writer = csv_writer(response)
    named = consultation.named and consultation.answered_by == consultation.AnsweredBy.PERSON
    writer.writerow(["question", "group", "value", "count", "mean"] + (["person", "school"] if named else []))
    for result in results:
        q = result.question
        groups = (
            [("all", result.overall)]
            + [(f"region: {k}", v) for k, v in result.by_region.items()]
            + [(f"network: {k}", v) for k, v in result.by_network.items()]
            + [(f"country: {k}", v) for k, v in result.by_country.items()]
            + [(f"school: {k}", v) for k, v in result.by_school.items()]
        )
        for group, summary in groups:
            if q.kind == Question.Kind.CHOICE:
                for option, count in summary.counts.items():
                    writer.writerow([q.text, group, option, count, ""])
            elif q.kind == Question.Kind.SCALE:
                for level, count in enumerate(summary.counts, start=1):
                    writer.writerow(
                        [q.text, group, level, count, "" if summary.mean is None else f"{summary.mean:.2f}"]
                    )
            else:
                writer.writerow([q.text, group, "answers", summary, ""])
        for answer in result.texts:
            writer.writerow(
                [q.text, "answer", answer.text, "; ".join(t.name for t in answer.themes.all()), ""]
                + ([str(answer.response.respondent or ""), answer.response.school.name] if named else [])
            )
    return response
