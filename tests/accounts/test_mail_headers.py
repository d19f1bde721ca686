"""Issue 20, item 1, for accounts: a person's name reaches other people's subjects (a mention), so
it is one line; an invitation whose e-mail is refused (a school name with a line break, from a
file imported before the rule) is kept and the refusal recorded, not a failed page."""

import pytest
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from kindred.accounts.models import Invitation, User
from kindred.accounts.services import account_create_from_invitation, invitation_create
from kindred.audit.models import AuditEvent
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def test_a_name_with_a_line_break_is_refused_on_the_invitation_page_and_by_the_service(
    client, school_x, school_admin_x
):
    invitation, token = invitation_create(
        school=school_x,
        email="new@example.org",
        role="teacher",
        by=school_admin_x,
        base_url="http://testserver",
    )
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"full_name": "Nia\r\nBcc: x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400 and "Keep this to one line" in response.content.decode()
    with pytest.raises(ValidationError, match="one line"):
        account_create_from_invitation(invitation=invitation, full_name="Nia\nBcc: x", password=PASSWORD)
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_invitation_whose_email_is_refused_is_kept_and_the_reason_recorded(
    school_x, school_admin_x, mailoutbox, django_capture_on_commit_callbacks
):
    School.objects.filter(pk=school_x.pk).update(name="Xavier\r\nBcc: attacker@example.org")
    school_x.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            school=school_x,
            email="new@example.org",
            role="teacher",
            by=school_admin_x,
            base_url="http://testserver",
        )
    assert Invitation.objects.filter(email="new@example.org").exists()
    assert mailoutbox == []
    refused = AuditEvent.objects.get(action="email.not_sent")
    assert refused.details["template"] == "accounts/email/invitation.txt"
    assert refused.details["reason"].startswith("BadHeaderError")
