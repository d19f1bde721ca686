import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.library.models import PolicyAdoption, Resource, ResourceVersion
from kindred.library.services import policy_adopt, policy_agree, resource_create, version_add

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf(name="plan.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def plan(network_x, school_leader_x):
    return resource_create(
        by=school_leader_x,
        network=network_x,
        kind="file",
        title="Reading plan",
        licence="CC-BY-SA-4.0",
        upload=_pdf(),
        domain="reading",
        phase="primary",
        tags="phonics, year 2",
    )


def test_a_shared_file_is_version_one_with_its_checked_type_and_hash(plan):
    [version] = plan.versions.all()
    assert (version.number, version.content_type, version.size) == (1, "application/pdf", len(PDF))
    assert len(version.sha256) == 64


def test_tags_are_separated_by_latin_or_arabic_commas():
    assert Resource(tags="phonics, year 2").tag_list == ["phonics", "year 2"]
    assert Resource(tags="القراءة، الصف الثالث ,بحوث").tag_list == ["القراءة", "الصف الثالث", "بحوث"]


def test_a_new_version_keeps_the_old_one(plan, school_leader_x):
    version_add(resource=plan, upload=_pdf("plan-v2.pdf", PDF + b"%v2\n"), note="Term 2", by=school_leader_x)
    assert list(plan.versions.values_list("number", "filename")) == [(2, "plan-v2.pdf"), (1, "plan.pdf")]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("trick.pdf", b"MZ\x90\x00 an executable", "does not match"),
        ("page.html", b"<html></html>", "cannot be shared"),
        ("notes.txt", b"<script>alert(1)</script>", "not plain text"),
        ("notes.txt", b"\xff\xfe\x00bad", "UTF-8"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_an_upload_whose_content_is_not_allowed_is_refused_and_nothing_is_saved(
    network_x, school_leader_x, name, data, reason
):
    with pytest.raises(ValidationError, match=reason):
        resource_create(
            by=school_leader_x,
            network=network_x,
            kind="file",
            title="Bad",
            licence="CC0-1.0",
            upload=SimpleUploadedFile(name, data),
        )
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()


def test_a_file_over_the_size_limit_is_refused(network_x, school_leader_x, settings):
    settings.LIBRARY_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="at most 1 MB"):
        resource_create(
            by=school_leader_x,
            network=network_x,
            kind="file",
            title="Big",
            licence="CC0-1.0",
            upload=_pdf(data=PDF + b"0" * (1024 * 1024)),
        )


def test_a_word_document_is_recognised_by_its_content(network_x, school_leader_x):
    resource = resource_create(
        by=school_leader_x,
        network=network_x,
        kind="file",
        title="Doc",
        licence="CC0-1.0",
        upload=SimpleUploadedFile("policy.docx", _docx()),
    )
    assert resource.versions.get().content_type.endswith("wordprocessingml.document")


def test_downloads_are_attachments_with_safe_headers_and_are_counted(client, plan, teacher_x):
    client.force_login(teacher_x)
    response = client.get(f"/library/{plan.pk}/versions/1/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    plan.refresh_from_db()
    assert plan.download_count == 1


def test_search_finds_by_tag_and_hides_private_networks_resources(
    client, plan, private_network_x, school_leader_x, teacher_y
):
    resource_create(
        by=school_leader_x,
        network=private_network_x,
        kind="file",
        title="Private phonics",
        licence="CC0-1.0",
        upload=_pdf(),
    )
    client.force_login(teacher_y)
    page = client.get("/library/?q=phonics").content.decode()
    assert "Reading plan" in page and "Private phonics" not in page


def test_a_policy_is_agreed_by_the_network_then_adopted_by_a_member_school_with_version_and_date(
    network_x, school_leader_x, school_x, teacher_x
):
    policy = resource_create(
        by=school_leader_x,
        network=network_x,
        kind="policy",
        title="CPD policy",
        licence="CC-BY-4.0",
        upload=_pdf(),
    )
    with pytest.raises(ValidationError, match="not agreed"):
        policy_adopt(resource=policy, school=school_x, by=school_leader_x)
    v2 = version_add(resource=policy, upload=_pdf("v2.pdf", PDF + b"%2\n"), by=school_leader_x)
    policy_agree(resource=policy, version=v2, by=school_leader_x)
    with pytest.raises(ValidationError, match="leaders"):
        policy_adopt(resource=policy, school=school_x, by=teacher_x)
    adoption = policy_adopt(resource=policy, school=school_x, by=school_leader_x)
    assert (adoption.version.number, adoption.adopted_by, adoption.school) == (2, school_leader_x, school_x)
    with pytest.raises(ValidationError, match="already adopted"):
        policy_adopt(resource=policy, school=school_x, by=school_leader_x)
    assert PolicyAdoption.objects.count() == 1


def test_a_school_outside_the_network_cannot_adopt_its_policy(
    network_x, school_leader_x, school_y, site_admin
):
    policy = resource_create(
        by=school_leader_x,
        network=network_x,
        kind="policy",
        title="HR policy",
        licence="CC-BY-4.0",
        upload=_pdf(),
    )
    policy_agree(resource=policy, version=policy.versions.get(), by=school_leader_x)
    with pytest.raises(ValidationError, match="member schools"):
        policy_adopt(resource=policy, school=school_y, by=site_admin)


def test_uploading_a_new_version_through_the_page(client, plan, school_leader_x):
    client.force_login(school_leader_x)
    client.post(f"/library/{plan.pk}/versions/", {"upload": _pdf("v2.pdf", PDF + b"%2\n"), "note": "typos"})
    assert plan.versions.count() == 2
