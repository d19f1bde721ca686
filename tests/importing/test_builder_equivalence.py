"""A mapping built through the builder's pages imports exactly what the hand-written mapping
imports, on real published files of two countries (France's school social position index, New
York City's attendance file, read as schools with an id template and keep rules, then long with a
pivot). The pages are driven as a browser without JavaScript drives them: every input of the page
is posted with the value it shows, after the changes a person would make."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kindred.accounts.models import User
from kindred.schools.importing import schools_import
from kindred.schools.models import (
    LocalAuthority,
    MeasureDefinition,
    Region,
    SavedMapping,
    School,
    SchoolMeasure,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
FRANCE, NYC = DATA / "france-2021", DATA / "new-york-2018"


class FormInputs(HTMLParser):
    """What a browser would post from the page's form: each input, select and textarea's value."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("checkbox", "submit", "file"):
            self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first = name, None
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = a.get("value", "")
                self.values.setdefault(self._select, self._first)
            if "selected" in a:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def inputs_of(response) -> dict[str, str]:
    parser = FormInputs()
    parser.feed(response.content.decode())
    return parser.values


@pytest.fixture(autouse=True)
def _uploads_go_to_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    return client


def build(
    admin_client, path: Path, name: str, changes: dict[str, str], picks: dict[str, str] | None = None
) -> str:
    """Upload `path` to the builder, change what a person would change, save; the saved YAML."""
    upload = admin_client.post(
        reverse("admin:schools_school_builder"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "sheet": ""},
    )
    page = admin_client.get(upload.url)
    posted = inputs_of(page)
    header = [posted_label for posted_label in _header(page)]
    for column, target in (picks or {}).items():
        posted[f"column_{header.index(column)}"] = target
    posted.update(changes)
    # Once with the picks, to see the form they fill in (a list's entry is then where they put it).
    preview = admin_client.post(upload.url, {**posted, "name": name, "action": "preview"})
    assert preview.status_code in (200, 400)
    posted = {**inputs_of(preview), **changes, "name": name, "action": "save"}
    saved = admin_client.post(upload.url, posted)
    assert saved.status_code == 200, _problems(saved)
    return SavedMapping.objects.get(name=name).text


def _header(page) -> list[str]:
    return [label for label in page.context["table"].header]


def _problems(response) -> list[str]:
    return response.context.get("mapping_errors") or response.context["form"].errors


def snapshot() -> dict:
    """Everything an import writes, without database ids."""
    return {
        "schools": sorted(
            School.objects.values_list(
                "registry_id", "name", "phase", "school_type", "status", "country", "town", "postcode",
                "local_authority__code", "local_authority__name", "region__code", "region__name", "pupils",
                "latitude", "longitude", "urban_rural",
            )
        ),
        "measures": sorted(
            SchoolMeasure.objects.values_list(
                "school__registry_id", "measure__code", "year", "value", "cohort", "suppressed"
            )
        ),
        "definitions": sorted(
            MeasureDefinition.objects.filter(values__isnull=False).distinct().values_list(
                "code", "name", "unit", "domain", "kind", "valid_min", "valid_max", "higher_is_better"
            )
        ),
        "places": sorted(LocalAuthority.objects.values_list("code", "name"))
        + sorted(Region.objects.values_list("code", "name")),
    }  # fmt: skip


def clear() -> None:
    SchoolMeasure.objects.all().delete()
    School.objects.all().delete()
    LocalAuthority.objects.all().delete()
    Region.objects.all().delete()
    MeasureDefinition.objects.filter(
        values__isnull=True, code__in=["ips", "attendance_pct", "attendance_poverty_pct"]
    ).delete()


def same_import(steps: list[tuple[Path, str, Path]]) -> None:
    """Import each (file, built YAML, hand-written YAML): the built ones, then the hand-written
    ones into an empty registry; the same rows either way."""
    for file, built, _hand in steps:
        schools_import(path=file, mapping=built)
    by_builder = snapshot()
    clear()
    for file, _built, hand in steps:
        schools_import(path=file, mapping=hand)
    by_hand = snapshot()
    assert by_builder["schools"] and by_builder == by_hand


