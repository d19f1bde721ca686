"""A network builds a shared development plan from its heatmap and reports progress on it."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import SchoolStaff, User
from kindred.frameworks.models import Standard
from kindred.frameworks.selectors import network_heatmap
from kindred.frameworks.services import ratings_save
from kindred.networks.services import membership_add
from kindred.plans.models import Action, PlanChange
from kindred.plans.services import action_add, priority_add, progress_update


def rate_own(version, school, leader, levels: dict[str, int]):
    by_code = {s.code: s.pk for s in Standard.objects.filter(domain__version=version)}
    ratings_save(
        school=school,
        version=version,
        year=2025,
        kind="self",
        levels={by_code[c]: (level, "") for c, level in levels.items()},
        by=leader,
    )


@pytest.fixture
def member_y(action, school_y, school_leader_x):
    membership_add(network=action.priority.plan.network, school=school_y, role="member", by=school_leader_x)
    leader = User.objects.create_user(email="head.y@example.org", password=None)
    SchoolStaff.objects.create(user=leader, school=school_y, role="leader")
    return leader


def test_the_heatmap_finds_the_networks_shared_need_and_its_expert(
    framework, action, school_x, school_y, school_leader_x, member_y
):
    rate_own(framework, school_x, school_leader_x, {"C1": 1, "C2": 2, "B1": 4, "B2": 4})
    rate_own(framework, school_y, member_y, {"C1": 2, "C2": 1, "B1": 1, "B2": 2})
    heatmap = network_heatmap(schools=[school_x, school_y], version=framework, year=2025)
    assert [d.code for d in heatmap.shared_needs()] == ["curriculum", "behaviour"]
    experts = {
        (school.name, domain.code): [h.name for h in helpers] for school, domain, helpers in heatmap.experts()
    }
    assert experts[(school_y.name, "behaviour")] == [school_x.name]
    assert experts[(school_x.name, "curriculum")] == []


def test_the_heatmap_page_tells_strength_and_need_without_colour(
    client, framework, action, school_x, school_leader_x, teacher_x
):
    rate_own(framework, school_x, school_leader_x, {"L1": 4, "L2": 4, "L3": 4, "T1": 1})
    client.force_login(teacher_x)
    page = client.get(
        f"/self-evaluation/networks/{action.priority.plan.network_id}/?year=2025"
    ).content.decode()
    assert "▲ 4.0" in page and "▼ 1.0" in page
    assert '<th scope="row">' in page


def test_an_action_is_owned_by_a_member_school(action, school_y, school_leader_x):
    with pytest.raises(ValidationError, match="member school"):
        action_add(priority=action.priority, description="Visit", owner_school=school_y, by=school_leader_x)


def test_only_coordinators_change_the_plan(action, teacher_x):
    with pytest.raises(ValidationError, match="coordinators"):
        priority_add(plan=action.priority.plan, title="Attendance", by=teacher_x)


def test_progress_moves_the_status_and_is_kept_in_the_history(action, school_admin_x):
    progress_update(action=action, status=Action.Status.ON_TRACK, note="Two sessions held", by=school_admin_x)
    action.refresh_from_db()
    assert action.status == "on_track"
    assert (
        PlanChange.objects.filter(plan=action.priority.plan).values_list("what", flat=True)[0]
        == "progress reported"
    )
    assert (
        PlanChange.objects.filter(plan=action.priority.plan).count() == 4
    )  # created, priority, action, progress


def test_a_teacher_cannot_report_progress(action, teacher_x):
    with pytest.raises(ValidationError):
        progress_update(action=action, status="done", note="x", by=teacher_x)


def test_the_plan_page_shows_progress_and_history_and_answers_a_bad_action_with_its_form(
    client, action, school_leader_x, django_assert_max_num_queries
):
    client.force_login(school_leader_x)
    plan = action.priority.plan
    progress = client.post(
        f"/plans/actions/{action.pk}/progress/", {"status": "at_risk", "note": "Trainer ill"}
    )
    assert progress.status_code == 302
    with django_assert_max_num_queries(30):
        page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Trainer ill" in page and "At risk" in page and "progress reported" in page
    bad = client.post(
        f"/plans/priorities/{action.priority_id}/actions/",
        {
            "description": "Swap visits",
            "owner_school": action.owner_school_id,
            "starts_on": "2026-03-01",
            "due_on": "2026-02-01",
        },
    )
    assert bad.status_code == 400
    assert "cannot be due before it starts" in bad.content.decode()
    assert Action.objects.count() == 1


def test_the_plan_prints_without_navigation_or_forms(client, action, teacher_x):
    client.force_login(teacher_x)
    page = client.get(f"/plans/{action.priority.plan_id}/").content.decode()
    assert 'media="print"' in page and "plans/print.css" in page
