"""The mapping builder's pages in the admin (site administrators only): upload a file, pick what
each column is, preview the rows as they would be stored, save the mapping, import."""

from pathlib import Path

import yaml
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kindred.accounts.access import is_site_admin
from kindred.schools.forms import BuilderForm, BuilderUploadForm
from kindred.schools.forms import sheet_value as _sheet
from kindred.schools.importing import ImportKind, MappingError, import_upload_start
from kindred.schools.importing.builder import (
    Choices,
    builder_file,
    column_profiles,
    file_sample,
    mapping_data,
    preview_rows,
)
from kindred.schools.importing.mapping import mapping_parse
from kindred.schools.importing.service import measure_limits, saved_mapping_save, upload_store
from kindred.schools.importing.uploads import BUILDER_DIR
from kindred.schools.models import SavedMapping, School

TEMPLATES = "admin/schools/school/"


def _site_admin(request) -> None:
    if not is_site_admin(request.user):
        raise PermissionDenied


def builder_upload(model_admin, request):
    """Step 1: upload a file the builder will read."""
    _site_admin(request)
    form = BuilderUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = upload_store(upload=form.cleaned_data["file"], directory=BUILDER_DIR)
        token = Path(stored).name[:32]
        url = reverse("admin:schools_school_build", args=[token])
        sheet = form.cleaned_data["sheet"].strip()
        return redirect(f"{url}?sheet={sheet}" if sheet else url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Build a mapping"),
        "opts": model_admin.model._meta,
        "form": form,
        "saved": SavedMapping.objects.all(),
    }
    status = 400 if form.is_bound and form.errors else 200  # as the import page answers a refused upload
    return TemplateResponse(request, TEMPLATES + "builder_upload.html", context, status=status)


def builder_columns(model_admin, request, token: str):
    """Step 2: the file's columns with samples and guesses; pick, preview, save, import."""
    _site_admin(request)
    path = builder_file(token)
    if path is None:
        raise Http404(_("This upload is not kept any more: upload the file again."))
    sheet = _sheet(request.POST.get("sheet") or request.GET.get("sheet", ""))
    table, rows = file_sample(path, sheet=sheet)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Build a mapping"),
        "opts": model_admin.model._meta,
        "file_name": path.name.split("-", 1)[-1],
        "table": table,
        "sheet": "" if sheet is None else sheet,
    }
    if not table.header:
        context["file_problems"] = table.problems
        return TemplateResponse(request, TEMPLATES + "builder.html", context)
    profiles = column_profiles(table, rows)
    guesses = {p.name: p.guess for p in profiles}
    initial = {"name": Path(context["file_name"]).stem.lower().replace("_", "-")[:64]}
    form = BuilderForm(request.POST or None, columns=table.header, guesses=guesses, initial=initial)
    context.update({"form": form, "rows": list(zip(profiles, form.column_fields(), strict=True))})
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, TEMPLATES + "builder.html", context)
    choices = Choices(
        targets=form.targets(),
        description=form.cleaned_data["description"],
        year=form.cleaned_data["year"],
        create=form.cleaned_data["create"],
        phase=form.cleaned_data["phase"],
        sheet=sheet,
    )
    data = mapping_data(choices)
    name = form.cleaned_data["name"]
    context["yaml"] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        mapping = mapping_parse(data, name=name)
    except MappingError as error:
        context["mapping_errors"] = str(error).splitlines()[1:]
        return TemplateResponse(request, TEMPLATES + "builder.html", context)
    existing = set(School.objects.values_list("registry_id", flat=True))
    context["preview"], context["file_problems"] = preview_rows(
        path, mapping, existing_ids=existing, limits=measure_limits(mapping.new_measures)
    )
    action = request.POST.get("action", "preview")
    if action in ("save", "import"):
        saved = saved_mapping_save(name=name, data=data, by=request.user)
        download = reverse("admin:schools_school_mapping_download", args=[saved.name])
        messages.success(
            request,
            _(
                "The mapping %(name)s is saved: import with it here or with `kindred import schools FILE --mapping %(name)s`; download it from %(url)s."
            )
            % {"name": saved.name, "url": download},
        )
        context["saved_mapping"] = saved
        if action == "import":
            stored = str(path.relative_to(settings.MEDIA_ROOT))
            job = import_upload_start(
                stored=stored, kind=ImportKind.SCHOOLS, mapping=saved.name, by=request.user
            )
            return redirect(job)
    return TemplateResponse(request, TEMPLATES + "builder.html", context)


def mapping_download(model_admin, request, name: str):
    """A saved mapping as a YAML file, for `kindred import schools FILE --mapping FILE.yaml`."""
    _site_admin(request)
    saved = get_object_or_404(SavedMapping, name=name)
    response = HttpResponse(saved.text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{saved.name}.yaml"'
    return response