def test_france_ips_primary_schools_built_in_the_builder_import_as_the_hand_written_mapping(
    admin_client, tmp_path
):
    text = build(
        admin_client,
        FRANCE / "fr-en-ips_ecoles.csv",
        "ips-ecoles",
        picks={
            "UAI": "id",
            "Nom de l'établissment": "field:name",
            "Nom de la commune": "field:town",
            "Secteur": "field:school_type",
            "Code du département": "local_authority:code",
            "Département": "local_authority:name",
            "Académie": "region:name",
        },
        changes={
            "m.description": "Indices de position sociale dans les écoles",
            "m.year.column": "Rentrée scolaire",
            "m.schools.fields.phase[0].value": "primary",
            "m.schools.fields.country[0].value": "France",
            "m.define_measures[0].code": "ips",
            "m.define_measures[0].name": "Indice de position sociale",
            "m.define_measures[0].unit": "score",
            "m.define_measures[0].domain": "intake",
            "m.define_measures[0].kind": "context",
            "m.define_measures[0].valid_min": "0",
            "m.define_measures[0].valid_max": "200",
            "m.measures[0].column": "IPS",
            "m.measures[0].measure": "ips",
        },
    )
    built = tmp_path / "built.yaml"
    built.write_text(text, encoding="utf-8")
    assert yaml.safe_load(text)["id"] == "UAI"
    same_import([(FRANCE / "fr-en-ips_ecoles.csv", built, FRANCE / "ips_ecoles.yaml")])


def test_new_york_schools_and_long_attendance_built_in_the_builder_import_as_the_hand_written_mappings(
    admin_client, tmp_path
):
    file = NYC / "attendance_chronic_absenteeism.csv"
    schools = build(
        admin_client,
        file,
        "nyc-schools",
        picks={"school_name": "field:name"},
        changes={
            "m.id.template": "NY-{dbn}",
            "m.keep[0].column": "year",
            "m.keep[0].values": "2017-18",
            "m.keep[1].column": "demographic_category",
            "m.keep[1].values": "All Students",
            "m.schools.fields.country[0].value": "United States",
        },
    )
    attendance = build(
        admin_client,
        file,
        "nyc-attendance",
        picks={"school_name": ""},  # guessed as the name, which a long mapping does not read
        changes={
            "m.rows": "long",
            "m.id.template": "NY-{dbn}",
            "m.year.column": "year",
            "m.codes.suppressed": "s",
            "m.long.measure.columns[0]": "grade",
            "m.long.measure.columns[1]": "demographic_category",
            "m.long.measure.columns[2]": "demographic_variable",
            **{
                f"m.long.measure.codes[{i}].{key}": value
                for i, (when, code, column) in enumerate(
                    [
                        ("All Grades\nAll Students\nAll Students", "attendance_pct", "percent_attendance"),
                        ("All Grades\nAll Students\nAll Students", "persistent_absence_pct", "percent_chronically_absent"),
                        ("All Grades\nPoverty\nPoverty", "attendance_poverty_pct", "percent_attendance"),
                    ]
                )
                for key, value in (("when", when), ("measure", code), ("value", column))
            },
            **{
                f"m.define_measures[{i}].{key}": value
                for i, (code, name) in enumerate(
                    [("attendance_pct", "Attendance (%)"), ("attendance_poverty_pct", "Attendance of pupils in poverty (%)")]
                )
                for key, value in (
                    ("code", code), ("name", name), ("unit", "percent"), ("domain", "attendance"), ("higher_is_better", "true")
                )
            },
        },
    )  # fmt: skip
    paths = []
    for name, text in (("schools", schools), ("attendance", attendance)):
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    assert yaml.safe_load(attendance)["id"] == {"template": "NY-{dbn}"}
    same_import([(file, paths[0], NYC / "schools.yaml"), (file, paths[1], NYC / "attendance.yaml")])
