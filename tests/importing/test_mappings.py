import pytest

from kindred.schools.importing import MappingError, mapping_load, ready_mappings
from kindred.schools.importing.mapping import mapping_parse

pytestmark = pytest.mark.django_db

SAMPLE_MAPPINGS = {
    "OFSTED_Ratings",
    "abs",
    "census",
    "grammar_schools",
    "ks2final",
    "ks4-pupdest",
    "ks4final",
    "ks4provisional",
    "ks5final",
    "la_and_region_codes_meta",
}


def test_a_ready_mapping_ships_for_gias_and_for_every_sample_file():
    assert set(ready_mappings()) == SAMPLE_MAPPINGS | {"gias"}


@pytest.mark.parametrize("name", sorted(SAMPLE_MAPPINGS | {"gias"}))
def test_every_ready_mapping_loads(name):
    mapping = mapping_load(name)
    assert mapping.name == name
    assert mapping.description


def test_a_mapping_can_be_given_by_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("id: school\nyear: 2020\nmeasures:\n  - {column: fsm, measure: fsm_pct}\n")
    mapping = mapping_load(path)
    assert mapping.id_column == "school"
    assert mapping.measures[0].year == 2020


def test_an_unknown_mapping_name_lists_the_ready_ones():
    with pytest.raises(MappingError, match="gias"):
        mapping_load("no-such-mapping")


def test_every_problem_in_a_mapping_is_reported_at_once():
    data = {
        "id": "URN",
        "colour": "blue",
        "schools": {
            "fields": {
                "name": "NAME",
                "phase": {"column": "PHASE", "values": {"Primary": "primaryish"}},
                "shoe_size": "SIZE",
            }
        },
        "measures": [
            {"column": "X", "measure": "no_such_measure", "year": 2018},
            {"column": "Y"},
            {"column": "Z", "measure": "fsm_pct", "year": 2018, "cohrt": "NOR"},
        ],
    }
    with pytest.raises(MappingError) as raised:
        mapping_parse(data, name="broken")
    message = str(raised.value)
    for expected in [
        "colour",
        "primaryish",
        "shoe_size",
        "no_such_measure",
        "measures[1]",
        "measures[2].cohrt",
    ]:
        assert expected in message


def test_a_choice_field_needs_a_value_map():
    with pytest.raises(MappingError, match="phase needs a 'values' map"):
        mapping_parse({"id": "URN", "schools": {"fields": {"name": "N", "phase": "PHASE"}}})


def test_a_mapping_may_define_its_own_measures():
    mapping = mapping_parse(
        {
            "id": "URN",
            "year": 2018,
            "define_measures": [{"code": "reading_age", "name": "Reading age", "unit": "score"}],
            "measures": [{"column": "RA", "measure": "reading_age"}],
        }
    )
    assert mapping.new_measures[0].code == "reading_age"
