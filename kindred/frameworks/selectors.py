"""Reads for self-evaluation: a school's overview (own, staff spread, peers), and verdicts by domain."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from kindred.accounts.models import SchoolStaff
from kindred.engine import selfeval
from kindred.evidence.models import Flag, Performance
from kindred.frameworks import loading
from kindred.frameworks.models import (
    Domain,
    Evaluation,
    EvidenceFile,
    FrameworkVersion,
    PeerReview,
    Rating,
    Standard,
)
from kindred.frameworks.services import LEADER_ROLES
from kindred.schools.models import School


def current_year() -> int:
    """The year the current school year started in (from August on, this calendar year)."""
    today = timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def framework_versions() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").order_by("framework__name", "-number")


def version_outline(version: FrameworkVersion) -> list[Domain]:
    """The version's domains with their standards, in order (two queries)."""
    return list(
        version.domains.prefetch_related(
            Prefetch("standards", queryset=Standard.objects.order_by("position"))
        )
    )


def version_spec(version: FrameworkVersion) -> loading.FrameworkSpec:
    """A stored version as the structure the framework files are read into and written from."""
    return loading.FrameworkSpec(
        code=version.framework.code,
        name=version.framework.name,
        description=version.framework.description,
        scale=list(version.scale),
        domains=[
            loading.DomainSpec(
                domain.code,
                domain.name,
                [
                    loading.StandardSpec(s.code, s.name, list(s.descriptors), list(s.behaviours))
                    for s in domain.standards.all()
                ],
            )
            for domain in version_outline(version)
        ],
    )


@dataclass
class StandardRow:
    standard: Standard
    own: Rating | None = None
    staff: selfeval.Spread | None = None
    peers: list[Rating] = field(default_factory=list)
    difference: selfeval.Difference | None = None
    files: list[EvidenceFile] = field(default_factory=list)  # attached to the school's own evaluation


@dataclass
class DomainBlock:
    domain: Domain
    rows: list[StandardRow]
    own_score: float | None
    verdict: str | None
    staff_score: float | None
    peer_score: float | None


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def school_overview(*, school: School, version: FrameworkVersion, year: int) -> list[DomainBlock]:
    """Every standard with the school's own rating, its staff's spread and its peers' ratings."""
    outline = version_outline(version)
    ratings = Rating.objects.filter(
        evaluation__school=school, evaluation__version=version, evaluation__year=year
    ).select_related("evaluation", "evaluation__author", "evaluation__peer_review__reviewer_school")
    own: dict[int, Rating] = {}
    staff: dict[int, list[int]] = defaultdict(list)
    peers: dict[int, list[Rating]] = defaultdict(list)
    for rating in ratings:
        kind = rating.evaluation.kind
        if kind == Evaluation.Kind.SELF:
            own[rating.standard_id] = rating
        elif kind == Evaluation.Kind.STAFF:
            staff[rating.standard_id].append(rating.level)
        else:
            peers[rating.standard_id].append(rating)
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for item in EvidenceFile.objects.filter(
        evaluation__school=school,
        evaluation__version=version,
        evaluation__year=year,
        evaluation__kind=Evaluation.Kind.SELF,
    ):
        files[item.standard_id].append(item)
    differences = {
        int(d.standard): d
        for d in selfeval.self_peer_differences(
            {str(k): v.level for k, v in own.items()},
            {str(k): [r.level for r in v] for k, v in peers.items()},
        )
    }
    blocks = []
    for domain in outline:
        rows = [
            StandardRow(
                standard=standard,
                own=own.get(standard.pk),
                staff=selfeval.spread(staff[standard.pk], scale_max=version.scale_max)
                if staff[standard.pk]
                else None,
                peers=peers.get(standard.pk, []),
                difference=differences.get(standard.pk),
                files=files.get(standard.pk, []),
            )
            for standard in domain.standards.all()
        ]
        own_score = _mean(row.own.level if row.own else None for row in rows)
        blocks.append(
            DomainBlock(
                domain=domain,
                rows=rows,
                own_score=own_score,
                verdict=selfeval.verdict(own_score, scale_max=version.scale_max),
                staff_score=_mean(row.staff.mean if row.staff else None for row in rows),
                peer_score=_mean(_mean(r.level for r in row.peers) for row in rows),
            )
        )
    return blocks


