"""The mapping language's schema: it checks mappings (each mistake named by where it is) and it
writes the reference in docs/importing.md, which must be the one it writes now."""

from pathlib import Path

import pytest

from kindred.schools.importing import MappingError
from kindred.schools.importing.mapping import mapping_parse
from kindred.schools.importing.schema import reference_markdown, schema_check
from kindred.schools.management.commands.mapping_reference import reference_replace

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "importing.md"


def test_the_reference_in_docs_importing_is_the_one_the_schema_writes():
    text = DOCS.read_text(encoding="utf-8")
    assert reference_replace(text) == text, "run: kindred mapping_reference --write docs/importing.md"


def test_the_reference_lists_every_key_with_its_type_and_default():
    reference = reference_markdown()
    assert "| `decimal_comma` | true/false | `false` |" in reference
    assert "| `template` | text |" in reference
    assert "| `cohort` | column |" in reference
    assert (
        "| `unit` | `percent_pupils` \\| `percent` \\| `score` \\| `count` \\| `rating` | `score` |"
        in reference
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"id": "URN", "year": "next year"}, "year: needs a 'year'"),
        ({"id": "URN", "sheet": True}, "sheet: must be a sheet's name or its number"),
        ({"id": "URN", "decimal_comma": "yes"}, "decimal_comma: must be true or false"),
        ({"id": {"template": "{LA"}}, "id: a template names columns in braces"),
        (
            {"id": {"columns": ["A"], "template": "{A}"}},
            "id: give the id's 'columns' or a 'template', not both",
        ),
        ({"id": "URN", "skip": [{"column": "A", "reason": "x"}]}, "skip[0]: needs a list of 'values'"),
        ({"id": "URN", "keep": {"column": "ST"}}, "keep[0].values: 'values' is required"),
        (
            {"id": "URN", "schools": {"fields": {"name": "N", "status": {"value": "shut"}}}},
            "schools.fields.status[0]: 'shut' is not a status",
        ),
        (
            {"id": "URN", "schools": {"fields": {"name": "N", "town": {"column": "T", "date_format": "%d"}}}},
            "schools.fields.town[0].date_format: unknown key",
        ),
        (
            {"id": "URN", "schools": {"coordinates": {"latitude": "LAT", "northing": "N"}}},
            "schools.coordinates: give either latitude and longitude, or easting and northing",
        ),
        (
            {"id": "URN", "measures": [{"column": "A", "measure": "fsm_pct", "scale": 0}]},
            "measures[0]: scale must be a number other than 0",
        ),
        (
            {"id": "URN", "define_measures": [{"code": "fsm_pct", "name": "FSM"}]},
            "define_measures[0]: needs a new 'code'",
        ),
        (
            {"id": "URN", "define_measures": [{"code": "x", "name": "X", "unit": "metres"}]},
            "define_measures[0].unit: 'metres' is not one of 'percent_pupils', 'percent', 'score', 'count' or 'rating'",
        ),
    ],
)
def test_a_mistake_is_named_by_where_it_is(data, expected):
    with pytest.raises(MappingError) as raised:
        mapping_parse(data, name="m")
    assert expected in str(raised.value)


def test_a_mapping_that_is_not_a_mapping_is_refused_plainly():
    assert schema_check(["id", "URN"])[1] == ["the mapping: must be a mapping of keys to values"]
