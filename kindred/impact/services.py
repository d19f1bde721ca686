"""Writes for impact: programmes (create, change, their networks), their costs, and the recompute of every
network's and every programme's outcome effects, stored in one switch; a network's pre/post surveys; the
support letters of its evidence pack."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.brokering.access import leader_regions
from kindred.core.progress import Progress, Said, no_progress
from kindred.engine.impact import ESTIMATED, ImpactEstimate
from kindred.events.models import Event
from kindred.impact.loading import measure_panels, school_rows
from kindred.impact.models import (
    Cost,
    NetworkEffect,
    Programme,
    ProgrammeEffect,
    StoredEffect,
    SupportLetter,
    Survey,
)
from kindred.library.checks import check_upload
from kindred.networks.access import is_coordinator
from kindred.networks.models import Membership, Network
from kindred.schools.models import MeasureDefinition, Region
from kindred.voice import services as voice
from kindred.voice.models import Consultation, Question

PROGRAMME_FIELDS = {"funder", "description", "starts_on", "ends_on"}


def _checked(programme: Programme) -> Programme:
    """The programme validated (a name taken in its region, an end before its start: refused)."""
    programme.name = programme.name.strip()
    if not programme.name:
        raise ValidationError({"name": _("A programme needs a name.")})
    if programme.starts_on and programme.ends_on and programme.ends_on < programme.starts_on:
        raise ValidationError({"ends_on": _("A programme cannot end before it starts.")})
    clash = Programme.objects.filter(region=programme.region, name__iexact=programme.name)
    if clash.exclude(pk=programme.pk).exists():
        raise ValidationError({"name": _("This area already has a programme of that name.")})
    programme.full_clean(validate_unique=False, validate_constraints=False)
    return programme


@transaction.atomic
def programme_create(
    *,
    name: str,
    kind: Programme.Kind | str,
    region: Region,
    by: User | None,
    funder: str = "",
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Programme:
    """Create a programme of `region` (its system leaders see and change it)."""
    programme = _checked(
        Programme(
            name=name,
            kind=kind,
            region=region,
            funder=funder,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    )
    programme.save()
    audit(by, "programme.created", programme, region=region.pk)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by: User | None, name: str, kind: str, **fields) -> Programme:
    """Change a programme's name, kind, funder, description or dates (its region stays)."""
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown programme fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    programme.name, programme.kind = name, kind
    for key, value in fields.items():
        setattr(programme, key, value)
    _checked(programme).save()
    audit(by, "programme.changed", programme, fields=sorted({"name", "kind", *fields}))
    return programme


def _in_region(network: Network, region: Region) -> bool:
    return network.region_id == region.pk or network.memberships.filter(school__region=region).exists()


@transaction.atomic
def programme_network_add(*, programme: Programme, network: Network, by: User | None) -> None:
    """Add a network to the programme: one of the programme's area, or with a member school there."""
    if not _in_region(network, programme.region):
        raise ValidationError(
            _("%(network)s is not in %(region)s: neither its area nor any of its schools is.")
            % {"network": network.name, "region": programme.region.name}
        )
    if programme.networks.filter(pk=network.pk).exists():
        raise ValidationError(_("%(network)s is in the programme already.") % {"network": network.name})
    programme.networks.add(network)
    audit(by, "programme.network_added", programme, network=network.pk)


@transaction.atomic
def programme_network_remove(*, programme: Programme, network: Network, by: User | None) -> None:
    """Take a network out of the programme (the network itself is unchanged)."""
    if not programme.networks.filter(pk=network.pk).exists():
        raise ValidationError(_("%(network)s is not in the programme.") % {"network": network.name})
    programme.networks.remove(network)
    audit(by, "programme.network_removed", programme, network=network.pk)


