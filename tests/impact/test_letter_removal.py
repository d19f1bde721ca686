"""Removing a letter of support from a network's evidence pack: those who may add one may remove one,
after a confirmation that works without JavaScript; audited; the file deleted from storage."""

import pytest
from django.test import Client

from kindred.audit.models import AuditEvent
from kindred.impact.models import SupportLetter
from kindred.networks.services import network_create
from tests.impact.conftest import pdf

pytestmark = pytest.mark.django_db


def remove_url(letter: SupportLetter) -> str:
    return f"/impact/networks/{letter.network_id}/pack/letters/{letter.pk}/remove/"


def test_the_coordinator_removes_a_letter_after_confirming_and_its_file_is_deleted(
    pack_network, school_leader_x, django_capture_on_commit_callbacks
):
    letter = SupportLetter.objects.get(network=pack_network)
    stored, storage = letter.file.name, letter.file.storage
    assert storage.exists(stored)
    client = Client()
    client.force_login(school_leader_x)
    page = client.get(f"/impact/networks/{pack_network.pk}/pack/").content.decode()
    assert remove_url(letter) in page and "Remove the letter from Authority A1 director" in page

    asked = client.post(remove_url(letter))  # the button's POST, without JavaScript: a question first
    assert asked.status_code == 200
    question = asked.content.decode()
    assert "Remove the letter from Authority A1 director" in question and 'name="confirmed"' in question
    assert SupportLetter.objects.filter(pk=letter.pk).exists() and storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(remove_url(letter), {"confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == f"/impact/networks/{pack_network.pk}/pack/"
    assert not SupportLetter.objects.filter(pk=letter.pk).exists()
    assert not storage.exists(stored)
    event = AuditEvent.objects.get(action="impact.support_letter_removed")
    assert event.actor == school_leader_x
    assert event.details["writer"] == "Authority A1 director" and event.details["sha256"] == letter.sha256
    page = client.get(f"/impact/networks/{pack_network.pk}/pack/").content.decode()
    assert "No letter of support has been added yet." in page


def test_the_system_leader_over_the_network_removes_a_letter_someone_else_added(
    pack_network, system_leader, school_leader_x
):
    import datetime as dt

    from kindred.impact.services import support_letter_add

    mine = support_letter_add(
        network=pack_network,
        writer="Partner",
        writer_kind="partner",
        dated=dt.date(2026, 1, 2),
        upload=pdf(),
        by=school_leader_x,
    )
    client = Client()
    client.force_login(system_leader)
    assert client.post(remove_url(mine), {"confirmed": "yes"}).status_code == 302
    assert not SupportLetter.objects.filter(pk=mine.pk).exists()


def test_a_teacher_another_network_and_outsiders_cannot_remove_a_letter(
    pack_network, teacher_x, teacher_y, school_leader_x, region_a
):
    letter = SupportLetter.objects.get(network=pack_network)
    client = Client()
    client.force_login(teacher_x)  # a member school's teacher sees the network, not its pack
    assert client.post(remove_url(letter), {"confirmed": "yes"}).status_code == 403
    other = network_create(name="Other cluster", kind="cluster", region=region_a, by=school_leader_x)
    client.force_login(school_leader_x)  # the letter, asked for through another network's address
    wrong = f"/impact/networks/{other.pk}/pack/letters/{letter.pk}/remove/"
    assert client.post(wrong, {"confirmed": "yes"}).status_code == 404
    client.logout()
    assert client.post(remove_url(letter), {"confirmed": "yes"}).status_code == 302  # to sign in
    assert client.get(remove_url(letter)).status_code == 405
    assert SupportLetter.objects.filter(pk=letter.pk).exists()
    assert not AuditEvent.objects.filter(action="impact.support_letter_removed").exists()
