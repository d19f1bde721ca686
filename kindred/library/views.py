"""The library: search, share, versions, safe downloads, policy templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.access import Access
from kindred.core.actions import form_status, refusal_shown
from kindred.library import access, selectors, services
from kindred.library.forms import ResourceForm, SearchForm, VersionForm
from kindred.library.models import Resource
from kindred.networks.access import is_coordinator, is_network_member, network_for_user, schools_user_acts_for


@require_GET
@login_required
def index(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    resources = selectors.search_resources(user=request.user, text=query)
    page = Paginator(resources, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "page_obj": page,
            "query": query,
            "querystring_without_page": f"q={query}&" if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    """Share a resource publicly, or in a network (?network=<id>, its coordinators)."""
    network = None
    network_id = request.GET.get("network") or request.POST.get("network")
    if network_id:
        # Members share in their network; outsiders of a private one get 404, of a public one 403.
        network = network_for_user(request.user, int(network_id) if str(network_id).isdigit() else 0)
        if not (request.user.is_superuser or is_network_member(request.user, network)):
            raise PermissionDenied("Only the network's members share in it.")
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("upload")
        with refusal_shown(form) as attempt:
            if (
                data["kind"] == Resource.Kind.POLICY
                and network is not None
                and not is_coordinator(request.user, network)
            ):
                raise ValidationError(_("Only the network's coordinators add policy templates."))
            resource = services.resource_create(by=request.user, network=network, upload=upload, **data)
        if attempt.ok:
            messages.success(request, _("Shared."))
            return redirect(resource)
    return render(
        request, "library/create.html", {"form": form, "network": network}, status=form_status(form)
    )


@require_GET
@login_required
def detail(request, pk: int):
    resource = access.resource_for_user(request.user, pk)
    can_change = access.resource_access(request.user, resource) == Access.WRITE
    adopters = (
        schools_user_acts_for(request.user).filter(
            network_memberships__network_id=resource.network_id, network_memberships__left_at__isnull=True
        )
        if resource.kind == Resource.Kind.POLICY
        else []
    )
    return render(
        request,
        "library/detail.html",
        {
            "resource": resource,
            "versions": resource.versions.select_related("uploaded_by"),
            "adoptions": resource.adoptions.select_related("school", "version", "adopted_by"),
            "can_change": can_change,
            "version_form": VersionForm() if can_change and resource.kind != Resource.Kind.LINK else None,
            "adopters": adopters,
        },
    )


@require_POST
@login_required
def version_add(request, pk: int):
    resource = access.resource_for_user(request.user, pk, write=True)
    form = VersionForm(request.POST, request.FILES)
    with refusal_shown(request) as attempt:
        if not form.is_valid():
            raise ValidationError([m for ms in form.errors.values() for m in ms])
        version = services.version_add(
            resource=resource,
            upload=form.cleaned_data["upload"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    if attempt.ok:
        messages.success(request, _("Version %(n)s added.") % {"n": version.number})
    return redirect(resource)


@require_GET
@login_required
def download(request, pk: int, number: int):
    """The file, as an attachment with its checked type, never rendered in the site's origin."""
    resource = access.resource_for_user(request.user, pk)
    version = get_object_or_404(resource.versions, number=number)
    services.download_count(resource=resource)
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
    response["Content-Type"] = version.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
@login_required
def open_link(request, pk: int):
    """Follow a shared link (counted as a download)."""
    resource = access.resource_for_user(request.user, pk)
    if resource.kind != Resource.Kind.LINK:
        return redirect(resource)
    services.download_count(resource=resource)
    return redirect(resource.url)


@require_POST
@login_required
def policy_agree(request, pk: int):
    resource = access.resource_for_user(request.user, pk, write=True)
    number = request.POST.get("number", "")
    version = resource.versions.filter(number=int(number)).first() if number.isdigit() else None
    with refusal_shown(request):
        if version is None:
            raise ValidationError(_("Choose a version to agree."))
        services.policy_agree(resource=resource, version=version, by=request.user)
    return redirect(resource)


@require_POST
@login_required
def policy_adopt(request, pk: int):
    resource = access.resource_for_user(request.user, pk)
    school = schools_user_acts_for(request.user).filter(pk=request.POST.get("school") or 0).first()
    with refusal_shown(request) as attempt:
        if school is None:
            raise ValidationError(_("Choose a school you lead or administer."))
        services.policy_adopt(resource=resource, school=school, by=request.user)
    if attempt.ok:
        messages.success(request, _("Adopted."))
    return redirect(resource)
