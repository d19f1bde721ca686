"""Finding good practice: who qualifies, in which order, and the filters."""

import numpy as np
import pytest

from kindred.engine.good_practice import good_practice, haversine_km

from .helpers import evidence

# Five schools along a line of latitude 0.1 degree (about 11 km) apart; school 0 starts the search.
LATITUDE = np.array([52.0, 52.1, 52.2, 52.3, 52.4])
LONGITUDE = np.zeros(5)
AUTHORITY = np.array(["A", "A", "B", "B", "C"])
PHASE = np.array(["primary", "primary", "secondary", "primary", "primary"])


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)


def test_only_reliable_strengths_qualify_strongest_evidence_first():
    reading = evidence("reading", [0.0, 2.5, 1.0, 5.0, 3.0])
    found = good_practice([reading], n_schools=5)
    assert found.schools.tolist() == [3, 4, 1]
    assert found.z.tolist() == [5.0, 3.0, 2.5]
    assert np.isnan(found.distance_km).all()


def test_a_school_is_listed_once_with_its_strongest_measure_of_the_domain():
    absence = evidence("absence_pct", [0.0, -4.0, 0.0, 0.0, 0.0], higher_is_better=False)
    persistent = evidence("persistent_absence_pct", [0.0, -2.5, -3.0, 0.0, 0.0], higher_is_better=False)
    found = good_practice([absence, persistent], n_schools=5)
    assert found.schools.tolist() == [1, 2]
    assert found.measure.tolist() == ["absence_pct", "persistent_absence_pct"]


def test_with_a_starting_school_the_nearest_come_first_within_the_distance():
    reading = evidence("reading", [5.0, 2.5, 9.0, 5.0, 3.0])
    found = good_practice(
        [reading], n_schools=5, latitude=LATITUDE, longitude=LONGITUDE, from_school=0, max_km=35
    )
    assert found.schools.tolist() == [1, 2, 3]
    assert found.distance_km == pytest.approx([11.12, 22.24, 33.36], abs=0.01)


def test_other_authority_only_and_phase_filters():
    reading = evidence("reading", [5.0, 2.5, 9.0, 5.0, 3.0])
    found = good_practice(
        [reading],
        n_schools=5,
        phase=PHASE,
        phases={"primary"},
        latitude=LATITUDE,
        longitude=LONGITUDE,
        local_authority=AUTHORITY,
        from_school=0,
        other_authority_only=True,
    )
    assert found.schools.tolist() == [3, 4]


def test_a_distance_filter_without_a_starting_school_is_refused():
    with pytest.raises(ValueError, match="starting school"):
        good_practice([evidence("reading", [3.0])], n_schools=1, max_km=10)
