import pytest


def open_consultation(owner, region):
    """An open consultation of `region`'s schools with a choice, a scale and a free-text question."""
    from kindred.voice.services import consultation_create, consultation_status_set, question_add

    consultation = consultation_create(
        title="Joint CPD next year", audience="region", region=region, by=owner
    )
    question_add(
        consultation=consultation,
        kind="choice",
        text="Which day suits?",
        options=["Monday", "Friday"],
        by=owner,
    )
    question_add(
        consultation=consultation, kind="scale", text="How useful was this year's CPD?", scale_top=5, by=owner
    )
    question_add(consultation=consultation, kind="text", text="What should we change?", by=owner)
    consultation_status_set(consultation=consultation, status="open", by=owner)
    return consultation


@pytest.fixture
def consultation(system_leader, region_a):
    return open_consultation(system_leader, region_a)


def council_with_members(
    leader, *, region=None, organisation=None, members=(), name="Heads' advisory council"
):
    """A council advising `region`'s (or `organisation`'s) leaders, started by `leader`, with each
    person of `members` invited and accepted (speaking from their first school)."""
    from kindred.voice.services import council_create, council_invitation_answer, council_member_invite

    council = council_create(
        name=name,
        purpose="What the schools need next year",
        region=region,
        organisation=organisation,
        by=leader,
    )
    for person in members:
        place = council_member_invite(council=council, person=person, by=leader)
        council_invitation_answer(member=place, accept=True, by=person)
    return council


def council_consultation(council, leader, *, named=False, open_it=True):
    """A consultation of the council's members: a choice, a scale and a free-text question."""
    from kindred.voice.services import consultation_status_set, council_consultation_create, question_add

    consultation = council_consultation_create(
        council=council,
        title="Exam entry dates",
        description="Before the board decides",
        named=named,
        by=leader,
    )
    question_add(
        consultation=consultation,
        kind="choice",
        text="Which series suits?",
        options=["June", "November"],
        by=leader,
    )
    question_add(
        consultation=consultation, kind="scale", text="How clear are the entry rules?", scale_top=5, by=leader
    )
    question_add(consultation=consultation, kind="text", text="What should the board change?", by=leader)
    if open_it:
        consultation_status_set(consultation=consultation, status="open", by=leader)
    return consultation
