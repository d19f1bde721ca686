"""Text Kindred writes by itself is stored as codes and data, and read in the reader's language:
the names and purposes of networks that formation and brokering publish, a derived support
category's reason, the audit log's labels, the titles of a survey's rounds, the message of an
invitation to replace a member. Rows written before (in the writer's language) are turned into codes
by data migrations."""

import html
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_noop

from kindred.brokering.models import Invitation, ProposedNetwork, Run
from kindred.brokering.services import run_create, run_publish
from kindred.evidence.models import SupportCategory
from kindred.impact.services import survey_create, survey_post_start
from kindred.networks.models import MembershipRequest, Network
from kindred.networks.services import membership_replace, network_create, network_update
from kindred.schools.models import School
from kindred.voice.models import Consultation

pytestmark = pytest.mark.django_db


def _published(kind: str, leader, school_x, school_y) -> Network:
    run = run_create(kind=kind, region=school_x.region, by=leader)
    Run.objects.filter(pk=run.pk).update(status=Run.Status.REVIEW, min_size=2, max_size=30)
    run.refresh_from_db()
    proposed = ProposedNetwork.objects.create(run=run, number=7, domain="maths")
    roles = ("host", "member") if kind == "formation" else ("need", "partner")
    for school, role in zip((school_x, school_y), roles, strict=True):
        Invitation.objects.create(proposed_network=proposed, school=school, role=role)
    run_publish(run=run, by=leader, coordinator="publisher")
    proposed.refresh_from_db()
    return proposed.network


def test_a_formed_network_is_named_in_each_readers_language(system_leader, school_x, school_y):
    network = _published("formation", system_leader, school_x, school_y)
    region = school_x.region.name
    assert network.made_by == "formation"
    assert network.name_params == {"region": region, "number": 7, "host": "Xavier Primary"}
    assert network.name == f"{region} network 7 (Xavier Primary)"  # English, for search and sorting
    assert network.purpose == ""
    with translation.override("en"):
        assert str(network) == f"{region} network 7 (Xavier Primary)"
        assert network.display_purpose == "Proposed by network formation"
    with translation.override("cy"):
        assert str(network) == f"Rhwydwaith {region} 7 (Xavier Primary)"
        assert network.display_purpose == "Cynigiwyd gan ffurfio rhwydweithiau"
    with translation.override("ar"):
        assert str(network) == f"شبكة {region} رقم 7 (Xavier Primary)"
        assert network.display_purpose == "اقترحها تكوين الشبكات"


def test_a_brokered_partnership_is_named_in_each_readers_language(system_leader, school_x, school_y):
    network = _published("brokering", system_leader, school_x, school_y)
    assert network.name_params == {"need": school_x.name, "partner": school_y.name}
    with translation.override("ar"):
        assert str(network) == f"{school_x.name} مع {school_y.name}"
        assert network.display_purpose == "اقترحتها الوساطة بين الشركاء"


def test_a_renamed_generated_network_keeps_the_name_as_typed(system_leader, school_x, school_y):
    network = _published("formation", system_leader, school_x, school_y)
    network_update(network=network, by=system_leader, name="Canolfan Dysgu")
    network.refresh_from_db()
    assert (network.made_by, network.name_params) == ("", {})
    with translation.override("ar"):
        assert network.display_name == "Canolfan Dysgu"


def test_a_typed_name_is_shown_as_typed(school_leader_x, school_x):
    network = network_create(name="Our schools", kind="community", region=school_x.region, by=school_leader_x)
    with translation.override("cy"):
        assert network.display_name == "Our schools" and network.display_purpose == ""


def test_a_derived_categorys_reason_reads_in_each_language(school_x):
    category = SupportCategory.objects.create(
        school=school_x,
        category="red",
        source="derived",
        counts={"needs": 6, "serious": 4, "strengths": 2, "measures": 14},
    )
    with translation.override("en"):
        assert category.reason_text == "6 reliable needs (4 well below), 2 strengths over 14 measures"
    with translation.override("cy"):
        assert category.reason_text == "6 angen dibynadwy (4 ymhell islaw), 2 cryfder dros 14 mesur"
    imported = SupportCategory(school=school_x, category="red", source="imported", reason="Band 4")
    assert imported.reason_text == "Band 4"


