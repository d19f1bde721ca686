from kindred.engine.waitlist import Waiting, fits, promotions


def test_a_registration_fits_while_places_remain_and_nobody_waits():
    assert fits(capacity=3, taken=2, places=1, anyone_waiting=False)
    assert not fits(capacity=3, taken=3, places=1, anyone_waiting=False)
    assert not fits(capacity=3, taken=0, places=1, anyone_waiting=True)
    assert not fits(capacity=10, taken=5, places=6, anyone_waiting=False)
    assert fits(capacity=None, taken=10_000, places=30, anyone_waiting=True)


def test_promotion_goes_in_order_while_the_head_of_the_list_fits():
    waiting = [Waiting(1, 1), Waiting(2, 2), Waiting(3, 1)]
    assert promotions(capacity=5, taken=2, waiting=waiting) == [1, 2]
    assert promotions(capacity=5, taken=4, waiting=waiting) == [1]


def test_a_large_group_at_the_head_is_not_overtaken_by_a_smaller_one_behind_it():
    assert promotions(capacity=10, taken=8, waiting=[Waiting(1, 5), Waiting(2, 1)]) == []


def test_unlimited_events_promote_everyone():
    assert promotions(capacity=None, taken=99, waiting=[Waiting(1, 40), Waiting(2, 1)]) == [1, 2]
