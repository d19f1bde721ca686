"""Through the pages: a system leader forms networks for their region, publishes, and sees them as networks."""

from kindred.accounts.models import RegionalRole, User
from kindred.brokering.models import Run
from kindred.networks.models import Network
from kindred.schools.models import Region


def test_a_system_leader_forms_networks_for_the_region_and_sees_them_as_real_networks(
    client, small_country, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    leader = User.objects.create_user(email="region.lead@example.org", password=None)
    RegionalRole.objects.create(user=leader, region=region)
    client.force_login(leader)
    assert client.get("/brokering/").status_code == 200
    response = client.post(
        "/brokering/", {"kind": "formation", "region": region.pk, "phase": "", "min_size": 6, "max_size": 10}
    )
    run = Run.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.status == Run.Status.REVIEW  # the job ran (immediately, in this test)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Quality report" in page and "Publish and invite the schools" in page
    client.post(f"/brokering/runs/{run.pk}/publish/", {"confirm": "True", "coordinator": "publisher"})
    run.refresh_from_db()
    assert run.status == Run.Status.PUBLISHED
    names = set(run.networks.values_list("network__name", flat=True))
    assert names and names <= set(
        Network.objects.filter(region=region, kind="cluster").values_list("name", flat=True)
    )
    directory = client.get("/networks/", {"q": region.name}).content.decode()
    first = run.networks.order_by("number").first().network
    assert first.get_absolute_url() in directory or client.get(first.get_absolute_url()).status_code == 200


def test_a_school_outside_the_run_cannot_be_moved_into_it_and_the_page_says_why(
    client, small_country, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    leader = User.objects.create_user(email="region.lead@example.org", password=None)
    RegionalRole.objects.create(user=leader, region=region)
    client.force_login(leader)
    client.post("/brokering/", {"kind": "formation", "region": region.pk, "min_size": 6, "max_size": 10})
    run = Run.objects.get()
    response = client.post(
        f"/brokering/runs/{run.pk}/move/", {"school": "no such school", "to": 1}, follow=True
    )
    assert "No school has the registry id or name no such school" in response.content.decode()
