"""Issue 20, item 4: the personal-data download holds everything Kindred keeps about a person,
the outbox forgets a deleted person, and sent e-mails are pruned after OUTBOX_RETENTION_DAYS."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.services import account_delete
from kindred.board import delivery
from kindred.board import services as board
from kindred.board.models import OutgoingEmail
from kindred.events import services as events
from kindred.events.models import Event
from kindred.networks import services as networks
from tests.board.conftest import PNG
from tests.events.conftest import FIRST

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_teacher(network_x, teacher_x, school_admin_x, school_leader_x, media_root_tmp):
    """teacher_x with a profile, a thread with a file, a connection, a feed, a registration, e-mails."""
    teacher_x.full_name = "Tess Teacher"
    teacher_x.save()
    networks.profile_update(user=teacher_x, job_title="Head of English", subjects="English, Drama")
    thread = board.thread_create(
        network=network_x,
        by=teacher_x,
        title="Reading for pleasure",
        body="Who runs a book club?",
        files=[SimpleUploadedFile("club.png", PNG, content_type="image/png")],
    )
    school_admin_x.full_name = "Olive Office"
    school_admin_x.save()
    board.post_reply(thread=thread, by=school_admin_x, body="We do! Ask @**Tess Teacher** too")
    board.post_reply(thread=thread, by=teacher_x, body="Over to you, @**Olive Office**")
    connection = networks.connection_request(from_user=school_leader_x, to_user=teacher_x, message="Hello")
    networks.connection_decide(connection=connection, accept=True, by=teacher_x)
    events.feed_token_issue(user=teacher_x)
    event = events.event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TRAINING,
        title="Phonics",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
    )
    events.registration_create(event=event, occurrence_start=FIRST, by=teacher_x)
    TOTPDevice.objects.create(user=teacher_x, name="phone", confirmed=False)  # being set up
    return teacher_x


@pytest.fixture
def media_root_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_download_holds_everything_kindred_keeps_about_the_person(client, busy_teacher):
    client.force_login(busy_teacher)
    data = json.loads(client.get("/accounts/profile/data.json").content)
    records = data["records"]
    assert records["networks.profile"][0]["job_title"] == "Head of English"
    own = [p["body"] for p in records["board.post"] if not p.get("names_you")]
    assert own == ["Who runs a book club?", "Over to you, @**Olive Office**"]
    assert records["board.post"][0]["thread"]["label"] == "Reading for pleasure"
    assert [a["name"] for a in records["board.attachment"]] == ["club.png"]
    assert records["board.thread"][0]["title"] == "Reading for pleasure"
    assert records["networks.connection"][0]["status"] == "accepted"
    feed = records["events.feedtoken"][0]
    assert feed["token"] and feed["revoked_at"] is None
    assert records["events.registration"][0]["occurrence_start"] == FIRST.isoformat()
    # the e-mail telling them of the mention, still in the outbox
    assert any("mentioned you" in e["subject"] for e in records["board.outgoingemail"])
    assert records["board.notification"] and records["board.threadread"]
    # Olive's reply mentioning Tess is named, not copied (it is someone else's post)
    named = [p for p in records["board.post"] if p.get("names_you")]
    assert len(named) == 1 and set(named[0]) == {"id", "names_you", "label"}
    # secrets are listed as kept, never shown
    assert records["otp_totp.totpdevice"][0]["key"] == "(kept, not shown: a secret)"
    assert "Olive Office" not in json.dumps(records["networks.profile"])


def test_a_post_that_mentions_the_person_is_named_in_their_download(client, busy_teacher, school_admin_x):
    client.force_login(school_admin_x)
    data = json.loads(client.get("/accounts/profile/data.json").content)
    # Olive wrote one post and is mentioned in one of Tess's: hers in full, Tess's as a reference
    own = [p for p in data["records"]["board.post"] if not p.get("names_you")]
    named = [p for p in data["records"]["board.post"] if p.get("names_you")]
    assert [p["body"] for p in own] == ["We do! Ask @**Tess Teacher** too"]
    assert len(named) == 1 and set(named[0]) == {"id", "names_you", "label"}


def test_deleting_an_account_removes_its_emails_and_its_name_from_everyone_elses(
    busy_teacher, school_admin_x
):
    delivery.outbox_send()  # some sent, and one more waiting
    board.post_reply(
        thread=busy_teacher.board_posts.first().thread, by=busy_teacher, body="@**Olive Office** again"
    )
    assert OutgoingEmail.objects.filter(user=busy_teacher).exists()
    assert OutgoingEmail.objects.filter(subject__contains="Tess Teacher").exists()
    account_delete(user=busy_teacher)
    assert not OutgoingEmail.objects.filter(user=busy_teacher).exists()
    left = list(OutgoingEmail.objects.values_list("subject", "body"))
    assert left and not any("Tess Teacher" in s or "Tess Teacher" in b for s, b in left)
    assert not any("teacher.x@example.org" in s + b for s, b in left)
    assert any(s.startswith("Former member mentioned you") for s, _b in left)


def test_sent_emails_are_deleted_after_the_retention_and_unsent_ones_are_kept(settings, school_admin_x):
    settings.OUTBOX_RETENTION_DAYS = 30
    now = timezone.now()

    def email(subject, **times):
        row = OutgoingEmail.objects.create(
            user=school_admin_x,
            kind="at_once",
            to=school_admin_x.email,
            subject=subject,
            body="b",
            unsubscribe_url="https://kindred.example/u/",
        )
        OutgoingEmail.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=60), **times)

    email("sent long ago", sent_at=now - timedelta(days=31))
    email("sent lately", sent_at=now - timedelta(days=29))
    email("set aside long ago", failed_at=now - timedelta(days=31), failure="BadHeaderError")
    email("never sent", claim="")
    assert delivery.outbox_prune(now=now) == 2
    assert sorted(OutgoingEmail.objects.values_list("subject", flat=True)) == ["never sent", "sent lately"]
    out = StringIO()
    call_command("digest", verbosity=0, stdout=out)  # the daily run prunes too
    assert "older than OUTBOX_RETENTION_DAYS deleted" in out.getvalue()
