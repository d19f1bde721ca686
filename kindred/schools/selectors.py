"""Reads of the school registry."""

from django.db.models import Q, QuerySet

from kindred.schools.models import School, SchoolMeasure


def school_search(*, query: str = "") -> QuerySet[School]:
    """Schools whose name, town, postcode or authority contains `query`, or whose id is `query`."""
    schools = School.objects.select_related("local_authority", "region")
    query = query.strip()
    if not query:
        return schools.order_by("name")
    words = query.split()
    condition = Q(registry_id=query)
    words_match = Q()
    for word in words:
        words_match &= (
            Q(name__icontains=word)
            | Q(town__icontains=word)
            | Q(postcode__istartswith=word)
            | Q(local_authority__name__icontains=word)
        )
    return schools.filter(condition | words_match).order_by("name")


def school_measures(*, school: School) -> QuerySet[SchoolMeasure]:
    return (
        SchoolMeasure.objects.filter(school=school)
        .select_related("measure")
        .order_by("measure__kind", "measure__domain", "measure__code", "-year")
    )
