"""The demo's advisory council (issue 23, item 6): the region's heads' council, started by its system
leader, with the network coordinator, the teacher and two more of the region's staff as members. It
was asked about next year's joint training (closed: every member answered, and the leader published
back what the region will do, with the results); a second consultation is open, which the teacher has
not answered yet. Written through the services, as people would on the pages."""

from kindred.accounts.models import SchoolStaff, User
from kindred.demo.texts import demo_texts
from kindred.schools.models import Region
from kindred.voice import services as voice
from kindred.voice.models import Council, CouncilMember


def demo_council_create(*, region: Region, leader: User, coordinator: User, teacher: User) -> Council:
    words = demo_texts()["council"]
    council = voice.council_create(name=words["name"], purpose=words["purpose"], region=region, by=leader)
    others = list(
        User.objects.filter(school_roles__school__region=region, school_roles__role=SchoolStaff.Role.TEACHER)
        .exclude(pk__in=[coordinator.pk, teacher.pk])
        .distinct()
        .order_by("pk")[:2]
    )
    members = [coordinator, teacher, *others]
    for person in members:
        place = voice.council_member_invite(council=council, person=person, by=leader)
        voice.council_invitation_answer(member=place, accept=True, by=person)

    asked = voice.council_consultation_create(
        council=council, title=words["title"], description=words["description"], by=leader
    )
    when = voice.question_add(
        consultation=asked, kind="choice", text=words["when"], options=words["whens"], by=leader
    )
    worth = voice.question_add(consultation=asked, kind="scale", text=words["worth"], scale_top=5, by=leader)
    change = voice.question_add(consultation=asked, kind="text", text=words["change"], by=leader)
    voice.consultation_status_set(consultation=asked, status="open", by=leader)
    for i, person in enumerate(members):
        place = CouncilMember.objects.active().get(council=council, user=person)
        voice.response_save(
            consultation=asked,
            school=place.school,
            by=person,
            answers={
                when.pk: words["whens"][2 if i % 3 else 1],
                worth.pk: str(3 + i % 3),
                change.pk: words["remarks"][i % len(words["remarks"])],
            },
        )
    voice.consultation_status_set(consultation=asked, status="closed", by=leader)
    voice.consultation_publish(consultation=asked, text=words["response"], with_results=True, by=leader)

    still_open = voice.council_consultation_create(council=council, title=words["open_title"], by=leader)
    voice.question_add(consultation=still_open, kind="text", text=words["open_question"], by=leader)
    voice.consultation_status_set(consultation=still_open, status="open", by=leader)
    return council
