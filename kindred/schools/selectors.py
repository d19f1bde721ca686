"""Reads of the school registry."""

from django.db.models import Q, QuerySet

from kindred.core.search import Search, matching
from kindred.schools.folding import fold
from kindred.schools.models import LocalAuthority, School, SchoolMeasure


def _authorities_matching(word: str) -> list[int]:
    """Ids of the authorities whose folded name contains the folded `word` (a few hundred at most)."""
    return [pk for pk, name in LocalAuthority.objects.values_list("pk", "name") if word in fold(name)]


def school_search(*, query: str = "", country: str = "") -> QuerySet[School]:
    """Schools whose name, town, postcode or authority contains `query`, or whose id is `query`;
    with `country` (a profile code), only that country's schools.

    Names and towns are compared folded (schools/folding.py), so Arabic names are found whatever
    the form of alef, hamza, taa marbuta or the diacritics, and Welsh names with or without
    circumflexes.
    """
    schools = School.objects.select_related("local_authority", "region")
    if country:
        schools = schools.filter(country_code=country)
    return matching("schools", schools, query).order_by("name")


def school_search_q(query: str) -> Q:
    """The filter behind `school_search` (also the admin's search and its school pickers).

    One folded column (`search_key`) instead of name and town: one comparison per school, and on
    PostgreSQL a trigram index answers it (migration schools/0008).
    """
    query = query.strip()
    condition = Q(registry_id=query)
    words_match = Q()
    for word in query.split():
        folded = fold(word)
        if not folded:
            continue
        words_match &= (
            Q(search_key__contains=folded)
            | Q(postcode__istartswith=word)
            | Q(local_authority__in=_authorities_matching(folded))
        )
    return condition | words_match


def _schools_q(text: str) -> Q:
    """Every school for a blank search; otherwise `school_search_q`."""
    return school_search_q(text) if text.strip() else Q()


#: Registered in SchoolsConfig.ready(); asked through kindred.core.search.matching("schools", ...).
#: One filter on both databases: PostgreSQL answers it from a trigram index (schools/0008),
#: SQLite by reading the folded column of every school.
SCHOOLS = Search(
    kind="schools", model="schools.school", backends={"sqlite": _schools_q, "postgresql": _schools_q}
)


def school_measures(*, school: School) -> QuerySet[SchoolMeasure]:
    return (
        SchoolMeasure.objects.filter(school=school)
        .select_related("measure")
        .order_by("measure__kind", "measure__domain", "measure__code", "-year")
    )
