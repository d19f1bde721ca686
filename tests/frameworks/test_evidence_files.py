"""Files of evidence on a school's own evaluation: attached with the ratings (a plain form, no
JavaScript), checked by their content as the board's are, downloaded only by those who may read the
self-evaluation, removed by its leaders; the audit log keeps both."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.audit.models import AuditEvent
from kindred.frameworks.models import Evaluation, EvidenceFile, Rating, Standard
from kindred.frameworks.services import MAX_FILES_PER_STANDARD, evidence_file_delete, ratings_save

YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def first_standard(version) -> Standard:
    return Standard.objects.filter(domain__version=version).order_by("domain__position", "position").first()


def rate_url(school, version) -> str:
    return f"/self-evaluation/schools/{school.registry_id}/rate/self/?version={version.pk}&year={YEAR}"


def attach(version, school, by, *uploads, level=3):
    standard = first_standard(version)
    evaluation = ratings_save(
        school=school,
        version=version,
        year=YEAR,
        kind="self",
        levels={standard.pk: (level, "see the file")},
        by=by,
        files={standard.pk: list(uploads)},
    )
    return evaluation.files.order_by("pk")


def test_a_leader_attaches_a_file_with_the_ratings_form_and_it_is_listed_on_the_page(
    client, framework, school_x, school_leader_x
):
    standard = first_standard(framework)
    client.force_login(school_leader_x)
    form = client.get(rate_url(school_x, framework)).content.decode()
    assert 'enctype="multipart/form-data"' in form and f'name="files_{standard.pk}"' in form
    response = client.post(
        rate_url(school_x, framework),
        {
            f"level_{standard.pk}": "3",
            f"evidence_{standard.pk}": "Minutes attached",
            f"files_{standard.pk}": [
                SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("notes.txt", b"Plain notes", content_type="text/plain"),
            ],
        },
    )
    assert response.status_code == 302
    files = EvidenceFile.objects.order_by("pk")
    assert [(f.name, f.content_type, f.standard_id) for f in files] == [
        ("minutes.pdf", "application/pdf", standard.pk),
        ("notes.txt", "text/plain", standard.pk),
    ]
    assert AuditEvent.objects.filter(action="selfeval.file_added", school=school_x).count() == 2
    page = client.get(f"/self-evaluation/schools/{school_x.registry_id}/?version={framework.pk}&year={YEAR}")
    assert files[0].get_absolute_url() in page.content.decode()


def test_a_file_that_is_not_an_allowed_type_is_refused_and_nothing_is_saved(
    client, framework, school_x, school_leader_x
):
    standard = first_standard(framework)
    client.force_login(school_leader_x)
    response = client.post(
        rate_url(school_x, framework),
        {
            f"level_{standard.pk}": "4",
            f"files_{standard.pk}": [
                SimpleUploadedFile("fine.txt", b"fine"),
                SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>"),
            ],
        },
    )
    assert response.status_code == 400
    assert "page.pdf is not a kind of file Kindred accepts" in response.content.decode()
    assert not EvidenceFile.objects.exists() and not Rating.objects.exists()


def test_a_file_over_the_size_limit_is_refused(framework, school_x, school_leader_x, settings):
    settings.BOARD_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="at most 1 KB"):
        attach(framework, school_x, school_leader_x, SimpleUploadedFile("big.txt", b"a" * 2048))
    assert not EvidenceFile.objects.exists() and not Evaluation.objects.exists()


def test_a_standard_takes_at_most_its_number_of_files(framework, school_x, school_leader_x):
    attach(framework, school_x, school_leader_x, *[SimpleUploadedFile(f"{i}.txt", b"x") for i in range(9)])
    with pytest.raises(ValidationError, match=f"at most {MAX_FILES_PER_STANDARD} files"):
        attach(
            framework, school_x, school_leader_x, *[SimpleUploadedFile(f"b{i}.txt", b"x") for i in range(2)]
        )
    assert EvidenceFile.objects.count() == 9


def test_files_belong_to_the_own_evaluation_only(framework, school_x, teacher_x):
    standard = first_standard(framework)
    with pytest.raises(ValidationError, match="own evaluation only"):
        ratings_save(
            school=school_x,
            version=framework,
            year=YEAR,
            kind="staff",
            levels={standard.pk: (2, "")},
            by=teacher_x,
            files={standard.pk: [SimpleUploadedFile("a.txt", b"x")]},
        )
    assert not Evaluation.objects.exists()


def test_a_teacher_cannot_attach_files_to_the_own_evaluation(framework, school_x, teacher_x):
    with pytest.raises(ValidationError, match="leaders"):
        attach(framework, school_x, teacher_x, SimpleUploadedFile("a.txt", b"x"))
    assert not EvidenceFile.objects.exists()


def test_whoever_reads_the_self_evaluation_downloads_a_file_safely_and_outsiders_get_404(
    client, framework, school_x, school_leader_x, teacher_x, teacher_y, system_leader
):
    (item,) = attach(framework, school_x, school_leader_x, SimpleUploadedFile("minutes.pdf", PDF))
    for reader in (teacher_x, system_leader):
        client.force_login(reader)
        response = client.get(item.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="minutes.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(teacher_y)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_teacher_cannot_remove_a_file(client, framework, school_x, school_leader_x, teacher_x):
    (item,) = attach(framework, school_x, school_leader_x, SimpleUploadedFile("a.txt", b"x"))
    client.force_login(teacher_x)
    assert client.post(f"/self-evaluation/files/{item.pk}/delete/").status_code == 403
    assert EvidenceFile.objects.filter(pk=item.pk).exists()


def test_a_leader_removes_a_file_after_confirming_and_the_stored_file_goes_too(
    client, framework, school_x, school_leader_x, django_capture_on_commit_callbacks
):
    (item,) = attach(framework, school_x, school_leader_x, SimpleUploadedFile("a.txt", b"x"))
    storage, stored = item.file.storage, item.file.name
    assert storage.exists(stored)
    client.force_login(school_leader_x)
    confirm = client.get(f"/self-evaluation/files/{item.pk}/delete/")
    assert "Yes, remove the file" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/self-evaluation/files/{item.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == rate_url(school_x, framework)
    assert not EvidenceFile.objects.exists() and not storage.exists(stored)
    assert AuditEvent.objects.filter(action="selfeval.file_deleted", school=school_x).count() == 1


def test_clearing_a_rating_keeps_its_files(framework, school_x, school_leader_x):
    attach(framework, school_x, school_leader_x, SimpleUploadedFile("a.txt", b"x"))
    attach(framework, school_x, school_leader_x, level=None)
    assert not Rating.objects.exists() and EvidenceFile.objects.count() == 1


def test_removing_is_refused_to_someone_not_leading_the_school(
    framework, school_x, school_leader_x, teacher_x
):
    (item,) = attach(framework, school_x, school_leader_x, SimpleUploadedFile("a.txt", b"x"))
    with pytest.raises(ValidationError):
        evidence_file_delete(item=item, by=teacher_x)
    assert EvidenceFile.objects.exists()
