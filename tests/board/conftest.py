"""Fixtures for the messageboard: network_x (public; school X a member; X's school leader its
coordinator) with a thread started by teacher_x."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def png_upload():
    return SimpleUploadedFile("photo.png", PNG, content_type="image/png")


@pytest.fixture
def thread_x(network_x, teacher_x):
    from kindred.board.services import thread_create

    return thread_create(
        network=network_x, by=teacher_x, title="Reading for pleasure", body="Who runs a book club?"
    )


@pytest.fixture
def first_post(thread_x):
    return thread_x.posts.get()


@pytest.fixture
def member_y(network_x, school_y, teacher_y, school_leader_x):
    """School Y joins network_x, so teacher_y becomes a member."""
    from kindred.networks.services import membership_add

    membership_add(network=network_x, school=school_y, role="member", by=school_leader_x)
    return teacher_y


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
