# The international network's fixtures (tests/international.py), for test_international.py.
from tests.international import (  # noqa: F401
    cairo,
    cardiff,
    nile_and_taff,
    teacher_cairo,
    teacher_cardiff,
    three_countries,
)
