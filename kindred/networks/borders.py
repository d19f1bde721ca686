"""International networks (issue 23, item 2): the countries a network spans, and its member schools
in their own countries' words.

Nothing stores whether a network is international: a network spans the countries of its active
member schools (`School.country_code`), and it is international when they are more than one.
Membership never asks a school's country, so a network may hold schools of every country the
installation has (docs/networks.md, "International networks").

In an installation with one country (COUNTRIES unset) every function here answers without a query
and the pages show what they always did.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kindred import countries
from kindred.networks.models import Membership, Network
from kindred.schools.models import School


def in_installation_order(codes: Iterable[str]) -> list[str]:
    """`codes` once each, the installation's default country first, then COUNTRIES' order (a code the
    installation no longer lists last, by its code)."""
    installed = countries.codes()
    return sorted(
        set(codes), key=lambda code: (installed.index(code) if code in installed else len(installed), code)
    )


def country_names(codes: Iterable[str]) -> list[str]:
    """The countries' names in the active language."""
    return [countries.profile(code).country_name() for code in codes]


def spans(network_ids: Iterable[int]) -> dict[int, list[str]]:
    """The country codes of each network's active member schools, in one query ({} with one country)."""
    ids = list(network_ids)
    if not ids or not countries.several():
        return {}
    found: dict[int, set[str]] = {}
    rows = (
        Membership.objects.active()
        .filter(network_id__in=ids)
        .order_by()
        .values_list("network_id", "school__country_code")
        .distinct()
    )
    for network_id, code in rows:
        found.setdefault(network_id, set()).add(code)
    return {network_id: in_installation_order(codes) for network_id, codes in found.items()}


def with_countries(networks: list[Network]) -> list[Network]:
    """Set `country_codes`, `country_names` and `is_international` on each of `networks` (a page of
    them), in one query; with one country installed, empty and False without a query."""
    found = spans(n.pk for n in networks)
    for network in networks:
        codes = found.get(network.pk, [])
        network.country_codes = codes  # type: ignore[attr-defined]
        network.country_names = country_names(codes)  # type: ignore[attr-defined]
        network.is_international = len(codes) > 1  # type: ignore[attr-defined]
    return networks


def is_international(network: Network) -> bool:
    return len(spans([network.pk]).get(network.pk, [])) > 1


def with_other_countries(networks: QuerySet[Network], codes: Iterable[str]) -> QuerySet[Network]:
    """The networks with at least one active member school outside `codes` (the reader's countries):
    "other countries" in the directory's filter."""
    return networks.filter(
        pk__in=Membership.objects.active().exclude(school__country_code__in=list(codes)).values("network_id")
    )


def in_country(networks: QuerySet[Network], code: str) -> QuerySet[Network]:
    """The networks with at least one active member school in the country `code`."""
    return networks.filter(
        pk__in=Membership.objects.active().filter(school__country_code=code).values("network_id")
    )


def teaching_in(networks: QuerySet[Network], language: str) -> QuerySet[Network]:
    """The networks with at least one active member school that teaches in `language`: named in its
    partner profile, or, where the school names no language, its country's own."""
    named = Q(school__partner_profile__instruction_languages__contains=f",{language},")
    unnamed = Q(school__partner_profile__isnull=True) | Q(school__partner_profile__instruction_languages="")
    speaking = [profile.code for profile in countries.installed() if profile.language == language]
    return networks.filter(
        pk__in=Membership.objects.active()
        .filter(named | (unnamed & Q(school__country_code__in=speaking)))
        .values("network_id")
    )


@dataclass(frozen=True)
class SchoolInWords:
    """A school as its own country says it, in the active language: "Preparatory · Educational
    administration: East Nasr City · Egypt"."""

    phase: str
    authority_word: str
    authority: str
    region_word: str
    region: str
    country: str


def school_in_words(school: School) -> SchoolInWords:
    """`school`'s phase, authority and region in its own country's words (select_related its
    local_authority and region first, or this asks for each)."""
    profile = school.country_profile
    return SchoolInWords(
        phase=school.phase_label,
        authority_word=profile.word("Authority"),
        authority=school.local_authority.name if school.local_authority_id else "",
        region_word=profile.word("Region"),
        region=school.region.name if school.region_id else "",
        country=profile.country_name(),
    )


def members_in_words(memberships: list[Membership]) -> list[Membership]:
    """Set `in_words` on each membership's row when the installation has several countries (the page
    then says each school's phase, authority and country in its own words); otherwise leave them."""
    if countries.several():
        for membership in memberships:
            membership.in_words = school_in_words(membership.school)  # type: ignore[attr-defined]
    return memberships


def reader_countries(user) -> list[str]:
    """The countries of the schools `user` works in (their staff roles), else the installation's
    default: what "other countries" is other than."""
    codes = (
        School.objects.filter(staff__user=user).values_list("country_code", flat=True).distinct()
        if user.is_authenticated
        else []
    )
    return in_installation_order(codes) or [countries.default_code()]


OTHER_COUNTRIES = "other"
