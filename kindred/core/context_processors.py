from django.conf import settings
from django.utils.translation import get_language

from kindred import countries


def site(request):
    """What every page needs: the site's name, the country's words in the active language, the languages.

    Templates say {{ words.authority }}, {{ words.Authority }} (at the start of a sentence or a
    column heading), {{ words.region }}, {{ words.regions }}, {{ words.school_year }}, never
    "local authority": the country profile (kindred/countries/) gives each country's own words. They
    are the default country's (COUNTRY), unless the page speaks of one school's or region's country
    (countries.speaking: a school's page in an installation of several countries).
    """
    profile = countries.spoken()
    language = get_language()
    return {
        "site_name": settings.SITE_NAME,
        "words": profile.words_in(language),
        "country_name": profile.country_name(language),
        "languages": [(code, name) for code, name in settings.LANGUAGES],
    }
