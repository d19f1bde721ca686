import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kindred.accounts.models import SchoolStaff
from kindred.accounts.services import staff_role_add, staff_role_remove
from kindred.audit.models import AuditEvent
from kindred.audit.services import audit

pytestmark = pytest.mark.django_db


def test_an_event_records_who_what_which_object_and_where(site_admin, school_x):
    event = audit(site_admin, "schools.imported", school_x, rows=12)
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        site_admin,
        "schools.imported",
        "schools.school",
        str(school_x.pk),
    )
    assert event.region == school_x.region and event.details == {"rows": 12}
    assert event.at is not None


def test_an_action_that_is_not_a_dotted_name_is_refused(site_admin):
    with pytest.raises(ValidationError):
        audit(site_admin, "Deleted everything!", None)


def test_role_changes_are_audited_with_the_school(site_admin, school_x, no_school_user):
    staff = staff_role_add(school=school_x, user=no_school_user, role="teacher", by=site_admin)
    staff_role_remove(staff=staff, by=site_admin)
    actions = list(AuditEvent.objects.filter(school=school_x).order_by("pk").values_list("action", flat=True))
    assert actions == ["staff.role_added", "staff.role_removed"]


def test_a_system_leader_sees_their_regions_events_only(
    client, system_leader, site_admin, school_x, school_y
):
    audit(site_admin, "school.edited", school_x)
    audit(site_admin, "school.edited", school_y)
    client.force_login(system_leader)
    page = client.get("/audit/").content.decode()
    assert school_x.name in page and school_y.name not in page


def test_a_site_admin_sees_every_event(client, site_admin, school_x, school_y):
    audit(site_admin, "school.edited", school_x)
    audit(site_admin, "school.edited", school_y)
    client.force_login(site_admin)
    page = client.get("/audit/").content.decode()
    assert school_x.name in page and school_y.name in page


def test_the_audit_log_exports_as_csv(client, site_admin, school_x):
    audit(site_admin, "school.edited", school_x, field="name")
    client.force_login(site_admin)
    response = client.get("/audit/export.csv", {"action": "school."})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["at", "actor", "action"]
    assert [row[2] for row in rows[1:]] == ["school.edited"]
    assert rows[1][6] == school_x.registry_id


def test_teachers_and_school_leaders_cannot_read_the_audit_log(client, teacher_x, school_leader_x):
    for user in (teacher_x, school_leader_x):
        client.force_login(user)
        assert client.get("/audit/").status_code == 404
        assert client.get("/audit/export.csv").status_code == 404


def test_audit_prune_deletes_events_older_than_the_retention(site_admin, settings):
    with time_machine.travel(timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS + 1)):
        audit(site_admin, "school.edited", None)
    audit(site_admin, "school.edited", None)
    call_command("audit_prune", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 1


def test_audit_prune_deletes_sign_in_records_older_than_their_retention(settings):
    from axes.models import AccessAttempt, AccessFailureLog

    def record(username: str) -> None:
        fields = {"username": username, "ip_address": "192.0.2.1", "user_agent": "x", "path_info": "/"}
        AccessFailureLog.objects.create(**fields, http_accept="*/*")
        AccessAttempt.objects.create(
            **fields, http_accept="*/*", get_data="", post_data="", failures_since_start=1
        )

    with time_machine.travel(timezone.now() - timedelta(days=settings.SIGN_IN_RECORD_DAYS + 1)):
        record("old@example.org")
    record("new@example.org")
    call_command("audit_prune", stdout=io.StringIO())
    for model in (AccessAttempt, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["new@example.org"]


def test_successful_sign_ins_are_not_kept_a_second_time_by_django_axes(client, teacher_x):
    from axes.models import AccessLog

    from conftest import PASSWORD

    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert AuditEvent.objects.filter(action="user.signed_in", actor=teacher_x).exists()
    assert not AccessLog.objects.exists()


def test_the_admin_cannot_edit_the_audit_log(client, site_admin, school_x):
    event = audit(site_admin, "school.edited", school_x)
    client.force_login(site_admin)
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_deleted_persons_events_stay_and_show_a_former_member(client, teacher_x, site_admin):
    from kindred.accounts.services import account_delete

    audit(teacher_x, "school.edited", None)
    account_delete(user=teacher_x)
    client.force_login(site_admin)
    page = client.get("/audit/").content.decode()
    assert "Former member" in page and teacher_x.email not in page
    assert not SchoolStaff.objects.filter(user=teacher_x).exists()


def test_changes_made_in_the_admin_site_are_audited(client, site_admin, school_x):
    client.force_login(site_admin)
    data = {
        "registry_id": school_x.registry_id,
        "name": "Xavier Primary School",
        "phase": "primary",
        "status": "open",
    }
    client.post(f"/admin/schools/school/{school_x.pk}/change/", data)
    school_x.refresh_from_db()
    assert school_x.name == "Xavier Primary School"
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor == site_admin and event.school == school_x and event.region == school_x.region


def test_a_role_given_in_the_admin_is_audited(client, site_admin, school_x, no_school_user):
    from django.contrib.admin.models import ADDITION, LogEntry

    staff = SchoolStaff.objects.create(user=no_school_user, school=school_x, role="teacher")
    LogEntry.objects.log_actions(
        user_id=site_admin.pk,
        queryset=[staff],
        action_flag=ADDITION,
        change_message="Added.",
        single_object=True,
    )
    event = AuditEvent.objects.get(action="admin.added")
    assert event.actor == site_admin and event.school == school_x


def test_details_may_hold_dates_and_decimals(site_admin):
    import datetime
    import decimal

    event = audit(
        site_admin, "schools.imported", None, year=datetime.date(2019, 9, 1), value=decimal.Decimal("1.5")
    )
    event.refresh_from_db()
    assert event.details == {"year": "2019-09-01", "value": "1.5"}
