from django.conf import settings
from django.utils.translation import get_language

from kindred import countries


def site(request):
    """What every page needs: the site's name, the country's words in the active language, the languages.

    Templates say {{ words.authority }}, {{ words.Authority }} (at the start of a sentence or a
    column heading), {{ words.region }}, {{ words.regions }}, {{ words.school_year }}, never
    "local authority": the country profile (kindred/countries/) gives each country's own words.
    """
    profile = countries.profile()
    language = get_language()
    return {
        "site_name": settings.SITE_NAME,
        "words": profile.words_in(language),
        "country_name": profile.country_name(language),
        "languages": [(code, name) for code, name in settings.LANGUAGES],
    }
