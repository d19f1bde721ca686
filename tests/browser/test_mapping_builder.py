"""A site administrator builds a mapping for a file Kindred has never seen, in a real browser:
upload, columns guessed and picked, a preview that shows a problem, a fix, save, import."""

import pytest

from kindred.core.models import Job
from kindred.schools.models import SavedMapping, School, SchoolMeasure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long builder passphrase 5"
FILE = (
    "Code établissement;Nom;Commune;Élèves;Taux FSM\n"
    "0750001A;Lycée Voltaire;Paris;1200;18,5\n"
    "0750002B;École du Parc;Paris;210;250\n"
    "0690003C;Collège des Pentes;Lyon;640;31\n"
)


@pytest.fixture
def site_admin():
    from kindred.accounts.models import User

    return User.objects.create_superuser(email="builder@example.org", password=PASSWORD)


def test_an_administrator_builds_a_mapping_for_a_new_file_previews_saves_and_imports(
    page, site_admin, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = tmp_path / "etablissements.csv"
    upload.write_text(FILE, encoding="utf-8")

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(site_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/admin/schools/school/")
    page.get_by_role("link", name="Build a mapping").click()
    page.get_by_label("File (CSV, .xlsx or .ods)").set_input_files(str(upload))
    page.get_by_role("button", name="Read the file").click()

    # Kindred read the semicolons, shows the first values, and guessed the id and the FSM column.
    assert page.get_by_text("semicolon-separated").is_visible()
    assert page.get_by_text("Lycée Voltaire").is_visible()
    assert page.get_by_label("Code établissement", exact=True).input_value() == "id"
    assert page.get_by_label("Taux FSM", exact=True).input_value() == "measure:fsm_pct"
    # The administrator says what the other columns are.
    page.get_by_label("Nom", exact=True).select_option("field:name")
    page.get_by_label("Commune", exact=True).select_option("field:town")
    page.get_by_label("Élèves", exact=True).select_option("field:pupils")
    page.get_by_label("Mapping name").fill("etablissements")
    page.get_by_label("Year of the figures").fill("2023")
    page.get_by_role("button", name="Preview").click()

    # The preview shows the rows as stored, and the problems: 18,5 (a decimal comma), 250 %.
    assert page.get_by_role("heading", name="The first rows as they would be stored").is_visible()
    assert page.get_by_text("above the largest value fsm_pct can take (100)").is_visible()
    assert not School.objects.exists()

    # FSM is left out; the preview is clean; the mapping is saved, then the file imported.
    page.get_by_label("Taux FSM", exact=True).select_option("")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_text("above the largest value").count() == 0
    page.get_by_role("button", name="Save the mapping").click()
    assert page.get_by_role("link", name="Download etablissements.yaml").is_visible()
    page.get_by_role("button", name="Save and import").click()

    page.wait_for_url("**/jobs/*/")
    assert page.get_by_text("Succeeded").first.is_visible()
    assert page.get_by_text("3 created, 0 updated, 0 unchanged, 0 skipped").is_visible()
    assert sorted(School.objects.values_list("registry_id", "name", "town", "pupils")) == [
        ("0690003C", "Collège des Pentes", "Lyon", 640),
        ("0750001A", "Lycée Voltaire", "Paris", 1200),
        ("0750002B", "École du Parc", "Paris", 210),
    ]
    assert not SchoolMeasure.objects.exists()
    assert "fsm_pct" not in SavedMapping.objects.get(name="etablissements").text
    assert Job.objects.get().created_by == site_admin

    page.get_by_role("link", name="All background jobs").click()
    assert page.get_by_role(
        "cell", name="Import schools: etablissements.csv (etablissements)"
    ).first.is_visible()
    assert page.get_by_text("✓ Succeeded").is_visible()
