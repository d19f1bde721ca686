"""A cluster's evidence pack (issue #25.7): what a network shows when it applies for recognition or funding.

The cluster guidance asks for evidence of community links (contrasting localities), of strong
relationships (a history of working together), of mentoring and of local authority support. Everything
here is read from what Kindred already records, and each part says where it comes from and how recent
it is (`Source`):

- members and their context: the registry (each school's latest context measures, with their year),
  and what sets the members apart (urban and rural, authorities, towns, each context measure's range);
- the history of working together: every spell of membership, and the network's events so far;
- shared needs and strengths: the evidence engine's pooled verdicts (each member's own country's current
  performance run);
- the plan: the network's development plans, priorities and their actions' progress;
- participation: the ledger (impact/ledger.py);
- mentoring: mentor and mentee schools in this network, and partnerships (two-school networks) a member
  school is in;
- support letters: uploaded by the coordinators or the system leaders over the network;
- impact so far: the stored outcome effects and the surveys' results.

Nothing is estimated here that is not estimated elsewhere: this is a reader.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from kindred import countries
from kindred.events.models import Event, Registration
from kindred.evidence.models import EvidenceRun, Flag, Performance
from kindred.impact.exports import number
from kindred.impact.ledger import Ledger, network_ledger
from kindred.impact.models import NetworkEffect, SupportLetter
from kindred.impact.selectors import SurveyResults, stored_effects, survey_results
from kindred.networks.models import Membership, Network
from kindred.plans.models import Action, DevelopmentPlan
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure


@dataclass(frozen=True)
class Source:
    """Where a part of the pack comes from (a code the template words) and when it was last true."""

    code: str
    as_of: datetime | None


@dataclass
class Member:
    school: School
    role: str  # the role's words (Membership.Role)
    joined: datetime
    context: dict[str, tuple[float, int]] = field(default_factory=dict)  # measure code → (value, year)
    values: list[float | None] = field(default_factory=list)  # in the pack's context_measures order


@dataclass(frozen=True)
class ContextRange:
    measure: MeasureDefinition
    lowest: float
    highest: float
    schools: int


@dataclass
class Localities:
    urban: int
    rural: int
    unknown: int
    authorities: list[str]
    towns: list[str]
    ranges: list[ContextRange]

    @property
    def contrasting(self) -> bool:
        """Whether the members come from contrasting places: urban and rural, or several authorities."""
        return bool((self.urban and self.rural) or len(self.authorities) > 1)


@dataclass(frozen=True)
class HistoryEvent:
    event: Event
    attended: int


@dataclass
class SharedVerdict:
    measure: MeasureDefinition
    strengths: list[School] = field(default_factory=list)
    needs: list[School] = field(default_factory=list)

    @property
    def shared_need(self) -> bool:
        return len(self.needs) >= 2


@dataclass(frozen=True)
class PlanSummary:
    plan: DevelopmentPlan
    priorities: list[str]
    actions: dict[str, int]  # status → count
    changed: datetime


@dataclass(frozen=True)
class Partnership:
    network: Network
    member: School  # the pack's member school in it
    partners: list[School]
    role: str
    started: datetime
    ended: datetime | None
    days: int


@dataclass
class EvidencePack:
    network: Network
    made_at: datetime
    members: list[Member]
    context_measures: list[MeasureDefinition]
    localities: Localities
    spells: list[Membership]
    events: list[HistoryEvent]
    shared: list[SharedVerdict]
    plans: list[PlanSummary]
    ledger: Ledger
    mentoring: list[Membership]
    partnerships: list[Partnership]
    letters: list[SupportLetter]
    effects: list[NetworkEffect]
    surveys: list[SurveyResults]
    sources: dict[str, Source]


def _members(network: Network) -> list[Member]:
    return [
        Member(school=m.school, role=str(m.get_role_display()), joined=m.joined_at)
        for m in network.memberships.active()
        .select_related("school__local_authority", "school__region")
        .order_by("school__name")
    ]


def _context(members: list[Member]) -> tuple[list[MeasureDefinition], list[ContextRange], int | None]:
    """Each member's latest value of every context measure (in place), the ranges, and the latest year."""
    by_school = {m.school.pk: m for m in members}
    rows = (
        SchoolMeasure.objects.filter(
            school_id__in=by_school, measure__kind=MeasureDefinition.Kind.CONTEXT, suppressed=False
        )
        .select_related("measure")
        .order_by("measure__code", "year")
    )
    measures: dict[str, MeasureDefinition] = {}
    for row in rows:  # later years replace earlier ones
        measures[row.measure.code] = row.measure
        by_school[row.school_id].context[row.measure.code] = (row.value, row.year)
    ranges = []
    latest = None
    for code, measure in measures.items():
        values = [m.context[code][0] for m in members if code in m.context]
        years = [m.context[code][1] for m in members if code in m.context]
        latest = max([latest or 0, *years]) or None
        ranges.append(ContextRange(measure, min(values), max(values), len(values)))
    for member in members:
        member.values = [member.context[code][0] if code in member.context else None for code in measures]
    return list(measures.values()), ranges, latest


