from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The words a country uses for its registry's levels and its school year. Templates say
# {{ words.authority }}, never "local authority": the country profile (issue "Every page for
# everyone") replaces these English defaults with each country's own words.
DEFAULT_WORDS = {
    "region": _("region"),
    "regions": _("regions"),
    "authority": _("local authority"),
    "authorities": _("local authorities"),
    "school_year": _("school year"),
}


def site(request):
    return {"site_name": settings.SITE_NAME, "words": DEFAULT_WORDS}
