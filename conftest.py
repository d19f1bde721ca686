"""Shared fixtures: personas and small registries for every app's tests.

The personas (one each, used by the permission matrix and every app's access tests):
site_admin, system_leader (region A), school_admin_x, school_leader_x, teacher_x (school X,
region A), teacher_y (school Y, region B), no_school_user; anonymous is a client without a log-in.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Compile each translation catalogue whose .mo is missing or older than its .po (run.py does
    this too; this covers running pytest directly). Without gettext the pages stay in English
    and the translation tests say why."""
    msgfmt = shutil.which("msgfmt")
    for po in (Path(__file__).parent / "kindred" / "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if msgfmt and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            # Written aside and moved into place, so a parallel worker never reads half a file.
            partial = mo.with_suffix(f".{os.getpid()}.mo")
            subprocess.run([msgfmt, "--check-format", "-o", str(partial), str(po)], check=True)
            os.replace(partial, mo)


class FastArgon2Hasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost: the same algorithm and format as production, in a
    millisecond instead of a tenth of a second, for the thousands of accounts the tests make."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request leaves its language active in the worker's thread (LocaleMiddleware and the saved
    language activate, nothing deactivates): put the default back so the next test starts in English."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Tests hash passwords cheaply, except those marked `real_password_hashing`."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["conftest.FastArgon2Hasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _plain_http_test_client(settings):
    """Tests run with DEBUG off, as in production, but the test client speaks plain HTTP."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def region_a(db):
    from kindred.schools.models import LocalAuthority, Region

    region = Region.objects.create(code="A", name="Region A")
    LocalAuthority.objects.create(code="A1", name="Authority A1", region=region)
    return region


@pytest.fixture
def region_b(db):
    from kindred.schools.models import LocalAuthority, Region

    region = Region.objects.create(code="B", name="Region B")
    LocalAuthority.objects.create(code="B1", name="Authority B1", region=region)
    return region


@pytest.fixture
def school_x(region_a):
    from kindred.schools.models import School

    return School.objects.create(
        registry_id="100001",
        name="Xavier Primary",
        region=region_a,
        local_authority=region_a.authorities.get(),
    )


@pytest.fixture
def school_y(region_b):
    from kindred.schools.models import School

    return School.objects.create(
        registry_id="200002",
        name="Yew Tree Academy",
        region=region_b,
        local_authority=region_b.authorities.get(),
    )


def _user(email: str, **fields):
    from kindred.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0], **fields)


def _staff(email: str, school, role: str):
    from kindred.accounts.models import SchoolStaff

    user = _user(email)
    SchoolStaff.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def site_admin(db):
    return _user("admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def system_leader(region_a):
    from kindred.accounts.models import RegionalRole

    user = _user("leader.a@example.org")
    RegionalRole.objects.create(user=user, region=region_a)
    return user


@pytest.fixture
def school_admin_x(school_x):
    return _staff("office.x@example.org", school_x, "administrator")


@pytest.fixture
def school_leader_x(school_x):
    return _staff("head.x@example.org", school_x, "leader")


@pytest.fixture
def teacher_x(school_x):
    return _staff("teacher.x@example.org", school_x, "teacher")


@pytest.fixture
def teacher_y(school_y):
    return _staff("teacher.y@example.org", school_y, "teacher")


@pytest.fixture
def no_school_user(db):
    return _user("nobody@example.org")


@pytest.fixture
def university(region_a):
    """A partner organisation (issue 23, item 4) of region A."""
    from kindred.accounts.services import organisation_create

    return organisation_create(name="University of Region A", kind="university", region=region_a, by=None)


@pytest.fixture
def partner(university):
    """One of the university's people, with no school or regional role: a partner."""
    from kindred.accounts.services import organisation_person_add

    user = _user("lecturer@university.example.org")
    organisation_person_add(organisation=university, user=user, by=None)
    return user


@pytest.fixture
def personas(
    site_admin, system_leader, school_admin_x, school_leader_x, teacher_x, teacher_y, no_school_user
):
    """Every persona by name; "anonymous" is None."""
    return {
        "site_admin": site_admin,
        "system_leader": system_leader,
        "school_admin_x": school_admin_x,
        "school_leader_x": school_leader_x,
        "teacher_x": teacher_x,
        "teacher_y": teacher_y,
        "no_school_user": no_school_user,
        "anonymous": None,
    }


@pytest.fixture
def network_x(school_x, school_leader_x):
    """A public community network: school X a member, X's school leader its coordinator."""
    from kindred.networks.models import Network
    from kindred.networks.services import membership_add, network_create

    network = network_create(
        name="Xavier Learning Community",
        kind=Network.Kind.COMMUNITY,
        region=school_x.region,
        by=school_leader_x,
        purpose="Primary schools sharing reading practice",
        subject="reading",
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network, school=school_x, role="lead", by=school_leader_x)
    return network


@pytest.fixture
def private_network_x(school_x, school_leader_x):
    """A private cluster: school X a member, X's school leader its coordinator."""
    from kindred.networks.models import Network
    from kindred.networks.services import membership_add, network_create

    network = network_create(
        name="Private Cluster X",
        kind=Network.Kind.CLUSTER,
        region=school_x.region,
        by=school_leader_x,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network, school=school_x, role="member", by=school_leader_x)
    return network


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (the library) go to a fresh folder per test, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


#: What a test that uses the database under test asks for (directly or through its fixtures).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Leave out the tests that use no database, the browser tests and those marked own_database (CI's PostgreSQL half: they ran in the SQLite half).",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept, left_out = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        # What a browser does with a page does not depend on the database: the browser tests run in
        # the SQLite half; the requests they make are the views' and the permission matrix's to test
        # on PostgreSQL.
        # A test marked own_database runs Kindred's commands on a database of its own (a SQLite file, or
        # none), whatever the test database is: it would repeat the SQLite half exactly.
        sqlite_half_only = item.get_closest_marker("browser") or item.get_closest_marker("own_database")
        (kept if uses_database and not sqlite_half_only else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test databases, but migrated once per run and copied to each parallel worker
    (tests/database_template.py); a run in one process, or with --reuse-db or --nomigrations, sets up
    exactly as pytest-django does."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests import database_template

    verbosity = request.config.option.verbose
    aliases, serialized = _get_databases_for_setup(request.session.items)
    run_id = getattr(request.config, "workerinput", {}).get("kindred_run")
    connection = connections["default"]
    templated = (
        run_id is not None
        and django_db_use_migrations
        and not django_db_keepdb
        and aliases == {"default"}
        and not serialized
        and database_template.usable(connection)
    )
    if not django_db_use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock():
        if templated:
            configured = database_template.set_up(connection, run_id, verbosity)
        else:
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized,
                keepdb=django_db_keepdb and not django_db_createdb,
            )
    yield
    if django_db_keepdb:
        return
    with django_db_blocker.unblock():
        if templated:
            connection.creation.destroy_test_db(configured, verbosity)
        else:
            teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="session")
