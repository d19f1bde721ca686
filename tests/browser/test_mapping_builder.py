"""A site administrator builds a mapping for a file Kindred has never seen, in a real browser:
upload, columns guessed and picked, a preview that shows a problem, a fix, save, import."""

import csv
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from kindred.core.models import Job
from kindred.schools.models import SavedMapping, School, SchoolMeasure
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FRANCE_FILE = Path(__file__).parents[1] / "importing" / "data" / "france-2021" / "fr-en-ips_ecoles.csv"
FRANCE_ROWS = list(csv.DictReader(FRANCE_FILE.read_text(encoding="utf-8").splitlines(), delimiter=";"))
SECTORS = {"public": "Public", "privé sous contrat": "Private (under contract)"}
PASSWORD = "a long builder passphrase 5"
FILE = (
    "Code établissement;Nom;Commune;Élèves;Taux FSM\n"
    "0750001A;Lycée Voltaire;Paris;1200;18,5\n"
    "0750002B;École du Parc;Paris;210;250\n"
    "0690003C;Collège des Pentes;Lyon;640;31\n"
)


def show(page, name: str) -> None:
    """Open (by clicking its summary, as a person does) every closed group around input `name`."""
    groups = page.locator(f'details:has([name="{name}"])')
    for i in range(groups.count()):
        group = groups.nth(i)
        if not group.evaluate("element => element.open"):
            group.locator("> summary").click()


def fill(page, name: str, value: str) -> None:
    show(page, name)
    page.locator(f'[name="{name}"]').fill(value)


def choose(page, name: str, value: str) -> None:
    show(page, name)
    page.locator(f'[name="{name}"]').select_option(value)


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


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

    sign_in(page, site_admin)

    page.goto("/admin/schools/school/")
    page.get_by_role("link", name="Build a mapping").click()
    page.get_by_label("File (CSV, .xlsx, .ods, JSON or Parquet)").set_input_files(str(upload))
    page.get_by_role("button", name="Read the file").click()

    # Kindred read the semicolons, shows the first values, and guessed the id and the FSM column.
    expect(page.get_by_text("semicolon-separated")).to_be_visible()
    expect(page.get_by_text("Lycée Voltaire")).to_be_visible()
    assert page.get_by_label("Code établissement", exact=True).input_value() == "id"
    assert page.get_by_label("Taux FSM", exact=True).input_value() == "measure:fsm_pct"
    # The administrator says what the other columns are.
    page.get_by_label("Nom", exact=True).select_option("field:name")
    page.get_by_label("Commune", exact=True).select_option("field:town")
    page.get_by_label("Élèves", exact=True).select_option("field:pupils")
    page.get_by_label("Mapping name").fill("etablissements")
    fill(page, "m.year.value", "2023")
    page.get_by_role("button", name="Preview").click()

    # The preview shows the rows as stored, and the problems: 18,5 (a decimal comma), 250 %.
    expect(page.get_by_role("heading", name="The first rows as they would be stored")).to_be_visible()
    expect(page.get_by_text("above the largest value fsm_pct can take (100)")).to_be_visible()
    assert not School.objects.exists()

    # FSM is left out; the preview is clean; the mapping is saved, then the file imported.
    page.get_by_label("Taux FSM", exact=True).select_option("")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_text("above the largest value").count() == 0
    page.get_by_role("button", name="Save the mapping").click()
    # Saving loads a new page: wait for it (is_visible() does not wait, and failed under load in CI).
    expect(page.get_by_role("link", name="Download etablissements.yaml")).to_be_visible()
    page.get_by_role("button", name="Save and import").click()

    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_text("Succeeded").first).to_be_visible()
    expect(page.get_by_text("3 created, 0 updated, 0 unchanged, 0 skipped")).to_be_visible()
    assert sorted(School.objects.values_list("registry_id", "name", "town", "pupils")) == [
        ("0690003C", "Collège des Pentes", "Lyon", 640),
        ("0750001A", "Lycée Voltaire", "Paris", 1200),
        ("0750002B", "École du Parc", "Paris", 210),
    ]
    assert not SchoolMeasure.objects.exists()
    assert "fsm_pct" not in SavedMapping.objects.get(name="etablissements").text
    assert Job.objects.get().created_by == site_admin

    page.get_by_role("link", name="All background jobs").click()
    expect(
        page.get_by_role("cell", name="Import schools: etablissements.csv (etablissements)").first
    ).to_be_visible()
    expect(page.get_by_text("✓ Succeeded")).to_be_visible()


