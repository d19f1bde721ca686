"""Who holds a lock, and the names of brokering and formation runs, are kept as message ids and values
and read in the reader's language: a recompute refused because another runs names its holder (a
background job and who started it, the command, this process) in Welsh and Arabic; a run and its
proposals are named in the reader's words."""

import html

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from kindred.brokering.models import Invitation, ProposedNetwork, Run
from kindred.brokering.services import run_create
from kindred.core.jobs import job_create
from kindred.core.locks import LockHeld, here, lock_hold
from kindred.core.models import Job, Lock
from kindred.core.progress import Said
from kindred.evidence.services import RECOMPUTE_LOCK, performance_recompute
from kindred.evidence.tasks import recompute_evidence
from kindred.networks.services import network_create

pytestmark = pytest.mark.django_db

HELD_BY_A_JOB = {
    "cy": "tasg gefndir 3, a ddechreuwyd gan Ada Lovelace",
    "ar": "مهمة خلفية 3، بدأها Ada Lovelace",
}
RUNNING = {"cy": "ailgyfrifiad", "ar": "إعادة حساب"}


def _held_by_job_3():
    return lock_hold(
        RECOMPUTE_LOCK,
        what=gettext_noop("A recompute"),
        holder=Said(
            gettext_noop("background job %(id)d, started by %(person)s"), id=3, person="Ada Lovelace"
        ),
    )


def test_the_holder_is_kept_as_a_message_id_and_its_values():
    with _held_by_job_3():
        lock = Lock.objects.get(name=RECOMPUTE_LOCK)
        assert lock.holder == "background job %(id)d, started by %(person)s"
        assert lock.holder_params == {"id": 3, "person": "Ada Lovelace"}
        with translation.override("cy"):
            assert lock.display_holder == HELD_BY_A_JOB["cy"]


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_the_recompute_button_names_who_holds_the_lock_in_the_readers_language(
    client, django_user_model, language
):
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    with _held_by_job_3():
        response = client.post("/evidence/recompute/", follow=True, HTTP_ACCEPT_LANGUAGE=language)
    page = html.unescape(response.content.decode())
    assert HELD_BY_A_JOB[language] in page and RUNNING[language] in page.lower()
    assert "background job" not in page and "started by" not in page and "already running" not in page


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_a_job_refused_by_the_command_names_it_in_the_readers_language(django_user_model, settings, language):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with lock_hold(
        RECOMPUTE_LOCK,
        what=gettext_noop("A recompute"),
        holder=Said(gettext_noop("the command %(command)s"), command="kindred recompute"),
    ):
        job = job_create(kind=Job.Kind.RECOMPUTE, label=gettext_noop("Recompute evidence"))
        recompute_evidence.enqueue(job.pk)
    job.refresh_from_db()
    with translation.override(language):
        said = job.display_error
    assert {"cy": "y gorchymyn kindred recompute", "ar": "الأمر kindred recompute"}[language] in said
    assert "the command" not in said and "already running" not in said


def test_a_job_holding_the_lock_is_named_with_who_started_it(django_user_model):
    """The background job keeps itself and its starter on the lock; a refused recompute words them."""
    ada = django_user_model.objects.create_user(
        email="ada@example.org", password="x", full_name="Ada Lovelace"
    )
    job = job_create(kind=Job.Kind.RECOMPUTE, label=gettext_noop("Recompute evidence"), by=ada)
    seen = {}

    def look(done, total=None, message=""):
        lock = Lock.objects.get(name=RECOMPUTE_LOCK)
        seen.update(holder=lock.holder, params=lock.holder_params)

    performance_recompute(
        progress=look,
        holder=Said(gettext_noop("background job %(id)d, started by %(person)s"), id=job.pk, person=str(ada)),
    )
    assert seen == {
        "holder": "background job %(id)d, started by %(person)s",
        "params": {"id": job.pk, "person": str(ada)},
    }


def test_this_process_is_named_in_the_readers_language():
    with lock_hold("drill", what=gettext_noop("A recompute")):
        lock = Lock.objects.get(name="drill")
        assert lock.holder == here().text
        with translation.override("cy"), pytest.raises(LockHeld) as refused, lock_hold("drill", what="x"):
            pass
    assert "the command line" not in str(refused.value) and "(proses " in str(refused.value)


def test_a_holder_kept_before_holders_were_message_ids_is_shown_as_written():
    lock = Lock(name="drill", holder="a worker that died")
    with translation.override("ar"):
        assert lock.display_holder == "a worker that died"


@pytest.mark.parametrize(
    ("language", "run_name", "proposal"),
    [
        ("cy", "Broceru partneriaid: {region} (rhediad {run})", "cynnig 4"),
        ("ar", "الوساطة بين الشركاء في {region} (التشغيل {run})", "المقترح 4"),
    ],
)
def test_a_run_and_its_proposals_are_named_in_the_readers_language(
    client, system_leader, school_leader_x, school_x, language, run_name, proposal
):
    run = run_create(kind="brokering", region=school_x.region, by=system_leader)
    proposed = ProposedNetwork.objects.create(run=run, number=4, domain="maths")
    Invitation.objects.create(proposed_network=proposed, school=school_x, role="need", status="invited")
    Run.objects.filter(pk=run.pk).update(status=Run.Status.PUBLISHED)
    name = run_name.format(region=school_x.region.name, run=run.pk)
    with translation.override(language):
        assert str(run) == name
        assert str(proposed) == f"{name}: {proposal}"
    with translation.override("en"):
        assert str(run) == f"Partner brokering in {school_x.region.name} (run {run.pk})"
    client.force_login(school_leader_x)
    page = client.get(f"/schools/{school_x.registry_id}/invitations/", HTTP_ACCEPT_LANGUAGE=language)
    text = html.unescape(page.content.decode())
    assert f"{name}: {proposal}" in text  # the school's invitations name each proposal
    assert "Partner brokering" not in text


@pytest.mark.parametrize(
    ("language", "named"),
    [("cy", "Rhwydwaith {region} 7 (Oak School)"), ("ar", "شبكة {region} رقم 7 (Oak School)")],
)
def test_networks_a_run_left_short_are_named_in_the_readers_language(
    client, system_leader, school_x, language, named
):
    """An incremental formation run keeps each network left below the fewest schools by its id: the
    run's page names it in the reader's words (one kept before as its name: as written)."""
    region = school_x.region
    network = network_create(
        name=f"{region.name} network 7 (Oak School)",
        kind="cluster",
        region=region,
        by=system_leader,
        made_by="formation",
        name_params={"region": region.name, "number": 7, "host": "Oak School"},
    )
    run = run_create(kind="formation", region=region, by=system_leader, incremental=True)
    report = dict.fromkeys(["new_schools", "networks_kept", "networks_changed", "joined", "new_networks"], 1)
    report |= dict.fromkeys(
        ["in_new_networks", "unplaced", "travel_mean_km", "travel_p95_km", "travel_max_km"], 1
    )
    short = [{"network": network.pk, "name": network.name, "size": 2}, "Old (1)"]
    report |= {"incremental": True, "still_short": short}
    Run.objects.filter(pk=run.pk).update(status=Run.Status.REVIEW, report=report)
    run.refresh_from_db()
    with translation.override(language):
        assert run.still_short_display == [f"{named.format(region=region.name)} (2)", "Old (1)"]
    client.force_login(system_leader)
    page = html.unescape(client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert f"{named.format(region=region.name)} (2)" in page and "network 7" not in page
