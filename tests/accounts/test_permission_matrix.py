"""Every URL of the project, requested by every persona, answers with the status declared here.

The test walks the whole URL tree (admin included). A URL pattern without a rule below makes it
fail: whoever adds a page declares who may see it. Conventions: anonymous visitors are sent to
sign in (302); outsiders get 404 for anything private; read-only users get 403 on writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kindred.accounts.models import JoinRequest, SchoolStaff, User
from kindred.accounts.services import invitation_create
from kindred.audit.services import audit
from kindred.core.jobs import job_create
from kindred.core.models import Job

pytestmark = pytest.mark.django_db

PERSONAS = [
    "site_admin",
    "system_leader",
    "school_admin_x",
    "school_leader_x",
    "teacher_x",
    "teacher_y",
    "no_school_user",
    "anonymous",
]


def statuses(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


PUBLIC = statuses(200)
SIGNED_IN = statuses(200, anonymous=302)
SCHOOL_X_PRIVATE = statuses(200, teacher_y=404, no_school_user=404, anonymous=302)
AUDIT_READERS = statuses(404, site_admin=200, system_leader=200, anonymous=302)


def school_x_write(ok: int) -> dict[str, int]:
    """Administrators of X (and site admins) get `ok`; other staff and X's system leader 403; outsiders 404."""
    return statuses(403, site_admin=ok, school_admin_x=ok, teacher_y=404, no_school_user=404, anonymous=302)


def admin_only(ok: int) -> dict[str, int]:
    """The admin site: the site admin gets `ok`; everyone else is sent to the admin's sign-in page."""
    return statuses(302, site_admin=ok)


@dataclass
class World:
    personas: dict
    school_x: object
    school_y: object
    job: Job
    extra: dict = field(default_factory=dict)

    def fresh_staff_at_x(self) -> SchoolStaff:
        n = User.objects.count()
        user = User.objects.create_user(email=f"extra{n}@example.org", password=None)
        return SchoolStaff.objects.create(
            user=user, school=self.school_x, role=SchoolStaff.Role.EXAMS_OFFICER
        )

    def fresh_join_request_at_x(self) -> JoinRequest:
        n = User.objects.count()
        user = User.objects.create_user(email=f"asker{n}@example.org", password=None)
        return JoinRequest.objects.create(user=user, school=self.school_x)


@dataclass
class Rule:
    expected: dict[str, int]
    url: Callable[[World], str] | str
    method: str = "get"


def _x(world: World) -> str:
    return world.school_x.registry_id


