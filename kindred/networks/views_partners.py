"""The partner finder (issue 23, item 2): schools open to partners, at home or across borders, and
a school's own partner profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kindred import countries
from kindred.core.actions import problem_page, refusal_shown
from kindred.networks import borders, forms
from kindred.networks.access import schools_user_acts_for
from kindred.networks.partner_finder import (
    language_name,
    partner_profile_initial,
    partner_profile_save,
    partner_schools,
)

PAGE_SIZE = 25


@require_GET
@login_required
def partner_finder(request):
    form = forms.PartnerSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    schools = partner_schools(
        request.user,
        interest=filters.get("interest", ""),
        phase=filters.get("phase", ""),
        language=filters.get("language", ""),
        country=filters.get("country", ""),
    )
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    several = countries.several()
    for school in page.object_list:
        school.in_words = borders.school_in_words(school)
        school.languages = [language_name(code) for code in school.partner_profile.language_codes]
    own = list(schools_user_acts_for(request.user))
    profile_forms = [
        forms.PartnerProfileForm(
            schools=schools_user_acts_for(request.user),
            initial={"school": school, **partner_profile_initial(school)},
            auto_id=f"p{school.pk}_%s",
        )
        for school in own
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "networks/partners.html",
        {
            "form": form,
            "page_obj": page,
            "several_countries": several,
            "profile_forms": list(zip(own, profile_forms, strict=True)),
            "querystring_without_page": query.urlencode() + "&" if query else "",
        },
    )


@require_POST
@login_required
def partner_profile(request):
    back = {"back": reverse("networks:partners"), "back_label": _("Back to the partner finder")}
    form = forms.PartnerProfileForm(request.POST, schools=schools_user_acts_for(request.user))
    if not form.is_valid():
        return problem_page(request, form=form, **back)
    data = form.cleaned_data
    with refusal_shown(request) as attempt:
        partner_profile_save(
            school=data["school"],
            by=request.user,
            instruction_languages=data["instruction_languages"],
            interests=data["interests"],
            open_to_partners=data["open_to_partners"],
        )
    if attempt.ok:
        messages.success(request, _("Your school's partner profile is saved."))
    return redirect("networks:partners")