@transaction.atomic
def cost_add(
    *,
    programme: Programme,
    description: str,
    amount: Decimal,
    spent_on: date,
    by: User | None,
    network: Network | None = None,
    event: Event | None = None,
) -> Cost:
    """Record money spent on the programme, on one of its networks, or on one of their events (whose
    network it then counts for too)."""
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Say what the money paid for.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("An amount spent is more than zero.")})
    if event is not None:
        if event.network_id is None:
            raise ValidationError(
                {"event": _("Only an event of one of the programme's networks can be costed here.")}
            )
        if network is not None and network.pk != event.network_id:
            raise ValidationError({"event": _("The event is not one of that network's.")})
        network = event.network
    if network is not None and not programme.networks.filter(pk=network.pk).exists():
        raise ValidationError(
            {
                "event" if event is not None else "network": _("%(network)s is not in the programme.")
                % {"network": network.name}
            }
        )
    cost = Cost(
        programme=programme,
        network=network,
        event=event,
        description=description,
        amount=amount,
        spent_on=spent_on,
    )
    cost.full_clean()
    cost.save()
    audit(
        by,
        "programme.cost_added",
        programme,
        cost=cost.pk,
        amount=str(amount),
        network=network and network.pk,
    )
    return cost


@transaction.atomic
def cost_delete(*, cost: Cost, by: User | None) -> None:
    """Remove a cost entered by mistake (the audit log keeps what it was)."""
    audit(
        by,
        "programme.cost_deleted",
        cost.programme,
        cost=cost.pk,
        amount=str(cost.amount),
        description=cost.description,
    )
    cost.delete()


def _stored(estimate: ImpactEstimate, years: tuple[int, ...], now, **owner) -> dict:
    overall = estimate.overall
    return dict(
        outcome=StoredEffect.Outcome.ESTIMATED
        if estimate.outcome == ESTIMATED
        else StoredEffect.Outcome.TOO_FEW,
        first_year=years[0],
        last_year=years[-1],
        effect=None if overall is None else overall.effect,
        lower=None if overall is None else overall.lower,
        upper=None if overall is None else overall.upper,
        se=None if overall is None else overall.se,
        schools=estimate.treated_schools,
        controls=estimate.control_schools,
        pre_trend_p=float(estimate.pre_trend_p) if estimate.pre_trend_years else None,
        pre_trend_years=estimate.pre_trend_years,
        event_study=[
            {"e": e, "effect": x.effect, "lower": x.lower, "upper": x.upper, "schools": x.schools}
            for e, x in sorted(estimate.event_study.items())
        ],
        computed_at=now,
        **owner,
    )


def effects_recompute(*, progress: Progress = no_progress) -> dict[str, int]:
    """Every network's and every programme's effect on every outcome measure with two years or more;
    replaces the stored ones. A programme is one unit: every school ever a member of one of its networks.

    The control fits of each measure are made once and shared by every unit (engine/impact.py).
    Everything is computed before anything is written; the old results are replaced in one transaction.
    """
    progress(0, 3, gettext_noop("loading results, memberships and context"))
    table, panels = measure_panels()
    members: dict[int, list[int]] = {}
    for network_id, school_id in Membership.objects.values_list("network_id", "school_id").distinct():
        members.setdefault(network_id, []).append(school_id)
    programmes: dict[int, set[int]] = {}
    for programme_id, network_id in Programme.networks.through.objects.values_list(
        "programme_id", "network_id"
    ):
        programmes.setdefault(programme_id, set()).update(members.get(network_id, []))
    programmes.update(
        {pk: set() for pk in Programme.objects.exclude(pk__in=programmes).values_list("pk", flat=True)}
    )
    measures = dict(
        MeasureDefinition.objects.filter(code__in=[p.measure for p in panels]).values_list("code", "pk")
    )
    now = timezone.now()
    network_rows, programme_rows = [], []
    for done, panel in enumerate(panels):
        progress(
            1,
            3,
            Said(
                gettext_noop("%(measure)s (%(n)s of %(total)s)"),
                measure=panel.measure,
                n=done + 1,
                total=len(panels),
            ),
        )
        measure_id = measures[panel.measure]
        for network_id, schools in members.items():
            estimate = panel.panel.estimate(school_rows(table, schools))
            network_rows.append(
                NetworkEffect(
                    **_stored(estimate, panel.years, now, network_id=network_id, measure_id=measure_id)
                )
            )
        for programme_id, unit in programmes.items():
            estimate = panel.panel.estimate(school_rows(table, unit))
            programme_rows.append(
                ProgrammeEffect(
                    **_stored(estimate, panel.years, now, programme_id=programme_id, measure_id=measure_id)
                )
            )
    progress(2, 3, gettext_noop("storing"))
    with transaction.atomic():
        NetworkEffect.objects.all().delete()
        NetworkEffect.objects.bulk_create(network_rows, batch_size=2_000)
        ProgrammeEffect.objects.all().delete()
        ProgrammeEffect.objects.bulk_create(programme_rows, batch_size=2_000)
    progress(3, 3, gettext_noop("done"))
    rows = network_rows + programme_rows
    return {
        "measures": len(panels),
        "networks": len(members),
        "programmes": len(programmes),
        "estimated": sum(r.outcome == StoredEffect.Outcome.ESTIMATED for r in rows),
        "too few schools": sum(r.outcome == StoredEffect.Outcome.TOO_FEW for r in rows),
    }


