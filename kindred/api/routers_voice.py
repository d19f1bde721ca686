"""/api/v1/consultations…: consultations a person owns, and their aggregated results, only to whom
the results page shows them (voice.access.consultation_for_owner: the owner and site admins).

Only counts and means leave: never an answer, its school or its author, never the free text (its
themes are counted). A group (every answer, a region, a network, a country, a school) with fewer
answers than the consultation's `min_respondents` is left out, so no group's figures are one school's or person's;
a network the caller may not see (networks.access.networks_visible_q) is not named among the groups.
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import Path, Query, Router

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, ConsultationPage, ConsultationResultsOut, Paging, Problem
from kindred.api.scope import in_token_organisation, in_token_region, within_token_organisation
from kindred.engine.consultation import ChoiceSummary, ScaleSummary
from kindred.networks.access import networks_visible_q
from kindred.networks.models import Network
from kindred.voice.access import consultation_for_owner
from kindred.voice.models import Consultation
from kindred.voice.selectors import QuestionResult, owned_by, results
from kindred.voice.services import audience_schools

router = Router(tags=["consultations"])


def _in_token_region(consultation: Consultation, token) -> bool:
    """A region token reaches its region's consultations and its region's networks' (a national one
    belongs to no region)."""
    if token.region_id is None:
        return True
    network_region = consultation.network.region_id if consultation.network else None
    return token.region_id in {consultation.region_id, network_region}


def consultation_row(consultation: Consultation) -> dict:
    """As the consultations page lists it: the title in the request's language (a survey round's
    is worded in it around the survey's title: Consultation.display_title)."""
    return {
        "id": consultation.pk,
        "title": consultation.display_title,
        "description": consultation.description,
        "audience": consultation.audience,
        "region": consultation.region.code if consultation.region else None,
        "network": consultation.network_id,
        "status": consultation.status,
        "answered_by": consultation.answered_by,
        "named": consultation.named,
        "council": consultation.council_id,
        "closes_on": consultation.closes_on,
        "min_respondents": consultation.min_respondents,
        "created_at": consultation.created_at,
    }


@router.get(
    "/consultations",
    response={200: ConsultationPage, 400: Problem},
    summary=gettext_noop("Consultations you own (every one for a site admin)"),
    description=gettext_noop(
        "The consultations whose results you may read (voice.selectors.owned_by), by id."
    ),
)
def consultations_list(request: HttpRequest, paging: Query[Paging]):
    user, token = caller(request)
    consultations = in_token_organisation(
        in_token_region(owned_by(user), token, fields=("region_id", "network__region_id")), token
    )
    return cursor.page_of(consultations, paging, each=consultation_row)


def _summary(value: object) -> dict:
    if isinstance(value, ChoiceSummary):
        return {"answered": value.answered, "counts": dict(value.counts), "mean": None}
    if isinstance(value, ScaleSummary):
        counts = {str(level): n for level, n in enumerate(value.counts, start=1)}
        return {"answered": value.answered, "counts": counts, "mean": value.mean}
    return {"answered": value if isinstance(value, int) else 0, "counts": {}, "mean": None}  # free text


def question_row(result: QuestionResult, *, fewest: int, networks_seen: set[str]) -> dict:
    """One question's aggregated results: groups under `fewest` answers left out, and networks
    other than `networks_seen` (a private one the caller may not see is not named)."""
    question = result.question
    overall = _summary(result.overall)
    shown = overall["answered"] >= fewest

    def groups(by: dict, *, named: set[str] | None = None) -> list[dict]:
        rows = [{"group": name, **_summary(value)} for name, value in by.items()]
        return [r for r in rows if r["answered"] >= fewest and (named is None or r["group"] in named)]

    return {
        "id": question.pk,
        "text": question.text,
        "kind": question.kind,
        "options": list(question.options or []),
        "scale_top": question.scale_top,
        "overall": overall if shown else None,
        "by_region": groups(result.by_region) if shown else [],
        "by_network": groups(result.by_network, named=networks_seen) if shown else [],
        "by_country": groups(result.by_country) if shown else [],
        "by_school": groups(result.by_school) if shown else [],
        "themes": result.themes if shown else {},
    }


@router.get(
    "/consultations/{consultation_id}/results",
    response={200: ConsultationResultsOut, 404: Problem},
    summary=gettext_noop("A consultation's aggregated results, for its owner"),
    description=gettext_noop(
        "What the results page counts (voice.selectors.results): per question, every answer, by "
        "region, by network, by country and (when each person answers) by school; counts and means "
        "only. 404 to anyone but its owner and site admins (voice.access.consultation_for_owner), and "
        "outside a region token's region."
    ),
)
def consultation_results(request: HttpRequest, consultation_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = caller(request)
    consultation = consultation_for_owner(user, consultation_id)
    if not _in_token_region(consultation, token):
        raise Http404("No such consultation.")
    within_token_organisation(token, consultation.network_id, what="consultation")
    answered, found = results(consultation)
    fewest = consultation.min_respondents
    network_names = {name for r in found for name in r.by_network}
    seen = Network.objects.filter(networks_visible_q(user), name__in=network_names).only(
        "name", "made_by", "name_params"
    )
    # Groups are the networks' stored names; a name Kindred made is shown in the request's language.
    shown_as = {network.name: network.display_name for network in seen}
    networks_seen = set(shown_as)
    rows = [question_row(r, fewest=fewest, networks_seen=networks_seen) for r in found]
    for row in rows:
        for group in row["by_network"]:
            group["group"] = shown_as[group["group"]]
    return {
        "id": consultation.pk,
        "title": consultation.display_title,
        "status": consultation.status,
        "asked": audience_schools(consultation).count(),
        "answered": answered,
        "min_respondents": fewest,
        "questions": rows,
    }
