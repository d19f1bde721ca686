"""The demo's self-evaluation year: both example frameworks, the demo region's own evaluations, a
peer review, a consultation answered by a dozen schools and, when the demo coordinator has a
network, a shared development plan in progress. Everything is written through the services."""

import random
from pathlib import Path

from django.db import transaction

from kindred import frameworks
from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.demo.texts import demo_language, demo_texts
from kindred.evidence.models import SupportCategory
from kindred.frameworks import loading, services
from kindred.frameworks.models import Evaluation, FrameworkVersion, Standard
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.plans import services as plans
from kindred.schools.models import Region, School
from kindred.voice import services as voice

#: The example frameworks shipped with the frameworks app.
EXAMPLES = Path(frameworks.__file__).resolve().parent / "examples"
CATEGORY_LEVEL = {"green": 3.3, "yellow": 2.8, "amber": 2.3, "red": 1.8}


def examples_load() -> dict[str, FrameworkVersion]:
    versions = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        version, _created = services.framework_load(spec=loading.read_yaml(path.read_text()), by=None)
        versions[version.framework.code] = version
    return versions


def _level(rng: random.Random, base: float, domain_shift: float, top: int) -> int:
    return max(1, min(top, round(rng.gauss(base + domain_shift, 0.6))))


@transaction.atomic
def selfeval_demo_create(
    *,
    region: Region,
    admin: User,
    leader: User,
    coordinator: User,
    year: int,
    schools: int = 150,
    seed: int = 7,
) -> dict:
    """Own evaluations for `schools` schools of the region, rated around what their category suggests,
    with two domains (curriculum, behaviour) weaker across the region so the heatmap has shared needs."""
    rng = random.Random(seed)
    version = examples_load()["school-improvement"]
    standards = list(Standard.objects.filter(domain__version=version).select_related("domain"))
    shift = {"curriculum": -0.6, "behaviour": -0.4, "leadership": 0.3}
    chosen = list(School.objects.filter(region=region).order_by("registry_id")[:schools])
    categories = dict(SupportCategory.objects.filter(school__in=chosen).values_list("school_id", "category"))
    for school in chosen:
        base = CATEGORY_LEVEL.get(categories.get(school.pk, ""), 2.8) + rng.gauss(0, 0.3)
        levels = {
            s.pk: (_level(rng, base, shift.get(s.domain.code, 0.0), version.scale_max), "")
            for s in standards
            if rng.random() < 0.95
        }
        services.ratings_save(
            school=school, version=version, year=year, kind=Evaluation.Kind.SELF, levels=levels, by=admin
        )
    lead_school = SchoolStaff.objects.filter(user=coordinator).first().school
    reviewed = next(s for s in chosen if s.pk != lead_school.pk)
    review = services.peer_review_request(
        school=reviewed, reviewer_school=lead_school, version=version, year=year, by=admin
    )
    services.ratings_save(
        school=reviewed,
        version=version,
        year=year,
        kind=Evaluation.Kind.PEER,
        levels={s.pk: (_level(rng, 2.9, 0.0, version.scale_max), "") for s in standards},
        by=coordinator,
        peer_review=review,
    )
    consultation = _consultation(region=region, leader=leader, admin=admin, schools=chosen[:12], rng=rng)
    plan = _plan(coordinator=coordinator, year=year)
    return {"evaluations": len(chosen), "consultation": consultation, "plan": plan}


def _consultation(*, region, leader, admin, schools, rng):
    words = demo_texts()["consultation"]
    consultation = voice.consultation_create(
        title=words["title"],
        description=words["description"],
        audience="region",
        region=region,
        by=leader,
    )
    day = voice.question_add(
        consultation=consultation,
        kind="choice",
        text=words["day"],
        options=words["days"],
        by=leader,
    )
    useful = voice.question_add(
        consultation=consultation,
        kind="scale",
        text=words["useful"],
        scale_top=5,
        by=leader,
    )
    change = voice.question_add(consultation=consultation, kind="text", text=words["change"], by=leader)
    voice.consultation_status_set(consultation=consultation, status="open", by=leader)
    remarks = words["remarks"]
    for school in schools:
        head = User.objects.filter(
            school_roles__school=school, school_roles__role=SchoolStaff.Role.LEADER
        ).first()
        if head is None:
            head = User.objects.create_user(
                email=f"head.{school.registry_id}@demo.kindred.example",
                password=None,
                full_name=demo_texts()["people"]["head_of"].format(school=school.name),
                language=demo_language(),
            )
            staff_role_add(user=head, school=school, role=SchoolStaff.Role.LEADER, by=admin)
        voice.response_save(
            consultation=consultation,
            school=school,
            by=head,
            answers={
                day.pk: rng.choice(day.options),
                useful.pk: str(rng.randint(2, 5)),
                change.pk: rng.choice(remarks),
            },
        )
    return consultation


def _plan(*, coordinator, year):
    network = (
        Network.objects.filter(
            people_roles__user=coordinator, people_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    if network is None:
        return None
    members = [m.school for m in Membership.objects.active().filter(network=network).select_related("school")]
    if not members:
        return None
    words = demo_texts()["plan"]
    plan = plans.plan_create(
        network=network,
        title=words["title"],
        year=year,
        summary=words["summary"],
        by=coordinator,
    )
    priority = plans.priority_add(
        plan=plan,
        title=words["priority"],
        domain="curriculum",
        source="self",
        rationale=words["rationale"],
        by=coordinator,
    )
    first = plans.action_add(
        priority=priority,
        description=words["first"],
        owner_school=members[0],
        by=coordinator,
        resources=words["first_resources"],
        success_target=words["first_target"],
    )
    plans.action_add(
        priority=priority,
        description=words["second"],
        owner_school=members[-1],
        by=coordinator,
        success_target=words["second_target"],
    )
    plans.progress_update(action=first, status="on_track", note=words["progress"], by=coordinator)
    return plan