# --- surveys (issue #25.3): a network's or a programme's pre/post questionnaire, on the consultation
# machinery ---------------------------------------------------------------------------------------

MAX_SURVEY_QUESTIONS = 20


def may_run_surveys(
    user: User, *, network: Network | None = None, programme: Programme | None = None
) -> bool:
    """A network's coordinators run its surveys; a programme's system leaders run the programme's (site
    administrators both)."""
    if user.is_superuser:
        return True
    if network is not None:
        return is_coordinator(user, network)
    return programme is not None and programme.region in leader_regions(user)


def _survey_round(
    *,
    network: Network | None,
    programme: Programme | None,
    survey_round: Consultation.Round,
    title: str,
    questions: list[tuple[str, str, int]],
    min_respondents: int,
    by: User,
) -> Consultation:
    """A round of the survey titled `title`: its own title is worded in each reader's language. A
    programme's round asks the member schools of the networks the programme has now."""
    networks: list[Network] = []
    if programme is not None:
        networks = list(programme.networks.all())
        if not networks:
            raise ValidationError(_("Add networks to the programme before surveying their staff."))
    consultation = voice.consultation_create(
        title="",
        survey_round=survey_round,
        title_params={"title": title[:180]},
        audience=Consultation.Audience.NETWORKS if programme is not None else Consultation.Audience.NETWORK,
        network=network if programme is None else None,
        networks=networks,
        answered_by=Consultation.AnsweredBy.PERSON,
        min_respondents=min_respondents,
        by=by,
    )
    for kind, text, top in questions:
        voice.question_add(consultation=consultation, kind=kind, text=text, scale_top=top, by=by)
    return voice.consultation_status_set(consultation=consultation, status=Consultation.Status.OPEN, by=by)


@transaction.atomic
def survey_create(
    *,
    title: str,
    statements: list[str],
    by: User,
    network: Network | None = None,
    programme: Programme | None = None,
    questions: list[str] | None = None,
    scale_top: int = 5,
    min_respondents: int = 5,
) -> Survey:
    """A survey of a network's staff (or of the staff of all a programme's networks), its first round
    (before) open for answers at once: each statement answered on a scale from 1 to `scale_top` (a
    Likert item), each question in words."""
    if (network is None) == (programme is None):
        raise ValueError("A survey is of a network or of a programme.")
    statements = [s.strip() for s in statements if s.strip()]
    questions = [q.strip() for q in (questions or []) if q.strip()]
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the survey a title."))
    if not statements:
        raise ValidationError(_("A survey needs at least one statement to rate."))
    if len(statements) + len(questions) > MAX_SURVEY_QUESTIONS:
        raise ValidationError(_("A survey has at most %(n)s questions.") % {"n": MAX_SURVEY_QUESTIONS})
    if any(len(text) > 500 for text in statements + questions):
        raise ValidationError(_("A statement or question has at most 500 characters."))
    if not may_run_surveys(by, network=network, programme=programme):
        if programme is not None:
            raise ValidationError(_("The programme's system leaders run its surveys."))
        raise ValidationError(_("The network's coordinators run its surveys."))
    items: list[tuple[str, str, int]] = [(Question.Kind.SCALE, s, scale_top) for s in statements]
    items += [(Question.Kind.TEXT, q, 5) for q in questions]
    pre = _survey_round(
        network=network,
        programme=programme,
        survey_round=Consultation.Round.BEFORE,
        title=title,
        questions=items,
        min_respondents=min_respondents,
        by=by,
    )
    survey = Survey.objects.create(
        network=network, programme=programme, title=title[:200], pre=pre, created_by=by
    )
    if programme is not None:
        audit(by, "survey.created", programme, survey=survey.pk, questions=len(items))
    else:
        audit(by, "survey.created", network, survey=survey.pk, questions=len(items))
    return survey


