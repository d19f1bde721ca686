"""The good-practice finder ends in action: shortlist, record the approach and answer, propose."""

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.brokering.models import Approach
from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.networks.models import Membership, Network
from kindred.schools.models import School


def red_school_with_a_need():
    red = SupportCategory.objects.filter(category="red", school__performance__flag=Flag.NEED).first()
    need = (
        Performance.objects.filter(school=red.school, year__isnull=True, flag=Flag.NEED)
        .select_related("measure")
        .first()
    )
    return red.school, need.measure.domain


def leader_of(school: School) -> User:
    user = User.objects.create_user(email="finder@example.org", password=None)
    RegionalRole.objects.create(user=user, region=school.region)
    return user


def test_the_starting_school_is_found_by_its_name_and_a_default_distance_is_chosen_and_said(
    client, small_country
):
    school, domain = red_school_with_a_need()
    client.force_login(leader_of(school))
    response = client.get("/evidence/good-practice/", {"domain": domain, "school": school.name})
    assert response.context["start"] == school
    default_km = response.context["default_km"]
    rows = response.context["results"]
    if default_km is not None:
        assert all(r.distance_km <= default_km for r in rows)
        assert f"Within {default_km} km" in response.content.decode()


def test_each_helper_shows_its_own_category_and_red_or_amber_helpers_are_left_out_by_default(
    client, small_country
):
    school, domain = red_school_with_a_need()
    client.force_login(leader_of(school))
    default = client.get(
        "/evidence/good-practice/", {"domain": domain, "school": school.registry_id, "max_km": "2000"}
    )
    everyone = client.get(
        "/evidence/good-practice/",
        {"domain": domain, "school": school.registry_id, "max_km": "2000", "helpers": "all"},
    )

    def categories(response):
        """The categories of the listed helpers the leader may see (their region's)."""
        return {
            getattr(getattr(r.school, "support_category", None), "category", None)
            for r in response.context["results"]
            if r.school.region_id == school.region_id
        }

    assert not categories(default) & {"red", "amber"}
    assert len(everyone.context["results"]) >= len(default.context["results"])
    assert 'class="tag cat-' in default.content.decode()


def test_a_name_matching_several_schools_asks_which_one(client, small_country):
    school, domain = red_school_with_a_need()
    client.force_login(leader_of(school))
    response = client.get("/evidence/good-practice/", {"domain": domain, "school": "Primary"})
    assert "Several schools match Primary" in response.content.decode()
    assert response.context["results"] is None


def test_a_leader_shortlists_records_the_answer_and_proposes_the_partnership(client, small_country):
    school, domain = red_school_with_a_need()
    leader = leader_of(school)
    client.force_login(leader)
    helper = (
        client.get(
            "/evidence/good-practice/", {"domain": domain, "school": school.registry_id, "max_km": "2000"}
        )
        .context["results"][0]
        .school
    )
    post = {"need_school": school.registry_id, "domain": domain, "partner": helper.registry_id}
    client.post("/brokering/approaches/", {**post, "status": "shortlisted"})
    approach = Approach.objects.get(need_school=school, partner=helper)
    assert approach.status == Approach.Status.SHORTLISTED
    client.post(
        "/brokering/approaches/",
        {**post, "status": "agreed", "contact": "Head teacher, Ms Jones", "note": "Yes, from January"},
    )
    approach.refresh_from_db()
    assert (approach.status, approach.contact, approach.note) == (
        "agreed",
        "Head teacher, Ms Jones",
        "Yes, from January",
    )
    page = client.get(
        "/evidence/good-practice/", {"domain": domain, "school": school.registry_id, "max_km": "2000"}
    )
    assert "Propose a partnership" in page.content.decode()
    response = client.post(f"/brokering/approaches/{approach.pk}/propose/")
    approach.refresh_from_db()
    network = approach.network
    assert response.status_code == 302 and response["Location"] == network.get_absolute_url()
    assert network.kind == Network.Kind.PARTNERSHIP
    roles = dict(network.memberships.values_list("school_id", "role"))
    assert roles == {school.pk: Membership.Role.MENTEE, helper.pk: Membership.Role.MENTOR}


def test_a_teacher_of_the_school_sees_the_list_but_cannot_act_on_its_needs(client, small_country):
    school, domain = red_school_with_a_need()
    teacher = User.objects.create_user(email="teacher@example.org", password=None)
    SchoolStaff.objects.create(user=teacher, school=school, role=SchoolStaff.Role.TEACHER)
    client.force_login(teacher)
    page = client.get(
        "/evidence/good-practice/", {"domain": domain, "school": school.registry_id, "max_km": "2000"}
    )
    assert page.context["may_act"] is False and "Shortlist" not in page.content.decode()
    helper = page.context["results"][0].school
    response = client.post(
        "/brokering/approaches/",
        {
            "need_school": school.registry_id,
            "domain": domain,
            "partner": helper.registry_id,
            "status": "shortlisted",
        },
    )
    assert response.status_code == 403
    assert not Approach.objects.exists()


def test_leaving_out_red_and_amber_helpers_never_reveals_a_category_the_reader_may_not_see(
    client, small_country
):
    """Regression: the default "not red or amber" filter used to drop every red or amber helper, so
    comparing it with "every category" told a teacher which other schools were red or amber."""
    strong_red = (
        Performance.objects.filter(
            year__isnull=True, flag=Flag.STRENGTH, school__support_category__category__in=["red", "amber"]
        )
        .select_related("school", "measure")
        .first()
    )
    domain, hidden = strong_red.measure.domain, strong_red.school
    own = School.objects.exclude(region=hidden.region).exclude(pk=hidden.pk).first()
    teacher = User.objects.create_user(email="elsewhere@example.org", password=None)
    SchoolStaff.objects.create(user=teacher, school=own, role=SchoolStaff.Role.TEACHER)
    client.force_login(teacher)
    query = {"domain": domain, "max_km": "2000"}
    default = client.get("/evidence/good-practice/", query)
    everyone = client.get("/evidence/good-practice/", {**query, "helpers": "all"})

    def listed(response):
        return {row.school.pk for row in response.context["results"]}

    assert hidden.pk in listed(default)
    assert listed(default) - {own.pk} == listed(everyone) - {own.pk}
    assert hidden.pk not in default.context["categories_shown"]
    # A system leader of the helper's region may see its category, so it is left out for them.
    client.force_login(leader_of(hidden))
    assert hidden.pk not in listed(client.get("/evidence/good-practice/", query))
