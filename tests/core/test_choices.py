"""`ChoiceLabels` (kindred/core/choices.py) gives what Django's own `get_FOO_display` gives, in every
language, for every choice field of the models that use it."""

import pytest
from django.db.models import Model
from django.utils import translation

from kindred.networks.models import Network
from kindred.schools.models import School


@pytest.mark.parametrize("model", [School, Network])
@pytest.mark.parametrize("language", ["en", "cy", "ar"])
def test_choice_labels_are_djangos_own_in_every_language(model, language):
    fields = [f for f in model._meta.concrete_fields if f.choices]
    assert fields
    with translation.override(language):
        for field in fields:
            for value in [*(v for v, _label in field.flatchoices), "not a choice", ""]:
                row = model(**{field.attname: value})
                display = getattr(row, f"get_{field.name}_display")()
                assert display == Model._get_FIELD_display(row, field)
                assert type(display) is type(Model._get_FIELD_display(row, field))


def test_a_schools_phase_label_follows_the_language():
    school = School(phase=School.Phase.PRIMARY)
    with translation.override("cy"):
        welsh = school.phase_label
    assert school.phase_label == "Primary" and welsh != "Primary"