def test_an_administrator_builds_a_mapping_with_a_keep_rule_a_value_map_an_id_template_a_new_measure_and_a_skip_rule(
    page, site_admin, settings, tmp_path
):
    """France's social position index of primary schools (a real published file): only two
    académies kept, the sector through a value map, a composite id from a template, the index as a
    measure the mapping defines, rows above an index of 120 skipped. No JavaScript on the page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, site_admin)
    page.goto("/admin/schools/school/import/build/")
    page.get_by_label("File (CSV, .xlsx, .ods, JSON or Parquet)").set_input_files(str(FRANCE_FILE))
    page.get_by_role("button", name="Read the file").click()

    # Quick picks for the plain columns; the guessed id (the département's code) is not the id.
    assert page.get_by_label("Code du département", exact=True).input_value() == "id"
    page.get_by_label("Code du département", exact=True).select_option("")
    page.get_by_label("Nom de l'établissment", exact=True).select_option("field:name")
    page.get_by_label("Nom de la commune", exact=True).select_option("field:town")
    page.get_by_label("Secteur", exact=True).select_option("field:school_type")
    page.get_by_label("Mapping name").fill("ips-two-academies")
    # The rest in the mapping's own keys.
    fill(page, "m.id.template", "FR-{Code du département}-{UAI}")
    choose(page, "m.year.column", "Rentrée scolaire")
    choose(page, "m.keep[0].column", "Académie")
    fill(page, "m.keep[0].values", "RENNES\nGRENOBLE")
    fill(page, "m.define_measures[0].code", "ips")
    fill(page, "m.define_measures[0].name", "Indice de position sociale")
    choose(page, "m.define_measures[0].kind", "context")
    fill(page, "m.define_measures[0].valid_min", "0")
    fill(page, "m.define_measures[0].valid_max", "200")
    fill(page, "m.measures[0].measure", "ips")
    choose(page, "m.measures[0].column", "IPS")
    choose(page, "m.skip[0].column", "IPS")
    fill(page, "m.skip[0].above", "120")
    page.get_by_role("button", name="Preview").click()

    # The sector's pick filled in its source: now its value map (and a mistake, to see it named).
    fill(
        page,
        "m.schools.fields.school_type[0].values",
        "public = Public\nprivé sous contrat = Private (under contract)",
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("skip[0].reason: 'reason' is required")).to_be_visible()
    assert serious_violations(page) == []  # the whole form, its groups and its mistakes
    fill(page, "m.skip[0].reason", "above the range this network studies")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="The first rows as they would be stored")).to_be_visible()
    expect(page.get_by_role("cell", name="FR-035-0352443R")).to_be_visible()
    assert page.get_by_text("The mapping has problems").count() == 0

    page.get_by_role("button", name="Save and import").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_text("Succeeded").first).to_be_visible()
    text = SavedMapping.objects.get(name="ips-two-academies").text
    assert "template: FR-{Code du département}-{UAI}" in text and "GRENOBLE" in text
    # docs/importing.md's worked example shows this very mapping.
    docs = (Path(__file__).parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")
    example = docs.split("### A worked example")[1].split("```yaml\n")[1].split("```")[0]
    assert yaml.safe_load(example) == yaml.safe_load(text), text
    kept = [
        row for row in FRANCE_ROWS if row["Académie"] in ("RENNES", "GRENOBLE") and float(row["IPS"]) <= 120
    ]
    assert sorted(School.objects.values_list("registry_id", "school_type")) == sorted(
        (f"FR-{row['Code du département']}-{row['UAI']}", SECTORS[row["Secteur"]]) for row in kept
    )
    assert SchoolMeasure.objects.filter(measure__code="ips").count() == len(kept)
    assert any(float(row["IPS"]) > 120 for row in FRANCE_ROWS if row["Académie"] in ("RENNES", "GRENOBLE"))


def test_the_builder_in_arabic_is_translated_right_to_left_and_passes_axe(
    page, site_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, site_admin)
    page.goto("/admin/schools/school/import/build/")
    page.get_by_label("File (CSV, .xlsx, .ods, JSON or Parquet)").set_input_files(str(FRANCE_FILE))
    page.get_by_role("button", name="Read the file").click()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": page.url}])
    page.reload()
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.get_by_role("heading", name="المطابقة كاملة")).to_be_visible()
    show(page, "m.keep[0].values")
    expect(page.get_by_text("تُقرأ الصفوف ذات هذه القيم فقط")).to_be_visible()  # keep's description
    assert serious_violations(page) == []