def migrated_sqlite(request, tmp_path_factory):
    """A function that puts at `<var>/kindred.sqlite3` (KINDRED_VAR_DIR's database) a copy of a SQLite
    database that `kindred migrate` made, for the tests that run Kindred's own processes on a real
    file (the scheduler, serve, the Redis worker, the demo's worker). A migration costs about 34 CPU
    seconds, so it runs once per test run: the first worker to need it migrates under the database
    template's lock (tests/database_template.py), the others wait, and each test gets a copy."""
    from tests import database_template

    run_id = getattr(request.config, "workerinput", {}).get("kindred_run")
    folder = database_template.run_folder(run_id) if run_id else tmp_path_factory.mktemp("migrated")
    var = folder / "migrated-var"
    with database_template.locked(folder):
        if not (folder / "migrated-sqlite").exists():
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
            env.update(DEBUG="true", KINDRED_VAR_DIR=str(var))
            subprocess.run(
                [sys.executable, "-m", "kindred.cli", "migrate", "-v", "0"],
                env=env,
                cwd=Path(__file__).resolve().parent,
                check=True,
                timeout=900,
            )
            (folder / "migrated-sqlite").touch()

    def place(target_var: Path) -> Path:
        target_var.mkdir(parents=True, exist_ok=True)
        target = target_var / "kindred.sqlite3"
        with (
            contextlib.closing(sqlite3.connect(var / "kindred.sqlite3")) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return target

    return place


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist, in the controlling process: one name for this run, shared by its workers (the template's)."""
    node.workerinput["kindred_run"] = node.config._kindred_run


def pytest_configure(config):
    config._kindred_run = uuid.uuid4().hex[:12]


def pytest_sessionfinish(session):
    """In the controlling process of a parallel run: drop the run's database template."""
    if hasattr(session.config, "workerinput") or not session.config.pluginmanager.has_plugin("xdist"):
        return
    from django.conf import settings

    if not settings.configured:
        return
    from django.db import connections

    from tests import database_template

    database_template.drop_template(connections["default"], session.config._kindred_run)
