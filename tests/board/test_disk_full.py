"""A full disk while an attachment is stored (issue #26's fault drill): a page that says nothing was
saved, no post, and no half-written file left behind (kindred/core/storage.py).

The disk is filled by the kernel's own limit on the size of a file this process may write
(RLIMIT_FSIZE): a write past it fails with EFBIG, as a write to a full disk fails with ENOSPC. The
drill in benchmarks/drill_faults.py does the same with a real full file system (a 1 MB tmpfs).
"""

import resource
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.board.models import Attachment, Post

pytestmark = pytest.mark.django_db


@contextmanager
def file_size_limit(nbytes: int):
    """No file written by this process may grow past nbytes while the block runs."""
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)


def test_a_reply_whose_attachment_finds_the_disk_full_stores_nothing_and_says_so(
    client, thread_x, school_admin_x, media_root
):
    client.force_login(school_admin_x)
    notes = SimpleUploadedFile("notes.txt", b"A line of our meeting notes.\n" * 10_000)  # 290 KB
    with file_size_limit(64 * 1024):
        response = client.post(f"/board/threads/{thread_x.pk}/reply/", {"body": "Our notes", "files": notes})
    page = response.content.decode()
    assert response.status_code == 507
    assert "No room to store your file" in page and "nothing was saved" in page
    assert list(thread_x.posts.values_list("body", flat=True)) == ["Who runs a book club?"]
    assert not Attachment.objects.exists()
    assert [p for p in Path(media_root).rglob("*") if p.is_file()] == []  # no half-written file
    # With room again, the same reply goes through.
    notes.seek(0)
    response = client.post(f"/board/threads/{thread_x.pk}/reply/", {"body": "Our notes", "files": notes})
    assert response.status_code == 302
    stored = Post.objects.get(body="Our notes").attachments.get()
    assert stored.size == 290_000 and Path(stored.file.path).stat().st_size == 290_000
