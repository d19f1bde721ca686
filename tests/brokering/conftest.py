import pytest
from django.core.management import call_command

from kindred.accounts.generation import country_generate


@pytest.fixture
def small_country(db):
    """A generated country of 300 schools with families and relative performance computed."""
    country_generate(n_schools=300, seed=7, years=[2021, 2022, 2023], n_teachers=600)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
