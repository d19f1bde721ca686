"""The builder's form is drawn from schema.py and reads back into the same mapping: every shipped
and sample mapping, drawn and posted unchanged, is the same mapping; every key of every model has
an input; mistakes are shown beside their input."""

from pathlib import Path

import pytest
import yaml
from django.utils import translation
from pydantic import Field, create_model

from kindred.schools.importing import schema
from kindred.schools.importing.schema import MappingSpec, schema_check
from kindred.schools.importing.schema_form import Context, _walk, form_data, form_nodes, form_post, shorthand

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = sorted(
    [
        *ROOT.glob("kindred/schools/mappings/*.yaml"),
        *ROOT.glob("tests/importing/data/*/*.yaml"),
        *ROOT.glob("tests/importing/zoo/*.yaml"),
    ]
)
MAPPINGS = [p for p in MAPPINGS if schema_check(yaml.safe_load(p.read_text()))[0] is not None]


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_every_sample_mapping_drawn_and_posted_unchanged_is_the_same_mapping(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    back = form_data(form_post(data))
    assert schema_check(back) == schema_check(data)
    assert schema_check(shorthand(back)) == schema_check(data)  # as the builder writes the YAML


def test_a_key_added_to_the_schema_appears_in_the_form_and_is_read_back():
    """No form code per key: a new key of the schema (here a made-up one, in a made-up mapping
    model) is drawn with its description as help and read back from the post."""
    Extended = create_model(
        "Extended",
        __base__=MappingSpec,
        colour=(str | None, Field(None, description="a colour for the file")),
        tints=(list[schema.KeepSpec], Field([], description="tints")),
    )
    nodes = {node.name: node for node in _walk(form_nodes({}, Context(["Colour", "Tint"]), spec=Extended))}
    assert nodes["m.colour"].kind == "text" and nodes["m.colour"].help == "a colour for the file"
    assert nodes["m.tints[0].column"].choices == [("", "— none —"), ("Colour", "Colour"), ("Tint", "Tint")]
    post = {
        **form_post({}, spec=Extended),
        "m.colour": "teal",
        "m.tints[0].column": "Tint",
        "m.tints[0].values": "a\nb",
    }
    assert form_data(post, spec=Extended) == {
        "colour": "teal",
        "tints": [{"column": "Tint", "values": ["a", "b"]}],
    }


def test_every_key_of_every_model_has_an_input_with_its_description():
    names = {(node.key.split("[")[0], node.help) for node in _walk(form_nodes({}, Context([])))}
    keys = {key for key, _help in names}
    for spec in schema.SPECS:
        for key, info in spec.model_fields.items():
            assert key in keys, (spec.__name__, key)
            if info.description:
                assert (key, info.description) in names, (spec.__name__, key)


def test_what_cannot_be_read_is_kept_as_typed_and_named_by_the_schema_where_it_is():
    post = {
        "m.measures[0].measure": "fsm_pct",
        "m.measures[0].column": "FSM",
        "m.measures[0].scale": "a hundred",
        "m.year.value": "2018/19",
        "m.keep[0].column": "State",
    }
    data = form_data(post)
    assert data["measures"][0]["scale"] == "a hundred" and data["year"] == {"value": "2018/19"}
    _checked, errors = schema_check(data)
    nodes = form_nodes(data, Context(["FSM", "State"]), errors=errors)
    by_name = {node.name: node for node in _walk(nodes)}
    assert by_name["m.measures[0].scale"].errors == ["must be a number"]
    assert by_name["m.measures[0].scale"].value == "a hundred"
    assert by_name["m.year.value"].errors == ["must be a number"]
    assert by_name["m.keep[0].values"].errors == ["'values' is required"]


def test_value_maps_and_lists_read_back_with_null_and_the_empty_text():
    post = {
        "m.schools.fields.urban_rural[0].column": "Area",
        "m.schools.fields.urban_rural[0].values": 'Urban = urban\nRural=rural\nUnknown = ""\nNot recorded =\n\n',
        "m.schools.fields.urban_rural[0].missing": "n/a\n-",
        "m.measures[0].measure": "fsm_pct",
        "m.measures[0].column": "FSM",
        "m.measures[0].values": "Yes = 1\nNo = 0.5\nUnknown =",
        "m.schools.coordinates.latitude": "Lat",
        "m.schools.coordinates.longitude": "Lon",
        "m.schools.coordinates.bounds": "49.8\n-8.7\n60.9\n1.8",
    }
    data = form_data(post)
    assert data["schools"]["fields"]["urban_rural"] == [
        {
            "column": "Area",
            "values": {"Urban": "urban", "Rural": "rural", "Unknown": "", "Not recorded": None},
            "missing": ["n/a", "-"],
        }
    ]
    assert data["measures"][0]["values"] == {"Yes": 1, "No": 0.5, "Unknown": None}
    assert data["schools"]["coordinates"]["bounds"] == [49.8, -8.7, 60.9, 1.8]
    assert schema_check(data)[1] == []
    assert form_data(form_post(data)) == data


def test_an_entry_ticked_remove_or_emptied_is_dropped():
    data = {
        "id": "URN",
        "skip": [{"column": "A", "values": ["x"], "reason": "r"}, {"column": "B", "below": 0, "reason": "s"}],
    }
    post = form_post(data)
    assert form_data({**post, "m.skip[0].__remove": "1"})["skip"] == [
        {"column": "B", "below": 0, "reason": "s"}
    ]
    emptied = {**post, "m.skip[1].column": "", "m.skip[1].below": "", "m.skip[1].reason": ""}
    assert form_data(emptied)["skip"] == [{"column": "A", "values": ["x"], "reason": "r"}]


def test_the_yaml_is_written_with_the_shorthands_a_person_uses():
    data = {
        "id": {"columns": ["URN"]},
        "year": {"value": 2018},
        "schools": {"fields": {"name": [{"column": "Name"}], "phase": [{"value": "primary"}]}},
        "measures": [{"column": "FSM", "measure": "fsm_pct", "year": {"value": 2019}}],
    }
    short = shorthand(data)
    assert short == {
        "id": "URN",
        "year": 2018,
        "schools": {"fields": {"name": "Name", "phase": {"value": "primary"}}},
        "measures": [{"column": "FSM", "measure": "fsm_pct", "year": 2019}],
    }
    assert schema_check(short) == schema_check(data)


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_every_key_is_explained_in_welsh_and_arabic(language):
    """Each description and model of the schema has a catalogue entry: a key added without one
    fails here (its English text would be shown)."""
    english = {node.name: node.help for node in _walk(form_nodes({}, Context([]))) if node.help}
    with translation.override(language):
        translated = {node.name: node.help for node in _walk(form_nodes({}, Context([]))) if node.help}
    untranslated = sorted({english[name] for name in english if translated[name] == english[name]})
    assert untranslated == []


def test_text_that_reads_as_a_number_is_quoted_and_stays_text():
    data = {"id": "URN", "sheet": "2021", "schools": {"fields": {"country": [{"value": "1"}]}}}
    post = form_post(data)
    assert post["m.sheet"] == '"2021"' and post["m.schools.fields.country[0].value"] == '"1"'
    assert form_data(post) == {"id": {"columns": ["URN"]}, **{k: v for k, v in data.items() if k != "id"}}
    assert form_data({"m.sheet": "2", "m.schools.fields.phase[0].value": "primary"}) == {
        "sheet": 2,
        "schools": {"fields": {"phase": [{"value": "primary"}]}},
    }
