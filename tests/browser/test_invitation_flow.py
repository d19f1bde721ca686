import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.accounts.models import SchoolStaff, User
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a brand new passphrase 7"


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    navigate(page, re.compile("^Sign out"), role="button")


def test_an_invited_teacher_accepts_signs_in_and_sees_only_what_their_role_allows(
    page, school_x, school_y, school_admin_x, mailoutbox
):
    csp_violations = []
    page.on(
        "console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None
    )

    # The school's administrator invites a teacher from the staff page.
    sign_in(page, school_admin_x.email, PASSWORD)
    page.goto(f"/accounts/schools/{school_x.registry_id}/staff/")
    page.get_by_label("E-mail address").fill("browser.teacher@example.org")
    page.get_by_label("Role").select_option("teacher")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to browser.teacher@example.org")).to_be_visible()
    sign_out(page)

    # The teacher follows the e-mailed link and creates an account.
    link = re.search(r"http://\S+/accounts/invitations/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.get_by_label("Your full name").fill("Bea Browser")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("The password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account and join").click()
    # They land on the home page, which starts with their school.
    expect(page.get_by_text("Welcome to Xavier Primary.")).to_be_visible()
    expect(page.get_by_role("heading", name="Xavier Primary")).to_be_visible()
    sign_out(page)

    # Signing in again, the profile lists the role.
    sign_in(page, "browser.teacher@example.org", NEW_PASSWORD)
    page.goto("/accounts/profile/")
    assert page.locator("ul.roles").inner_text().startswith("Teacher, Xavier Primary")
    user = User.objects.get(email="browser.teacher@example.org")
    assert SchoolStaff.objects.filter(user=user, school=school_x, role="teacher").exists()

    # They see their school's staff, but cannot manage it, and nothing of another school.
    response = page.goto(f"/accounts/schools/{school_x.registry_id}/staff/")
    assert response.status == 200
    expect(page.get_by_text(school_admin_x.full_name)).to_be_visible()
    assert page.get_by_role("button", name="Send the invitation").count() == 0
    assert page.goto(f"/accounts/schools/{school_y.registry_id}/staff/").status == 404
    assert page.goto("/audit/").status == 404
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    # The public registry stays open to them like to anyone.
    assert page.goto(f"/schools/{school_y.registry_id}/").status == 200
    # Nothing on these pages needed anything the Content Security Policy forbids.
    assert csp_violations == []