def test_the_audit_log_names_a_coordinators_role_in_the_readers_language(
    site_admin, school_leader_x, school_x
):
    network_create(name="Our schools", kind="community", region=school_x.region, by=school_leader_x)
    client = Client()
    client.force_login(site_admin)
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    translation.deactivate()
    with translation.override("cy"):
        coordinator = str(apps.get_model("networks", "NetworkRole").Role.COORDINATOR.label)
    assert f"{coordinator} Our schools" in page
    assert "Coordinator of" not in page


def test_phases_are_told_apart_from_all_phases_in_every_language():
    for language in ("en", "cy", "ar"):
        with translation.override(language):
            labels = [str(label) for _value, label in School.Phase.choices] + [
                translation.gettext("All phases")
            ]
            assert len(set(labels)) == len(labels), language


def test_the_migration_stores_published_networks_names_as_data(system_leader, school_x, school_y):
    """Networks published before: name and purpose written in the publisher's language of the time."""
    network = _published("formation", system_leader, school_x, school_y)
    region = school_x.region.name
    Network.objects.filter(pk=network.pk).update(
        made_by="",
        name_params={},
        name=f"{region} rhwydwaith 7 (Xavier Primary)",
        purpose="Cynigiwyd gan Ffurfio rhwydweithiau",
    )
    renamed = _published("brokering", system_leader, school_x, school_y)
    Network.objects.filter(pk=renamed.pk).update(made_by="", name_params={}, name="Our pair")
    migration = importlib.import_module(
        "kindred.brokering.migrations.0007_published_networks_named_in_each_language"
    )
    migration.forwards(apps, None)
    network.refresh_from_db()
    renamed.refresh_from_db()
    assert network.made_by == "formation" and network.name == f"{region} network 7 (Xavier Primary)"
    assert network.name_params["number"] == 7 and network.purpose == ""
    assert (renamed.made_by, renamed.name) == ("", "Our pair")


def test_the_migration_keeps_derived_reasons_as_counts(school_x, school_y):
    SupportCategory.objects.create(
        school=school_x,
        category="red",
        source="derived",
        reason="6 angen dibynadwy (4 ymhell islaw), 2 cryfder dros 14 mesur",
    )
    SupportCategory.objects.create(
        school=school_y, category="green", source="imported", reason="Published by the authority"
    )
    importlib.import_module("kindred.evidence.migrations.0006_supportcategory_counts").forwards(apps, None)
    derived = SupportCategory.objects.get(school=school_x)
    assert (
        derived.counts == {"needs": 6, "serious": 4, "strengths": 2, "measures": 14} and derived.reason == ""
    )
    assert SupportCategory.objects.get(school=school_y).reason == ""


def _survey(network, coordinator):
    return survey_create(
        network=network, title="Collaboration", statements=["I learn from colleagues"], by=coordinator
    )


