"""Framework files: YAML and CSV, checked whole, versioned, exported back the same."""

import pytest
from django.core.management import CommandError, call_command

from kindred.frameworks.loading import FrameworkFileError, read_csv, read_yaml, write_csv, write_yaml
from kindred.frameworks.models import Framework, FrameworkVersion, Standard
from kindred.frameworks.services import framework_load
from tests.frameworks.conftest import EXAMPLES

GOOD_YAML = """
code: tiny
name: Tiny framework
scale: [Low, Mid, High]
domains:
  - code: a
    name: Domain A
    standards:
      - {code: A1, name: First, descriptors: [one, two, three]}
      - {code: A2, name: Second}
"""


def test_both_examples_load_and_make_one_version_each(db):
    for path in sorted(EXAMPLES.glob("*.yaml")):
        framework_load(spec=read_yaml(path.read_text()), by=None)
    assert Framework.objects.count() == 2
    assert FrameworkVersion.objects.count() == 2
    assert Standard.objects.filter(domain__version__framework__code="school-improvement").count() == 12


def test_loading_the_same_file_twice_makes_no_new_version(db):
    spec = read_yaml(GOOD_YAML)
    first, created = framework_load(spec=spec, by=None)
    again, created_again = framework_load(spec=read_yaml(GOOD_YAML), by=None)
    assert created and not created_again and first == again


def test_a_changed_file_makes_a_new_version_and_keeps_the_old_one(db):
    framework_load(spec=read_yaml(GOOD_YAML), by=None)
    changed, created = framework_load(
        spec=read_yaml(GOOD_YAML.replace("name: Second}", "name: Second again}")), by=None
    )
    assert created and changed.number == 2
    old = FrameworkVersion.objects.get(framework__code="tiny", number=1)
    assert old.domains.get().standards.get(code="A2").name == "Second"


def test_every_problem_of_a_bad_yaml_file_is_reported_with_where_it_is():
    bad = """
code: "bad code!"
name: ""
scale: [Only one]
domains:
  - code: a
    name: A
    standards:
      - {code: A1, name: First, descriptors: [x, y]}
      - {code: A1, name: ""}
  - code: a
    name: Again
    standards: []
"""
    with pytest.raises(FrameworkFileError) as caught:
        read_yaml(bad)
    where = [w for w, _ in caught.value.problems]
    assert "code" in where and "name" in where and "scale" in where
    assert "domains[1].standards[1], descriptors" in where
    assert "domains[1].standards[2], code" in where
    assert "domains[1].standards[2], name" in where
    assert "domains[2], code" in where
    assert "domains[2]" in where


def test_text_that_is_not_yaml_is_refused_with_one_clear_message():
    with pytest.raises(FrameworkFileError, match="not valid YAML"):
        read_yaml("code: [unclosed")


def test_csv_reads_levels_from_the_header_and_reports_rows(db):
    content = (
        "domain_code;domain_name;standard_code;standard_name;behaviours;Low;Mid;High\n"
        'a;Domain A;A1;First;"Plans; Reviews";one;two;three\n'
        "a;Domain A;A2;Second;;;;\n"
        "b;Domain B;;Nameless code;;;;\n"
    )
    with pytest.raises(FrameworkFileError) as caught:
        read_csv(content, code="tiny", name="Tiny")
    assert caught.value.problems == [
        ("row 4, code", "A standard code must be letters, digits, '-', '_' or '.'.")
    ]
    spec = read_csv(content.rsplit("b;", 1)[0], code="tiny", name="Tiny")
    assert spec.scale == ["Low", "Mid", "High"]
    assert spec.domains[0].standards[0].behaviours == ["Plans", "Reviews"]
    assert spec.domains[0].standards[0].descriptors == ["one", "two", "three"]


def test_csv_without_its_columns_says_which_are_missing():
    with pytest.raises(FrameworkFileError, match="domain_name, standard_code"):
        read_csv("domain_code,standard_name\na,b\n", code="x", name="X")


def test_yaml_and_csv_exports_read_back_to_the_same_framework():
    spec = read_yaml((EXAMPLES / "professional-behaviours.yaml").read_text())
    assert read_yaml(write_yaml(spec)).digest() == spec.digest()
    assert (
        read_csv(write_csv(spec), code=spec.code, name=spec.name, description=spec.description).digest()
        == spec.digest()
    )


def test_the_command_loads_examples_and_refuses_a_bad_file_without_loading_anything(db, tmp_path):
    call_command("framework", "load", "examples")
    assert FrameworkVersion.objects.count() == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_YAML.replace("name: Second", "name: ''"))
    with pytest.raises(CommandError, match=r"domains\[1\]\.standards\[2\], name"):
        call_command("framework", "load", str(bad))
    assert not Framework.objects.filter(code="tiny").exists()
