"""Self-evaluation pages: frameworks, a school's overview, rating forms and peer reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kindred.accounts.access import is_site_admin, school_for_user
from kindred.accounts.models import SchoolStaff
from kindred.core.actions import form_status, refusal_shown
from kindred.core.attachments import download
from kindred.frameworks import access, loading, selectors, services
from kindred.frameworks.forms import FrameworkUploadForm, PeerReviewRequestForm, RatingsForm
from kindred.frameworks.models import Evaluation, EvidenceFile, FrameworkVersion, Rating
from kindred.networks.access import network_for_user
from kindred.networks.models import Membership
from kindred.networks.selectors import network_partners


def _version(request, default_code: str | None = None) -> FrameworkVersion | None:
    versions = selectors.framework_versions()
    chosen = request.GET.get("version") or request.POST.get("version")
    if chosen and chosen.isdigit():
        return versions.filter(pk=int(chosen)).first()
    return versions.first()


def _year(request) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    if text.isdigit() and 1990 <= int(text) <= 2100:
        return int(text)
    return selectors.current_year()


@require_http_methods(["GET", "POST"])
@login_required
def framework_list(request):
    """Every framework and version; site administrators load new ones here."""
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if not is_site_admin(request.user):
            raise PermissionDenied(_("Only site administrators load frameworks."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = upload.read().decode("utf-8-sig")
                if upload.name.lower().endswith(".csv"):
                    if not form.cleaned_data["code"] or not form.cleaned_data["name"]:
                        raise loading.FrameworkFileError(
                            [("form", _("A CSV framework needs a code and a name."))]
                        )
                    spec = loading.read_csv(
                        content, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
                    )
                else:
                    spec = loading.read_yaml(content)
            except UnicodeDecodeError:
                problems = [("file", _("The file is not UTF-8 text."))]
            except loading.FrameworkFileError as error:
                problems = error.problems
            else:
                version, created = services.framework_load(spec=spec, by=request.user)
                if created:
                    messages.success(request, _("Loaded %(version)s.") % {"version": version})
                else:
                    messages.info(
                        request, _("Nothing changed: this is the same as %(version)s.") % {"version": version}
                    )
                return redirect("framework_list")
    status = 400 if (form.errors or problems) else 200
    return render(
        request,
        "frameworks/framework_list.html",
        {
            "versions": selectors.framework_versions(),
            "form": form,
            "problems": problems,
            "can_load": is_site_admin(request.user),
            "my_schools": {
                r.school_id: r.school
                for r in request.user.school_roles.select_related("school").order_by("school__name")
            }.values(),
        },
        status=status,
    )


@require_GET
@login_required
def framework_detail(request, pk: int):
    version = get_object_or_404(FrameworkVersion.objects.select_related("framework"), pk=pk)
    fmt = request.GET.get("format")
    if fmt in ("yaml", "csv"):
        spec = selectors.version_spec(version)
        body = loading.write_yaml(spec) if fmt == "yaml" else loading.write_csv(spec)
        response = HttpResponse(
            body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/yaml"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{version.framework.code}-v{version.number}.{fmt}"'
        )
        return response
    return render(
        request,
        "frameworks/framework_detail.html",
        {"version": version, "outline": selectors.version_outline(version)},
    )


@require_GET
@login_required
def school_selfeval(request, registry_id: str):
    """A school's self-evaluation: own ratings, staff spread, peer ratings and their differences."""
    school = school_for_user(request.user, registry_id)
    version = _version(request)
    year = _year(request)
    context = {
        "school": school,
        "version": version,
        "versions": selectors.framework_versions(),
        "year": year,
        "is_leader": access.is_school_leader(request.user, school),
        "is_staff_member": access.is_school_staff(request.user, school),
        "shared": bool(access.shares_selfeval([school.pk])),
        "may_share": SchoolStaff.objects.filter(
            user=request.user, school=school, role__in=services.LEADER_ROLES
        ).exists(),
    }
    if version is not None:
        context["blocks"] = selectors.school_overview(school=school, version=version, year=year)
        context["peer_reviews"] = selectors.peer_reviews_of(school=school, year=year).filter(version=version)
        context["request_form"] = PeerReviewRequestForm(school=school, partners=network_partners(school))
    return render(request, "frameworks/school_selfeval.html", context)


