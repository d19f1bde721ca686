"""Each row's time of last change (core/changes.py) is kept by every way Kindred writes the row: save,
save with update_fields, QuerySet.update, bulk_update, bulk_create, plain-tuple inserts (COPY), the
importer's bulk UPDATE, and a support category changed by an import or a recompute; a write that
is bookkeeping says so and keeps it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.utils import timezone

from kindred.core.bulk import bulk_insert
from kindred.core.changes import ChangeTracked, ChangeTrackedQuerySet
from kindred.evidence.services import categories_import
from kindred.library.models import Resource
from kindred.library.services import download_count, resource_create
from kindred.schools.importing import schools_import
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

EARLY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)


def _school(registry_id: str = "100001", **fields) -> School:
    with time_machine.travel(EARLY, tick=False):
        return School.objects.create(registry_id=registry_id, name=fields.pop("name", "Xavier"), **fields)


def _updated(school: School) -> datetime:
    return School.objects.values_list("updated_at", flat=True).get(pk=school.pk)


def test_every_tracked_model_keeps_the_time_through_its_own_queryset():
    tracked = [m for m in apps.get_models() if issubclass(m, ChangeTracked)]
    assert {m.__name__ for m in tracked} >= {
        "School",
        "SchoolMeasure",
        "Network",
        "Membership",
        "NetworkRole",
        "Event",
        "Registration",
        "Resource",
        "DevelopmentPlan",
        "Consultation",
    }
    for model in tracked:
        assert issubclass(model._default_manager._queryset_class, ChangeTrackedQuerySet), model


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.save(),
        lambda s: s.save(update_fields=["town"]),
        lambda s: School.objects.filter(pk=s.pk).update(town="Elsewhere"),
        lambda s: School.objects.bulk_update([s], ["town"]),
    ],
    ids=["save", "save-update-fields", "queryset-update", "bulk-update"],
)
def test_each_way_of_changing_a_row_sets_its_time(write):
    school = _school()
    assert _updated(school) == EARLY
    school.town = "Elsewhere"
    with time_machine.travel(LATER, tick=False):
        write(school)
    assert _updated(school) == LATER


def test_a_row_saved_as_it_was_read_keeps_its_time_and_a_change_in_place_in_a_json_column_does_not(
    network_x,
):
    network = type(network_x).objects.get(pk=network_x.pk)
    type(network).objects.filter(pk=network.pk).update(updated_at=EARLY)
    network = type(network).objects.get(pk=network.pk)
    with time_machine.travel(LATER, tick=False):
        network.save()  # an edit form sent back unchanged
        network.save(update_fields=["name"])
        assert type(network).objects.get(pk=network.pk).updated_at == EARLY
        network.name_params["extra"] = "changed in place"
        network.save()
    assert type(network).objects.get(pk=network.pk).updated_at == LATER


def test_bulk_create_and_a_plain_tuple_insert_that_leaves_the_column_out_set_it():
    with time_machine.travel(LATER, tick=False):
        (made,) = School.objects.bulk_create([School(registry_id="100002", name="Bulk")])
    assert _updated(made) == LATER
    fields = [f for f in School._meta.concrete_fields if f.name not in ("id", "updated_at")]
    copied = School(registry_id="100003", name="Copied")
    row = [f.get_db_prep_save(getattr(copied, f.attname), connection) for f in fields]
    bulk_insert(School._meta.db_table, [f.column for f in fields], [row])
    copied = School.objects.get(registry_id="100003")
    assert abs(_updated(copied) - timezone.now()) < timedelta(minutes=5)  # the database's own now()


def test_the_importer_sets_the_time_of_the_schools_it_changes_and_only_theirs(tmp_path):
    same, changed = _school("100001", town="Cardiff"), _school("100002", name="Yew", town="Bangor")
    data = tmp_path / "schools.csv"
    data.write_text("URN,Name,Town\n100001,Xavier,Cardiff\n100002,Yew,Caernarfon\n100003,New,Rhyl\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "id: URN\nschools:\n  create: true\n  update: true\n  fields: {name: Name, town: Town}\n"
    )
    with time_machine.travel(LATER, tick=False):
        schools_import(path=data, mapping=mapping)
    assert _updated(same) == EARLY
    assert _updated(changed) == LATER
    assert School.objects.get(registry_id="100003").updated_at == LATER


def test_a_school_whose_published_category_changes_is_changed_and_one_given_the_same_is_not():
    red, green = _school("100001"), _school("100002", name="Yew")
    categories_import(published={"100001": "red", "100002": "green"})
    School.objects.update(updated_at=EARLY)
    with time_machine.travel(LATER, tick=False):
        categories_import(published={"100001": "amber", "100002": "green"})
    assert (_updated(red), _updated(green)) == (LATER, EARLY)


def test_a_download_is_not_a_change_of_the_resource(school_leader_x):
    with time_machine.travel(EARLY, tick=False):
        resource = resource_create(
            by=school_leader_x, network=None, kind="link", title="T", licence="CC-BY-4.0", url="https://e.org"
        )
    with time_machine.travel(LATER, tick=False):
        download_count(resource=resource)
    resource = Resource.objects.get(pk=resource.pk)
    assert (resource.download_count, resource.updated_at) == (1, EARLY)
