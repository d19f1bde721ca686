"""The roll-up of member networks' consultations on a community of communities' page (issue 23,
item 5; registered in VoiceConfig.ready()).

What the reader sees follows the rule a network's survey results already follow on its impact page
(docs/impact.md, "What staff say"): whoever may see a network sees its consultations' aggregated
results, never an answer. So:

- only consultations of member networks the reader may see (`networks_visible_q`), opened (not
  drafts);
- for each, how many answers came and how many schools it asks;
- for each question on a scale, the mean level and the number of answers; for each question with
  choices, the most chosen answer and its share — each only when at least the consultation's
  `min_respondents` answered it ("Too few answers to show" otherwise), as engine/survey.py hides a
  small group; answers in words are never shown here (their owner reads them on the consultation's
  results page).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Avg, Count

from kindred.networks.access import descendant_ids, networks_visible_q
from kindred.networks.models import Membership, Network
from kindred.voice.models import Answer, Consultation, Question

CONSULTATIONS_PER_PAGE = 10


@dataclass
class QuestionRollup:
    question: Question
    answers: int
    shown: bool  # at least the consultation's min_respondents answered
    mean: float | None = None  # a scale question's mean level
    top_choice: str = ""  # a choice question's most chosen answer
    top_percent: int | None = None  # its share of the answers, in whole per cent


def _questions(consultations: list[Consultation]) -> None:
    """Each consultation's `rollup`: its scale and choice questions' aggregates (three queries)."""
    ids = [c.pk for c in consultations]
    questions = list(Question.objects.filter(consultation_id__in=ids).exclude(kind=Question.Kind.TEXT))
    scale = {
        row["question_id"]: row
        for row in Answer.objects.filter(question__in=[q for q in questions if q.kind == Question.Kind.SCALE])
        .exclude(level__isnull=True)
        .values("question_id")
        .annotate(n=Count("id"), mean=Avg("level"))
    }
    choices: dict[int, list[tuple[str, int]]] = {}
    for row in (
        Answer.objects.filter(question__in=[q for q in questions if q.kind == Question.Kind.CHOICE])
        .exclude(choice="")
        .values("question_id", "choice")
        .annotate(n=Count("id"))
        .order_by("question_id", "-n", "choice")
    ):
        choices.setdefault(row["question_id"], []).append((row["choice"], row["n"]))
    minimum = {c.pk: c.min_respondents for c in consultations}
    by_consultation: dict[int, list[QuestionRollup]] = {}
    for question in questions:
        least = minimum[question.consultation_id]
        if question.kind == Question.Kind.SCALE:
            row = scale.get(question.pk, {"n": 0, "mean": None})
            shown = row["n"] >= least
            item = QuestionRollup(question, row["n"], shown, mean=row["mean"] if shown else None)
        else:
            counted = choices.get(question.pk, [])
            n = sum(count for _choice, count in counted)
            shown = n >= least
            item = QuestionRollup(question, n, shown)
            if shown:
                item.top_choice, top = counted[0]
                item.top_percent = round(100 * top / n)
        by_consultation.setdefault(question.consultation_id, []).append(item)
    for consultation in consultations:
        consultation.rollup = by_consultation.get(consultation.pk, [])


def consultations_rollup_context(request, network: Network) -> dict:
    if not network.has_member_networks:
        return {"rollup": False}
    below = descendant_ids(network)
    visible = Network.objects.filter(networks_visible_q(request.user), pk__in=below).values("pk")
    consultations = (
        Consultation.objects.filter(audience=Consultation.Audience.NETWORK, network__in=visible)
        .exclude(status=Consultation.Status.DRAFT)
        .select_related("network")
        .annotate(answer_count=Count("responses", distinct=True))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(consultations, CONSULTATIONS_PER_PAGE).get_page(request.GET.get("voice_page"))
    shown = list(page.object_list)
    if shown:
        _questions(shown)
        asked = dict(
            Membership.objects.active()
            .filter(network_id__in={c.network_id for c in shown})
            .values("network_id")
            .annotate(n=Count("school_id", distinct=True))
            .values_list("network_id", "n")
        )
        for consultation in shown:
            consultation.schools_asked = asked.get(consultation.network_id, 0)
    return {
        "rollup": True,
        "network": network,
        "page": page,
        "consultations": shown,
        "networks_below": len(below),
    }
