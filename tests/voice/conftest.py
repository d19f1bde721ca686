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
