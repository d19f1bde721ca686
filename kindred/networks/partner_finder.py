"""Finding partner schools, at home or across borders (issue 23, item 2).

A school's leaders say, in its `PartnerProfile`, which languages it teaches in and what it would work
on with a partner school; the partner finder (`/networks/partners/`) finds the schools open to
partners by subject or interest, phase, language of instruction and country. It looks in the reader's
own country unless they ask for other countries (or any, or one by name): across borders only where
the person asks. With one country installed there is no country to choose.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from kindred import countries
from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.networks.access import may_act_for_school
from kindred.networks.borders import OTHER_COUNTRIES, reader_countries
from kindred.networks.models import PartnerProfile
from kindred.schools.models import School

# The languages of instruction a school may name (codes; shown in the reader's language): the site's
# languages, the installed countries' and the world's most taught in international partnerships.
COMMON_LANGUAGES = ("ar", "cy", "de", "en", "es", "fr", "ga", "gd", "hi", "it", "pt", "sw", "ur", "zh-hans")
ANY_COUNTRY = "any"


def language_name(code: str) -> str:
    """A language code in the active language ("cy": "Welsh", "Cymraeg", "الويلز")."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_codes() -> list[str]:
    codes = {code for code, _name in settings.LANGUAGES} | set(COMMON_LANGUAGES)
    codes |= {profile.language for profile in countries.installed()}
    return sorted(codes)


def language_choices() -> list[tuple[str, str]]:
    """Every language a school may name, by its name in the active language."""
    return sorted(((code, language_name(code)) for code in language_codes()), key=lambda choice: choice[1])


@transaction.atomic
def partner_profile_save(
    *, school: School, by: User, instruction_languages: list[str], interests: str, open_to_partners: bool
) -> PartnerProfile:
    """Write `school`'s partner profile: its leaders and administrators only."""
    if not may_act_for_school(by, school):
        raise ValidationError(_("Only the school's leaders and administrators change its partner profile."))
    unknown = set(instruction_languages) - set(language_codes())
    if unknown:
        raise ValidationError(_("Choose languages from the list."))
    codes = sorted(set(instruction_languages))
    profile, _created = PartnerProfile.objects.update_or_create(
        school=school,
        defaults={
            "instruction_languages": f",{','.join(codes)}," if codes else "",
            "interests": ", ".join(part.strip() for part in interests.split(",") if part.strip())[:300],
            "open_to_partners": open_to_partners,
            "updated_by": by,
        },
    )
    audit(by, "school.partner_profile_saved", school, languages=codes, open=open_to_partners)
    return profile


def partner_profile_initial(school: School) -> dict:
    """The profile's fields as a form starts them: a school without one teaches in its country's
    language, looking for partners."""
    profile = PartnerProfile.objects.filter(school=school).first()
    if profile is None:
        return {
            "instruction_languages": [school.country_profile.language],
            "interests": "",
            "open_to_partners": True,
        }
    return {
        "instruction_languages": profile.language_codes,
        "interests": profile.interests,
        "open_to_partners": profile.open_to_partners,
    }


def partner_schools(
    user: User,
    *,
    interest: str = "",
    phase: str = "",
    language: str = "",
    country: str = "",
) -> QuerySet[School]:
    """The schools open to partners that match, the reader's own schools left out. `country`: "" the
    reader's own countries, "other" every other country, "any" all, or one country's code."""
    schools = (
        School.objects.filter(partner_profile__open_to_partners=True)
        .exclude(staff__user=user)
        .select_related("partner_profile", "local_authority", "region")
    )
    if interest:
        schools = schools.filter(
            Q(partner_profile__interests__icontains=interest) | Q(name__icontains=interest)
        )
    if phase:
        schools = schools.filter(phase=phase)
    if language:
        schools = schools.filter(partner_profile__instruction_languages__contains=f",{language},")
    if countries.several():
        own = reader_countries(user)
        if country == OTHER_COUNTRIES:
            schools = schools.exclude(country_code__in=own)
        elif country == ANY_COUNTRY:
            pass
        elif country:
            schools = schools.filter(country_code=country)
        else:
            schools = schools.filter(country_code__in=own)
    return schools.order_by("name", "pk")