def test_a_surveys_rounds_are_titled_in_each_readers_language(network_x, school_leader_x):
    survey = survey_post_start(survey=_survey(network_x, school_leader_x), by=school_leader_x)
    assert (survey.pre.survey_round, survey.pre.title_params) == ("before", {"title": "Collaboration"})
    assert survey.pre.title == "Collaboration: before"  # English, for search and sorting
    client = Client()
    client.force_login(school_leader_x)
    for language, before, after in (("cy", "cyn", "ar ôl"), ("ar", "قبل", "بعد")):
        listing = client.get("/voice/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        page = client.get(f"/voice/{survey.post.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"Collaboration: {before}" in listing and f"Collaboration: {after}" in page
        assert "Collaboration: before" not in listing and "Collaboration: after" not in listing + page
    translation.deactivate()


def test_the_migration_stores_survey_rounds_titles_as_data(network_x, school_leader_x):
    """Rounds started before: titled in the coordinator's language of the time."""
    survey = survey_post_start(survey=_survey(network_x, school_leader_x), by=school_leader_x)
    Consultation.objects.filter(pk=survey.pre.pk).update(
        survey_round="", title_params={}, title="Collaboration: cyn"
    )
    Consultation.objects.filter(pk=survey.post.pk).update(survey_round="", title_params={}, title="Ours")
    migration = importlib.import_module(
        "kindred.impact.migrations.0005_survey_rounds_titled_in_each_language"
    )
    migration.forwards(apps, None)
    pre, post = (Consultation.objects.get(pk=c.pk) for c in (survey.pre, survey.post))
    assert (pre.survey_round, pre.title_params) == ("before", {"title": "Collaboration"})
    assert pre.title == "Collaboration: before"
    assert (post.survey_round, post.title) == ("", "Ours")  # retitled: as typed


def test_an_invitation_to_replace_a_member_says_whose_place_in_the_readers_language(
    network_x, school_x, school_y, school_leader_x
):
    invitation = membership_replace(
        membership=network_x.memberships.get(school=school_x),
        school=school_y,
        reason="Closed",
        by=school_leader_x,
    )
    assert invitation.message == ""  # the invitation keeps whose place it is (`replaces`), not words
    client = Client()
    client.force_login(school_leader_x)
    for language, words in (("cy", "Wedi'i gwahodd i gymryd lle"), ("ar", "مدعوّة لأخذ مكان")):
        page = client.get(network_x.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"{words} {school_x.name}." in page.replace("&#x27;", "'")
        assert "Invited to take the place of" not in page
    translation.deactivate()


def test_the_migration_drops_replacement_messages_written_in_words(
    network_x, school_x, school_y, school_leader_x
):
    invitation = membership_replace(
        membership=network_x.memberships.get(school=school_x),
        school=school_y,
        reason="Closed",
        by=school_leader_x,
    )
    MembershipRequest.objects.filter(pk=invitation.pk).update(message=f"مدعوّة لأخذ مكان {school_x.name}.")
    importlib.import_module(
        "kindred.networks.migrations.0007_replacement_invitations_worded_in_each_language"
    ).forwards(apps, None)
    invitation.refresh_from_db()
    assert invitation.message == ""
    with translation.override("cy"):
        assert invitation.display_message == f"Wedi'i gwahodd i gymryd lle {school_x.name}."
    MembershipRequest.objects.filter(pk=invitation.pk).update(message="Please join us")
    importlib.import_module(
        "kindred.networks.migrations.0007_replacement_invitations_worded_in_each_language"
    ).forwards(apps, None)
    invitation.refresh_from_db()
    assert invitation.display_message == "Please join us"  # typed by a person: kept


def test_a_jobs_progress_is_worded_in_each_readers_language(client, site_admin):
    """The worker reports progress in English; the job keeps the message id and its numbers, and
    the job's page words them in the reader's language."""
    from kindred.core.jobs import job_create
    from kindred.core.models import Job
    from kindred.core.progress import Said, job_progress

    digests = job_create(kind=Job.Kind.RECOMPUTE, label="Digests", by=site_admin)
    forming = job_create(kind=Job.Kind.BROKERING, label="Formation", by=site_admin)
    with translation.override("en"):
        job_progress(digests)(5, 10, Said(gettext_noop("%(n)d digests written"), n=12))
        job_progress(forming)(1, 3, gettext_noop("forming networks"))
    digests.refresh_from_db()
    assert (digests.message, digests.message_params) == ("%(n)d digests written", {"n": 12})
    client.force_login(site_admin)
    pages = {
        (job.pk, language): html.unescape(
            client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
        for job in (digests, forming)
        for language in ("en", "cy", "ar")
    }
    assert "12 digests written" in pages[digests.pk, "en"]
    assert "12 crynodeb wedi'u hysgrifennu" in pages[digests.pk, "cy"]
    assert "كُتب 12 ملخص" in pages[digests.pk, "ar"]
    assert "yn ffurfio rhwydweithiau" in pages[forming.pk, "cy"]
    assert "تكوين الشبكات" in pages[forming.pk, "ar"]
    for language in ("cy", "ar"):
        assert "digests written" not in pages[digests.pk, language]
        assert "forming networks" not in pages[forming.pk, language]


def test_an_unexpected_error_is_a_translated_sentence_with_the_technical_detail(client, site_admin):
    from kindred.core.jobs import job_create, job_run
    from kindred.core.models import Job

    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute", by=site_admin)

    def work(progress):
        progress(1, 2, gettext_noop("estimating"))
        raise RuntimeError("disk full (100%)")

    with pytest.raises(RuntimeError):
        job_run(job, work)
    job.refresh_from_db()
    generic = "The job stopped on an unexpected error. Technical detail: %(detail)s"
    assert (job.message, job.message_params) == (generic, {"detail": "RuntimeError: disk full (100%)"})
    assert (job.outcome["error"], job.outcome["error_params"]) == (job.message, job.message_params)
    with translation.override("cy"):
        expected = (
            "Daeth y swydd i ben oherwydd gwall annisgwyl. Manylion technegol: RuntimeError: disk full (100%)"
        )
        assert job.display_message == job.display_error == expected
