"""Bidirectional-override characters (issue 20, item 10): U+202A–U+202E and U+2066–U+2069 are
dropped from what people type and from uploaded file names, so "invoice\u202efdp.exe" cannot pose as
"invoiceexe.pdf" to others; right-to-left marks (U+200F) stay, and passwords are left as typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from kindred.board.models import Attachment, Thread
from kindred.core.bidi import BidiControlsMiddleware, without_bidi_controls
from kindred.networks.models import Profile
from tests.board.conftest import PNG

pytestmark = pytest.mark.django_db

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_every_override_and_isolate_is_dropped_and_the_marks_stay():
    assert without_bidi_controls(f"a{OVERRIDES}b") == "ab"
    assert without_bidi_controls("\u0645\u0631\u062d\u0628\u0627\u200f 42\u200e") == (
        "\u0645\u0631\u062d\u0628\u0627\u200f 42\u200e"
    )


def test_a_thread_title_and_an_attachment_name_lose_them(client, network_x, teacher_x):
    client.force_login(teacher_x)
    upload = SimpleUploadedFile("photo\u202egnp.exe.png", PNG, content_type="image/png")
    response = client.post(
        f"/board/networks/{network_x.pk}/new/",
        {"title": "Invoice \u202egpj.exe", "body": "See \u2067this\u2069", "files": [upload]},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    thread = Thread.objects.get()
    assert thread.title == "Invoice gpj.exe"
    assert thread.posts.get().body == "See this"
    assert Attachment.objects.get().name == "photognp.exe.png"


def test_profile_fields_lose_them(client, teacher_x):
    client.force_login(teacher_x)
    response = client.post(
        "/people/me/",
        {"job_title": "Head of \u202eEnglish", "subjects": "reading", "visibility": "networks"},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert Profile.objects.get(user=teacher_x).job_title == "Head of English"


def test_passwords_are_left_as_typed():
    request = RequestFactory().post("/x/", {"new_password1": "pass\u202eword", "title": "t\u202e"})
    BidiControlsMiddleware(lambda r: None).process_view(request, None, (), {})
    assert request.POST["new_password1"] == "pass\u202eword" and request.POST["title"] == "t"


def test_a_name_stored_before_is_downloaded_without_them(client, network_x, teacher_x):
    from django.core.files.base import ContentFile

    from kindred.board.services import thread_create

    post = thread_create(network=network_x, by=teacher_x, title="t", body="b").posts.get()
    attachment = Attachment(post=post, name="photo\u202egnp.exe", content_type="image/png", size=len(PNG))
    attachment.file.save("photo.png", ContentFile(PNG))
    client.force_login(teacher_x)
    response = client.get(f"/board/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert (
        "\u202e" not in response["Content-Disposition"] and "photognp.exe" in response["Content-Disposition"]
    )
