"""Issue 20, item 6: `POST /brokering/approaches/` with an invalid form redirected to whatever
`next` said (`redirect(request.POST["next"])`): another site, or any URL name. Only an address on
this site is followed, as elsewhere; otherwise the finder."""

import pytest

pytestmark = pytest.mark.django_db
FINDER = "/evidence/good-practice/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "http://testserver@evil.example/",
        "javascript:alert(1)",
        "admin:index",  # a URL name was resolved too
        "",
    ],
)
def test_an_invalid_approach_never_redirects_off_the_site(client, school_leader_x, target):
    client.force_login(school_leader_x)
    response = client.post("/brokering/approaches/", {"next": target})  # no school, no domain: invalid
    assert response.status_code == 302
    assert response["Location"] == FINDER


def test_an_invalid_approach_goes_back_to_the_page_it_came_from_on_this_site(client, school_leader_x):
    client.force_login(school_leader_x)
    back = "/evidence/good-practice/?domain=english&school=100001"
    response = client.post("/brokering/approaches/", {"next": back})
    assert response["Location"] == back
    page = client.get(back)
    assert "The approach could not be recorded" in page.content.decode()
