"""Threads and replies: members post, authors edit and delete their own posts, coordinators pin
and hide, anyone who reads the board reports a post; bad input changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.audit.models import AuditEvent
from kindred.board import services
from kindred.board.models import Attachment, Post, PostReport, Thread

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_thread_and_another_replies(client, thread_x, school_admin_x):
    client.force_login(school_admin_x)
    response = client.post(f"/board/threads/{thread_x.pk}/reply/", {"body": "We do, on Fridays."})
    assert response.status_code == 302
    assert [p.body for p in thread_x.posts.order_by("id")] == ["Who runs a book club?", "We do, on Fridays."]
    thread_x.refresh_from_db()
    assert thread_x.post_count == 2
    assert AuditEvent.objects.filter(action="board.post_created", actor=school_admin_x).exists()


def test_a_thread_started_through_the_page_shows_its_post(client, network_x, teacher_x):
    client.force_login(teacher_x)
    response = client.post(
        f"/board/networks/{network_x.pk}/new/", {"title": "Phonics", "body": "*Any* tips?"}
    )
    thread = Thread.objects.get(title="Phonics")
    assert response.url == thread.get_absolute_url()
    page = client.get(response.url)
    assert "<em>Any</em> tips?" in page.content.decode()


def test_an_empty_post_is_refused_and_nothing_is_written(client, thread_x, teacher_x):
    client.force_login(teacher_x)
    response = client.post(f"/board/threads/{thread_x.pk}/reply/", {"body": "   "})
    assert response.status_code == 400
    assert thread_x.posts.count() == 1


def test_a_thread_without_a_title_is_refused(network_x, teacher_x):
    with pytest.raises(ValidationError):
        services.thread_create(network=network_x, by=teacher_x, title=" ", body="x")
    assert not Thread.objects.exists()


def test_an_outsider_cannot_post(thread_x, teacher_y):
    with pytest.raises(PermissionDenied):
        services.post_reply(thread=thread_x, by=teacher_y, body="hello")


def test_the_author_edits_a_post_and_it_shows_an_edited_mark(client, first_post, teacher_x):
    client.force_login(teacher_x)
    response = client.post(f"/board/posts/{first_post.pk}/edit/", {"body": "Who runs a **reading** club?"})
    assert response.status_code == 302
    first_post.refresh_from_db()
    assert first_post.edited_at is not None
    page = client.get(first_post.thread.get_absolute_url()).content.decode()
    assert "<strong>reading</strong>" in page
    assert 'class="tag edited"' in page


def test_someone_else_cannot_edit_or_delete_a_post(client, first_post, school_admin_x):
    client.force_login(school_admin_x)
    assert client.post(f"/board/posts/{first_post.pk}/edit/", {"body": "mine now"}).status_code == 403
    assert client.post(f"/board/posts/{first_post.pk}/delete/").status_code == 403
    first_post.refresh_from_db()
    assert first_post.body == "Who runs a book club?" and first_post.deleted_at is None


def test_the_author_deletes_a_post_and_a_placeholder_remains(client, first_post, teacher_x):
    client.force_login(teacher_x)
    client.post(f"/board/posts/{first_post.pk}/delete/", {"confirmed": "yes"})
    page = client.get(first_post.thread.get_absolute_url()).content.decode()
    assert "Deleted by its author." in page
    assert "Who runs a book club?" not in page


def test_a_coordinator_hides_a_post_and_members_no_longer_see_it(
    client, first_post, school_leader_x, school_admin_x
):
    client.force_login(school_leader_x)
    assert client.post(f"/board/posts/{first_post.pk}/hide/", {"hidden": "1"}).status_code == 302
    client.force_login(school_admin_x)
    page = client.get(first_post.thread.get_absolute_url()).content.decode()
    assert "Hidden by a coordinator." in page and "book club" not in page
    assert AuditEvent.objects.filter(action="board.post_hidden", actor=school_leader_x).exists()


def test_a_member_cannot_hide_a_post(client, first_post, school_admin_x):
    client.force_login(school_admin_x)
    assert client.post(f"/board/posts/{first_post.pk}/hide/").status_code == 403
    first_post.refresh_from_db()
    assert first_post.hidden_at is None


def test_a_report_reaches_the_coordinators_board_page(client, first_post, school_admin_x, school_leader_x):
    client.force_login(school_admin_x)
    client.post(f"/board/posts/{first_post.pk}/report/", {"reason": "Contains a pupil's full name"})
    assert PostReport.objects.filter(post=first_post, reported_by=school_admin_x).exists()
    client.force_login(school_leader_x)
    page = client.get(f"/board/networks/{first_post.network_id}/").content.decode()
    assert "Contains a pupil&#x27;s full name" in page


def test_a_person_reports_a_post_only_once(first_post, school_admin_x):
    services.post_report(post=first_post, by=school_admin_x, reason="spam")
    with pytest.raises(ValidationError):
        services.post_report(post=first_post, by=school_admin_x, reason="spam again")
    assert PostReport.objects.count() == 1


def test_only_coordinators_pin_announcements(network_x, teacher_x, school_leader_x):
    with pytest.raises(PermissionDenied):
        services.thread_create(network=network_x, by=teacher_x, title="Mine first", body="x", pinned=True)
    pinned = services.thread_create(
        network=network_x, by=school_leader_x, title="Termly meeting", body="x", pinned=True
    )
    later = services.thread_create(network=network_x, by=teacher_x, title="Later thread", body="x")
    assert list(Thread.objects.order_by("-pinned", "-last_post_at").values_list("pk", flat=True)) == [
        pinned.pk,
        later.pk,
    ]


def test_a_pinned_thread_is_listed_first_on_the_board(client, network_x, thread_x, school_leader_x):
    announcement = services.thread_create(
        network=network_x, by=school_leader_x, title="Termly meeting", body="x"
    )
    services.post_reply(thread=thread_x, by=school_leader_x, body="newer reply")
    client.force_login(school_leader_x)
    client.post(f"/board/threads/{announcement.pk}/pin/", {"pinned": "1"})
    page = client.get(f"/board/networks/{network_x.pk}/").content.decode()
    assert page.index("Termly meeting") < page.index("Reading for pleasure")


def test_a_png_attachment_is_kept_and_served_as_a_download(
    client, thread_x, teacher_x, png_upload, media_root
):
    post = services.post_reply(thread=thread_x, by=teacher_x, body="A photo", files=[png_upload])
    attachment = post.attachments.get()
    assert attachment.content_type == "image/png"
    client.force_login(teacher_x)
    response = client.get(f"/board/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_html_file_named_like_an_image_is_refused(thread_x, teacher_x, media_root):
    disguised = SimpleUploadedFile(
        "cat.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    with pytest.raises(ValidationError, match="not a kind of file"):
        services.post_reply(thread=thread_x, by=teacher_x, body="see the file", files=[disguised])
    assert thread_x.posts.count() == 1 and not Attachment.objects.exists()


def test_a_pdf_named_like_text_is_stored_as_a_pdf(thread_x, teacher_x, media_root):
    pdf = SimpleUploadedFile("notes.txt", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    post = services.post_reply(thread=thread_x, by=teacher_x, body="notes", files=[pdf])
    assert post.attachments.get().content_type == "application/pdf"


def test_an_attachment_over_the_limit_is_refused(thread_x, teacher_x, settings, media_root):
    settings.BOARD_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.txt", b"a" * 2048)
    with pytest.raises(ValidationError, match="at most 1 KB"):
        services.post_reply(thread=thread_x, by=teacher_x, body="big", files=[big])
    assert Post.objects.count() == 1


def test_an_outsider_cannot_download_an_attachment(
    client, thread_x, teacher_x, teacher_y, png_upload, media_root
):
    post = services.post_reply(thread=thread_x, by=teacher_x, body="A photo", files=[png_upload])
    client.force_login(teacher_y)
    assert client.get(f"/board/attachments/{post.attachments.get().pk}/").status_code == 403


def test_a_private_networks_board_is_not_found_for_outsiders(client, private_network_x, teacher_y):
    client.force_login(teacher_y)
    assert client.get(f"/board/networks/{private_network_x.pk}/").status_code == 404


def test_a_closed_networks_board_is_read_only(client, network_x, thread_x, school_admin_x):
    network_x.status = "closed"
    network_x.save()
    with pytest.raises(ValidationError, match="closed"):
        services.post_reply(thread=thread_x, by=school_admin_x, body="still there?")
    client.force_login(school_admin_x)
    assert client.get(thread_x.get_absolute_url()).status_code == 200
    assert thread_x.posts.count() == 1
