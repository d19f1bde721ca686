import pytest

from kindred.demo.events import demo_programme_create
from kindred.events.models import Event, OccurrenceChange, Registration
from kindred.library.models import PolicyAdoption, Resource, ResourceVersion
from kindred.offers.models import Match, Offer, SupportRequest

pytestmark = pytest.mark.django_db


def test_the_demo_runs_a_term_with_events_a_library_and_a_match_waiting(
    network_x, school_leader_x, teacher_x, teacher_y, site_admin, region_a
):
    from kindred.schools.models import School

    School.objects.bulk_create(
        School(registry_id=str(300 + i), name=f"Demo {i}", region=region_a) for i in range(3)
    )
    # teacher_y's school is in another region: the demo teacher needs a school in the coordinator's.
    demo = demo_programme_create(coordinator=school_leader_x, teacher=teacher_y, admin=site_admin)
    assert Event.objects.filter(network=network_x).count() == 4
    assert Event.objects.filter(network=network_x).exclude(rrule="").count() == 1
    assert OccurrenceChange.objects.filter(cancelled=True).count() == 1
    assert Registration.objects.filter(user=teacher_y, status="confirmed").exists()
    assert Registration.objects.filter(school__isnull=False, pupils=12).exists()
    assert PolicyAdoption.objects.get().version.number == 2
    assert demo["plan"].versions.count() == 2
    assert Offer.objects.filter(status="open").count() >= 2
    assert SupportRequest.objects.filter(status="open").exists()
    match = Match.objects.get()
    assert match.requester_agreed_at and not match.offerer_agreed_at


def test_the_demos_events_fall_in_term_not_on_22_25_and_29_december(
    network_x, school_leader_x, teacher_y, site_admin, region_a, time_machine
):
    from datetime import UTC, datetime, timedelta

    from kindred.events.selectors import occurrences, school_calendar

    # Run on Sunday 6 December 2026: the days 3, 10 and 17 days on were 22, 25 and 29 December.
    time_machine.move_to(datetime(2026, 12, 6, 9, tzinfo=UTC), tick=False)
    demo_programme_create(coordinator=school_leader_x, teacher=teacher_y, admin=site_admin)
    calendar = school_calendar(local_authority_id=None)
    days = [
        o.start.date()
        for event in Event.objects.all()
        for o in occurrences(
            event, window_start=event.starts_at, window_end=event.starts_at + timedelta(days=400)
        )
    ]
    assert len(days) >= 8
    assert not [day for day in days if calendar.out_of_term(day)]
    assert not {day.isoformat() for day in days} & {"2026-12-22", "2026-12-25", "2026-12-29"}


def test_the_english_demo_writes_its_events_library_and_offers_in_english(
    network_x, school_leader_x, teacher_y, site_admin, region_a
):
    from kindred.schools.models import School

    School.objects.bulk_create(
        School(registry_id=str(300 + i), name=f"Demo {i}", region=region_a) for i in range(3)
    )
    demo_programme_create(coordinator=school_leader_x, teacher=teacher_y, admin=site_admin)
    name = network_x.name
    assert set(Event.objects.values_list("title", "place")) == {
        (f"{name}: network meeting", "The host school's library"),
        (f"{name}: TeachMeet", ""),
        (f"{name}: netball tournament", "Sports hall"),
        ("Phonics that sticks", "Lead school, room 4"),
    }
    assert OccurrenceChange.objects.get().note == "Parents' evening"
    assert set(Resource.objects.values_list("title", "tags")) == {
        ("Education Endowment Foundation toolkit", "research, evidence"),
        ("Reading for pleasure: a term's plan", "reading, year 3"),
        ("Shared CPD policy", ""),
    }
    assert set(ResourceVersion.objects.values_list("filename", "note")) == {
        ("reading-plan.txt", ""),
        ("reading-plan-v2.txt", "Added a visiting author"),
        ("cpd-policy.txt", ""),
        ("cpd-policy-v2.txt", "Two shared days"),
    }
    assert set(Offer.objects.values_list("description", flat=True)) == {
        "Our reading lead mentors another school's lead for a term.",
        "Come and see phonics lessons.",
        "We mentor schools in their first years.",
    }
    assert set(SupportRequest.objects.values_list("needs", flat=True)) == {
        "Our year 1 phonics results fell; we want to see strong practice.",
        "Help with fractions in year 5.",
    }