@transaction.atomic
def survey_post_start(*, survey: Survey, by: User) -> Survey:
    """Close the survey's first round and open the second (after), asking the same questions again (of
    a programme's networks as they are now)."""
    # Lock the survey's own row only: its network or programme is on the nullable side of an outer join,
    # which PostgreSQL refuses to lock.
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("pre", "network", "programme__region")
        .get(pk=survey.pk)
    )
    if not may_run_surveys(by, network=survey.network, programme=survey.programme):
        if survey.programme is not None:
            raise ValidationError(_("The programme's system leaders run its surveys."))
        raise ValidationError(_("The network's coordinators run its surveys."))
    if survey.post_id is not None:
        raise ValidationError(_("This survey's second round has already started."))
    if survey.pre.status != Consultation.Status.CLOSED:
        voice.consultation_status_set(consultation=survey.pre, status=Consultation.Status.CLOSED, by=by)
    survey.post = _survey_round(
        network=survey.network,
        programme=survey.programme,
        survey_round=Consultation.Round.AFTER,
        title=survey.title,
        questions=[(q.kind, q.text, q.scale_top) for q in survey.pre.questions.all()],
        min_respondents=survey.pre.min_respondents,
        by=by,
    )
    survey.save(update_fields=["post"])
    audit(by, "survey.post_started", survey.programme or survey.network, survey=survey.pk)
    return survey


# --- the evidence pack's support letters (issue #25.7) ---------------------------------------------


@transaction.atomic
def support_letter_add(
    *, network: Network, writer: str, writer_kind: str, dated: date, upload, by: User
) -> SupportLetter:
    """Keep a letter of support for the network's evidence pack; the file is checked as the library's
    uploads are (size, an allowed type, the content agreeing with the name) before anything is stored."""
    writer = writer.strip()
    if not writer or len(writer) > 200:
        raise ValidationError(_("Say who wrote the letter (up to 200 characters)."))
    if writer_kind not in SupportLetter.From.values:
        raise ValidationError(_("Say who the writer is."))
    if dated > timezone.localdate():
        raise ValidationError(_("A letter cannot be dated in the future."))
    checked = check_upload(upload)
    letter = SupportLetter(
        network=network,
        writer=writer,
        writer_kind=writer_kind,
        dated=dated,
        filename=checked.filename,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    letter.file.save(checked.filename, upload, save=False)
    letter.save()
    audit(by, "impact.support_letter_added", network, letter=letter.pk, writer=writer)
    return letter


@transaction.atomic
def support_letter_delete(*, letter: SupportLetter, by: User) -> None:
    """Take a letter out of the network's evidence pack, and its file out of storage once the removal
    is committed (the audit log keeps who wrote it, when, and the file's name and digest)."""
    network = letter.network
    stored, storage = letter.file.name, letter.file.storage
    details = {
        "letter": letter.pk,
        "writer": letter.writer,
        "dated": letter.dated.isoformat(),
        "filename": letter.filename,
        "sha256": letter.sha256,
    }
    letter.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit(by, "impact.support_letter_removed", network, **details)
