"""The school page lists strengths and needs from the school's own evaluation beside the measured
ones, each labelled by its source, to whoever may read the school's self-evaluation."""

import pytest

from kindred.evidence.models import EvidenceRun, Flag, Performance
from kindred.frameworks.models import Standard
from kindred.frameworks.selectors import school_verdicts
from kindred.frameworks.services import ratings_save
from kindred.schools.models import MeasureDefinition

pytestmark = pytest.mark.django_db

OWN = "From the school's own evaluation"


def rate_domains(version, school, by, year, levels: dict[str, int]):
    ratings_save(
        school=school,
        version=version,
        year=year,
        kind="self",
        levels={
            s.pk: (levels[s.domain.code], "")
            for s in Standard.objects.filter(domain__version=version, domain__code__in=levels).select_related(
                "domain"
            )
        },
        by=by,
    )


def measured_need(school, domain="maths"):
    measure = MeasureDefinition.objects.create(
        code=f"{domain}_x", name="Maths", domain=domain, kind="outcome"
    )
    run = EvidenceRun.objects.create(kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT)
    Performance.objects.create(
        run=run,
        school=school,
        measure=measure,
        year=None,
        value=1,
        expected=2,
        effect=-1,
        estimate=-1,
        lower=-1.5,
        upper=-0.5,
        z=-2.5,
        flag=Flag.NEED,
    )


def page(client, user, school) -> str:
    client.force_login(user)
    response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_newest_years_own_evaluation_gives_the_schools_strengths_and_needs(
    framework, school_x, school_leader_x
):
    rate_domains(framework, school_x, school_leader_x, 2024, {"leadership": 1})
    rate_domains(
        framework, school_x, school_leader_x, 2025, {"leadership": 4, "teaching": 2, "curriculum": 3}
    )
    found = school_verdicts(school_x)
    assert found.year == 2025
    assert [(d.code, score) for d, score in found.strengths] == [("leadership", 4.0)]
    assert [(d.code, score) for d, score in found.needs] == [("teaching", 2.0)]


def test_a_school_that_never_rated_itself_has_no_verdicts(framework, school_x):
    assert school_verdicts(school_x) is None


def test_staff_see_self_evaluated_and_measured_verdicts_each_labelled_by_source(
    client, framework, school_x, school_leader_x, teacher_x
):
    rate_domains(framework, school_x, school_leader_x, 2025, {"leadership": 4, "teaching": 1})
    measured_need(school_x)
    html = page(client, teacher_x, school_x)
    assert OWN in html
    assert "Leadership and management is a strength" in html
    assert "Quality of teaching is a need" in html
    assert html.count("self-evaluation 2025/26") == 2
    assert "Maths is reliably below schools with a similar intake." in html
    assert html.count('<span class="tag">measured</span>') == 1


@pytest.mark.parametrize("who", ["system_leader", "site_admin"])
def test_the_schools_system_leaders_and_site_administrators_see_them(
    request, client, framework, school_x, school_leader_x, who
):
    rate_domains(framework, school_x, school_leader_x, 2025, {"leadership": 4})
    assert "Leadership and management is a strength" in page(client, request.getfixturevalue(who), school_x)


@pytest.mark.parametrize("who", ["teacher_y", "no_school_user"])
def test_people_who_may_not_read_the_self_evaluation_do_not_see_it_on_the_school_page(
    request, client, framework, school_x, school_leader_x, who
):
    rate_domains(framework, school_x, school_leader_x, 2025, {"leadership": 4})
    html = page(client, request.getfixturevalue(who), school_x)
    assert "Leadership and management" not in html and OWN not in html


def test_a_school_that_has_not_rated_itself_says_so(client, framework, school_x, teacher_x):
    html = page(client, teacher_x, school_x)
    assert "The school has not rated itself against a framework yet." in html


def test_an_evaluation_with_no_strength_or_need_says_so(client, framework, school_x, school_leader_x):
    rate_domains(framework, school_x, school_leader_x, 2025, {"leadership": 3})
    html = page(client, school_leader_x, school_x)
    assert "In its own evaluation of 2025/26 the school names no domain as a strength or a need." in html