RULES: dict[str, Rule] = {
    # The public registry.
    "home": Rule(PUBLIC, "/"),
    "school_detail": Rule(PUBLIC, lambda w: f"/schools/{_x(w)}/"),
    # Signing in and out, passwords.
    "login": Rule(statuses(302, anonymous=200), "/accounts/login/"),
    "logout": Rule(statuses(302), "/accounts/logout/", method="post"),
    "password_reset": Rule(PUBLIC, "/accounts/password-reset/"),
    "password_reset_done": Rule(PUBLIC, "/accounts/password-reset/sent/"),
    "password_reset_confirm": Rule(PUBLIC, "/accounts/password-reset/MQ/forged-token/"),
    "password_reset_complete": Rule(PUBLIC, "/accounts/password-reset/complete/"),
    "password_change": Rule(SIGNED_IN, "/accounts/password-change/"),
    "password_change_done": Rule(SIGNED_IN, "/accounts/password-change/done/"),
    # The language switch: anyone may choose; without a language offered it refuses (400).
    "language_choose": Rule(statuses(400), "/accounts/language/", method="post"),
    # The person's own account.
    "profile": Rule(SIGNED_IN, "/accounts/profile/"),
    "personal_data": Rule(SIGNED_IN, "/accounts/profile/data.json"),
    "account_delete": Rule(SIGNED_IN, "/accounts/profile/delete/"),
    "email_verification_send": Rule(statuses(302), "/accounts/verify-email/", method="post"),
    "email_verify": Rule(statuses(400, anonymous=302), "/accounts/verify-email/forged/"),
    "two_factor_setup": Rule(SIGNED_IN, "/accounts/two-factor/"),
    "two_factor_verify": Rule(SIGNED_IN, "/accounts/two-factor/verify/"),
    # Getting into a school.
    "invitation_accept": Rule(PUBLIC, lambda w: f"/accounts/invitations/{w.extra['invitation_token']}/"),
    "join_request": Rule(SIGNED_IN, lambda w: f"/accounts/schools/{_x(w)}/join/"),
    # A school's private area.
    "school_staff": Rule(SCHOOL_X_PRIVATE, lambda w: f"/accounts/schools/{_x(w)}/staff/"),
    # Writes with an empty form: administrators get the form back with its errors (400).
    "staff_invite": Rule(school_x_write(400), lambda w: f"/accounts/schools/{_x(w)}/staff/invite/", "post"),
    "staff_remove": Rule(
        school_x_write(302),
        lambda w: f"/accounts/schools/{_x(w)}/staff/{w.fresh_staff_at_x().pk}/remove/",
        "post",
    ),
    "join_request_decide": Rule(
        school_x_write(302),
        lambda w: f"/accounts/schools/{_x(w)}/join-requests/{w.fresh_join_request_at_x().pk}/",
        "post",
    ),
    # The audit log.
    "audit_log": Rule(AUDIT_READERS, "/audit/"),
    "audit_export": Rule(AUDIT_READERS, "/audit/export.csv"),
    # The evidence: read-only for anyone signed in; recomputing it is the site admin's.
    "dashboard": Rule(SIGNED_IN, "/evidence/dashboard/"),
    "good_practice": Rule(SIGNED_IN, "/evidence/good-practice/?domain=maths"),
    "evidence_recompute": Rule(statuses(403, site_admin=302, anonymous=302), "/evidence/recompute/", "post"),
    # Background jobs are the site admin's (imports run from the admin).
    "job_detail": Rule(admin_only(200), lambda w: f"/jobs/{w.job.pk}/"),
    # The admin site's own pages.
    "admin:index": Rule(admin_only(200), "/admin/"),
    "admin:login": Rule(statuses(200, site_admin=302), "/admin/login/"),
    # Signing out of the admin goes to LOGOUT_REDIRECT_URL; the others are sent to sign in.
    "admin:logout": Rule(statuses(302), "/admin/logout/", method="post"),
    "admin:password_change": Rule(admin_only(200), "/admin/password_change/"),
    "admin:password_change_done": Rule(admin_only(200), "/admin/password_change/done/"),
    # Without its query parameters the autocomplete endpoint refuses.
    "admin:autocomplete": Rule(admin_only(403), "/admin/autocomplete/"),
    "admin:jsi18n": Rule(admin_only(200), "/admin/jsi18n/"),
    "admin:view_on_site": Rule(
        admin_only(302),
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(w.school_x).pk}/{w.school_x.pk}/",
    ),
    "admin:app_list": Rule(admin_only(200), "/admin/schools/"),
    "admin:auth_user_password_change": Rule(
        admin_only(200), lambda w: f"/admin/accounts/user/{w.personas['teacher_x'].pk}/password/"
    ),
    "admin:otp_totp_totpdevice_config": Rule(
        admin_only(200), lambda w: f"/admin/otp_totp/totpdevice/{w.extra['device'].pk}/config/"
    ),
    "admin:otp_totp_totpdevice_qrcode": Rule(
        admin_only(200), lambda w: f"/admin/otp_totp/totpdevice/{w.extra['device'].pk}/qrcode/"
    ),
    # The importer's upload page (arrives with the importer branch).
    "admin:schools_school_import": Rule(admin_only(200), "/admin/schools/school/import/"),
    # The admin's last pattern: anything else under /admin/.
    "admin/(?P<url>.*)$": Rule(admin_only(404), "/admin/no-such-page/"),
}

# Admin pages that the model's admin forbids even to site admins (read-only logs).
ADMIN_FORBIDDEN = {
    ("audit_auditevent", "add"),
    ("audit_auditevent", "delete"),
    ("accounts_invitation", "add"),
    ("django_tasks_database_dbtaskresult", "add"),
    ("django_tasks_database_dbtaskresult", "delete"),
    ("axes_accessattempt", "add"),
    ("axes_accesslog", "add"),
    ("axes_accessfailurelog", "add"),
}


def walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or "")
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def admin_model_rule(route: str, name: str | None, world: World) -> Rule | None:
    """The admin's standard pages for every registered model: list, add, history, delete, change."""
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin/{meta.app_label}/{meta.model_name}/"
        key = f"{meta.app_label}_{meta.model_name}"
        if not route.startswith(base):
            continue
        obj = model._default_manager.order_by("pk").first()
        # A missing object makes the admin redirect to its index with a message.
        object_status = 200 if obj is not None else 302
        pk = obj.pk if obj is not None else 0
        pages = {
            f"admin:{key}_changelist": ("changelist", base, 200),
            f"admin:{key}_add": ("add", f"{base}add/", 200),
            f"admin:{key}_history": ("history", f"{base}{pk}/history/", object_status),
            f"admin:{key}_delete": ("delete", f"{base}{pk}/delete/", object_status),
            f"admin:{key}_change": ("change", f"{base}{pk}/change/", object_status),
        }
        if name in pages:
            page, path, ok = pages[name]
            if (key, page) in ADMIN_FORBIDDEN:
                ok = 403
            return Rule(admin_only(ok), f"/{path}")
        if name is None and route == f"{base}<path:object_id>/":
            # The old-style object address redirects to the change page.
            return Rule(admin_only(302), f"/{base}{pk}/")
    return None


def rule_for(route: str, name: str | None, world: World) -> Rule | None:
    return RULES.get(name or route) or admin_model_rule(route, name, world)


@pytest.fixture
def world(personas, school_x, school_y):
    return world_build(personas, school_x, school_y)


def world_build(personas, school_x, school_y) -> World:
    """The objects the rules' addresses name (also used by tests/browser/test_every_page.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    site_admin = personas["site_admin"]
    _, token = invitation_create(
        school=school_x,
        email="new.teacher@example.org",
        role="teacher",
        by=personas["school_admin_x"],
        base_url="http://testserver",
    )
    audit(site_admin, "test.recorded", school_x)
    device = TOTPDevice.objects.create(user=personas["no_school_user"], name="unconfirmed", confirmed=False)
    job = job_create(kind=Job.Kind.values[0], label="matrix", by=site_admin)
    return World(personas, school_x, school_y, job, extra={"invitation_token": token, "device": device})


def test_every_url_answers_every_persona_as_declared(world, settings):
    settings.AXES_ENABLED = False
    clients = {}
    for persona, user in world.personas.items():
        clients[persona] = Client()
        if user is not None:
            clients[persona].force_login(user)

    undeclared, wrong = [], []
    for route, name in walk(get_resolver().url_patterns):
        rule = rule_for(route, name, world)
        if rule is None:
            undeclared.append(name or route)
            continue
        for persona in PERSONAS:
            url = rule.url(world) if callable(rule.url) else rule.url
            response = getattr(clients[persona], rule.method)(url)
            if response.status_code != rule.expected[persona]:
                wrong.append(
                    f"{persona} {rule.method.upper()} {url}: {response.status_code}, expected {rule.expected[persona]}"
                )
            if rule.method == "post" and name in {"logout", "admin:logout"} and world.personas[persona]:
                clients[persona].force_login(world.personas[persona])

    assert undeclared == [], "declare who may use these URLs in RULES"
    assert wrong == [], "\n".join(wrong)


def test_walk_sees_the_admin_and_the_accounts_urls():
    routes = {name or route for route, name in walk(get_resolver().url_patterns)}
    assert {"admin:index", "admin:accounts_user_change", "school_staff", "audit_log", "home"} <= routes


def test_a_url_without_a_declared_rule_has_no_rule(world):
    assert rule_for("accounts/something-new/", "something_new", world) is None
    assert rule_for("admin/accounts/user/<path:object_id>/merge/", "admin:accounts_user_merge", world) is None
    assert rule_for("accounts/profile/", "profile", world) is RULES["profile"]