def _localities(members: list[Member], ranges: list[ContextRange]) -> Localities:
    kinds = [m.school.urban_rural for m in members]
    return Localities(
        urban=kinds.count(School.UrbanRural.URBAN),
        rural=kinds.count(School.UrbanRural.RURAL),
        unknown=kinds.count(School.UrbanRural.UNKNOWN),
        authorities=sorted({m.school.local_authority.name for m in members if m.school.local_authority}),
        towns=sorted({m.school.town for m in members if m.school.town}),
        ranges=ranges,
    )


def _events(network: Network, now: datetime) -> list[HistoryEvent]:
    events = list(
        Event.objects.filter(network=network, starts_at__lte=now)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("host_school")
        .order_by("starts_at")
    )
    attended = dict(
        Registration.objects.filter(event__in=events, attended__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("event")
        .annotate(n=Sum("attended"))
    )
    return [HistoryEvent(event, attended.get(event.pk) or 0) for event in events]


def _evidence_run(members: list[Member]) -> EvidenceRun | None:
    """The current relative-performance run the shared verdicts are dated by: with several countries, each
    member's own country's (evidence per country, docs/countries.md), the oldest of them when the members
    span countries (the verdicts are true as of then at least); otherwise the installation's latest."""
    runs = EvidenceRun.objects.filter(kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT)
    if not countries.several():
        return runs.order_by("-finished_at").first()
    return (
        runs.filter(country_code__in={m.school.country_code for m in members}).order_by("finished_at").first()
    )


def _shared(members: list[Member]) -> list[SharedVerdict]:
    found: dict[int, SharedVerdict] = {}
    schools = {m.school.pk: m.school for m in members}
    rows = Performance.objects.filter(school_id__in=schools, year__isnull=True)
    if countries.several():  # each school's verdicts from its own country's run only
        rows = rows.filter(run__country_code=F("school__country_code"))
    rows = rows.exclude(flag=Flag.NONE).select_related("measure").order_by("measure__domain", "measure__code")
    for row in rows:
        verdict = found.setdefault(row.measure_id, SharedVerdict(measure=row.measure))
        (verdict.strengths if row.flag == Flag.STRENGTH else verdict.needs).append(schools[row.school_id])
    return list(found.values())


def _plans(network: Network) -> list[PlanSummary]:
    out = []
    for plan in DevelopmentPlan.objects.filter(network=network).annotate(changed=Max("changes__at")):
        counts = dict(
            Action.objects.filter(priority__plan=plan).values_list("status").annotate(n=Count("pk"))
        )
        out.append(
            PlanSummary(
                plan=plan,
                priorities=list(plan.priorities.values_list("title", flat=True)),
                actions={status: counts.get(status, 0) for status in Action.Status.values},
                changed=plan.changed or plan.created_at,  # type: ignore[attr-defined]
            )
        )
    return out


def _partnerships(network: Network, members: list[Member], now: datetime) -> list[Partnership]:
    schools = [m.school for m in members]
    out = []
    spells = (
        Membership.objects.filter(school__in=schools, network__kind=Network.Kind.PARTNERSHIP)
        .exclude(network=network)
        .select_related("network", "school")
        .order_by("joined_at")
    )
    for spell in spells:
        partners = [
            m.school for m in spell.network.memberships.select_related("school").exclude(school=spell.school)
        ]
        out.append(
            Partnership(
                network=spell.network,
                member=spell.school,
                partners=partners,
                role=spell.role,
                started=spell.joined_at,
                ended=spell.left_at,
                days=((spell.left_at or now) - spell.joined_at).days,
            )
        )
    return out


def network_pack(*, network: Network) -> EvidencePack:
    """Everything the network's evidence pack shows, each part with its source and date."""
    now = timezone.now()
    members = _members(network)
    measures, ranges, context_year = _context(members)
    spells = list(network.memberships.select_related("school").order_by("joined_at", "school__name"))
    events = _events(network, now)
    effects = stored_effects(network=network)
    surveys = survey_results(network=network)
    letters = list(SupportLetter.objects.filter(network=network).select_related("uploaded_by"))
    performance_run = _evidence_run(members)
    plans = _plans(network)
    membership_dates = network.memberships.aggregate(
        joined=Max("joined_at"), left=Max("left_at"), first=Min("joined_at")
    )
    last_change = max(d for d in (membership_dates["joined"], membership_dates["left"], now) if d)
    mentoring = [s for s in spells if s.role in (Membership.Role.MENTOR, Membership.Role.MENTEE)]
    latest_survey = max(
        (r.post.consultation.created_at if r.post else r.pre.consultation.created_at for r in surveys),
        default=None,
    )
    sources = {
        "members": Source("registry", None if context_year is None else datetime(context_year, 1, 1)),
        "history": Source("memberships", min(last_change, now)),
        "events": Source("calendar", events[-1].event.starts_at if events else None),
        "shared": Source("evidence", performance_run.finished_at if performance_run else None),
        "plans": Source("plans", max((p.changed for p in plans), default=None)),
        "participation": Source("ledger", now),
        "mentoring": Source("memberships", max((s.joined_at for s in mentoring), default=None)),
        "letters": Source("letters", letters[0].uploaded_at if letters else None),
        "effects": Source("impact", max((e.computed_at for e in effects), default=None)),
        "surveys": Source("surveys", latest_survey),
    }
    return EvidencePack(
        network=network,
        made_at=now,
        members=members,
        context_measures=measures,
        localities=_localities(members, ranges),
        spells=spells,
        events=events,
        shared=_shared(members),
        plans=plans,
        ledger=network_ledger(network=network),
        mentoring=mentoring,
        partnerships=_partnerships(network, members, now),
        letters=letters,
        effects=effects,
        surveys=surveys,
        sources=sources,
    )


def pack_numbers(pack: EvidencePack) -> list[tuple[str, str, str, object, str, str]]:
    """The pack's numbers, one row each: section, subject, figure, value, source, as of (ISO date)."""
    rows: list[tuple[str, str, str, object, str, str]] = []

    def add(section: str, subject: str, figure: str, value: object) -> None:
        source = pack.sources[section]
        rows.append(
            (
                section,
                subject,
                figure,
                value,
                source.code,
                source.as_of.date().isoformat() if source.as_of else "",
            )
        )

    for member in pack.members:
        add("members", member.school.registry_id, "pupils", member.school.pupils or "")
        for code, (value, _year) in sorted(member.context.items()):
            add("members", member.school.registry_id, code, number(value))
    loc = pack.localities
    add("members", "all", "urban", loc.urban)
    add("members", "all", "rural", loc.rural)
    add("members", "all", "authorities", len(loc.authorities))
    for r in loc.ranges:
        add("members", "all", f"{r.measure.code} lowest", number(r.lowest))
        add("members", "all", f"{r.measure.code} highest", number(r.highest))
    for spell in pack.spells:
        add("history", spell.school.registry_id, "joined", spell.joined_at.date().isoformat())
        if spell.left_at:
            add("history", spell.school.registry_id, "left", spell.left_at.date().isoformat())
    for item in pack.events:
        add("events", item.event.starts_at.date().isoformat(), "attended", item.attended)
    for verdict in pack.shared:
        add("shared", verdict.measure.code, "strengths", len(verdict.strengths))
        add("shared", verdict.measure.code, "needs", len(verdict.needs))
    for plan in pack.plans:
        for status, count in plan.actions.items():
            add("plans", plan.plan.title, f"actions {status}", count)
    for school in pack.ledger.schools:
        for name in (
            "days_member",
            "events_hosted",
            "staff_places_used",
            "pupils_attended",
            "posts",
            "actions_done",
        ):
            add("participation", school.school.registry_id, name, getattr(school, name))
    for p in pack.partnerships:
        add("mentoring", f"{p.member.registry_id} in {p.network.name}", "days", p.days)
    add("letters", "all", "letters", len(pack.letters))
    for e in pack.effects:
        add("effects", e.measure.code, "effect", number(e.effect))
        add("effects", e.measure.code, "lower", number(e.lower))
        add("effects", e.measure.code, "upper", number(e.upper))
        add("effects", e.measure.code, "schools", e.schools)
    for s in pack.surveys:
        add("surveys", s.survey.title, "asked before", s.pre.asked)
        add("surveys", s.survey.title, "answered before", s.pre.answered)
        if s.post:
            add("surveys", s.survey.title, "asked after", s.post.asked)
            add("surveys", s.survey.title, "answered after", s.post.answered)
        for st in s.statements:
            for label, summary in (("before", st.pre), ("after", st.post)):
                if summary is not None:
                    add("surveys", st.text, f"mean {label}", number(summary.mean))
                    if summary.lower is not None and summary.upper is not None:
                        add("surveys", st.text, f"lower {label}", number(summary.lower))
                        add("surveys", st.text, f"upper {label}", number(summary.upper))
            if st.change is not None:
                add("surveys", st.text, "change", number(st.change.difference))
                add("surveys", st.text, "change lower", number(st.change.lower))
                add("surveys", st.text, "change upper", number(st.change.upper))
    return rows