def _rate(request, *, school, version, year, kind, peer_review=None, template_context=None):
    evaluation = Evaluation.objects.filter(
        school=school,
        version=version,
        year=year,
        kind=kind,
        **({} if kind == Evaluation.Kind.SELF else {"author": request.user}),
        **({"peer_review": peer_review} if peer_review else {}),
    ).first()
    ratings = {r.standard_id: r for r in Rating.objects.filter(evaluation=evaluation)} if evaluation else {}
    files = None
    if kind == Evaluation.Kind.SELF:  # files of evidence belong to the school's own evaluation
        files = {}
        for item in EvidenceFile.objects.filter(evaluation=evaluation) if evaluation else []:
            files.setdefault(item.standard_id, []).append(item)
    outline = selectors.version_outline(version)
    form = RatingsForm(
        request.POST or None,
        request.FILES or None,
        outline=outline,
        scale=version.display_scale,
        ratings=ratings,
        files=files,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.ratings_save(
                school=school,
                version=version,
                year=year,
                kind=kind,
                levels=form.levels(),
                by=request.user,
                peer_review=peer_review,
                files=form.uploads(),
            )
        if attempt.ok:
            messages.success(request, _("Your ratings are saved."))
            return None
    return render(
        request,
        "frameworks/rate.html",
        {
            "form": form,
            "school": school,
            "version": version,
            "year": year,
            "kind": kind,
            **(template_context or {}),
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def school_rate(request, registry_id: str, kind: str):
    """The school's own ratings (leaders) or one member of staff's ratings."""
    school = school_for_user(request.user, registry_id)
    if kind not in (Evaluation.Kind.SELF, Evaluation.Kind.STAFF):
        raise Http404("No such kind of rating.")
    allowed = (
        access.is_school_leader(request.user, school)
        if kind == Evaluation.Kind.SELF
        else access.is_school_staff(request.user, school)
    )
    if not allowed:
        raise PermissionDenied(_("You cannot rate this school in this way."))
    version = _version(request)
    if version is None:
        raise Http404("No framework loaded yet.")
    year = _year(request)
    response = _rate(request, school=school, version=version, year=year, kind=kind)
    if response is None:
        return redirect(f"{school_selfeval_url(school)}?version={version.pk}&year={year}")
    return response


def school_selfeval_url(school) -> str:
    from django.urls import reverse

    return reverse("selfeval_school", args=[school.registry_id])


@require_http_methods(["POST"])
@login_required
def sharing_set(request, registry_id: str):
    """The school's leaders choose whether its networks' members see its self-evaluation."""
    school = school_for_user(request.user, registry_id)
    if not SchoolStaff.objects.filter(
        user=request.user, school=school, role__in=services.LEADER_ROLES
    ).exists():
        raise PermissionDenied(_("Only the school's leaders choose who sees its self-evaluation."))
    share = request.POST.get("share")
    if share not in ("yes", "no"):
        messages.error(request, _("Choose whether to share the self-evaluation or not."))
    else:
        services.sharing_set(school=school, with_networks=share == "yes", by=request.user)
        messages.success(
            request,
            _("Your networks' members now see your self-evaluation's scores, strengths and needs.")
            if share == "yes"
            else _(
                "Your self-evaluation is now seen by your own staff and the system leaders over you only."
            ),
        )
    return redirect(school_selfeval_url(school))


@require_http_methods(["POST"])
@login_required
def peer_review_request(request, registry_id: str):
    """Ask a school for a peer review: a partner from the list, or a school found by name. A search
    matching several schools shows them to choose from (a page of its own, without JavaScript)."""
    school = school_for_user(request.user, registry_id)
    if not access.is_school_leader(request.user, school):
        raise PermissionDenied(_("Only the school's leaders ask for a peer review."))
    version = _version(request)
    if version is None:
        raise Http404("No framework loaded yet.")
    year = _year(request)
    back = f"{school_selfeval_url(school)}?version={version.pk}&year={year}"
    form = PeerReviewRequestForm(request.POST, school=school, partners=network_partners(school))
    if form.is_valid() and not form.choosing:
        with refusal_shown(form) as attempt:
            services.peer_review_request(
                school=school,
                reviewer_school=form.cleaned_data["chosen"],
                version=version,
                year=year,
                by=request.user,
            )
        if attempt.ok:
            messages.success(request, _("The reviewing school's leaders can now rate your school."))
            return redirect(back)
    return render(
        request,
        "frameworks/peer_review_choose.html",
        {"school": school, "version": version, "year": year, "form": form, "back": back},
        status=form_status(form),
    )


@require_GET
@login_required
def peer_reviews_to_do(request):
    """The peer reviews the signed-in person's schools have been asked for."""
    schools = SchoolStaff.objects.filter(user=request.user, role__in=services.LEADER_ROLES).values("school")
    return render(
        request,
        "frameworks/peer_reviews.html",
        {"reviews": selectors.peer_reviews_for_reviewer(schools=schools).order_by("-year", "school__name")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def peer_review_rate(request, pk: int):
    review = access.peer_review_for_reviewer(request.user, pk)
    response = _rate(
        request,
        school=review.school,
        version=review.version,
        year=review.year,
        kind=Evaluation.Kind.PEER,
        peer_review=review,
        template_context={"review": review},
    )
    if response is None:
        return redirect("peer_reviews_to_do")
    return response


@require_GET
@login_required
def network_heatmap(request, pk: int):
    """A network's member schools × domains: self-evaluation beside measures, shared needs, internal experts."""
    network = network_for_user(request.user, pk)
    version = _version(request)
    year = _year(request)
    context = {
        "network": network,
        "version": version,
        "versions": selectors.framework_versions(),
        "year": year,
    }
    if version is not None:
        schools = [
            m.school
            for m in Membership.objects.active()
            .filter(network=network)
            .select_related("school")
            .order_by("school__name")
        ]
        context["heatmap"] = selectors.network_heatmap(
            schools=schools,
            version=version,
            year=year,
            visible=access.selfeval_visible(request.user, schools, network=network),
        )
    return render(request, "frameworks/network_heatmap.html", context)


@require_GET
@login_required
def evidence_file(request, pk: int):
    """A file of evidence, for whoever may read the school's self-evaluation."""
    item = access.evidence_file_for_user(request.user, pk)
    return download(item.file, filename=item.name, content_type=item.content_type)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_file_delete(request, pk: int):
    """The school's leaders remove a file of evidence: GET asks to confirm, POST removes it."""
    item = access.evidence_file_for_user(request.user, pk)
    school, evaluation = item.evaluation.school, item.evaluation
    if not access.is_school_leader(request.user, school):
        raise PermissionDenied(_("Only the school's leaders keep its own evaluation."))
    back = (
        f"{reverse('selfeval_rate', args=[school.registry_id, 'self'])}"
        f"?version={evaluation.version_id}&year={evaluation.year}"
    )
    if request.method == "POST":
        services.evidence_file_delete(item=item, by=request.user)
        messages.success(request, _("Removed %(name)s.") % {"name": item.name})
        return redirect(back)
    return render(request, "frameworks/file_delete.html", {"item": item, "school": school, "back": back})
