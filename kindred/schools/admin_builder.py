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

from kindred import countries
from kindred.schools.catalogue import MEASURES
from kindred.schools.forms import BuilderForm, BuilderUploadForm
from kindred.schools.forms import sheet_value as _sheet
from kindred.schools.importing import ImportKind, MappingError
from kindred.schools.importing.builder import (
    builder_file,
    column_profiles,
    column_samples,
    file_sample,
    guessed_mapping,
    picks_apply,
    picks_of,
    preview_rows,
)
from kindred.schools.importing.mapping import mapping_parse
from kindred.schools.importing.schema_form import PREFIX, form_data, form_nodes, shorthand
from kindred.schools.importing.schema_form import Context as SchemaContext
from kindred.schools.importing.service import elsewhere_of, measure_limits, saved_mapping_save, upload_store
from kindred.schools.importing.uploads import BUILDER_DIR
from kindred.schools.models import MeasureDefinition, SavedMapping, School
from kindred.schools.tasks import import_upload_start

TEMPLATES = "admin/schools/school/"


def _site_admin(request) -> None:
    # The admin site has let in only active staff; of them, site administrators are the superusers
    # (accounts.access.is_site_admin, which the registry below accounts does not import).
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied


def builder_country(user) -> str:
    """The country the builder starts with: the administrator's own, not the installation's default when
    theirs is another (their schools', else the region, authority or country they lead); the default for
    someone with neither, or with one country installed."""
    if not countries.several():
        return countries.default_code()
    installed = countries.codes()
    own = set(School.objects.filter(staff__user=user).values_list("country_code", flat=True))
    if not own:
        for role in user.regional_roles.select_related("region", "local_authority__region"):
            region = role.region or (role.local_authority.region if role.local_authority else None)
            own.add(role.country_code or (region.country_code if region else ""))
    return next((code for code in installed if code in own), countries.default_code())


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


def _defined(data: dict) -> dict[str, str]:
    """The measures a mapping's data defines: code -> name."""
    defined = data.get("define_measures")
    return {
        d["code"]: str(d.get("name") or d["code"])
        for d in (defined if isinstance(defined, list) else [])
        if isinstance(d, dict) and isinstance(d.get("code"), str) and d["code"]
    }


def _measure_codes(data: dict) -> list[str]:
    codes = set(MEASURES) | set(MeasureDefinition.objects.values_list("code", flat=True))
    return sorted(codes | set(_defined(data)))


def builder_columns(model_admin, request, token: str):
    """Step 2: the file's columns with samples and guesses, and the whole mapping language as a
    form (schema_form); preview, download, save, import."""
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
    header = table.header
    profiles = column_profiles(table, rows)
    initial = {
        "name": Path(context["file_name"]).stem.lower().replace("_", "-")[:64],
        "country": builder_country(request.user),
    }
    if request.method != "POST":
        data = guessed_mapping(header, rows)
        if sheet is not None:
            data["sheet"] = sheet
        shown = BuilderForm(columns=header, picks=picks_of(data, header), initial=initial)
        return _builder_page(request, context, profiles, data, shown)
    # The schema's form, as posted (absent when only picks were posted, as by a script).
    data = form_data(request.POST) if request.POST.get(PREFIX) else {}
    form = BuilderForm(request.POST, columns=header, defined=_defined(data))
    if not form.is_valid():
        return _builder_page(request, context, profiles, data, form)
    data = picks_apply(data, form.picks(), column_samples(header, rows))
    name = form.cleaned_data["name"]
    country = form.cleaned_data.get("country") or builder_country(request.user)
    shown = BuilderForm(
        columns=header,
        picks=picks_of(data, header),
        defined=_defined(data),
        initial={"name": name, "country": country},
    )
    data = shorthand(data)  # as a person writes it: `id: URN`, `year: 2018`
    context["yaml"] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        mapping = mapping_parse(data, name=name)
    except MappingError as error:
        errors = [line.removeprefix("- ") for line in str(error).splitlines()[1:]]
        context["mapping_errors"] = errors
        return _builder_page(request, context, profiles, data, shown, errors=errors)
    action = request.POST.get("action", "preview")
    if action == "download":
        response = HttpResponse(context["yaml"], content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
        return response
    existing = set(School.objects.values_list("registry_id", flat=True))
    context["preview"], context["file_problems"] = preview_rows(
        path,
        mapping,
        existing_ids=existing,
        limits=measure_limits(mapping.new_measures),
        country=country,
        elsewhere=elsewhere_of(country) if countries.several() else None,
    )
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
                stored=stored, kind=ImportKind.SCHOOLS, mapping=saved.name, country=country, by=request.user
            )
            return redirect(job)
    return _builder_page(request, context, profiles, data, shown)


def _builder_page(request, context, profiles, data, form, *, errors=()):
    context.update(
        {
            "form": form,
            "rows": list(zip(profiles, form.column_fields(), strict=True)),
            "nodes": form_nodes(
                data, SchemaContext(context["table"].header, _measure_codes(data)), errors=list(errors)
            ),
            "measure_codes": _measure_codes(data),
            "prefix": PREFIX,
        }
    )
    status = 400 if errors or form.errors else 200
    return TemplateResponse(request, TEMPLATES + "builder.html", context, status=status)


def mapping_download(model_admin, request, name: str):
    """A saved mapping as a YAML file, for `kindred import schools FILE --mapping FILE.yaml`."""
    _site_admin(request)
    saved = get_object_or_404(SavedMapping, name=name)
    response = HttpResponse(saved.text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{saved.name}.yaml"'
    return response
