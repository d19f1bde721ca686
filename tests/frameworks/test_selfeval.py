"""A school rates itself, its staff add their views, a partner school reviews it; the page shows all three."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import SchoolStaff
from kindred.audit.models import AuditEvent
from kindred.frameworks.models import Evaluation, PeerReview, Rating, Standard
from kindred.frameworks.selectors import school_overview, selfeval_verdicts
from kindred.frameworks.services import peer_review_request, ratings_save
from tests.frameworks.conftest import framework_example_load

YEAR = 2025


def standards(version, domain: str) -> list[Standard]:
    return list(Standard.objects.filter(domain__version=version, domain__code=domain).order_by("position"))


def rate(version, school, by, kind, levels: dict[str, int], **extra):
    by_code = {s.code: s.pk for s in Standard.objects.filter(domain__version=version)}
    return ratings_save(
        school=school,
        version=version,
        year=YEAR,
        kind=kind,
        levels={by_code[code]: (level, f"evidence for {code}") for code, level in levels.items()},
        by=by,
        **extra,
    )


def test_leaders_keep_one_own_evaluation_and_its_audit(framework, school_x, school_leader_x, school_admin_x):
    rate(framework, school_x, school_leader_x, "self", {"L1": 2, "L2": 3})
    rate(framework, school_x, school_admin_x, "self", {"L1": 4})
    own = Evaluation.objects.get(school=school_x, kind="self")
    assert dict(own.ratings.values_list("standard__code", "level")) == {"L1": 4, "L2": 3}
    assert AuditEvent.objects.filter(action="selfeval.rated").count() == 2


def test_a_teacher_cannot_change_the_schools_own_evaluation(framework, school_x, teacher_x):
    with pytest.raises(ValidationError, match="leaders"):
        rate(framework, school_x, teacher_x, "self", {"L1": 1})
    assert not Evaluation.objects.exists()


def test_a_rating_outside_the_scale_changes_nothing(framework, school_x, school_leader_x):
    rate(framework, school_x, school_leader_x, "self", {"L1": 2})
    with pytest.raises(ValidationError, match="between 1 and 4"):
        rate(framework, school_x, school_leader_x, "self", {"L1": 3, "L2": 5})
    assert list(Rating.objects.values_list("level", flat=True)) == [2]


def test_a_standard_of_another_framework_is_refused(framework, school_x, school_leader_x):
    other = framework_example_load("professional-behaviours")
    foreign = Standard.objects.filter(domain__version=other).first()
    with pytest.raises(ValidationError, match="not part of this framework"):
        ratings_save(
            school=school_x,
            version=framework,
            year=YEAR,
            kind="self",
            levels={foreign.pk: (2, "")},
            by=school_leader_x,
        )


def test_staff_views_show_as_a_spread_beside_the_own_rating(framework, school_x, school_leader_x, teacher_x):
    from kindred.accounts.models import User

    rate(framework, school_x, school_leader_x, "self", {"T1": 3})
    rate(framework, school_x, teacher_x, "staff", {"T1": 1})
    second = User.objects.create_user(email="t2@example.org", password=None)
    SchoolStaff.objects.create(user=second, school=school_x, role="teacher")
    rate(framework, school_x, second, "staff", {"T1": 4})
    rate(framework, school_x, school_leader_x, "staff", {"T1": 2})
    teaching = next(
        b
        for b in school_overview(school=school_x, version=framework, year=YEAR)
        if b.domain.code == "teaching"
    )
    row = teaching.rows[0]
    assert row.own.level == 3
    assert (row.staff.count, row.staff.mean, row.staff.lowest, row.staff.highest) == (3, 7 / 3, 1, 4)
    assert row.staff.disagreement


def test_peer_ratings_are_compared_with_the_own_rating(framework, school_x, school_y, school_leader_x):
    from kindred.accounts.models import User

    reviewer = User.objects.create_user(email="head.y@example.org", password=None)
    SchoolStaff.objects.create(user=reviewer, school=school_y, role="leader")
    review = peer_review_request(
        school=school_x, reviewer_school=school_y, version=framework, year=YEAR, by=school_leader_x
    )
    rate(framework, school_x, school_leader_x, "self", {"C1": 2, "C2": 4})
    rate(framework, school_x, reviewer, "peer", {"C1": 4, "C2": 4}, peer_review=review)
    curriculum = next(
        b
        for b in school_overview(school=school_x, version=framework, year=YEAR)
        if b.domain.code == "curriculum"
    )
    first, second = curriculum.rows
    assert first.difference.difference == 2 and first.difference.notable
    assert second.difference.difference == 0 and not second.difference.notable
    assert curriculum.peer_score == 4 and curriculum.own_score == 3


def test_only_the_reviewing_schools_leaders_rate_in_a_peer_review(
    framework, school_x, school_y, school_leader_x, teacher_y
):
    review = peer_review_request(
        school=school_x, reviewer_school=school_y, version=framework, year=YEAR, by=school_leader_x
    )
    with pytest.raises(ValidationError, match="leaders of the reviewing school"):
        rate(framework, school_x, teacher_y, "peer", {"C1": 4}, peer_review=review)
    with pytest.raises(ValidationError, match="leaders of the reviewing school"):
        rate(framework, school_x, school_leader_x, "peer", {"C1": 4}, peer_review=review)


def test_a_school_cannot_review_itself_or_be_asked_twice(framework, school_x, school_y, school_leader_x):
    with pytest.raises(ValidationError, match="itself"):
        peer_review_request(
            school=school_x, reviewer_school=school_x, version=framework, year=YEAR, by=school_leader_x
        )
    peer_review_request(
        school=school_x, reviewer_school=school_y, version=framework, year=YEAR, by=school_leader_x
    )
    with pytest.raises(ValidationError, match="already been asked"):
        peer_review_request(
            school=school_x, reviewer_school=school_y, version=framework, year=YEAR, by=school_leader_x
        )
    assert PeerReview.objects.count() == 1


def test_verdicts_from_self_evaluation_are_labelled_by_domain(framework, school_x, school_y, school_leader_x):
    rate(framework, school_x, school_leader_x, "self", {"L1": 4, "L2": 4, "L3": 3, "B1": 1, "B2": 2, "T1": 3})
    verdicts = selfeval_verdicts(schools=[school_x, school_y], version=framework, year=YEAR)
    # leadership (4+4+3)/3 = 3.67 ≥ 3.5; behaviour (1+2)/2 = 1.5 ≤ 2; teaching 3 is neither.
    assert verdicts == {school_x.pk: {"leadership": "strength", "behaviour": "need"}}


def test_a_new_framework_version_leaves_past_ratings_as_they_were(framework, school_x, school_leader_x):
    from kindred.frameworks.loading import read_yaml
    from kindred.frameworks.services import framework_load
    from tests.frameworks.conftest import EXAMPLES

    rate(framework, school_x, school_leader_x, "self", {"L1": 2})
    changed = (
        (EXAMPLES / "school-improvement.yaml")
        .read_text()
        .replace("Lessons build knowledge", "Lessons build lasting knowledge")
    )
    version2, created = framework_load(spec=read_yaml(changed), by=None)
    assert created and version2.number == 2
    assert Rating.objects.get().standard.domain.version == framework
    assert school_overview(school=school_x, version=version2, year=YEAR)[0].rows[0].own is None


def test_the_self_evaluation_page_shows_ratings_and_their_spread(
    client, framework, school_x, school_leader_x, teacher_x, django_assert_max_num_queries
):
    rate(framework, school_x, school_leader_x, "self", {"L1": 4, "L2": 4, "L3": 4})
    rate(framework, school_x, teacher_x, "staff", {"L1": 2})
    client.force_login(teacher_x)
    with django_assert_max_num_queries(25):
        response = client.get(f"/self-evaluation/schools/{school_x.registry_id}/?year={YEAR}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "▲ strength" in page
    assert "1 person: 2.0 (2–2)" in page
    assert "Rate the school (its own evaluation)" not in page
    assert "Add your own view as a member of staff" in page


def test_the_rating_form_saves_and_an_invalid_level_is_refused_with_nothing_saved(
    client, framework, school_x, school_leader_x
):
    standard = Standard.objects.filter(domain__version=framework).first()
    client.force_login(school_leader_x)
    url = f"/self-evaluation/schools/{school_x.registry_id}/rate/self/?version={framework.pk}&year={YEAR}"
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"level_{standard.pk}": "9", f"evidence_{standard.pk}": "x"})
    assert bad.status_code == 400 and not Rating.objects.exists()
    good = client.post(url, {f"level_{standard.pk}": "3", f"evidence_{standard.pk}": "Minutes of governors"})
    assert good.status_code == 302
    assert Rating.objects.get().evidence == "Minutes of governors"


def test_a_framework_upload_with_problems_lists_them_and_loads_nothing(client, site_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(site_admin)
    upload = SimpleUploadedFile("f.yaml", b"code: ok\nname: OK\nscale: [a, b]\ndomains: []\n")
    response = client.post("/self-evaluation/frameworks/", {"file": upload})
    assert response.status_code == 400
    assert "The framework has no domains." in response.content.decode()
    upload = SimpleUploadedFile(
        "f.yaml",
        b"code: ok\nname: OK\nscale: [a, b]\ndomains: [{code: d, name: D, standards: [{code: s, name: S}]}]\n",
    )
    assert client.post("/self-evaluation/frameworks/", {"file": upload}).status_code == 302
    assert client.get("/self-evaluation/frameworks/").content.decode().count("OK") >= 1
