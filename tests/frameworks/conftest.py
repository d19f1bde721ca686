from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "kindred" / "frameworks" / "examples"


def framework_example_load(name: str = "school-improvement"):
    from kindred.frameworks.loading import read_yaml
    from kindred.frameworks.services import framework_load

    version, _created = framework_load(spec=read_yaml((EXAMPLES / f"{name}.yaml").read_text()), by=None)
    return version


@pytest.fixture
def framework(db):
    """The school improvement example: 5 domains, 12 standards, a 1–4 scale."""
    return framework_example_load()