def own_domain_scores(
    *, schools: list[School] | list[int] | QuerySet[School] | None, version: FrameworkVersion, year: int
) -> dict[int, dict[str, float]]:
    """school id → domain code → the mean of the school's own ratings over that domain's standards
    (every school that rated itself when `schools` is None)."""
    standard_domain = dict(Standard.objects.filter(domain__version=version).values_list("pk", "domain__code"))
    per_school: dict[int, dict[str, int]] = defaultdict(dict)
    ratings = Rating.objects.filter(
        evaluation__version=version,
        evaluation__year=year,
        evaluation__kind=Evaluation.Kind.SELF,
    )
    if schools is not None:
        ratings = ratings.filter(evaluation__school__in=schools)
    for school_id, standard_id, level in ratings.values_list("evaluation__school_id", "standard_id", "level"):
        per_school[school_id][str(standard_id)] = level
    mapping = {str(k): v for k, v in standard_domain.items()}
    return {school_id: selfeval.domain_scores(levels, mapping) for school_id, levels in per_school.items()}


def selfeval_verdicts(
    *, schools: list[School] | list[int] | QuerySet[School] | None, version: FrameworkVersion, year: int
) -> dict[int, dict[str, str]]:
    """school id → domain code → 'strength' or 'need', from the schools' own evaluations.

    This is how self-evaluation joins the evidence from measures (each labelled by its source) in
    brokering, formation and offer matching.
    """
    result: dict[int, dict[str, str]] = {}
    for school_id, scores in own_domain_scores(schools=schools, version=version, year=year).items():
        verdicts = {
            domain: found
            for domain, score in scores.items()
            if (found := selfeval.verdict(score, scale_max=version.scale_max))
        }
        if verdicts:
            result[school_id] = verdicts
    return result


def peer_reviews_of(*, school: School, year: int) -> QuerySet[PeerReview]:
    return PeerReview.objects.filter(school=school, year=year).select_related(
        "reviewer_school", "version__framework"
    )


def peer_reviews_waiting(*, user) -> QuerySet[PeerReview]:
    """Peer reviews asked of the schools `user` leads that nobody at the reviewing school has rated yet."""
    schools = SchoolStaff.objects.filter(user=user, role__in=LEADER_ROLES).values("school_id")
    rated = Evaluation.objects.filter(peer_review=OuterRef("pk"))
    return (
        PeerReview.objects.filter(reviewer_school_id__in=schools)
        .exclude(Exists(rated))
        .select_related("school", "reviewer_school", "version__framework")
        .order_by("-requested_at", "-pk")
    )


def peer_reviews_for_reviewer(*, schools: QuerySet[School] | list[School]) -> QuerySet[PeerReview]:
    return PeerReview.objects.filter(reviewer_school__in=schools).select_related(
        "school", "reviewer_school", "version__framework"
    )


@dataclass
class NetworkHeatmap:
    version: FrameworkVersion
    domains: list[Domain]
    outcome_domains: list[str]
    schools: list[School]
    map: selfeval.Heatmap
    measures: dict[tuple[int, str], str]  # (school id, outcome domain) → 'strength' / 'need'
    domain_names: dict[str, str]
    hidden: set[int] = field(default_factory=set)  # schools whose self-evaluation the reader may not see

    def rows(self):
        """Per school: its self-evaluation cells then its measure cells, for the template."""
        for school in self.schools:
            key = str(school.pk)
            yield (
                school,
                None
                if school.pk in self.hidden
                else [
                    (
                        domain,
                        self.map.scores.get((key, domain.code)),
                        self.map.verdicts.get((key, domain.code)),
                    )
                    for domain in self.domains
                ],
                [(domain, self.measures.get((school.pk, domain))) for domain in self.outcome_domains],
            )

    def shared_needs(self) -> list[Domain]:
        return [d for d in self.domains if d.code in self.map.shared_needs]

    def experts(self):
        """(school in need, domain, [schools of the network strong there]) for every self-evaluated need."""
        by_id = {str(s.pk): s for s in self.schools}
        names = {d.code: d for d in self.domains}
        for (school_key, domain_code), helpers in sorted(
            self.map.experts.items(), key=lambda i: (i[0][1], i[0][0])
        ):
            yield by_id[school_key], names[domain_code], [by_id[h] for h in helpers]

    def measure_experts(self):
        """(outcome domain, schools with a need there, schools with a strength there) from measures."""
        for domain in self.outcome_domains:
            needing = [s for s in self.schools if self.measures.get((s.pk, domain)) == "need"]
            strong = [s for s in self.schools if self.measures.get((s.pk, domain)) == "strength"]
            if needing:
                yield domain, needing, strong


def network_heatmap(
    *, schools: list[School], version: FrameworkVersion, year: int, visible: set[int] | None = None
) -> NetworkHeatmap:
    """Member schools × framework domains (own ratings) beside their measures' strengths and needs.

    Only the schools in `visible` (pks; None: all) have their own ratings read: the others' rows
    show "not shared", and the shared needs and internal experts are found among the visible ones
    (`frameworks.access.selfeval_visible` says who may see whose)."""
    domains = list(version.domains.all())
    shown = [s for s in schools if visible is None or s.pk in visible]
    scores = own_domain_scores(schools=shown, version=version, year=year)
    result = selfeval.heatmap(
        {str(s.pk): scores.get(s.pk, {}) for s in shown},
        [d.code for d in domains],
        scale_max=version.scale_max,
    )
    measures: dict[tuple[int, str], str] = {}
    for school_id, domain, flag in Performance.objects.filter(
        school__in=schools, year__isnull=True, flag__in=[Flag.STRENGTH, Flag.NEED]
    ).values_list("school_id", "measure__domain", "flag"):
        # Two measures of one domain disagreeing: the need is what a plan must see.
        if measures.get((school_id, domain)) != "need":
            measures[(school_id, domain)] = "need" if flag == Flag.NEED else "strength"
    outcome_domains = sorted({domain for _school, domain in measures})
    return NetworkHeatmap(
        version=version,
        domains=domains,
        outcome_domains=outcome_domains,
        schools=list(schools),
        map=result,
        measures=measures,
        domain_names={d.code: d.name for d in domains},
        hidden={s.pk for s in schools} - {s.pk for s in shown},
    )


def latest_selfeval_verdicts(
    *, schools: list[int] | None = None
) -> tuple[FrameworkVersion | None, int | None, dict[int, dict[str, str]]]:
    """(version, year, school id → domain code → verdict) for the newest year of own evaluations on
    the framework version most used that year: what brokering, formation and offer matching join to
    the needs and strengths from measures (for the School pks in `schools`, or every school)."""
    latest = (
        Evaluation.objects.filter(kind=Evaluation.Kind.SELF)
        .values("version_id", "year")
        .annotate(n=models.Count("pk"))
        .order_by("-year", "-n")
        .first()
    )
    if latest is None:
        return None, None, {}
    version = FrameworkVersion.objects.get(pk=latest["version_id"])
    return version, latest["year"], selfeval_verdicts(schools=schools, version=version, year=latest["year"])


@dataclass
class SchoolVerdicts:
    """A school's strengths and needs from its own evaluation of one year (the newest it has)."""

    version: FrameworkVersion
    year: int
    strengths: list[tuple[Domain, float]]  # (domain, domain score), best first
    needs: list[tuple[Domain, float]]  # weakest first


def school_verdicts(school: School) -> SchoolVerdicts | None:
    """The school's self-evaluated strengths and needs in the newest year it rated itself (None when
    it never did), by the rule brokering uses (`selfeval_verdicts`). Four queries."""
    latest = (
        Evaluation.objects.filter(school=school, kind=Evaluation.Kind.SELF, ratings__isnull=False)
        .order_by("-year", "-updated_at")
        .values("version_id", "year")
        .first()
    )
    if latest is None:
        return None
    version = FrameworkVersion.objects.get(pk=latest["version_id"])
    scores = own_domain_scores(schools=[school.pk], version=version, year=latest["year"]).get(school.pk, {})
    domains = {d.code: d for d in version.domains.all()}
    strengths, needs = [], []
    for code, score in scores.items():
        found = selfeval.verdict(score, scale_max=version.scale_max)
        if found == "strength":
            strengths.append((domains[code], score))
        elif found == "need":
            needs.append((domains[code], score))
    return SchoolVerdicts(
        version=version,
        year=latest["year"],
        strengths=sorted(strengths, key=lambda item: (-item[1], item[0].position)),
        needs=sorted(needs, key=lambda item: (item[1], item[0].position)),
    )
